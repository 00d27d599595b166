"""smarttvet import KIND FILE: validate and load a CSV or XLSX file (see docs/data-formats.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smarttvet.core.metrics import track_job
from smarttvet.core.specs import KINDS, spec_for
from smarttvet.core.tabular import TabularError, run_import

SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = "Import organizations, enterprises, teachers, students or graduates from a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*KINDS, "classifier"]))
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--skip-invalid", action="store_true",
            help="Write the valid rows and save the rejected ones, with reasons, beside the file.",
        )
        parser.add_argument("--rejected", type=Path, help="Where to save rejected rows (with --skip-invalid).")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")

    def handle(self, *args, kind: str, file: Path, skip_invalid: bool, rejected: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file", returncode=2)
        if kind == "classifier":
            return self.import_classifier(file)
        spec = spec_for(kind)
        rejected = rejected or file.with_name(f"{file.stem}.rejected.csv")
        with track_job(f"import_{spec.kind}"):  # duration and outcome on /metrics (smarttvet.core.metrics)
            try:
                report = run_import(
                    spec, file, skip_invalid=skip_invalid, rejected_path=rejected,
                    progress=not options["no_progress"],
                )
            except TabularError as exc:  # bad input, nothing written: the job's outcome is "rejected"
                raise CommandError(str(exc), returncode=2) from None
        for error in report.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"row {error.row}, column {error.column}: {error.reason}")
        if len(report.errors) > SHOWN_ERRORS:
            self.stderr.write(f"... and {len(report.errors) - SHOWN_ERRORS} more problems")
        if report.errors and not skip_invalid:
            raise CommandError(
                f"{file.name}: {report.rejected_rows} of {report.rows} rows are invalid; nothing was written. "
                "Fix them, or use --skip-invalid to load the valid rows.",
                returncode=2,
            )
        self.stdout.write(
            f"{kind}: {report.rows} rows, {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.rejected_rows} rejected"
            + (f" (saved to {report.rejected_path})" if report.rejected_path else "")
        )

    def import_classifier(self, file: Path) -> None:
        """The official specialty and qualification list, in the format of registry/data/specialties.csv."""
        from django.db import transaction

        from smarttvet.accounts import audit
        from smarttvet.registry import reference
        from smarttvet.registry.models import FieldOfEducation, Qualification, Specialty

        if file.suffix.lower() != ".csv":
            raise CommandError(f"{file.name}: the classifier is read from a .csv file", returncode=2)
        try:
            with transaction.atomic():
                counts = reference.load_classifier(FieldOfEducation, Specialty, Qualification, file)
                audit.record(actor="command line", action="import", target_type="registry.specialty",
                             target_label=f"{file.name} (classifier)", changes=counts)
        except (reference.ClassifierError, UnicodeDecodeError, KeyError) as exc:
            for line in str(exc).splitlines()[:SHOWN_ERRORS]:
                self.stderr.write(line)
            raise CommandError(
                f"{file.name}: the classifier file is invalid; nothing was written.", returncode=2
            ) from None
        self.stdout.write(f"classifier: {counts['specialties']} specialties, {counts['qualifications']} qualifications")

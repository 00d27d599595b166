"""smarttvet export KIND FILE: write records in exactly the import format (.csv or .xlsx)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from smarttvet.core.specs import KINDS, spec_for
from smarttvet.core.tabular import TabularError, export_file


class Command(BaseCommand):
    help = "Export organizations, enterprises, teachers, students or graduates to a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted([*KINDS, "classifier"]))
        parser.add_argument("file", type=Path)

    def handle(self, *args, kind: str, file: Path, **options):
        if kind == "classifier":
            from smarttvet.registry.reference import export_classifier

            if file.suffix.lower() != ".csv":
                raise CommandError(f"{file.name}: the classifier is written as .csv", returncode=2)
            self.stdout.write(f"classifier: {export_classifier(file)} qualifications written to {file}")
            return
        spec = spec_for(kind)
        if file.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError(f"{file.name}: unsupported file type; use .csv or .xlsx", returncode=2)
        if not file.parent.exists():
            raise CommandError(f"{file.parent}: no such folder", returncode=2)
        try:
            count = export_file(spec, spec.model._default_manager.all(), file)
        except TabularError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(f"{kind}: {count} records written to {file}")

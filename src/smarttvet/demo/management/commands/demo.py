"""smarttvet demo [--scale small|region|national] [--seed N] [--force] [--no-progress]
smarttvet demo gradebook [--rows N] [--seed S] [--years 2023,2024,2025] [--no-progress]

Generate the deterministic synthetic demo dataset (see smarttvet.demo.generator), or, with ``gradebook``,
synthetic marks and attendance for its schools and colleges (see smarttvet.demo.generator.gradebook).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from smarttvet.core.metrics import track_job
from smarttvet.demo import generator
from smarttvet.demo.generator import scales

DEFAULT_SEED = 2025
DEFAULT_SCALE = "small"


class Command(BaseCommand):
    help = (
        "Generate a complete synthetic demo dataset (organisations, enterprises, offers, state orders, "
        "teachers, students, graduates' outcomes, demo users with password 'demo'); "
        "'demo gradebook' then generates gradebook marks and attendance for its schools and colleges."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "part", nargs="?", choices=["gradebook"],
            help="gradebook: generate marks and attendance for the demo's schools and colleges into the analytic "
                 "store and compute the learning measures (needs the demo dataset).",
        )
        parser.add_argument(
            "--scale", default=None,
            help=f"Size of the dataset: {', '.join(scales.SCALES)} (default: {DEFAULT_SCALE}). "
                 + "; ".join(f"{s.name}: {s.description}" for s in scales.SCALES.values()),
        )
        parser.add_argument("--seed", default=str(DEFAULT_SEED),
                            help=f"Random seed, a non-negative integer (default: {DEFAULT_SEED}).")
        parser.add_argument(
            "--force", action="store_true",
            help="Replace the data even if it is not a demo dataset (deletes organisations, enterprises and "
                 "people), or regenerate the same scale and seed.",
        )
        parser.add_argument("--rows", default=None,
                            help="gradebook only: how many marks to generate in all (default: 2000000; "
                                 "2M and 500k are understood).")
        parser.add_argument("--years", default=None,
                            help="gradebook only: school years, comma-separated (default: 2023,2024,2025; "
                                 "2025 is 2024-2025).")
        parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")

    def handle(self, *args, part: str | None, scale: str | None, seed: str, force: bool, rows: str | None,
               years: str | None, no_progress: bool, **options):
        if part == "gradebook":
            if scale is not None or force:
                raise CommandError("--scale and --force apply to the demo dataset, not to 'demo gradebook'",
                                   returncode=2)
            self._gradebook(rows, years, self._seed(seed), progress=not no_progress)
            return
        if rows is not None or years is not None:
            raise CommandError("--rows and --years apply to 'smarttvet demo gradebook' only", returncode=2)
        scale = DEFAULT_SCALE if scale is None else scale
        if scale not in scales.SCALES:
            raise CommandError(f"--scale: unknown scale {scale!r}; use one of {', '.join(scales.SCALES)}",
                               returncode=2)
        seed_value = self._seed(seed)
        try:
            generator.validate(scale=scale, seed=seed_value)
        except ValueError as exc:
            raise CommandError(f"--seed: {exc}", returncode=2) from None
        if not force and generator.existing(scale=scale, seed=seed_value):
            self.stdout.write(f"Demo data (scale {scale}, seed {seed_value}) is already generated; nothing to do.")
            return
        started = time.monotonic()
        try:
            with track_job("demo_generate"):  # duration and outcome on /metrics (smarttvet.core.metrics)
                counts = generator.generate(scale=scale, seed=seed_value, progress=not no_progress, force=force)
        except generator.RealDataError as exc:
            raise CommandError(str(exc), returncode=2) from None
        seconds = time.monotonic() - started
        self.stdout.write(f"Demo dataset generated: scale {scale}, seed {seed_value}, in {seconds:.1f} s")
        width = max(len(k) for k in counts)
        for key, value in counts.items():
            self.stdout.write(f"  {key:<{width}}  {value:>10,}")

    @staticmethod
    def _seed(seed: str) -> int:
        try:
            return int(str(seed).strip())
        except ValueError:
            raise CommandError(f"--seed: {seed!r} is not an integer", returncode=2) from None

    def _gradebook(self, rows: str | None, years: str | None, seed: int, *, progress: bool) -> None:
        from smarttvet.demo.generator import gradebook
        from smarttvet.gradebook import synthetic

        try:
            row_count = synthetic.parse_count(rows) if rows is not None else gradebook.DEFAULT_ROWS
        except ValueError as exc:
            raise CommandError(f"--rows: {exc}", returncode=2) from None
        try:
            year_list = gradebook.parse_years(years if years is not None else list(gradebook.DEFAULT_YEARS))
        except ValueError as exc:
            raise CommandError(f"--years: {exc}", returncode=2) from None
        if not 0 <= seed < 2**63:
            raise CommandError(f"--seed: must be a non-negative integer below 2**63, got {seed}", returncode=2)
        try:
            with track_job("demo_gradebook"):
                result = gradebook.generate(rows=row_count, seed=seed, years=year_list, progress=progress)
        except gradebook.NoDemoError as exc:
            raise CommandError(str(exc), returncode=2) from None
        self.stdout.write(
            f"Gradebook generated: {result.marks:,} marks and {result.attendance:,} attendance rows for "
            f"{result.organizations:,} organisations, school years {', '.join(map(str, year_list))} "
            f"({result.partitions} partitions, seed {seed}) in {result.seconds:.1f} s"
        )
        for year, analysed in result.analysed.items():
            levels = ", ".join(f"{level} {count:,}" for level, count in analysed.get("levels", {}).items())
            self.stdout.write(f"  {year}: measures computed in {result.analyse_seconds[year]:.1f} s ({levels})")

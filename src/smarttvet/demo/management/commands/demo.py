"""smarttvet demo [--scale small|region|national] [--seed N] [--force] [--no-progress]

Generate the deterministic synthetic demo dataset (see smarttvet.demo.generator).
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from smarttvet.demo import generator
from smarttvet.demo.generator import scales

DEFAULT_SEED = 2025


class Command(BaseCommand):
    help = (
        "Generate a complete synthetic demo dataset (organisations, enterprises, offers, state orders, "
        "teachers, students, graduates' outcomes, demo users with password 'demo')."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", default="small",
            help=f"Size of the dataset: {', '.join(scales.SCALES)} (default: small). "
                 + "; ".join(f"{s.name}: {s.description}" for s in scales.SCALES.values()),
        )
        parser.add_argument("--seed", default=str(DEFAULT_SEED),
                            help=f"Random seed, a non-negative integer (default: {DEFAULT_SEED}).")
        parser.add_argument(
            "--force", action="store_true",
            help="Replace the data even if it is not a demo dataset (deletes organisations, enterprises and "
                 "people), or regenerate the same scale and seed.",
        )
        parser.add_argument("--no-progress", action="store_true", help="Do not draw progress bars.")

    def handle(self, *args, scale: str, seed: str, force: bool, no_progress: bool, **options):
        if scale not in scales.SCALES:
            raise CommandError(f"--scale: unknown scale {scale!r}; use one of {', '.join(scales.SCALES)}",
                               returncode=2)
        try:
            seed_value = int(str(seed).strip())
        except ValueError:
            raise CommandError(f"--seed: {seed!r} is not an integer", returncode=2) from None
        try:
            generator.validate(scale=scale, seed=seed_value)
        except ValueError as exc:
            raise CommandError(f"--seed: {exc}", returncode=2) from None
        if not force and generator.existing(scale=scale, seed=seed_value):
            self.stdout.write(f"Demo data (scale {scale}, seed {seed_value}) is already generated; nothing to do.")
            return
        started = time.monotonic()
        try:
            counts = generator.generate(scale=scale, seed=seed_value, progress=not no_progress, force=force)
        except generator.RealDataError as exc:
            raise CommandError(str(exc), returncode=2) from None
        seconds = time.monotonic() - started
        self.stdout.write(f"Demo dataset generated: scale {scale}, seed {seed_value}, in {seconds:.1f} s")
        width = max(len(k) for k in counts)
        for key, value in counts.items():
            self.stdout.write(f"  {key:<{width}}  {value:>10,}")

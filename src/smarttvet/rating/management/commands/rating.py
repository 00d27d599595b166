"""smarttvet rating compute|run

``smarttvet rating compute --methodology FILE --data FILE --out FILE.csv [--uncertainty N] [--seed S]
[--explain UNIT] [--language kk|ru|en]``
    The pure engine on files, no database: exactly ``rating compute`` of ``smarttvet.rating.engine.cli``
    (exit 2 on bad input, and then no output file).

``smarttvet rating run --year YYYY [--methodology CODE] [--uncertainty N] [--seed S] [--publish] [--force]``
    Derive the year's indicators from the database, compute and store a new run (a draft, or published
    with ``--publish``) and print its league counts. A new run never replaces an older one. With
    ``--publish``, when a published run already used the same methodology version, year, inputs, seed and
    number of draws, nothing is computed (it would be the same run again) unless ``--force``; this makes
    ``make demo`` safe to repeat. Bad arguments exit with code 2 and a message naming the argument.
"""

from __future__ import annotations

import sys
import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from smarttvet.rating.engine import cli as engine_cli

ARGUMENTS = {"year": "--year", "methodology": "--methodology", "uncertainty": "--uncertainty", "seed": "--seed"}


class Command(BaseCommand):
    help = "Ratings: 'compute' rates a data file with a methodology file; 'run' computes and stores a run."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{compute,run}")
        compute = commands.add_parser(
            "compute", add_help=False,
            help="rate a data file (CSV/XLSX) with a methodology file, no database (see 'rating compute --help')",
        )
        compute.add_argument("engine_args", nargs="*", help="the engine's arguments")
        run = commands.add_parser("run", help="compute and store a rating run from the database's indicators")
        run.add_argument("--year", required=True, help="the year whose indicators are rated, e.g. 2025")
        run.add_argument("--methodology", default="tvet", help="methodology code (default: tvet)")
        run.add_argument("--uncertainty", default="0", help="Monte Carlo draws (default: 0, none)")
        run.add_argument("--seed", default="2025", help="seed of the Monte Carlo (default: 2025)")
        run.add_argument("--publish", action="store_true", help="publish the run (it can never change again)")
        run.add_argument("--force", action="store_true",
                         help="with --publish, compute even if an identical run is already published")
        run.add_argument("--no-progress", action="store_true", help="do not draw progress bars")

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parse_args = parser.parse_args

        def parse(args=None, namespace=None):
            # "compute" passes every argument, options included, to the engine (call_command goes this way).
            args = list(sys.argv[2:] if args is None else args)
            if args and args[0] == "compute":
                namespace = parse_args(["compute"], namespace)
                namespace.engine_args = args[1:]
                return namespace
            return parse_args(args, namespace)

        parser.parse_args = parse
        return parser

    def run_from_argv(self, argv):
        # "compute" hands every argument, options included, to the engine's own parser.
        if len(argv) > 2 and argv[2] == "compute":
            code = engine_cli.main(["compute", *argv[3:]])
            if code:
                sys.exit(code)
            return
        super().run_from_argv(argv)

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "compute":
            code = engine_cli.main(["compute", *options["engine_args"]])
            if code:
                raise CommandError("rating compute failed (see the message above)", returncode=code)
            return
        self._run(**options)  # the run's duration and outcome: on /metrics, from services.rating_run_create

    def _run(self, *, year, methodology, uncertainty, seed, publish, force, no_progress, **options):
        from smarttvet.rating import services

        progress = not no_progress
        try:
            year_value = services.check_year(year)
            draws = services.check_int("uncertainty", uncertainty, 0, services.MAX_DRAWS)
            seed_value = services.check_int("seed", seed, 0, 2**63 - 1)
            if publish and not force:
                twin = services.published_twin(year=year_value, methodology_code=methodology, uncertainty=draws,
                                               seed=seed_value)
                if twin is not None:
                    self.stdout.write(f"Run #{twin.pk} ({twin.methodology}, {twin.year}) is already published with "
                                      "the same methodology, inputs, seed and draws; nothing to do (--force to "
                                      "compute it again).")
                    self._print_counts(twin)
                    return
            started = time.monotonic()
            run = services.rating_run_create(actor="command line", year=year_value, methodology_code=methodology,
                                             uncertainty=draws, seed=seed_value, progress=progress)
            if publish:
                run = services.rating_run_publish(actor="command line", run=run)
        except ValidationError as error:
            raise CommandError(self._message(error), returncode=2) from None
        seconds = time.monotonic() - started
        state = "published" if run.is_published else "draft"
        self.stdout.write(f"Run #{run.pk} ({run.methodology}, {run.year}, {state}) computed in {seconds:.1f} s: "
                          f"{run.summary['n_rated']} of {run.summary['n_units']} organisations rated"
                          + (f", {draws} Monte Carlo draws" if draws else ""))
        self._print_counts(run)

    def _print_counts(self, run) -> None:
        counts = run.league_counts
        width = max([len(code) for code in counts] + [len("not rated")])
        for code, n in counts.items():
            self.stdout.write(f"  {code:<{width}}  {n:>6}")
        self.stdout.write(f"  {'not rated':<{width}}  {run.summary.get('not_rated', 0):>6}")

    @staticmethod
    def _message(error: ValidationError) -> str:
        parts = []
        for field, problems in error.message_dict.items():
            parts.append(f"{ARGUMENTS.get(field, field)}: {'; '.join(problems)}")
        return "\n".join(parts)

"""smarttvet leadership funnel|incentives

``smarttvet leadership funnel --cohort CODE [--region CODE] [--format table|csv] [--out FILE] [--language en]``
    The selection funnel of the cohort whose code is ``CODE``: one row per stage in its order, after a first row
    for the applications and one for the eligible applicants, with the candidates who entered the stage, passed
    it, dropped at it, are still in it, and the pass rate (passed / decided, in %). ``--region`` (a 2-digit
    KATO prefix or a 9-digit KATO code) keeps the candidates of one region. CSV columns, in this order (stable;
    new columns are added at the end only): ``order, stage, entered, passed, dropped, pending, pass_rate``.

``smarttvet leadership incentives ...``
    KPI-based incentive funding; the options, as typed, go to ``smarttvet.kpi.commands.run_incentives``,
    which checks them.

Bad arguments (and an unknown cohort or region) exit with code 2 and a message naming the argument.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from smarttvet.labour.management.commands.labour import parse_choice, parse_out, parse_region, write_atomically
from smarttvet.plans.management.commands.plans import _csv, _table

FORMATS = ("table", "csv")
LANGUAGES = ("kk", "ru", "en")
FUNNEL_COLUMNS = ["order", "stage", "entered", "passed", "dropped", "pending", "pass_rate"]
FUNNEL_TABLE = [("order", "#"), ("stage", "stage"), ("entered", "entered"), ("passed", "passed"),
                ("dropped", "dropped"), ("pending", "pending"), ("pass_rate", "pass %")]


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = ("Leadership: 'funnel' (the selection funnel of a cadre-reserve cohort), 'incentives' (KPI-based "
            "incentive payments).")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{funnel,incentives}")
        funnel = commands.add_parser("funnel", help="the count at each selection stage of a cohort")
        funnel.add_argument("--cohort", required=True, help="the cohort's code, e.g. 1000-leaders-2024")
        funnel.add_argument("--region", help="only the candidates of this region (2-digit KATO prefix)")
        funnel.add_argument("--format", default="table", help="table or csv (default: table)")
        funnel.add_argument("--out", help="write to this file instead of the screen")
        funnel.add_argument("--language", default="en", help="language of the names: kk, ru or en (default: en)")
        incentives = commands.add_parser("incentives", help="KPI-based incentive payments from a yearly pool")
        try:
            from smarttvet.kpi.commands import add_incentives_arguments
        except ImportError:
            pass
        else:
            add_incentives_arguments(incentives)

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "incentives":
            try:
                from smarttvet.kpi.commands import run_incentives
            except ImportError:
                raise CommandError("incentives: the KPI module is not available", returncode=2) from None
            return run_incentives(options, stdout=self.stdout, stderr=self.stderr)
        self._funnel(options)

    def _funnel(self, options):
        from smarttvet.leadership.models import Cohort

        form = parse_choice(options["format"], "--format", FORMATS)
        language = parse_choice(options["language"], "--language", LANGUAGES)
        path = parse_out(options.get("out"))
        code = (options.get("cohort") or "").strip()
        cohort = Cohort.objects.select_related("programme", "region").filter(code=code).first()
        if cohort is None:
            raise _fail(f"--cohort: no cohort with code {code!r}")
        region = parse_region(options["region"]) if options.get("region") else None
        with translation.override(language):
            text, count = self._text(cohort, region, form)
        if path is None:
            self.stdout.write(text, ending="")
        else:
            write_atomically(path, text)
            self.stdout.write(f"{count} rows written to {path}")

    @staticmethod
    def _text(cohort, region, form: str) -> tuple[str, int]:
        from smarttvet.leadership.selectors import funnel

        result = funnel(cohort, region=region)
        rows = [{"order": row.order, "stage": row.code, "entered": row.entered, "passed": row.passed,
                 "dropped": row.dropped, "pending": row.pending,
                 "pass_rate": "" if row.pass_rate is None else f"{row.pass_rate:.1f}"}
                for row in result.rows]
        if form == "csv":
            return _csv(FUNNEL_COLUMNS, rows), len(rows)
        where = f", region {region.name}" if region is not None else ""
        return _table(FUNNEL_TABLE, rows, f"{cohort.code}: {cohort.name} ({cohort.year}{where})"), len(rows)

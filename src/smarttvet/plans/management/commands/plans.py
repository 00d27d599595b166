"""smarttvet plans status|breakdown

``smarttvet plans status PLAN [--year YYYY] [--format table|csv] [--out FILE] [--language kk|ru|en]``
    One row per indicator of the plan whose code is ``PLAN`` (goals, objectives and their indicators in their
    order, then the indicators without an objective). CSV columns, in this order (stable; new columns are added
    at the end only): ``indicator_id, goal, objective, indicator, unit, direction, baseline_year, baseline,
    final_year, final_target, year, target, expected, actual, status, source, measure, breakdown, note`` -
    ``year`` is the year assessed (``--year``, or the latest year with an actual after the baseline),
    ``target`` the target set for that year, ``expected`` the value of the expected path in it, ``status``
    one of achieved, on_track, at_risk, off_track, no_data (``smarttvet.plans.progress``), ``source``
    computed (from the measure ``measure``) or entered, ``breakdown`` the command that shows who contributes
    to a computed value, ``note`` why a computed indicator has no value (a measure without a data source yet).

``smarttvet plans breakdown PLAN INDICATOR_ID [--by region|organization] [--year YYYY] [--format table|csv]
[--out FILE] [--language kk|ru|en]``
    The parts of a computed indicator's value (``smarttvet.plans.measures.breakdown``): a national plan's by
    region (default) or organisation, a regional plan's by organisation. Columns ``id, code, name, value,
    share``: the region's KATO code or the organisation's BIN, and for additive measures the part's share of
    the whole in %. ``--year`` defaults to the indicator's latest year with a value (else the current year).

Bad arguments (and an unknown plan or indicator) exit with code 2 and a message naming the argument.
"""

from __future__ import annotations

import csv
import io

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from smarttvet.labour.management.commands.labour import parse_choice, parse_int, parse_out, write_atomically

FORMATS = ("table", "csv")
LANGUAGES = ("kk", "ru", "en")
STATUS_COLUMNS = ["indicator_id", "goal", "objective", "indicator", "unit", "direction", "baseline_year",
                  "baseline", "final_year", "final_target", "year", "target", "expected", "actual", "status",
                  "source", "measure", "breakdown", "note"]
STATUS_TABLE = [("indicator_id", "id"), ("indicator", "indicator"), ("unit", "unit"), ("baseline", "baseline"),
                ("year", "year"), ("target", "target"), ("actual", "actual"), ("final_target", "final"),
                ("status", "status"), ("source", "source")]
BREAKDOWN_COLUMNS = ["id", "code", "name", "value", "share"]
NUMERIC = {"indicator_id", "baseline_year", "baseline", "final_year", "final_target", "year", "target", "expected",
           "actual", "id", "value", "share"}
WIDE = 48


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _number(value, decimals: int) -> str:
    if value is None:
        return ""
    return f"{float(value):.{decimals}f}"


def _csv(columns: list[str], rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(column, "") for column in columns])
    return buffer.getvalue()


def _table(columns: list[tuple[str, str]], rows: list[dict], title: str) -> str:
    cells = []
    for row in rows:
        line = []
        for key, _header in columns:
            text = str(row.get(key, ""))
            line.append(text if len(text) <= WIDE else text[:WIDE - 1] + "…")
        cells.append(line)
    headers = [header for _key, header in columns]
    widths = [max([len(h)] + [len(line[i]) for line in cells]) for i, h in enumerate(headers)]

    def fmt(values):
        return "  ".join(value.rjust(widths[i]) if columns[i][0] in NUMERIC else value.ljust(widths[i])
                         for i, value in enumerate(values)).rstrip()

    return "\n".join([title, fmt(headers), fmt(["-" * w for w in widths]), *[fmt(line) for line in cells]]) + "\n"


class Command(BaseCommand):
    help = ("Plans: 'status' (every indicator's target, actual and status), 'breakdown' (who contributes to a "
            "computed indicator).")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{status,breakdown}")
        status = commands.add_parser("status", help="every indicator of a plan with its target, actual and status")
        status.add_argument("plan", help="the plan's code, e.g. national-roadmap-2025-2027")
        breakdown = commands.add_parser("breakdown", help="the parts of a computed indicator by region or organisation")
        breakdown.add_argument("plan", help="the plan's code")
        breakdown.add_argument("indicator", help="the indicator's id (the first column of 'plans status')")
        breakdown.add_argument("--by", help="region or organization (default: region for a national plan, "
                                            "organization for a regional one)")
        for sub in (status, breakdown):
            sub.add_argument("--year", help="the year assessed, e.g. 2026")
            sub.add_argument("--format", default="table", help="table or csv (default: table)")
            sub.add_argument("--out", help="write to this file instead of the screen")
            sub.add_argument("--language", default="en", help="language of the texts: kk, ru or en (default: en)")

    def handle(self, *args, subcommand: str, **options):
        form = parse_choice(options["format"], "--format", FORMATS)
        language = parse_choice(options["language"], "--language", LANGUAGES)
        year = parse_int(options["year"], "--year", 2000, 2100) if options.get("year") is not None else None
        path = parse_out(options.get("out"))
        plan = self._plan(options["plan"])
        with translation.override(language):
            if subcommand == "status":
                text, count = self._status(plan, year, form)
                what = "indicators"
            else:
                text, count = self._breakdown(plan, options["indicator"], options.get("by"), year, form)
                what = "parts"
        if path is None:
            self.stdout.write(text, ending="")
        else:
            write_atomically(path, text)
            self.stdout.write(f"{count} {what} written to {path}")

    @staticmethod
    def _plan(code: str):
        from smarttvet.plans.models import Plan

        plan = Plan.objects.select_related("region", "organization").filter(code=(code or "").strip()).first()
        if plan is None:
            raise _fail(f"PLAN: no plan with code {code!r}")
        return plan

    # ------------------------------------------------------------------------------------------ status
    @staticmethod
    def _items(plan):
        """(goal, objective, indicator progress) in the plan's order."""
        from smarttvet.plans.selectors import plan_detail

        detail = plan_detail(plan)
        for goal in detail.goals:
            for node in goal.objectives:
                for item in node.indicators:
                    yield goal.goal, node.objective, item
        for item in detail.loose_indicators:
            yield None, None, item

    def _status(self, plan, year: int | None, form: str) -> tuple[str, int]:
        from smarttvet.plans import measures, progress

        owner = measures.owner_of(plan)
        hint_by = {measures.NATIONAL: "region|organization", measures.REGION: "organization"}.get(owner.level)
        rows = []
        for goal, objective, item in self._items(plan):
            indicator = item.indicator
            assessment = item.assessment
            if year is not None:
                assessment = progress.assess(direction=indicator.direction, baseline_year=indicator.baseline_year,
                                             baseline_value=indicator.baseline_value, targets=item.targets,
                                             actuals=item.actuals, year=year)
            d = indicator.decimals
            measure = measures.get(indicator.measure) if indicator.is_computed else None
            note = ""
            hint = ""
            if indicator.is_computed:
                if measure is None:
                    note = f"unknown measure {indicator.measure!r}"
                elif not measure.available:
                    note = measure.reason
                elif hint_by:
                    hint = f"smarttvet plans breakdown {plan.code} {indicator.pk} --by {hint_by}"
            assessed = assessment.year
            rows.append({
                "indicator_id": indicator.pk, "goal": goal.title if goal else "",
                "objective": objective.title if objective else "", "indicator": indicator.title,
                "unit": indicator.unit, "direction": indicator.direction,
                "baseline_year": indicator.baseline_year or "", "baseline": _number(indicator.baseline_value, d),
                "final_year": item.final_year or "", "final_target": _number(item.final_target, d),
                "year": assessed or "", "target": _number(item.targets.get(assessed) if assessed else None, d),
                "expected": _number(assessment.expected, d), "actual": _number(assessment.actual, d),
                "status": assessment.status, "source": indicator.source, "measure": indicator.measure,
                "breakdown": hint, "note": note,
            })
        if form == "csv":
            return _csv(STATUS_COLUMNS, rows), len(rows)
        title = f"{plan.code}: {plan.title} ({plan.start_year}–{plan.end_year})"
        if year is not None:
            title += f", assessed in {year}"
        if not rows:
            return title + "\nNo indicators.\n", 0
        return _table(STATUS_TABLE, rows, title), len(rows)

    # ------------------------------------------------------------------------------------------ breakdown
    def _breakdown(self, plan, raw_indicator: str, by: str | None, year: int | None, form: str) -> tuple[str, int]:
        from smarttvet.plans import measures
        from smarttvet.plans.models import Indicator
        from smarttvet.registry.models import Organization, Region

        try:
            indicator_id = int(str(raw_indicator).strip())
        except ValueError:
            raise _fail(f"INDICATOR_ID: expected a whole number, not {raw_indicator!r}") from None
        indicator = Indicator.objects.filter(plan=plan, pk=indicator_id).first()
        if indicator is None:
            raise _fail(f"INDICATOR_ID: plan {plan.code} has no indicator {indicator_id}")
        if not indicator.is_computed:
            raise _fail(f"INDICATOR_ID: indicator {indicator_id} is entered, not computed: it has no breakdown")
        measure = measures.get(indicator.measure)
        if measure is None:
            raise _fail(f"INDICATOR_ID: indicator {indicator_id} names an unknown measure {indicator.measure!r}")
        if not measure.available:
            raise _fail(f"INDICATOR_ID: {indicator.measure} has no values: {measure.reason}")
        owner = measures.owner_of(plan)
        if by is None:
            by = measures.REGION if owner.level == measures.NATIONAL else measures.ORGANIZATION
        parse_choice(by, "--by", measures.BREAKDOWN_LEVELS)
        try:
            measures.check_breakdown(owner, by)
        except ValueError as error:
            raise _fail(f"--by: {error}") from None
        if year is None:
            year = self._latest_year(plan, indicator)
        parts = measures.breakdown(indicator.measure, owner, year, by=by)
        whole, _reason = measures.compute_one(indicator.measure, owner, year)
        additive = by in measure.additive and whole
        model = Region if by == measures.REGION else Organization
        code_field = "kato" if by == measures.REGION else "bin"
        names = {pk: (code, obj_name) for pk, code, obj_name in
                 ((o.pk, getattr(o, code_field), o.name)
                  for o in model.objects.filter(pk__in=[pk for pk, _v in parts]).only("pk", code_field, "name_kk",
                                                                                      "name_ru", "name_en"))}
        decimals = measure.decimals if by not in measure.breakdown_units else 1
        rows = [{"id": pk, "code": names.get(pk, ("", ""))[0], "name": names.get(pk, ("", ""))[1],
                 "value": _number(value, decimals), "share": _number(100 * value / whole, 1) if additive else ""}
                for pk, value in parts]
        if form == "csv":
            return _csv(BREAKDOWN_COLUMNS, rows), len(rows)
        unit = measure.breakdown_unit(by)
        total = f", whole: {_number(whole, measure.decimals)}" if whole is not None else ""
        title = (f"{plan.code} #{indicator.pk} {indicator.title}: {measure.name} ({unit}) by {by}, {year}{total}")
        if not rows:
            return title + "\nNo contributors.\n", 0
        return _table([(c, c) for c in BREAKDOWN_COLUMNS], rows, title), len(rows)

    @staticmethod
    def _latest_year(plan, indicator) -> int:
        from smarttvet.plans.selectors import progress_for

        item = progress_for([plan], indicators=[indicator])[plan.pk].indicators.get(indicator.pk)
        if item is not None and item.actuals:
            return max(item.actuals)
        return timezone.localdate().year

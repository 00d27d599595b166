"""smarttvet leadership funnel|screen|decide|build-reserve|rank|match|incentives

``smarttvet leadership funnel --cohort CODE [--region CODE] [--format table|csv] [--out FILE] [--language en]``
    The selection funnel of the cohort whose code is ``CODE``: one row per stage in its order, after a first row
    for the applications and one for the eligible applicants, with the candidates who entered the stage, passed
    it, dropped at it, are still in it, and the pass rate (passed / decided, in %). ``--region`` (a 2-digit
    KATO prefix or a 9-digit KATO code) keeps the candidates of one region. CSV columns, in this order (stable;
    new columns are added at the end only): ``order, stage, entered, passed, dropped, pending, pass_rate``.

``smarttvet leadership screen --cohort CODE [--as-of YYYY-MM-DD]``
    Screen the cohort's new applications by its eligibility rules (as of the date, default today): the eligible
    enter the first stage. Prints the counts.

``smarttvet leadership decide --cohort CODE --stage STAGE``
    Pass or drop the stage's assessed candidates at the pass mark and the next stage's seats (prints "N passed,
    M dropped"). Refused (exit 2, nothing written) when no candidate is ready or when seats wait for everyone.

``smarttvet leadership build-reserve --cohort CODE [--valid-from YYYY-MM-DD]``
    Enter the candidates who passed every stage in the reserve, ranked by their weighted total.

``smarttvet leadership rank --cohort CODE [--format table|csv] [--out FILE]``
    The final ranked list. CSV columns: ``place, candidate_id, candidate, region, total_score, reserve_status``.

``smarttvet leadership match --organization ID [--on YYYY-MM-DD] [--limit N] [--format table|csv] [--out FILE]``
    Reserve members ranked by fit for a director vacancy at the organisation (id or 12-digit BIN) on the date
    (default today), with the reasons. CSV columns: ``place, reserve_entry, candidate, region, fit, region_points,
    kind_points, field_points, score_points, reasons``.

``smarttvet leadership incentives ...``
    KPI-based incentive funding; the options, as typed, go to ``smarttvet.kpi.commands.run_incentives``,
    which checks them.

Bad arguments (and an unknown cohort or region) exit with code 2 and a message naming the argument.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from smarttvet.labour.management.commands.labour import (
    parse_choice,
    parse_int,
    parse_out,
    parse_region,
    write_atomically,
)
from smarttvet.plans.management.commands.plans import _csv, _table

FORMATS = ("table", "csv")
LANGUAGES = ("kk", "ru", "en")
FUNNEL_COLUMNS = ["order", "stage", "entered", "passed", "dropped", "pending", "pass_rate"]
FUNNEL_TABLE = [("order", "#"), ("stage", "stage"), ("entered", "entered"), ("passed", "passed"),
                ("dropped", "dropped"), ("pending", "pending"), ("pass_rate", "pass %")]


RANK_COLUMNS = ["place", "candidate_id", "candidate", "region", "total_score", "reserve_status"]
RANK_TABLE = [("place", "#"), ("candidate", "candidate"), ("region", "region"), ("total_score", "total"),
              ("reserve_status", "reserve")]
MATCH_COLUMNS = ["place", "reserve_entry", "candidate", "region", "fit", "region_points", "kind_points",
                 "field_points", "score_points", "reasons"]
MATCH_TABLE = [("place", "#"), ("candidate", "candidate"), ("region", "region"), ("fit", "fit"),
               ("reasons", "reasons")]
ACTOR = "command line"


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def parse_date(value: str | None, argument: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise _fail(f"{argument}: expected a date as YYYY-MM-DD, not {value!r}") from None


def refused(error, argument: str = "") -> CommandError:
    """A service's refusal (a ValidationError) as exit 2, naming the argument (or the field)."""
    problems = error.message_dict if hasattr(error, "message_dict") else {"__all__": error.messages}
    text = "; ".join(m for messages in problems.values() for m in messages)
    field = next(iter(problems), "__all__")
    name = argument or ("" if field == "__all__" else f"--{field.replace('_', '-')}")
    return _fail(f"{name}: {text}" if name else text)


class Command(BaseCommand):
    help = ("Leadership: 'funnel' (the selection funnel of a cadre-reserve cohort), 'screen', 'decide', "
            "'build-reserve' (the committee's steps), 'rank' (the final ranked list), 'match' (reserve members for "
            "a vacancy), 'incentives' (KPI-based incentive payments).")

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True,
                                         metavar="{funnel,screen,decide,build-reserve,rank,match,incentives}")
        funnel = commands.add_parser("funnel", help="the count at each selection stage of a cohort")
        funnel.add_argument("--cohort", required=True, help="the cohort's code, e.g. 1000-leaders-2024")
        funnel.add_argument("--region", help="only the candidates of this region (2-digit KATO prefix)")
        funnel.add_argument("--format", default="table", help="table or csv (default: table)")
        funnel.add_argument("--out", help="write to this file instead of the screen")
        funnel.add_argument("--language", default="en", help="language of the names: kk, ru or en (default: en)")
        screen = commands.add_parser("screen", help="screen a cohort's new applications by its eligibility rules")
        screen.add_argument("--cohort", required=True, help="the cohort's code")
        screen.add_argument("--as-of", help="apply the rules on this date (YYYY-MM-DD; default: today)")
        decide = commands.add_parser("decide", help="pass or drop a stage's assessed candidates")
        decide.add_argument("--cohort", required=True, help="the cohort's code")
        decide.add_argument("--stage", required=True, help="the stage's code, e.g. testing")
        build = commands.add_parser("build-reserve", help="enter the candidates who passed every stage in the reserve")
        build.add_argument("--cohort", required=True, help="the cohort's code")
        build.add_argument("--valid-from", help="the reserve's first day (YYYY-MM-DD; default: today)")
        rank = commands.add_parser("rank", help="the final ranked list of a cohort")
        rank.add_argument("--cohort", required=True, help="the cohort's code")
        rank.add_argument("--format", default="table", help="table or csv (default: table)")
        rank.add_argument("--out", help="write to this file instead of the screen")
        match = commands.add_parser("match", help="reserve members ranked by fit for a director vacancy")
        match.add_argument("--organization", required=True, help="the organisation's id or 12-digit BIN")
        match.add_argument("--on", help="the vacancy's date (YYYY-MM-DD; default: today)")
        match.add_argument("--limit", default="20", help="at most this many members (1-500; default: 20)")
        match.add_argument("--format", default="table", help="table or csv (default: table)")
        match.add_argument("--out", help="write to this file instead of the screen")
        match.add_argument("--language", default="en", help="language of the reasons: kk, ru or en (default: en)")
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
        handler = {"funnel": self._funnel, "screen": self._screen, "decide": self._decide,
                   "build-reserve": self._build_reserve, "rank": self._rank, "match": self._match}[subcommand]
        with translation.override("en"):  # the command line speaks English (names: see --language)
            handler(options)

    @staticmethod
    def _cohort(options):
        from smarttvet.leadership.models import Cohort

        code = (options.get("cohort") or "").strip()
        cohort = Cohort.objects.select_related("programme", "region").filter(code=code).first()
        if cohort is None:
            raise _fail(f"--cohort: no cohort with code {code!r}")
        return cohort

    def _screen(self, options):
        from django.core.exceptions import ValidationError

        from smarttvet.leadership import services

        as_of = parse_date(options["as_of"], "--as-of") if options.get("as_of") else None
        cohort = self._cohort(options)
        try:
            counts = services.screen_cohort(actor=ACTOR, cohort=cohort, as_of=as_of, require_pending=True)
        except ValidationError as error:
            raise refused(error, "--cohort") from None
        self.stdout.write(f"{cohort.code}: {counts['eligible']} eligible, {counts['ineligible']} not eligible")

    def _decide(self, options):
        from django.core.exceptions import ValidationError

        from smarttvet.leadership import services

        cohort = self._cohort(options)
        code = (options.get("stage") or "").strip()
        stage = cohort.stages.filter(code=code).first()
        if stage is None:
            known = ", ".join(cohort.stages.order_by("order").values_list("code", flat=True))
            raise _fail(f"--stage: the cohort {cohort.code} has no stage {code!r} (its stages: {known})")
        try:
            counts = services.decide_stage(actor=ACTOR, stage=stage, require_ready=True)
        except ValidationError as error:
            raise refused(error, "--stage") from None
        self.stdout.write(f"{cohort.code} {stage.code}: {counts['passed']} passed, {counts['dropped']} dropped")

    def _build_reserve(self, options):
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        from smarttvet.leadership import services

        valid_from = (parse_date(options["valid_from"], "--valid-from") if options.get("valid_from")
                      else timezone.localdate())
        cohort = self._cohort(options)
        try:
            entered = services.reserve_build(actor=ACTOR, cohort=cohort, valid_from=valid_from, require_new=True)
        except ValidationError as error:
            raise refused(error, "--cohort") from None
        until = valid_from.replace(year=valid_from.year + cohort.reserve_years)
        self.stdout.write(f"{cohort.code}: {entered} entered the reserve, valid {valid_from} to {until}")

    def _output(self, options, text: str, count: int) -> None:
        path = parse_out(options.get("out"))
        if path is None:
            self.stdout.write(text, ending="")
        else:
            write_atomically(path, text)
            self.stdout.write(f"{count} rows written to {path}")

    def _rank(self, options):
        from smarttvet.leadership.selectors import ranked_list

        form = parse_choice(options["format"], "--format", FORMATS)
        parse_out(options.get("out"))
        cohort = self._cohort(options)
        rows = [{"place": r.place, "candidate_id": r.application.pk, "candidate": r.application.full_name,
                 "region": r.application.region.kato, "total_score": f"{r.total:.2f}",
                 "reserve_status": r.entry.status if r.entry else ""} for r in ranked_list(cohort)]
        if form == "csv":
            text = _csv(RANK_COLUMNS, rows)
        else:
            text = _table(RANK_TABLE, rows, f"{cohort.code}: {len(rows)} candidates passed every stage")
        self._output(options, text, len(rows))

    def _match(self, options):
        from django.utils import timezone

        from smarttvet.leadership.committee_views import organization_from
        from smarttvet.leadership.selectors import match_vacancy
        from smarttvet.leadership.views import reason_text

        form = parse_choice(options["format"], "--format", FORMATS)
        language = parse_choice(options["language"], "--language", LANGUAGES)
        limit = parse_int(options["limit"], "--limit", 1, 500)
        on = parse_date(options["on"], "--on") if options.get("on") else timezone.localdate()
        parse_out(options.get("out"))
        raw = (options.get("organization") or "").strip()
        if not raw.isdigit():
            raise _fail(f"--organization: an organisation's id or 12-digit BIN, not {raw!r}")
        organization = organization_from(raw)
        if organization is None:
            raise _fail(f"--organization: no organisation with id or BIN {raw!r}")
        with translation.override(language):
            rows = []
            for place, m in enumerate(match_vacancy(ACTOR, organization, on=on, limit=limit), start=1):
                app = m.entry.application
                rows.append({"place": place, "reserve_entry": m.entry.pk, "candidate": app.full_name,
                             "region": app.region.kato, "fit": f"{m.fit:.1f}",
                             "region_points": m.parts.get("region", 0), "kind_points": m.parts.get("kind", 0),
                             "field_points": round(m.parts.get("fields", 0), 2),
                             "score_points": round(m.parts.get("scores", 0), 2),
                             "reasons": "; ".join(reason_text(code, params) for code, params in m.reasons)})
            name = organization.name
        if form == "csv":
            text = _csv(MATCH_COLUMNS, rows)
        else:
            text = _table(MATCH_TABLE, rows, f"{name} ({organization.pk}), vacancy on {on}: {len(rows)} members")
            if rows:
                text += "".join(f"{r['place']}. {r['candidate']}: {r['reasons']}\n" for r in rows)
        self._output(options, text, len(rows))

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

"""Seeded plans: the national TVET roadmap 2025–2027, an example regional roadmap and an example college plan.

* ``seed_national()``: the roadmap of the Ministry of Enlightenment (``data/national_roadmap_2025_2027.yaml``),
  code ``national-roadmap-2025-2027``;
* ``seed_regional(region)``: the example regional roadmap (``data/regional_roadmap_turkistan.yaml``, written for
  Turkistan region) for ``region`` (default: the region the file names);
* ``seed_college(organization)``: the example strategic development plan 2024–2028
  (``data/college_plan_template.yaml``) for ``organization``.

Each is idempotent by the plan's code: when a plan with that code exists it is returned as it is (its entered
actuals and activity statuses are the owner's), otherwise the plan is made in one transaction with one audit row
(none with ``record=False``: the demo generator, which writes one row for the whole dataset).
``load(path)`` reads and checks a plan file; a file that does not validate raises ``SeedError`` naming the file
and the path of the problem (``national_roadmap_2025_2027.yaml: goals[0].objectives[2].indicators[1].targets:
...``). The rules a plan file follows are written at the top of ``data/national_roadmap_2025_2027.yaml``.

An indicator names its measure (``plans.measures``): it is computed when the measure is registered and
available; a registered measure without a data source yet (``unavailable``) leaves the indicator entered, with
its baseline, until a later seed; an unknown measure, or one that does not measure the plan's level, is an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction

from smarttvet.core.i18n import LANGUAGE_CODES

DATA_DIR = Path(__file__).resolve().parent / "data"
NATIONAL_PATH = DATA_DIR / "national_roadmap_2025_2027.yaml"
REGIONAL_PATH = DATA_DIR / "regional_roadmap_turkistan.yaml"
COLLEGE_PATH = DATA_DIR / "college_plan_template.yaml"
NATIONAL_CODE = "national-roadmap-2025-2027"
SEED_ACTOR = "plan seeds"

LEVELS = ("national", "regional", "organization")
OWNER_LEVEL = {"national": "national", "regional": "region", "organization": "organization"}
STATUSES = ("draft", "active", "completed", "archived")
ACTIVITY_KINDS = ("methodological", "management", "teacher_training", "mentoring", "other")
PLAN_KEYS = {"version", "code", "level", "region", "start_year", "end_year", "status", "title", "description",
             "approval_body", "approved_on", "board_agreed", "board_agreed_on", "goals"}
PART_KEYS = {"code", "title", "objectives"}
OBJECTIVE_KEYS = {"code", "title", "indicators", "activities"}
INDICATOR_KEYS = {"code", "title", "unit", "direction", "decimals", "measure", "baseline", "targets", "evidence"}
ACTIVITY_KEYS = {"code", "kind", "title", "responsible", "deadline", "budget"}
RULE_KEYS = {"per_year", "from", "maximum", "minimum"}


class SeedError(ValueError):
    """A plan file does not validate, or a plan cannot be seeded from it."""


Texts = dict[str, str]


@dataclass(frozen=True)
class IndicatorSeed:
    code: str
    title: Texts
    unit: Texts
    direction: str
    decimals: int
    measure: str  # as written; whether it is bound is decided when seeding (``bound_measure``)
    baseline_year: int | None
    baseline_value: float | None
    targets: dict[int, float] | None  # {year: value}; None: the rule in ``rule``
    rule: dict[str, float] | None
    evidence: str


@dataclass(frozen=True)
class ActivitySeed:
    code: str
    kind: str
    title: Texts
    responsible: Texts
    deadline: dt.date | None
    budget: Decimal | None


@dataclass(frozen=True)
class ObjectiveSeed:
    code: str
    title: Texts
    indicators: tuple[IndicatorSeed, ...]
    activities: tuple[ActivitySeed, ...]


@dataclass(frozen=True)
class GoalSeed:
    code: str
    title: Texts
    objectives: tuple[ObjectiveSeed, ...]


@dataclass(frozen=True)
class PlanSeed:
    source: str  # the file's name
    version: int
    code: str
    level: str
    region: str  # a KATO prefix (regional files), else ""
    start_year: int
    end_year: int
    status: str
    title: Texts
    description: Texts | None
    approval_body: str
    approved_on: dt.date | None
    board_agreed: bool
    board_agreed_on: dt.date | None
    goals: tuple[GoalSeed, ...]

    @property
    def indicators(self) -> list[IndicatorSeed]:
        return [i for g in self.goals for o in g.objectives for i in o.indicators]

    @property
    def activities(self) -> list[ActivitySeed]:
        return [a for g in self.goals for o in g.objectives for a in o.activities]


# ------------------------------------------------------------------------------------------ reading
class _Reader:
    """Checks of one file; every error names the file and the path."""

    def __init__(self, source: str):
        self.source = source

    def error(self, where: str, message: str) -> SeedError:
        return SeedError(f"{self.source}: {where}: {message}" if where else f"{self.source}: {message}")

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict:
        if not isinstance(value, dict):
            raise self.error(where, "expected a mapping")
        unknown = sorted(str(k) for k in value if k not in allowed)
        if unknown:
            raise self.error(where, f"unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(allowed))}")
        return value

    def items(self, value: Any, where: str) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(where, "expected a list")
        return value

    def texts(self, value: Any, where: str) -> Texts:
        if not isinstance(value, dict) or set(value) != set(LANGUAGE_CODES):
            raise self.error(where, "give the text in exactly kk, ru and en")
        texts = {code: str(value[code] or "").strip() for code in LANGUAGE_CODES}
        empty = [code for code, text in texts.items() if not text]
        if empty:
            raise self.error(where, f"the text in {', '.join(empty)} is empty")
        return texts

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(where, f"{value!r} is not a number")
        return float(value)

    def year(self, value: Any, where: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 2000 <= value <= 2100:
            raise self.error(where, f"{value!r} is not a year (2000-2100)")
        return value

    def date(self, value: Any, where: str) -> dt.date | None:
        if value is None:
            return None
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise self.error(where, f"{value!r} is not a date (YYYY-MM-DD)")
        return value

    def code(self, value: Any, where: str, seen: set[str]) -> str:
        code = str(value or "")
        if not re.fullmatch(r"[a-z0-9_-]{1,60}", code):
            raise self.error(where, f"{value!r} is not a code (lower-case letters, digits, _ and -, up to 60)")
        if code in seen:
            raise self.error(where, f"the code {code!r} is used twice")
        seen.add(code)
        return code


def _indicator(r: _Reader, raw: Any, where: str, plan: dict, seen: set[str]) -> IndicatorSeed:
    from smarttvet.plans import measures

    raw = r.mapping(raw, where, INDICATOR_KEYS)
    code = r.code(raw.get("code"), f"{where}.code", seen)
    direction = raw.get("direction", "increase")
    if direction not in ("increase", "decrease"):
        raise r.error(f"{where}.direction", "use increase or decrease")
    decimals = raw.get("decimals", 0)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise r.error(f"{where}.decimals", "a whole number 0-6")
    measure_key = str(raw.get("measure") or "")
    if measure_key:
        measure = measures.get(measure_key)
        if measure is None:
            raise r.error(f"{where}.measure", f"unknown measure {measure_key!r}")
        owner_level = OWNER_LEVEL[plan["level"]]
        if owner_level not in measure.levels:
            raise r.error(f"{where}.measure", f"{measure_key} does not measure a {owner_level} "
                                              f"(it measures: {', '.join(sorted(measure.levels))})")
    baseline_year = baseline_value = None
    if "baseline" in raw:
        baseline = r.mapping(raw["baseline"], f"{where}.baseline", {"year", "value"})
        baseline_year = r.year(baseline.get("year"), f"{where}.baseline.year")
        if baseline_year > plan["start_year"]:
            raise r.error(f"{where}.baseline.year", f"{baseline_year} is after the plan's first year")
        if "value" in baseline:
            baseline_value = r.number(baseline["value"], f"{where}.baseline.value")
        elif not measure_key:
            raise r.error(f"{where}.baseline", "an entered indicator needs {year: Y, value: N}")
    elif not measure_key:
        raise r.error(where, "an entered indicator needs a baseline {year: Y, value: N}")
    if measure_key and not measures.get(measure_key).available and baseline_value is None:
        raise r.error(f"{where}.baseline", f"{measure_key} has no data source yet, so the indicator is entered "
                                           "and needs a baseline value")
    raw_targets = raw.get("targets")
    if not isinstance(raw_targets, dict) or not raw_targets:
        raise r.error(f"{where}.targets", "expected {year: value, ...} or {per_year: D, from: V, maximum: M}")
    targets = rule = None
    if set(raw_targets) & RULE_KEYS:
        rule_raw = r.mapping(raw_targets, f"{where}.targets", RULE_KEYS)
        if "per_year" not in rule_raw:
            raise r.error(f"{where}.targets", "a rule needs per_year")
        if baseline_year is None:
            raise r.error(f"{where}.targets", "a per_year rule needs a baseline year")
        if baseline_value is None and "from" not in rule_raw:
            raise r.error(f"{where}.targets", "a per_year rule needs from, or a baseline value")
        rule = {k: r.number(v, f"{where}.targets.{k}") for k, v in rule_raw.items()}
    else:
        targets = {}
        for year, value in raw_targets.items():
            year = r.year(year, f"{where}.targets")
            if not plan["start_year"] <= year <= plan["end_year"]:
                raise r.error(f"{where}.targets.{year}", f"outside the plan's years {plan['start_year']}-"
                                                         f"{plan['end_year']}")
            targets[year] = r.number(value, f"{where}.targets.{year}")
        if plan["end_year"] not in targets:
            raise r.error(f"{where}.targets", f"the final target (year {plan['end_year']}) is missing")
    return IndicatorSeed(
        code=code, title=r.texts(raw.get("title"), f"{where}.title"), unit=r.texts(raw.get("unit"), f"{where}.unit"),
        direction=direction, decimals=decimals, measure=measure_key, baseline_year=baseline_year,
        baseline_value=baseline_value, targets=targets, rule=rule, evidence=str(raw.get("evidence") or ""),
    )


def _activity(r: _Reader, raw: Any, where: str, plan: dict, seen: set[str]) -> ActivitySeed:
    raw = r.mapping(raw, where, ACTIVITY_KEYS)
    code = r.code(raw.get("code"), f"{where}.code", seen)
    kind = raw.get("kind", "other")
    if kind not in ACTIVITY_KINDS:
        raise r.error(f"{where}.kind", f"use one of {', '.join(ACTIVITY_KINDS)}")
    deadline = r.date(raw.get("deadline"), f"{where}.deadline")
    if deadline and not plan["start_year"] <= deadline.year <= plan["end_year"]:
        raise r.error(f"{where}.deadline", f"{deadline} is outside the plan's years")
    budget = None
    if raw.get("budget") is not None:
        try:
            budget = Decimal(str(r.number(raw["budget"], f"{where}.budget")))
        except InvalidOperation:  # pragma: no cover - a float always converts
            raise r.error(f"{where}.budget", "not a number") from None
        if budget < 0:
            raise r.error(f"{where}.budget", "cannot be negative")
    return ActivitySeed(code=code, kind=kind, title=r.texts(raw.get("title"), f"{where}.title"),
                        responsible=r.texts(raw.get("responsible"), f"{where}.responsible"), deadline=deadline,
                        budget=budget)


def parse(data: Any, source: str = "plan file") -> PlanSeed:
    """The checked content of a plan file (already parsed YAML); ``SeedError`` naming ``source`` and the path."""
    r = _Reader(source)
    raw = r.mapping(data, "", PLAN_KEYS)
    level = raw.get("level")
    if level not in LEVELS:
        raise r.error("level", f"use one of {', '.join(LEVELS)}")
    start_year = r.year(raw.get("start_year"), "start_year")
    end_year = r.year(raw.get("end_year"), "end_year")
    if end_year < start_year:
        raise r.error("end_year", "before start_year")
    status = raw.get("status", "draft")
    if status not in STATUSES:
        raise r.error("status", f"use one of {', '.join(STATUSES)}")
    code = str(raw.get("code") or "")
    placeholder = {"national": None, "regional": "{region}", "organization": "{bin}"}[level]
    if not code or (placeholder and placeholder not in code) or (not placeholder and "{" in code):
        raise r.error("code", f"a slug{f' with {placeholder}' if placeholder else ''}")
    region = str(raw.get("region") or "")
    if region and level != "regional":
        raise r.error("region", "only a regional roadmap names its region")
    board_agreed = raw.get("board_agreed", False)
    if not isinstance(board_agreed, bool):
        raise r.error("board_agreed", "true or false")
    board_agreed_on = r.date(raw.get("board_agreed_on"), "board_agreed_on")
    if (board_agreed or board_agreed_on) and level != "organization":
        raise r.error("board_agreed", "only an organisation's plan is agreed with its board of trustees")
    title = r.texts(raw.get("title"), "title")
    for lang, text in title.items():
        try:
            text.format(region="", organization="")
        except (KeyError, IndexError, ValueError) as error:
            raise r.error(f"title.{lang}", f"only {{region}} and {{organization}} may be used ({error})") from None
    plan = {"level": level, "start_year": start_year, "end_year": end_year}
    part_codes: set[str] = set()
    indicator_codes: set[str] = set()
    activity_codes: set[str] = set()
    goals = []
    for g, raw_goal in enumerate(r.items(raw.get("goals"), "goals")):
        where_goal = f"goals[{g}]"
        raw_goal = r.mapping(raw_goal, where_goal, PART_KEYS)
        objectives = []
        for o, raw_objective in enumerate(r.items(raw_goal.get("objectives"), f"{where_goal}.objectives")):
            where = f"{where_goal}.objectives[{o}]"
            raw_objective = r.mapping(raw_objective, where, OBJECTIVE_KEYS)
            objectives.append(ObjectiveSeed(
                code=r.code(raw_objective.get("code"), f"{where}.code", part_codes),
                title=r.texts(raw_objective.get("title"), f"{where}.title"),
                indicators=tuple(_indicator(r, item, f"{where}.indicators[{i}]", plan, indicator_codes)
                                 for i, item in enumerate(r.items(raw_objective.get("indicators"),
                                                                  f"{where}.indicators"))),
                activities=tuple(_activity(r, item, f"{where}.activities[{i}]", plan, activity_codes)
                                 for i, item in enumerate(r.items(raw_objective.get("activities"),
                                                                  f"{where}.activities"))),
            ))
        if not objectives:
            raise r.error(f"{where_goal}.objectives", "a goal needs at least one objective")
        goals.append(GoalSeed(code=r.code(raw_goal.get("code"), f"{where_goal}.code", part_codes),
                              title=r.texts(raw_goal.get("title"), f"{where_goal}.title"),
                              objectives=tuple(objectives)))
    if not goals:
        raise r.error("goals", "the plan has no goals")
    description = r.texts(raw["description"], "description") if raw.get("description") is not None else None
    version = raw.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise r.error("version", f"{version!r} is not a positive whole number")
    return PlanSeed(
        source=source, version=version, code=code, level=level, region=region,
        start_year=start_year, end_year=end_year, status=status, title=title, description=description,
        approval_body=str(raw.get("approval_body") or "")[:300], approved_on=r.date(raw.get("approved_on"),
                                                                                    "approved_on"),
        board_agreed=board_agreed, board_agreed_on=board_agreed_on, goals=tuple(goals),
    )


@functools.cache
def _load(path: Path, mtime: float) -> PlanSeed:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SeedError(f"{path.name} is not valid YAML: {error}") from None
    return parse(data, path.name)


def load(path: Path) -> PlanSeed:
    """The checked content of a plan file (read again when the file changes)."""
    path = Path(path)
    if not path.is_file():
        raise SeedError(f"{path}: no such plan file")
    return _load(path, path.stat().st_mtime)


# ------------------------------------------------------------------------------------------ writing
def bound_measure(seed: IndicatorSeed) -> str:
    """The measure an indicator is computed by ("" when it is entered: none, or no data source yet)."""
    from smarttvet.plans import measures

    measure = measures.get(seed.measure) if seed.measure else None
    return seed.measure if measure is not None and measure.available else ""


def _texts(prefix: str, texts: Texts, **values) -> dict[str, str]:
    return {f"{prefix}_{lang}": texts[lang].format(**values) if values else texts[lang] for lang in LANGUAGE_CODES}


def _rule_targets(seed: IndicatorSeed, start: float, years: list[int]) -> dict[int, float]:
    rule = seed.rule or {}
    targets = {}
    for year in years:
        value = start + rule["per_year"] * (year - seed.baseline_year)
        if "maximum" in rule:
            value = min(value, rule["maximum"])
        if "minimum" in rule:
            value = max(value, rule["minimum"])
        targets[year] = round(value, seed.decimals)
    return targets


def _create(seed: PlanSeed, *, code: str, region=None, organization=None, names: Texts | None = None,
            record: bool = True):
    from smarttvet.accounts import audit
    from smarttvet.plans.measures import compute_many, owner_of
    from smarttvet.plans.models import Activity, Goal, Indicator, IndicatorTarget, Objective, Plan

    with transaction.atomic():
        existing = Plan.objects.filter(code=code).first()
        if existing is not None:
            return existing
        plan = Plan(code=code, level=seed.level, region=region, organization=organization,
                    start_year=seed.start_year, end_year=seed.end_year, status=seed.status,
                    description="\n\n".join(seed.description[lang] for lang in LANGUAGE_CODES)
                    if seed.description else "",
                    approval_body=seed.approval_body, approved_on=seed.approved_on,
                    board_agreed=seed.board_agreed, board_agreed_on=seed.board_agreed_on)
        for lang in LANGUAGE_CODES:
            values = {"region": names[lang], "organization": names[lang]} if names else {}
            setattr(plan, f"title_{lang}", seed.title[lang].format(**values)[:500] if values else seed.title[lang])
        if organization is not None:
            plan.region_id = organization.region_id
        try:
            plan.full_clean()
        except ValidationError as error:
            raise SeedError(f"{seed.source}: the plan {code} does not validate: {error}") from None
        plan.save()
        owner = owner_of(plan)
        baselines = compute_many((bound_measure(i), owner, i.baseline_year) for i in seed.indicators
                                 if bound_measure(i) and i.baseline_year is not None and i.baseline_value is None)
        counts = {"goals": 0, "objectives": 0, "indicators": 0, "targets": 0, "activities": 0}
        targets = []
        for g, goal_seed in enumerate(seed.goals, start=1):
            goal = Goal.objects.create(plan=plan, order=g, code=goal_seed.code, **_texts("title", goal_seed.title))
            counts["goals"] += 1
            for o, objective_seed in enumerate(goal_seed.objectives, start=1):
                objective = Objective.objects.create(goal=goal, order=o, code=objective_seed.code,
                                                     **_texts("title", objective_seed.title))
                counts["objectives"] += 1
                for ind in objective_seed.indicators:
                    measure = bound_measure(ind)
                    baseline_value = ind.baseline_value
                    if baseline_value is None and measure and ind.baseline_year is not None:
                        baseline_value = baselines.get((measure, owner, ind.baseline_year))
                    indicator = Indicator.objects.create(
                        plan=plan, objective=objective, order=counts["indicators"] + 1, code=ind.code,
                        direction=ind.direction, decimals=ind.decimals, baseline_year=ind.baseline_year,
                        baseline_value=baseline_value, measure=measure,
                        source=Indicator.Source.COMPUTED if measure else Indicator.Source.ENTERED,
                        evidence=ind.evidence, **_texts("title", ind.title), **_texts("unit", ind.unit),
                    )
                    counts["indicators"] += 1
                    if ind.rule is not None:
                        start = baseline_value if baseline_value is not None else ind.rule["from"]
                        year_targets = _rule_targets(ind, start, plan.years)
                    else:
                        year_targets = ind.targets or {}
                    targets += [IndicatorTarget(indicator=indicator, year=year, value=value)
                                for year, value in sorted(year_targets.items())]
                for activity_seed in objective_seed.activities:
                    counts["activities"] += 1
                    Activity.objects.create(
                        plan=plan, objective=objective, order=counts["activities"], code=activity_seed.code,
                        kind=activity_seed.kind, deadline=activity_seed.deadline, budget=activity_seed.budget,
                        **_texts("title", activity_seed.title), **_texts("responsible", activity_seed.responsible),
                    )
        IndicatorTarget.objects.bulk_create(targets)
        counts["targets"] = len(targets)
        if record:
            audit.record(actor=SEED_ACTOR, action="create", obj=plan,
                         changes={"level": plan.level, "source": seed.source, "version": seed.version, **counts})
    return plan


def seed_national(*, record: bool = True):
    """The national roadmap 2025–2027 (the ministry's: no region or organisation); made once, by its code."""
    seed = load(NATIONAL_PATH)
    return _create(seed, code=seed.code, record=record)


def seed_regional(region=None, *, record: bool = True):
    """The example regional roadmap for ``region`` (default: the region the file is written for)."""
    from smarttvet.registry.models import Region

    seed = load(REGIONAL_PATH)
    if region is None:
        region = next((r for r in Region.objects.filter(kato__startswith=seed.region) if r.prefix == seed.region),
                      None)
        if region is None:
            raise SeedError(f"{seed.source}: region {seed.region!r} is not in the registry")
    names = {"kk": region.name_kk, "ru": region.name_ru, "en": region.name_en}
    return _create(seed, code=seed.code.format(region=region.prefix), region=region, names=names, record=record)


def seed_college(organization, *, record: bool = True):
    """The example strategic development plan 2024–2028 for ``organization``."""
    seed = load(COLLEGE_PATH)
    names = {"kk": organization.name_kk, "ru": organization.name_ru, "en": organization.name_en}
    return _create(seed, code=seed.code.format(bin=organization.bin), organization=organization, names=names,
                   record=record)


__all__ = ["COLLEGE_PATH", "NATIONAL_CODE", "NATIONAL_PATH", "REGIONAL_PATH", "PlanSeed", "SeedError",
           "bound_measure", "load", "parse", "seed_college", "seed_national", "seed_regional"]

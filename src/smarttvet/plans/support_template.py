"""The support-plan template (``data/support_plan_template.yaml``), read and checked.

``load()`` returns the parsed template; a template that does not validate raises ``TemplateError`` naming
the place of the problem (``goals[1].objectives[0].activities[2].kind: ...``). The rules a template follows
are written at the top of the YAML file.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from smarttvet.core.i18n import LANGUAGE_CODES

TEMPLATE_PATH = Path(__file__).resolve().parent / "data" / "support_plan_template.yaml"
ACTIVITY_KINDS = ("methodological", "management", "teacher_training", "mentoring", "other")
TARGET_RULES = {"value": {"value"}, "increase": {"increase", "maximum"},
                "gap_to_region_mean": {"gap_to_region_mean", "minimum_increase", "maximum"}}


class TemplateError(ValueError):
    """The support-plan template does not validate."""


Texts = dict[str, str]


@dataclass(frozen=True)
class IndicatorTemplate:
    code: str
    title: Texts
    unit: Texts
    direction: str
    decimals: int
    measure: str  # "" for an entered indicator
    baseline: str | float  # "monitoring", "measure" or a number
    target: dict[str, float]


@dataclass(frozen=True)
class ActivityTemplate:
    kind: str
    month: int
    title: Texts
    responsible: Texts


@dataclass(frozen=True)
class ObjectiveTemplate:
    code: str
    title: Texts
    indicators: tuple[IndicatorTemplate, ...]
    activities: tuple[ActivityTemplate, ...]


@dataclass(frozen=True)
class GoalTemplate:
    code: str
    title: Texts
    objectives: tuple[ObjectiveTemplate, ...]


@dataclass(frozen=True)
class SupportTemplate:
    version: int
    title: Texts
    goals: tuple[GoalTemplate, ...]

    @property
    def activity_kinds(self) -> set[str]:
        return {a.kind for g in self.goals for o in g.objectives for a in o.activities}


def _texts(value: Any, where: str) -> Texts:
    if not isinstance(value, dict) or set(value) != set(LANGUAGE_CODES):
        raise TemplateError(f"{where}: give the text in exactly kk, ru and en")
    texts = {code: str(value[code]).strip() for code in LANGUAGE_CODES}
    if not all(texts.values()):
        raise TemplateError(f"{where}: a text is empty")
    return texts


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TemplateError(f"{where}: {value!r} is not a number")
    return float(value)


def _list(value: Any, where: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise TemplateError(f"{where}: expected a list")
    return value


def _indicator(raw: dict, where: str) -> IndicatorTemplate:
    from smarttvet.plans.measures import MEASURES

    measure = str(raw.get("measure") or "")
    if measure and measure not in MEASURES:
        raise TemplateError(f"{where}.measure: unknown measure {measure!r}")
    baseline = raw.get("baseline")
    if isinstance(baseline, dict) and set(baseline) == {"value"}:
        baseline = _number(baseline["value"], f"{where}.baseline.value")
    elif baseline in ("monitoring", "measure"):
        if not measure:
            raise TemplateError(f"{where}.baseline: {baseline!r} needs a measure")
    else:
        raise TemplateError(f"{where}.baseline: use monitoring, measure or {{value: N}}")
    target = raw.get("target")
    if not isinstance(target, dict):
        raise TemplateError(f"{where}.target: expected a mapping")
    rule = next((name for name in TARGET_RULES if name in target), None)
    if rule is None or not set(target) <= TARGET_RULES[rule]:
        raise TemplateError(f"{where}.target: use {{value: N}}, {{increase: D, maximum: M}} or "
                            "{gap_to_region_mean: S, minimum_increase: D, maximum: M}")
    if rule == "gap_to_region_mean" and not measure:
        raise TemplateError(f"{where}.target: gap_to_region_mean needs a measure")
    direction = raw.get("direction", "increase")
    if direction not in ("increase", "decrease"):
        raise TemplateError(f"{where}.direction: use increase or decrease")
    if rule != "value" and direction != "increase":
        raise TemplateError(f"{where}.target: {rule} is for indicators where higher is better")
    decimals = raw.get("decimals", 0)
    if not isinstance(decimals, int) or not 0 <= decimals <= 6:
        raise TemplateError(f"{where}.decimals: a whole number 0-6")
    return IndicatorTemplate(
        code=str(raw.get("code") or ""), title=_texts(raw.get("title"), f"{where}.title"),
        unit=_texts(raw.get("unit"), f"{where}.unit"), direction=direction, decimals=decimals, measure=measure,
        baseline=baseline, target={k: _number(v, f"{where}.target.{k}") for k, v in target.items()},
    )


def _activity(raw: dict, where: str) -> ActivityTemplate:
    kind = raw.get("kind")
    if kind not in ACTIVITY_KINDS:
        raise TemplateError(f"{where}.kind: use one of {', '.join(ACTIVITY_KINDS)}")
    month = raw.get("month")
    if not isinstance(month, int) or isinstance(month, bool) or not 0 <= month <= 60:
        raise TemplateError(f"{where}.month: a whole number of months 0-60")
    return ActivityTemplate(kind=kind, month=month, title=_texts(raw.get("title"), f"{where}.title"),
                            responsible=_texts(raw.get("responsible"), f"{where}.responsible"))


def parse(data: Any) -> SupportTemplate:
    if not isinstance(data, dict):
        raise TemplateError("the template must be a mapping")
    goals = []
    for g, raw_goal in enumerate(_list(data.get("goals"), "goals")):
        where_goal = f"goals[{g}]"
        objectives = []
        for o, raw_objective in enumerate(_list(raw_goal.get("objectives"), f"{where_goal}.objectives")):
            where = f"{where_goal}.objectives[{o}]"
            objectives.append(ObjectiveTemplate(
                code=str(raw_objective.get("code") or ""), title=_texts(raw_objective.get("title"), f"{where}.title"),
                indicators=tuple(_indicator(raw, f"{where}.indicators[{i}]")
                                 for i, raw in enumerate(_list(raw_objective.get("indicators"),
                                                               f"{where}.indicators"))),
                activities=tuple(_activity(raw, f"{where}.activities[{i}]")
                                 for i, raw in enumerate(_list(raw_objective.get("activities"),
                                                               f"{where}.activities"))),
            ))
        goals.append(GoalTemplate(code=str(raw_goal.get("code") or ""),
                                  title=_texts(raw_goal.get("title"), f"{where_goal}.title"),
                                  objectives=tuple(objectives)))
    if not goals:
        raise TemplateError("goals: the template has no goals")
    title = _texts(data.get("title"), "title")
    for code, text in title.items():
        try:
            text.format(organization="", school_year="")
        except (KeyError, IndexError, ValueError) as error:
            raise TemplateError(f"title.{code}: only {{organization}} and {{school_year}} may be used "
                                f"({error})") from None
    return SupportTemplate(version=int(data.get("version", 1)), title=title, goals=tuple(goals))


@functools.cache
def _load(path: Path, mtime: float) -> SupportTemplate:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise TemplateError(f"{path.name} is not valid YAML: {error}") from None
    return parse(data)


def load(path: Path | None = None) -> SupportTemplate:
    """The parsed template (read again when the file changes)."""
    path = path or TEMPLATE_PATH
    return _load(path, path.stat().st_mtime)

"""The registry of named measures that a computed indicator can be bound to.

A measure computes one value per (owner, year): the owner is the plan's owner - the country (national
roadmap), a region (regional roadmap) or an organisation (development and support plans). ``compute`` is
called once per measure for every owner and year a page needs, so a page runs one query per measure, not
per indicator. Register new measures with ``register(Measure(...))`` (the plans issue adds the roadmap's:
organisations in the leader league, certified teachers, IT hubs, ...); a key never changes meaning, since
stored indicators refer to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from smarttvet.core.i18n import pick

NATIONAL = "national"
REGION = "region"
ORGANIZATION = "organization"
IN_CHUNK = 900  # stays under every database's limit of bound parameters


@dataclass(frozen=True)
class Owner:
    """Whose value a measure computes: ``Owner("national")``, ``Owner("region", 7)``, ``Owner("organization", 42)``."""

    level: str
    id: int | None = None


def owner_of(plan) -> Owner:
    """The owner a plan's computed indicators are measured for."""
    if plan.organization_id:
        return Owner(ORGANIZATION, plan.organization_id)
    if plan.region_id:
        return Owner(REGION, plan.region_id)
    return Owner(NATIONAL)


Values = dict[tuple[Owner, int], float]


@dataclass(frozen=True)
class Measure:
    key: str
    names: dict[str, str]
    units: dict[str, str]
    compute: Callable[[Sequence[Owner], Sequence[int]], Values] = field(repr=False, compare=False)
    levels: frozenset[str] = frozenset({NATIONAL, REGION, ORGANIZATION})
    decimals: int = 3
    description: str = ""

    @property
    def name(self) -> str:
        return pick(self.names)

    @property
    def unit(self) -> str:
        return pick(self.units)

    def values(self, owners: Iterable[Owner], years: Iterable[int]) -> Values:
        """Values of the owners this measure supports, for ``years``; missing values are left out."""
        wanted = sorted({o for o in owners if o.level in self.levels}, key=lambda o: (o.level, o.id or 0))
        years = sorted(set(years))
        if not wanted or not years:
            return {}
        return self.compute(wanted, years)


MEASURES: dict[str, Measure] = {}


def register(measure: Measure) -> Measure:
    existing = MEASURES.get(measure.key)
    if existing is not None and existing.compute is not measure.compute:
        raise ValueError(f"measure {measure.key!r} is already registered")
    MEASURES[measure.key] = measure
    return measure


def get(key: str) -> Measure | None:
    return MEASURES.get(key)


def choices() -> list[tuple[str, str]]:
    return [(key, measure.name) for key, measure in sorted(MEASURES.items())]


def compute_many(requests: Iterable[tuple[str, Owner, int]]) -> dict[tuple[str, Owner, int], float]:
    """Values of many (measure key, owner, year) at once: one ``compute`` call per measure."""
    by_key: dict[str, tuple[set[Owner], set[int]]] = {}
    for key, owner, year in requests:
        owners, years = by_key.setdefault(key, (set(), set()))
        owners.add(owner)
        years.add(year)
    result: dict[tuple[str, Owner, int], float] = {}
    for key, (owners, years) in by_key.items():
        measure = MEASURES.get(key)
        if measure is None:
            continue
        for (owner, year), value in measure.values(owners, years).items():
            result[(key, owner, year)] = value
    return result


# ------------------------------------------------------------------------------------------ gradebook
def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), IN_CHUNK):
        yield ids[start:start + IN_CHUNK]


def _learning_measure(field_name: str) -> Callable[[Sequence[Owner], Sequence[int]], Values]:
    """A measure read from the stored ``gradebook.LearningMeasure`` rows (whole year, no subject or term):
    organisations from their own rows, regions from the region rows, the country as the mean of the regions
    weighted by their students."""

    def compute(owners: Sequence[Owner], years: Sequence[int]) -> Values:
        from smarttvet.gradebook.models import LearningMeasure

        result: Values = {}
        organizations = [o.id for o in owners if o.level == ORGANIZATION]
        for chunk in _chunks(organizations):
            rows = (LearningMeasure.objects
                    .filter(level=LearningMeasure.Level.ORGANIZATION, key="", organization_id__in=chunk,
                            year__in=years)
                    .values_list("organization_id", "year", field_name))
            for organization_id, year, value in rows:
                if value is not None:
                    result[(Owner(ORGANIZATION, organization_id), year)] = float(value)
        regions = [o.id for o in owners if o.level == REGION]
        national = any(o.level == NATIONAL for o in owners)
        if regions or national:
            rows = LearningMeasure.objects.filter(level=LearningMeasure.Level.REGION, organization__isnull=True,
                                                  key="", year__in=years)
            if not national:
                rows = rows.filter(region_id__in=regions)
            wanted = set(regions)
            sums: dict[int, list[float]] = {}
            for region_id, year, value, students in rows.values_list("region_id", "year", field_name, "students"):
                if value is None:
                    continue
                if region_id in wanted:
                    result[(Owner(REGION, region_id), year)] = float(value)
                if national and students:
                    total = sums.setdefault(year, [0.0, 0.0])
                    total[0] += float(value) * students
                    total[1] += students
            if national:
                for year, (weighted, students) in sums.items():
                    result[(Owner(NATIONAL), year)] = weighted / students
        return result

    return compute


SHARE_UNITS = {"kk": "үлес (0–1)", "ru": "доля (0–1)", "en": "share (0–1)"}

register(Measure(
    key="gradebook.composite",
    names={"kk": "Білім алудың құрама көрсеткіші", "ru": "Сводный показатель обученности",
           "en": "Composite learning measure"},
    units={"kk": "индекс (0–1)", "ru": "индекс (0–1)", "en": "index (0–1)"},
    compute=_learning_measure("composite"),
    description="The composite learning measure of the electronic gradebook for the school year (issue 4).",
))
register(Measure(
    key="gradebook.knowledge_quality",
    names={"kk": "Білім сапасы", "ru": "Качество знаний", "en": "Knowledge quality"},
    units=SHARE_UNITS,
    compute=_learning_measure("knowledge_quality"),
    description="The share of good and excellent marks (4 and 5 on the five-point scale).",
))
register(Measure(
    key="gradebook.success_rate",
    names={"kk": "Үлгерім", "ru": "Успеваемость", "en": "Success rate"},
    units=SHARE_UNITS,
    compute=_learning_measure("success_rate"),
    description="The share of passing marks.",
))

"""The registry of named measures that a computed indicator can be bound to.

A measure computes one value per (owner, year): the owner is the plan's owner - the country (national
roadmap), a region (regional roadmap) or an organisation (development and support plans). ``compute`` is
called once per measure for every owner and year a page needs, so a page runs one query per measure, not
per indicator (a measure's queries never depend on the number of owners or indicators). Register new measures
with ``register(Measure(...))``; a key never changes meaning, since stored indicators refer to it.

Every measure **breaks down** (:func:`breakdown`): the national value by region or by organisation, a region's by
organisation, so that a result shows who contributes. For the measures marked ``additive`` along a level the
parts sum to the whole; for the others (distinct counts, rates, ranks) each part is the measure of that part.
Only contributors are listed: the parts with a value, and for counts only those above zero.

A measure without a data source yet is registered as unavailable (``unavailable``: the reason): it computes no
value (:func:`compute_one` gives ``None`` and the reason) and is not offered for new computed indicators.

The roadmap's measures (year ``Y`` is a calendar year; counts never cover a year after the current one):

* ``rating.leader_league`` - organisations in the leaders league of the latest published rating run of ``Y``
  (no value without a published run of ``Y``); ``rating.leagues_working`` - distinct leagues with members in
  that run; ``rating.region_rank`` - a region's rank among the regions by the mean score of its rated
  organisations in that run (1 = best; ties share the better rank; regions only);
* ``governance.corporate`` - TVET organisations with a board of trustees or a supervisory board (the registry
  keeps no history of the flags: a value for the current year only);
* ``staff.production_specialists`` - teachers and masters of industrial training of TVET organisations who came
  from production, employed on 31 December ``Y`` (today, for the current year);
* ``infrastructure.it_hubs``, ``.fab_labs``, ``.technoparks``, ``.business_startup_centres`` - facilities of that
  kind of TVET organisations opened in ``Y`` or before; ``partnership.clusters`` - educational-production
  clusters founded in ``Y`` or before (an organisation: the clusters it is a college of);
* ``worldskills.competencies`` - distinct competencies in the results of the national WorldSkills championship
  of ``Y`` (no value for a year without national results);
* ``employment.rate_12m`` - % of the graduates of ``Y-1`` employed 12 months after graduating, the rating's
  ``employment_12m`` of year ``Y`` (``smarttvet.labour.employment``; none under 5 graduates observed);
* ``teachers.new_format_certified`` - teachers of TVET organisations holding a verified new-format certificate of
  their digital portfolio valid on 31 December ``Y`` (today, for the current year; ``smarttvet.portfolio``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from smarttvet.core.i18n import pick

NATIONAL = "national"
REGION = "region"
ORGANIZATION = "organization"
BREAKDOWN_LEVELS = (REGION, ORGANIZATION)
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
Parts = list[tuple[int, float]]


@dataclass(frozen=True)
class Measure:
    key: str
    names: dict[str, str]
    units: dict[str, str]
    compute: Callable[[Sequence[Owner], Sequence[int]], Values] = field(repr=False, compare=False)
    levels: frozenset[str] = frozenset({NATIONAL, REGION, ORGANIZATION})
    decimals: int = 3
    description: str = ""
    # ``breakdown_fn(owner, year, by)``: the parts of ``owner``'s value (see ``breakdown``); None: the measure of
    # each region or organisation of the owner, computed at once.
    breakdown_fn: Callable[[Owner, int, str], Parts] | None = field(default=None, repr=False, compare=False)
    additive: frozenset[str] = frozenset()  # the levels along which the parts sum to the whole
    breakdown_units: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)  # by -> units
    ascending: frozenset[str] = frozenset()  # the levels whose parts are listed smallest first (ranks)
    unavailable: dict[str, str] | None = None  # why there is no data source yet (kk, ru, en)

    @property
    def name(self) -> str:
        return pick(self.names)

    @property
    def unit(self) -> str:
        return pick(self.units)

    @property
    def available(self) -> bool:
        return self.unavailable is None

    @property
    def reason(self) -> str:
        """Why the measure computes nothing ("" when it is available)."""
        return pick(self.unavailable) if self.unavailable else ""

    def breakdown_unit(self, by: str) -> str:
        return pick(self.breakdown_units.get(by, self.units))

    def values(self, owners: Iterable[Owner], years: Iterable[int]) -> Values:
        """Values of the owners this measure supports, for ``years``; missing values are left out."""
        if not self.available:
            return {}
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
    """The measures a computed indicator can be bound to (the available ones)."""
    return [(key, measure.name) for key, measure in sorted(MEASURES.items()) if measure.available]


def compute_many(requests: Iterable[tuple[str, Owner, int]]) -> dict[tuple[str, Owner, int], float]:
    """Values of many (measure key, owner, year) at once: one ``compute`` call per measure."""
    from smarttvet.core import cache as core_cache

    by_key: dict[str, tuple[set[Owner], set[int]]] = {}
    for key, owner, year in requests:
        owners, years = by_key.setdefault(key, (set(), set()))
        owners.add(owner)
        years.add(year)
    result: dict[tuple[str, Owner, int], float] = {}
    version = core_cache.data_version() if by_key and core_cache.enabled() else ""
    for key, (owners, years) in by_key.items():
        measure = MEASURES.get(key)
        if measure is None:
            continue
        # Seconds at national scale (graduates' employment, enrolment): cached under the data version, which
        # every audited write (imports, plan edits, the demo) changes (see smarttvet.core.cache).
        parts = (key, sorted((o.level, o.id or 0) for o in owners), sorted(years))
        values = core_cache.cached("plan-measure", parts,
                                   lambda measure=measure, owners=owners, years=years: measure.values(owners, years),
                                   version=version)
        for (owner, year), value in values.items():
            result[(key, owner, year)] = value
    return result


def compute_one(key: str, owner: Owner, year: int) -> tuple[float | None, str]:
    """One value and, when there is none, why: ``(None, reason)``."""
    measure = MEASURES.get(key)
    if measure is None:
        return None, f"unknown measure {key!r}"
    if not measure.available:
        return None, measure.reason
    if owner.level not in measure.levels:
        return None, f"{key} is not measured for a {owner.level}"
    value = measure.values([owner], [year]).get((owner, year))
    return (value, "") if value is not None else (None, f"no value of {key} for {year}")


def check_breakdown(owner: Owner, by: str) -> None:
    """Raise ValueError unless ``owner``'s value can break down by ``by``: the country by region or organisation,
    a region by organisation."""
    if by not in BREAKDOWN_LEVELS:
        raise ValueError(f"a measure breaks down by region or organization, not {by!r}")
    if owner.level == ORGANIZATION or (owner.level == REGION and by == REGION):
        raise ValueError(f"a {owner.level}'s value does not break down by {by}")


def breakdown(key: str, owner: Owner, year: int, by: str = REGION) -> Parts:
    """The parts of ``owner``'s value of ``key`` in ``year``: ``[(region or organisation id, value)]``, largest
    first (a rank: best first). Only contributors: parts with a value, and for counts above zero. Additive
    measures' parts (``Measure.additive``) sum to the whole. A constant number of queries."""
    measure = MEASURES.get(key)
    if measure is None:
        raise ValueError(f"unknown measure {key!r}")
    check_breakdown(owner, by)
    if not measure.available:
        return []
    parts = (measure.breakdown_fn(owner, year, by) if measure.breakdown_fn is not None
             else _breakdown_by_compute(measure, owner, year, by))
    return _ordered(parts, reverse=by not in measure.ascending)


def _ordered(parts: Iterable[tuple[int, float]], *, reverse: bool = True) -> Parts:
    items = [(int(i), float(v)) for i, v in parts]
    return sorted(items, key=lambda item: ((-item[1] if reverse else item[1]), item[0]))


def _sub_owners(owner: Owner, by: str) -> list[Owner]:
    from smarttvet.registry.models import Organization, Region

    if by == REGION:
        return [Owner(REGION, pk) for pk in Region.objects.order_by("pk").values_list("pk", flat=True)]
    organizations = Organization.objects.order_by("pk")
    if owner.level == REGION:
        organizations = organizations.filter(region_id=owner.id)
    return [Owner(ORGANIZATION, pk) for pk in organizations.values_list("pk", flat=True)]


def _breakdown_by_compute(measure: Measure, owner: Owner, year: int, by: str) -> Parts:
    """The measure of each region or organisation of the owner (one ``compute`` call)."""
    values = measure.values(_sub_owners(owner, by), [year])
    return [(o.id, value) for (o, _year), value in values.items()]


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


# ------------------------------------------------------------------------------------------ counted facts
# A counted measure reads "facts": rows (region id, organisation id or None, year, item) from a constant number of
# grouped queries, and the years that have data. An owner's value in year Y is the sum of the items (``distinct``:
# the number of distinct items) of its rows of Y (``cumulative``: of Y and before); 0 without rows, in a year
# with data. The same rows, grouped by region or organisation, are the breakdown.
Row = tuple[int | None, int | None, int, object]


@dataclass(frozen=True)
class Facts:
    rows: list[Row]
    years: frozenset[int]


FactsFn = Callable[[Sequence[Owner], Sequence[int]], Facts]


def _this_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def _past(years: Iterable[int]) -> frozenset[int]:
    """The years that can have a count: not after the current year."""
    current = _this_year()
    return frozenset(y for y in years if y <= current)


def _owner_q(owners: Sequence[Owner], *, region: str = "organization__region_id",
             organization: str = "organization_id"):
    """A filter of the records of ``owners`` (none when the country is among them, or too many organisations)."""
    from django.db.models import Q

    if not owners or any(o.level == NATIONAL for o in owners):
        return Q()
    regions = sorted({o.id for o in owners if o.level == REGION})
    organizations = sorted({o.id for o in owners if o.level == ORGANIZATION})
    if len(organizations) > IN_CHUNK or len(regions) > IN_CHUNK:
        return Q()
    q = Q(pk__in=[])
    if regions:
        q |= Q(**{f"{region}__in": regions})
    if organizations:
        q |= Q(**{f"{organization}__in": organizations})
    return q


def _group_of(level: str, region_id: int | None, organization_id: int | None) -> int | None | bool:
    if level == NATIONAL:
        return None
    group = region_id if level == REGION else organization_id
    return group if group is not None else False  # False: the row has no part at this level


def _tally(rows: Iterable[Row], level: str, years: Iterable[int], *, distinct: bool,
           cumulative: bool) -> dict[tuple[int | None, int], float]:
    """``{(group, year): value}`` of the rows grouped at ``level`` (group None for the country)."""
    by_group: dict[int | None, dict[int, list]] = {}
    for region_id, organization_id, row_year, item in rows:
        group = _group_of(level, region_id, organization_id)
        if group is False:
            continue
        by_group.setdefault(group, {}).setdefault(row_year, []).append(item)
    result: dict[tuple[int | None, int], float] = {}
    for group, by_year in by_group.items():
        for year in years:
            items = [item for row_year, its in by_year.items()
                     if (row_year <= year if cumulative else row_year == year) for item in its]
            if items:
                result[(group, year)] = float(len(set(items)) if distinct else sum(items))
    return result


def _in_owner(owner: Owner, row: Row) -> bool:
    if owner.level == REGION:
        return row[0] == owner.id
    if owner.level == ORGANIZATION:
        return row[1] == owner.id
    return True


def _counted(facts: FactsFn, *, distinct: bool = False, cumulative: bool = False):
    """The ``compute`` and ``breakdown_fn`` of a counted measure."""

    def compute(owners: Sequence[Owner], years: Sequence[int]) -> Values:
        found = facts(owners, years)
        valid = [y for y in years if y in found.years]
        result: Values = {}
        for level in {o.level for o in owners}:
            tallies = _tally(found.rows, level, valid, distinct=distinct, cumulative=cumulative)
            for owner in owners:
                if owner.level == level:
                    for year in valid:
                        result[(owner, year)] = tallies.get((owner.id, year), 0.0)
        return result

    def parts(owner: Owner, year: int, by: str) -> Parts:
        found = facts([owner], [year])
        if year not in found.years:
            return []
        rows = [row for row in found.rows if _in_owner(owner, row)]
        tallies = _tally(rows, by, [year], distinct=distinct, cumulative=cumulative)
        return [(group, value) for (group, _y), value in tallies.items() if value]

    return compute, parts


def _register_counted(key: str, names: dict[str, str], units: dict[str, str], facts: FactsFn, *,
                      distinct: bool = False, cumulative: bool = False, additive=(REGION, ORGANIZATION),
                      levels=(NATIONAL, REGION, ORGANIZATION), description: str = "") -> Measure:
    compute, parts = _counted(facts, distinct=distinct, cumulative=cumulative)
    return register(Measure(key=key, names=names, units=units, compute=compute, breakdown_fn=parts,
                            levels=frozenset(levels), decimals=0, additive=frozenset(additive),
                            description=description))


# ------------------------------------------------------------------------------------------ rating
LEADER_LEAGUE = "leaders"  # the first league of the TVET methodology (``rating/methodologies/tvet.yaml``)


def _runs_of(years: Sequence[int]) -> dict[int, int]:
    """``{year: id}``: for each year, the latest published rating run of that year or, when the year has none
    (the rating of a year is published after it ends), of the latest earlier year (one query)."""
    from django.db.models import F

    from smarttvet.rating.models import RatingRun

    if not years:
        return {}
    published = list(RatingRun.objects.filter(status=RatingRun.Status.PUBLISHED, year__lte=max(years))
                     .order_by("-year", F("published_at").desc(nulls_last=True), "-id").values_list("year", "id"))
    runs: dict[int, int] = {}
    for year in years:
        for run_year, pk in published:
            if run_year <= year:
                runs[year] = pk
                break
    return runs


def _years_of(runs: dict[int, int]) -> dict[int, list[int]]:
    """The inverse of :func:`_runs_of`: the years each run stands for."""
    years: dict[int, list[int]] = {}
    for year, pk in runs.items():
        years.setdefault(pk, []).append(year)
    return years


def _rating_facts(*, leaders: bool) -> FactsFn:
    def facts(owners: Sequence[Owner], years: Sequence[int]) -> Facts:
        from smarttvet.rating.models import RatingResult

        runs = _runs_of(years)
        years_of = _years_of(runs)
        results = RatingResult.objects.filter(run_id__in=list(years_of)).filter(_owner_q(owners))
        results = results.filter(league=LEADER_LEAGUE) if leaders else results.filter(league__isnull=False)
        rows = [(region_id, organization_id, year, 1 if leaders else league)
                for run_id, region_id, organization_id, league
                in results.values_list("run_id", "organization__region_id", "organization_id", "league")
                for year in years_of[run_id]]
        return Facts(rows, frozenset(runs))

    return facts


_register_counted(
    "rating.leader_league",
    names={"kk": "Көшбасшылар лигасындағы ұйымдар", "ru": "Организации в лиге лидеров",
           "en": "Organisations in the leaders league"},
    units={"kk": "ұйым", "ru": "организаций", "en": "organisations"},
    facts=_rating_facts(leaders=True),
    description="Organisations in the leaders league of the latest published rating run of the year (or, "
                "before the year's rating is published, of the latest earlier year).",
)
_register_counted(
    "rating.leagues_working",
    names={"kk": "Жұмыс істейтін лигалар", "ru": "Работающие лиги", "en": "Leagues working"},
    units={"kk": "лига", "ru": "лиг", "en": "leagues"},
    facts=_rating_facts(leaders=False), distinct=True, additive=(),
    description="Distinct leagues with members in the latest published rating run of the year.",
)


def _region_means(years: Sequence[int]) -> dict[int, dict[int, float]]:
    """``{year: {region: mean score}}`` of the rated organisations in the year's latest published run."""
    from django.db.models import Avg

    from smarttvet.rating.models import RatingResult

    runs = _runs_of(years)
    years_of = _years_of(runs)
    means: dict[int, dict[int, float]] = {year: {} for year in runs}
    rows = (RatingResult.objects.filter(run_id__in=list(years_of), score__isnull=False)
            .values("run_id", "organization__region_id").annotate(mean=Avg("score")).order_by()
            .values_list("run_id", "organization__region_id", "mean"))
    for run_id, region_id, mean in rows:
        for year in years_of[run_id]:
            means[year][region_id] = float(mean)
    return means


def _ranks(means: dict[int, float]) -> dict[int, int]:
    """Rank 1 = the highest mean; equal means share the better rank."""
    return {region: 1 + sum(1 for other in means.values() if other > mean) for region, mean in means.items()}


def _region_rank(owners: Sequence[Owner], years: Sequence[int]) -> Values:
    result: Values = {}
    for year, means in _region_means(years).items():
        ranks = _ranks(means)
        for owner in owners:
            if owner.level == REGION and owner.id in ranks:
                result[(owner, year)] = float(ranks[owner.id])
    return result


def _region_rank_parts(owner: Owner, year: int, by: str) -> Parts:
    """By region: every region's rank; by organisation: the scores of the organisations whose mean ranks
    their region (the region's, or all)."""
    if by == REGION:
        ranks = _ranks(_region_means([year]).get(year, {}))
        return list(ranks.items())
    from smarttvet.rating.models import RatingResult

    run = _runs_of([year]).get(year)
    if run is None:
        return []
    results = RatingResult.objects.filter(run_id=run, score__isnull=False).filter(_owner_q([owner]))
    return list(results.values_list("organization_id", "score"))


register(Measure(
    key="rating.region_rank",
    names={"kk": "Өңірдің өңірлер арасындағы орны", "ru": "Место региона среди регионов",
           "en": "Region's rank among regions"},
    units={"kk": "орын", "ru": "место", "en": "rank"},
    compute=_region_rank, breakdown_fn=_region_rank_parts, levels=frozenset({REGION}), decimals=0,
    ascending=frozenset({REGION}),
    breakdown_units={ORGANIZATION: {"kk": "рейтинг балы", "ru": "балл рейтинга", "en": "rating score"}},
    description="A region's rank among the regions by the mean score of its rated organisations in the latest "
                "published rating run of the year (1 = best). By organisation: the scores that make the mean.",
))


# ------------------------------------------------------------------------------------------ registry, staff
def _tvet():
    from smarttvet.registry.models import Organization

    return list(Organization.TVET_KINDS)


def _governance_facts(owners: Sequence[Owner], years: Sequence[int]) -> Facts:
    from django.db.models import Q

    from smarttvet.registry.models import Organization

    current = _this_year()
    if current not in years:
        return Facts([], frozenset())
    organizations = (Organization.objects.filter(kind__in=_tvet())
                     .filter(Q(has_board_of_trustees=True) | Q(has_supervisory_board=True))
                     .filter(_owner_q(owners, region="region_id", organization="pk")))
    rows = [(region_id, pk, current, 1) for pk, region_id in organizations.values_list("pk", "region_id")]
    return Facts(rows, frozenset({current}))


_register_counted(
    "governance.corporate",
    names={"kk": "Корпоративтік басқаруы бар ұйымдар", "ru": "Организации с корпоративным управлением",
           "en": "Organisations with corporate governance"},
    units={"kk": "ұйым", "ru": "организаций", "en": "organisations"},
    facts=_governance_facts,
    description="TVET organisations with a board of trustees or a supervisory board (registry flags, which keep "
                "no history: a value for the current year only).",
)


def _reference_day(year: int):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return today if year == today.year else dt.date(year, 12, 31)


def _production_facts(owners: Sequence[Owner], years: Sequence[int]) -> Facts:
    from django.db.models import Count, Q

    from smarttvet.people.models import Teacher

    valid = sorted(_past(years))
    if not valid:
        return Facts([], frozenset())
    counts = {}
    for year in valid:
        day = _reference_day(year)
        counts[f"y{year}"] = Count("id", filter=Q(employed_from__lte=day)
                                   & (Q(employed_until__isnull=True) | Q(employed_until__gte=day)))
    rows = (Teacher.objects.filter(from_production=True, organization__kind__in=_tvet(),
                                   position__in=[Teacher.Position.TEACHER, Teacher.Position.MASTER])
            .filter(_owner_q(owners)).values("organization_id", "organization__region_id")
            .annotate(**counts).order_by())
    facts = [(row["organization__region_id"], row["organization_id"], year, row[f"y{year}"])
             for row in rows for year in valid if row[f"y{year}"]]
    return Facts(facts, frozenset(valid))


_register_counted(
    "staff.production_specialists",
    names={"kk": "Өндірістен келген мамандар", "ru": "Специалисты из производства в педагогах",
           "en": "Specialists from production teaching"},
    units={"kk": "адам", "ru": "человек", "en": "people"},
    facts=_production_facts,
    description="Teachers and masters of industrial training of TVET organisations who came from production, "
                "employed on 31 December of the year (today, for the current year).",
)


# ------------------------------------------------------------------------------------------ partnership
def _infrastructure_facts(kind: str) -> FactsFn:
    def facts(owners: Sequence[Owner], years: Sequence[int]) -> Facts:
        from django.db.models import Count

        from smarttvet.partnership.models import Infrastructure

        valid = _past(years)
        if not valid:
            return Facts([], frozenset())
        rows = (Infrastructure.objects.filter(kind=kind, opened_year__lte=max(valid), organization__kind__in=_tvet())
                .filter(_owner_q(owners)).values("organization__region_id", "organization_id", "opened_year")
                .annotate(n=Count("id")).order_by())
        return Facts([(r["organization__region_id"], r["organization_id"], r["opened_year"], r["n"]) for r in rows],
                     valid)

    return facts


FACILITIES = (
    ("infrastructure.it_hubs", "it_hub", {"kk": "IT-хабтар", "ru": "IT-хабы", "en": "IT hubs"},
     {"kk": "IT-хаб", "ru": "IT-хабов", "en": "IT hubs"}),
    ("infrastructure.fab_labs", "fab_lab", {"kk": "Fab Lab зертханалары", "ru": "Лаборатории Fab Lab",
                                            "en": "Fab Labs"},
     {"kk": "Fab Lab", "ru": "Fab Lab", "en": "Fab Labs"}),
    ("infrastructure.technoparks", "technopark", {"kk": "Технопарктер", "ru": "Технопарки", "en": "Technoparks"},
     {"kk": "технопарк", "ru": "технопарков", "en": "technoparks"}),
    ("infrastructure.business_startup_centres", "business_startup_centre",
     {"kk": "Business Startup орталықтары", "ru": "Центры Business Startup", "en": "Business Startup centres"},
     {"kk": "орталық", "ru": "центров", "en": "centres"}),
)
for _key, _kind, _names, _units in FACILITIES:
    _register_counted(_key, names=_names, units=_units, facts=_infrastructure_facts(_kind), cumulative=True,
                      description=f"Facilities of kind {_kind} of TVET organisations opened in the year or before.")


def _cluster_facts(owners: Sequence[Owner], years: Sequence[int]) -> Facts:
    from smarttvet.partnership.models import Cluster

    valid = _past(years)
    if not valid:
        return Facts([], frozenset())
    last = max(valid)
    rows: list[Row] = [(region_id, None, founded, pk) for pk, region_id, founded in
                       Cluster.objects.filter(year_founded__lte=last).values_list("pk", "region_id", "year_founded")]
    colleges = Cluster.colleges.through.objects.filter(cluster__year_founded__lte=last)
    rows += [(region_id, organization_id, founded, pk) for pk, organization_id, region_id, founded in
             colleges.values_list("cluster_id", "organization_id", "cluster__region_id", "cluster__year_founded")]
    return Facts(rows, valid)


_register_counted(
    "partnership.clusters",
    names={"kk": "Өңірлік білім беру-өндірістік кластерлер", "ru": "Региональные образовательно-производственные "
           "кластеры", "en": "Regional educational-production clusters"},
    units={"kk": "кластер", "ru": "кластеров", "en": "clusters"},
    facts=_cluster_facts, distinct=True, cumulative=True, additive=(REGION,),
    description="Educational-production clusters founded in the year or before (by the cluster's region; an "
                "organisation: the clusters it is a college of).",
)


def _worldskills_facts(owners: Sequence[Owner], years: Sequence[int]) -> Facts:
    from smarttvet.partnership.models import WorldSkillsResult

    rows = list(WorldSkillsResult.objects.filter(level=WorldSkillsResult.Level.NATIONAL, year__in=list(years))
                .values_list("organization__region_id", "organization_id", "year", "competence_code")
                .distinct().order_by())
    return Facts(rows, frozenset(row[2] for row in rows))


_register_counted(
    "worldskills.competencies",
    names={"kk": "WorldSkills құзыреттері", "ru": "Компетенции WorldSkills", "en": "WorldSkills competencies"},
    units={"kk": "құзырет", "ru": "компетенций", "en": "competencies"},
    facts=_worldskills_facts, distinct=True, additive=(),
    description="Distinct competencies in the results of the national WorldSkills championship of the year "
                "(no value for a year without national results).",
)


# ------------------------------------------------------------------------------------------ employment
def _employment_table(years: Sequence[int], by: list[str], region: int | None = None):
    from smarttvet.labour import employment

    outcomes = employment.load_outcomes(region=region)
    return employment.rates(outcomes, by=[*by, "cohort"], months_after=12,
                            graduation_years=[year - 1 for year in years])["employed_rate"]


def _finite(value) -> bool:
    import math

    return value is not None and math.isfinite(float(value))


def _employment(owners: Sequence[Owner], years: Sequence[int]) -> Values:
    from smarttvet.labour import employment

    outcomes = employment.load_outcomes()  # one query, grouped
    graduation_years = [year - 1 for year in years]
    result: Values = {}
    for level, by in ((NATIONAL, None), (REGION, "region"), (ORGANIZATION, "organization")):
        wanted = {o.id for o in owners if o.level == level}
        if not wanted:
            continue
        table = employment.rates(outcomes, by=[by, "cohort"] if by else "cohort", months_after=12,
                                 graduation_years=graduation_years)["employed_rate"]
        for index, rate in table.items():
            group, cohort = (None, index) if by is None else index
            group = int(group) if group is not None else None
            if group in wanted and _finite(rate):
                result[(Owner(level, group), int(cohort) + 1)] = float(rate)
    return result


def _employment_parts(owner: Owner, year: int, by: str) -> Parts:
    table = _employment_table([year], [by], region=owner.id if owner.level == REGION else None)
    return [(int(group), float(rate)) for (group, _cohort), rate in table.items() if _finite(rate)]


register(Measure(
    key="employment.rate_12m",
    names={"kk": "Түлектердің 12 айдан кейінгі жұмыспен қамтылуы",
           "ru": "Трудоустройство выпускников через 12 месяцев", "en": "Graduates employed at 12 months"},
    units={"kk": "%", "ru": "%", "en": "%"},
    compute=_employment, breakdown_fn=_employment_parts, decimals=1,
    description="% of the graduates of the previous year employed 12 months after graduating: the rating's "
                "employment_12m (smarttvet.labour.employment); no value under 5 graduates observed.",
))


# ------------------------------------------------------------------------------------------ portfolio
def _certified_facts(owners: Sequence[Owner], years: Sequence[int]) -> Facts:
    """Teachers of TVET organisations holding a verified new-format certificate valid on 31 December ``Y``
    (today, for the current year), from the digital portfolio (``smarttvet.portfolio``): one query; each row's item
    is the teacher, counted once."""
    from smarttvet.portfolio import rules
    from smarttvet.portfolio.models import Record

    valid = sorted(_past(years))
    if not valid:
        return Facts([], frozenset())
    records = (Record.objects.filter(status=Record.Status.VERIFIED, superseded_at__isnull=True, kind="certification",
                                     code="new_format", start_date__lte=_reference_day(valid[-1]),
                                     teacher__organization__kind__in=_tvet())
               .filter(_owner_q(owners, region="teacher__organization__region_id",
                                organization="teacher__organization_id"))
               .values_list("teacher__organization__region_id", "teacher__organization_id", "teacher_id",
                            "start_date", "end_date"))
    facts: list[Row] = []
    days = {year: _reference_day(year) for year in valid}
    for region_id, organization_id, teacher_id, start, end in records:
        for year, day in days.items():
            until = end or rules.add_years(start, rules.load(on=day).certificate_valid_years)
            if start <= day <= until:
                facts.append((region_id, organization_id, year, teacher_id))
    return Facts(facts, frozenset(valid))


_register_counted(
    "teachers.new_format_certified",
    names={"kk": "Жаңа форматта сертификатталған педагогтер", "ru": "Педагоги, сертифицированные в новом формате",
           "en": "Teachers certified in the new format"},
    units={"kk": "адам", "ru": "человек", "en": "people"},
    facts=_certified_facts, distinct=True,
    description="Teachers of TVET organisations with a verified new-format certification record of their digital "
                "portfolio valid on 31 December of the year (today, for the current year); a certificate without "
                "an end date is valid for the years the portfolio rules say (smarttvet.portfolio.rules).",
)

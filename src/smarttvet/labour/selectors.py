"""Reads of the labour-market pages and API: the gap heatmap, a region's gap, recommendations and vacancies,
a specialty in a region, and graduates' employment. The figures come from the pure computations
(:mod:`~smarttvet.labour.gap`, :mod:`~smarttvet.labour.recommend`, :mod:`~smarttvet.labour.demand`,
:mod:`~smarttvet.labour.employment`, :mod:`~smarttvet.labour.supply`); this module loads, scopes and joins.

Who sees what
-------------
Labour-market aggregates are public information, for the ministry, the regions, colleges, employers and
applicants alike (anonymous visitors included):

* vacancies, growth sectors, occupations and their links to specialties (their models are public);
* the gap per region × specialty and its roll-up to region × broad field (demand, supply, gap, ratio), the
  recommendations with their figures, the vacancy forecast and its backtest error;
* employers' declared needs **summed** per specialty × year (people and number of enterprises);
* enrolment and expected graduates per organisation × specialty (institution statistics, as on the
  registry's organisation page);
* graduates' employment rates aggregated per region, per specialty (in a region or nationally) and per
  cohort, with their counts (a rate over fewer than 5 observed graduates is withheld by
  :mod:`~smarttvet.labour.employment`).

Not public:

* employment rates **per organisation** are visible to the organisation itself, its region and the ministry
  (and superusers): elsewhere the rate and its counts are withheld (``None``), and ``by=organization``
  lists only the organisations in the caller's scope (:func:`employment_scope`);
* the enterprise-by-enterprise declared needs follow :class:`~smarttvet.labour.models.EmployerNeed`'s scope
  (the ministry, the enterprise's region, the employer itself).

Query counts
------------
Every function runs a fixed number of queries whatever the number of regions, specialties, organisations
or people: the gap loads its frames in ten queries (:func:`smarttvet.labour.gap.load`), employment in one,
names in one per kind, and the user's role assignments once per request.

Caching
-------
The forecasts behind the gap (Holt-Winters per region × specialty) take seconds at national scale, so the
heatmap, a region's gap and vacancy outlook and the public figures of a specialty in a region are kept whole
in the shared cache under the platform's **data version** (:mod:`smarttvet.core.cache`): every audited write
— an import, an edited mapping, a declared need — changes it, so a cached figure is never stale, and a repeat
view runs two small queries instead of loading the frames. What depends on the user (employment rates per
organisation, the enterprise rows of declared needs) is applied after the cache, on every request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd
from django.db.models import Avg, Count, Sum
from django.http import Http404

from smarttvet.accounts.scoping import assignments, visible
from smarttvet.core import cache as core_cache
from smarttvet.labour import demand, employment, gap, recommend, supply
from smarttvet.labour.models import EmployerNeed, GrowthSector, SpecialtyOccupation, Vacancy
from smarttvet.registry.models import FieldOfEducation, Organization, Region, Specialty
from smarttvet.registry.selectors import region_by_code

HORIZONS = tuple(range(1, gap.MAX_HORIZON + 1))
DEFAULT_HORIZON = gap.DEFAULT_HORIZON
EMPLOYMENT_BY = ("organization", "specialty", "region", "cohort")
VACANCY_WINDOW = 12  # months of the latest vacancies summed per occupation on the specialty page

# ---------------------------------------------------------------------------------------- parameters
def parse_horizon(raw, default: int | None = DEFAULT_HORIZON) -> int | None:
    """A horizon of 1..5 years from a query string; anything else gives ``default``."""
    text = str(raw if raw is not None else "").strip()
    if text.isdigit() and len(text) <= 2 and int(text) in HORIZONS:
        return int(text)
    return default


def parse_year(raw) -> int | None:
    text = str(raw or "").strip()
    if text.isdigit() and len(text) == 4:
        return int(text)
    return None


def region_or_404(code: str) -> Region:
    """A region by KATO code, its 2-digit prefix or ISO code; unknown: 404."""
    region = region_by_code(str(code or "")) if code else None
    if region is None:
        raise Http404("No such region.")
    return region


def specialty_or_404(code: str) -> Specialty:
    code = str(code or "").strip()
    found = Specialty.objects.select_related("field").filter(code=code).first() if code.isdigit() else None
    if found is None:
        raise Http404("No such specialty.")
    return found


def broad_field(code) -> FieldOfEducation | None:
    """A broad field of education (2 digits) or None."""
    code = str(code or "").strip()
    if len(code) != 2 or not code.isdigit():
        return None
    return FieldOfEducation.objects.filter(code=code).first()


# ---------------------------------------------------------------------------------------- scope
@dataclass(frozen=True)
class EmploymentScope:
    """The organisations whose employment rates a user may read, from their role assignments (no query)."""

    everything: bool = False
    regions: frozenset[int] = frozenset()
    organizations: frozenset[int] = frozenset()

    def allows(self, organization_id, region_id) -> bool:
        return self.everything or region_id in self.regions or organization_id in self.organizations

    @property
    def anything(self) -> bool:
        return self.everything or bool(self.regions) or bool(self.organizations)

    def mask(self, frame: pd.DataFrame) -> pd.Series:
        """Which rows of a frame with ``organization_id`` and ``region_id`` the user may read."""
        if self.everything:
            return pd.Series(True, index=frame.index)
        return frame["region_id"].isin(self.regions) | frame["organization_id"].isin(self.organizations)


def employment_scope(user) -> EmploymentScope:
    if getattr(user, "is_superuser", False):
        return EmploymentScope(everything=True)
    regions, organizations = set(), set()
    for assignment in assignments(user):
        if assignment.role == "ministry":
            return EmploymentScope(everything=True)
        if assignment.role == "region" and assignment.region_id:
            regions.add(assignment.region_id)
        if assignment.role == "organization" and assignment.organization_id:
            organizations.add(assignment.organization_id)
    return EmploymentScope(regions=frozenset(regions), organizations=frozenset(organizations))


def may_allocate(user) -> bool:
    """Whether the state-order allocation page is open to the user (the ministry, a region's department)."""
    return bool(getattr(user, "is_superuser", False)) or any(
        a.role in ("ministry", "region") for a in assignments(user))


# ---------------------------------------------------------------------------------------- heatmap
@dataclass
class Heatmap:
    horizon: int
    base_year: int
    cells: pd.DataFrame  # gap.heatmap columns
    regions: pd.DataFrame  # index id: kato, name_kk, name_ru, name_en
    fields: pd.DataFrame  # index code: name_kk, name_ru, name_en


def heatmap(horizon: int) -> Heatmap:
    """The country's gap rolled up to region × broad field over ``horizon`` years (public).

    Cached whole under the data version (:mod:`smarttvet.core.cache`): a repeat view runs two small queries
    instead of loading the national frames (seconds) and fingerprinting them; the first view after a write
    computes it again (ten queries)."""
    return core_cache.cached("labour-heatmap", (horizon,), lambda: _heatmap(horizon))


def _heatmap(horizon: int) -> Heatmap:
    data = gap.load()
    cells = gap.heatmap(gap.gap_summary(data, horizon))
    return Heatmap(horizon=horizon, base_year=data.base_year, cells=cells, regions=data.regions, fields=data.fields)


# ---------------------------------------------------------------------------------------- one region
@dataclass
class RegionGap:
    region: Region
    horizon: int
    base_year: int
    table: pd.DataFrame  # gap.gap_table: one row per specialty
    recommendations: pd.DataFrame  # recommend.RECOMMENDATION_COLUMNS

    @property
    def years(self) -> list[int]:
        return list(range(self.base_year + 1, self.base_year + self.horizon + 1))


def region_gap(region: Region, horizon: int, language: str | None = None) -> RegionGap:
    """A region's gap table and recommendations over ``horizon`` years (public; cached under the data version,
    ten queries to compute)."""
    language = language or "en"
    return core_cache.cached("labour-region-gap", (region.pk, horizon, language),
                             lambda: _region_gap(region, horizon, language, gap.load(region)))


def _region_gap(region: Region, horizon: int, language: str, data: gap.LabourData) -> RegionGap:
    table = gap.gap_table(region, horizon, language, data)
    return RegionGap(region=region, horizon=horizon, base_year=data.base_year, table=table,
                     recommendations=recommend.recommend_from_summary(table, horizon))


@dataclass
class VacancyOutlook:
    """A region's monthly postings (of the occupations its specialties lead to), their forecast to the end of
    the horizon and the forecast's backtest."""

    history: pd.Series  # month (Period) -> postings
    forecast: pd.Series  # month (Period) -> postings
    models: dict = field(default_factory=dict)  # model -> series
    backtest_region: dict = field(default_factory=dict)  # demand.backtest_summary(level="region")
    backtest_series: dict = field(default_factory=dict)  # demand.backtest_summary(level="series")


def vacancy_outlook(region: Region, until_year: int) -> VacancyOutlook:
    """A region's monthly postings, forecast to December ``until_year`` with the model of
    :mod:`~smarttvet.labour.demand`, and its rolling-origin backtest (cached under the data version)."""
    return core_cache.cached("labour-outlook", (region.pk, until_year),
                             lambda: _vacancy_outlook(gap.load(region), until_year))


def _vacancy_outlook(data: gap.LabourData, until_year: int) -> VacancyOutlook:
    panel = demand.specialty_panel(data.vacancies, data.mapping)
    if panel.empty or panel.shape[1] == 0:
        empty = pd.Series(dtype=float)
        return VacancyOutlook(history=panel.sum(axis=1) if len(panel) else empty, forecast=empty)
    history = panel.sum(axis=1)
    steps = max(0, (pd.Period(f"{until_year}-12", freq="M") - panel.index[-1]).n)
    forecast, models = demand.forecast_panel(panel, steps)
    table = demand.backtest(panel)
    return VacancyOutlook(
        history=history, forecast=forecast.sum(axis=1) if steps else pd.Series(dtype=float),
        models=models.value_counts().to_dict() if len(models) else {},
        backtest_region=demand.backtest_summary(table, "region"),
        backtest_series=demand.backtest_summary(table, "series"),
    )


def growth_sectors(region: Region) -> list[GrowthSector]:
    return list(GrowthSector.objects.filter(region=region).select_related("sector").order_by("sector__code"))


@dataclass
class DeclaredNeeds:
    by_specialty: list[dict]  # specialty, years {year: people}, total, enterprises
    years: list[int]
    total: int
    own: list[EmployerNeed]  # the enterprise-level rows the user may read


def declared_needs(user, region: Region, years: list[int]) -> DeclaredNeeds:
    """Employers' declared needs in ``region`` for ``years``: summed per specialty (public), and the rows of
    the enterprises the user may read. Three queries at most."""
    rows = (EmployerNeed.objects.filter(enterprise__region=region, year__in=years)
            .values("specialty_id", "year").annotate(people=Sum("people")).order_by())
    enterprises = dict(EmployerNeed.objects.filter(enterprise__region=region, year__in=years)
                       .values("specialty_id").annotate(n=Count("enterprise_id", distinct=True)).order_by()
                       .values_list("specialty_id", "n"))
    by_specialty: dict[int, dict] = {}
    for row in rows:
        entry = by_specialty.setdefault(row["specialty_id"], {"specialty_id": row["specialty_id"], "years": {},
                                                              "total": 0})
        entry["years"][row["year"]] = int(row["people"])
        entry["total"] += int(row["people"])
    for entry in by_specialty.values():
        entry["enterprises"] = enterprises.get(entry["specialty_id"], 0)
    own = list(visible(user, EmployerNeed.objects.filter(enterprise__region=region, year__in=years))
               .select_related("enterprise", "specialty", "qualification")
               .order_by("enterprise__name", "specialty__code", "year")[:500])
    ordered = sorted(by_specialty.values(), key=lambda e: (-e["total"], e["specialty_id"]))
    return DeclaredNeeds(by_specialty=ordered, years=years, total=sum(e["total"] for e in ordered), own=own)


def specialties_by_id(ids) -> dict[int, Specialty]:
    ids = {int(i) for i in ids}
    if not ids:
        return {}
    return {s.pk: s for s in Specialty.objects.filter(pk__in=ids).select_related("field")}


# ---------------------------------------------------------------------------------------- specialty in a region
@dataclass
class SpecialtyInRegion:
    region: Region
    specialty: Specialty
    horizon: int
    base_year: int
    summary: dict | None  # the gap summary row of this region × specialty
    organizations: pd.DataFrame  # gap.drill_organisations + enrolled, admitted, employment_visible
    occupations: list[dict]  # occupation, share, postings (last months), median wage
    vacancy_months: int  # months summed in ``postings``
    last_month: dt.date | None


def specialty_in_region(user, region: Region, specialty: Specialty, horizon: int,
                        language: str | None = None) -> SpecialtyInRegion:
    """The organisations of a region providing a specialty (enrolment, expected graduates, employment in the
    user's scope) and the occupations it leads to with their vacancies in the region. The public figures are
    cached under the data version; the user's scope is applied to a copy on every request."""
    language = language or "en"
    public = core_cache.cached("labour-specialty", (region.pk, specialty.pk, horizon, language),
                               lambda: _specialty_in_region(region, specialty, horizon, language))
    organizations = public.organizations.copy()
    allowed = employment_scope(user).mask(organizations)
    organizations["employment_visible"] = allowed
    organizations.loc[~allowed, "employment_rate_12m"] = float("nan")
    organizations.loc[~allowed, "employment_n"] = 0
    return replace(public, organizations=organizations)


def _specialty_in_region(region: Region, specialty: Specialty, horizon: int, language: str) -> SpecialtyInRegion:
    data = gap.load(region)
    base = data.base_year
    table = _region_gap(region, horizon, language, data).table
    row = table[table["specialty_id"] == specialty.pk]
    organizations = gap.drill_organisations(data, region.pk, specialty.pk, horizon, language, base)
    students = data.students[data.students["specialty_id"] == specialty.pk]
    on_roll = students[students["status"].isin([supply.STUDYING, supply.LEAVE])]
    enrolled = on_roll.groupby("organization_id")["n"].sum()
    admitted = students[students["cohort_year"] == base].groupby("organization_id")["n"].sum()
    organizations["enrolled"] = organizations["organization_id"].map(enrolled).fillna(0).astype(int)
    organizations["admitted"] = organizations["organization_id"].map(admitted).fillna(0).astype(int)
    organizations["region_id"] = region.pk
    occupations, months, last = _occupations(region, specialty, data.vacancies)
    return SpecialtyInRegion(region=region, specialty=specialty, horizon=horizon, base_year=base,
                             summary=row.iloc[0].to_dict() if len(row) else None, organizations=organizations,
                             occupations=occupations, vacancy_months=months, last_month=last)


def _occupations(region: Region, specialty: Specialty, vacancies: pd.DataFrame):
    """The occupations a specialty leads to, with the region's postings of the last ``VACANCY_WINDOW`` months of
    its vacancy history and the mean of the monthly median wages (two queries)."""
    links = list(SpecialtyOccupation.objects.filter(specialty=specialty).select_related("occupation")
                 .order_by("-share", "occupation__code"))
    if not len(vacancies):
        last = None
        stats: dict[int, dict] = {}
    else:
        last_period = vacancies["month"].max()
        last = last_period.to_timestamp().date()
        first = (last_period - (VACANCY_WINDOW - 1)).to_timestamp().date()
        stats = {row["occupation_id"]: row for row in
                 Vacancy.objects.filter(region=region, occupation_id__in=[link.occupation_id for link in links],
                                        month__gte=first, month__lte=last)
                 .values("occupation_id").annotate(postings=Sum("count"), wage=Avg("median_wage")).order_by()}
    out = []
    for link in links:
        stat = stats.get(link.occupation_id, {})
        postings = int(stat.get("postings") or 0)
        out.append({"occupation": link.occupation, "share": link.share, "postings": postings,
                    "specialty_postings": postings * link.share,
                    "wage": round(stat["wage"]) if stat.get("wage") is not None else None})
    return out, VACANCY_WINDOW, last


# ---------------------------------------------------------------------------------------- employment
@dataclass
class EmploymentTable:
    by: str
    region: Region | None
    cohort: int | None
    cohorts: list[int]
    six: pd.DataFrame  # employment.rates at 6 months, indexed by the ``by`` key
    twelve: pd.DataFrame  # ... at 12 months
    total_six: dict | None
    total_twelve: dict | None
    labels: dict  # key -> (label, object or None)
    scoped_out: bool  # by=organization and the user sees no organisation


def _total(outcomes: pd.DataFrame, months: int, years) -> dict | None:
    if outcomes.empty:
        return None
    table = employment.rates(outcomes.assign(region_id=0), "region", months, years)
    return table.iloc[0].to_dict() if len(table) else None


def employment_table(user, by: str, region: Region | None = None, cohort: int | None = None, *,
                     any_cohort_if_unknown: bool = False) -> EmploymentTable:
    """Graduates' outcome rates at 6 and 12 months grouped ``by`` organisation, specialty, region or cohort
    (graduation year), in ``region`` and of ``cohort`` if given (a cohort without outcomes gives no rows, or
    with ``any_cohort_if_unknown`` every cohort). Per organisation, only the organisations in the user's scope
    (:func:`employment_scope`). Three queries (outcomes, labels, assignments)."""
    if by not in EMPLOYMENT_BY:
        raise ValueError(f"by must be one of {', '.join(EMPLOYMENT_BY)}")
    outcomes = employment.load_outcomes(region)
    cohorts = sorted(int(y) for y in outcomes["graduation_year"].unique())
    if any_cohort_if_unknown and cohort not in cohorts:
        cohort = None
    scoped_out = False
    if by == "organization":
        scope = employment_scope(user)
        outcomes = outcomes[scope.mask(outcomes)]
        scoped_out = not scope.anything
    years = [cohort] if cohort is not None else None
    six = employment.rates(outcomes, by, 6, years)
    twelve = employment.rates(outcomes, by, 12, years)
    keys = sorted(set(six.index) | set(twelve.index))
    return EmploymentTable(by=by, region=region, cohort=cohort, cohorts=cohorts, six=six, twelve=twelve,
                           total_six=_total(outcomes, 6, years), total_twelve=_total(outcomes, 12, years),
                           labels=_labels(by, keys), scoped_out=scoped_out)


def _labels(by: str, keys) -> dict:
    """``{key: object}`` for the groups of an employment table (one query; a cohort is its year)."""
    keys = [int(k) for k in keys]
    if not keys or by == "cohort":
        return {k: None for k in keys}
    if by == "organization":
        objects = Organization.objects.select_related("region").filter(pk__in=keys)
    elif by == "specialty":
        objects = Specialty.objects.filter(pk__in=keys)
    else:
        objects = Region.objects.filter(pk__in=keys)
    found = {obj.pk: obj for obj in objects}
    return {k: found.get(k) for k in keys}


# ---------------------------------------------------------------------------------------- vacancies (API)
def vacancy_series(region: Region | None = None, occupation=None) -> list[dict]:
    """Monthly vacancies (public): ``[{month, count, median_wage}]`` summed over the regions and occupations
    selected, the wage the mean of the rows' medians. One query."""
    qs = Vacancy.objects.all()
    if region is not None:
        qs = qs.filter(region=region)
    if occupation is not None:
        qs = qs.filter(occupation=occupation)
    rows = qs.values("month").annotate(count=Sum("count"), wage=Avg("median_wage")).order_by("month")
    return [{"month": row["month"], "count": int(row["count"] or 0),
             "median_wage": round(row["wage"]) if row["wage"] is not None else None} for row in rows]

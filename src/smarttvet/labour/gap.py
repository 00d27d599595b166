"""The gap between the people employers will need and the graduates colleges will produce, per region ×
specialty and year, with the graduates' employment beside it.

:func:`load` reads everything in a constant number of queries (ten, whatever the size of the data);
the rest is pure pandas on the loaded frames:

* :func:`gap_by_year`: per region × specialty × year ``T+1 .. T+horizon``: ``demand`` (people: forecast
  postings × fill factor + declared needs, :mod:`smarttvet.labour.demand`), ``supply`` (expected graduates,
  :mod:`smarttvet.labour.supply`), ``gap = demand - supply`` (positive: a deficit of graduates),
  ``ratio = supply / demand`` (NaN when there is no demand);
* :func:`gap_summary`: the same over the whole horizon (people over the next ``horizon`` years, summed), with
  ``providers`` (organisations of the region offering the specialty or teaching it now) and the employment
  rate at 12 months (:func:`smarttvet.labour.employment.pooled_rates`: the latest three cohorts with
  12-month outcomes pooled, NaN under 5 observed, with its ``employment_n``);
* :func:`heatmap`: the summary rolled up to region × broad field of education (ISCED-F 2013, 2 digits);
  :func:`drill_specialties` and :func:`drill_organisations` go down to the specialties of one cell and to the
  organisations of one specialty;
* :func:`gap_table`: one region's summary with the specialties' codes and names, as ``smarttvet labour
  gap`` prints it (columns :data:`GAP_TABLE_COLUMNS`).

The base year ``T`` is the academic year in progress (:func:`smarttvet.labour.supply.base_year`): the
horizon's year 1 is ``T+1``, the year the current final-year students graduate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models.functions import Length
from django.utils import timezone

from smarttvet.core.i18n import pick
from smarttvet.labour import demand as demand_module
from smarttvet.labour import employment, supply
from smarttvet.people.models import Student
from smarttvet.rating.indicators import MIN_GRADUATES
from smarttvet.registry.models import FieldOfEducation, Offer, Organization, Region, Specialty

DEFAULT_HORIZON = 3
MAX_HORIZON = supply.MAX_HORIZON

BY_YEAR_COLUMNS = ["region_id", "specialty_id", "year", "horizon", "postings", "from_vacancies", "declared",
                   "demand", "supply", "gap", "ratio", "model"]
SUMMARY_COLUMNS = ["region_id", "specialty_id", "broad_field", "demand", "from_vacancies", "declared", "supply",
                   "gap", "ratio", "providers", "employment_rate_12m", "employment_n", "employment_employed"]
#: The columns of ``smarttvet labour gap --format csv`` (stable: add columns at the end only).
GAP_TABLE_COLUMNS = ["specialty_code", "specialty_name", "demand", "supply", "gap", "ratio", "employment_rate_12m",
                     "employment_n"]


@dataclass
class LabourData:
    """The frames the labour-market analysis reads, loaded by :func:`load`."""

    students: pd.DataFrame
    outcomes: pd.DataFrame
    vacancies: pd.DataFrame
    mapping: pd.DataFrame
    needs: pd.DataFrame
    offers: pd.DataFrame  # organization_id, region_id, specialty_id (distinct)
    specialties: pd.DataFrame  # index id: code, name_kk, name_ru, name_en, broad_field
    organizations: pd.DataFrame  # index id: region_id, bin, name_kk, name_ru, name_en
    regions: pd.DataFrame  # index id: kato, name_kk, name_ru, name_en
    fields: pd.DataFrame  # index code (2 digits): name_kk, name_ru, name_en
    region_id: int | None = None

    @property
    def base_year(self) -> int:
        """The academic year in progress (studying students' status year); without students, the last year of
        the vacancy history, else the current calendar year."""
        year = supply.base_year(self.students)
        if year is not None:
            return year
        if len(self.vacancies):
            return int(self.vacancies["month"].max().year)
        return timezone.localdate().year


def _frame(rows, columns, index=None) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    return frame.set_index(index) if index else frame


def load(region: Region | None = None) -> LabourData:
    """Everything the analysis needs, for one region or the country, in ten queries."""
    organizations = Organization.objects.all()
    offers = Offer.objects.all()
    if region is not None:
        organizations = organizations.filter(region=region)
        offers = offers.filter(organization__region=region)
    offer_rows = offers.values_list("organization_id", "organization__region_id", "specialty_id").distinct()
    specialty_rows = Specialty.objects.values_list("id", "code", "name_kk", "name_ru", "name_en", "field__code")
    specialties = _frame(specialty_rows, ["id", "code", "name_kk", "name_ru", "name_en", "field_code"], "id")
    specialties["broad_field"] = specialties["field_code"].str[:2]
    fields = _frame(FieldOfEducation.objects.annotate(size=Length("code")).filter(size=2)
                    .values_list("code", "name_kk", "name_ru", "name_en"), ["code", "name_kk", "name_ru", "name_en"],
                    "code")
    return LabourData(
        students=supply.load_students(region),
        outcomes=employment.load_outcomes(region),
        vacancies=demand_module.load_vacancies(region),
        mapping=demand_module.load_mapping(),
        needs=demand_module.load_needs(region),
        offers=_frame(offer_rows, ["organization_id", "region_id", "specialty_id"]).astype(np.int64),
        specialties=specialties,
        organizations=_frame(organizations.values_list("id", "region_id", "bin", "name_kk", "name_ru", "name_en"),
                             ["id", "region_id", "bin", "name_kk", "name_ru", "name_en"], "id"),
        regions=_frame(Region.objects.values_list("id", "kato", "name_kk", "name_ru", "name_en"),
                       ["id", "kato", "name_kk", "name_ru", "name_en"], "id"),
        fields=fields,
        region_id=None if region is None else region.pk,
    )


def _check_horizon(horizon: int) -> None:
    if isinstance(horizon, bool) or not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"the horizon must be 1 to {MAX_HORIZON} years, not {horizon!r}")


def _ratio(supply_values, demand_values) -> np.ndarray:
    supply_values = np.asarray(supply_values, dtype=float)
    demand_values = np.asarray(demand_values, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(demand_values > 0, supply_values / demand_values, np.nan)


# ---------------------------------------------------------------------------------------------------- by year
def gap_by_year(data: LabourData, horizon: int = MAX_HORIZON, base: int | None = None) -> pd.DataFrame:
    """Demand, supply and gap per region × specialty × year ``base+1 .. base+horizon``
    (:data:`BY_YEAR_COLUMNS`). A region × specialty appears when it has demand or expected graduates."""
    _check_horizon(horizon)
    base = data.base_year if base is None else base
    years = list(range(base + 1, base + horizon + 1))
    keys = ["region_id", "specialty_id", "year"]
    projected = supply.supply_by_region(supply.project_graduates(data.students, horizon, base))
    projected = projected.set_index(keys)["expected"].rename("supply")
    panel = demand_module.specialty_panel(data.vacancies, data.mapping)
    demanded = demand_module.project_demand(panel, data.needs, years).set_index(keys)
    if data.region_id is not None:
        demanded = demanded[demanded.index.get_level_values("region_id") == data.region_id]
    index = demanded.index.union(projected.index)
    table = demanded.reindex(index)
    table["supply"] = projected.reindex(index)
    numbers = ["postings", "from_vacancies", "declared", "demand", "supply"]
    table[numbers] = table[numbers].astype(float).fillna(0.0)
    table["model"] = table["model"].astype(object).fillna("none")
    table = table.reset_index()
    table["horizon"] = table["year"] - base
    table["gap"] = table["demand"] - table["supply"]
    table["ratio"] = _ratio(table["supply"], table["demand"])
    table = table.astype({"region_id": np.int64, "specialty_id": np.int64, "year": np.int64})
    return table[BY_YEAR_COLUMNS].sort_values(keys, ignore_index=True)


def _providers(data: LabourData) -> pd.Series:
    """Organisations per region × specialty that offer it or have students studying it now."""
    studying = data.students[data.students["status"].isin([Student.Status.STUDYING.value,
                                                            Student.Status.LEAVE.value])]
    pairs = pd.concat([data.offers[["organization_id", "region_id", "specialty_id"]],
                       studying[["organization_id", "region_id", "specialty_id"]]]).drop_duplicates()
    return pairs.groupby(["region_id", "specialty_id"])["organization_id"].nunique().rename("providers")


# ---------------------------------------------------------------------------------------------------- summary
def gap_summary(data: LabourData, horizon: int = DEFAULT_HORIZON, base: int | None = None,
                by_year: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per region × specialty, figures summed over the years ``1 .. horizon`` (:data:`SUMMARY_COLUMNS`).

    A specialty appears in a region when it has demand, expected graduates or a provider there."""
    _check_horizon(horizon)
    by_year = gap_by_year(data, horizon, base) if by_year is None else by_year
    by_year = by_year[by_year["horizon"] <= horizon]
    keys = ["region_id", "specialty_id"]
    sums = by_year.groupby(keys)[["demand", "from_vacancies", "declared", "supply"]].sum()
    providers = _providers(data)
    if data.region_id is not None:
        providers = providers[providers.index.get_level_values("region_id") == data.region_id]
    index = sums.index.union(providers.index)
    table = sums.reindex(index).astype(float).fillna(0.0)
    table["providers"] = providers.reindex(index).fillna(0).astype(np.int64)
    rates = employment.pooled_rates(data.outcomes, ["region", "specialty"])
    table["employment_rate_12m"] = rates["employed_rate"].reindex(index)
    table["employment_n"] = rates["n"].reindex(index).fillna(0).astype(np.int64)
    table["employment_employed"] = rates["employed"].reindex(index).fillna(0).astype(np.int64)
    table = table.reset_index()
    table["gap"] = table["demand"] - table["supply"]
    table["ratio"] = _ratio(table["supply"], table["demand"])
    table["broad_field"] = data.specialties["broad_field"].reindex(table["specialty_id"]).to_numpy()
    table = table.astype({"region_id": np.int64, "specialty_id": np.int64})
    return table[SUMMARY_COLUMNS].sort_values(keys, ignore_index=True)


def gap_table(region: Region, horizon: int = DEFAULT_HORIZON, language: str = "en",
              data: LabourData | None = None) -> pd.DataFrame:
    """One region's specialties over the horizon, as ``smarttvet labour gap`` prints them: the columns of
    :data:`GAP_TABLE_COLUMNS` then ``providers``, ``declared``, ``from_vacancies``; one row per specialty,
    by specialty code."""
    data = load(region) if data is None else data
    summary = gap_summary(data, horizon)
    summary = summary[summary["region_id"] == region.pk]
    return _with_names(summary, data, language)


def _with_names(summary: pd.DataFrame, data: LabourData, language: str) -> pd.DataFrame:
    specialties = data.specialties.reindex(summary["specialty_id"])
    table = summary.copy()
    table["specialty_code"] = specialties["code"].to_numpy()
    table["specialty_name"] = [pick({"kk": kk, "ru": ru, "en": en}, language) for kk, ru, en in
                               zip(specialties["name_kk"], specialties["name_ru"], specialties["name_en"], strict=True)]
    columns = [*GAP_TABLE_COLUMNS, "providers", "declared", "from_vacancies"]
    rest = [column for column in table.columns if column not in columns]
    return table[columns + rest].sort_values("specialty_code", ignore_index=True)


# ---------------------------------------------------------------------------------------------------- roll-ups
def heatmap(summary: pd.DataFrame) -> pd.DataFrame:
    """A :func:`gap_summary` rolled up to region × broad field: region_id, broad_field, demand, supply, gap,
    ratio, specialties (with demand or supply), providers (organisation × specialty pairs),
    employment_rate_12m (pooled over the field's specialties, NaN under 5 observed), employment_n."""
    grouped = summary.groupby(["region_id", "broad_field"])
    table = grouped.agg(demand=("demand", "sum"), supply=("supply", "sum"), providers=("providers", "sum"),
                        employment_n=("employment_n", "sum"), employment_employed=("employment_employed", "sum"),
                        specialties=("specialty_id", "nunique"))
    table = table.reset_index()
    table["gap"] = table["demand"] - table["supply"]
    table["ratio"] = _ratio(table["supply"], table["demand"])
    rate = 100.0 * table["employment_employed"] / table["employment_n"].where(table["employment_n"] > 0)
    table["employment_rate_12m"] = rate.where(table["employment_n"] >= MIN_GRADUATES)
    return table[["region_id", "broad_field", "demand", "supply", "gap", "ratio", "specialties", "providers",
                  "employment_rate_12m", "employment_n"]]


def drill_specialties(summary: pd.DataFrame, region_id: int, broad_field: str, data: LabourData,
                      language: str = "en") -> pd.DataFrame:
    """The specialties of one heatmap cell, with their codes and names (largest deficit first)."""
    cell = summary[(summary["region_id"] == region_id) & (summary["broad_field"] == broad_field)]
    return _with_names(cell, data, language).sort_values(["gap", "specialty_code"], ascending=[False, True],
                                                          ignore_index=True)


def drill_organisations(data: LabourData, region_id: int, specialty_id: int, horizon: int = DEFAULT_HORIZON,
                        language: str = "en", base: int | None = None) -> pd.DataFrame:
    """The organisations of a region that offer or teach a specialty: organization_id, bin, name, offers
    (0/1: an offer in the registry), expected graduates over the horizon (``supply``, with ``from_current``
    and ``from_intake``), employment_rate_12m and employment_n (pooled cohorts). Largest supply first."""
    _check_horizon(horizon)
    base = data.base_year if base is None else base
    projection = supply.project_graduates(data.students, horizon, base)
    projection = projection[(projection["region_id"] == region_id) & (projection["specialty_id"] == specialty_id)]
    sums = projection.groupby("organization_id")[["expected", "from_current", "from_intake"]].sum()
    offering = data.offers[(data.offers["region_id"] == region_id) & (data.offers["specialty_id"] == specialty_id)]
    index = sums.index.union(pd.Index(offering["organization_id"].unique()))
    table = sums.reindex(index).fillna(0.0).rename(columns={"expected": "supply"})
    table["offers"] = index.isin(offering["organization_id"]).astype(np.int64)
    rates = employment.pooled_rates(data.outcomes, ["organization", "specialty"])
    rates = rates.xs(specialty_id, level="specialty_id") if len(rates) and specialty_id in \
        rates.index.get_level_values("specialty_id") else rates.iloc[0:0].droplevel("specialty_id")
    table["employment_rate_12m"] = rates["employed_rate"].reindex(index)
    table["employment_n"] = rates["n"].reindex(index).fillna(0).astype(np.int64)
    organizations = data.organizations.reindex(index)
    table["bin"] = organizations["bin"]
    table["name"] = [pick({"kk": kk, "ru": ru, "en": en}, language) if isinstance(kk, str) else "" for kk, ru, en in
                     zip(organizations["name_kk"], organizations["name_ru"], organizations["name_en"], strict=True)]
    table.index.name = "organization_id"
    table = table.reset_index()
    return table[["organization_id", "bin", "name", "offers", "supply", "from_current", "from_intake",
                  "employment_rate_12m", "employment_n"]].sort_values(["supply", "organization_id"],
                                                                      ascending=[False, True], ignore_index=True)

"""State-order allocation in the platform: build the problem from the database, solve it, store a scenario.

* ``demand_for_allocation(region, year)``: demand per specialty (people a year) and the graduates'
  employment rate, read from the gap analysis (``smarttvet.labour.gap``);
* ``allocation_create``: the region's offers (licensed capacity), last year's state order, the demand ->
  :func:`smarttvet.labour.allocation.solve` -> an ``Allocation`` (scenario) and its ``AllocationLine`` rows,
  in one transaction with one audit row;
* ``offer_rows`` / ``specialty_rows``: the stored allocation beside last year's, per offer and per specialty;
* ``write_xlsx`` / ``xlsx_bytes``: the XLSX export (sheets "by offer", "by specialty", "parameters"),
  written to a temporary file beside the target and renamed when complete.

Who may allocate: the ministry (country-wide) and the region's department (its own region); a text actor
is the command line (trusted). Anyone else gets ``PermissionDenied``. Bad arguments raise
``ValidationError`` keyed by the argument (``region``, ``year``, ``places``, ``min_per_specialty``,
``max_per_specialty``); constraints that cannot hold together raise
:class:`~smarttvet.labour.allocation.AllocationInfeasible` naming them; missing demand raises
:class:`DemandUnavailable`.

Last year's places are the ``StateOrder`` rows of the latest admission year before ``year`` that has any
for the region's offers (normally ``year - 1``); the year used is stored in the parameters.
"""

from __future__ import annotations

import io
import math
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, QuerySet

from smarttvet.accounts import audit
from smarttvet.accounts.scoping import assignments, get_visible_or_404, visible
from smarttvet.labour import gap, supply
from smarttvet.labour.allocation import (
    EMPLOYMENT_BONUS,
    AllocationError,
    AllocationInfeasible,
    AllocationProblem,
    AllocationResult,
    OfferInput,
    SpecialtyDemand,
    employment_weight,
    solve,
)
from smarttvet.labour.models import Allocation, AllocationLine
from smarttvet.registry.models import Offer, Region, Specialty, StateOrder

__all__ = [
    "AllocationInfeasible", "DemandEstimate", "DemandUnavailable", "allocation_create", "allocation_get",
    "allocation_list", "build_problem", "check_arguments", "demand_for_allocation", "may_allocate",
    "offer_rows", "specialty_rows", "write_xlsx", "xlsx_bytes",
]

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_PLACES = 10_000_000


class DemandUnavailable(Exception):
    """No demand figures for the allocation (the gap analysis is missing or has nothing for the region)."""


@dataclass(frozen=True)
class DemandEstimate:
    """Demand for a specialty's graduates in a region (people a year) and its graduates' employment rate (0..1)."""

    specialty: str  # 8-digit specialty code
    demand: float
    employment_rate: float | None = None


# ---------------------------------------------------------------------------------------- demand
#: Years from admission to graduation the allocation looks at: programmes run 2 to 4 years.
STUDY_YEARS = (2, 3, 4)


def demand_for_allocation(region: Region, year: int) -> list[DemandEstimate]:
    """Demand per specialty (people a year) for the intake of admission year ``year`` in ``region``.

    From the gap analysis (:mod:`smarttvet.labour.gap`, base year ``T`` = the academic year in progress):
    for each year ``G`` in which the intake may graduate (``year + 2 .. year + 4``, clipped to the
    forecast's ``T+1 .. T+5``; the forecast's last year when the intake graduates beyond it), the projected
    demand minus the graduates expected from the students studying now (who take part of that demand
    first), at least 0; the demand of the intake is the mean of those years. The employment rate is the
    gap analysis's 12-month rate (the latest cohorts pooled; unknown under 5 graduates observed).
    Not deducted: paid and target places (the state order is the bulk of the intake) and dropout.

    Raises DemandUnavailable with the reason when the gap analysis has no figures for the region.
    """
    data = gap.load(region)
    base = data.base_year
    horizon = gap.MAX_HORIZON
    by_year = gap.gap_by_year(data, horizon, base)
    by_year = by_year[by_year["region_id"] == region.pk]
    if by_year.empty or float(by_year["demand"].sum()) <= 0:
        raise DemandUnavailable(f"the gap analysis has no demand figures for {region.name_en}")
    first, last = base + 1, base + horizon
    years = [g for g in (year + k for k in STUDY_YEARS) if first <= g <= last] or [min(max(year + 2, first), last)]
    current = supply.supply_by_region(supply.project_graduates(data.students, horizon, base, intake=False))
    if len(current):
        current = current[current["region_id"] == region.pk].set_index(["specialty_id", "year"])["from_current"]
    chosen = by_year[by_year["year"].isin(years)].set_index(["specialty_id", "year"])["demand"]
    already = current.reindex(chosen.index).fillna(0.0) if len(current) else 0.0
    net = (chosen - already).clip(lower=0.0).groupby(level="specialty_id").sum() / len(years)
    summary = gap.gap_summary(data, min(gap.DEFAULT_HORIZON, horizon), base, by_year=by_year)
    rates = summary.set_index("specialty_id")["employment_rate_12m"]
    codes = data.specialties["code"]
    estimates = []
    for specialty_id, value in net.items():
        rate = rates.get(specialty_id)
        rate = None if rate is None or math.isnan(float(rate)) else float(rate) / 100.0
        estimates.append(DemandEstimate(str(codes.loc[specialty_id]), float(value), rate))
    return sorted(estimates, key=lambda d: d.specialty)


# ---------------------------------------------------------------------------------------- arguments
def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _whole(field: str, value: Any, *, minimum: int, maximum: int, what: str = "a whole number") -> int:
    if isinstance(value, bool):
        raise _invalid(field, f"{value!r} is not {what}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise _invalid(field, f"{value!r} is not {what}") from None
    if number < minimum or number > maximum:
        raise _invalid(field, f"{number} is outside {minimum}..{maximum:,}")
    return number


def check_arguments(*, year: Any, places: Any, min_per_specialty: Any = 0, max_per_specialty: Any = None
                    ) -> tuple[int, int, int, int | None]:
    """(year, places, minimum, maximum) as numbers; ValidationError naming each bad argument."""
    errors: dict[str, list[str]] = {}
    checked: dict[str, int | None] = {}
    specs = (("year", year, FIRST_YEAR, LAST_YEAR, "a year"),
             ("places", places, 1, MAX_PLACES, "a positive whole number"),
             ("min_per_specialty", min_per_specialty, 0, MAX_PLACES, "a non-negative whole number"),
             ("max_per_specialty", max_per_specialty, 0, MAX_PLACES, "a non-negative whole number"))
    for field, value, low, high, what in specs:
        if field in ("min_per_specialty", "max_per_specialty") and (value is None or str(value).strip() == ""):
            checked[field] = 0 if field == "min_per_specialty" else None
            continue
        try:
            checked[field] = _whole(field, value, minimum=low, maximum=high, what=what)
        except ValidationError as error:
            errors.update(error.message_dict)
    low_value, high_value = checked.get("min_per_specialty"), checked.get("max_per_specialty")
    if low_value is not None and high_value is not None and low_value > high_value:
        errors.setdefault("max_per_specialty", []).append(
            f"the maximum per specialty ({high_value}) is below the minimum ({low_value})")
    if errors:
        raise ValidationError(errors)
    return checked["year"], checked["places"], checked["min_per_specialty"] or 0, checked["max_per_specialty"]


def may_allocate(user, region: Region) -> bool:
    """The ministry (or a superuser) anywhere; a region's department in its own region. A text actor is the
    command line (trusted)."""
    if isinstance(user, str):
        return True
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    for assignment in assignments(user):
        if assignment.role == "ministry":
            return True
        if assignment.role == "region" and assignment.region_id == region.pk:
            return True
    return False


def regions_for(user) -> QuerySet[Region]:
    """The regions ``user`` may allocate for."""
    if isinstance(user, str) or getattr(user, "is_superuser", False) \
            or any(a.role == "ministry" for a in assignments(user)):
        return Region.objects.order_by("kato")
    ids = [a.region_id for a in assignments(user) if a.role == "region"]
    return Region.objects.filter(pk__in=ids).order_by("kato")


# ---------------------------------------------------------------------------------------- the problem
@dataclass(frozen=True)
class Built:
    problem: AllocationProblem
    previous_year: int | None
    offers: dict[int, Offer]
    employment_rates: dict[str, float | None]


def previous_year(region: Region, year: int) -> int | None:
    """The latest admission year before ``year`` with state-order places for the region's offers."""
    return StateOrder.objects.filter(offer__organization__region=region, year__lt=year).aggregate(
        latest=Max("year"))["latest"]


def build_problem(region: Region, year: int, places: int, *, min_per_specialty: int = 0,
                  max_per_specialty: int | None = None, specialty_min: Mapping[str, int] | None = None,
                  specialty_max: Mapping[str, int] | None = None, employment_bonus: float = EMPLOYMENT_BONUS,
                  demand: Iterable[DemandEstimate] | None = None) -> Built:
    """The allocation problem of ``region`` for the intake of ``year`` (three queries and the demand)."""
    offers = {o.pk: o for o in Offer.objects.filter(organization__region=region).select_related(
        "organization", "specialty", "qualification").order_by("specialty__code", "organization_id", "pk")}
    last = previous_year(region, year)
    previous = dict(StateOrder.objects.filter(offer__in=list(offers), year=last).values_list("offer_id", "places")
                    ) if last is not None else {}
    estimates = list(demand) if demand is not None else demand_for_allocation(region, year)
    rates = [e.employment_rate for e in estimates if e.employment_rate is not None]
    mean_rate = sum(rates) / len(rates) if rates else 0.0
    names = dict(Specialty.objects.filter(code__in=[e.specialty for e in estimates]).values_list("code", "name_en"))
    names.update({o.specialty.code: o.specialty.name_en for o in offers.values()})
    problem = AllocationProblem(
        places=places,
        offers=tuple(OfferInput(key=o.pk, specialty=o.specialty.code, capacity=o.licensed_capacity,
                                previous=int(previous.get(o.pk, 0)), organization=o.organization_id)
                     for o in offers.values()),
        demand=tuple(SpecialtyDemand(e.specialty, e.demand,
                                     employment_weight(e.employment_rate, bonus=employment_bonus,
                                                       default_rate=mean_rate), names.get(e.specialty, ""))
                     for e in estimates),
        min_per_specialty=min_per_specialty, max_per_specialty=max_per_specialty,
        specialty_min=dict(specialty_min or {}), specialty_max=dict(specialty_max or {}),
    )
    return Built(problem, last, offers, {e.specialty: e.employment_rate for e in estimates})


# ---------------------------------------------------------------------------------------- writes
def _actor_user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def allocation_create(*, actor, region: Region, year: Any, places: Any, min_per_specialty: Any = 0,
                      max_per_specialty: Any = None, specialty_min: Mapping[str, int] | None = None,
                      specialty_max: Mapping[str, int] | None = None, employment_bonus: float = EMPLOYMENT_BONUS,
                      demand: Iterable[DemandEstimate] | None = None) -> Allocation:
    """Solve the allocation of ``places`` state-funded places in ``region`` for ``year`` and store it as a
    scenario. Nothing is stored when the arguments are bad, the constraints conflict or demand is missing."""
    if not isinstance(region, Region):
        raise _invalid("region", "no such region")
    if not may_allocate(actor, region):
        raise PermissionDenied("Only the ministry and the region's department may allocate its state order.")
    year, places, low, high = check_arguments(year=year, places=places, min_per_specialty=min_per_specialty,
                                              max_per_specialty=max_per_specialty)
    built = build_problem(region, year, places, min_per_specialty=low, max_per_specialty=high,
                          specialty_min=specialty_min, specialty_max=specialty_max,
                          employment_bonus=employment_bonus, demand=demand)
    try:
        result = solve(built.problem)
    except AllocationError as error:
        raise _invalid("places", str(error)) from None
    return _store(actor, region, year, places, built, result, low, high, employment_bonus)


def _parameters(built: Built, result: AllocationResult, low: int, high: int | None, bonus: float) -> dict:
    problem = built.problem
    return {
        "min_per_specialty": low,
        "max_per_specialty": high,
        "specialty_min": dict(problem.specialty_min),
        "specialty_max": dict(problem.specialty_max),
        "employment_bonus": bonus,
        "weights": "1 + employment_bonus × employment rate (unknown rate: the mean of the known ones)",
        "previous_year": built.previous_year,
        "offers": len(problem.offers),
        "deviation_from_previous": result.deviation,
        "total_unmet": result.total_unmet,
        "solve_seconds": round(result.seconds, 3),
        "specialties": {
            code: {"demand": s.demand, "weight": round(s.weight, 6),
                   "employment_rate": built.employment_rates.get(code), "previous": s.previous,
                   "places": s.places, "unmet": s.unmet, "minimum": s.minimum, "maximum": s.maximum,
                   "capacity": s.capacity}
            for code, s in result.specialties.items()
        },
    }


def _store(actor, region, year, places, built: Built, result: AllocationResult, low, high, bonus) -> Allocation:
    previous = {o.key: o.previous for o in built.problem.offers}
    with transaction.atomic():
        allocation = Allocation.objects.create(
            region=region, year=year, places=places, status=Allocation.Status.SCENARIO,
            parameters=_parameters(built, result, low, high, bonus), unmet_demand=result.objective,
            created_by=_actor_user(actor),
        )
        AllocationLine.objects.bulk_create([
            AllocationLine(allocation=allocation, offer_id=key, places=value, previous_places=previous[key])
            for key, value in result.places.items() if value or previous[key]
        ], batch_size=1000)
        audit.record(actor=actor, action="create", obj=allocation, changes={
            "region": region.kato, "year": year, "places": places, "min_per_specialty": low,
            "max_per_specialty": high, "weighted_unmet_demand": round(result.objective, 3),
            "previous_year": built.previous_year, "deviation_from_previous": result.deviation,
        })
    return allocation


# ---------------------------------------------------------------------------------------- reads
def allocation_list(user, region: Region | None = None) -> QuerySet[Allocation]:
    qs = visible(user, Allocation.objects.select_related("region", "created_by"))
    return qs.filter(region=region) if region is not None else qs


def allocation_get(user, pk: int) -> Allocation:
    """One allocation the user may see (404 otherwise)."""
    return get_visible_or_404(user, Allocation.objects.select_related("region", "created_by"), pk=pk)


@dataclass(frozen=True)
class OfferRow:
    line: AllocationLine
    organization: Any
    specialty: Any
    qualification: Any
    offer: Offer

    @property
    def previous(self) -> int:
        return self.line.previous_places

    @property
    def places(self) -> int:
        return self.line.places

    @property
    def change(self) -> int:
        return self.line.places - self.line.previous_places


def offer_rows(allocation: Allocation) -> list[OfferRow]:
    """The allocation's lines (offers with places this year or last), by specialty and organisation."""
    lines = allocation.lines.select_related("offer__organization", "offer__specialty", "offer__qualification")
    rows = [OfferRow(line, line.offer.organization, line.offer.specialty, line.offer.qualification, line.offer)
            for line in lines]
    rows.sort(key=lambda r: (r.specialty.code, r.organization.name_ru, r.qualification.code, r.offer.pk))
    return rows


@dataclass(frozen=True)
class SpecialtyRow:
    code: str
    specialty: Specialty | None
    demand: float
    weight: float
    employment_rate: float | None
    previous: int
    places: int
    unmet: float
    minimum: int
    maximum: int | None
    capacity: int

    @property
    def change(self) -> int:
        return self.places - self.previous

    @property
    def name(self) -> str:
        return self.specialty.name if self.specialty is not None else ""


def specialty_rows(allocation: Allocation) -> list[SpecialtyRow]:
    """Per specialty: demand, weight, places last year and now, the change and the unmet demand."""
    stored = allocation.parameters.get("specialties", {})
    specialties = Specialty.objects.in_bulk(list(stored), field_name="code")
    return [SpecialtyRow(code=code, specialty=specialties.get(code), demand=float(v.get("demand", 0)),
                         weight=float(v.get("weight", 1)), employment_rate=v.get("employment_rate"),
                         previous=int(v.get("previous", 0)), places=int(v.get("places", 0)),
                         unmet=float(v.get("unmet", 0)), minimum=int(v.get("minimum", 0)),
                         maximum=v.get("maximum"), capacity=int(v.get("capacity", 0)))
            for code, v in sorted(stored.items())]


def totals(rows: list[SpecialtyRow]) -> dict[str, float]:
    return {"demand": sum(r.demand for r in rows), "previous": sum(r.previous for r in rows),
            "places": sum(r.places for r in rows), "change": sum(r.change for r in rows),
            "unmet": sum(r.unmet for r in rows)}


# ---------------------------------------------------------------------------------------- XLSX
OFFER_HEADER = ["organisation BIN", "organisation", "specialty", "specialty name", "qualification", "language",
                "form", "licensed capacity", "places last year", "places", "change"]
SPECIALTY_HEADER = ["specialty", "specialty name", "demand (people)", "employment rate", "weight", "minimum",
                    "maximum", "capacity", "places last year", "places", "change", "unmet demand"]


def _sheets(allocation: Allocation) -> list[tuple[str, list[list[Any]]]]:
    by_offer = [OFFER_HEADER] + [
        [r.organization.bin, r.organization.name_ru, r.specialty.code, r.specialty.name_ru, r.qualification.code,
         r.offer.language, r.offer.form, r.offer.licensed_capacity, r.previous, r.places, r.change]
        for r in offer_rows(allocation)
    ]
    specialty_table = specialty_rows(allocation)
    by_specialty = [SPECIALTY_HEADER] + [
        [r.code, r.specialty.name_ru if r.specialty else "", r.demand, r.employment_rate, r.weight, r.minimum,
         r.maximum, r.capacity, r.previous, r.places, r.change, r.unmet]
        for r in specialty_table
    ]
    sums = totals(specialty_table)
    by_specialty.append(["total", "", sums["demand"], None, None, None, None, None, sums["previous"], sums["places"],
                         sums["change"], sums["unmet"]])
    p = allocation.parameters
    parameters = [
        ["parameter", "value"],
        ["allocation", allocation.pk],
        ["region", f"{allocation.region.kato} {allocation.region.name_en}"],
        ["admission year", allocation.year],
        ["places", allocation.places],
        ["status", allocation.status],
        ["minimum per specialty", p.get("min_per_specialty")],
        ["maximum per specialty", "none" if p.get("max_per_specialty") is None else p["max_per_specialty"]],
        ["minimum overrides", ", ".join(f"{k}: {v}" for k, v in sorted(p.get("specialty_min", {}).items())) or "none"],
        ["maximum overrides", ", ".join(f"{k}: {v}" for k, v in sorted(p.get("specialty_max", {}).items())) or "none"],
        ["employment bonus", p.get("employment_bonus")],
        ["weights", p.get("weights")],
        ["places last year: admission year", p.get("previous_year") or "none"],
        ["weighted unmet demand", allocation.unmet_demand],
        ["unmet demand (people)", p.get("total_unmet")],
        ["change from last year (sum of |change| per offer)", p.get("deviation_from_previous")],
        ["created at", allocation.created_at.isoformat(timespec="seconds") if allocation.created_at else ""],
        ["created by", str(allocation.created_by) if allocation.created_by else "command line"],
    ]
    return [("by offer", by_offer), ("by specialty", by_specialty), ("parameters", parameters)]


def _save_workbook(allocation: Allocation, target) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for title, rows in _sheets(allocation):
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(target)


def xlsx_bytes(allocation: Allocation) -> bytes:
    buffer = io.BytesIO()
    _save_workbook(allocation, buffer)
    return buffer.getvalue()


def write_xlsx(allocation: Allocation, path: Path) -> None:
    """Write the XLSX export to ``path`` through a temporary file beside it, renamed when complete."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    handle = tempfile.NamedTemporaryFile("wb", dir=directory, prefix=f".{path.name}.", suffix=".tmp", delete=False)
    try:
        with handle:
            _save_workbook(allocation, handle)
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def filename(allocation: Allocation) -> str:
    return f"state-order-{allocation.region.kato}-{allocation.year}-{allocation.pk}.xlsx"

"""State-order allocation API (a router the labour API mounts): compute and store an allocation, read one.

* ``POST /allocations`` {region, year, places, min_per_specialty, max_per_specialty}: 201 with the lines
  and the per-specialty outcome; 422 naming the bad arguments (``errors``) or the conflicting constraints
  (``conflicts``); 403 unless the caller is the ministry or the region's department.
* ``GET /allocations``: the allocations the caller may see, newest first (filters: region, year).
* ``GET /allocations/{id}``: one allocation (404 outside the caller's scope).
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.labour import allocation_service as service
from smarttvet.labour.allocation import AllocationInfeasible
from smarttvet.registry.selectors import region_by_code

router = Router(tags=["state-order allocation"])


class AllocationIn(Schema):
    region: str = Field(description="KATO code, its 2-digit prefix or ISO code (KZ-61)")
    year: int = Field(description="admission year")
    places: int = Field(description="state-funded places to allocate")
    min_per_specialty: int = Field(0, description="minimum places per offered specialty")
    max_per_specialty: int | None = Field(None, description="maximum places per specialty (null: none)")


class RegionRef(Schema):
    kato: str
    iso_code: str
    name_en: str


class LineOut(Schema):
    offer_id: int
    organization_id: int
    organization_bin: str
    organization_name: str
    specialty: str
    qualification: str
    licensed_capacity: int
    previous_places: int
    places: int
    change: int


class SpecialtyOut(Schema):
    specialty: str
    demand: float
    employment_rate: float | None
    weight: float
    minimum: int
    maximum: int | None
    capacity: int
    previous_places: int
    places: int
    change: int
    unmet: float


class AllocationSummaryOut(Schema):
    id: int
    region: RegionRef
    year: int
    places: int
    status: str
    unmet_demand: float | None = Field(description="weighted unmet demand (the objective)")
    created_at: dt.datetime


class AllocationOut(AllocationSummaryOut):
    parameters: dict = Field(description="bounds, weights, last year's admission year, solve figures")
    specialties: list[SpecialtyOut]
    lines: list[LineOut] = Field(description="offers with places this year or last year")


class ErrorOut(Schema):
    detail: str


class InvalidOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)
    conflicts: list[str] = Field(default_factory=list, description="constraints that cannot hold together")


def _detail(allocation) -> dict:
    parameters = {k: v for k, v in allocation.parameters.items() if k != "specialties"}
    return {
        "id": allocation.pk, "region": allocation.region, "year": allocation.year, "places": allocation.places,
        "status": allocation.status, "unmet_demand": allocation.unmet_demand, "created_at": allocation.created_at,
        "parameters": parameters,
        "specialties": [{"specialty": s.code, "demand": s.demand, "employment_rate": s.employment_rate,
                         "weight": s.weight, "minimum": s.minimum, "maximum": s.maximum, "capacity": s.capacity,
                         "previous_places": s.previous, "places": s.places, "change": s.change, "unmet": s.unmet}
                        for s in service.specialty_rows(allocation)],
        "lines": [{"offer_id": r.offer.pk, "organization_id": r.organization.pk, "organization_bin": r.organization.bin,
                   "organization_name": r.organization.name, "specialty": r.specialty.code,
                   "qualification": r.qualification.code, "licensed_capacity": r.offer.licensed_capacity,
                   "previous_places": r.previous, "places": r.places, "change": r.change}
                  for r in service.offer_rows(allocation)],
    }


@router.post("/allocations", response={201: AllocationOut, 403: ErrorOut, 422: InvalidOut}, auth=django_auth,
             summary="Allocate a region's state-order places (ministry, or the region's department)")
def create_allocation(request, payload: AllocationIn):
    region = region_by_code(payload.region)
    if region is None:
        return Status(422, {"detail": "Invalid data.", "errors": {"region": [f"no region {payload.region!r}"]}})
    try:
        allocation = service.allocation_create(
            actor=request.user, region=region, year=payload.year, places=payload.places,
            min_per_specialty=payload.min_per_specialty, max_per_specialty=payload.max_per_specialty)
    except PermissionDenied as error:
        return Status(403, {"detail": str(error) or "Forbidden."})
    except ValidationError as error:
        return Status(422, {"detail": "Invalid data.", "errors": error.message_dict})
    except AllocationInfeasible as error:
        return Status(422, {"detail": "No allocation meets every constraint.", "conflicts": error.conflicts})
    except service.DemandUnavailable as error:
        return Status(422, {"detail": f"No demand figures: {error}", "errors": {"region": [str(error)]}})
    return Status(201, _detail(service.allocation_get(request.user, allocation.pk)))


@router.get("/allocations", response=list[AllocationSummaryOut], summary="Allocations the caller may see")
@paginate(PageNumberPagination)
def list_allocations(request, region: str = "", year: int | None = None):
    qs = service.allocation_list(request.user)
    if region:
        found = region_by_code(region)
        qs = qs.filter(region=found) if found else qs.none()
    if year is not None:
        qs = qs.filter(year=year)
    return qs


@router.get("/allocations/{allocation_id}", response=AllocationOut, summary="One allocation with its lines")
def get_allocation(request, allocation_id: int):
    return _detail(service.allocation_get(request.user, allocation_id))

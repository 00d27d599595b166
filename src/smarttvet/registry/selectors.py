"""Reads of the registry, always through the scoping selector."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from smarttvet.accounts.scoping import visible
from smarttvet.registry.models import (
    EconomicSector,
    Enterprise,
    FieldOfEducation,
    Offer,
    Organization,
    Qualification,
    Region,
    Specialty,
)


def region_by_code(code: str) -> Region | None:
    """A region by KATO code (9 digits), its 2-digit prefix, or ISO code (KZ-61)."""
    code = code.strip()
    if code.upper().startswith("KZ-"):
        return Region.objects.filter(iso_code=code.upper()).first()
    if code.isdigit() and len(code) == 2:
        return Region.objects.filter(kato=f"{code}0000000").first()
    return Region.objects.filter(kato=code).first()


def filter_region(qs: QuerySet, code: str, path: str = "region") -> QuerySet:
    """``qs`` narrowed to the region named by ``code`` (any form ``region_by_code`` takes); unknown: nothing."""
    if not code:
        return qs
    region = region_by_code(code)
    return qs.filter(**{path: region}) if region else qs.none()


def region_list(user) -> QuerySet[Region]:
    return visible(user, Region.objects.all()).annotate(
        organization_count=Count("organizations", filter=Q(organizations__kind__in=Organization.TVET_KINDS))
    )


@dataclass(frozen=True)
class OrganizationFilters:
    region: str = ""
    kind: str = ""
    ownership: str = ""
    specialty: str = ""
    settlement: str = ""
    q: str = ""


def organization_list(user, filters: OrganizationFilters | None = None) -> QuerySet[Organization]:
    """Organisations the user may see, filtered; region, kind and specialty accept codes."""
    f = filters or OrganizationFilters()
    qs = filter_region(visible(user, Organization.objects.select_related("region")), f.region)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.ownership:
        qs = qs.filter(ownership=f.ownership)
    if f.settlement:
        qs = qs.filter(settlement=f.settlement)
    if f.specialty:
        qs = qs.filter(Q(offers__specialty__code=f.specialty)).distinct()
    if f.q:
        term = f.q.strip()
        qs = qs.filter(
            Q(name_kk__icontains=term) | Q(name_ru__icontains=term) | Q(name_en__icontains=term) | Q(bin=term)
        )
    return qs.order_by("region__kato", "name_ru", "id")


def organization_offers(user, organization: Organization) -> QuerySet[Offer]:
    return visible(user, organization.offers.select_related("specialty", "qualification")).prefetch_related(
        "state_orders"
    )


def organization_counts(organization: Organization) -> dict[str, int]:
    """Aggregate counts shown on the organisation card (aggregates are public, people are not)."""
    from smarttvet.people.models import Student, Teacher

    teachers = Teacher.objects.filter(organization=organization, employed_until__isnull=True).aggregate(
        teachers=Count("id", filter=Q(position=Teacher.Position.TEACHER)),
        masters=Count("id", filter=Q(position=Teacher.Position.MASTER)),
        staff=Count("id"),
    )
    students = Student.objects.filter(organization=organization).aggregate(
        studying=Count("id", filter=Q(status=Student.Status.STUDYING)),
        graduated=Count("id", filter=Q(status=Student.Status.GRADUATED)),
        state_funded=Count("id", filter=Q(status=Student.Status.STUDYING, funding=Student.Funding.STATE)),
    )
    return {**teachers, **students}


def specialty_list(user, *, q: str = "", field: str = "") -> QuerySet[Specialty]:
    qs = visible(user, Specialty.objects.select_related("field", "field__parent", "field__parent__parent"))
    if field:
        qs = qs.filter(code__startswith=field)
    if q:
        qs = qs.filter(
            Q(code__startswith=q) | Q(name_kk__icontains=q) | Q(name_ru__icontains=q) | Q(name_en__icontains=q)
        )
    return qs.prefetch_related("qualifications").order_by("code")


def broad_fields() -> QuerySet[FieldOfEducation]:
    return FieldOfEducation.objects.filter(parent__isnull=True).order_by("code")


def qualification_list(user) -> QuerySet[Qualification]:
    return visible(user, Qualification.objects.select_related("specialty")).order_by("code")


@dataclass(frozen=True)
class EnterpriseFilters:
    region: str = ""
    sector: str = ""
    size: str = ""
    q: str = ""


def enterprise_list(user, filters: EnterpriseFilters | None = None) -> QuerySet[Enterprise]:
    f = filters or EnterpriseFilters()
    qs = filter_region(visible(user, Enterprise.objects.select_related("region", "sector")), f.region)
    if f.sector:
        qs = qs.filter(sector__code=f.sector)
    if f.size:
        qs = qs.filter(size=f.size)
    if f.q:
        qs = qs.filter(Q(name__icontains=f.q.strip()) | Q(bin=f.q.strip()))
    return qs.order_by("name", "id")


def sector_list() -> QuerySet[EconomicSector]:
    return EconomicSector.objects.order_by("code")

"""Registry API: regions, organisations, the classifier, enterprises. Thin: selectors and services do the work."""


from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.security import django_auth

from smarttvet.accounts.scoping import get_visible_or_404
from smarttvet.core.exports import export_response
from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.registry import selectors, services
from smarttvet.registry.models import Organization
from smarttvet.registry.tabular import ENTERPRISES, ORGANIZATIONS

router = Router(tags=["registry"])


class RegionOut(Schema):
    id: int
    kato: str
    iso_code: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    centre_en: str
    population_millions: Decimal
    organization_count: int = Field(description="TVET organisations (colleges and higher colleges)")


class RegionRef(Schema):
    kato: str
    iso_code: str
    name_en: str


class OrganizationOut(Schema):
    id: int
    bin: str
    name_kk: str
    name_ru: str
    name_en: str
    kind: str
    ownership: str
    settlement: str
    region: RegionRef
    parent_id: int | None
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    languages: str
    founded_year: int | None
    capacity: int | None
    has_board_of_trustees: bool
    has_supervisory_board: bool
    has_endowment_fund: bool


class OrganizationFilterIn(Schema):
    region: str = Field("", description="KATO code, 2-digit KATO prefix or ISO code (KZ-61)")
    kind: Organization.Kind | None = None
    ownership: Organization.Ownership | None = None
    settlement: Organization.Settlement | None = None
    specialty: str = Field("", description="8-digit specialty code offered by the organisation")
    q: str = Field("", description="Text in any of the three names, or the exact BIN")

    def to_filters(self) -> selectors.OrganizationFilters:
        return selectors.OrganizationFilters(
            region=self.region, kind=self.kind or "", ownership=self.ownership or "",
            settlement=self.settlement or "", specialty=self.specialty, q=self.q,
        )


class OrganizationPatchIn(Schema):
    name_kk: str | None = None
    name_ru: str | None = None
    name_en: str | None = None
    address: str | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    languages: str | None = None
    founded_year: int | None = None
    capacity: int | None = None
    has_board_of_trustees: bool | None = None
    has_supervisory_board: bool | None = None
    has_endowment_fund: bool | None = None
    settlement: Organization.Settlement | None = None


class QualificationOut(Schema):
    code: str
    level: str
    name_kk: str
    name_ru: str
    name_en: str


class SpecialtyOut(Schema):
    code: str
    field_code: str = Field(alias="field.code")
    name_kk: str
    name_ru: str
    name_en: str
    illustrative: bool
    qualifications: list[QualificationOut]


class EnterpriseOut(Schema):
    id: int
    bin: str
    name: str
    region: RegionRef
    sector: str = Field(alias="sector.code")
    size: str
    employees: int | None


class EnterpriseFilterIn(Schema):
    region: str = ""
    sector: str = Field("", description="OKED section letter A..U")
    size: str = ""
    q: str = ""

    def to_filters(self) -> selectors.EnterpriseFilters:
        return selectors.EnterpriseFilters(region=self.region, sector=self.sector, size=self.size, q=self.q)


class ExportFormat(Schema):
    format: str = Field("csv", pattern="^(csv|xlsx)$")


@router.get("/regions", response=list[RegionOut], summary="All 20 first-level regions")
def list_regions(request):
    return list(selectors.region_list(request.user))


@router.get("/organizations", response=list[OrganizationOut], summary="Organisations, filtered and paginated")
@paginate(PageNumberPagination)
def list_organizations(request, filters: Query[OrganizationFilterIn]):
    return selectors.organization_list(request.user, filters.to_filters())


@router.get("/organizations/export", summary="The filtered organisations as CSV or XLSX (the import format)")
def export_organizations(request, filters: Query[OrganizationFilterIn], fmt: Query[ExportFormat]):
    return export_response(ORGANIZATIONS, selectors.organization_list(request.user, filters.to_filters()), fmt.format)


@router.get("/organizations/{organization_id}", response=OrganizationOut)
def get_organization(request, organization_id: int):
    return get_visible_or_404(request.user, Organization.objects.select_related("region"), pk=organization_id)


@router.patch("/organizations/{organization_id}", response=OrganizationOut, auth=django_auth)
def patch_organization(request, organization_id: int, payload: OrganizationPatchIn):
    organization = get_visible_or_404(request.user, Organization.objects.all(), pk=organization_id)
    services.organization_update(
        actor=request.user, organization=organization, data=payload.dict(exclude_unset=True)
    )
    return get_object_or_404(Organization.objects.select_related("region"), pk=organization_id)


@router.get("/specialties", response=list[SpecialtyOut], summary="The specialty and qualification classifier")
@paginate(PageNumberPagination)
def list_specialties(request, q: str = "", field: str = ""):
    return selectors.specialty_list(request.user, q=q, field=field)


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(PageNumberPagination)
def list_enterprises(request, filters: Query[EnterpriseFilterIn]):
    return selectors.enterprise_list(request.user, filters.to_filters())


@router.get("/enterprises/export", summary="The filtered enterprises as CSV or XLSX (the import format)")
def export_enterprises(request, filters: Query[EnterpriseFilterIn], fmt: Query[ExportFormat]):
    return export_response(ENTERPRISES, selectors.enterprise_list(request.user, filters.to_filters()), fmt.format)

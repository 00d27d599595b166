"""Partnership API under /api/v1/partnership/. Thin: selectors read, services write.

Clusters (with their pipeline and employment results) and employer agreements are published: anyone may read
them. Employers' declared needs are not: login required (401), a need outside the caller's scope does not exist
(404), a write outside the write scope answers 403, bad input 422 with the errors by field and nothing written.
"""

import datetime as dt

from ninja import Field, Query, Router, Schema, Status
from ninja.security import django_auth

from smarttvet.core.api_types import IsoDate
from smarttvet.core.pagination import PageNumberPagination, paginate
from smarttvet.labour.models import EmployerNeed
from smarttvet.partnership import selectors, services
from smarttvet.partnership.models import Cluster, EmployerAgreement

router = Router(tags=["partnership"])


# ---------------------------------------------------------------------------------------- schemas
class RegionRef(Schema):
    id: int
    kato: str
    name_kk: str
    name_ru: str
    name_en: str


class OrganizationRef(Schema):
    id: int
    bin: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    region_id: int


class EnterpriseRef(Schema):
    id: int
    bin: str
    name: str
    region_id: int
    sector: str = Field(description="OKED section letter")

    @staticmethod
    def resolve_sector(obj) -> str:
        return obj.sector.code


class SpecialtyRef(Schema):
    code: str
    name_kk: str
    name_ru: str
    name_en: str


class YearResultOut(Schema):
    year: int = Field(description="graduation year")
    graduates: int
    observed: int = Field(description="graduates with an outcome 12 months after graduating")
    employed: int
    in_field: int
    at_members: int = Field(description="employed at one of the cluster's anchor enterprises")
    employment_rate: float | None = Field(description="100 × employed / observed; null below 5 observed")


class ClusterResultsOut(Schema):
    colleges: int
    enterprises: int
    specialties: int
    schools: int
    pupils: int = Field(description="pupils in the schools' profile classes in the latest school year entered")
    pupils_year: int | None
    students: int = Field(description="studying the cluster's specialties at its colleges")
    graduates: int = Field(description="of those specialties and colleges, since the cluster was founded")
    observed: int
    employed: int
    in_field: int
    at_members: int
    employment_rate: float | None = Field(description="100 × employed / observed at 12 months; null below 5")
    member_rate: float | None = Field(description="100 × employed at anchor enterprises / observed")


class ClusterOut(Schema):
    id: int
    name: str = Field(description="in the request's language")
    name_kk: str
    name_ru: str
    name_en: str
    region: RegionRef
    sector: str
    year_founded: int
    results: ClusterResultsOut


class SchoolOut(Schema):
    id: int
    bin: str
    name: str
    profile: str
    note: str
    pupils_by_year: dict[int, int]


class ClusterDetailOut(ClusterOut):
    description: str
    anchor_enterprises: list[EnterpriseRef]
    colleges: list[OrganizationRef]
    schools: list[SchoolOut]
    specialties: list[SpecialtyRef]
    by_year: list[YearResultOut]


class AgreementOut(Schema):
    id: int
    organization: OrganizationRef
    enterprise: EnterpriseRef
    kind: str
    signed_on: dt.date
    expires_on: dt.date | None


class AgreementFilterIn(Schema):
    kind: EmployerAgreement.Kind | None = None
    region: str = Field("", description="KATO code, 2-digit KATO prefix or ISO code (KZ-61)")
    organization: int | None = Field(None, description="the organisation's id")
    enterprise: int | None = Field(None, description="the enterprise's id")
    active_on: IsoDate | None = Field(None, description="in force on this day")
    q: str = Field("", description="text in the enterprise's or organisation's name, or an exact BIN")

    def to_filters(self) -> selectors.AgreementFilters:
        return selectors.AgreementFilters(kind=self.kind or "", region=self.region, organization=self.organization,
                                          enterprise=self.enterprise, active_on=self.active_on, q=self.q)


class NeedOut(Schema):
    id: int
    enterprise_id: int
    enterprise_bin: str
    specialty: str = Field(description="specialty code")
    qualification: str | None = Field(description="qualification code")
    year: int
    people: int
    declared_on: dt.date
    comment: str

    @staticmethod
    def resolve_enterprise_bin(obj) -> str:
        return obj.enterprise.bin

    @staticmethod
    def resolve_specialty(obj) -> str:
        return obj.specialty.code

    @staticmethod
    def resolve_qualification(obj) -> str | None:
        return obj.qualification.code if obj.qualification_id else None


class NeedFilterIn(Schema):
    enterprise: int | None = None
    region: str = ""
    specialty: str = Field("", description="specialty code")
    year: int | None = None


class NeedIn(Schema):
    enterprise: int = Field(description="the enterprise's id")
    specialty: str = Field(description="specialty code, 8 digits")
    qualification: str | None = Field(None, description="qualification code (optional)")
    year: int = Field(description=f"this year up to {services.MAX_YEARS_AHEAD} years ahead")
    people: int = Field(description="people needed in that year")
    comment: str = ""


class NeedPatchIn(Schema):
    specialty: str | None = None
    qualification: str | None = Field(None, description="a code, or an empty string to drop it")
    year: int | None = None
    people: int | None = None
    comment: str | None = None


class ErrorOut(Schema):
    detail: str


# ---------------------------------------------------------------------------------------- presenters
def _results(r: selectors.ClusterResults) -> dict:
    return {"colleges": r.colleges, "enterprises": r.enterprises, "specialties": r.specialties, "schools": r.schools,
            "pupils": r.pupils, "pupils_year": r.pupils_year, "students": r.students, "graduates": r.graduates,
            "observed": r.observed, "employed": r.employed, "in_field": r.in_field, "at_members": r.at_members,
            "employment_rate": r.employment_rate, "member_rate": r.member_rate}


def _cluster(cluster: Cluster, results: selectors.ClusterResults) -> dict:
    region = cluster.region
    return {"id": cluster.pk, "name": cluster.name, "name_kk": cluster.name_kk, "name_ru": cluster.name_ru,
            "name_en": cluster.name_en,
            "region": {"id": region.pk, "kato": region.kato, "name_kk": region.name_kk, "name_ru": region.name_ru,
                       "name_en": region.name_en},
            "sector": cluster.sector.code, "year_founded": cluster.year_founded, "results": _results(results)}


# ---------------------------------------------------------------------------------------- endpoints
@router.get("/clusters", response=list[ClusterOut], summary="Educational-production clusters with their results")
def list_clusters(request, region: str = "", sector: str = ""):
    clusters = list(selectors.cluster_list(request.user, region=selectors.public_region(region),
                                           sector=sector.strip().upper()[:1]))
    results = selectors.cluster_results(clusters)
    return [_cluster(c, results[c.pk]) for c in clusters]


@router.get("/clusters/{cluster_id}", response=ClusterDetailOut,
            summary="One cluster: members, specialties, the pipeline and employment by graduation year")
def get_cluster(request, cluster_id: int):
    cluster = selectors.cluster_get(request.user, cluster_id)
    results = selectors.cluster_results([cluster])[cluster.pk]
    data = _cluster(cluster, results)
    data.update(
        description=cluster.description,
        anchor_enterprises=list(cluster.anchor_enterprises.all()),
        colleges=list(cluster.colleges.all()),
        schools=[{"id": s.school.pk, "bin": s.school.bin, "name": s.school.name, "profile": s.profile,
                  "note": s.note, "pupils_by_year": {y.year: y.pupils for y in s.years.all()}}
                 for s in cluster.cluster_schools.all()],
        specialties=list(cluster.specialties.all()),
        by_year=[{"year": y.year, "graduates": y.graduates, "observed": y.observed, "employed": y.employed,
                  "in_field": y.in_field, "at_members": y.at_members, "employment_rate": y.employment_rate}
                 for y in results.by_year],
    )
    return data


@router.get("/agreements", response=list[AgreementOut], summary="Employer agreements, filtered and paginated")
@paginate(PageNumberPagination)
def list_agreements(request, filters: Query[AgreementFilterIn]):
    return selectors.agreement_list(request.user, filters.to_filters())


@router.get("/needs", response=list[NeedOut], auth=django_auth,
            summary="Employers' declared needs in the caller's scope, filtered and paginated")
@paginate(PageNumberPagination)
def list_needs(request, filters: Query[NeedFilterIn]):
    return selectors.need_list(request.user, selectors.NeedFilters(
        enterprise=filters.enterprise, region=filters.region, specialty=filters.specialty, year=filters.year))


@router.get("/needs/{need_id}", response=NeedOut, auth=django_auth, summary="One declared need")
def get_need(request, need_id: int):
    return selectors.need_get(request.user, need_id)


@router.post("/needs", response={201: NeedOut, 403: ErrorOut}, auth=django_auth,
             summary="Declare a need (the employer for its enterprise; a region or the ministry in their scope)")
def create_need(request, payload: NeedIn):
    enterprise = selectors.enterprise_in_scope(request.user, payload.enterprise)
    need = services.employer_need_declare(actor=request.user, enterprise=enterprise, specialty=payload.specialty,
                                          qualification=payload.qualification, year=payload.year,
                                          people=payload.people, comment=payload.comment)
    return Status(201, EmployerNeed.objects.select_related("enterprise", "specialty", "qualification").get(
        pk=need.pk))


@router.patch("/needs/{need_id}", response={200: NeedOut, 403: ErrorOut}, auth=django_auth,
              summary="Change a declared need")
def patch_need(request, need_id: int, payload: NeedPatchIn):
    need = selectors.need_get(request.user, need_id)
    data = payload.model_dump(exclude_unset=True)
    if data.get("qualification") == "":
        data["qualification"] = None
    updated = services.employer_need_update(actor=request.user, need=need, data=data)
    return EmployerNeed.objects.select_related("enterprise", "specialty", "qualification").get(pk=updated.pk)


@router.delete("/needs/{need_id}", response={204: None, 403: ErrorOut}, auth=django_auth,
               summary="Withdraw a declared need")
def delete_need(request, need_id: int):
    need = selectors.need_get(request.user, need_id)
    services.employer_need_delete(actor=request.user, need=need)
    return Status(204, None)

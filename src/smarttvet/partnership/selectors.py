"""Reads of the partnership app, always through the scoping selector, with a constant number of queries.

* **Clusters** (public): :func:`cluster_list`, :func:`cluster_get`, and :func:`cluster_results`, the pipeline
  of any number of clusters in seven queries: pupils of the schools' profile classes → students of the
  cluster's specialties at its colleges → their graduates since the cluster was founded → employed 12 months
  after graduating, and employed at the cluster's anchor enterprises.
* **Agreements** (public): :func:`agreement_list` with filters.
* **Dual training and target orders** (contracts: the organisation, its region, the enterprise):
  :func:`training_summary` per organisation or per region, with the target orders cross-checked against the
  students funded (``Student.funding = target`` with the enterprise as sponsor).
* **Infrastructure, WorldSkills and mobility** (public): :func:`infrastructure_summary` per region or per
  organisation of a region.
* **One organisation** (:func:`organization_partnership`) and **one enterprise**, the employer's view
  (:func:`employer_overview`): its agreements, dual places, target orders, the students it sponsors, the
  graduates it employs and its declared needs.

Employment rates follow the rating (:mod:`smarttvet.rating.indicators`): employed / observed at 12 months,
military service and further study count as not employed; a rate over fewer than ``MIN_GRADUATES`` observed
graduates is not given (None), the counts always are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Sum, Value, When
from django.http import Http404
from django.utils import timezone

from smarttvet.accounts.scoping import ScopePaths, assignments, scope_q, visible
from smarttvet.labour.models import EmployerNeed
from smarttvet.partnership.models import (
    AcademicMobility,
    Cluster,
    ClusterSchool,
    DualTrainingPlace,
    EmployerAgreement,
    Infrastructure,
    InternationalPartnership,
    ProfileClassYear,
    TargetOrder,
    WorldSkillsResult,
)
from smarttvet.people.models import GraduateOutcome, Student
from smarttvet.rating.indicators import MIN_GRADUATES
from smarttvet.registry.models import Enterprise, Organization, Region, Specialty
from smarttvet.registry.selectors import filter_region, region_by_code


def _rate(numerator: int, denominator: int, minimum: int = MIN_GRADUATES) -> float | None:
    return 100.0 * numerator / denominator if denominator and denominator >= minimum else None


def _share(numerator: int, denominator: int) -> float | None:
    return 100.0 * numerator / denominator if denominator else None


# ---------------------------------------------------------------------------------------- private scopes
class _PrivateScope:
    """Holders of a ``scope`` for objects that are public but whose partnership pages are not: an organisation's
    partnership page is read by itself, its region and the ministry; an enterprise's by itself (the employer),
    its region and the ministry."""


class _OrganizationPrivate(_PrivateScope):
    scope = ScopePaths(region="region", organization="pk")


class _EnterprisePrivate(_PrivateScope):
    scope = ScopePaths(region="region", enterprise="pk",
                       write_roles=EmployerNeed.scope.write_roles)


def organization_in_scope(user, pk: int) -> Organization:
    """The organisation if its partnership page is in the user's scope; 404 otherwise."""
    found = (Organization.objects.select_related("region").filter(pk=pk)
             .filter(scope_q(user, _OrganizationPrivate)).first())
    if found is None:
        raise Http404("No organisation in your scope matches the given query.")
    return found


def enterprise_in_scope(user, pk: int) -> Enterprise:
    """The enterprise if its page (the employer's view) is in the user's scope; 404 otherwise."""
    found = Enterprise.objects.select_related("region", "sector").filter(pk=pk).filter(
        scope_q(user, _EnterprisePrivate)).first()
    if found is None:
        raise Http404("No enterprise in your scope matches the given query.")
    return found


def enterprise_q(user, *, for_write: bool = False) -> Q:
    """The filter of the enterprises whose page (and declared needs) the user may read or change."""
    return scope_q(user, _EnterprisePrivate, for_write=for_write)


def own_enterprise_ids(user) -> list[int]:
    return [a.enterprise_id for a in assignments(user) if a.role == "employer" and a.enterprise_id]


def is_national(user) -> bool:
    return getattr(user, "is_superuser", False) or any(a.role == "ministry" for a in assignments(user))


def region_in_scope(user, code: str) -> Region | None:
    """The region named by ``code`` (KATO, prefix or ISO); a region user's own when empty. A region outside the
    user's non-public scope, or an unknown code, is 404; empty for a national user is None (the country)."""
    national = is_national(user)
    own = [a.region_id for a in assignments(user) if a.role == "region" and a.region_id]
    code = (code or "").strip()
    if code:
        region = region_by_code(code)
        if region is None or (not national and region.pk not in own):
            raise Http404("No such region in your scope.")
        return region
    if not national and own:
        return Region.objects.filter(pk=own[0]).first()
    return None


def public_region(code: str) -> Region | None:
    """The region named by ``code`` for a public page: None when empty, 404 when unknown."""
    code = (code or "").strip()
    if not code:
        return None
    region = region_by_code(code)
    if region is None:
        raise Http404("No such region.")
    return region


# ---------------------------------------------------------------------------------------- clusters
@dataclass
class PipelineYear:
    """The graduates of one graduation year of a cluster and where they were 12 months later."""

    year: int
    graduates: int = 0
    observed: int = 0
    employed: int = 0
    in_field: int = 0
    at_members: int = 0

    @property
    def employment_rate(self) -> float | None:
        return _rate(self.employed, self.observed)

    @property
    def member_rate(self) -> float | None:
        return _rate(self.at_members, self.observed)


@dataclass
class ClusterResults:
    """A cluster's pipeline and employment results (counts; rates None below the minimum denominator)."""

    cluster_id: int
    colleges: int = 0
    enterprises: int = 0
    specialties: int = 0
    schools: int = 0
    pupils: int = 0
    pupils_year: int | None = None
    pupils_by_year: dict[int, int] = field(default_factory=dict)
    students: int = 0
    graduates: int = 0
    observed: int = 0
    employed: int = 0
    in_field: int = 0
    at_members: int = 0
    by_year: list[PipelineYear] = field(default_factory=list)

    @property
    def employment_rate(self) -> float | None:
        """Graduates employed 12 months after graduating, % of those observed."""
        return _rate(self.employed, self.observed)

    @property
    def member_rate(self) -> float | None:
        """Graduates employed at the cluster's anchor enterprises, % of those observed."""
        return _rate(self.at_members, self.observed)

    @property
    def member_share_of_employed(self) -> float | None:
        """Of the employed graduates, % working at an anchor enterprise."""
        return _share(self.at_members, self.employed)

    @property
    def in_field_rate(self) -> float | None:
        return _rate(self.in_field, self.observed)

    def funnel(self) -> list[dict]:
        """The pipeline's stages in order, for the chart."""
        return [
            {"stage": "pupils", "value": self.pupils},
            {"stage": "students", "value": self.students},
            {"stage": "graduates", "value": self.graduates},
            {"stage": "observed", "value": self.observed},
            {"stage": "employed", "value": self.employed},
            {"stage": "at_members", "value": self.at_members},
        ]


def cluster_list(user, *, region: Region | None = None, sector: str = "") -> QuerySet[Cluster]:
    qs = visible(user, Cluster.objects.select_related("region", "sector"))
    if region is not None:
        qs = qs.filter(region=region)
    if sector:
        qs = qs.filter(sector__code=sector)
    return qs.order_by("region__kato", "name_ru", "id")


def cluster_get(user, pk: int) -> Cluster:
    """One cluster with its members loaded (404 outside the scope: clusters are public)."""
    qs = visible(user, Cluster.objects.select_related("region", "sector")).prefetch_related(
        Prefetch("anchor_enterprises", queryset=Enterprise.objects.select_related("sector").order_by("name")),
        Prefetch("colleges", queryset=Organization.objects.select_related("region").order_by("name_ru")),
        Prefetch("specialties"),
        Prefetch("cluster_schools", queryset=ClusterSchool.objects.select_related("school").prefetch_related(
            Prefetch("years", queryset=ProfileClassYear.objects.order_by("year"))).order_by("school__name_ru")),
    )
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404("No cluster matches the given query.")
    return found


def cluster_results(clusters) -> dict[int, ClusterResults]:
    """The pipeline and employment results of ``clusters`` (Cluster objects or ids), in seven queries whatever
    their number: members, profile-class pupils, students by status and year, and the 12-month outcomes.

    * pupils: the profile-class pupils of the cluster's schools in the latest school year entered;
    * students: enrolments now studying a cluster specialty at a cluster college;
    * graduates: enrolments of a cluster specialty at a cluster college graduated in ``year_founded`` or later;
    * observed / employed / in field: those graduates' outcomes 12 months after graduating;
    * at members: employed at one of the cluster's anchor enterprises.
    """
    items = list(clusters)
    if not items:
        return {}
    founded: dict[int, int] = {}
    ids = []
    for item in items:
        if isinstance(item, Cluster):
            ids.append(item.pk)
            founded[item.pk] = item.year_founded
        else:
            ids.append(int(item))
    missing = [pk for pk in ids if pk not in founded]
    if missing:
        founded.update(Cluster.objects.filter(pk__in=missing).values_list("pk", "year_founded"))
    results = {pk: ClusterResults(cluster_id=pk) for pk in ids}

    colleges: dict[int, set[int]] = defaultdict(set)
    specialties: dict[int, set[int]] = defaultdict(set)
    anchors: dict[int, set[int]] = defaultdict(set)
    for cluster_id, org in Cluster.colleges.through.objects.filter(cluster_id__in=ids).values_list(
            "cluster_id", "organization_id"):
        colleges[cluster_id].add(org)
    for cluster_id, spec in Cluster.specialties.through.objects.filter(cluster_id__in=ids).values_list(
            "cluster_id", "specialty_id"):
        specialties[cluster_id].add(spec)
    for cluster_id, ent in Cluster.anchor_enterprises.through.objects.filter(cluster_id__in=ids).values_list(
            "cluster_id", "enterprise_id"):
        anchors[cluster_id].add(ent)
    schools: dict[int, int] = dict(ClusterSchool.objects.filter(cluster_id__in=ids).values("cluster_id")
                                   .annotate(n=Count("id")).values_list("cluster_id", "n").order_by())
    pupils: dict[int, dict[int, int]] = defaultdict(dict)
    for cluster_id, year, n in (ProfileClassYear.objects.filter(cluster_school__cluster_id__in=ids)
                                .values("cluster_school__cluster_id", "year").annotate(n=Sum("pupils"))
                                .values_list("cluster_school__cluster_id", "year", "n").order_by()):
        pupils[cluster_id][year] = int(n or 0)

    all_orgs = set().union(*colleges.values()) if colleges else set()
    all_specs = set().union(*specialties.values()) if specialties else set()
    all_anchors = set().union(*anchors.values()) if anchors else set()
    first_year = min(founded.values()) if founded else 0
    students: list[tuple] = []
    outcomes: list[tuple] = []
    if all_orgs and all_specs:
        students = list(
            Student.objects.filter(organization_id__in=all_orgs, specialty_id__in=all_specs)
            .filter(Q(status=Student.Status.STUDYING) | Q(status=Student.Status.GRADUATED, status_year__gte=first_year))
            .values("organization_id", "specialty_id", "status", "status_year").annotate(n=Count("id"))
            .values_list("organization_id", "specialty_id", "status", "status_year", "n").order_by()
        )
        member = (Case(When(employer_id__in=all_anchors, then=F("employer_id")), default=Value(None),
                       output_field=IntegerField()) if all_anchors else Value(None, output_field=IntegerField()))
        outcomes = list(
            GraduateOutcome.objects.filter(months_after=12, student__status=Student.Status.GRADUATED,
                                           student__status_year__gte=first_year,
                                           student__organization_id__in=all_orgs, student__specialty_id__in=all_specs)
            .annotate(member=member)
            .values("student__organization_id", "student__specialty_id", "student__status_year", "status",
                    "in_field", "member")
            .annotate(n=Count("id"))
            .values_list("student__organization_id", "student__specialty_id", "student__status_year", "status",
                         "in_field", "member", "n")
            .order_by()
        )

    for pk, result in results.items():
        orgs, specs, ents = colleges.get(pk, set()), specialties.get(pk, set()), anchors.get(pk, set())
        since = founded.get(pk, 0)
        result.colleges, result.enterprises, result.specialties = len(orgs), len(ents), len(specs)
        result.schools = schools.get(pk, 0)
        result.pupils_by_year = dict(sorted(pupils.get(pk, {}).items()))
        if result.pupils_by_year:
            result.pupils_year = max(result.pupils_by_year)
            result.pupils = result.pupils_by_year[result.pupils_year]
        years: dict[int, PipelineYear] = {}
        for org, spec, status, status_year, n in students:
            if org not in orgs or spec not in specs:
                continue
            if status == Student.Status.STUDYING:
                result.students += n
            elif status_year >= since:
                result.graduates += n
                years.setdefault(status_year, PipelineYear(status_year)).graduates += n
        for org, spec, status_year, status, in_field, employer, n in outcomes:
            if org not in orgs or spec not in specs or status_year < since:
                continue
            row = years.setdefault(status_year, PipelineYear(status_year))
            row.observed += n
            result.observed += n
            if status == GraduateOutcome.Status.EMPLOYED:
                row.employed += n
                result.employed += n
                if in_field:
                    row.in_field += n
                    result.in_field += n
                if employer is not None and employer in ents:
                    row.at_members += n
                    result.at_members += n
        result.by_year = [years[y] for y in sorted(years)]
    return results


# ---------------------------------------------------------------------------------------- agreements
@dataclass(frozen=True)
class AgreementFilters:
    kind: str = ""
    region: str = ""
    organization: int | None = None
    enterprise: int | None = None
    active_on: dt.date | None = None
    q: str = ""


def agreement_list(user, filters: AgreementFilters | None = None) -> QuerySet[EmployerAgreement]:
    """Agreements the user may see (published: everyone), filtered; an unknown kind or region gives nothing."""
    f = filters or AgreementFilters()
    qs = visible(user, EmployerAgreement.objects.select_related("organization__region", "enterprise__sector"))
    qs = filter_region(qs, f.region, "organization__region")
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.organization:
        qs = qs.filter(organization_id=f.organization)
    if f.enterprise:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.active_on:
        qs = qs.filter(Q(signed_on__lte=f.active_on), Q(expires_on__isnull=True) | Q(expires_on__gte=f.active_on))
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(enterprise__name__icontains=term) | Q(enterprise__bin=term) | Q(organization__bin=term)
                       | Q(organization__name_kk__icontains=term) | Q(organization__name_ru__icontains=term)
                       | Q(organization__name_en__icontains=term))
    return qs.order_by("organization__region__kato", "organization__name_ru", "-signed_on", "id")


def agreement_kind_counts(queryset: QuerySet[EmployerAgreement]) -> dict[str, int]:
    return dict(queryset.order_by().values("kind").annotate(n=Count("id")).values_list("kind", "n"))


# ---------------------------------------------------------------------------------------- dual training, target orders
def _in_academic_year(year: int) -> Q:
    """Enrolments studying in the academic year beginning in September of ``year``: admitted by then and not
    graduated, expelled or on leave before it ended (a studying student's status year is the current year)."""
    return Q(cohort_year__lte=year) & (Q(status_year__gt=year) | Q(status=Student.Status.STUDYING,
                                                                   status_year__gte=year))


@dataclass
class TrainingRow:
    """Dual training and target orders of one organisation (or one region) in one year."""

    key: int
    label: object = None  # the Organization or Region
    dual_places: int = 0
    dual_placed: int = 0
    dual_linked: int = 0
    dual_enterprises: int = 0
    dual_students: int = 0
    orders: int = 0
    ordered_places: int = 0
    target_students: int = 0
    matched: int = 0
    unordered_students: int = 0
    unfilled_places: int = 0

    @property
    def fill_rate(self) -> float | None:
        return _share(self.dual_placed, self.dual_places)

    @property
    def placed_share_of_dual(self) -> float | None:
        """Students placed on an enterprise's places, % of the dual-form students."""
        return _share(self.dual_placed, self.dual_students)

    @property
    def consistent(self) -> bool:
        """Every target-order student has an order and no order has more students than places."""
        return self.unordered_students == 0 and self.matched == self.target_students


@dataclass
class TrainingSummary:
    year: int
    region: Region | None
    by: str  # "organization" or "region"
    rows: list[TrainingRow]
    total: TrainingRow


def training_summary(user, *, year: int, region: Region | None = None, organization: int | None = None,
                     by: str | None = None) -> TrainingSummary:
    """Dual training (places offered and filled in academic year ``year``, dual-form students) and target orders
    (orders of admission year ``year`` against the target-order students admitted that year), within the user's
    scope; per region without ``region`` (the country), per organisation of a region otherwise, or as ``by`` says.
    Seven queries."""
    by = by or ("region" if region is None and organization is None else "organization")
    org_key = "organization__region_id" if by == "region" else "organization_id"

    places = visible(user, DualTrainingPlace.objects.filter(year=year))
    orders = visible(user, TargetOrder.objects.filter(admission_year=year))
    students = visible(user, Student.objects.all())
    if region is not None:
        places = places.filter(organization__region=region)
        orders = orders.filter(organization__region=region)
        students = students.filter(organization__region=region)
    if organization is not None:
        places = places.filter(organization_id=organization)
        orders = orders.filter(organization_id=organization)
        students = students.filter(organization_id=organization)

    rows: dict[int, TrainingRow] = {}

    def row(key: int) -> TrainingRow:
        return rows.setdefault(key, TrainingRow(key))

    for key, offered, placed, enterprises in (places.values(k=F(org_key)).annotate(
            offered=Sum("places_offered"), placed=Sum("students_placed"),
            enterprises=Count("enterprise_id", distinct=True)).values_list("k", "offered", "placed", "enterprises")
            .order_by()):
        r = row(key)
        r.dual_places, r.dual_placed, r.dual_enterprises = int(offered or 0), int(placed or 0), enterprises
    linked = DualTrainingPlace.students.through.objects.filter(dualtrainingplace__in=places.values("pk"))
    for key, n in (linked.values(k=F(f"dualtrainingplace__{org_key}")).annotate(n=Count("id"))
                   .values_list("k", "n").order_by()):
        row(key).dual_linked = n
    for key, n in (students.filter(_in_academic_year(year), study_form="dual").values(k=F(org_key))
                   .annotate(n=Count("id")).values_list("k", "n").order_by()):
        row(key).dual_students = n

    ordered: dict[tuple, int] = {}
    funded: dict[tuple, int] = {}
    row_key: dict[tuple, int] = {}
    for org, region_id, ent, spec, n in orders.values_list("organization_id", "organization__region_id",
                                                          "enterprise_id", "specialty_id", "places"):
        triple = (org, ent, spec)
        ordered[triple] = n
        row_key[triple] = region_id if by == "region" else org
        r = row(row_key[triple])
        r.orders += 1
        r.ordered_places += n
    for org, region_id, ent, spec, n in (students.filter(cohort_year=year, funding=Student.Funding.TARGET)
                                         .values("organization_id", "organization__region_id", "sponsor_id",
                                                 "specialty_id").annotate(n=Count("id"))
                                         .values_list("organization_id", "organization__region_id", "sponsor_id",
                                                      "specialty_id", "n").order_by()):
        triple = (org, ent, spec)
        funded[triple] = n
        row_key[triple] = region_id if by == "region" else org
        row(row_key[triple]).target_students += n
    for triple, key in row_key.items():
        r = row(key)
        places_n, students_n = ordered.get(triple, 0), funded.get(triple, 0)
        r.matched += min(places_n, students_n)
        if not places_n:
            r.unordered_students += students_n
        r.unfilled_places += max(places_n - students_n, 0)

    labels = (Region.objects.in_bulk(list(rows)) if by == "region"
              else Organization.objects.select_related("region").in_bulk(list(rows)))
    for key, r in rows.items():
        r.label = labels.get(key)
    ordered_rows = sorted(rows.values(), key=lambda r: (getattr(r.label, "kato", ""), str(r.label or "")))
    total = TrainingRow(0)
    for r in ordered_rows:
        for name in ("dual_places", "dual_placed", "dual_linked", "dual_enterprises", "dual_students", "orders",
                     "ordered_places", "target_students", "matched", "unordered_students", "unfilled_places"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return TrainingSummary(year=year, region=region, by=by, rows=ordered_rows, total=total)


def target_order_rows(user, queryset: QuerySet[TargetOrder]) -> list[dict]:
    """Target orders with the students each funds (``Student.funding = target`` with the enterprise as sponsor,
    of the order's organisation, specialty and admission year): two queries."""
    orders = list(visible(user, queryset).select_related("organization", "enterprise", "specialty"))
    if not orders:
        return []
    funded = dict(
        ((org, ent, spec, year), n) for org, ent, spec, year, n in
        Student.objects.filter(funding=Student.Funding.TARGET, sponsor_id__in={o.enterprise_id for o in orders},
                               organization_id__in={o.organization_id for o in orders})
        .values("organization_id", "sponsor_id", "specialty_id", "cohort_year").annotate(n=Count("id"))
        .values_list("organization_id", "sponsor_id", "specialty_id", "cohort_year", "n").order_by()
    )
    rows = []
    for order in orders:
        n = funded.get((order.organization_id, order.enterprise_id, order.specialty_id, order.admission_year), 0)
        rows.append({"order": order, "students": n, "unfilled": max(order.places - n, 0),
                     "excess": max(n - order.places, 0)})
    return rows


# ---------------------------------------------------------------------------------------- infrastructure
@dataclass
class InfrastructureRow:
    key: int
    label: object = None
    kinds: dict[str, int] = field(default_factory=dict)
    worldskills_centres: int = 0
    medals: int = 0
    national_medals: int = 0
    competencies: int = 0
    partners: int = 0
    outbound: int = 0
    inbound: int = 0
    outbound_students: int = 0
    outbound_teachers: int = 0

    @property
    def innovative(self) -> int:
        return sum(self.kinds.get(kind, 0) for kind in Infrastructure.INNOVATIVE)


@dataclass
class InfrastructureSummary:
    year: int
    region: Region | None
    by: str
    rows: list[InfrastructureRow]
    total: InfrastructureRow
    kinds: list[tuple[str, str]]


def infrastructure_summary(user, *, year: int, region: Region | None = None) -> InfrastructureSummary:
    """Facilities opened by ``year`` (by kind), WorldSkills results of ``year - 1`` and ``year``, international
    partnerships in force and academic mobility begun in ``year``: per region, or per organisation of ``region``.
    Public figures; five queries."""
    by = "region" if region is None else "organization"
    key = "organization__region_id" if by == "region" else "organization_id"
    facilities = visible(user, Infrastructure.objects.filter(opened_year__lte=year))
    results = visible(user, WorldSkillsResult.objects.filter(year__in=[year - 1, year]))
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    partners = visible(user, InternationalPartnership.objects.filter(
        Q(since__lte=end), Q(until__isnull=True) | Q(until__gte=start)))
    mobility = visible(user, AcademicMobility.objects.filter(start_date__gte=start, start_date__lte=end))
    if region is not None:
        facilities = facilities.filter(organization__region=region)
        results = results.filter(organization__region=region)
        partners = partners.filter(organization__region=region)
        mobility = mobility.filter(organization__region=region)
    rows: dict[int, InfrastructureRow] = {}

    def row(k: int) -> InfrastructureRow:
        return rows.setdefault(k, InfrastructureRow(k))

    for k, kind, n in (facilities.values("kind", k=F(key)).annotate(n=Count("id"))
                       .values_list("k", "kind", "n").order_by()):
        r = row(k)
        r.kinds[kind] = n
        if kind == Infrastructure.Kind.WORLDSKILLS_CENTRE:
            r.worldskills_centres = n
    medals = list(WorldSkillsResult.MEDALS)
    for k, n_medals, n_national, n_comp in (results.values(k=F(key)).annotate(
            medals=Count("id", filter=Q(award__in=medals)),
            national=Count("id", filter=Q(award__in=medals, level__in=["national", "international"])),
            competencies=Count("competence_code", distinct=True))
            .values_list("k", "medals", "national", "competencies").order_by()):
        r = row(k)
        r.medals, r.national_medals, r.competencies = n_medals, n_national, n_comp
    for k, n in (partners.exclude(kind=InternationalPartnership.Kind.ACCREDITATION).values(k=F(key))
                 .annotate(n=Count("id")).values_list("k", "n").order_by()):
        row(k).partners = n
    for k, out_n, in_n, out_s, out_t in (mobility.values(k=F(key)).annotate(
            outbound=Sum("people", filter=Q(direction="outbound"), default=0),
            inbound=Sum("people", filter=Q(direction="inbound"), default=0),
            out_students=Sum("people", filter=Q(direction="outbound", participant="student"), default=0),
            out_teachers=Sum("people", filter=Q(direction="outbound", participant="teacher"), default=0))
            .values_list("k", "outbound", "inbound", "out_students", "out_teachers").order_by()):
        r = row(k)
        r.outbound, r.inbound, r.outbound_students, r.outbound_teachers = out_n, in_n, out_s, out_t
    labels = (Region.objects.in_bulk(list(rows)) if by == "region"
              else Organization.objects.select_related("region").in_bulk(list(rows)))
    for k, r in rows.items():
        r.label = labels.get(k)
    ordered = sorted(rows.values(), key=lambda r: (getattr(r.label, "kato", ""), str(r.label or "")))
    total = InfrastructureRow(0)
    for r in ordered:
        for kind, n in r.kinds.items():
            total.kinds[kind] = total.kinds.get(kind, 0) + n
        for name in ("worldskills_centres", "medals", "national_medals", "partners", "outbound", "inbound",
                     "outbound_students", "outbound_teachers"):
            setattr(total, name, getattr(total, name) + getattr(r, name))
    return InfrastructureSummary(year=year, region=region, by=by, rows=ordered, total=total,
                                 kinds=list(Infrastructure.Kind.choices))


def worldskills_centres(user, *, region: Region | None = None) -> QuerySet[Infrastructure]:
    qs = visible(user, Infrastructure.objects.filter(kind=Infrastructure.Kind.WORLDSKILLS_CENTRE)
                 .select_related("organization__region", "competency"))
    if region is not None:
        qs = qs.filter(organization__region=region)
    return qs.order_by("organization__region__kato", "organization__name_ru", "id")


# ---------------------------------------------------------------------------------------- one organisation
def organization_partnership(user, organization: Organization, *, year: int) -> dict:
    """Everything of one organisation's partnership page (the caller checked the scope)."""
    agreements = list(visible(user, organization.employer_agreements.select_related("enterprise__sector"))
                      .order_by("-signed_on", "id"))
    today = timezone.localdate()
    places = list(visible(user, DualTrainingPlace.objects.filter(organization=organization))
                  .select_related("enterprise", "specialty").annotate(linked=Count("students"))
                  .order_by("-year", "enterprise__name", "specialty__code"))
    return {
        "agreements": agreements,
        "active_agreements": sum(1 for a in agreements if a.is_active_on(today)),
        "kind_counts": agreement_kind_counts(EmployerAgreement.objects.filter(organization=organization)),
        "dual_places": places,
        "target_orders": target_order_rows(user, TargetOrder.objects.filter(organization=organization)
                                           .order_by("-admission_year", "enterprise__name")),
        "training": training_summary(user, year=year, organization=organization.pk),
        "infrastructure": list(visible(user, organization.infrastructure.select_related("competency"))),
        "worldskills": list(visible(user, organization.worldskills_results.all()).order_by("-year", "level",
                                                                                            "competence_code")[:50]),
        "international": list(visible(user, organization.international_partnerships.all())),
        "mobility": list(visible(user, organization.academic_mobility.all())[:50]),
        "clusters": list(visible(user, organization.clusters.select_related("region"))),
    }


# ---------------------------------------------------------------------------------------- the employer's view
@dataclass
class EmployerOverview:
    enterprise: Enterprise
    agreements: list
    dual_places: list
    target_orders: list
    sponsored: list[dict]  # by organisation, specialty, admission year: studying / graduated / expelled
    sponsored_total: int
    graduates: list[dict]  # by organisation, specialty, graduation year, horizon: employed here
    graduates_total: int
    needs: list
    clusters: list


def employer_overview(user, enterprise: Enterprise) -> EmployerOverview:
    """The employer's page: its agreements, dual places, target orders (with the students funded), the students it
    sponsors and the graduates it employs (counts: students carry no names), its declared needs and clusters.
    A constant number of queries."""
    agreements = list(visible(user, enterprise.agreements.select_related("organization__region"))
                      .order_by("-signed_on", "id"))
    places = list(visible(user, enterprise.dual_places.select_related("organization", "specialty"))
                  .annotate(linked=Count("students")).order_by("-year", "organization__name_ru",
                                                               "specialty__code"))
    orders = target_order_rows(user, TargetOrder.objects.filter(enterprise=enterprise)
                               .order_by("-admission_year", "organization__name_ru"))
    sponsored_rows: dict[tuple, dict] = {}
    for org, spec, cohort, status, n in (visible(user, Student.objects.filter(sponsor=enterprise))
                                         .values("organization_id", "specialty_id", "cohort_year", "status")
                                         .annotate(n=Count("id"))
                                         .values_list("organization_id", "specialty_id", "cohort_year", "status",
                                                      "n").order_by()):
        entry = sponsored_rows.setdefault((org, spec, cohort), {"organization": org, "specialty": spec,
                                                                "cohort_year": cohort, "total": 0})
        entry[status] = entry.get(status, 0) + n
        entry["total"] += n
    graduate_rows: dict[tuple, dict] = {}
    for org, spec, year, months, in_field, n in (
            visible(user, GraduateOutcome.objects.filter(employer=enterprise, status=GraduateOutcome.Status.EMPLOYED))
            .values("student__organization_id", "student__specialty_id", "student__status_year", "months_after",
                    "in_field").annotate(n=Count("id"))
            .values_list("student__organization_id", "student__specialty_id", "student__status_year",
                         "months_after", "in_field", "n").order_by()):
        entry = graduate_rows.setdefault((org, spec, year), {"organization": org, "specialty": spec,
                                                             "graduation_year": year, "m6": 0, "m12": 0,
                                                             "in_field": 0})
        entry[f"m{months}"] += n
        if months == 12 and in_field:
            entry["in_field"] += n
    orgs = Organization.objects.in_bulk({k[0] for k in (*sponsored_rows, *graduate_rows)})
    specs = Specialty.objects.in_bulk({k[1] for k in (*sponsored_rows, *graduate_rows)})
    for entry in (*sponsored_rows.values(), *graduate_rows.values()):
        entry["organization"] = orgs.get(entry["organization"])
        entry["specialty"] = specs.get(entry["specialty"])
    sponsored = sorted(sponsored_rows.values(), key=lambda e: (-e["cohort_year"], str(e["organization"]),
                                                               getattr(e["specialty"], "code", "")))
    graduates = sorted(graduate_rows.values(), key=lambda e: (-e["graduation_year"], str(e["organization"]),
                                                              getattr(e["specialty"], "code", "")))
    needs = list(visible(user, EmployerNeed.objects.filter(enterprise=enterprise))
                 .select_related("specialty", "qualification").order_by("year", "specialty__code", "id"))
    clusters = list(Cluster.objects.filter(anchor_enterprises=enterprise).select_related("region"))
    return EmployerOverview(
        enterprise=enterprise, agreements=agreements, dual_places=places, target_orders=orders,
        sponsored=sponsored, sponsored_total=sum(e["total"] for e in sponsored), graduates=graduates,
        graduates_total=sum(e["m12"] for e in graduates), needs=needs, clusters=clusters,
    )


# ---------------------------------------------------------------------------------------- declared needs
@dataclass(frozen=True)
class NeedFilters:
    enterprise: int | None = None
    region: str = ""
    specialty: str = ""
    year: int | None = None


def need_list(user, filters: NeedFilters | None = None) -> QuerySet[EmployerNeed]:
    """Declared needs the user may read (never public: the enterprise, its region, the ministry)."""
    f = filters or NeedFilters()
    qs = visible(user, EmployerNeed.objects.select_related("enterprise__region", "specialty", "qualification"))
    qs = filter_region(qs, f.region, "enterprise__region")
    if f.enterprise:
        qs = qs.filter(enterprise_id=f.enterprise)
    if f.specialty:
        qs = qs.filter(specialty__code=f.specialty)
    if f.year:
        qs = qs.filter(year=f.year)
    return qs.order_by("enterprise__name", "year", "specialty__code", "id")


def need_get(user, pk: int) -> EmployerNeed:
    found = visible(user, EmployerNeed.objects.select_related("enterprise__region", "specialty",
                                                              "qualification")).filter(pk=pk).first()
    if found is None:
        raise Http404("No declared need matches the given query.")
    return found

"""Partnership pages: clusters (list, card with the pipeline), employer agreements (filters, CSV/XLSX), dual training
and target orders, infrastructure with WorldSkills and mobility, an organisation's partnership page and the
employer's page with its declared needs. Thin: selectors read, services write.

Published figures (clusters, agreements, infrastructure) are open to everyone; dual training, target orders,
an organisation's and an enterprise's pages need a login and answer 404 outside the user's scope.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.accounts.scoping import visible
from smarttvet.partnership import selectors, services
from smarttvet.partnership.forms import NeedForm
from smarttvet.partnership.models import (
    DualTrainingPlace,
    EmployerAgreement,
    Infrastructure,
    WorldSkillsResult,
)
from smarttvet.partnership.tabular import AGREEMENTS
from smarttvet.registry.models import EconomicSector, Enterprise, Region
from smarttvet.web.listing import list_page

PER_PAGE = 50


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _year(request, default: int) -> int:
    year = _int(request.GET.get("year"))
    return year if year is not None and 1990 <= year <= 2100 else default


def _latest(queryset, field: str, default: int) -> int:
    value = queryset.aggregate(latest=Max(field))["latest"]
    return int(value) if value else default


def _stage_labels() -> dict[str, str]:
    return {
        "pupils": _("Pupils in profile classes"),
        "students": _("College students"),
        "graduates": _("Graduates"),
        "observed": _("Graduates observed at 12 months"),
        "employed": _("Employed at 12 months"),
        "at_members": _("Employed at anchor enterprises"),
    }


# ---------------------------------------------------------------------------------------- overview
def index(request):
    user = request.user
    clusters = list(selectors.cluster_list(user))
    results = selectors.cluster_results(clusters)
    agreements = selectors.agreement_list(user, selectors.AgreementFilters(active_on=timezone.localdate()))
    facilities = dict(visible(user, Infrastructure.objects.all()).order_by().values("kind")
                      .annotate(n=Count("id")).values_list("kind", "n"))
    kind_counts = selectors.agreement_kind_counts(agreements)
    return render(request, "partnership/index.html", {
        "clusters": [{"cluster": c, "results": results[c.pk]} for c in clusters],
        "kind_counts": [(label, kind_counts.get(value, 0)) for value, label in EmployerAgreement.Kind.choices],
        "active_agreements": sum(kind_counts.values()),
        "facilities": [(label, facilities.get(value, 0)) for value, label in Infrastructure.Kind.choices],
        "centre_count": facilities.get(Infrastructure.Kind.WORLDSKILLS_CENTRE, 0),
    })


# ---------------------------------------------------------------------------------------- clusters
def clusters(request):
    region = selectors.public_region(request.GET.get("region", ""))
    sector = request.GET.get("sector", "").strip().upper()[:1]
    items = list(selectors.cluster_list(request.user, region=region, sector=sector))
    results = selectors.cluster_results(items)
    rows = [{"cluster": c, "results": results[c.pk]} for c in items]
    chart = {"labels": [c.name for c in items],
             "rate": [results[c.pk].employment_rate for c in items],
             "member_rate": [results[c.pk].member_rate for c in items],
             "series": {"rate": _("Employed at 12 months, %"), "member_rate": _("At anchor enterprises, %")}}
    return render(request, "partnership/clusters.html", {
        "rows": rows, "region": region, "sector": sector, "chart": chart,
        "regions": Region.objects.order_by("kato"), "sectors": EconomicSector.objects.order_by("code"),
    })


def cluster(request, pk: int):
    item = selectors.cluster_get(request.user, pk)
    results = selectors.cluster_results([item])[item.pk]
    labels = _stage_labels()
    funnel = {"stages": [{"name": labels[s["stage"]], "value": s["value"]} for s in results.funnel()],
              "years": [row.year for row in results.by_year],
              "graduates": [row.observed for row in results.by_year],
              "employed": [row.employed for row in results.by_year],
              "at_members": [row.at_members for row in results.by_year],
              "series": {"graduates": labels["observed"], "employed": labels["employed"],
                         "at_members": labels["at_members"]}}
    return render(request, "partnership/cluster.html", {
        "cluster": item, "results": results, "funnel": funnel,
        "schools": list(item.cluster_schools.all()),
    })


# ---------------------------------------------------------------------------------------- agreements
def agreements(request):
    g = request.GET
    kind = g.get("kind", "")
    active = g.get("active", "")
    active_on = None
    if active:
        try:
            active_on = dt.date.fromisoformat(active)
        except ValueError:
            active_on = timezone.localdate() if active in ("1", "today") else None
    filters = selectors.AgreementFilters(
        kind=kind if kind in EmployerAgreement.Kind.values else "", region=g.get("region", ""),
        organization=_int(g.get("organization")), enterprise=_int(g.get("enterprise")), active_on=active_on,
        q=g.get("q", ""))
    queryset = selectors.agreement_list(request.user, filters)
    return list_page(request, queryset=queryset, template="partnership/agreements.html", export_spec=AGREEMENTS,
                     context={"filters": filters, "active": active, "kinds": EmployerAgreement.Kind.choices,
                              "regions": Region.objects.order_by("kato"), "today": timezone.localdate(),
                              "kind_counts": selectors.agreement_kind_counts(queryset)})


# ---------------------------------------------------------------------------------------- dual training, target orders
@login_required
def training(request):
    user = request.user
    region = selectors.region_in_scope(user, request.GET.get("region", ""))
    default = _latest(visible(user, DualTrainingPlace.objects.all()), "year", timezone.localdate().year)
    year = _year(request, default)
    national = selectors.is_national(user)
    summary = selectors.training_summary(user, year=year, region=region,
                                         by="region" if region is None and national else "organization")
    chart = {"labels": [str(r.label) for r in summary.rows],
             "places": [r.dual_places for r in summary.rows], "placed": [r.dual_placed for r in summary.rows],
             "dual": [r.dual_students for r in summary.rows],
             "series": {"places": _("Places offered"), "placed": _("Students placed"),
                        "dual": _("Students in dual training")}}
    return render(request, "partnership/training.html", {
        "summary": summary, "year": year, "region": region, "chart": chart,
        "regions": Region.objects.order_by("kato") if national else ([region] if region else []),
        "years": list(range(default - 4, default + 1)),
    })


# ---------------------------------------------------------------------------------------- infrastructure
def infrastructure(request):
    user = request.user
    region = selectors.public_region(request.GET.get("region", ""))
    default = _latest(WorldSkillsResult.objects.all(), "year", timezone.localdate().year)
    year = _year(request, default)
    summary = selectors.infrastructure_summary(user, year=year, region=region)
    centres = list(selectors.worldskills_centres(user, region=region)[:200])
    shown = [(value, label) for value, label in summary.kinds]
    chart = {"labels": [str(r.label) for r in summary.rows],
             "series": [{"name": str(label), "data": [r.kinds.get(value, 0) for r in summary.rows]}
                        for value, label in shown if value != Infrastructure.Kind.WORKSHOP]}
    return render(request, "partnership/infrastructure.html", {
        "summary": summary, "year": year, "region": region, "centres": centres, "chart": chart,
        "kinds": shown, "regions": Region.objects.order_by("kato"),
        "rows": [{"row": r, "kinds": [r.kinds.get(value, 0) for value, _label in shown]} for r in summary.rows],
        "total_kinds": [summary.total.kinds.get(value, 0) for value, _label in shown],
    })


# ---------------------------------------------------------------------------------------- one organisation
@login_required
def organization(request, pk: int):
    org = selectors.organization_in_scope(request.user, pk)
    default = _latest(visible(request.user, DualTrainingPlace.objects.filter(organization=org)), "year",
                      timezone.localdate().year)
    year = _year(request, default)
    data = selectors.organization_partnership(request.user, org, year=year)
    return render(request, "partnership/organization.html", {
        "organization": org, "year": year, "today": timezone.localdate(), **data,
        "kind_rows": [(label, data["kind_counts"].get(value, 0)) for value, label in EmployerAgreement.Kind.choices],
        "training_row": data["training"].rows[0] if data["training"].rows else None,
    })


# ---------------------------------------------------------------------------------------- employers
@login_required
def my_enterprise(request):
    """The employer's own page; for other roles, the enterprises in their scope to choose from."""
    own = selectors.own_enterprise_ids(request.user)
    if len(own) == 1:
        return redirect("partnership:enterprise", pk=own[0])
    q = request.GET.get("q", "").strip()
    enterprises = Enterprise.objects.select_related("region", "sector").filter(
        selectors.enterprise_q(request.user)).annotate(
        agreement_count=Count("agreements", distinct=True), need_count=Count("needs", distinct=True))
    if q:
        enterprises = enterprises.filter(Q(name__icontains=q) | Q(bin=q))
    enterprises = enterprises.order_by("-need_count", "-agreement_count", "name", "id")
    page = Paginator(enterprises, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "partnership/enterprises.html", {"page": page, "query": query.urlencode(), "q": q})


def _enterprise_context(request, enterprise: Enterprise, form: NeedForm | None = None) -> dict:
    overview = selectors.employer_overview(request.user, enterprise)
    today = timezone.localdate()
    return {
        "enterprise": enterprise, "overview": overview, "today": today,
        "may_declare": services.may_declare(request.user, enterprise),
        "form": form or NeedForm(initial={"year": today.year + 1}),
        "years_ahead": (today.year, today.year + services.MAX_YEARS_AHEAD),
    }


@login_required
def enterprise(request, pk: int):
    found = selectors.enterprise_in_scope(request.user, pk)
    return render(request, "partnership/enterprise.html", _enterprise_context(request, found))


def _add_errors(form: NeedForm, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@login_required
@require_POST
def need_add(request, pk: int):
    found = selectors.enterprise_in_scope(request.user, pk)
    if not services.may_declare(request.user, found):
        raise PermissionDenied(_("You may not declare the needs of this enterprise."))
    form = NeedForm(request.POST)
    if form.is_valid():
        try:
            need = services.employer_need_declare(actor=request.user, enterprise=found, **form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Need declared: %(people)s people of %(specialty)s in %(year)s.") % {
                "people": need.people, "specialty": need.specialty.code, "year": need.year})
            return redirect(f"{reverse('partnership:enterprise', args=[found.pk])}#needs")
    return render(request, "partnership/enterprise.html", _enterprise_context(request, found, form), status=422)


@login_required
def need_edit(request, pk: int):
    need = selectors.need_get(request.user, pk)
    if not services.may_declare(request.user, need.enterprise):
        raise PermissionDenied(_("You may not change the needs of this enterprise."))
    if request.method == "POST":
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                services.employer_need_update(actor=request.user, need=need, data=form.values())
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Need updated."))
                return redirect(f"{reverse('partnership:enterprise', args=[need.enterprise_id])}#needs")
        status = 422
    else:
        form = NeedForm(initial={"specialty": need.specialty, "qualification": need.qualification,
                                 "year": need.year, "people": need.people, "comment": need.comment})
        status = 200
    return render(request, "partnership/need_edit.html", {"need": need, "form": form}, status=status)


@login_required
@require_POST
def need_delete(request, pk: int):
    need = selectors.need_get(request.user, pk)
    enterprise_id = need.enterprise_id
    services.employer_need_delete(actor=request.user, need=need)
    messages.success(request, _("Need withdrawn."))
    return redirect(f"{reverse('partnership:enterprise', args=[enterprise_id])}#needs")


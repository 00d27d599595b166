"""Gradebook pages: an organisation's learning page, the monitoring dashboard and a monitoring list.

Thin: selectors read (scoped), ``present`` shapes, the plans app writes support plans. Login required; an
organisation or list outside the user's scope does not exist for them (404).
"""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.accounts.scoping import assignments, roles
from smarttvet.core.exports import XLSX_TYPE
from smarttvet.core.tabular import write_xlsx
from smarttvet.gradebook import present, selectors
from smarttvet.gradebook.models import ANALYST_ROLES
from smarttvet.plans.services import support_plans_create
from smarttvet.registry.models import Region
from smarttvet.registry.selectors import region_by_code

ENTRIES_PER_PAGE = 100


def _int(raw) -> int | None:
    """A whole number from a query string, or None (a bad value is treated as absent, never a 500)."""
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return int(text)


def _kind(raw) -> str:
    return raw if raw in selectors.KINDS else ""


def _is_national(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or "ministry" in roles(user)


def _may_create_plans(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or bool(roles(user) & ANALYST_ROLES)


def _plan_url(plan_id: int | None) -> str:
    return reverse("plans:detail", args=[plan_id]) if plan_id is not None else ""


def _with_plan_urls(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["plan_url"] = _plan_url(row["plan_id"])
    return rows


# ---------------------------------------------------------------------------------------- organisation
@login_required
def organization(request, pk: int):
    user = request.user
    organization = selectors.learning_organization(user, pk)
    data = selectors.organization_measures(user, organization.pk, _int(request.GET.get("year")))
    entries = selectors.organization_entries(user, organization.pk, year=data.year) if data.year else []
    plans = selectors.plans_for_entries(user, [e.pk for e in entries])
    entry_rows = _with_plan_urls([
        {**present.entry_row(e, size=e.monitoring_list.size, scale=present.interval_scale([e]),
                             plan_id=plans.get(e.pk)), "list": e.monitoring_list,
         "kind_label": present.kind_label(e.monitoring_list.kind)}
        for e in entries
    ])
    current = present.measure_row(data.current) if data.current else None
    context = {
        "organization": organization, "year": data.year, "years": sorted(data.years, reverse=True),
        "requested_year": request.GET.get("year", ""),
        "current": current, "previous": present.measure_row(data.previous) if data.previous else None,
        "trend": [present.measure_row(m) for m in data.trend],
        "trend_chart": present.trend_chart(data.trend) if len(data.trend) > 0 else None,
        "subjects": present.subject_rows(data.subjects), "groups": present.group_rows(data.groups),
        "terms": present.term_rows(data.terms), "entries": entry_rows, "small_count": present.SMALL_COUNT,
        "bar_width": present.BAR_WIDTH,
    }
    return render(request, "gradebook/organization.html", context)


# ---------------------------------------------------------------------------------------- monitoring
def _region_choice(request) -> Region | None:
    """The region asked for (``?region=`` KATO, prefix or ISO code); a region user's own by default.

    A region outside the user's scope answers 404; an unknown code too."""
    user = request.user
    raw = (request.GET.get("region") or "").strip()
    national = _is_national(user)
    own = [a.region_id for a in assignments(user) if a.role == "region" and a.region_id]
    if raw:
        region = region_by_code(raw)
        if region is None or (not national and region.pk not in own):
            raise Http404("No such region in your scope.")
        return region
    if not national and own:
        return Region.objects.filter(pk=own[0]).first()
    return None


def _choose_list(lists, region: Region | None, kind: str):
    """The region's own list of that kind if there is one, else the national list of that kind."""
    by_scope = {(lst.region_id, lst.kind): lst for lst in lists}
    if region is not None and (region.pk, kind) in by_scope:
        return by_scope[(region.pk, kind)]
    return by_scope.get((None, kind))


@login_required
def monitoring(request):
    user = request.user
    g = request.GET
    kind = _kind(g.get("kind", ""))
    region = _region_choice(request)
    list_years = set(selectors.monitoring_lists(user).values_list("year", flat=True).distinct())
    measure_years = set(selectors.measure_years(user))
    years = sorted(list_years | measure_years, reverse=True)
    year = _int(g.get("year"))
    if year not in years:
        year = (max(list_years) if list_years else (years[0] if years else None))
    context = {
        "year": year, "years": years, "region": region, "kind": kind, "kinds": selectors.KINDS,
        "kind_label": present.kind_label(kind), "national": _is_national(user),
        "regions": Region.objects.order_by("kato") if _is_national(user) else [],
        "may_create_plans": _may_create_plans(user), "bar_width": present.BAR_WIDTH,
        "small_count": present.SMALL_COUNT,
    }
    if year is None:
        return render(request, "gradebook/monitoring.html", context)

    lists = list(selectors.monitoring_lists(user, year=year))
    chosen_pk = _int(g.get("list"))
    if chosen_pk is not None:
        monitoring_list = selectors.monitoring_list_get(user, chosen_pk)
    else:
        monitoring_list = _choose_list(lists, region, kind)
    rows: list[dict] = []
    if monitoring_list is not None:
        narrow = region if monitoring_list.region_id is None else None
        entries = list(selectors.monitoring_entries(user, monitoring_list, region=narrow))
        plans = selectors.plans_for_entries(user, [e.pk for e in entries])
        rows = _with_plan_urls(present.entry_rows(entries, size=monitoring_list.size, plans=plans))
    flagged_ids = {row["organization"].pk for row in rows}
    values = list(selectors.organization_distribution(user, year, region=region, kind=kind)
                  .values_list("organization_id", "composite"))
    overview = present.region_rows(selectors.region_overview(user, year)) if region is None else []
    context.update(
        lists=lists, monitoring_list=monitoring_list, rows=rows,
        naive_differences=sum(1 for row in rows if not row["naive_flagged"]),
        without_plan=sum(1 for row in rows if row["plan_id"] is None),
        histogram=present.histogram(values, flagged_ids), organizations=len(values),
        overview=overview, overview_chart=present.region_chart(overview) if overview else None,
    )
    return render(request, "gradebook/monitoring.html", context)


@login_required
@require_POST
def support_plans(request, pk: int):
    """Create the support plans of a monitoring list's organisations (the ministry's or its region's)."""
    user = request.user
    monitoring_list = selectors.monitoring_list_get(user, pk)
    if not _may_create_plans(user):
        raise PermissionDenied(_("Only the ministry and regions may create support plans."))
    try:
        created = support_plans_create(monitoring_list, actor=user)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Support plans created: %(n)s.") % {"n": len(created)})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = reverse("gradebook:list", args=[monitoring_list.pk])
    return redirect(target)


# ---------------------------------------------------------------------------------------- one list
def _export(monitoring_list, entries, fmt: str) -> HttpResponse:
    scope = monitoring_list.region.prefix if monitoring_list.region else "national"
    kind = f"-{monitoring_list.kind}" if monitoring_list.kind else ""
    filename = f"monitoring-{monitoring_list.year}-{scope}{kind}.{fmt}"
    rows = present.export_rows(entries)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(rows, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        class Echo:
            def write(self, value: str) -> str:
                return value

        writer = csv.writer(Echo())

        def lines():
            yield "\ufeff"
            for row in rows:
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def monitoring_list(request, pk: int):
    user = request.user
    lst = selectors.monitoring_list_get(user, pk)
    entries = selectors.monitoring_entries(user, lst)
    fmt = request.GET.get("export")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404("This list cannot be exported in that format.")
        return _export(lst, entries, fmt)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    page_entries = list(page)
    plans = selectors.plans_for_entries(user, [e.pk for e in page_entries])
    rows = _with_plan_urls(present.entry_rows(page_entries, size=lst.size, plans=plans))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "gradebook/list.html", {
        "monitoring_list": lst, "kind_label": present.kind_label(lst.kind), "page": page, "rows": rows,
        "query": query.urlencode(), "exportable": True, "bar_width": present.BAR_WIDTH,
        "small_count": present.SMALL_COUNT, "may_create_plans": _may_create_plans(user),
        "naive_differences": entries.filter(naive_rank__gt=lst.size).count(),
        "filtered": lst.region_id is None and not _is_national(user),
        "parameters": sorted((lst.parameters or {}).items()),
    })


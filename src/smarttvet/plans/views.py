"""Plan pages: the list (filters, pagination, CSV/XLSX), a plan with its progress, the activity status form.
Thin: selectors read, services write. Login required; a plan outside the user's scope does not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.accounts.scoping import get_visible_or_404
from smarttvet.core.exports import export_response
from smarttvet.plans import access, selectors, services
from smarttvet.plans.models import Activity, Plan
from smarttvet.plans.tabular import PLANS
from smarttvet.registry.models import Region

PER_PAGE = 50


def _filters(request) -> selectors.PlanFilters:
    g = request.GET

    def as_int(name: str) -> int | None:
        value = g.get(name, "").strip()
        return int(value) if value.isdigit() else None

    level = g.get("level", "")
    status = g.get("status", "")
    return selectors.PlanFilters(
        level=level if level in Plan.Level.values else "", status=status if status in Plan.Status.values else "",
        region=g.get("region", ""), year=as_int("year"), organization=as_int("organization"), q=g.get("q", ""),
    )


@login_required
def plan_list(request):
    filters = _filters(request)
    plans = selectors.plan_list(request.user, filters)
    fmt = request.GET.get("export")
    if fmt:
        if fmt not in ("csv", "xlsx"):
            raise Http404("This list cannot be exported in that format.")
        return export_response(PLANS, plans, fmt)
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    plan_progress = selectors.progress_for(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "plans/plan_list.html", {
        "page": page, "query": query.urlencode(), "exportable": True, "filters": filters,
        "rows": [{"plan": plan, "progress": plan_progress[plan.pk]} for plan in page.object_list],
        "levels": Plan.Level.choices, "statuses": Plan.Status.choices, "regions": Region.objects.order_by("kato"),
    })


@login_required
def plan_detail(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    detail = selectors.plan_detail(plan)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "detail": detail, "chart": detail.chart(),
        "may_update": access.may_update_activities(request.user, plan),
        "activity_statuses": Activity.Status.choices,
    })


@login_required
@require_POST
def activity_status(request, pk: int, activity_pk: int):
    plan = selectors.plan_get(request.user, pk)
    activity = get_visible_or_404(request.user, Activity.objects.filter(plan=plan), pk=activity_pk)
    activity.plan = plan
    evidence = request.POST.get("evidence")
    try:
        services.activity_status_update(actor=request.user, activity=activity, status=request.POST.get("status", ""),
                                        evidence=evidence if evidence is not None else None)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Activity updated: %(title)s.") % {"title": activity.title})
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#activity-{activity.pk}")

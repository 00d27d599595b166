"""Plan pages: the list (filters, pagination, CSV/XLSX), a plan with its progress and its reports (PDF, XLSX),
the activity status, indicator actual, plan status and SWOT forms, and a draft development plan for an
organisation. Thin: selectors read, services write.

Login required, except for the national roadmap: anybody reads its page and reports. A plan outside the
user's scope does not exist (404; an anonymous visitor is sent to log in instead); a write outside the write
scope answers 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.accounts.scoping import can_write, get_visible_or_404
from smarttvet.core.exports import export_response
from smarttvet.plans import access, measures, reports, selectors, services
from smarttvet.plans.models import Activity, Indicator, Plan, SwotItem
from smarttvet.plans.tabular import PLANS
from smarttvet.registry.models import Organization, Region

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


class _LoginNeeded(Exception):
    pass


def _plan_or_404(request, pk: int) -> Plan:
    """The plan if ``request.user`` may read it (the national roadmap: anybody). Otherwise 404, or, for an
    anonymous visitor, the login page (``_LoginNeeded``)."""
    try:
        return selectors.plan_get(request.user, pk)
    except Http404:
        if not request.user.is_authenticated:
            raise _LoginNeeded from None
        raise


def plan_detail(request, pk: int):
    try:
        plan = _plan_or_404(request, pk)
    except _LoginNeeded:
        return redirect_to_login(request.get_full_path())
    detail = selectors.plan_detail(plan)
    may_edit = request.user.is_authenticated and not plan.is_closed and access.may_edit_plan(request.user, plan)
    return render(request, "plans/plan_detail.html", {
        "plan": plan, "detail": detail, "chart": detail.chart(),
        "may_update": request.user.is_authenticated and access.may_update_activities(request.user, plan),
        "may_enter": request.user.is_authenticated and not plan.is_closed and can_write(request.user, plan),
        "may_edit": may_edit, "may_swot": may_edit and plan.level == Plan.Level.ORGANIZATION,
        "activity_statuses": Activity.Status.choices, "swot_kinds": SwotItem.Kind.choices,
        "swot_columns": [(kind, label, detail.swot.get(kind, [])) for kind, label in SwotItem.Kind.choices],
        "next_statuses": [(s, Plan.Status(s).label) for s in services.TRANSITIONS.get(plan.status, ())],
        "languages": [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
        "directions": Indicator.Direction.choices, "activity_kinds": Activity.Kind.choices,
        "measures": measures.choices() if may_edit else [],
    })


def _errors(request, error: ValidationError) -> None:
    for problems in error.message_dict.values():
        for problem in problems:
            messages.error(request, problem)


def plan_report(request, pk: int, fmt: str):
    """The plan and its progress as PDF or XLSX, in ``?lang=`` (kk, ru, en; default the page's language)."""
    try:
        plan = _plan_or_404(request, pk)
    except _LoginNeeded:
        return redirect_to_login(request.get_full_path())
    language = reports.report_language(request.GET.get("lang"), request.LANGUAGE_CODE)
    if fmt == "pdf":
        body, content_type = reports.report_pdf(plan, language), "application/pdf"
    else:
        body = reports.report_xlsx(plan, language)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if fmt == "pdf" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{reports.file_name(plan, language, fmt)}"'
    response["Content-Language"] = language
    return response


@login_required
@require_POST
def swot_add(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    try:
        services.swot_item_create(actor=request.user, plan=plan, kind=request.POST.get("kind", ""),
                                  text=request.POST.get("text", ""), objectives=request.POST.getlist("objectives"))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("SWOT item added."))
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#swot")


@login_required
@require_POST
def swot_delete(request, pk: int, item_pk: int):
    plan = selectors.plan_get(request.user, pk)
    item = get_visible_or_404(request.user, SwotItem.objects.filter(plan=plan), pk=item_pk)
    services.swot_item_delete(actor=request.user, item=item)
    messages.success(request, _("SWOT item deleted."))
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#swot")


@login_required
@require_POST
def indicator_actual(request, pk: int, indicator_pk: int):
    plan = selectors.plan_get(request.user, pk)
    indicator = get_visible_or_404(request.user, Indicator.objects.filter(plan=plan), pk=indicator_pk)
    indicator.plan = plan
    try:
        services.indicator_actual_set(actor=request.user, indicator=indicator, year=request.POST.get("year", ""),
                                      value=request.POST.get("value", ""),
                                      evidence=request.POST.get("evidence", ""))
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Actual saved: %(title)s.") % {"title": indicator.title})
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#indicator-{indicator.pk}")


@login_required
@require_POST
def plan_status(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    post = request.POST
    try:
        services.plan_status_set(
            actor=request.user, plan=plan, status=post.get("status", ""),
            approval_body=post.get("approval_body"), approved_on=post.get("approved_on"),
            board_agreed=(post.get("board_agreed") == "1") if plan.level == Plan.Level.ORGANIZATION else None,
            board_agreed_on=post.get("board_agreed_on") if plan.level == Plan.Level.ORGANIZATION else None,
        )
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Plan status updated."))
    return redirect(reverse("plans:detail", args=[plan.pk]))


DRAFT_YEARS = (2024, 2028)


@login_required
def draft_for_organization(request, pk: int):
    """GET: what a draft development plan of the organisation would be made from; POST: make it (or open the
    one made before). The organisation itself, its region and the ministry; others get 404."""
    organization = get_object_or_404(Organization.objects.select_related("region"), pk=pk)
    if not access.may_draft_plan(request.user, organization):
        raise Http404("No organisation in your scope matches the given query.")
    code = services.draft_plan_code(organization, DRAFT_YEARS)
    existing = Plan.objects.filter(code=code).first()
    if request.method == "POST":
        plan = services.draft_plan_from_rating(organization, request.user, DRAFT_YEARS)
        if existing is None:
            messages.success(request, _("A draft development plan was made; edit it before approving it."))
        return redirect(reverse("plans:detail", args=[plan.pk]))
    rating = services.latest_rating(organization)
    return render(request, "plans/draft.html", {
        "organization": organization, "existing": existing, "rating": rating, "years": DRAFT_YEARS,
        "plans": Plan.objects.filter(organization=organization).order_by("-start_year", "code"),
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

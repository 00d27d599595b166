"""Cadre-reserve pages: cohorts with their funnel, the candidates (scoped), a candidate's progress, an assessor's
assignments with the score form, the reserve registry with appointments and their outcomes, and vacancy matching.
Thin: selectors read, services write; refused input comes back as form errors and writes nothing.

Login required. The committee and the ministry see everything; a region its region's candidates; an assessor
the candidates assigned to them and only their own scores; a teacher their own applications. A candidate outside
the scope does not exist (404); a committee action by someone else answers 403.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.core.i18n import pick
from smarttvet.leadership import access, selectors, services
from smarttvet.leadership.models import Appeal, Application, Assessor, Assignment, Cohort, ReserveEntry, StageResult
from smarttvet.registry.models import Organization, Region

PER_PAGE = 50


def reason_text(code: str, params: dict) -> str:
    """A matching reason in the reader's language."""
    texts = {
        "same_region": _("works in the vacancy's region"),
        "willing_to_move": _("lives in another region, willing to move"),
        "kind_wanted": _("wants to lead this kind of organisation"),
        "kind_any": _("would lead any kind of organisation"),
        "kind_other": _("prefers another kind of organisation"),
        "fields": _("knows %(known)s of the organisation's %(of)s fields"),
        "no_fields": _("the organisation has no fields of education to compare"),
        "score": _("selection total %(total)s of 100"),
    }
    text = texts.get(code, code)
    return text % params if params else text


def _cohort_or_404(code: str) -> Cohort:
    return selectors.cohort_get(code)


@login_required
def index(request):
    cohorts = list(selectors.cohort_list())
    mine = access.visible_applications(request.user, Application.objects.filter(teacher__isnull=False)) \
        if "teacher" in access.role_set(request.user) else Application.objects.none()
    return render(request, "leadership/index.html", {
        "cohorts": cohorts, "my_applications": mine.select_related("cohort"),
        "is_assessor": access.assessor_of(request.user) is not None,
        "manager": access.may_manage(request.user),
    })


@login_required
def cohort_detail(request, code: str):
    cohort = _cohort_or_404(code)
    region = None
    if request.GET.get("region"):
        region = Region.objects.filter(kato=request.GET["region"]).first()
    funnel = selectors.funnel(cohort, region=region, user=request.user)
    manager = access.may_manage(request.user)
    return render(request, "leadership/cohort_detail.html", {
        "cohort": cohort, "funnel": funnel, "chart": funnel.chart(), "region": region,
        "stages": list(cohort.stages.order_by("order")),
        "by_region": selectors.funnel_by_region(cohort, user=request.user),
        "manager": manager, "reviews": selectors.review_queue(cohort)[:50] if manager else [],
    })


def _candidate_filters(request) -> selectors.CandidateFilters:
    g = request.GET
    region = g.get("region", "")
    status = g.get("status", "")
    return selectors.CandidateFilters(
        status=status if status in Application.Status.values else "",
        region_id=int(region) if region.isdigit() else None, stage=g.get("stage", "")[:32],
        flagged=g.get("flagged") == "1", q=g.get("q", "")[:100])


@login_required
def candidate_list(request, code: str):
    cohort = _cohort_or_404(code)
    filters = _candidate_filters(request)
    page = Paginator(selectors.candidate_list(request.user, cohort, filters), PER_PAGE).get_page(
        request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leadership/candidate_list.html", {
        "cohort": cohort, "page": page, "query": query.urlencode(), "filters": filters,
        "limited": selectors.limited_to_assignments(request.user),
        "statuses": Application.Status.choices, "stages": list(cohort.stages.order_by("order")),
        "regions": Region.objects.order_by("kato"),
    })


@login_required
def candidate_detail(request, pk: int):
    application = selectors.candidate_get(request.user, pk)
    view = selectors.candidate_detail(request.user, application)
    manager = access.may_manage(request.user)
    own = application.teacher_id is not None and application.teacher_id in {
        a.teacher_id for a in access.assignments(request.user) if a.role == "teacher"}
    return render(request, "leadership/candidate_detail.html", {
        "application": application, "view": view, "manager": manager, "may_appeal": own or manager,
        "assessors": Assessor.objects.select_related("organization") if manager else [],
        "refusals": [pick(r.get("reason", {})) for r in application.refusals],
    })


def _next(request) -> str:
    """The ``next`` address of a form if it stays on this site (else empty)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return ""


def _errors(request, error) -> None:
    for problems in error.message_dict.values():
        for problem in problems:
            messages.error(request, problem)


@login_required
def assignment_list(request):
    cohort = None
    if request.GET.get("cohort"):
        cohort = _cohort_or_404(request.GET["cohort"])
    qs = selectors.assignments_for(request.user, cohort)
    if request.GET.get("todo") == "1":
        qs = qs.filter(score__isnull=True)
    page = Paginator(qs.order_by("stage__cohort__year", "stage__order", "application__full_name", "pk"),
                     PER_PAGE).get_page(request.GET.get("page"))
    results = {(r.application_id, r.stage_id): r for r in StageResult.objects.filter(
        application_id__in=[a.application_id for a in page.object_list],
        stage_id__in=[a.stage_id for a in page.object_list])}
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leadership/assignments.html", {
        "page": page, "query": query.urlencode(), "todo": request.GET.get("todo") == "1",
        "rows": [{"assignment": a, "result": results.get((a.application_id, a.stage_id))} for a in page.object_list],
    })


@login_required
@require_POST
def score_submit(request, pk: int):
    assignment = selectors.assignments_for(request.user).filter(pk=pk).first()
    if assignment is None:
        if Assignment.objects.filter(pk=pk).exists():
            raise PermissionDenied(_("This candidate is not assigned to you."))
        raise Http404("No such assignment.")
    try:
        services.submit_score(actor=request.user, assignment=assignment, value=request.POST.get("value", ""),
                              comment=request.POST.get("comment", ""))
    except services.SelectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Score saved."))
    return redirect(_next(request) or reverse("leadership:assignments"))


@login_required
@require_POST
def assessor_assign(request, pk: int):
    access.require_manager(request.user)
    application = selectors.candidate_get(request.user, pk)
    stage = application.cohort.stages.filter(pk=request.POST.get("stage") or 0).first()
    assessor = Assessor.objects.filter(pk=request.POST.get("assessor") or 0).first()
    if stage is None or assessor is None:
        messages.error(request, _("Choose a stage and an assessor."))
    else:
        try:
            services.assign(actor=request.user, stage=stage, application=application, assessor=assessor)
        except services.SelectionError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Assessor assigned."))
    return redirect("leadership:candidate", pk=application.pk)


@login_required
@require_POST
def review_clear(request, pk: int):
    access.require_manager(request.user)
    result = get_object_or_404(StageResult.objects.select_related("application", "stage"), pk=pk)
    try:
        services.review_clear(actor=request.user, result=result, note=request.POST.get("note", ""))
    except services.SelectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Review cleared: the mean score stands."))
    return redirect(_next(request) or reverse("leadership:candidate", args=[result.application_id]))


@login_required
@require_POST
def appeal_file(request, pk: int):
    result = get_object_or_404(StageResult.objects.select_related("application"), pk=pk)
    selectors.candidate_get(request.user, result.application_id)  # 404 outside the scope
    try:
        services.appeal_file(actor=request.user, result=result, grounds=request.POST.get("grounds", ""))
    except services.SelectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Appeal filed."))
    return redirect("leadership:candidate", pk=result.application_id)


@login_required
@require_POST
def appeal_decide(request, pk: int):
    access.require_manager(request.user)
    appeal = get_object_or_404(Appeal.objects.select_related("result", "result__application"), pk=pk)
    try:
        services.appeal_decide(actor=request.user, appeal=appeal, decision=request.POST.get("decision", ""),
                               note=request.POST.get("note", ""))
    except services.SelectionError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Appeal decided."))
    return redirect(_next(request) or reverse("leadership:candidate", args=[appeal.result.application_id]))


@login_required
def reserve(request):
    status = request.GET.get("status", "")
    status = status if status in ReserveEntry.Status.values else ""
    page = Paginator(selectors.reserve_list(request.user, status=status), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leadership/reserve.html", {
        "page": page, "query": query.urlencode(), "status": status, "statuses": ReserveEntry.Status.choices,
        "manager": access.may_manage(request.user)})


@login_required
def appointments(request):
    page = Paginator(selectors.appointment_list(request.user), PER_PAGE).get_page(request.GET.get("page"))
    outcomes = selectors.outcomes(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "leadership/appointments.html", {
        "page": page, "query": query.urlencode(),
        "rows": [{"appointment": a, "outcome": outcomes[a.pk]} for a in page.object_list]})


@login_required
def match(request):
    organization = None
    raw = (request.GET.get("bin") or request.GET.get("organization") or "").strip()
    if len(raw) == 12 and raw.isdigit():
        organization = Organization.objects.select_related("region").filter(bin=raw).first()
    elif raw.isdigit():
        organization = Organization.objects.select_related("region").filter(pk=int(raw)).first()
    on, date_error = timezone.localdate(), ""
    if request.GET.get("on", "").strip():
        try:
            on = dt.date.fromisoformat(request.GET["on"].strip())
        except ValueError:
            date_error = _("Vacancy date: give a date as YYYY-MM-DD, not %(value)s.") % {"value": request.GET["on"]}
    rows = []
    if organization is not None and not date_error:
        for m in selectors.match_vacancy(request.user, organization, on=on, limit=30):
            rows.append({"match": m, "entry": m.entry,
                         "reasons": [reason_text(code, params) for code, params in m.reasons]})
    return render(request, "leadership/match.html", {
        "organization": organization, "rows": rows, "asked": bool(raw), "on": on, "date_error": date_error,
        "manager": access.may_manage(request.user),
        "organizations": Organization.objects.filter(parent__isnull=True, kind__in=Organization.TVET_KINDS)
        .select_related("region").order_by("region__kato", "name_ru"),
    })

"""Portfolio pages: a teacher's portfolio (records, HTMX forms, uploads, verification steps, credentials, exports),
the organisation's verification queue and staff overview, the national and regional dashboards, evidence
downloads and personal API tokens. Thin: selectors read, services write.

A teacher outside the user's scope does not exist (404); a write without the right answers 403."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.accounts.scoping import assignments, get_visible_or_404
from smarttvet.people.models import Teacher
from smarttvet.portfolio import access, cv, exchange, issuing, kinds, selectors, services, tokens
from smarttvet.portfolio.models import Evidence, Record

LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
PER_PAGE = 50


def requirement_labels() -> dict[str, str]:
    return {
        "previous": _("Current category"), "experience_years": _("Teaching experience, years"),
        "years_in_category": _("Years in the current category"), "test_pass": _("Knowledge test, %"),
        "pd_hours": _("Professional development hours in 3 years"), "publications": _("Publications in 3 years"),
        "open_lessons": _("Open lessons in 3 years"), "student_results": _("Students' results in 3 years"),
    }


def new_format_labels() -> dict[str, str]:
    return {"certified": _("Certified"), "expired": _("Certificate expired"),
            "ready": _("Programme completed, ready to certify"), "in_training": _("In training"),
            "none": _("Not started")}


def category_label(code: str) -> str:
    return str(dict(kinds.CATEGORIES).get(code, _("No category")))


def _teacher(request, pk: int) -> Teacher:
    return get_visible_or_404(request.user, Teacher.objects.select_related("organization__region"), pk=pk)


def _record(request, pk: int) -> Record:
    return get_visible_or_404(request.user, Record.objects.select_related("teacher__organization"), pk=pk)


@login_required
def home(request):
    """Where the portfolio starts for this user: a teacher's own portfolio, an organisation's queue, the
    dashboard for the ministry and regions."""
    for assignment in assignments(request.user):
        if assignment.role == "teacher":
            return redirect("portfolio:teacher", assignment.teacher_id)
    if access.organization_ids(request.user):
        return redirect("portfolio:queue")
    return redirect("portfolio:dashboard")


def _form_fields(kind: str, values: dict | None = None, errors: dict | None = None) -> list[dict]:
    values, errors = values or {}, errors or {}
    shown = []
    for f in kinds.fields_of(kind):
        value = values.get(f.name)
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        shown.append({"name": f.name, "label": f.label, "type": f.type, "required": f.required,
                      "choices": f.choices, "value": "" if value is None else value, "errors": errors.get(f.name, []),
                      "min": f.minimum, "max": f.maximum, "max_length": f.max_length})
    return shown


def _summary_context(teacher, evaluation):
    labels = requirement_labels()
    checks = []
    for check in evaluation.checks:
        checks.append({
            "category": category_label(check.category), "held": check.held, "eligible": check.eligible,
            "requirements": [{"label": labels[r.key], "needed": category_label(r.needed) if r.key == "previous"
                              else r.needed, "actual": category_label(r.actual) if r.key == "previous"
                              else ("—" if r.actual is None else r.actual), "met": r.met, "inferred": r.inferred}
                             for r in check.requirements],
        })
    return {"evaluation": evaluation, "checks": checks, "category": category_label(evaluation.category),
            "new_format": new_format_labels()[evaluation.new_format]}


@login_required
def teacher_portfolio(request, pk: int):
    teacher = _teacher(request, pk)
    may_edit = access.may_edit(request.user, teacher)
    form = {"kind": "", "fields": [], "errors": {}}
    status = 200
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("You may not change this teacher's portfolio."))
        kind = request.POST.get("kind", "")
        try:
            record = services.record_create(actor=request.user, teacher=teacher, kind=kind, data=request.POST.dict())
        except ValidationError as error:
            errors = error.message_dict
            form = {"kind": kind, "errors": errors,
                    "fields": _form_fields(kind, request.POST.dict(), errors) if kind in kinds.KINDS else []}
            messages.error(request, _("The record was not saved: correct the fields marked below."))
            status = 422
        else:
            messages.success(request, _("Record saved as a draft: %(title)s.") % {"title": record.title})
            return redirect(f"{reverse('portfolio:teacher', args=[teacher.pk])}#record-{record.pk}")
    evaluation = selectors.evaluate(teacher)
    context = {
        "teacher": teacher, "groups": selectors.portfolio(teacher), "may_edit": may_edit,
        "may_verify": access.may_verify(request.user, teacher),
        "may_open_evidence": access.may_open_evidence(request.user, teacher),
        "kinds": [(k, v.label) for k, v in kinds.KINDS.items()], "form": form, "languages": LANGUAGES,
        "credentials": list(issuing.credentials_of(teacher)), "max_mb": round(services.max_evidence_bytes() / 2**20, 1),
        **_summary_context(teacher, evaluation),
    }
    return render(request, "portfolio/teacher.html", context, status=status)


@login_required
def record_form(request, pk: int):
    """HTMX: the fields of a new record of ``?kind=`` (or a record's fields to edit with ``?record=``)."""
    teacher = _teacher(request, pk)
    if not access.may_edit(request.user, teacher):
        raise PermissionDenied(_("You may not change this teacher's portfolio."))
    record_pk = request.GET.get("record", "")
    if record_pk.isdigit():
        record = get_visible_or_404(request.user, Record.objects.filter(teacher=teacher), pk=int(record_pk))
        return render(request, "portfolio/_fields.html", {"fields": _form_fields(record.kind, record.values())})
    kind = request.GET.get("kind", "")
    if kind not in kinds.KINDS:
        return HttpResponse("")
    return render(request, "portfolio/_fields.html", {"fields": _form_fields(kind), "help": kinds.KINDS[kind].help})


@login_required
def record_edit(request, pk: int):
    record = _record(request, pk)
    if not access.may_edit(request.user, record.teacher):
        raise PermissionDenied(_("You may not change this teacher's portfolio."))
    errors: dict = {}
    values = record.values()
    if request.method == "POST":
        try:
            saved = services.record_update(actor=request.user, record=record, data=request.POST.dict())
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
            values = request.POST.dict()
            for problem in errors.get("__all__", []):
                messages.error(request, problem)
        else:
            if saved.pk != record.pk:
                messages.success(request, _("A new version (%(v)s) was made: it needs verification; the verified "
                                            "version stays in force until then.") % {"v": saved.version})
            else:
                messages.success(request, _("Record saved."))
            return redirect(f"{reverse('portfolio:teacher', args=[record.teacher_id])}#record-{saved.pk}")
    return render(request, "portfolio/record_edit.html", {
        "record": record, "fields": _form_fields(record.kind, values, errors),
        "history": record.transitions.all(), "teacher": record.teacher,
    }, status=422 if errors else 200)


ACTIONS = {"submit": Record.Status.SUBMITTED, "verify": Record.Status.VERIFIED, "return": Record.Status.RETURNED}


@login_required
@require_POST
def record_action(request, pk: int):
    """Submit, verify, return (with a comment) or delete a record; back to the page it came from."""
    record = _record(request, pk)
    action = request.POST.get("action", "")
    back = request.POST.get("next") or f"{reverse('portfolio:teacher', args=[record.teacher_id])}#record-{record.pk}"
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()) or back.startswith("//"):
        back = reverse("portfolio:teacher", args=[record.teacher_id])
    try:
        if action == "delete":
            services.record_delete(actor=request.user, record=record)
            messages.success(request, _("Draft deleted."))
            return redirect(reverse("portfolio:teacher", args=[record.teacher_id]))
        if action not in ACTIONS:
            raise ValidationError(_("Unknown action: %(action)s.") % {"action": action})
        services.transition(actor=request.user, record=record, to=ACTIONS[action],
                            comment=request.POST.get("comment", ""))
    except ValidationError as error:
        for problem in (error.messages if not hasattr(error, "error_dict") else
                        [p for ps in error.message_dict.values() for p in ps]):
            messages.error(request, problem)
    else:
        messages.success(request, {"submit": _("Submitted for verification."), "verify": _("Record verified."),
                                   "return": _("Record returned to the teacher.")}[action])
    return redirect(back)


@login_required
@require_POST
def evidence_upload(request, pk: int):
    record = _record(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": [_("Choose a file.")]})
        services.evidence_add(actor=request.user, record=record, upload=upload)
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("File attached."))
    return redirect(f"{reverse('portfolio:teacher', args=[record.teacher_id])}#record-{record.pk}")


@login_required
def evidence_download(request, pk: int):
    """An evidence file, to the teacher, the organisation's verifiers and administration, and the ministry; to
    anyone else it does not exist (404)."""
    evidence = get_object_or_404(Evidence.objects.select_related("record__teacher"), pk=pk)
    if not access.may_open_evidence(request.user, evidence.record.teacher):
        raise Http404("No evidence file matches the given query.")
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["Content-Disposition"] = f'inline; filename="{evidence.name}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def teacher_cv(request, pk: int):
    teacher = _teacher(request, pk)
    language = cv.language_of(request.GET.get("lang"), request.LANGUAGE_CODE)
    response = HttpResponse(cv.render_pdf(teacher, language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="portfolio-{teacher.pk}-{language}.pdf"'
    response["Content-Language"] = language
    return response


@login_required
def teacher_export(request, pk: int):
    teacher = _teacher(request, pk)
    response = HttpResponse(json.dumps(exchange.export(teacher), ensure_ascii=False, indent=2),
                            content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="portfolio-{teacher.pk}.json"'
    return response


@login_required
@require_POST
def issue_summary(request, pk: int):
    teacher = _teacher(request, pk)
    try:
        credential = issuing.issue_summary(actor=request.user, teacher=teacher)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Credential issued: %(id)s.") % {"id": credential.public_id})
    return redirect(f"{reverse('portfolio:teacher', args=[teacher.pk])}#credentials")


@login_required
@require_POST
def issue_certification(request, pk: int):
    record = _record(request, pk)
    try:
        credential = issuing.issue_certification(actor=request.user, record=record)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
    else:
        messages.success(request, _("Credential issued: %(id)s.") % {"id": credential.public_id})
    return redirect(f"{reverse('portfolio:teacher', args=[record.teacher_id])}#credentials")


@login_required
def credential_json(request, pk: int, public_id):
    teacher = _teacher(request, pk)
    credential = get_object_or_404(issuing.credentials_of(teacher), public_id=public_id)
    response = HttpResponse(credential.json_bytes(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{credential.file_name()}"'
    return response


@login_required
def queue(request):
    """Records submitted for verification in the user's organisations, oldest first."""
    if not (access.organization_ids(request.user) or access.is_national(request.user)):
        raise Http404("No verification queue for this user.")
    records = selectors.queue(request.user)
    page = Paginator(records, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portfolio/queue.html", {"page": page})


def _organization_for(request):
    from smarttvet.registry.models import Organization

    wanted = request.GET.get("organization", "")
    own = sorted(access.organization_ids(request.user))
    if wanted.isdigit():
        organization = get_object_or_404(Organization.objects.select_related("region"), pk=int(wanted))
        if not access.may_view_staff(request.user, organization):
            raise Http404("No organisation in your scope matches the given query.")
        return organization
    if own:
        return get_object_or_404(Organization.objects.select_related("region"), pk=own[0])
    return None


@login_required
def staff(request):
    """The organisation's staff: categories, PD hours, gaps, who is close to the next category."""
    organization = _organization_for(request)
    if organization is None:
        return _staff_pick(request)
    rows, indicators = selectors.staff(organization)
    labels = requirement_labels()
    shown = []
    for row in rows:
        nxt = row.evaluation.next_check
        shown.append({"row": row, "category": category_label(row.evaluation.category),
                      "next": category_label(nxt.category) if nxt else "",
                      "missing": [labels[r.key] for r in nxt.missing] if nxt else [],
                      "new_format": new_format_labels()[row.evaluation.new_format]})
    return render(request, "portfolio/staff.html", {"organization": organization, "rows": shown,
                                                    "indicators": indicators})


def _staff_pick(request):
    """The organisations whose staff the ministry or a region may open: searchable, by region, paginated."""
    from smarttvet.registry.models import Organization, Region
    from smarttvet.registry.selectors import OrganizationFilters, organization_list

    g = request.GET
    filters = OrganizationFilters(region=g.get("region", "")[:20], q=g.get("q", "")[:100])
    organizations = organization_list(request.user, filters).filter(kind__in=Organization.TVET_KINDS)
    regions = Region.objects.order_by("kato")
    if not access.is_national(request.user):
        organizations = organizations.filter(region_id__in=access.region_ids(request.user))
        regions = regions.filter(pk__in=access.region_ids(request.user))
    query = g.copy()
    query.pop("page", None)
    return render(request, "portfolio/staff_pick.html", {
        "page": Paginator(organizations, PER_PAGE).get_page(g.get("page")), "query": query.urlencode(),
        "filters": filters, "regions": regions})


@login_required
def dashboard(request):
    """National (the ministry) or regional dashboard: certified teachers against the target, categories."""
    from smarttvet.registry.models import Region

    region = None
    wanted = request.GET.get("region", "")
    own_regions = access.region_ids(request.user)
    if wanted.isdigit():
        region = get_object_or_404(Region, pk=int(wanted))
        if not access.is_national(request.user) and region.pk not in own_regions:
            raise Http404("No region in your scope matches the given query.")
    elif not access.is_national(request.user):
        if not own_regions:
            raise Http404("The dashboard is for the ministry and the regions.")
        region = get_object_or_404(Region, pk=sorted(own_regions)[0])
    data = selectors.dashboard(request.user, region=region)
    columns = [code for code, _label in data.categories]
    rows = [{"unit": unit, "certified": certified, "teachers": teachers,
             "counts": [by.get(code, 0) for code in columns],
             "higher": sum(by.get(c, 0) for c in ("expert", "researcher", "master"))}
            for unit, certified, teachers, by in data.by_region]
    chart = {"labels": [str(r["unit"].name) for r in rows], "certified": [r["certified"] for r in rows],
             "categories": [{"name": label, "data": [r["counts"][i] for r in rows]}
                            for i, (_code, label) in enumerate(data.categories)]}
    return render(request, "portfolio/dashboard.html", {
        "data": data, "region": region, "rows": rows, "chart": chart,
        "regions": Region.objects.order_by("kato") if access.is_national(request.user) else [],
    })


@login_required
def token_list(request):
    """The user's API tokens: make one (shown once), revoke one."""
    made = None
    if request.method == "POST":
        if request.POST.get("revoke", "").isdigit():
            tokens.revoke(user=request.user, pk=int(request.POST["revoke"]))
            messages.success(request, _("Token revoked."))
            return redirect("portfolio:tokens")
        try:
            made = tokens.create(user=request.user, name=request.POST.get("name", ""))
        except ValidationError as error:
            for problem in error.messages:
                messages.error(request, problem)
    return render(request, "portfolio/tokens.html", {
        "tokens": request.user.api_tokens.filter(revoked_at__isnull=True), "made": made, "now": timezone.now()})

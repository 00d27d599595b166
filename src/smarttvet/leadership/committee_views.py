"""The selection committee's pages: a new cohort with its stages, a cohort's management page (screening, opening,
closing and deciding stages with a confirmation that says what will happen, assigning assessors in turn, building
the reserve), the review queue (flagged spreads and appeals), the final ranked list and the appointment form.

Thin: ``selectors`` read, ``services`` write and refuse. Only the committee and the ministry (``access.MANAGERS``)
reach these pages: anybody else gets 403, an anonymous visitor the login page. Refused input is shown as form
errors (in the reader's language) and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.leadership import access, selectors, services
from smarttvet.leadership.models import Appointment, Assessor, Cohort, Programme, ReserveEntry
from smarttvet.registry.models import Organization, Region

STAGE_ROWS = 6  # the five default stages and one spare row
QUEUE_SHOWN = 200  # review and appeal rows per page: deciding them brings up the next


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for problems in error.message_dict.values() for m in problems]
    return list(error.messages)


def _manager(request) -> None:
    access.require_manager(request.user)


def _date(raw: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat((raw or "").strip())
    except ValueError:
        raise services.SelectionError(_("%(field)s: give a date as YYYY-MM-DD, not %(value)s.")
                                      % {"field": label, "value": raw or "—"}) from None


# ------------------------------------------------------------------------------------------------ new cohort
def _stage_rows(post=None) -> list[dict]:
    defaults = services.default_stages()
    rows = []
    for i in range(STAGE_ROWS):
        if post is None:
            rows.append(defaults[i] if i < len(defaults) else {"order": i + 1})
            continue
        row = {key: post.get(f"stage-{i}-{key}", "").strip() for key in (
            "code", "name_kk", "name_ru", "name_en", "max_score", "pass_mark", "weight", "capacity")}
        row["order"] = i + 1
        rows.append(row)
    return rows


def _stages_from(rows: list[dict]) -> list[dict]:
    stages = []
    for row in rows:
        if not row["code"]:
            continue
        name = row["code"]
        try:
            capacity = int(row["capacity"]) if row["capacity"] else None
        except ValueError:
            raise services.SelectionError(_("Stage %(stage)s: the seats must be a whole number.")
                                          % {"stage": name}, field="stages") from None
        if capacity is not None and capacity < 1:
            raise services.SelectionError(_("Stage %(stage)s: the seats must be a whole number.")
                                          % {"stage": name}, field="stages")
        stages.append({"code": row["code"], "order": len(stages) + 1,
                       "name_kk": row["name_kk"] or name, "name_ru": row["name_ru"] or name,
                       "name_en": row["name_en"] or name, "max_score": row["max_score"] or "x",
                       "pass_mark": row["pass_mark"] or "x", "weight": row["weight"] or "1", "capacity": capacity})
    return stages


@login_required
def cohort_new(request):
    _manager(request)
    form = request.POST if request.method == "POST" else {"year": timezone.localdate().year, "reserve_years": 3}
    rows = _stage_rows(request.POST if request.method == "POST" else None)
    errors = []
    if request.method == "POST":
        post = request.POST
        try:
            programme = Programme.objects.filter(pk=post.get("programme") or 0).first() if \
                post.get("programme", "").isdigit() else None
            if programme is None:
                raise services.SelectionError(_("Choose a programme."), field="programme")
            region = None
            if post.get("region"):
                region = Region.objects.filter(pk=post["region"]).first() if post["region"].isdigit() else None
                if region is None:
                    raise services.SelectionError(_("Choose a region or none (national)."), field="region")
            try:
                year, years = int(post.get("year", "")), int(post.get("reserve_years", "") or 3)
            except ValueError:
                raise services.SelectionError(_("The year and the years in the reserve must be whole numbers."),
                                              field="year") from None
            names = {code: post.get(f"name_{code}", "").strip() for code in ("kk", "ru", "en")}
            if not all(names.values()):
                raise services.SelectionError(_("Give the cohort's name in Kazakh, Russian and English."),
                                              field="names")
            cohort = services.cohort_create(
                actor=request.user, programme=programme, code=post.get("code", "").strip(), year=year,
                names=names, region=region, stages=_stages_from(rows), reserve_years=years)
        except ValidationError as error:
            errors = _messages(error)
        else:
            messages.success(request, _("Cohort created: %(name)s.") % {"name": cohort.name})
            return redirect("leadership:manage", code=cohort.code)
    return render(request, "leadership/cohort_new.html", {
        "form": form, "rows": rows, "errors": errors, "programmes": Programme.objects.all(),
        "regions": Region.objects.order_by("kato")}, status=422 if errors else 200)


# ------------------------------------------------------------------------------------------------ management
def _manage_context(request, cohort: Cohort, **extra) -> dict:
    return {"cohort": cohort, "summary": selectors.cohort_summary(cohort),
            "assessors": list(Assessor.objects.select_related("organization")),
            "today": timezone.localdate().isoformat(), **extra}


@login_required
def cohort_manage(request, code: str):
    _manager(request)
    cohort = selectors.cohort_get(code)
    return render(request, "leadership/manage.html", _manage_context(request, cohort))


def _stage_summary(cohort: Cohort, stage_code: str):
    summary = selectors.cohort_summary(cohort)
    for row in summary.stages:
        if row.stage.code == stage_code:
            return summary, row
    raise Http404("No such stage.")


def _what_happens(action: str, cohort: Cohort, post) -> tuple[str, list[str], dict]:
    """The confirmation's title and lines for ``action`` (a cohort action or ``stage:<action>:<code>``), and the
    hidden fields the confirmed form carries."""
    if action == "screen":
        summary = selectors.cohort_summary(cohort)
        return (_("Screen the applications"),
                [_("%(n)s applications are checked against the cohort's %(rules)s eligibility rules: the eligible "
                   "enter the first stage, the others are refused with the reasons.")
                 % {"n": _n(summary.to_screen), "rules": len(cohort.eligibility)}], {})
    if action == "reserve":
        summary = selectors.cohort_summary(cohort)
        valid_from = _date(post.get("valid_from", ""), _("Valid from"))
        until = valid_from.replace(year=valid_from.year + cohort.reserve_years)
        return (_("Build the reserve"),
                [_("%(n)s candidates who passed every stage enter the reserve, ranked by their weighted total, "
                   "valid from %(start)s to %(end)s.") % {"n": _n(summary.to_reserve), "start": valid_from,
                                                          "end": until}], {"valid_from": valid_from.isoformat()})
    _kind, verb, stage_code = action.split(":")
    _summary, row = _stage_summary(cohort, stage_code)
    stage, plan = row.stage, row.plan
    if verb == "open":
        return (_("Open the stage %(stage)s") % {"stage": stage.name},
                [_("Assessors can score the %(n)s candidates who entered the stage.") % {"n": _n(row.entered)}], {})
    if verb == "close":
        return (_("Close the stage %(stage)s") % {"stage": stage.name},
                [_("Assessors can no longer score at this stage (results reopened on appeal excepted); %(n)s "
                   "results are still undecided.") % {"n": _n(len(plan.ready) + plan.waiting)}], {})
    lines = [_("%(advance)s advance, %(drop)s drop.") % {"advance": _n(plan.advance), "drop": _n(plan.drop)}]
    if plan.seats is not None:
        lines.append(_("The next stage has %(seats)s free seats.") % {"seats": _n(plan.seats)})
    if plan.waiting:
        lines.append(_("%(n)s candidates wait for scores or a review and are not decided now.")
                     % {"n": _n(plan.waiting)})
    if plan.blocked:
        lines = [plan.blocked]
    return _("Decide the stage %(stage)s") % {"stage": stage.name}, lines, {}


def _perform(request, cohort: Cohort, action: str, post) -> str:
    """Run the confirmed action; the success message."""
    if action == "screen":
        counts = services.screen_cohort(actor=request.user, cohort=cohort, require_pending=True)
        return _("%(eligible)s eligible, %(ineligible)s not eligible.") % {
            "eligible": _n(counts["eligible"]), "ineligible": _n(counts["ineligible"])}
    if action == "reserve":
        valid_from = _date(post.get("valid_from", ""), _("Valid from"))
        n = services.reserve_build(actor=request.user, cohort=cohort, valid_from=valid_from, require_new=True)
        return _("%(n)s candidates entered the reserve.") % {"n": _n(n)}
    _kind, verb, stage_code = action.split(":")
    stage = get_object_or_404(cohort.stages, code=stage_code)
    if verb in services.STAGE_ACTIONS:
        services.stage_transition(actor=request.user, stage=stage, action=verb)
        return _("The stage %(stage)s is now %(status)s.") % {"stage": stage.name,
                                                              "status": stage.get_status_display().lower()}
    counts = services.decide_stage(actor=request.user, stage=stage, require_ready=True)
    return _("%(passed)s passed, %(dropped)s dropped.") % {"passed": _n(counts["passed"]),
                                                           "dropped": _n(counts["dropped"])}


def _confirmed_action(request, cohort: Cohort, action: str):
    """POST without ``confirm``: the confirmation (what will happen); with it: do it and go back to the
    management page. A refusal is shown on the confirmation as a form error."""
    errors = []
    try:
        title, lines, hidden = _what_happens(action, cohort, request.POST)
    except ValidationError as error:
        title, lines, hidden, errors = _("Not possible"), [], {}, _messages(error)
    if not errors and request.POST.get("confirm") == "1":
        try:
            messages.success(request, _perform(request, cohort, action, request.POST))
        except ValidationError as error:
            errors = _messages(error)
        else:
            return redirect("leadership:manage", code=cohort.code)
    return render(request, "leadership/confirm.html", {
        "cohort": cohort, "title": title, "lines": lines, "hidden": hidden, "errors": errors,
        "action_url": request.path}, status=409 if errors and request.POST.get("confirm") == "1" else 200)


@login_required
@require_POST
def cohort_action(request, code: str, action: str):
    _manager(request)
    cohort = selectors.cohort_get(code)
    if action not in ("screen", "reserve"):
        raise Http404("No such action.")
    return _confirmed_action(request, cohort, action)


@login_required
@require_POST
def stage_action(request, code: str, stage_code: str, action: str):
    _manager(request)
    cohort = selectors.cohort_get(code)
    if action not in ("open", "close", "decide"):
        raise Http404("No such action.")
    get_object_or_404(cohort.stages, code=stage_code)
    return _confirmed_action(request, cohort, f"stage:{action}:{stage_code}")


@login_required
@require_POST
def stage_assign(request, code: str, stage_code: str):
    """Assessors in turn for every undecided candidate of the stage (the chosen assessors, or all of them)."""
    _manager(request)
    cohort = selectors.cohort_get(code)
    stage = get_object_or_404(cohort.stages, code=stage_code)
    chosen = None
    ids = [raw for raw in request.POST.getlist("assessors") if raw]
    errors = []
    if ids:
        chosen = list(Assessor.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()]))
        if len(chosen) != len(set(ids)):
            errors = [_("Unknown assessor.")]
    if not errors:
        try:
            counts = services.assign_round_robin(actor=request.user, stage=stage, assessors=chosen,
                                                 per_candidate=request.POST.get("per_candidate") or None)
        except ValidationError as error:
            errors = _messages(error)
        else:
            text = _("%(assigned)s assignments for %(candidates)s candidates.") % {
                "assigned": _n(counts["assigned"]), "candidates": _n(counts["candidates"])}
            if counts["short"]:
                text += " " + _("%(n)s candidates have too few assessors outside their organisation.") % {
                    "n": _n(counts["short"])}
            messages.success(request, text)
            return redirect("leadership:manage", code=cohort.code)
    return render(request, "leadership/manage.html", _manage_context(
        request, cohort, assign_errors={stage.code: errors}), status=422)


# ------------------------------------------------------------------------------------------------ review, ranking
@login_required
def review_queue(request, code: str):
    _manager(request)
    cohort = selectors.cohort_get(code)
    reviews = selectors.review_queue(cohort).order_by("stage__order", "application_id")
    appeals = selectors.appeal_queue(cohort)
    return render(request, "leadership/review.html", {
        "cohort": cohort, "shown": QUEUE_SHOWN,
        "reviews": list(reviews[:QUEUE_SHOWN]), "reviews_total": reviews.count(),
        "appeals": list(appeals[:QUEUE_SHOWN]), "appeals_total": appeals.count()})


@login_required
def ranking(request, code: str):
    _manager(request)
    cohort = selectors.cohort_get(code)
    return render(request, "leadership/ranking.html", {"cohort": cohort, "rows": selectors.ranked_list(cohort)})


# ------------------------------------------------------------------------------------------------ appointments
def _organizations():
    return (Organization.objects.filter(parent__isnull=True, kind__in=Organization.TVET_KINDS)
            .select_related("region").order_by("region__kato", "name_ru"))


def organization_from(raw: str):
    """An organisation by its id or its 12-digit BIN (None when there is none)."""
    raw = (raw or "").strip()
    if len(raw) == 12 and raw.isdigit():
        return Organization.objects.filter(bin=raw).first()
    if raw.isdigit():
        return Organization.objects.filter(pk=int(raw)).first()
    return None


@login_required
def appoint(request, pk: int):
    _manager(request)
    entry = get_object_or_404(ReserveEntry.objects.select_related("application", "application__cohort",
                                                                  "application__region"), pk=pk)
    errors = []
    form = request.POST if request.method == "POST" else {
        "appointed_on": timezone.localdate().isoformat(), "position": "director", "route": "competition",
        "organization": request.GET.get("organization", "")}
    if request.method == "POST":
        post = request.POST
        try:
            organization = organization_from(post.get("bin") or post.get("organization"))
            if organization is None:
                raise services.SelectionError(_("Choose an organisation (or give its BIN)."), field="organization")
            services.appoint(actor=request.user, entry=entry, organization=organization,
                             position=post.get("position", ""), route=post.get("route", ""),
                             appointed_on=_date(post.get("appointed_on", ""), _("Appointed on")))
        except ValidationError as error:
            errors = _messages(error)
        else:
            messages.success(request, _("Appointment recorded: %(name)s, %(organization)s.")
                             % {"name": entry.application.full_name, "organization": organization.name})
            return redirect("leadership:appointments")
    return render(request, "leadership/appoint.html", {
        "entry": entry, "form": form, "errors": errors, "organizations": _organizations(),
        "positions": Appointment.Position.choices, "routes": Appointment.Route.choices},
        status=422 if errors else 200)

"""Editing a plan's structure from its page: add and delete goals, objectives, indicators and activities, and
an indicator's own page (its fields and targets). Thin: the services check who may (403 otherwise) and
validate; a plan or part outside the user's read scope does not exist (404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smarttvet.accounts.scoping import get_visible_or_404
from smarttvet.plans import access, measures, selectors, services
from smarttvet.plans.models import Activity, Goal, Indicator, Objective, Plan
from smarttvet.plans.views import _errors


def _back(plan: Plan, anchor: str = "") -> str:
    return reverse("plans:detail", args=[plan.pk]) + (f"#{anchor}" if anchor else "")


def _run(request, write, success: str) -> bool:
    try:
        write()
    except ValidationError as error:
        _errors(request, error)
        return False
    messages.success(request, success)
    return True


def _part(request, plan: Plan, model, pk: int):
    queryset = {Goal: Goal.objects.filter(plan=plan), Objective: Objective.objects.filter(goal__plan=plan),
                Indicator: Indicator.objects.filter(plan=plan), Activity: Activity.objects.filter(plan=plan)}[model]
    return get_visible_or_404(request.user, queryset, pk=pk)


def _indicator_values(post) -> dict:
    measure = post.get("measure", "").strip()
    return dict(title=post.get("title", ""), unit=post.get("unit", ""), direction=post.get("direction", ""),
                baseline_year=post.get("baseline_year", ""), baseline_value=post.get("baseline_value", ""),
                source="computed" if measure else "entered", measure=measure,
                targets=services.parse_targets(post.get("targets", "")))


@login_required
@require_POST
def goal_add(request, pk: int):
    plan = selectors.plan_get(request.user, pk)
    _run(request, lambda: services.goal_create(actor=request.user, plan=plan, title=request.POST.get("title", "")),
         _("Goal added."))
    return redirect(_back(plan, "structure"))


@login_required
@require_POST
def objective_add(request, pk: int, goal_pk: int):
    plan = selectors.plan_get(request.user, pk)
    goal = _part(request, plan, Goal, goal_pk)
    _run(request, lambda: services.objective_create(actor=request.user, goal=goal,
                                                    title=request.POST.get("title", "")), _("Objective added."))
    return redirect(_back(plan, f"goal-{goal.pk}"))


@login_required
@require_POST
def indicator_add(request, pk: int, objective_pk: int):
    plan = selectors.plan_get(request.user, pk)
    objective = _part(request, plan, Objective, objective_pk)
    _run(request, lambda: services.indicator_create(actor=request.user, objective=objective,
                                                    **_indicator_values(request.POST)), _("Indicator added."))
    return redirect(_back(plan, f"objective-{objective.pk}"))


@login_required
@require_POST
def activity_add(request, pk: int, objective_pk: int):
    plan = selectors.plan_get(request.user, pk)
    objective = _part(request, plan, Objective, objective_pk)
    post = request.POST
    _run(request, lambda: services.activity_create(
        actor=request.user, objective=objective, title=post.get("title", ""), kind=post.get("kind", ""),
        responsible=post.get("responsible", ""), deadline=post.get("deadline", ""), budget=post.get("budget", "")),
        _("Activity added."))
    return redirect(_back(plan, f"objective-{objective.pk}"))


DELETES = {
    "goal": (Goal, lambda actor, obj: services.goal_delete(actor=actor, goal=obj)),
    "objective": (Objective, lambda actor, obj: services.objective_delete(actor=actor, objective=obj)),
    "indicator": (Indicator, lambda actor, obj: services.indicator_delete(actor=actor, indicator=obj)),
    "activity": (Activity, lambda actor, obj: services.activity_delete(actor=actor, activity=obj)),
}


@login_required
@require_POST
def part_delete(request, pk: int, kind: str, part_pk: int):
    plan = selectors.plan_get(request.user, pk)
    if kind not in DELETES:
        raise Http404("Nothing of that kind is deleted here.")
    model, delete = DELETES[kind]
    part = _part(request, plan, model, part_pk)
    delete(request.user, part)
    messages.success(request, _("Deleted: %(title)s.") % {"title": part.title})
    return redirect(_back(plan, "structure"))


@login_required
def indicator_edit(request, pk: int, indicator_pk: int):
    """GET: the indicator's form; POST: save it (the targets as "year=value; year=value")."""
    plan = selectors.plan_get(request.user, pk)
    indicator = _part(request, plan, Indicator, indicator_pk)
    access.require_plan_editable(request.user, plan)
    if request.method == "POST":
        post = request.POST
        titles = {code: post.get(f"title_{code}", "") for code in ("kk", "ru", "en")}
        units = {code: post.get(f"unit_{code}", "") for code in ("kk", "ru", "en")}

        def save():
            values = _indicator_values(post)
            values.update(title=titles, unit=units, decimals=post.get("decimals", ""))
            services.indicator_update(actor=request.user, indicator=indicator, **values)

        if _run(request, save, _("Indicator saved: %(title)s.") % {"title": indicator.title}):
            return redirect(_back(plan, f"indicator-{indicator.pk}"))
        form = post
    else:
        form = {**{f: getattr(indicator, f) for f in services.INDICATOR_FIELDS},
                "targets": services.targets_text(indicator)}
    return render(request, "plans/indicator_edit.html", {
        "plan": plan, "indicator": indicator, "form": form, "directions": Indicator.Direction.choices,
        "measures": measures.choices(), "languages": [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
    })

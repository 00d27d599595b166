"""Who may do what with plans, on top of the scoping rule of the models (``Plan.scope`` and the others).

* read: the ministry every plan; a region's department its regional roadmap and its organisations' plans; an
  organisation its own plans. Everybody, signed in or not, reads the national roadmap and its progress.
* a plan itself (title, goals, indicators, targets): the ministry; the region for its region's plans; the
  organisation for its own development plan only - a support plan is the region's and the ministry's.
* an activity's status and evidence: whoever may change the plan, and the organisation of the plan (it reports
  on its own support plan). A completed or archived plan no longer changes.
* support plans from a monitoring list: whoever may write the list (the ministry; the region its own lists).
* a draft development plan of an organisation (from its rating and the labour market): the ministry, the
  organisation's region and the organisation itself.

A text actor is the command line and is trusted.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from smarttvet.accounts.scoping import assignments, can_write, scope_q


def _trusted(actor) -> bool:
    return isinstance(actor, str) or bool(getattr(actor, "is_superuser", False))


def may_edit_plan(user, plan) -> bool:
    if _trusted(user):
        return True
    for assignment in assignments(user):
        if assignment.role == "ministry":
            return True
        if assignment.role == "region" and plan.region_id is not None and assignment.region_id == plan.region_id:
            return True
        if (assignment.role == "organization" and plan.level == plan.Level.ORGANIZATION
                and assignment.organization_id == plan.organization_id):
            return True
    return False


def may_update_activities(user, plan) -> bool:
    """Whether ``user`` may report the status of ``plan``'s activities (one query at most)."""
    from smarttvet.plans.models import Activity

    if plan.is_closed:
        return False
    if _trusted(user):
        return True
    return Activity.objects.filter(plan=plan).filter(scope_q(user, Activity, for_write=True)).exists()


def require_activity_writable(actor, activity) -> None:
    """Raise PermissionDenied unless ``actor`` may change ``activity``'s status."""
    if activity.plan.is_closed:
        raise PermissionDenied(_("This plan is %(status)s: its activities no longer change.")
                               % {"status": activity.plan.get_status_display().lower()})
    if _trusted(actor):
        return
    if not can_write(actor, activity):
        raise PermissionDenied(_("You may not change this activity."))


def may_create_support_plans(actor, monitoring_list) -> bool:
    if _trusted(actor):
        return True
    return can_write(actor, monitoring_list)


def require_support_plans_creatable(actor, monitoring_list) -> None:
    if not may_create_support_plans(actor, monitoring_list):
        raise PermissionDenied(_("You may not make support plans from this monitoring list."))


def may_draft_plan(user, organization) -> bool:
    """Whether ``user`` may make a development plan for ``organization``: the ministry, the organisation's
    region, or the organisation itself."""
    if _trusted(user):
        return True
    for assignment in assignments(user):
        if assignment.role == "ministry":
            return True
        if assignment.role == "region" and assignment.region_id == organization.region_id:
            return True
        if assignment.role == "organization" and assignment.organization_id == organization.pk:
            return True
    return False


def require_plan_editable(actor, plan) -> None:
    """Raise PermissionDenied unless ``actor`` may change ``plan`` itself (and the plan is still open)."""
    if plan.is_closed:
        raise PermissionDenied(_("This plan is %(status)s: it no longer changes.")
                               % {"status": plan.get_status_display().lower()})
    if not may_edit_plan(actor, plan):
        raise PermissionDenied(_("You may not change this plan."))

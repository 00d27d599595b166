"""Who may see and do what in the reserve selection, on top of the generic scoping rule.

* read every cohort's candidates, results, reserve and appointments: the ministry and the selection committee;
* a region's department: the candidates (and reserve members) of its region;
* an assessor: only the candidates assigned to them, and of those only their own scores;
* a teacher: only their own applications and progress;
* write: the committee (and the ministry) run cohorts — assign assessors, decide stages, review flags, decide
  appeals, build the reserve, record appointments; an assessor submits the scores of their assignments.

A text actor is the command line or the demo generator and is trusted.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext as _

from smarttvet.accounts.scoping import NOTHING, assignments, scope_q

MANAGERS = frozenset({"ministry", "committee"})


def trusted(actor) -> bool:
    return isinstance(actor, str) or bool(getattr(actor, "is_superuser", False))


def role_set(user) -> set[str]:
    return {a.role for a in assignments(user)}


def sees_everything(user) -> bool:
    return trusted(user) or bool(role_set(user) & MANAGERS)


def may_manage(actor) -> bool:
    """The committee, the ministry (and the trusted command line)."""
    return sees_everything(actor)


def require_manager(actor) -> None:
    if not may_manage(actor):
        raise PermissionDenied(_("Only the selection committee may do this."))


def assessor_of(user):
    """The user's Assessor record (or None)."""
    if isinstance(user, str) or not getattr(user, "is_authenticated", False):
        return None
    if "assessor" not in role_set(user):
        return None
    cached = getattr(user, "_reserve_assessor", False)
    if cached is False:
        from smarttvet.leadership.models import Assessor

        cached = Assessor.objects.filter(user=user).first()
        user._reserve_assessor = cached
    return cached


def _or(parts: list[Q]) -> Q:
    if not parts:
        return NOTHING
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def application_q(user) -> Q | None:
    """The filter of the applications ``user`` may read; None means everything."""
    from smarttvet.leadership.models import Application

    if sees_everything(user):
        return None
    generic = scope_q(user, Application)
    if generic == Q():  # the generic rule gives everything (the ministry is caught above)
        return None
    parts = []
    if generic != NOTHING:
        parts.append(generic)
    assessor = assessor_of(user)
    if assessor is not None:
        parts.append(Q(assignments__assessor=assessor))
    return _or(parts)


def visible_applications(user, queryset):
    q = application_q(user)
    if q is None:
        return queryset
    if any(a.role == "assessor" for a in assignments(user)):
        return queryset.filter(pk__in=queryset.model.objects.filter(q).values("pk"))  # no duplicates from joins
    return queryset.filter(q)


def visible_related(user, queryset, prefix: str):
    """``queryset`` of a model linked to an application through ``prefix`` (e.g. ``"application__"``)."""
    from smarttvet.leadership.models import Application

    q = application_q(user)
    if q is None:
        return queryset
    ids = Application.objects.filter(q).values("pk")
    return queryset.filter(**{f"{prefix.rstrip('_')}__in": ids})


# How each reserve model reaches its application ("" for the application itself), and which records a
# non-manager may change: a candidate their own stage results (to appeal), an assessor their own assignments.
_APPLICATION_PATH = {"Application": "", "StageResult": "application", "Appeal": "result__application",
                     "ReserveEntry": "application", "Assignment": "application", "Score": "assignment__application"}
_ASSIGNMENT_PATH = {"Assignment": "", "Score": "assignment__"}


def visible(user, queryset, *, for_write: bool = False):
    """``queryset`` of any reserve model narrowed to what ``user`` may read (``for_write``: change) under the
    rules above. Assignments and scores: the committee's and each assessor's own only. Models not tied to an
    application (programmes, cohorts, stages, assessors, appointments) follow the generic rule."""
    from smarttvet.accounts.scoping import scope_q

    name = queryset.model.__name__
    if sees_everything(user):
        return queryset
    if name not in _APPLICATION_PATH:
        return queryset.filter(scope_q(user, queryset.model, for_write=for_write))
    if name in _ASSIGNMENT_PATH:
        assessor = assessor_of(user)
        return queryset.filter(**{f"{_ASSIGNMENT_PATH[name]}assessor": assessor}) if assessor else queryset.none()
    path = _APPLICATION_PATH[name]
    if for_write:
        own = {a.teacher_id for a in assignments(user) if a.role == "teacher"}
        if name != "StageResult" or not own:
            return queryset.none()
        return queryset.filter(application__teacher_id__in=own)
    return visible_related(user, queryset, f"{path}__") if path else visible_applications(user, queryset)

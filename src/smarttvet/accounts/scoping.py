"""The one answer to "what may this user see or change". Every view, API call and export uses it.

Each scoped model declares ``scope = ScopePaths(...)``: the lookups from the model to a region,
an organisation, an enterprise or a teacher, and which rows are public. A user's roles are turned
into one ``Q`` filter; writes use the same paths without the public part.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import Http404

NOTHING = Q(pk__in=[])

# Which scope path of a model each role reads through (a verifier reads as its organisation does).
ROLE_PATHS = {"region": "region", "organization": "organization", "verifier": "organization",
              "employer": "enterprise", "teacher": "teacher"}


@dataclass(frozen=True)
class ScopePaths:
    region: str | None = None
    organization: str | None = None
    enterprise: str | None = None
    teacher: str | None = None
    public: bool | Q = False
    write_roles: frozenset[str] = field(default_factory=lambda: frozenset({"ministry", "region", "organization"}))


def scope_of(model: type[Model]) -> ScopePaths:
    try:
        return model.scope  # type: ignore[attr-defined]
    except AttributeError as exc:
        raise TypeError(f"{model.__name__} declares no scope: add `scope = ScopePaths(...)`") from exc


def assignments(user) -> list:
    """The user's role assignments, loaded once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_scope_assignments", None)
    if cached is None:
        cached = list(user.role_assignments.all())
        user._scope_assignments = cached
    return cached


def roles(user) -> set[str]:
    return {a.role for a in assignments(user)}


def scope_q(user, model: type[Model], *, for_write: bool = False) -> Q:
    """The filter of the rows of ``model`` this user may read (or, with ``for_write``, change)."""
    paths = scope_of(model)
    if getattr(user, "is_superuser", False) or (not for_write and paths.public is True):
        return Q()  # an empty Q means "everything"; it must not be OR-ed (Django drops empty operands)
    parts: list[Q] = []
    for assignment in assignments(user):
        if for_write and assignment.role not in paths.write_roles:
            continue
        if assignment.role == "ministry":
            return Q()
        if assignment.role not in ROLE_PATHS:
            continue  # the reserve committee and assessors reach only their own app's records
        path = getattr(paths, ROLE_PATHS[assignment.role])
        scope_id = getattr(assignment, f"{ROLE_PATHS[assignment.role]}_id")
        if path and scope_id is not None:
            parts.append(Q(**{path: scope_id}))
    if not for_write and isinstance(paths.public, Q):
        parts.append(paths.public)
    if not parts:
        return NOTHING
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def visible(user, queryset: QuerySet) -> QuerySet:
    """``queryset`` narrowed to what ``user`` may read."""
    return queryset.filter(scope_q(user, queryset.model))


def get_visible_or_404(user, queryset: QuerySet, **lookup) -> Model:
    """One object the user may read; outside the scope it does not exist for them (404)."""
    try:
        return visible(user, queryset).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches the given query.") from exc


def can_write(user, obj: Model) -> bool:
    model = type(obj)
    return model._default_manager.filter(pk=obj.pk).filter(scope_q(user, model, for_write=True)).exists()


def require_writable(user, obj: Model) -> None:
    """Raise PermissionDenied (403) unless ``user`` may change ``obj``."""
    if not can_write(user, obj):
        raise PermissionDenied(f"You may not change this {obj._meta.verbose_name}.")

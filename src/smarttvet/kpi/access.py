"""Who may do what with KPI scorecards and incentive scenarios, on top of the models' scoping.

* read a scorecard: the ministry every one, a region's department those of its organisations, an organisation its
  own (read-only);
* sign off or return a scorecard (the supervising body): the ministry for every organisation, a region's
  department for the organisations of its region; never the organisation itself;
* compute scorecards and work with incentive scenarios: the ministry.

A text actor is the command line and is trusted.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from smarttvet.accounts.scoping import assignments


def _trusted(actor) -> bool:
    return isinstance(actor, str) or bool(getattr(actor, "is_superuser", False))


def is_ministry(user) -> bool:
    return _trusted(user) or any(a.role == "ministry" for a in assignments(user))


def supervising_role(user, organization) -> str | None:
    """The role in which ``user`` supervises ``organization`` ("ministry" or "region"), or None."""
    if _trusted(user):
        return "ministry"
    held = assignments(user)
    if any(a.role == "ministry" for a in held):
        return "ministry"
    if any(a.role == "region" and a.region_id == organization.region_id for a in held):
        return "region"
    return None


def require_supervisor(user, organization) -> str:
    role = supervising_role(user, organization)
    if role is None:
        raise PermissionDenied(_("Only the supervising body (the ministry, or the organisation's region) signs off "
                                 "a scorecard."))
    return role


def require_ministry(user) -> None:
    if not is_ministry(user):
        raise PermissionDenied(_("Only the ministry does this."))

"""Who may do what with ratings (on top of the scoping rule of the models).

* everybody: published runs, their league tables and each organisation's score, rank, league and pillars;
* the ministry (or a superuser): drafts too; create, check, publish and delete drafts;
* an organisation's own users, its region's department and the ministry: the organisation's card details
  (indicator values, contributions, strengths and weaknesses, what it takes) and the what-if simulator.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from smarttvet.accounts.scoping import assignments


def is_ministry(user) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(getattr(user, "is_superuser", False)) or any(a.role == "ministry" for a in assignments(user))


def require_ministry(actor) -> None:
    """Raise PermissionDenied unless ``actor`` is the ministry; a text actor is the command line (trusted)."""
    if isinstance(actor, str):
        return
    if not is_ministry(actor):
        raise PermissionDenied("Only the ministry may create, publish or delete rating runs.")


def may_inspect(user, organization) -> bool:
    """Whether ``user`` may see the details of ``organization``'s rating and use its what-if."""
    if is_ministry(user):
        return True
    for assignment in assignments(user):
        if assignment.role == "region" and assignment.region_id == organization.region_id:
            return True
        if assignment.role == "organization" and assignment.organization_id == organization.pk:
            return True
    return False

"""Who may do what with portfolios, on top of the scoping rule of the models (``Record.scope``).

* read a portfolio (records, history, summary): the teacher; the teacher's organisation (administration and its
  verifiers); the region of the organisation; the ministry.
* write (add, change, submit, upload evidence): the teacher, and the organisation's administration (it may enter
  records for its teachers, e.g. by import). Nobody else, not even the ministry.
* verify or return a submitted record: the organisation's verifier (methodist or HR) and its administration;
  never on one's own portfolio.
* evidence files: the teacher, the organisation's verifiers and administration, the ministry. A region does not
  open files (the records are enough to monitor); others get 404.

A text actor is the command line and is trusted.
"""

from __future__ import annotations

from smarttvet.accounts.scoping import assignments


def _trusted(actor) -> bool:
    return isinstance(actor, str) or bool(getattr(actor, "is_superuser", False))


def own_teacher_ids(user) -> set[int]:
    return {a.teacher_id for a in assignments(user) if a.role == "teacher" and a.teacher_id}


def organization_ids(user, roles=("organization", "verifier")) -> set[int]:
    return {a.organization_id for a in assignments(user) if a.role in roles and a.organization_id}


def may_edit(user, teacher) -> bool:
    if _trusted(user):
        return True
    return teacher.pk in own_teacher_ids(user) or teacher.organization_id in organization_ids(user, ("organization",))


def may_verify(user, teacher) -> bool:
    if _trusted(user):
        return True
    if teacher.pk in own_teacher_ids(user):
        return False
    return teacher.organization_id in organization_ids(user)


def may_open_evidence(user, teacher) -> bool:
    if _trusted(user):
        return True
    if any(a.role == "ministry" for a in assignments(user)):
        return True
    return teacher.pk in own_teacher_ids(user) or teacher.organization_id in organization_ids(user)


def is_national(user) -> bool:
    return _trusted(user) or any(a.role == "ministry" for a in assignments(user))


def region_ids(user) -> set[int]:
    return {a.region_id for a in assignments(user) if a.role == "region" and a.region_id}


def may_view_staff(user, organization) -> bool:
    """The staff overview of an organisation: its administration and verifiers, its region, the ministry."""
    if is_national(user):
        return True
    return organization.pk in organization_ids(user) or organization.region_id in region_ids(user)

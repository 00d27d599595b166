"""Writes of the partnership app: employers' declared needs (``labour.EmployerNeed``).

* ``employer_need_declare``: an enterprise declares how many people of a specialty (optionally one of its
  qualifications) it will need in a year, this year or up to ``MAX_YEARS_AHEAD`` years ahead;
* ``employer_need_update``: change the specialty, qualification, year, people or comment of a need;
* ``employer_need_delete``: withdraw a need.

Who may write: the employer for its own enterprise, a region for the enterprises of its region, the ministry
for all (``EmployerNeed.scope.write_roles``). Each write runs in one transaction with its audit row; an update
that changes nothing writes nothing. Bad input raises ``django.core.exceptions.ValidationError`` keyed by the
field's name, with a readable message, and writes nothing; a write outside the actor's scope raises
``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.accounts import audit
from smarttvet.labour.models import EmployerNeed
from smarttvet.partnership.selectors import enterprise_q
from smarttvet.registry.models import Enterprise, Qualification, Specialty

MAX_YEARS_AHEAD = 5
MAX_PEOPLE = 100_000
COMMENT_MAX = 300
NEED_FIELDS = ("specialty", "qualification", "year", "people", "comment")
AUDITED = ("enterprise", "specialty", "qualification", "year", "people", "declared_on", "comment")


def _invalid(errors: dict[str, str]) -> ValidationError:
    return ValidationError({name: [message] for name, message in errors.items()})


def may_declare(actor, enterprise: Enterprise) -> bool:
    """Whether ``actor`` may declare, change and withdraw the needs of ``enterprise``."""
    return Enterprise.objects.filter(pk=enterprise.pk).filter(enterprise_q(actor, for_write=True)).exists()


def _require(actor, enterprise: Enterprise) -> None:
    if not may_declare(actor, enterprise):
        raise PermissionDenied(_("You may not declare the needs of this enterprise."))


def _whole(value: Any, name: str, low: int, high: int, errors: dict[str, str]) -> int | None:
    if isinstance(value, bool) or value is None or value == "":
        errors[name] = _("A whole number is required.")
        return None
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        errors[name] = _("%(value)s is not a whole number.") % {"value": repr(value)}
        return None
    if not low <= number <= high:
        errors[name] = _("%(value)s is outside %(low)s–%(high)s.") % {"value": number, "low": low, "high": high}
        return None
    return number


def _specialty(value: Any, errors: dict[str, str]) -> Specialty | None:
    if isinstance(value, Specialty):
        return value
    code = str(value or "").strip()
    if not code:
        errors["specialty"] = _("The specialty is required.")
        return None
    found = Specialty.objects.filter(code=code).first()
    if found is None:
        errors["specialty"] = _("There is no specialty with the code %(code)s.") % {"code": code}
    return found


def _qualification(value: Any, specialty: Specialty | None, errors: dict[str, str]) -> Qualification | None:
    if value in (None, ""):
        return None
    if isinstance(value, Qualification):
        found = value
    else:
        code = str(value).strip()
        found = Qualification.objects.filter(code=code).first()
        if found is None:
            errors["qualification"] = _("There is no qualification with the code %(code)s.") % {"code": code}
            return None
    if specialty is not None and found.specialty_id != specialty.pk:
        errors["qualification"] = _("The qualification %(code)s belongs to another specialty.") % {
            "code": found.code}
        return None
    return found


def _clean(values: dict[str, Any], today: dt.date, *, kept_year: int | None = None) -> dict[str, Any]:
    """The need's fields checked and resolved; ValidationError with every problem at once. The year is this year
    up to ``MAX_YEARS_AHEAD`` ahead, or ``kept_year`` (an earlier need's year left as it was)."""
    errors: dict[str, str] = {}
    specialty = _specialty(values.get("specialty"), errors)
    low = today.year
    if kept_year is not None and str(values.get("year")).strip() == str(kept_year):
        low = min(low, kept_year)
    cleaned = {
        "specialty": specialty,
        "qualification": _qualification(values.get("qualification"), specialty, errors),
        "year": _whole(values.get("year"), "year", low, today.year + MAX_YEARS_AHEAD, errors),
        "people": _whole(values.get("people"), "people", 1, MAX_PEOPLE, errors),
        "comment": str(values.get("comment") or "").strip(),
    }
    if len(cleaned["comment"]) > COMMENT_MAX:
        errors["comment"] = _("The comment is longer than %(n)s characters.") % {"n": COMMENT_MAX}
    if errors:
        raise _invalid(errors)
    return cleaned


def _duplicate_error() -> ValidationError:
    return _invalid({"year": _("This enterprise has already declared a need for this specialty, qualification "
                               "and year: change that one instead.")})


def _exists(enterprise_id: int, cleaned: dict[str, Any], exclude: int | None = None) -> bool:
    qs = EmployerNeed.objects.filter(enterprise_id=enterprise_id, specialty=cleaned["specialty"],
                                     qualification=cleaned["qualification"], year=cleaned["year"])
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.exists()


def employer_need_declare(*, actor, enterprise: Enterprise, specialty: Any, year: Any, people: Any,
                          qualification: Any = None, comment: str = "", declared_on: dt.date | None = None
                          ) -> EmployerNeed:
    """Declare a need of ``enterprise``: ``people`` of ``specialty`` (a Specialty or its code; optionally one of
    its qualifications) in ``year`` (this year up to ``MAX_YEARS_AHEAD`` ahead). Audited."""
    _require(actor, enterprise)
    today = declared_on or timezone.localdate()
    cleaned = _clean({"specialty": specialty, "qualification": qualification, "year": year, "people": people,
                      "comment": comment}, today)
    if _exists(enterprise.pk, cleaned):
        raise _duplicate_error()
    need = EmployerNeed(enterprise=enterprise, declared_on=today, **cleaned)
    need.full_clean()
    try:
        with transaction.atomic():
            need.save()
            audit.record(actor=actor, action="create", obj=need, changes=audit.snapshot(need, list(AUDITED)),
                         region_id=enterprise.region_id)
    except IntegrityError:  # declared at the same moment by someone else
        raise _duplicate_error() from None
    return need


def employer_need_update(*, actor, need: EmployerNeed, data: dict[str, Any]) -> EmployerNeed:
    """Change a need's specialty, qualification, year, people or comment (``data`` holds those given); the date
    of declaration becomes today when anything changed. Audited; nothing changed writes nothing."""
    _require(actor, need.enterprise)
    unknown = sorted(set(data) - set(NEED_FIELDS))
    if unknown:
        raise _invalid({name: _("This field cannot be changed.") for name in unknown})
    today = timezone.localdate()
    with transaction.atomic():
        locked = EmployerNeed.objects.select_for_update(of=("self",)).select_related(
            "enterprise", "specialty", "qualification").get(pk=need.pk)
        merged = {"specialty": locked.specialty, "qualification": locked.qualification, "year": locked.year,
                  "people": locked.people, "comment": locked.comment, **data}
        if "specialty" in data and "qualification" not in data and locked.qualification_id is not None:
            new = data["specialty"].code if isinstance(data["specialty"], Specialty) else str(data["specialty"])
            if new.strip() != locked.specialty.code:
                merged["qualification"] = None  # a new specialty drops a qualification of the old one
        cleaned = _clean(merged, today, kept_year=locked.year)
        if _exists(locked.enterprise_id, cleaned, exclude=locked.pk):
            raise _duplicate_error()
        before = audit.snapshot(locked, list(AUDITED))
        for name, value in cleaned.items():
            setattr(locked, name, value)
        if not audit.diff(before, audit.snapshot(locked, list(AUDITED))):
            return locked
        locked.declared_on = today
        locked.full_clean()
        locked.save()
        audit.record(actor=actor, action="update", obj=locked,
                     changes=audit.diff(before, audit.snapshot(locked, list(AUDITED))),
                     region_id=locked.enterprise.region_id)
    return locked


def employer_need_delete(*, actor, need: EmployerNeed) -> None:
    """Withdraw a need. Audited with the need's last values."""
    _require(actor, need.enterprise)
    with transaction.atomic():
        locked = EmployerNeed.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=need.pk)
        audit.record(actor=actor, action="delete", obj=locked, changes=audit.snapshot(locked, list(AUDITED)),
                     region_id=locked.enterprise.region_id)
        locked.delete()

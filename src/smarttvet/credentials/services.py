"""Issuing and revoking credentials: the only writes of this app, each in a transaction with its audit row."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.accounts import audit
from smarttvet.accounts.models import AuditEntry
from smarttvet.credentials import dataintegrity, documents, keys
from smarttvet.credentials.models import IssuedCredential

ISSUER_NAME = "SMART TVET · Ministry of Enlightenment of the Republic of Kazakhstan"
CLI_ACTOR = "command line"
MAX_REASON = 1000


@dataclass(frozen=True)
class AchievementSpec:
    """What a credential attests. ``name``, ``description`` and ``criteria`` each carry kk, ru and en texts;
    ``achievement_type`` is from the Open Badges 3.0 AchievementType vocabulary (or ``ext:…``); ``facts`` are
    shown as the subject's results (label → value)."""

    name: dict[str, str]
    description: dict[str, str]
    criteria: dict[str, str]
    achievement_type: str = "Certificate"
    facts: dict[str, str | int | float] = field(default_factory=dict)


def base_url() -> str:
    """The platform's public address (``SMARTTVET_PUBLIC_URL``), without a trailing slash."""
    return str(getattr(settings, "PUBLIC_URL", "") or "http://localhost:8000").rstrip("/")


def issuer_url() -> str:
    return f"{base_url()}/api/v1/credentials/issuer"


def revocation_list_url() -> str:
    return f"{base_url()}/api/v1/credentials/revocations"


def issuer_profile() -> dict:
    return {"id": issuer_url(), "type": ["Profile"], "name": ISSUER_NAME, "url": base_url()}


def verification_url(credential: IssuedCredential) -> str:
    """The absolute address of the credential's public page (in the active language)."""
    return base_url() + credential.get_absolute_url()


def _check_spec(kind: str, achievement: AchievementSpec) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in IssuedCredential.Kind.values:
        errors["kind"] = [_("Unknown credential kind “%(kind)s”: use certification or portfolio_summary.")
                          % {"kind": kind}]
    for name in ("name", "description", "criteria"):
        values = getattr(achievement, name)
        missing = [code for code in documents.LANGUAGES
                   if not isinstance(values, dict) or not str(values.get(code) or "").strip()]
        if missing:
            errors[name] = [_("The achievement's %(field)s is missing in: %(languages)s.")
                            % {"field": name, "languages": ", ".join(missing)}]
    kind_of_achievement = achievement.achievement_type
    if kind_of_achievement not in documents.ACHIEVEMENT_TYPES and not str(kind_of_achievement).startswith("ext:"):
        errors["achievement_type"] = [_("“%(type)s” is not an Open Badges achievement type.")
                                      % {"type": kind_of_achievement}]
    for label, value in achievement.facts.items():
        if not isinstance(label, str) or not label.strip() or not isinstance(value, str | int | float):
            errors["facts"] = [_("Each fact needs a text label and a text or number value.")]
    if errors:
        raise ValidationError(errors)


def _end_of(day: dt.date | None) -> dt.datetime | None:
    """The last second of ``day`` in the platform's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59))) if day is not None else None


def issue(*, teacher, kind: str, achievement: AchievementSpec, source=None, actor=None,
          valid_until: dt.date | None = None) -> IssuedCredential:
    """Sign and store a credential for ``teacher`` (a people.Teacher) with the platform's current key."""
    _check_spec(kind, achievement)
    issued_at = timezone.now().replace(microsecond=0)
    if valid_until is not None and valid_until < timezone.localdate(issued_at):
        raise ValidationError({"valid_until": [_("The end of validity is before the day of issue.")]})
    public_id = uuid.uuid4()
    unsigned = documents.build(
        credential_id=f"urn:uuid:{public_id}", issuer=issuer_profile(), kind=kind,
        subject_name=teacher.full_name, subject_key=teacher.person_key, salt=secrets.token_hex(16),
        name=achievement.name, description=achievement.description, criteria=achievement.criteria,
        achievement_type=achievement.achievement_type, facts=dict(achievement.facts), issued_at=issued_at,
        valid_until=_end_of(valid_until), status_url=revocation_list_url(),
    )
    record, private_key = keys.signing_key()
    signed = dataintegrity.sign(unsigned, private_key, verification_method=record.id,
                                created=documents.timestamp(issued_at))
    user = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        credential = IssuedCredential.objects.create(
            public_id=public_id, kind=kind, teacher=teacher, document=signed, issued_at=issued_at,
            valid_until=valid_until, key_id=record.id, issued_by=user,
            source_type=ContentType.objects.get_for_model(source) if source is not None else None,
            source_id=str(source.pk) if source is not None else "",
        )
        audit.record(actor=actor if user else CLI_ACTOR, action=AuditEntry.Action.CREATE, obj=credential,
                     target_label=f"{credential.public_id} {teacher.full_name}",
                     changes={"kind": kind, "teacher": teacher.pk, "key_id": record.id,
                              "source": f"{credential.source_type_id}:{credential.source_id}" if source else ""})
    return credential


def may_revoke(actor, credential: IssuedCredential) -> bool:
    """The ministry, and the holder's organisation (its administration and verifiers, who verify the records
    credentials are issued from), never on their own credential; the command line (no user) is trusted."""
    from smarttvet.portfolio import access as portfolio_access

    if actor is None or isinstance(actor, str) or getattr(actor, "is_superuser", False):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    if credential.teacher_id in portfolio_access.own_teacher_ids(actor):
        return False
    return portfolio_access.is_national(actor) or portfolio_access.may_verify(actor, credential.teacher)


def revoke(credential: IssuedCredential, *, reason: str, actor=None) -> IssuedCredential:
    """Revoke a credential: from now on it fails verification, which reports the date and ``reason``.
    Refused (nothing written): PermissionDenied unless :func:`may_revoke`; ValidationError without a reason or
    if it is already revoked."""
    if not may_revoke(actor, credential):
        raise PermissionDenied(_("Only the ministry and the holder's organisation may revoke this credential."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the revocation.")]})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": [_("The reason is longer than %(n)d characters.") % {"n": MAX_REASON}]})
    with transaction.atomic():
        locked = IssuedCredential.objects.select_for_update().get(pk=credential.pk)
        if locked.revoked_at is not None:
            raise ValidationError({"credential": [
                _("The credential was already revoked on %(date)s.")
                % {"date": timezone.localdate(locked.revoked_at).isoformat()}
            ]})
        locked.revoked_at = timezone.now()
        locked.revocation_reason = reason
        locked.save(update_fields=["revoked_at", "revocation_reason"])
        user = actor if getattr(actor, "is_authenticated", False) else None
        audit.record(actor=actor if user else CLI_ACTOR, action=AuditEntry.Action.UPDATE, obj=locked,
                     target_label=f"{locked.public_id}",
                     changes={"revoked_at": [None, locked.revoked_at.isoformat()], "revocation_reason": [None, reason]})
    credential.revoked_at, credential.revocation_reason = locked.revoked_at, locked.revocation_reason
    return credential


def rotate_key(*, actor=None) -> tuple[keys.KeyRecord, keys.KeyRecord | None]:
    """A new current signing key (the previous one is retired and stays trusted), audited."""
    new, old = keys.rotate()
    audit.record(actor=actor if getattr(actor, "is_authenticated", False) else CLI_ACTOR,
                 action=AuditEntry.Action.UPDATE, target_type="credentials.signingkey", target_label=new.id,
                 changes={"rotated": [old.id if old else None, new.id]})
    return new, old


def compromise_key(key_id: str, *, reason: str, actor=None) -> tuple[keys.KeyRecord, keys.KeyRecord | None]:
    """Mark a signing key compromised (its credentials fail from now on), audited. Raises keys.UnknownKey or
    ValueError (already compromised)."""
    record, new = keys.mark_compromised(key_id, reason)
    audit.record(actor=actor if getattr(actor, "is_authenticated", False) else CLI_ACTOR,
                 action=AuditEntry.Action.UPDATE, target_type="credentials.signingkey", target_label=record.id,
                 changes={"status": [None, keys.COMPROMISED], "reason": [None, reason],
                          "new_current": new.id if new else None})
    return record, new

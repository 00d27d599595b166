"""Writes to portfolios: records and their versions, the verification workflow, evidence files, import.

Every write checks the actor (``access``), runs in a transaction and writes an audit row. Bad input raises
``ValidationError`` (by field) and writes nothing; a step the workflow does not allow raises ``ValidationError``
naming the status; an actor without the right raises ``PermissionDenied``.

The workflow: draft → submitted → verified | returned; returned → submitted (after changes). A verified record is
locked: a change makes the next version (a draft) of the same record (``lineage``), which needs verification;
the verified version stays in force until then.
"""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.accounts import audit
from smarttvet.portfolio import access, kinds
from smarttvet.portfolio.models import Evidence, Record, Transition

S = Record.Status
# (from, to): who may take the step: "owner" (may_edit) or "verifier" (may_verify)
TRANSITIONS = {
    (S.DRAFT, S.SUBMITTED): "owner",
    (S.RETURNED, S.SUBMITTED): "owner",
    (S.SUBMITTED, S.VERIFIED): "verifier",
    (S.SUBMITTED, S.RETURNED): "verifier",
}
EDITABLE = (S.DRAFT, S.RETURNED)
DEFAULT_MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_EVIDENCE_PER_RECORD = 10
SIGNATURES = (  # (content type, extension, leading bytes)
    ("application/pdf", "pdf", b"%PDF-"),
    ("image/jpeg", "jpg", b"\xff\xd8\xff"),
    ("image/png", "png", b"\x89PNG\r\n\x1a\n"),
)


def max_evidence_bytes() -> int:
    return int(getattr(settings, "PORTFOLIO_EVIDENCE_MAX_BYTES", DEFAULT_MAX_EVIDENCE_BYTES))


def _require_edit(actor, teacher) -> None:
    if not access.may_edit(actor, teacher):
        raise PermissionDenied(_("You may not change this teacher's portfolio."))


def _label(actor) -> str:
    return actor if isinstance(actor, str) else (str(actor) if getattr(actor, "is_authenticated", False) else "system")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _cleaned(kind: str, data: dict) -> kinds.Cleaned:
    cleaned = kinds.clean(kind, data, today=timezone.localdate())
    related = cleaned.columns.get("related_teacher_id")
    if related is not None and "related_teacher" not in cleaned.errors:
        from smarttvet.people.models import Teacher

        if not Teacher.objects.filter(pk=related).exists():
            cleaned.errors["related_teacher"] = [_("No teacher with this ID.")]
    if cleaned.errors:
        raise ValidationError(cleaned.errors)
    return cleaned


def _step(actor, record: Record, to: str, comment: str = "") -> None:
    Transition.objects.create(record=record, from_status=record.status if record.pk else "", to_status=to,
                              actor=_user(actor), actor_label=_label(actor), comment=comment)


@transaction.atomic
def record_create(*, actor, teacher, kind: str, data: dict, is_demo: bool = False) -> Record:
    """A new draft record of ``kind`` for ``teacher``."""
    _require_edit(actor, teacher)
    cleaned = _cleaned(kind, data)
    record = Record(teacher=teacher, kind=kind, details=cleaned.details, is_demo=is_demo, **cleaned.columns)
    record.save()
    Transition.objects.create(record=record, to_status=S.DRAFT, actor=_user(actor), actor_label=_label(actor))
    audit.record(actor=actor, action="create", obj=record, changes={"kind": kind, "status": S.DRAFT})
    return record


def open_version(record: Record) -> Record | None:
    """The version of ``record``'s lineage that is not verified yet (draft, submitted or returned), if any."""
    return (Record.objects.filter(lineage=record.lineage).exclude(status=S.VERIFIED)
            .exclude(pk=record.pk).order_by("-version").first())


@transaction.atomic
def record_update(*, actor, record: Record, data: dict) -> Record:
    """Change a record: a draft or returned version in place; a verified one by making its next version (a draft,
    returned as the result). A submitted record waits for its verifier."""
    _require_edit(actor, record.teacher)
    record = Record.objects.select_for_update().get(pk=record.pk)
    cleaned = _cleaned(record.kind, data)
    if record.status == S.SUBMITTED:
        raise ValidationError(_("This record is submitted for verification: it changes after the verifier "
                                "returns it."))
    if record.status == S.VERIFIED:
        if record.superseded_at is not None:
            raise ValidationError(_("This version was replaced by a later one: change the latest version."))
        pending = open_version(record)
        if pending is not None:
            raise ValidationError(_("A new version of this record (version %(v)s) is already waiting: change it "
                                    "instead.") % {"v": pending.version})
        new = Record(teacher=record.teacher, kind=record.kind, details=cleaned.details, lineage=record.lineage,
                     version=record.version + 1, is_demo=record.is_demo, **cleaned.columns)
        new.save()
        for evidence in record.evidence.all():  # the files stay; the new version points to them too
            Evidence.objects.create(record=new, file=evidence.file.name, name=evidence.name,
                                    content_type=evidence.content_type, size=evidence.size, sha256=evidence.sha256,
                                    uploaded_by=evidence.uploaded_by)
        Transition.objects.create(record=new, to_status=S.DRAFT, actor=_user(actor), actor_label=_label(actor),
                                  comment=_("New version of version %(v)s.") % {"v": record.version})
        audit.record(actor=actor, action="create", obj=new,
                     changes={"version": [record.version, new.version], "status": S.DRAFT})
        return new
    before = audit.snapshot(record, ["title", "code", "start_date", "end_date", "hours", "related_teacher",
                                     "details"])
    for name, value in cleaned.columns.items():
        setattr(record, name, value)
    record.details = cleaned.details
    record.save()
    after = audit.snapshot(record, list(before))
    audit.record(actor=actor, action="update", obj=record, changes=audit.diff(before, after))
    return record


@transaction.atomic
def record_delete(*, actor, record: Record) -> None:
    """Delete a draft (a version never submitted); anything else stays in the history."""
    _require_edit(actor, record.teacher)
    if record.status != S.DRAFT or record.transitions.exclude(to_status=S.DRAFT).exists():
        raise ValidationError(_("Only a draft that was never submitted can be deleted."))
    audit.record(actor=actor, action="delete", obj=record, changes={"kind": record.kind, "title": record.title})
    record.delete()


@transaction.atomic
def transition(*, actor, record: Record, to: str, comment: str = "") -> Record:
    """Move ``record`` to status ``to``; returning needs a comment."""
    record = Record.objects.select_for_update().select_related("teacher").get(pk=record.pk)
    if to not in S.values:
        raise ValidationError(_("Unknown status: %(status)s.") % {"status": to})
    who = TRANSITIONS.get((record.status, to))
    if who is None:
        raise ValidationError(_("A %(from)s record cannot become %(to)s.")
                              % {"from": S(record.status).label.lower(), "to": S(to).label.lower()})
    if who == "owner" and not access.may_edit(actor, record.teacher):
        raise PermissionDenied(_("Only the teacher or the organisation submits this record."))
    if who == "verifier" and not access.may_verify(actor, record.teacher):
        raise PermissionDenied(_("Only a verifier of the teacher's organisation verifies or returns records."))
    comment = (comment or "").strip()
    if to == S.RETURNED and not comment:
        raise ValidationError({"comment": [_("Say what to correct when returning a record.")]})
    now = timezone.now()
    before = record.status
    _step(actor, record, to, comment)
    record.status = to
    if to == S.SUBMITTED:
        record.submitted_at = now
        record.comment = ""
    elif to == S.RETURNED:
        record.comment = comment
    elif to == S.VERIFIED:
        record.verified_at, record.verified_by, record.comment = now, _user(actor), comment
        replaced = (Record.objects.filter(lineage=record.lineage, status=S.VERIFIED, superseded_at__isnull=True)
                    .exclude(pk=record.pk))
        for old in replaced:
            audit.record(actor=actor, action="update", obj=old, changes={"superseded_by_version": record.version})
        replaced.update(superseded_at=now)
    record.save()
    audit.record(actor=actor, action="update", obj=record, changes={"status": [before, to], "comment": comment}
                 if comment else {"status": [before, to]})
    return record


# ------------------------------------------------------------------------------------------------ evidence
def detect_type(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) of a PDF, JPEG or PNG judged by its first bytes; None for anything else."""
    for content_type, extension, signature in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


@transaction.atomic
def evidence_add(*, actor, record: Record, upload) -> Evidence:
    """Attach an uploaded file to a draft or returned record. The type comes from the content (PDF, JPEG, PNG),
    never from the name or the browser's claim; the size is limited by ``PORTFOLIO_EVIDENCE_MAX_BYTES``."""
    _require_edit(actor, record.teacher)
    if record.status not in EDITABLE:
        raise ValidationError({"file": [_("Evidence is added to a draft or a returned record only.")]})
    limit = max_evidence_bytes()
    size = getattr(upload, "size", None)
    if size is None or size > limit:
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 2**20, 1)}]})
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if record.evidence.count() >= MAX_EVIDENCE_PER_RECORD:
        raise ValidationError({"file": [_("A record holds at most %(n)s files.") % {"n": MAX_EVIDENCE_PER_RECORD}]})
    upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError({"file": [_("The file is larger than %(mb)s MB.") % {"mb": round(limit / 2**20, 1)}]})
    detected = detect_type(content[:16])
    if detected is None:
        raise ValidationError({"file": [_("Only PDF, JPEG and PNG files are accepted; the content of this file is "
                                          "none of them, whatever its name says.")]})
    content_type, extension = detected
    name = (getattr(upload, "name", "") or "evidence").rsplit("/", 1)[-1][:150]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    evidence = Evidence(record=record, name=f"{stem}.{extension}", content_type=content_type, size=len(content),
                        sha256=hashlib.sha256(content).hexdigest(), uploaded_by=_user(actor))
    evidence.file.save(uuid.uuid4().hex, ContentFile(content), save=False)
    evidence.save()
    audit.record(actor=actor, action="create", obj=evidence, target_label=f"{record}: {evidence.name}",
                 changes={"record": record.pk, "type": content_type, "size": len(content)})
    return evidence


@transaction.atomic
def evidence_delete(*, actor, evidence: Evidence) -> None:
    record = evidence.record
    _require_edit(actor, record.teacher)
    if record.status not in EDITABLE:
        raise ValidationError(_("Evidence of a submitted or verified record stays."))
    audit.record(actor=actor, action="delete", obj=evidence, changes={"record": record.pk, "name": evidence.name})
    evidence.delete()  # the file stays: earlier versions may point to it


# ------------------------------------------------------------------------------------------------ import
@transaction.atomic
def import_records(*, actor, teacher, records: list) -> list[Record]:
    """Import records for ``teacher`` (the JSON export's ``records``): each becomes a draft needing verification;
    a record with the ``lineage`` of an existing one becomes its next version (unless nothing changed). Every
    record is validated first; any error raises ValidationError listing them all, and nothing is written."""
    _require_edit(actor, teacher)
    if not isinstance(records, list):
        raise ValidationError({"records": [_("Give a list of records.")]})
    errors: dict[str, list[str]] = {}
    plan = []
    lineages = {}
    for index, item in enumerate(records):
        where = f"records[{index}]"
        if not isinstance(item, dict):
            errors[where] = [_("A record is an object.")]
            continue
        kind = item.get("kind")
        if kind not in kinds.KINDS:
            errors[f"{where}.kind"] = [_("Unknown record type: %(kind)s.") % {"kind": kind}]
            continue
        data = dict(item.get("details") or {}) if isinstance(item.get("details"), dict) else None
        if data is None:
            errors[f"{where}.details"] = [_("Details are an object.")]
            continue
        for name in ("title", "code", "start_date", "end_date", "hours", "related_teacher"):
            if name in item:
                data[name] = item[name]
        try:
            cleaned = _cleaned(kind, data)
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                errors[f"{where}.{name}"] = problems
            continue
        lineage = item.get("lineage")
        if lineage is not None:
            try:
                lineage = uuid.UUID(str(lineage))
            except ValueError:
                errors[f"{where}.lineage"] = [_("Not a record key (UUID).")]
                continue
            if lineage in lineages:
                errors[f"{where}.lineage"] = [_("The same record key appears twice.")]
                continue
            lineages[lineage] = index
        plan.append((kind, cleaned, lineage))
    latest = {}
    if lineages:
        for record in Record.objects.filter(lineage__in=list(lineages)).order_by("lineage", "version"):
            if record.teacher_id != teacher.pk:
                errors[f"records[{lineages[record.lineage]}].lineage"] = [
                    _("This record key belongs to another teacher's portfolio.")]
            latest[record.lineage] = record
        for lineage, record in latest.items():
            if record.status == S.SUBMITTED:
                errors[f"records[{lineages[lineage]}].lineage"] = [
                    _("This record is waiting for verification: import it after the verifier's decision.")]
    if errors:
        raise ValidationError(errors)
    created = []
    for kind, cleaned, lineage in plan:
        previous = latest.get(lineage)
        if previous is not None:
            same = (previous.details == cleaned.details and previous.kind == kind
                    and all(getattr(previous, name) == value for name, value in cleaned.columns.items()))
            if same:
                continue
            if previous.status in EDITABLE:
                for name, value in cleaned.columns.items():
                    setattr(previous, name, value)
                previous.details = cleaned.details
                previous.save()
                audit.record(actor=actor, action="import", obj=previous, changes={"updated": True})
                created.append(previous)
                continue
        record = Record(teacher=teacher, kind=kind, details=cleaned.details, **cleaned.columns)
        if previous is not None:
            record.lineage, record.version = lineage, previous.version + 1
        elif lineage is not None:
            record.lineage = lineage
        record.save()
        Transition.objects.create(record=record, to_status=S.DRAFT, actor=_user(actor), actor_label=_label(actor),
                                  comment=_("Imported."))
        audit.record(actor=actor, action="import", obj=record, changes={"kind": kind, "version": record.version})
        created.append(record)
    return created

"""Teachers' digital portfolios: records, evidence files, verification history and API tokens.

Design: ONE ``Record`` table for every kind of record (education, category, course, ...; ``kinds.KINDS``). The
values that rules, lists and aggregates read are typed columns (``kind``, ``code``, ``start_date``,
``end_date``, ``hours``, ``related_teacher``); the rest of each kind's fields sit in ``details`` (JSON),
validated by the kind's schema in ``kinds.py``. One table gives one verification workflow, one queue, one
history and one export format for every kind, and the aggregates stay plain SQL.

Versions: every version of a record is a row; the versions of one record share ``lineage`` and count up in
``version``. A verified version is locked; changing it makes the next version (a draft) and the verified one
stays in force until the new one is verified, when it is marked ``superseded_at``. The rules read the verified,
not superseded rows only.
"""

from __future__ import annotations

import hashlib
import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.portfolio.kinds import KINDS


class PrivateStorage(FileSystemStorage):
    """Evidence files under the data directory, outside any served location: they have no URL."""

    @cached_property
    def base_location(self):  # follows MEDIA_ROOT (and a test's override of it)
        return os.path.join(settings.MEDIA_ROOT, "private")

    def url(self, name):  # noqa: D401 - never a public URL
        raise ValueError("Evidence files have no public URL: they are served by portfolio:evidence only.")


def private_storage():
    return PrivateStorage()


RECORD_SCOPE = ScopePaths(region="teacher__organization__region", organization="teacher__organization",
                          teacher="teacher", write_roles=frozenset({"teacher", "organization"}))


class Record(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")

    teacher = models.ForeignKey("people.Teacher", on_delete=models.CASCADE, related_name="portfolio_records")
    kind = models.CharField(_("record type"), max_length=20, choices=[(k, v.label) for k, v in KINDS.items()])
    title = models.CharField(_("title"), max_length=300)
    code = models.CharField(_("type code"), max_length=30, blank=True,
                            help_text=_("The kind's main classifier value: category, level, scheme, direction."))
    start_date = models.DateField(_("date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    hours = models.PositiveIntegerField(_("hours"), null=True, blank=True)
    related_teacher = models.ForeignKey("people.Teacher", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="+", verbose_name=_("related teacher"))
    details = models.JSONField(_("details"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    lineage = models.UUIDField(_("record key"), default=uuid.uuid4, db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)
    comment = models.TextField(_("verifier's comment"), blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = RECORD_SCOPE

    class Meta:
        ordering = ["teacher_id", "kind", "-start_date", "-id"]
        verbose_name = _("portfolio record")
        verbose_name_plural = _("portfolio records")
        constraints = [
            models.UniqueConstraint(fields=["lineage", "version"], name="portfolio_record_version_unique"),
        ]
        indexes = [
            models.Index(fields=["teacher", "status", "kind"]),
            models.Index(fields=["status", "kind", "code"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def kind_spec(self):
        return KINDS[self.kind]

    @property
    def locked(self) -> bool:
        return self.status in (self.Status.VERIFIED, self.Status.SUBMITTED)

    @property
    def in_force(self) -> bool:
        return self.status == self.Status.VERIFIED and self.superseded_at is None

    def values(self) -> dict:
        """The record's fields by name, as the kind's schema names them."""
        data = dict(self.details)
        for name in ("title", "code", "start_date", "end_date", "hours"):
            data[name] = getattr(self, name)
        data["related_teacher"] = self.related_teacher_id
        return data

    @cached_property
    def display_fields(self) -> list[tuple[str, str]]:
        from smarttvet.portfolio.kinds import choice_label

        shown = []
        for f in self.kind_spec.fields:
            value = self.values().get(f.name)
            if value in (None, "") or f.name == "title":
                continue
            if f.type == "bool":
                value = _("yes") if value else _("no")
            elif f.choices:
                value = choice_label(self.kind, f.name, value)
            shown.append((str(f.label), str(value)))
        return shown


class Transition(models.Model):
    """One step of a record's verification: who moved it from which status to which, and why."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=200)
    comment = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    scope = ScopePaths(region="record__teacher__organization__region",
                       organization="record__teacher__organization", teacher="record__teacher")

    class Meta:
        ordering = ["record_id", "at", "id"]
        verbose_name = _("verification step")
        verbose_name_plural = _("verification steps")

    def __str__(self) -> str:
        return f"{self.record_id}: {self.from_status or '-'} → {self.to_status}"


def evidence_path(instance, filename: str) -> str:
    return f"portfolio/{instance.record.teacher_id}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file proving a record: PDF, JPEG or PNG, judged by its content; kept in private storage."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=private_storage, upload_to=evidence_path, max_length=200)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    scope = ScopePaths(region="record__teacher__organization__region",
                       organization="record__teacher__organization", teacher="record__teacher")

    class Meta:
        ordering = ["record_id", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A personal API token: the bearer acts as its user (with the user's roles and scope). Only a SHA-256
    digest is stored; the token itself is shown once, when it is made."""

    PREFIX = "stv_"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("starts with"), max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    scope = ScopePaths()

    class Meta:
        ordering = ["user_id", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

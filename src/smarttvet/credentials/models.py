"""W3C Verifiable Credentials (Open Badges 3.0) signed with the platform's Ed25519 key, and their verification."""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import pick

DOCUMENT_ORDER = ["@context", "id", "type", "name", "description", "issuer", "validFrom", "validUntil", "awardedDate",
                  "credentialSubject", "credentialStatus", "proof"]
PROOF_ORDER = ["type", "cryptosuite", "created", "verificationMethod", "proofPurpose", "@context", "proofValue"]


def _ordered(document: dict) -> dict:
    def order(value: dict, first: list[str]) -> dict:
        return {**{k: value[k] for k in first if k in value}, **{k: v for k, v in value.items() if k not in first}}

    result = order(document, DOCUMENT_ORDER)
    if isinstance(result.get("proof"), dict):
        result["proof"] = order(result["proof"], PROOF_ORDER)
    return result


class IssuedCredential(models.Model):
    """One credential the platform signed: the signed JSON document exactly as handed out, the key that signed it,
    and whether it was revoked. The document is never changed after issuing (a correction is a new credential and
    the revocation of the old one)."""

    class Kind(models.TextChoices):
        CERTIFICATION = "certification", _("Certification")
        PORTFOLIO_SUMMARY = "portfolio_summary", _("Portfolio summary")

    public_id = models.UUIDField(_("credential id"), default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    teacher = models.ForeignKey("people.Teacher", on_delete=models.PROTECT, related_name="credentials",
                                verbose_name=_("teacher"))
    document = models.JSONField(_("signed credential"))
    issued_at = models.DateTimeField(_("issued"), db_index=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    key_id = models.CharField(_("signing key"), max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)
    source_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source = GenericForeignKey("source_type", "source_id")

    scope = ScopePaths(teacher="teacher", organization="teacher__organization", region="teacher__organization__region")

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("issued credential")
        verbose_name_plural = _("issued credentials")
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self) -> str:
        return f"{self.achievement_name} · {self.subject_name}"

    def get_absolute_url(self) -> str:
        return reverse("credentials:detail", args=[self.public_id])

    @property
    def credential_id(self) -> str:
        return f"urn:uuid:{self.public_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def achievement(self) -> dict:
        return (self.document.get("credentialSubject") or {}).get("achievement") or {}

    @property
    def achievement_names(self) -> dict[str, str]:
        from smarttvet.credentials.documents import texts

        return texts(self.achievement, "name")

    @property
    def achievement_name(self) -> str:
        return pick(self.achievement_names)

    @property
    def subject_name(self) -> str:
        from smarttvet.credentials.documents import subject_name

        return subject_name(self.document)

    def json_bytes(self) -> bytes:
        """The downloadable credential: UTF-8 JSON, its main fields first (PostgreSQL's jsonb keeps no key order;
        the signature covers the content, not the layout)."""
        return (json.dumps(_ordered(self.document), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def file_name(self, extension: str = "json") -> str:
        return f"credential-{self.public_id}.{extension}"

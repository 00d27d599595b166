"""Verifiable credentials API under /api/v1/credentials/. Open to anybody (a credential's id is an unguessable
UUID, and verifying needs no account):

- ``POST /verify`` with the credential as the JSON body → ``{valid, revoked, reasons, …}`` (200 whether it passes or
  fails; 400 when the body is not a JSON object - empty, not UTF-8, not JSON, a list; 413 above 256 KB);
- ``GET /{id}`` the platform's record: status, revocation, issued, the page and the JSON's addresses;
- ``GET /{id}/document`` the signed credential;
- ``GET /issuer`` the issuer's profile with every public key (current, retired, compromised);
- ``GET /revocations`` the Open Badges ``1EdTechRevocationList`` the credentials' ``credentialStatus`` points to.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from smarttvet.credentials import keys, services, verification
from smarttvet.credentials.models import IssuedCredential

router = Router(tags=["credentials"])


class VerificationOut(Schema):
    valid: bool
    revoked: bool
    reasons: list[str]
    credential_id: str | None
    subject_name: str
    achievement_name: str
    issuer_name: str
    issued_at: str | None
    valid_until: str | None
    key_id: str | None
    key_status: str | None
    revoked_at: str | None
    revocation_reason: str | None
    verification_url: str | None


class Problem(Schema):
    detail: str


class CredentialStatusOut(Schema):
    id: str
    kind: str
    valid: bool
    revoked: bool
    revoked_at: dt.datetime | None
    revocation_reason: str
    reasons: list[str]
    issued_at: dt.datetime
    valid_until: dt.date | None
    key_id: str
    subject_name: str
    achievement_name: str
    verification_url: str
    document_url: str


_BODY = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "type": "object", "description": "A Verifiable Credential (any JSON object)", "additionalProperties": True}}}}}


@router.post("/verify", response={200: VerificationOut, 400: Problem, 413: Problem}, openapi_extra=_BODY,
             summary="Verify a credential (the JSON body)")
def verify(request):
    try:
        document = verification.parse(request.body)
    except verification.BadInput as exc:
        return Status(413 if exc.too_large else 400, {"detail": str(exc)})
    return verification.verify(document).as_json()


@router.get("/issuer", summary="The issuer's profile and public keys")
def issuer(request):
    return keys.public_registry(services.issuer_profile())


@router.get("/revocations", summary="The revocation list (Open Badges 1EdTechRevocationList)")
def revocations(request):
    revoked = IssuedCredential.objects.filter(revoked_at__isnull=False).order_by("revoked_at").values_list(
        "public_id", "revoked_at", "revocation_reason")
    return {
        "id": services.revocation_list_url(), "issuer": services.issuer_url(),
        "revokedCredentials": [
            {"id": f"urn:uuid:{pid}", "revoked": True, "revocationReason": reason, "revokedAt": at.isoformat()}
            for pid, at, reason in revoked
        ],
    }


@router.get("/{uuid:public_id}", response={200: CredentialStatusOut, 404: Problem}, summary="A credential's status")
def credential_status(request, public_id: uuid.UUID):
    credential = get_object_or_404(IssuedCredential.objects.select_related("teacher"), public_id=public_id)
    result = verification.verify_stored(credential)
    return {
        "id": credential.credential_id, "kind": credential.kind, "valid": result.valid, "revoked": result.revoked,
        "revoked_at": credential.revoked_at, "revocation_reason": credential.revocation_reason,
        "reasons": result.reasons, "issued_at": credential.issued_at, "valid_until": credential.valid_until,
        "key_id": credential.key_id, "subject_name": credential.subject_name,
        "achievement_name": credential.achievement_name,
        "verification_url": services.verification_url(credential),
        "document_url": f"{services.base_url()}/api/v1/credentials/{credential.public_id}/document",
    }


_DOCUMENT = {"responses": {200: {"description": "The signed credential", "content": {"application/json": {
    "schema": {"type": "object", "additionalProperties": True}}}}}}


@router.get("/{uuid:public_id}/document", response={404: Problem}, openapi_extra=_DOCUMENT,
            summary="The signed credential (JSON)")
def credential_document(request, public_id: uuid.UUID):
    credential = get_object_or_404(IssuedCredential, public_id=public_id)
    response = HttpResponse(credential.json_bytes(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{credential.file_name()}"'
    return response

"""Checking a credential someone hands over: is it well-formed, signed by one of the platform's keys (not a
compromised one), unchanged since it was signed, within its validity dates, known to the platform and not revoked.

``parse`` turns the input into a JSON object or raises ``BadInput`` (not UTF-8, empty, too large, not JSON, not an
object): the pages answer 400, the API 400/413 and the command line exits 2. ``verify`` never raises: every
problem it finds is a translated reason in ``Verification.reasons``.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from smarttvet.core.i18n import pick
from smarttvet.credentials import dataintegrity as di
from smarttvet.credentials import documents, keys
from smarttvet.credentials.models import IssuedCredential

MAX_BYTES = 256 * 1024  # a credential is a few kilobytes


class BadInput(ValueError):
    """The input is not a JSON object at all (the message says why, in the active language)."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@dataclass
class Verification:
    valid: bool
    revoked: bool = False
    reasons: list[str] = field(default_factory=list)
    subject_name: str = ""
    achievement_name: str = ""
    issued_at: dt.datetime | None = None
    key_id: str = ""
    credential: IssuedCredential | None = None
    issuer_name: str = ""
    valid_until: dt.datetime | None = None
    revoked_at: dt.datetime | None = None
    revocation_reason: str = ""
    credential_id: str = ""
    key_status: str = ""
    results: list[tuple[str, str]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "valid": self.valid, "revoked": self.revoked, "reasons": self.reasons,
            "credential_id": self.credential_id or None, "subject_name": self.subject_name,
            "achievement_name": self.achievement_name, "issuer_name": self.issuer_name,
            "issued_at": self.issued_at.isoformat() if self.issued_at else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "key_id": self.key_id or None, "key_status": self.key_status or None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "revocation_reason": self.revocation_reason or None,
            "verification_url": self.credential.get_absolute_url() if self.credential else None,
        }


class _Duplicate(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Duplicate(key)
        result[key] = value
    return result


def _no_constant(name: str) -> Any:
    # NaN and Infinity are not JSON (Python's parser accepts them by default).
    raise json.JSONDecodeError(f"{name} is not a JSON value", name, 0)


def parse(document: bytes | str | dict) -> dict:
    """The credential as a JSON object, or BadInput naming what is wrong."""
    if isinstance(document, dict):
        return document
    if isinstance(document, bytes | bytearray):
        if len(document) > MAX_BYTES:
            raise BadInput(_("The file is too large: %(size)d KB, at most %(max)d KB.")
                           % {"size": -(-len(document) // 1024), "max": MAX_BYTES // 1024}, too_large=True)
        try:
            document = bytes(document).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadInput(_("The file is not UTF-8 text, so it is not a JSON credential.")) from None
    if not isinstance(document, str):
        raise BadInput(_("The input is not JSON text."))
    if len(document.encode("utf-8")) > MAX_BYTES:
        raise BadInput(_("The text is too large: at most %(max)d KB.") % {"max": MAX_BYTES // 1024}, too_large=True)
    if not document.strip():
        raise BadInput(_("The input is empty: paste or upload a credential (a JSON file)."))
    try:
        value = json.loads(document, parse_constant=_no_constant, object_pairs_hook=_no_duplicates)
    except _Duplicate as exc:
        raise BadInput(_("The JSON repeats the key “%(key)s” in one object: a credential must not be ambiguous.")
                       % {"key": exc.key}) from None
    except json.JSONDecodeError as exc:
        raise BadInput(_("The input is not valid JSON: %(error)s at line %(line)d, column %(column)d.")
                       % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}) from None
    except RecursionError:
        raise BadInput(_("The input is not valid JSON: it is nested too deeply.")) from None
    if not isinstance(value, dict):
        kinds = {list: _("a list"), str: _("a text"), int: _("a number"), float: _("a number"),
                 bool: _("true or false"), type(None): _("null")}
        raise BadInput(_("The JSON is %(kind)s, not a credential: a credential is a JSON object {…}.")
                       % {"kind": kinds.get(type(value), type(value).__name__)})
    return value


def _datetime(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _day(value: dt.datetime) -> str:
    return timezone.localtime(value).date().isoformat()


def verify(document: bytes | str | dict, *, now: dt.datetime | None = None,
           stored: IssuedCredential | None = None) -> Verification:
    """Check a credential; never raises. ``stored``: the platform's record of it when the caller already has it
    (saves the look-up)."""
    try:
        doc = parse(document)
    except BadInput as exc:
        return Verification(valid=False, reasons=[str(exc)])
    now = now or timezone.now()
    result = Verification(valid=False)
    reasons = result.reasons
    result.subject_name = documents.subject_name(doc)
    achievement = doc.get("credentialSubject", {}).get("achievement") if isinstance(
        doc.get("credentialSubject"), dict) else None
    result.achievement_name = pick(documents.texts(achievement or {}, "name"))
    result.issuer_name = documents.issuer_name(doc)
    result.results = documents.results(doc)
    result.credential_id = doc.get("id") if isinstance(doc.get("id"), str) else ""

    types = doc.get("type")
    if not (isinstance(types, list) and "VerifiableCredential" in types) and types != "VerifiableCredential":
        reasons.append(_("The document is not a Verifiable Credential: its “type” does not include "
                         "VerifiableCredential."))
        return result
    context = doc.get("@context")
    if not isinstance(context, list) or not context or context[0] != documents.VC_CONTEXT:
        reasons.append(_("The document does not start its “@context” with the W3C Verifiable Credentials 2.0 "
                         "context."))

    # The proof: which key, is it ours, does the signature match.
    try:
        _unsecured, options, _signature = di.split(doc)
    except di.ProofError as exc:
        messages = {
            "missing": _("The credential has no proof: it is not signed."),
            "several": _("The credential has several proofs; the platform signs with exactly one."),
            "cryptosuite": _("Unknown proof type or cryptosuite “%(suite)s”: the platform signs with "
                             "DataIntegrityProof and eddsa-jcs-2022.") % {"suite": exc.detail},
            "value": _("The proof value is not a base58btc Ed25519 signature."),
            # The specification treats a changed @context as a failed proof: the same reason as a bad signature.
            "context": _("The signature does not match: the document was changed after it was signed."),
        }
        reasons.append(messages.get(exc.code, str(exc)))
        return result
    method = options.get("verificationMethod")
    result.key_id = method if isinstance(method, str) else ""
    created = _datetime(options.get("created"))
    if options.get("proofPurpose") != di.PROOF_PURPOSE:
        reasons.append(_("The proof's purpose is “%(purpose)s”, not assertionMethod.")
                       % {"purpose": options.get("proofPurpose")})
    public_key = None
    try:
        public_key = di.public_key_from_did_key(method)
    except di.ProofError:
        reasons.append(_("The issuer key “%(key)s” cannot be read: it is not an Ed25519 did:key.")
                       % {"key": method})
    record = keys.find(method) if isinstance(method, str) else None
    if public_key is not None:
        if record is None:
            reasons.append(_("The issuer key %(key)s is not one of the platform's keys.") % {"key": method})
        else:
            result.key_status = record.status
            if record.status == keys.COMPROMISED:
                reasons.append(_("The issuer key %(key)s was marked compromised on %(date)s: credentials signed "
                                 "with it are not trusted.") % {"key": method, "date": (record.compromised or "")[:10]})
        try:
            signature_ok = di.verify(doc, public_key)
        except di.ProofError:
            signature_ok = False
        if not signature_ok:
            reasons.append(_("The signature does not match: the document was changed after it was signed."))

    # Dates.
    valid_from = _datetime(doc.get("validFrom"))
    result.issued_at = valid_from or created
    if "validFrom" in doc and valid_from is None:
        reasons.append(_("“validFrom” is not a date and time."))
    elif valid_from is not None and valid_from > now:
        reasons.append(_("The credential is valid only from %(date)s.") % {"date": _day(valid_from)})
    if "validUntil" in doc:
        valid_until = _datetime(doc.get("validUntil"))
        result.valid_until = valid_until
        if valid_until is None:
            reasons.append(_("“validUntil” is not a date and time."))
        elif valid_until < now:
            reasons.append(_("The credential expired on %(date)s.") % {"date": _day(valid_until)})

    # The platform's register: known, and not revoked.
    if record is not None:
        public_id = None
        if result.credential_id.startswith("urn:uuid:"):
            try:
                public_id = uuid.UUID(result.credential_id[len("urn:uuid:"):])
            except ValueError:
                public_id = None
        if stored is not None and stored.public_id == public_id:
            credential = stored
        else:
            credential = IssuedCredential.objects.filter(public_id=public_id).first() if public_id else None
        result.credential = credential
        if credential is None:
            reasons.append(_("The platform has no record of the credential “%(id)s”.") % {"id": result.credential_id})
        elif credential.revoked_at is not None:
            result.revoked = True
            result.revoked_at, result.revocation_reason = credential.revoked_at, credential.revocation_reason
            reasons.append(_("The credential was revoked on %(date)s: %(reason)s")
                           % {"date": _day(credential.revoked_at), "reason": credential.revocation_reason})
    result.valid = not reasons
    return result


def verify_stored(credential: IssuedCredential, *, now: dt.datetime | None = None) -> Verification:
    """The verification of a stored credential (its page): the same checks on its own document."""
    return verify(credential.document, now=now, stored=credential)

"""Issuing and verifying: the document's format (VC 2.0 + Open Badges 3.0), its signature, the platform's keys
(unknown, rotated, compromised), revocation, expiry, and a change of one character anywhere."""

import copy
import datetime as dt
import json
import os
import stat

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smarttvet.accounts.models import AuditEntry
from smarttvet.credentials import dataintegrity as di
from smarttvet.credentials import documents, keys, services, verification
from smarttvet.credentials.models import IssuedCredential

pytestmark = pytest.mark.django_db
SIGNATURE = "The signature does not match: the document was changed after it was signed."


def test_issue_signs_a_valid_open_badge(credential, world):
    doc = credential.document
    assert doc["@context"] == ["https://www.w3.org/ns/credentials/v2",
                               "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert doc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert doc["id"] == f"urn:uuid:{credential.public_id}"
    assert doc["issuer"] == {"id": "https://smarttvet.example.kz/api/v1/credentials/issuer", "type": ["Profile"],
                             "name": services.ISSUER_NAME, "url": "https://smarttvet.example.kz"}
    assert doc["validFrom"] == credential.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert doc["credentialStatus"] == {"id": "https://smarttvet.example.kz/api/v1/credentials/revocations",
                                       "type": "1EdTechRevocationList"}
    subject = doc["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"] and achievement["achievementType"] == "Certification"
    assert achievement["name"] == "New-format teacher certificate" and achievement["inLanguage"] == "en"
    assert achievement["criteria"] == {"narrative": "Verified qualification records."}
    assert achievement["translations"]["kk"]["name"] == "Жаңа форматтағы педагог сертификаты"
    assert achievement["translations"]["ru"]["criteria"] == "Подтверждённые записи о квалификации."
    assert documents.results(doc) == [("Professional development hours (3 years)", "144"),
                                      ("Qualification category", "Teacher-expert")]
    name, system = subject["identifier"]
    assert name == {"type": "IdentityObject", "identityType": "name", "hashed": False,
                    "identityHash": world.teacher_a.full_name}
    assert system["hashed"] is True and system["identityHash"].startswith("sha256$")
    assert system["identityHash"] == documents.identity_hash(world.teacher_a.person_key, system["salt"])
    text = credential.json_bytes().decode("utf-8")
    assert world.teacher_a.person_key not in text  # never in clear
    assert list(json.loads(text))[:3] == ["@context", "id", "type"] and list(json.loads(text))[-1] == "proof"
    proof = doc["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["verificationMethod"] == credential.key_id == keys.all_keys()[0].id
    assert proof["proofPurpose"] == "assertionMethod" and proof["proofValue"].startswith("z")
    with translation.override("kk"):
        assert credential.get_absolute_url() == f"/kk/credentials/{credential.public_id}/"


def test_issue_is_audited_and_remembers_its_source(world, spec):
    before = AuditEntry.objects.count()
    c = services.issue(teacher=world.teacher_a, kind="portfolio_summary", achievement=spec, source=world.college_a)
    entry = AuditEntry.objects.get(target_type="credentials.issuedcredential", target_id=str(c.pk))
    assert AuditEntry.objects.count() == before + 1
    assert entry.actor_label == "command line" and entry.action == "create"
    assert entry.organization_id == world.college_a.pk and entry.region_id == world.turkistan.pk
    c.refresh_from_db()
    assert c.source == world.college_a and c.kind == "portfolio_summary"
    user = world.users["organization"]
    c2 = services.issue(teacher=world.teacher_a, kind="certification", achievement=spec, actor=user)
    assert AuditEntry.objects.get(target_id=str(c2.pk), target_type="credentials.issuedcredential").actor == user
    assert c2.issued_by == user


@pytest.mark.parametrize("change, field", [
    ({"kind": "diploma"}, "kind"),
    ({"name": {"kk": "А", "ru": "Б"}}, "name"),
    ({"criteria": {"kk": "А", "ru": "Б", "en": "  "}}, "criteria"),
    ({"achievement_type": "Trophy"}, "achievement_type"),
    ({"facts": {"hours": [1, 2]}}, "facts"),
])
def test_issue_refuses_bad_specs_and_writes_nothing(world, spec, change, field):
    kind = change.pop("kind", "certification")
    bad = services.AchievementSpec(**{**spec.__dict__, **change})
    with pytest.raises(ValidationError) as error:
        services.issue(teacher=world.teacher_a, kind=kind, achievement=bad)
    assert field in error.value.message_dict
    assert not IssuedCredential.objects.exists() and not AuditEntry.objects.exists()


def test_sign_then_verify_is_valid(credential, world):
    for form in (credential.document, credential.json_bytes(), credential.json_bytes().decode()):
        result = verification.verify(form)
        assert result.valid, result.reasons
        assert result.reasons == [] and not result.revoked
        assert result.subject_name == world.teacher_a.full_name
        assert result.achievement_name == "New-format teacher certificate"  # the active language
        assert result.credential == credential and result.key_id == credential.key_id
        assert result.issued_at == credential.issued_at and result.key_status == "current"


def test_compact_json_and_other_key_order_still_verify(credential):
    """The signature covers the content (JCS), not the layout."""
    text = json.dumps(dict(reversed(list(credential.document.items()))), separators=(",", ":"))
    assert verification.verify(text).valid


@pytest.mark.parametrize("path, value", [
    (("credentialSubject", "identifier", 0, "identityHash"), "Somebody Else"),
    (("credentialSubject", "achievement", "name"), "Teacher-master certificate"),
    (("credentialSubject", "result", 0, "value"), "1440"),
    (("validFrom",), "2020-01-01T00:00:00Z"),
    (("issuer", "name"), "Another issuer"),
    (("proof", "created"), "2020-01-01T00:00:00Z"),
])
def test_a_changed_field_fails_with_the_signature_reason(credential, path, value):
    doc = copy.deepcopy(credential.document)
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    result = verification.verify(doc)
    assert not result.valid and SIGNATURE in result.reasons


def _string_positions(text: str) -> list[int]:
    """Offsets of the characters inside the JSON string literals of ``text`` outside the proof (escapes
    excluded), i.e. the places where a change keeps the JSON valid but changes signed content."""
    positions, inside, escaped, proof_at = [], False, False, text.index('"proof"')
    for i, ch in enumerate(text):
        if inside:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                inside = False
            elif i < proof_at:
                positions.append(i)
        elif ch == '"':
            inside = True
    return positions


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_character_changed_in_any_signed_text_fails_with_the_signature_reason(credential, data):
    text = credential.json_bytes().decode("utf-8")
    positions = _string_positions(text)
    i = data.draw(st.sampled_from(positions))
    new = data.draw(st.sampled_from("aZ09 .-Жж").filter(lambda c: c != text[i]))
    changed = text[:i] + new + text[i + 1:]
    result = verification.verify(changed)
    assert not result.valid
    assert SIGNATURE in result.reasons or any("Verifiable Credential" in r for r in result.reasons)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_character_changed_anywhere_never_passes_unless_only_the_layout_changed(credential, data):
    text = json.dumps(credential.document, ensure_ascii=False, separators=(",", ":"))
    i = data.draw(st.integers(0, len(text) - 1))
    new = data.draw(st.sampled_from('a1 {}[]":,z\\').filter(lambda c: c != text[i]))
    changed = text[:i] + new + text[i + 1:]
    try:
        parsed = verification.parse(changed)
    except verification.BadInput:
        return  # no longer JSON: refused as bad input
    result = verification.verify(parsed)
    assert result.valid == (parsed == credential.document)
    if not result.valid:
        assert result.reasons


def test_every_signed_string_position_of_the_proof_value_fails(credential):
    """The proofValue itself: each character changed (to a valid base58 one) breaks the signature."""
    value = credential.document["proof"]["proofValue"]
    for i in range(1, len(value)):
        doc = copy.deepcopy(credential.document)
        doc["proof"]["proofValue"] = value[:i] + ("2" if value[i] != "2" else "3") + value[i + 1:]
        result = verification.verify(doc)
        assert not result.valid
        assert SIGNATURE in result.reasons or "The proof value is not a base58btc Ed25519 signature." in result.reasons


def test_a_credential_signed_by_an_unknown_key_fails_naming_the_key(credential):
    foreign = di.private_key_from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    method = di.did_key(di.public_bytes(foreign.public_key()))
    unsigned = {k: v for k, v in credential.document.items() if k != "proof"}
    forged = di.sign(unsigned, foreign, verification_method=method, created="2026-01-01T00:00:00Z")
    result = verification.verify(forged)
    assert not result.valid
    assert result.reasons == [f"The issuer key {method} is not one of the platform's keys."]
    # The signature itself is sound (self-consistent): only the key is foreign.
    assert di.verify(forged, di.public_key_from_did_key(method))


def test_a_foreign_key_with_our_key_id_fails_on_the_signature(credential):
    """Pretending to be the platform's key (its id) but signing with another key: the signature fails."""
    foreign = di.private_key_from_multibase("z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq")
    unsigned = {k: v for k, v in credential.document.items() if k != "proof"}
    forged = di.sign(unsigned, foreign, verification_method=credential.key_id, created="2026-01-01T00:00:00Z")
    result = verification.verify(forged)
    assert result.reasons == [SIGNATURE]


def test_rotation_keeps_old_credentials_valid_and_signs_new_ones_with_the_new_key(world, spec, credential):
    old_key = credential.key_id
    new, retired = keys.rotate()
    assert retired.id == old_key and new.id != old_key
    assert [k.status for k in keys.all_keys()] == ["retired", "current"]
    old_result = verification.verify(credential.json_bytes())
    assert old_result.valid and old_result.key_status == "retired"
    fresh = services.issue(teacher=world.teacher_a, kind="certification", achievement=spec)
    assert fresh.key_id == new.id == fresh.document["proof"]["verificationMethod"]
    assert verification.verify(fresh.document).valid


def test_a_compromised_key_fails_its_credentials_and_is_replaced(world, spec, credential):
    record, new = keys.mark_compromised(credential.key_id, "laptop stolen")
    assert record.status == "compromised" and new is not None
    result = verification.verify(credential.document)
    assert not result.valid and result.key_status == "compromised"
    day = record.compromised[:10]
    assert result.reasons == [f"The issuer key {credential.key_id} was marked compromised on {day}: "
                              "credentials signed with it are not trusted."]
    fresh = services.issue(teacher=world.teacher_a, kind="certification", achievement=spec)
    assert fresh.key_id == new.id and verification.verify(fresh.document).valid
    with pytest.raises(ValueError, match="already marked compromised"):
        keys.mark_compromised(credential.key_id, "again")


def test_compromising_a_retired_key_keeps_the_current_one(credential):
    new, _old = keys.rotate()
    _record, replacement = keys.mark_compromised(credential.key_id, "leaked backup")
    assert replacement is None
    assert [k.id for k in keys.all_keys() if k.status == "current"] == [new.id]


def test_revoked_reports_the_revocation_with_date_and_reason(credential):
    services.revoke(credential, reason="Issued to the wrong teacher")
    result = verification.verify(credential.json_bytes())
    day = timezone.localtime(credential.revoked_at).date().isoformat()
    assert not result.valid and result.revoked
    assert result.reasons == [f"The credential was revoked on {day}: Issued to the wrong teacher"]
    assert result.revocation_reason == "Issued to the wrong teacher"
    entry = AuditEntry.objects.filter(action="update", target_type="credentials.issuedcredential").get()
    assert entry.changes["revocation_reason"] == [None, "Issued to the wrong teacher"]


def test_revoking_twice_or_without_reason_is_refused_and_changes_nothing(credential):
    with pytest.raises(ValidationError, match="reason"):
        services.revoke(credential, reason="   ")
    services.revoke(credential, reason="Wrong")
    first = IssuedCredential.objects.get(pk=credential.pk).revoked_at
    with pytest.raises(ValidationError, match="already revoked"):
        services.revoke(credential, reason="Again")
    stored = IssuedCredential.objects.get(pk=credential.pk)
    assert stored.revoked_at == first and stored.revocation_reason == "Wrong"
    assert AuditEntry.objects.filter(action="update").count() == 1


def test_expired_fails_and_not_yet_valid_fails(world, spec):
    today = timezone.localdate()
    c = services.issue(teacher=world.teacher_a, kind="certification", achievement=spec,
                       valid_until=today + dt.timedelta(days=30))
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=30), dt.time(23, 59, 59)))
    assert c.document["validUntil"] == end.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert verification.verify(c.document).valid
    later = dt.datetime.combine(today + dt.timedelta(days=40), dt.time(12), tzinfo=dt.UTC)
    result = verification.verify(c.document, now=later)
    assert result.reasons == [f"The credential expired on {(today + dt.timedelta(days=30)).isoformat()}."]
    earlier = c.issued_at - dt.timedelta(days=2)
    result = verification.verify(c.document, now=earlier)
    assert not result.valid and result.reasons[0].startswith("The credential is valid only from")
    with pytest.raises(ValidationError):
        services.issue(teacher=world.teacher_a, kind="certification", achievement=spec,
                       valid_until=today - dt.timedelta(days=1))


def test_a_credential_the_platform_has_no_record_of_fails(credential):
    doc = copy.deepcopy(credential.document)
    IssuedCredential.objects.filter(pk=credential.pk).delete()
    result = verification.verify(doc)
    assert result.reasons == [f"The platform has no record of the credential “urn:uuid:{credential.public_id}”."]


@pytest.mark.parametrize("mutate, reason", [
    (lambda d: d.pop("proof"), "The credential has no proof: it is not signed."),
    (lambda d: d["proof"].update(cryptosuite="ecdsa-rdfc-2019"), "Unknown proof type or cryptosuite"),
    (lambda d: d.update(type=["OpenBadgeCredential"]), "not a Verifiable Credential"),
    (lambda d: d["proof"].update(verificationMethod="https://example.org/keys/1"), "cannot be read"),
    (lambda d: d.update(proof=[d["proof"], d["proof"]]), "several proofs"),
])
def test_broken_credentials_name_what_failed(credential, mutate, reason):
    doc = copy.deepcopy(credential.document)
    mutate(doc)
    result = verification.verify(doc)
    assert not result.valid and any(reason in r for r in result.reasons), result.reasons


@pytest.mark.parametrize("data, message", [
    (b"", "The input is empty"),
    (b"   \n", "The input is empty"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"{not json", "not valid JSON"),
    (b"[1, 2, 3]", "The JSON is a list, not a credential"),
    (b'"a string"', "not a credential"),
    (b"x" * (verification.MAX_BYTES + 1), "too large"),
])
def test_bad_input_is_refused_before_verification(data, message):
    with pytest.raises(verification.BadInput, match=message):
        verification.parse(data)
    result = verification.verify(data)
    assert not result.valid and message.split(":")[0] in result.reasons[0]


def test_reasons_are_translated(credential):
    doc = copy.deepcopy(credential.document)
    doc["credentialSubject"]["achievement"]["name"] = "Changed"
    with translation.override("ru"):
        ru = verification.verify(doc).reasons
    with translation.override("kk"):
        kk = verification.verify(doc).reasons
    assert ru == ["Подпись не совпадает: документ изменён после подписания."]
    assert kk == ["Қолтаңба сәйкес келмейді: құжат қол қойылғаннан кейін өзгертілген."]
    with translation.override("ru"):
        assert verification.verify(doc).achievement_name == "Сертификат педагога нового формата"


def test_first_key_is_created_on_first_use_with_private_permissions(key_dir, world, spec):
    assert not key_dir.exists()
    services.issue(teacher=world.teacher_a, kind="certification", achievement=spec)
    (record,) = keys.all_keys()
    pem = key_dir / f"{record.fingerprint}.pem"
    assert stat.S_IMODE(os.stat(pem).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_dir).st_mode) == 0o700
    assert pem.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    registry = (key_dir / "registry.json").read_text()
    assert "PRIVATE" not in registry and record.public_key_multibase in registry
    # The second credential reuses the key.
    services.issue(teacher=world.teacher_a, kind="certification", achievement=spec)
    assert len(keys.all_keys()) == 1


def test_the_public_registry_lists_every_key_and_no_private_material(credential):
    keys.rotate()
    keys.mark_compromised(credential.key_id, "test")
    registry = keys.public_registry(services.issuer_profile())
    assert registry["id"] == services.issuer_url() and registry["type"] == ["Profile"]
    statuses = [(m["status"], m["type"]) for m in registry["verificationMethod"]]
    assert statuses == [("compromised", "Multikey"), ("current", "Multikey")]
    assert credential.key_id not in registry["assertionMethod"]
    assert "PRIVATE" not in json.dumps(registry)


@pytest.mark.parametrize("text, message", [
    ('{"a": NaN}', "not valid JSON"),
    ('{"a": Infinity}', "not valid JSON"),
    ('{"id": "x", "id": "y"}', "repeats the key “id”"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
])
def test_json_that_python_would_accept_but_is_not_strict_json_is_refused(text, message):
    with pytest.raises(verification.BadInput, match=message):
        verification.parse(text)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)
_keys = st.sampled_from(["@context", "type", "id", "proof", "credentialSubject", "issuer", "validFrom",
                         "validUntil", "name"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(replacements=st.dictionaries(_keys, _json, max_size=4),
       proof_parts=st.dictionaries(st.sampled_from(["type", "cryptosuite", "verificationMethod", "proofValue",
                                                    "@context", "created", "proofPurpose"]), _json, max_size=3))
def test_verify_never_raises_on_strange_documents(credential, replacements, proof_parts):
    doc = copy.deepcopy(credential.document)
    doc["proof"].update(proof_parts)
    doc.update(replacements)
    result = verification.verify(doc)
    assert result.valid == (doc == credential.document)
    assert result.valid or result.reasons

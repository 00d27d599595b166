"""The API: POST /verify (any JSON object → 200 with the verdict; not an object → 400; too large → 413),
GET a credential's status and document, the issuer's keys and the revocation list."""

import copy
import json

import pytest

from smarttvet.accounts.models import AuditEntry
from smarttvet.credentials import keys, services, verification
from smarttvet.credentials.models import IssuedCredential

pytestmark = pytest.mark.django_db
BASE = "/api/v1/credentials"


def _post(client, body: bytes | str):
    return client.post(f"{BASE}/verify", data=body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_verify_a_valid_credential(client, credential, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = _post(client, credential.json_bytes())
    data = response.json()
    assert response.status_code == 200
    assert data["valid"] is True and data["revoked"] is False and data["reasons"] == []
    assert data["subject_name"] == credential.subject_name and data["key_id"] == credential.key_id
    assert data["credential_id"] == f"urn:uuid:{credential.public_id}" and data["key_status"] == "current"


def test_verify_a_tampered_credential_gives_the_reason(client, credential):
    doc = copy.deepcopy(credential.document)
    doc["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    data = _post(client, json.dumps(doc)).json()
    assert data["valid"] is False
    assert data["reasons"] == ["The signature does not match: the document was changed after it was signed."]


def test_verify_a_revoked_credential(client, credential):
    services.revoke(credential, reason="Superseded")
    data = _post(client, credential.json_bytes()).json()
    assert data["valid"] is False and data["revoked"] is True
    assert data["revocation_reason"] == "Superseded" and data["revoked_at"]


@pytest.mark.parametrize("body, status, message", [
    (b"", 400, "empty"),
    (b"not json", 400, "not valid JSON"),
    (b"[{}]", 400, "a list"),
    (b"42", 400, "a number"),
    (b"\xc3\x28", 400, "UTF-8"),
    (b"{" + b" " * (verification.MAX_BYTES + 1) + b"}", 413, "too large"),
], ids=["empty", "not-json", "array", "number", "not-utf8", "huge"])
def test_bad_bodies_are_4xx_with_a_readable_detail_and_write_nothing(client, credential, body, status, message):
    before = (AuditEntry.objects.count(), IssuedCredential.objects.count())
    response = _post(client, body)
    assert response.status_code == status
    assert message in response.json()["detail"]
    assert (AuditEntry.objects.count(), IssuedCredential.objects.count()) == before


def test_the_verdict_is_in_the_callers_language(client, credential):
    doc = copy.deepcopy(credential.document)
    doc["name"] = "x"
    response = client.post(f"{BASE}/verify", data=json.dumps(doc), content_type="application/json",
                           HTTP_ACCEPT_LANGUAGE="ru")
    assert response.json()["reasons"] == ["Подпись не совпадает: документ изменён после подписания."]
    empty = client.post(f"{BASE}/verify", data=b"", content_type="application/json", HTTP_ACCEPT_LANGUAGE="kk")
    assert empty.status_code == 400 and "Ештеңе енгізілмеген" in empty.json()["detail"]


def test_a_json_object_that_is_not_a_credential_is_a_failing_verdict(client):
    data = _post(client, b'{"hello": "world"}').json()
    assert data["valid"] is False and "not a Verifiable Credential" in data["reasons"][0]


def test_status_of_a_stored_credential(client, credential, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        data = client.get(f"{BASE}/{credential.public_id}").json()
    assert data["valid"] is True and data["revoked"] is False and data["kind"] == "certification"
    assert data["verification_url"].startswith("https://smarttvet.example.kz/")
    assert data["verification_url"].endswith(f"/credentials/{credential.public_id}/")
    services.revoke(credential, reason="Error")
    data = client.get(f"{BASE}/{credential.public_id}").json()
    assert data["revoked"] is True and data["revocation_reason"] == "Error" and data["valid"] is False
    assert client.get(f"{BASE}/00000000-0000-4000-8000-000000000000").status_code == 404


def test_document_issuer_and_revocations(client, credential):
    document = client.get(f"{BASE}/{credential.public_id}/document")
    assert json.loads(document.content) == credential.document
    keys.rotate()
    issuer = client.get(f"{BASE}/issuer").json()
    assert issuer["id"] == services.issuer_url() == credential.document["issuer"]["id"]
    assert [m["status"] for m in issuer["verificationMethod"]] == ["retired", "current"]
    assert client.get(f"{BASE}/revocations").json()["revokedCredentials"] == []
    services.revoke(credential, reason="Lost")
    listing = client.get(f"{BASE}/revocations").json()
    assert listing["id"] == credential.document["credentialStatus"]["id"]
    assert listing["revokedCredentials"][0]["id"] == credential.credential_id
    assert listing["revokedCredentials"][0]["revocationReason"] == "Lost"

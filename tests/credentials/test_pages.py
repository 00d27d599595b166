"""The public pages: verify (paste or upload; anonymous; CSRF-protected; bad input 400 and nothing written), a
credential's page (status, download, constant queries), its JSON, the keys; the PDF only for its teacher, their
organisation and the ministry."""

import copy
import io
import json

import pytest
from django.test import Client
from pypdf import PdfReader

from smarttvet.accounts.models import AuditEntry
from smarttvet.credentials import keys, services, verification
from smarttvet.credentials.models import IssuedCredential
from tests import factories as f

pytestmark = pytest.mark.django_db
VERIFY = "/en/credentials/verify/"


def _upload(content: bytes, name: str = "credential.json"):
    file = io.BytesIO(content)
    file.name = name
    return file


def test_verify_page_is_public_and_has_a_csrf_protected_form(client):
    response = client.get(VERIFY)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in body and 'enctype="multipart/form-data"' in body
    assert 'href="/en/credentials/keys.json"' in body
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(VERIFY, {"text": "{}"}).status_code == 403


def test_pasting_a_valid_credential_shows_valid(client, credential):
    response = client.post(VERIFY, {"text": credential.json_bytes().decode()})
    body = response.content.decode()
    assert response.status_code == 200
    assert "is-valid" in body and "Valid: the credential is genuine" in body
    assert credential.subject_name in body and "New-format teacher certificate" in body
    assert f'href="/en/credentials/{credential.public_id}/"' in body


def test_uploading_a_tampered_file_shows_the_reason(client, credential):
    doc = copy.deepcopy(credential.document)
    doc["credentialSubject"]["result"][0]["value"] = "999"
    response = client.post(VERIFY, {"file": _upload(json.dumps(doc).encode())})
    body = response.content.decode()
    assert response.status_code == 200 and "is-invalid" in body
    assert "The signature does not match: the document was changed after it was signed." in body


def test_a_revoked_credential_shows_revoked_with_date(client, credential):
    services.revoke(credential, reason="Duplicate")
    body = client.post(VERIFY, {"file": _upload(credential.json_bytes())}).content.decode()
    assert "is-revoked" in body and "Duplicate" in body
    assert credential.revoked_at.strftime("%Y-%m-%d") in body or "revoked on" in body


@pytest.mark.parametrize("data, message", [
    ({"text": ""}, "Paste a credential or choose its file."),
    ({"text": "{not json"}, "The input is not valid JSON"),
    ({"text": "[1, 2]"}, "The JSON is a list, not a credential"),
    ({"file": _upload(b"")}, "The submitted file is empty."),
    ({"file": _upload(b"%PDF-1.7 \xff\xfe binary")}, "not UTF-8"),
    ({"file": _upload(b"[]")}, "The JSON is a list, not a credential"),
    ({"file": _upload(b" " * (verification.MAX_BYTES + 10))}, "The file is too large"),
    ({"text": "{}", "file": _upload(b"{}")}, "not both"),
])
def test_bad_input_on_the_page_is_a_400_form_error_and_writes_nothing(client, credential, data, message):
    before = (AuditEntry.objects.count(), IssuedCredential.objects.count())
    response = client.post(VERIFY, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (AuditEntry.objects.count(), IssuedCredential.objects.count()) == before


def test_a_huge_text_is_refused(client):
    response = client.post(VERIFY, {"text": "{" + " " * (verification.MAX_BYTES + 10) + "}"})
    assert response.status_code == 400


@pytest.mark.parametrize("language, verdict, reason", [
    ("kk", "Жарамды", "Қолтаңба"),
    ("ru", "Действителен", "Подпись"),
])
def test_results_in_kazakh_and_russian(client, credential, language, verdict, reason):
    ok = client.post(f"/{language}/credentials/verify/", {"text": credential.json_bytes().decode()})
    assert verdict in ok.content.decode()
    doc = copy.deepcopy(credential.document)
    doc["name"] = "x"
    bad = client.post(f"/{language}/credentials/verify/", {"text": json.dumps(doc)})
    assert reason in bad.content.decode()


def test_credential_page_shows_status_and_download_with_constant_queries(client, credential,
                                                                        django_assert_max_num_queries):
    url = f"/kk/credentials/{credential.public_id}/"
    with django_assert_max_num_queries(4):
        response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 200 and "is-valid" in body
    assert f'/kk/credentials/{credential.public_id}.json' in body
    assert credential.subject_name in body and services.ISSUER_NAME in body
    assert "credential.pdf" not in body  # anonymous: no PDF link
    services.revoke(credential, reason="Withdrawn")
    with django_assert_max_num_queries(4):
        body = client.get(url).content.decode()
    assert "is-revoked" in body and "Withdrawn" in body


def test_credential_page_queries_do_not_grow_with_more_credentials(client, world, spec, credential,
                                                                   django_assert_max_num_queries):
    for _ in range(5):
        services.issue(teacher=world.teacher_a, kind="certification", achievement=spec)
    client.force_login(world.users["teacher"])
    with django_assert_max_num_queries(8):
        body = client.get(f"/ru/credentials/{credential.public_id}/").content.decode()
    assert "credential.pdf?lang=ru" in body


def test_unknown_credential_page_is_404(client):
    assert client.get("/en/credentials/00000000-0000-4000-8000-000000000000/").status_code == 404
    assert client.get("/en/credentials/not-a-uuid/").status_code == 404


def test_json_download_is_the_signed_credential(client, credential):
    response = client.get(f"/en/credentials/{credential.public_id}.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content) == credential.document
    assert verification.verify(response.content).valid


def test_keys_json_lists_the_public_keys(client, credential):
    keys.rotate()
    data = client.get("/en/credentials/keys.json").json()
    assert [m["status"] for m in data["verificationMethod"]] == ["retired", "current"]
    assert data["verificationMethod"][0]["id"] == credential.key_id
    assert data["name"] == services.ISSUER_NAME


def _pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_pdf_is_only_for_the_teacher_their_organisation_and_the_ministry(client, world, credential):
    url = f"/en/credentials/{credential.public_id}/credential.pdf?lang=en"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    allowed = ["teacher", "organization", "ministry", "region"]  # the region: the teacher's organisation's
    for role in allowed:
        client.force_login(world.users[role])
        response = client.get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    other_org = f.user_with_role("other-college", "organization", organization=world.college_b)
    other_teacher = f.user_with_role("other-teacher", "teacher", teacher=world.teacher_other_region)
    other_region = f.user_with_role("other-region", "region", region=world.almaty)
    for user in (other_org, other_teacher, other_region, world.users["employer"]):
        client.force_login(user)
        assert client.get(url).status_code == 404


def _revocations() -> int:
    return AuditEntry.objects.filter(changes__has_key="revocation_reason").count()


@pytest.mark.parametrize("role", ["organization", "ministry"])
def test_the_holders_organisation_and_the_ministry_revoke_from_the_page(client, world, credential, role):
    page = f"/en/credentials/{credential.public_id}/"
    client.force_login(world.users[role])
    assert f'action="{page}revoke/"' in client.get(page).content.decode()
    response = client.post(f"{page}revoke/", {"reason": "Issued in error"}, follow=True)
    body = response.content.decode()
    assert response.status_code == 200 and "The credential is revoked" in body
    assert "is-revoked" in body and "Issued in error" in body and f'action="{page}revoke/"' not in body
    credential.refresh_from_db()
    assert credential.revoked_at is not None and credential.revocation_reason == "Issued in error"
    assert _revocations() == 1
    assert verification.verify(credential.json_bytes()).revoked  # a copy anyone holds fails from now on


def test_revoking_is_refused_to_the_holder_the_region_and_others_and_writes_nothing(client, world, credential):
    page = f"/en/credentials/{credential.public_id}/"
    other_org = f.user_with_role("other-college", "organization", organization=world.college_b)
    expected = {"teacher": 403, "region": 403, "employer": 404}
    for role, status in expected.items():
        client.force_login(world.users[role])
        assert f'action="{page}revoke/"' not in client.get(page).content.decode(), role
        assert client.post(f"{page}revoke/", {"reason": "mine"}).status_code == status, role
    client.force_login(other_org)
    assert client.post(f"{page}revoke/", {"reason": "theirs"}).status_code == 404
    client.logout()
    assert client.post(f"{page}revoke/", {"reason": "anyone"}).status_code == 302  # to the login page
    credential.refresh_from_db()
    assert credential.revoked_at is None and _revocations() == 0


def test_revoking_needs_a_reason_and_happens_once(client, world, credential):
    page = f"/en/credentials/{credential.public_id}/"
    client.force_login(world.users["organization"])
    body = client.post(f"{page}revoke/", {"reason": "  "}, follow=True).content.decode()
    assert "Give the reason for the revocation." in body and _revocations() == 0
    client.post(f"{page}revoke/", {"reason": "Duplicate"})
    body = client.post(f"{page}revoke/", {"reason": "Again"}, follow=True).content.decode()
    assert "already revoked" in body and _revocations() == 1
    credential.refresh_from_db()
    assert credential.revocation_reason == "Duplicate"

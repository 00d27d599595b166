"""The public credential verification page in a real browser: uploading a genuine credential file shows it valid;
pasting the same credential with one changed character shows the signature reason; the credential's page
shows its status - with no console error, no CSP violation and no failed request."""

import json

import pytest

from smarttvet.credentials import services
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SPEC = services.AchievementSpec(
    name={"kk": "Портфолио түйіндемесі", "ru": "Сводка портфолио", "en": "Portfolio summary"},
    description={"kk": "Расталған жазбалар.", "ru": "Подтверждённые записи.", "en": "Verified records."},
    criteria={"kk": "Ұйым растаған.", "ru": "Подтверждено организацией.", "en": "Verified by the organisation."},
    facts={"Verified records": 12},
)


@pytest.mark.parametrize("lang, valid_text, reason_text", [
    ("en", "Valid: the credential is genuine", "The signature does not match"),
    ("ru", "Действителен", "Подпись не совпадает"),
])
def test_upload_and_paste_verification(live_server, new_page, tmp_path, lang, valid_text, reason_text):
    teacher = f.teacher(f.organization(f.region("61")), full_name="Aigerim Test")
    credential = services.issue(teacher=teacher, kind="portfolio_summary", achievement=SPEC)
    path = tmp_path / "credential.json"
    path.write_bytes(credential.json_bytes())
    page, problems = new_page(lang)
    base = live_server.url
    page.goto(f"{base}/{lang}/credentials/verify/")
    page.set_input_files("input[type=file][name=file]", str(path))
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector(".credential-result")
    assert "is-valid" in page.locator(".credential-result").get_attribute("class")
    assert valid_text in page.locator(".credential-result .verdict").inner_text()
    assert "Aigerim Test" in page.locator(".credential-result").inner_text()

    tampered = json.loads(credential.json_bytes())
    tampered["credentialSubject"]["result"][0]["value"] = "13"
    page.fill("textarea[name=text]", json.dumps(tampered))
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector(".credential-result.is-invalid")
    assert reason_text in page.locator(".credential-result .reasons").inner_text()

    page.goto(f"{base}/{lang}/credentials/{credential.public_id}/")
    assert "is-valid" in page.locator(".credential-result").get_attribute("class")
    assert page.locator(f"a[href$='{credential.public_id}.json']").count() == 1
    assert problems.items == []

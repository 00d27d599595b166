"""The PDF CV in Kazakh, Russian and English (its extracted text is in the chosen language), and the portfolio's
credentials: `smarttvet portfolio issue` then `verify` (0), one character changed (1, with the reason), revoked
(1, reports the revocation), bad arguments (2); a verified certification record issued from the page."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from smarttvet.portfolio import cv
from tests.portfolio.conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(world):
    t = world.teacher_a
    record(t, "category", {"code": "expert", "start_date": "2023-04-01", "title": "Order 12"}, status="verified")
    record(t, "course", {"title": "Digital tools", "provider": "Orleu", "hours": "72", "start_date": "2025-03-01",
                         "new_format": "1"}, status="verified")
    record(t, "certification", {"title": "New format teacher", "code": "new_format", "issuer": "Orleu",
                                "start_date": "2025-05-01"}, status="verified")
    record(t, "publication", {"title": "Unverified article", "code": "article", "start_date": "2025-01-01"})
    return t


def pdf_text(body: bytes) -> str:
    """The PDF's text without white space (the extraction breaks lines in table cells and splits kerned pairs)."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages).split())


def squeeze(text: str) -> str:
    return "".join(text.split())


def test_cv_renders_in_each_language_with_verified_records_only(portfolio):
    texts = {lang: pdf_text(cv.render_pdf(portfolio, lang)) for lang in ("kk", "ru", "en")}
    for text in texts.values():
        assert squeeze(portfolio.full_name) in text and "Digitaltools" in text and "Newformatteacher" in text
        assert "Unverifiedarticle" not in text
    assert squeeze("Professional development course") in texts["en"] and "Teacher-expert" in texts["en"]
    assert squeeze("Курс повышения квалификации") in texts["ru"] and "Педагог-эксперт" in texts["ru"]
    assert squeeze("Біліктілікті арттыру курсы") in texts["kk"] and squeeze("педагог-сарапшы") in texts["kk"].lower()
    assert squeeze("Professional development course") not in texts["ru"] + texts["kk"]


def test_cv_page_and_its_language(world, portfolio, client_as):
    response = client_as(world.users["teacher"]).get(reverse("portfolio:cv", args=[portfolio.pk]) + "?lang=en")
    assert response.status_code == 200 and response["Content-Language"] == "en"
    assert response.content.startswith(b"%PDF")


def run(*args):
    out = io.StringIO()
    call_command("portfolio", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def test_issue_then_verify_tamper_and_revoke(world, portfolio, tmp_path):
    from smarttvet.credentials import services
    from smarttvet.credentials.models import IssuedCredential

    out = tmp_path / "summary.json"
    text = run("issue", "--teacher", portfolio.pk, "--out", out)
    assert "Issued" in text and out.exists()
    document = json.loads(out.read_text())
    assert "OpenBadgeCredential" in document["type"] and document["proof"]["cryptosuite"].startswith("eddsa-")
    facts = json.dumps(document, ensure_ascii=False)
    assert "Teacher digital portfolio" in facts and "72" in facts  # PD hours from the verified course
    assert "VALID" in run("verify", out)
    from django.test import Client

    credential = IssuedCredential.objects.get(teacher=portfolio, kind="portfolio_summary")
    public = Client().get(credential.get_absolute_url())  # anybody, no login
    assert public.status_code == 200 and portfolio.full_name in public.content.decode()
    # one character changed
    raw = out.read_text()
    tampered = tmp_path / "tampered.json"
    index = raw.index(portfolio.full_name)
    tampered.write_text(raw[:index] + "X" + raw[index + 1:])
    with pytest.raises(CommandError) as caught:
        run("verify", tampered)
    assert caught.value.returncode == 1
    # revoked
    services.revoke(credential, reason="Issued by mistake")
    stdout = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("portfolio", "verify", str(out), stdout=stdout)
    assert caught.value.returncode == 1 and "REVOKED" in stdout.getvalue()
    assert "Issued by mistake" in stdout.getvalue()


def test_tampered_credential_reports_the_reason(world, portfolio, tmp_path):
    out = tmp_path / "summary.json"
    run("issue", "--teacher", portfolio.pk, "--out", out)
    raw = out.read_text()
    index = raw.index(portfolio.full_name)
    out.write_text(raw[:index] + "Y" + raw[index + 1:])
    stdout = io.StringIO()
    with pytest.raises(CommandError):
        call_command("portfolio", "verify", str(out), stdout=stdout)
    assert "INVALID" in stdout.getvalue() and "  - " in stdout.getvalue()  # the reasons are listed


@pytest.mark.parametrize("args,named", [
    (["issue", "--teacher", "abc", "--out", "{tmp}/x.json"], "--teacher"),
    (["issue", "--teacher", "999999", "--out", "{tmp}/x.json"], "--teacher"),
    (["issue", "--teacher", "{teacher}", "--out", "/no/such/folder/x.json"], "--out"),
    (["verify", "{tmp}/missing.json"], "no such file"),
    (["verify", "{tmp}/garbage.json"], "garbage.json"),
    (["verify", "{tmp}/x.json", "--language", "de"], "--language"),
])
def test_bad_arguments_exit_2(world, tmp_path, args, named):
    (tmp_path / "garbage.json").write_text("this is not json")
    (tmp_path / "x.json").write_text("{}")
    values = {"tmp": tmp_path, "teacher": world.teacher_a.pk}
    with pytest.raises(CommandError) as caught:
        run(*[a.format(**values) for a in args])
    assert caught.value.returncode == 2 and named in str(caught.value)


def test_a_verified_certification_is_issued_from_the_page_and_listed(world, portfolio, client_as):
    from smarttvet.credentials.models import IssuedCredential

    certification = portfolio.portfolio_records.get(kind="certification")
    draft = portfolio.portfolio_records.get(kind="publication")
    client = client_as(world.users["teacher"])
    client.post(reverse("portfolio:issue_certification", args=[draft.pk]), follow=True)
    assert not IssuedCredential.objects.exists()
    client.post(reverse("portfolio:issue_certification", args=[certification.pk]))
    credential = IssuedCredential.objects.get()
    assert credential.kind == "certification" and credential.teacher == portfolio
    page = client.get(reverse("portfolio:teacher", args=[portfolio.pk])).content.decode()
    assert reverse("portfolio:credential_json", args=[portfolio.pk, credential.public_id]) in page
    assert credential.get_absolute_url() in page
    download = client.get(reverse("portfolio:credential_json", args=[portfolio.pk, credential.public_id]))
    assert download.status_code == 200 and json.loads(download.content)["id"] == credential.credential_id
    other = client_as(world.users["employer"])
    assert other.post(reverse("portfolio:issue_certification", args=[certification.pk])).status_code == 404

"""Evidence files: judged by their content (not the name, not the browser's type), limited in size, kept in
private storage and served only to the teacher, their organisation's verifiers and administration, and the
ministry (everyone else: 404)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from smarttvet.portfolio import services
from smarttvet.portfolio.models import Evidence
from tests import factories as f
from tests.portfolio.conftest import record

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def evidence(world):
    r = record(world.teacher_a)
    return services.evidence_add(actor="test", record=r, upload=upload("diploma.pdf", PDF))


def test_a_pdf_is_stored_privately_with_its_digest(evidence, settings):
    assert (evidence.content_type, evidence.size, evidence.name) == ("application/pdf", len(PDF), "diploma.pdf")
    path = evidence.file.path
    assert path.startswith(str(settings.MEDIA_ROOT / "private")) and open(path, "rb").read() == PDF
    with pytest.raises(ValueError, match="no public URL"):
        evidence.file.url  # noqa: B018


def test_the_type_comes_from_the_content_not_the_name(world):
    r = record(world.teacher_a)
    e = services.evidence_add(actor="test", record=r, upload=upload("photo.pdf", PNG, "application/pdf"))
    assert (e.content_type, e.name) == ("image/png", "photo.png")
    for name, content, claimed in (("cv.pdf", b"MZ\x90\x00 this is a program", "application/pdf"),
                                   ("cv.pdf", b"<html><script>alert(1)</script>", "application/pdf"),
                                   ("scan.png", b"GIF89a....", "image/png"),
                                   ("doc.pdf", b"PK\x03\x04 a zip or docx", "application/pdf")):
        with pytest.raises(ValidationError, match="Only PDF, JPEG and PNG"):
            services.evidence_add(actor="test", record=r, upload=upload(name, content, claimed))
    assert Evidence.objects.count() == 1


def test_files_too_large_or_empty_are_refused(world, settings):
    settings.PORTFOLIO_EVIDENCE_MAX_BYTES = 1024
    r = record(world.teacher_a)
    with pytest.raises(ValidationError, match="larger than"):
        services.evidence_add(actor="test", record=r, upload=upload("big.pdf", PDF + b"0" * 1024))
    with pytest.raises(ValidationError, match="empty"):
        services.evidence_add(actor="test", record=r, upload=upload("empty.pdf", b""))
    services.evidence_add(actor="test", record=r, upload=upload("ok.pdf", PDF + b"0" * (1024 - len(PDF))))
    assert Evidence.objects.count() == 1


def test_evidence_of_a_submitted_record_is_refused(world):
    r = record(world.teacher_a, status="submitted")
    with pytest.raises(ValidationError, match="draft or a returned"):
        services.evidence_add(actor="test", record=r, upload=upload("a.pdf", PDF))


def test_upload_through_the_page_refuses_a_fake_pdf(world, client_as):
    r = record(world.teacher_a)
    client = client_as(world.users["teacher"])
    url = reverse("portfolio:evidence_upload", args=[r.pk])
    response = client.post(url, {"file": io.BytesIO(b"not a pdf at all")}, follow=True)
    assert "Only PDF, JPEG and PNG" in response.content.decode() and not Evidence.objects.exists()
    fake = SimpleUploadedFile("cv.pdf", b"#!/bin/sh\nrm -rf /", content_type="application/pdf")
    client.post(url, {"file": fake})
    assert not Evidence.objects.exists()
    client.post(url, {"file": SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")})
    assert Evidence.objects.count() == 1


def test_files_reach_the_teacher_their_verifiers_administration_and_the_ministry_only(world, evidence, client_as,
                                                                                      verifier, other_verifier):
    url = reverse("portfolio:evidence", args=[evidence.pk])
    for user in (world.users["teacher"], verifier, world.users["organization"], world.users["ministry"]):
        response = client_as(user).get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf" and "no-store" in response["Cache-Control"]
    other_teacher = f.user_with_role("t-other", "teacher", teacher=world.teacher_other_region)
    other_org = f.user_with_role("college-b", "organization", organization=world.college_b)
    for user in (other_teacher, other_verifier, other_org, world.users["region"], world.users["employer"]):
        assert client_as(user).get(url).status_code == 404, user
    anonymous = client_as(world.users["teacher"])
    anonymous.logout()
    assert anonymous.get(url).status_code == 302  # to the login page

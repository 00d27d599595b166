"""The credential's PDF in Kazakh, Russian and English: its extracted text is in the chosen language and carries
the QR code's address (the verification page)."""

import io

import pytest
from pypdf import PdfReader

from smarttvet.credentials import pdf, qr, services

pytestmark = pytest.mark.django_db


def _text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


@pytest.mark.parametrize("language, title, words, others", [
    ("kk", "Жаңа форматтағы педагог сертификаты", ["Критерийлер", "Тексеру"], ["Criteria", "Критерии"]),
    ("ru", "Сертификат педагога нового формата", ["Критерии", "Проверка"], ["Criteria", "Критерийлер"]),
    ("en", "New-format teacher certificate", ["Criteria", "Verification"], ["Критерии", "Критерийлер"]),
])
def test_pdf_text_in_each_language(credential, language, title, words, others):
    body = pdf.credential_pdf(credential, language)
    assert body.startswith(b"%PDF")
    text = _text(body)
    dense = "".join(text.split())  # text extraction splits some kerned pairs ("T eacher")

    def has(phrase: str) -> bool:
        return "".join(phrase.split()) in dense

    assert has(title) and has(credential.subject_name)
    assert all(has(word) for word in words), text
    assert not any(has(word) for word in others), text
    assert has(f"/{language}/credentials/{credential.public_id}/")


def test_pdf_carries_a_qr_code_of_the_verification_page(credential):
    from django.utils import translation

    with translation.override("ru"):
        url = services.verification_url(credential)
    html = pdf.credential_html(credential, "ru")
    assert qr.qr_svg(url) in html and "<svg" in html
    assert url == f"https://smarttvet.example.kz/ru/credentials/{credential.public_id}/"


def test_qr_svg_is_an_svg_of_the_url():
    svg = qr.qr_svg("https://example.org/x")
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>") and "https://example.org/x" in svg
    assert qr.qr_svg("https://example.org/y") != svg

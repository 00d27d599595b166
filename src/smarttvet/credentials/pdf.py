"""A credential as a printable PDF (WeasyPrint, from ``credentials/credential_pdf.html``) in Kazakh, Russian or
English, with a QR code of its public verification page. The PDF is a human-readable copy: the JSON file is the
credential; the QR code leads to the page that checks it. Fetches nothing (one embedded stylesheet, the DejaVu
Sans system font, the QR code inline)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from smarttvet.core.i18n import LANGUAGE_CODES, pick
from smarttvet.core.pdf import html_to_pdf
from smarttvet.credentials import documents, services, verification
from smarttvet.credentials.models import IssuedCredential
from smarttvet.credentials.qr import qr_svg


def pdf_language(value: str | None, fallback: str | None = None) -> str:
    for candidate in (value, fallback):
        code = (candidate or "")[:2].lower()
        if code in LANGUAGE_CODES:
            return code
    return "ru"


def credential_html(credential: IssuedCredential, language: str) -> str:
    with translation.override(language):
        url = services.verification_url(credential)
        achievement = credential.achievement
        return render_to_string("credentials/credential_pdf.html", {
            "credential": credential, "language": language, "url": url, "qr": qr_svg(url),
            "check": verification.verify_stored(credential),
            "name": pick(documents.texts(achievement, "name"), language),
            "description": pick(documents.texts(achievement, "description"), language),
            "criteria": pick(documents.texts(achievement, "criteria"), language),
            "results": documents.results(credential.document),
            "issuer": documents.issuer_name(credential.document),
        })


def credential_pdf(credential: IssuedCredential, language: str) -> bytes:
    return html_to_pdf(credential_html(credential, language))

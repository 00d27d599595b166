"""The portfolio as a PDF CV (WeasyPrint, from ``portfolio/cv.html``) in Kazakh, Russian or English: the teacher,
the summary of the rules and every verified record (the version in force), by kind.

Pure reads: the caller checks the scope. The PDF fetches nothing (one embedded stylesheet, the DejaVu Sans system
font), like the plan reports (``smarttvet.plans.reports``)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone, translation

from smarttvet.core.pdf import html_to_pdf
from smarttvet.plans.reports import report_language
from smarttvet.portfolio import kinds, selectors
from smarttvet.portfolio.models import Record


def language_of(value: str | None, fallback: str | None = None) -> str:
    return report_language(value, fallback)


def cv_html(teacher, language: str, *, today: dt.date | None = None) -> str:
    from smarttvet.portfolio.views import _summary_context

    today = today or timezone.localdate()
    with translation.override(language):
        records = list(Record.objects.filter(selectors.IN_FORCE, teacher=teacher).order_by("-start_date", "-id"))
        groups = []
        for key, kind in kinds.KINDS.items():
            of_kind = [r for r in records if r.kind == key]
            if of_kind:
                groups.append((str(kind.label), of_kind))
        evaluation = selectors.evaluate(teacher, today)
        return render_to_string("portfolio/cv.html", {
            "teacher": teacher, "organization": teacher.organization, "groups": groups, "language": language,
            "today": today, **_summary_context(teacher, evaluation),
        })


def render_pdf(teacher, language: str, *, today: dt.date | None = None) -> bytes:
    return html_to_pdf(cv_html(teacher, language, today=today))

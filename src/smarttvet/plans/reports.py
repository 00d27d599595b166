"""A plan and its progress as a file: PDF (WeasyPrint, from ``plans/report.html``) or XLSX (openpyxl: goals,
objectives, indicators with baseline, targets, actual, status and source, and activities), in Kazakh, Russian
or English.

Pure reads: the caller checks the scope. The PDF fetches nothing (no external resources: one embedded
stylesheet, the DejaVu Sans system font).
"""

from __future__ import annotations

import datetime as dt
import io

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from smarttvet.core.i18n import LANGUAGE_CODES
from smarttvet.core.pdf import html_to_pdf
from smarttvet.plans import selectors
from smarttvet.plans.models import Plan

DEFAULT_LANGUAGE = "ru"


def report_language(value: str | None, fallback: str | None = None) -> str:
    """``value`` if it is one of kk, ru, en; else ``fallback`` (the request's language) or Russian."""
    for candidate in (value, fallback):
        code = (candidate or "")[:2].lower()
        if code in LANGUAGE_CODES:
            return code
    return DEFAULT_LANGUAGE


def file_name(plan: Plan, language: str, extension: str) -> str:
    return f"{plan.code}-{language}.{extension}"


def report_html(plan: Plan, language: str, *, today: dt.date | None = None) -> str:
    """The report's HTML in ``language`` (what the PDF is made from)."""
    today = today or timezone.localdate()
    with translation.override(language):
        detail = selectors.plan_detail(plan, today=today)
        return render_to_string("plans/report.html", {
            "plan": plan, "detail": detail, "language": language, "today": today,
            "swot_kinds": [(kind, label, detail.swot.get(kind, [])) for kind, label in _swot_labels()],
        })


def _swot_labels():
    from smarttvet.plans.models import SwotItem

    return [(kind, str(label)) for kind, label in SwotItem.Kind.choices]


def report_pdf(plan: Plan, language: str, *, today: dt.date | None = None) -> bytes:
    return html_to_pdf(report_html(plan, language, today=today))


def _value(value):
    return None if value is None else round(float(value), 6)


def report_xlsx(plan: Plan, language: str, *, today: dt.date | None = None) -> bytes:
    """The plan as a workbook: sheets goals, objectives, indicators and activities (headers and labels in
    ``language``; sheet names stable in English)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    today = today or timezone.localdate()
    with translation.override(language):
        detail = selectors.plan_detail(plan, today=today)
        years = sorted({y for item in detail.indicators for y in (*item.targets, *item.actuals)})
        book = Workbook()
        goals = book.active
        goals.title = "goals"
        goals.append([_("Number"), _("Strategic goal"), _("Status")])
        objectives = book.create_sheet("objectives")
        objectives.append([_("Number"), _("Strategic goal"), _("Objective"), _("Status")])
        indicators = book.create_sheet("indicators")
        indicators.append([
            _("Number"), _("Objective"), _("Indicator"), _("Unit"), _("Direction"), _("Baseline year"),
            _("Baseline"), *[f"{_('Target')} {y}" for y in years], *[f"{_('Actual')} {y}" for y in years],
            _("Final target"), _("Latest actual"), _("Year"), _("Status"), _("Source"), _("Measure"),
            _("Evidence"),
        ])
        activities = book.create_sheet("activities")
        activities.append([_("Number"), _("Objective"), _("Activity"), _("Kind"), _("Responsible"), _("Deadline"),
                           _("Status"), _("Done on"), _("Budget, tenge"), _("Evidence"), _("Overdue")])

        def indicator_row(number, objective_title, item):
            i = item.indicator
            return [
                number, objective_title, i.title, i.unit, i.get_direction_display(), i.baseline_year,
                _value(i.baseline_value), *[_value(item.targets.get(y)) for y in years],
                *[_value(item.actuals.get(y)) for y in years], _value(item.final_target),
                _value(item.latest_actual), item.latest_year, str(item.status_label), i.get_source_display(),
                i.measure, i.evidence,
            ]

        def activity_row(number, objective_title, a):
            return [number, objective_title, a.title, a.get_kind_display(), a.responsible, a.deadline,
                    a.get_status_display(), a.done_on, float(a.budget) if a.budget is not None else None,
                    a.evidence, _("yes") if a.overdue else ""]

        for g, node in enumerate(detail.goals, start=1):
            goals.append([str(g), node.goal.title, str(node.status_label)])
            for o, onode in enumerate(node.objectives, start=1):
                number = f"{g}.{o}"
                objectives.append([number, node.goal.title, onode.objective.title, str(onode.status_label)])
                for n, item in enumerate(onode.indicators, start=1):
                    indicators.append(indicator_row(f"{number}.{n}", onode.objective.title, item))
                for n, a in enumerate(onode.activities, start=1):
                    activities.append(activity_row(f"{number}.{n}", onode.objective.title, a))
        for n, item in enumerate(detail.loose_indicators, start=1):
            indicators.append(indicator_row(f"-.{n}", "", item))
        for n, a in enumerate(detail.loose_activities, start=1):
            activities.append(activity_row(f"-.{n}", "", a))
        for sheet in book.worksheets:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            sheet.freeze_panes = "A2"
            for column in sheet.columns:
                width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 8), 60)
        book.properties.title = plan.title[:255]
        book.properties.language = language
        out = io.BytesIO()
        book.save(out)
    return out.getvalue()

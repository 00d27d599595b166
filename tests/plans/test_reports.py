"""A plan and its progress as PDF and XLSX in Kazakh, Russian or English: the PDF is a PDF, its text (the HTML
it is made from) is in the chosen language; the workbook has the goals, objectives, indicators (baseline,
targets, actual, status, source) and activities; the report URLs are scoped like the plan."""

import io

import pytest
from openpyxl import load_workbook

from smarttvet.plans import reports
from smarttvet.plans.models import SwotItem
from tests.plans import factories as pf

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    p = pf.plan(organization=world.college_a, title="College plan", title_kk="Колледжді дамыту жоспары",
                start_year=2024, end_year=2026)
    o = pf.objective(pf.goal(p, "Quality"), "Better graduates")
    pf.indicator(p, o, title="Graduates employed", unit_en="%", baseline_year=2024, baseline_value=50,
                 targets={2025: 60, 2026: 70}, actuals={2025: 61}, evidence="Pension fund data")
    pf.indicator(p, o, source="computed", measure="gradebook.composite", baseline_value=0.4, targets={2026: 0.5},
                 title="Composite")
    pf.activity(p, o, title="Open a career centre", responsible_en="Deputy director", budget="1500000.00")
    SwotItem.objects.create(plan=p, kind="strength", text_en="Strong employers", text_kk="Күшті жұмыс берушілер",
                            text_ru="Сильные работодатели")
    return p


def test_pdf_is_a_pdf_in_each_language(plan):
    for language in ("kk", "ru", "en"):
        body = reports.report_pdf(plan, language)
        assert body.startswith(b"%PDF") and len(body) > 1000


def test_report_text_is_in_the_chosen_language(plan):
    kk = reports.report_html(plan, "kk")
    assert '<html lang="kk">' in kk
    assert "Колледжді дамыту жоспары" in kk  # the plan's Kazakh title
    assert "Орындалу барысы" in kk and "Көрсеткіш" in kk  # "Progress", "Indicator"
    assert "Күшті жұмыс берушілер" in kk and "Strong employers" not in kk
    assert "Progress" not in kk and "Ход выполнения" not in kk
    ru = reports.report_html(plan, "ru")
    assert "Ход выполнения" in ru and "Показатель" in ru and "College plan (ru)" in ru
    assert "Орындалу барысы" not in ru
    en = reports.report_html(plan, "en")
    assert "Progress" in en and "College plan" in en and "Graduates employed" in en
    assert "http://" not in kk and "https://" not in kk and "<link" not in kk and "<img" not in kk


def test_xlsx_sheets_and_indicator_rows(plan):
    book = load_workbook(io.BytesIO(reports.report_xlsx(plan, "en")))
    assert book.sheetnames == ["goals", "objectives", "indicators", "activities"]
    assert [c.value for c in book["goals"][2]] == ["1", "Quality", "On track"]
    assert [c.value for c in book["objectives"][2]][:3] == ["1.1", "Quality", "Better graduates"]
    header = [c.value for c in book["indicators"][1]]
    rows = [dict(zip(header, (c.value for c in row), strict=True)) for row in book["indicators"].iter_rows(min_row=2)]
    entered = next(r for r in rows if r["Indicator"] == "Graduates employed")
    assert (entered["Baseline year"], entered["Baseline"], entered["Target 2025"], entered["Target 2026"]) == (
        2024, 50, 60, 70)
    assert (entered["Actual 2025"], entered["Latest actual"], entered["Final target"]) == (61, 61, 70)
    assert entered["Status"] == "On track" and entered["Source"].startswith("Entered")
    assert entered["Evidence"] == "Pension fund data" and entered["Unit"] == "%"
    computed = next(r for r in rows if r["Indicator"] == "Composite")
    assert computed["Source"].startswith("Computed") and computed["Measure"] == "gradebook.composite"
    assert computed["Status"] == "No data yet"
    activity = [c.value for c in book["activities"][2]]
    assert activity[2:5] == ["Open a career centre", "Methodological help", "Deputy director"]
    assert 1500000 in activity


def test_xlsx_headers_in_kazakh_and_russian(plan):
    kk = load_workbook(io.BytesIO(reports.report_xlsx(plan, "kk")))
    assert "Көрсеткіш" in [c.value for c in kk["indicators"][1]]
    assert kk["goals"][2][1].value == "Quality"  # a title typed in one language falls back to it
    ru = load_workbook(io.BytesIO(reports.report_xlsx(plan, "ru")))
    assert "Показатель" in [c.value for c in ru["indicators"][1]]


def test_report_urls(world, plan, client_as):
    client = client_as(world.users["organization"])
    response = client.get(f"/en/plans/{plan.pk}/report.pdf?lang=kk")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and response["Content-Language"] == "kk"
    assert f'{plan.code}-kk.pdf' in response["Content-Disposition"]
    response = client.get(f"/en/plans/{plan.pk}/report.xlsx?lang=ru")
    assert response.status_code == 200 and response["Content-Language"] == "ru"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/ru/plans/{plan.pk}/report.pdf?lang=castle")["Content-Language"] == "ru"  # the page's
    assert client.get(f"/en/plans/{plan.pk}/report.xlsx")["Content-Language"] == "en"
    html = client.get(f"/en/plans/{plan.pk}/").content.decode()
    assert f"/en/plans/{plan.pk}/report.pdf?lang=kk" in html
    other = pf.plan(organization=world.college_b)
    assert client.get(f"/en/plans/{other.pk}/report.pdf").status_code == 404
    assert client.get(f"/en/plans/{other.pk}/report.xlsx").status_code == 404


def test_report_language():
    assert reports.report_language("kk") == "kk"
    assert reports.report_language("RU-ru") == "ru"
    assert reports.report_language("de", "en") == "en"
    assert reports.report_language(None, None) == "ru"

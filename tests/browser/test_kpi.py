"""The KPI pages in a real browser: a scorecard draws its attainment chart and the supervising body signs it off;
the ministry computes payments and compares scenarios (chart drawn) - no console error, no CSP violation, no failed
request."""

import pytest

from tests.kpi.conftest import computed, kpi, signed  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _login(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/**")
    assert "/accounts/login/" not in page.url


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_scorecard_chart_and_sign_off(computed, live_server, new_page, lang):  # noqa: F811
    from smarttvet.kpi.models import Scorecard

    card = Scorecard.objects.get(organization=computed.lead, year=2025)
    page, problems = new_page(lang)
    _login(page, live_server.url, computed.users["region"].username)
    page.goto(f"{live_server.url}/{lang}/kpi/{card.pk}/")
    page.wait_for_selector("[data-chart=kpi-attainment] canvas")
    assert page.locator("table.kpi-rows tbody tr").count() == 7
    page.click("form.kpi-decide button[value=sign_off]")
    page.wait_for_url(f"**/kpi/{card.pk}/")
    card.refresh_from_db()
    assert card.status == "signed_off"
    assert page.locator("form.kpi-decide").count() == 0
    assert problems.items == []


def test_incentives_and_comparison(signed, live_server, new_page):  # noqa: F811
    page, problems = new_page("ru")
    base = live_server.url
    _login(page, base, signed.users["ministry"].username)
    page.goto(f"{base}/ru/kpi/incentives/?year=2025&pool=1000000&threshold=0.3&cap=&league_pools=")
    assert page.locator("table.kpi-payments tbody tr").count() == 4
    page.fill("form.kpi-save input[name=name]", "base")
    page.click("form.kpi-save button[type=submit]")
    page.wait_for_url("**/kpi/incentives/?year=2025")
    page.click("text=Сравнить рядом")
    page.wait_for_selector("[data-chart=kpi-scenarios] canvas")
    assert page.locator("table.kpi-compare tbody tr").count() == 6  # pool, total and four organisations
    assert problems.items == []

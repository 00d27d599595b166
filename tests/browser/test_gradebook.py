"""The gradebook pages in a real browser: the monitoring dashboard draws its charts (regions, distribution)
and the flagged list, the organisation's learning page its trend, with no console error, no CSP violation
and no failed request."""

import pytest

from tests.gradebook.fixtures import learning_world, subject_names  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _login(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/**")
    assert "/accounts/login/" not in page.url


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_ministry_dashboard_draws_its_charts(learning_world, live_server, new_page, lang):  # noqa: F811
    page, problems = new_page(lang)
    base = live_server.url
    _login(page, base, learning_world.users["ministry"].username)
    page.goto(f"{base}/{lang}/gradebook/monitoring/")
    assert page.locator("html").get_attribute("lang") == lang
    page.wait_for_selector("[data-chart=gradebook-regions] canvas")
    page.wait_for_selector("[data-chart=gradebook-histogram] canvas")
    assert page.locator("table.flagged tbody tr").count() == 3
    assert page.locator("table.flagged svg.interval").count() == 3
    page.select_option("select[name=region]", learning_world.almaty.kato)
    page.click("form.filters button[type=submit]")
    page.wait_for_url(f"**region={learning_world.almaty.kato}**")
    page.wait_for_selector("[data-chart=gradebook-histogram] canvas")
    assert page.locator("table.flagged tbody tr").count() == 1
    assert page.goto(f"{base}/{lang}/gradebook/monitoring/lists/{learning_world.national.pk}/").status < 400
    assert problems.items == []


def test_region_dashboard_and_the_organisation_page(learning_world, live_server, new_page):  # noqa: F811
    page, problems = new_page("kk")
    base = live_server.url
    _login(page, base, learning_world.users["region"].username)
    page.goto(f"{base}/kk/gradebook/monitoring/")
    page.wait_for_selector("[data-chart=gradebook-histogram] canvas")
    assert page.locator("[data-chart=gradebook-regions]").count() == 0  # a region sees its own region
    assert page.locator("table.flagged tbody tr").count() == 2
    page.click(f"table.flagged a[href$='/gradebook/organizations/{learning_world.college_a.pk}/']")
    page.wait_for_selector("[data-chart=gradebook-trend] canvas")
    assert page.locator("tr.small-count").count() > 0
    assert problems.items == []

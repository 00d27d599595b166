"""Log in as each role and open every page in each language: no console error, no HTTP status >= 400."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"
PUBLIC = ["/{lang}/", "/{lang}/registry/regions/", "/{lang}/registry/organizations/",
          "/{lang}/registry/specialties/", "/{lang}/registry/enterprises/"]
PRIVATE = ["/{lang}/people/teachers/", "/{lang}/people/students/", "/{lang}/people/graduates/",
           "/{lang}/accounts/audit/", "/{lang}/gradebook/monitoring/", "/{lang}/plans/",
           "/{lang}/leadership/", "/{lang}/leadership/reserve/", "/{lang}/kpi/",
           "/{lang}/kpi/sets/"]


def _login(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/**")
    assert "/accounts/login/" not in page.url, f"{username} could not log in"


@pytest.mark.parametrize("role", ["ministry", "region", "organization", "teacher", "employer"])
def test_each_role_opens_every_page_in_three_languages(world, live_server, new_page, role):
    page, problems = new_page()
    user = world.users[role]
    _login(page, live_server.url, user.username)
    org_pages = [f"/{{lang}}/registry/organizations/{world.college_a.pk}/"]
    for lang in ("kk", "ru", "en"):
        for path in [*PUBLIC, *PRIVATE, *org_pages]:
            url = live_server.url + path.format(lang=lang)
            response = page.goto(url)
            assert response.status < 400, url
            assert page.locator("html").get_attribute("lang") == lang
    assert problems.items == []


def test_anonymous_visitor_and_the_dashboard_chart(world, live_server, new_page):
    page, problems = new_page()
    for lang in ("kk", "ru", "en"):
        for path in PUBLIC:
            assert page.goto(live_server.url + path.format(lang=lang)).status < 400
    page.goto(live_server.url + "/en/")
    page.wait_for_selector("#region-chart canvas")  # ECharts drew the chart from the embedded JSON
    assert problems.items == []


def test_language_switcher_keeps_the_page(world, live_server, new_page):
    page, problems = new_page()
    page.goto(live_server.url + "/en/registry/regions/")
    page.click("form.lang button[value=ru]")
    page.wait_for_url("**/ru/registry/regions/")
    assert page.locator("html").get_attribute("lang") == "ru"
    assert problems.items == []


def test_api_docs_render_without_errors(world, live_server, new_page):
    page, problems = new_page()
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info", timeout=15000)
    assert problems.items == []


def test_filters_update_the_list_in_place_with_htmx(world, live_server, new_page):
    page, problems = new_page()
    page.goto(live_server.url + "/en/registry/organizations/")
    assert page.locator("#results tbody tr").count() == 3
    page.evaluate("window.__marker = 1")  # survives only if the page is not reloaded
    page.select_option("select[name=region]", world.almaty.kato)
    page.wait_for_url(f"**region={world.almaty.kato}**")
    page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert page.evaluate("window.__marker") == 1
    assert problems.items == []

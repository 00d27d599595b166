"""The rating pages in a real browser: league table, the card's radar and the what-if simulator (HTMX),
leagues by region, in each language, with no console error and no failed request."""

import pytest
from playwright.sync_api import expect

from tests.rating_platform.conftest import grow, rated_world, rating_setup  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _login(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/**")
    assert "/accounts/login/" not in page.url


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_league_table_card_radar_and_what_if(rated_world, live_server, new_page, lang):  # noqa: F811
    page, problems = new_page(lang)
    base = live_server.url
    _login(page, base, rated_world.users["organization"].username)

    page.goto(f"{base}/{lang}/ratings/")
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator(".league-table tbody tr").count() == 12
    assert page.locator("svg.interval").count() >= 10 and page.locator("svg.probabilities rect").count() >= 10
    page.wait_for_selector("[data-chart=histogram] canvas")
    page.select_option("select[name=league]", "leaders")  # filters by HTMX, in place
    page.wait_for_url("**league=leaders**")
    leaders = rated_world.run_2025.league_counts["leaders"]
    expect(page.locator(".league-table tbody tr")).to_have_count(leaders)  # (a string predicate needs eval: CSP)
    page.wait_for_selector("[data-chart=histogram] canvas")

    page.goto(f"{base}/{lang}/ratings/organizations/{rated_world.college_a.pk}/")
    page.wait_for_selector("[data-chart=card-radar] canvas")
    page.wait_for_selector("[data-chart=card-history] canvas")
    page.fill("input[name=v_employment]", "100")
    page.fill("input[name=v_dropout]", "0")
    with page.expect_response(lambda response: "/what-if/" in response.url) as answer:
        page.click("form.what-if button[type=submit]")
    assert answer.value.status == 200
    page.wait_for_selector("#what-if-score")
    assert page.locator("#what-if-result").inner_text().strip()
    slider = page.locator("input.slider[data-target=id_v_categories]")
    slider.fill(slider.get_attribute("max"))  # the slider writes its value into the number box
    assert page.input_value("#id_v_categories") == slider.input_value()

    page.goto(f"{base}/{lang}/ratings/regions/")
    page.wait_for_selector("[data-chart=league-region] canvas")
    for path in ("methodology/", "compare/", "runs/"):
        assert page.goto(f"{base}/{lang}/ratings/{path}").status < 400
    assert problems.items == []


def test_anonymous_visitor_sees_the_card_without_the_simulator(rated_world, live_server, new_page):  # noqa: F811
    page, problems = new_page("en")
    page.goto(f"{live_server.url}/en/ratings/organizations/{rated_world.college_a.pk}/")
    page.wait_for_selector("[data-chart=card-radar] canvas")
    assert page.locator("form.what-if").count() == 0
    assert problems.items == []

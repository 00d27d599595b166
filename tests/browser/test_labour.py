"""The labour-market pages in a real browser: the heatmap draws and a click on a cell drills down to the
region's specialties of that field; the region page draws its vacancy chart; the employment page its bars —
with no console error, no CSP violation and no failed request."""

import pytest

from tests.labour.page_fixtures import labour_world  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _login(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/**")
    assert "/accounts/login/" not in page.url


def _cell_position(page, x: int, y: int) -> dict:
    """The page coordinates of the heatmap cell (x = field index, y = region index)."""
    return page.evaluate(
        """([x, y]) => {
            const el = document.querySelector('[data-chart="labour-heatmap"]');
            const chart = window.echarts.getInstanceByDom(el);
            const [px, py] = chart.convertToPixel({seriesIndex: 0}, [x, y]);
            const box = el.getBoundingClientRect();
            return {x: box.left + px, y: box.top + py};
        }""", [x, y])


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_heatmap_draws_and_a_click_drills_down(labour_world, live_server, new_page, lang):  # noqa: F811
    lw = labour_world
    page, problems = new_page(lang)
    base = live_server.url
    page.goto(f"{base}/{lang}/labour/?horizon=2")
    assert page.locator("html").get_attribute("lang") == lang
    page.wait_for_selector("[data-chart=labour-heatmap] canvas")
    assert page.locator("table.labour-heatmap tbody tr").count() == 20
    assert page.locator("table.labour-heatmap td.band-deficit-strong").count() >= 2
    field = lw.expand.field.code[:2]
    fields = page.evaluate("JSON.parse(document.getElementById('labour-heatmap-data').textContent).fields")
    regions = page.evaluate("JSON.parse(document.getElementById('labour-heatmap-data').textContent).regions")
    turkistan = lw.turkistan.name_ru if lang == "ru" else lw.turkistan.name_en
    point = _cell_position(page, fields.index(field), regions.index(turkistan))
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url(f"**/labour/regions/{lw.turkistan.kato}/?horizon=2&field={field}")
    assert page.locator("table.labour-gap tbody tr").count() == 1
    page.wait_for_selector("[data-chart=labour-vacancies] canvas")
    assert problems.items == []


def test_region_page_charts_and_the_specialty_page(labour_world, live_server, new_page):  # noqa: F811
    lw = labour_world
    page, problems = new_page("kk")
    base = live_server.url
    _login(page, base, lw.users["region"].username)
    page.goto(f"{base}/kk/labour/regions/{lw.turkistan.kato}/")
    page.wait_for_selector("[data-chart=labour-vacancies] canvas")
    page.hover("[data-chart=labour-vacancies]")  # the tooltip must not need inline styles either
    assert page.locator("table.labour-recommendations .tag.action-open").count() == 1
    assert page.locator("table.labour-recommendations .tag.action-reduce").count() == 1
    assert page.locator("p.backtest").count() == 1
    page.click(f"table.labour-gap a[href*='/specialties/{lw.expand.code}/']")
    page.wait_for_url(f"**/specialties/{lw.expand.code}/**")
    assert page.locator("table.labour-organizations tbody tr").count() == 1
    assert page.locator("table.labour-occupations tbody tr").count() == 1
    page.goto(f"{base}/kk/labour/employment/?by=specialty")
    page.wait_for_selector("[data-chart=labour-employment] canvas")
    page.hover("[data-chart=labour-employment]")
    assert page.locator("table.labour-employment tbody tr").count() >= 2
    assert problems.items == []

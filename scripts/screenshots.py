"""Take the README's screenshots from a running server: `python scripts/screenshots.py [BASE_URL]`.

Start the server first (for example `SCALE=national make demo`). Uses Debian's Chromium.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def main(base: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = logged_in(browser, base, "ministry")
        page.goto(f"{base}/en/")
        page.wait_for_selector("#region-chart canvas")
        page.wait_for_timeout(1200)
        page.screenshot(path=OUT / "dashboard.png", full_page=True)
        page.goto(f"{base}/kk/registry/organizations/?region=610000000&kind=college")
        page.screenshot(path=OUT / "organizations.png")
        page.click("#results tbody tr:first-child a")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=OUT / "organization.png", full_page=True)
        page.goto(f"{base}/en/registry/specialties/?field=07")
        page.screenshot(path=OUT / "classifier.png")
        page.goto(f"{base}/ru/people/students/?region=610000000")
        page.screenshot(path=OUT / "students-ru.png")
        learning(page, base)
        labour(page, base)
        people_and_leadership(browser, page, base)
        browser.close()
    print(f"screenshots written to {OUT}")


def logged_in(browser, base: str, username: str):
    """A new page of its own browser context, logged in as one of the demo users."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "demo")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


def chart_shot(page, url: str, chart: str, name: str, *, full_page: bool = False, settle: int = 1200) -> None:
    """Open ``url``, wait until the chart ``chart`` has drawn (and its animation settled), save ``name``."""
    page.goto(url)
    page.wait_for_selector(chart)
    page.wait_for_timeout(settle)
    page.screenshot(path=OUT / name, full_page=full_page)


def people_and_leadership(browser, page, base: str) -> None:
    """A teacher's own portfolio, the certification dashboard, the reserve's funnel, an incentive scenario."""
    teacher = logged_in(browser, base, "teacher")
    teacher.goto(f"{base}/en/portfolio/")
    teacher.wait_for_load_state("networkidle")
    teacher.screenshot(path=OUT / "portfolio.png", full_page=False)
    chart_shot(page, f"{base}/en/portfolio/dashboard/", "#pf-chart canvas", "certification.png")
    chart_shot(page, f"{base}/en/leadership/cohorts/1000-leaders-2024/",
               "[data-chart] canvas, .chart canvas", "reserve-funnel.png")
    page.goto(f"{base}/ru/kpi/incentives/?year=2025")
    page.click("table.data tbody tr:has-text('by league') a")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=OUT / "incentives-ru.png", full_page=False)


def learning(page, base: str) -> None:
    """The gradebook pages: the national monitoring dashboard, a region's list, a learning page, a support plan."""
    chart_shot(page, f"{base}/en/gradebook/monitoring/?year=2024",
               "[data-chart=gradebook-histogram] canvas", "learning-monitoring.png")
    chart_shot(page, f"{base}/ru/gradebook/monitoring/?year=2024&region=610000000",
               "[data-chart=gradebook-histogram] canvas", "learning-region-ru.png")
    page.click("table.flagged tbody tr:first-child a[href*='/gradebook/organizations/']")
    page.wait_for_selector("[data-chart=gradebook-trend] canvas")
    page.wait_for_timeout(1200)
    page.screenshot(path=OUT / "learning-organization.png", full_page=True)
    page.goto(f"{base}/en/plans/?level=support")
    page.click("table tbody tr:first-child a")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)
    page.screenshot(path=OUT / "support-plan.png", full_page=True)


def labour(page, base: str) -> None:
    """The labour-market heatmap, a region's gap and recommendations, and a cluster card."""
    chart_shot(page, f"{base}/en/labour/?horizon=3", "[data-chart] canvas", "labour-heatmap.png", settle=1500)
    chart_shot(page, f"{base}/ru/labour/regions/610000000/?horizon=3",
               "[data-chart] canvas", "labour-region-ru.png", full_page=True, settle=1500)
    page.goto(f"{base}/en/partnership/clusters/")
    page.click("table tbody tr:has-text('Karaganda') a")
    page.wait_for_selector("[data-chart] canvas")
    page.wait_for_timeout(1200)
    page.screenshot(path=OUT / "cluster.png", full_page=True)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")

"""The partnership pages in a real browser: every role opens them in three languages with no console error (the CSP
allows no inline script or style), the charts draw from their JSON, and the employer declares a need."""

import pytest
from django.utils import timezone

from tests.partnership.conftest import partners  # noqa: F401 - the partnership fixture (the browser ones are shared)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"


def _login(page, base, username):
    page.goto(f"{base}/en/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base}/**")
    assert "/accounts/login/" not in page.url


@pytest.mark.parametrize("role", ["ministry", "region", "organization", "employer"])
def test_each_role_opens_the_partnership_pages(partners, live_server, new_page, role):  # noqa: F811
    page, problems = new_page()
    w = partners.world
    _login(page, live_server.url, w.users[role].username)
    paths = ["/{lang}/partnership/", "/{lang}/partnership/clusters/",
             f"/{{lang}}/partnership/clusters/{partners.cluster.pk}/", "/{lang}/partnership/agreements/",
             "/{lang}/partnership/training/?year=2025", "/{lang}/partnership/infrastructure/?year=2025",
             "/{lang}/partnership/my-enterprise/"]
    if role != "employer":
        paths.append(f"/{{lang}}/partnership/organizations/{w.college_a.pk}/")
    if role in ("ministry", "region", "employer"):
        paths.append(f"/{{lang}}/partnership/enterprises/{w.enterprise_a.pk}/")
    for lang in ("kk", "ru", "en"):
        for path in paths:
            response = page.goto(live_server.url + path.format(lang=lang))
            assert response.status < 400, path
    page.goto(f"{live_server.url}/en/partnership/clusters/{partners.cluster.pk}/")
    page.wait_for_selector('[data-chart="cluster-funnel"] canvas')
    assert problems.items == []


def test_the_employer_declares_a_need_in_the_form(partners, live_server, new_page):  # noqa: F811
    from smarttvet.labour.models import EmployerNeed

    page, problems = new_page()
    w = partners.world
    _login(page, live_server.url, w.users["employer"].username)
    page.goto(f"{live_server.url}/en/partnership/my-enterprise/")
    year = timezone.localdate().year + 3
    page.select_option("#id_specialty", index=1)
    page.fill("#id_year", str(year))
    page.fill("#id_people", "11")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**#needs")
    assert EmployerNeed.objects.filter(enterprise=w.enterprise_a, year=year, people=11).exists()
    assert problems.items == []

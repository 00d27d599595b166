"""The portfolio in a real browser: the teacher picks a record type (HTMX loads its fields), saves a draft and
submits it; the verifier verifies it from the queue; the ministry's dashboard draws its chart - no console error,
no CSP violation, no failed request."""

import datetime as dt

import pytest
from django.utils import timezone

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
def test_teacher_adds_and_submits_the_verifier_verifies(world, live_server, new_page, settings, tmp_path, lang):
    from smarttvet.portfolio.models import Record
    from tests import factories as f

    settings.MEDIA_ROOT = tmp_path
    f.user_with_role("methodist", "verifier", organization=world.college_a)
    base = live_server.url
    page, problems = new_page(lang)
    _login(page, base, "teacher")
    page.goto(f"{base}/{lang}/portfolio/teachers/{world.teacher_a.pk}/")
    page.select_option("select[name=kind]", "course")
    page.wait_for_selector("input[name=provider]")
    page.fill("input[name=title]", "Digital tools")
    page.fill("input[name=provider]", "Orleu")
    page.fill("input[name=hours]", "72")
    page.fill("input[name=start_date]", (timezone.localdate() - dt.timedelta(days=30)).isoformat())
    page.click("section.pf-add button[type=submit]")
    page.wait_for_selector("article.pf-record")
    page.click("article.pf-record button[value=submit]")
    page.wait_for_selector("article.pf-record .pf-submitted")
    assert Record.objects.get().status == "submitted"
    page.context.clear_cookies()
    _login(page, base, "methodist")
    page.goto(f"{base}/{lang}/portfolio/queue/")
    page.click("button[value=verify]")
    page.wait_for_url("**/portfolio/queue/")
    assert Record.objects.get().status == "verified"
    assert problems.items == []


def test_dashboard_draws_its_chart(world, live_server, new_page):
    page, problems = new_page("ru")
    _login(page, live_server.url, "ministry")
    page.goto(f"{live_server.url}/ru/portfolio/dashboard/")
    page.wait_for_selector("#pf-chart canvas")
    assert problems.items == []

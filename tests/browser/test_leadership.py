"""The cadre-reserve pages in a real browser: the committee's cohort page draws the funnel (its tooltip needs no
inline style), and an assessor enters a score and sees the refusal of one above the maximum — with no console
error, no CSP violation and no failed request."""

import pytest

from tests.leadership.conftest import pipeline  # noqa: F401 (fixture)

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
def test_the_funnel_draws_and_an_assessor_scores(pipeline, live_server, new_page, lang):  # noqa: F811
    from smarttvet.leadership import services
    from smarttvet.leadership.models import Score

    p = pipeline
    assignment = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    page, problems = new_page(lang)
    base = live_server.url
    _login(page, base, "committee")
    page.goto(f"{base}/{lang}/leadership/cohorts/{p.cohort.code}/")
    page.wait_for_selector("#funnel-chart canvas")
    page.hover("#funnel-chart")
    assert page.locator("#funnel tbody tr").count() == 6
    assert page.locator("#funnel tbody tr[data-stage=testing] td").nth(2).inner_text() == "3"
    page.context.clear_cookies()
    _login(page, base, p.free.user.username)
    page.goto(f"{base}/{lang}/leadership/assignments/")
    page.fill(f"form[action$='/assignments/{assignment.pk}/score/'] input[name=value]", "150")
    page.click(f"form[action$='/assignments/{assignment.pk}/score/'] button")
    page.wait_for_selector("ul.messages li.error")
    assert "150" in page.locator("ul.messages li.error").inner_text()
    assert not Score.objects.exists()
    page.fill(f"form[action$='/assignments/{assignment.pk}/score/'] input[name=value]", "64.5")
    page.click(f"form[action$='/assignments/{assignment.pk}/score/'] button")
    page.wait_for_selector("ul.messages li.success")
    assert float(Score.objects.get(assignment=assignment).value) == 64.5
    assert problems.items == []


def test_the_committee_decides_a_stage_after_the_htmx_confirmation(pipeline, live_server, new_page):  # noqa: F811
    from smarttvet.leadership.models import StageResult
    from tests.leadership.conftest import score_all

    p = pipeline
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [40, 45])
    page, problems = new_page("en")
    base = live_server.url
    _login(page, base, "committee")
    page.goto(f"{base}/en/leadership/cohorts/{p.cohort.code}/manage/")
    row = page.locator("#manage-stages tr[data-stage=testing]")
    assert "1 advance, 1 drop" in row.locator(".decision-preview").inner_text()
    row.locator("form[action$='/stages/testing/decide/'] button").click()
    page.wait_for_selector("#confirm #confirm-box")  # swapped in by HTMX, nothing decided yet
    assert "1 advance, 1 drop." in page.locator("#confirm-box").inner_text()
    assert not StageResult.objects.filter(stage=p.testing, outcome__in=["passed", "dropped"]).exists()
    page.click("#confirm-box button[type=submit]")
    page.wait_for_selector("ul.messages li.success")
    assert "1 passed, 1 dropped." in page.locator("ul.messages li.success").inner_text()
    assert StageResult.objects.filter(stage=p.testing, outcome="passed").count() == 1
    assert problems.items == []

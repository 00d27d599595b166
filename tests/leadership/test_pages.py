"""Leadership pages per role: the cohort with its funnel chart, candidates scoped, a candidate's progress (an
assessor sees only their own scores), the score form with its errors, committee actions, the reserve,
appointments and matching; constant query counts."""

import datetime as dt

import pytest

from smarttvet.leadership import services
from smarttvet.leadership.models import Assignment, Score, StageResult
from tests import factories as f
from tests.leadership.conftest import score_all

pytestmark = pytest.mark.django_db


def url(path):
    return f"/en/leadership/{path}"


def test_the_cohort_page_shows_the_funnel_and_a_richtext_chart(pipeline, client_as):
    response = client_as(pipeline.committee).get(url("cohorts/test-2025/"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="funnel-chart"' in html and '"renderMode": "richText"' in html and '"type": "funnel"' in html
    assert '<tr data-stage="testing">' in html


def test_anonymous_visitors_are_sent_to_log_in(pipeline, client):
    assert client.get(url("cohorts/test-2025/")).status_code == 302


@pytest.mark.parametrize("who, visible", [("committee", True), ("region", True), ("teacher", True),
                                          ("free", False), ("organization", False)])
def test_a_candidate_page_exists_only_within_the_scope(pipeline, client_as, who, visible):
    user = pipeline.committee if who == "committee" else (
        pipeline.free.user if who == "free" else pipeline.world.users[who])
    response = client_as(user).get(url(f"candidates/{pipeline.staff.pk}/"))
    assert response.status_code == (200 if visible else 404)


def test_an_assessor_sees_only_their_own_scores(pipeline, client_as):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [61, 77])
    html = client_as(p.free.user).get(url(f"candidates/{p.almaty.pk}/")).content.decode()
    assert "Assessor assessor-free: 61.0" in html and "assessor-b" not in html
    assert "69.0" not in html  # not the mean either (it reveals the other score)
    assert 'id="status"' not in html and "Training" not in html  # nor the stages they do not score
    committee = client_as(p.committee).get(url(f"candidates/{p.almaty.pk}/")).content.decode()
    assert "Assessor assessor-free: 61.0" in committee and "Assessor assessor-b: 77.0" in committee


def test_a_candidate_sees_their_progress_but_no_assessor_scores(pipeline, client_as):
    p = pipeline
    score_all(p.testing, p.staff, [p.free, p.from_b], [70, 74])
    html = client_as(p.world.users["teacher"]).get(url(f"candidates/{p.staff.pk}/")).content.decode()
    assert "72.0" in html and "Assessor assessor-free" not in html


def test_the_ineligible_see_the_reasons(pipeline, client_as):
    html = client_as(pipeline.committee).get(url(f"candidates/{pipeline.novice.pk}/")).content.decode()
    assert "at least 5 years of teaching experience are required" in html


def test_the_score_form_saves_and_shows_refusals_as_errors(pipeline, client_as):
    p = pipeline
    assignment = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    client = client_as(p.free.user)
    page = client.get(url("assignments/")).content.decode()
    assert f'action="/en/leadership/assignments/{assignment.pk}/score/"' in page
    response = client.post(url(f"assignments/{assignment.pk}/score/"), {"value": "120"}, follow=True)
    assert "above the maximum" in response.content.decode() and not Score.objects.exists()
    client.post(url(f"assignments/{assignment.pk}/score/"), {"value": "66"})
    assert Score.objects.get().value == 66
    other = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.from_b)
    assert client.post(url(f"assignments/{other.pk}/score/"), {"value": "50"}).status_code == 403


def test_committee_actions_are_refused_to_others(pipeline, client_as):
    p = pipeline
    assert client_as(p.free.user).post(url("cohorts/test-2025/stages/testing/decide/")).status_code == 403
    client = client_as(p.committee)
    response = client.post(url(f"candidates/{p.staff.pk}/assign/"),
                           {"stage": p.testing.pk, "assessor": p.from_a.pk}, follow=True)
    assert "cannot assess them" in response.content.decode()
    assert not Assignment.objects.filter(assessor=p.from_a).exists()
    client.post(url(f"candidates/{p.staff.pk}/assign/"), {"stage": p.testing.pk, "assessor": p.free.pk})
    assert Assignment.objects.filter(assessor=p.free, application=p.staff).exists()


def test_the_committee_clears_a_review_and_decides(pipeline, client_as):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [50, 80])
    result = StageResult.objects.get(stage=p.testing, application=p.almaty)
    client = client_as(p.committee)
    assert "Spreads waiting for review" in client.get(url("cohorts/test-2025/")).content.decode()
    client.post(url(f"results/{result.pk}/review/"), {"note": "Checked."})
    client.post(url("cohorts/test-2025/stages/testing/decide/"), {"confirm": "1"})
    result.refresh_from_db()
    assert result.outcome == "passed"


def test_reserve_appointments_and_matching(pipeline, client_as, django_assert_max_num_queries):
    p = pipeline
    for stage in p.cohort.stages.order_by("order"):
        services.stage_set_status(actor="test", stage=stage, status="open")
        score_all(stage, p.turkistan, [p.free, p.from_b], [80, 80])
        services.decide_stage(actor="test", stage=stage)
    services.reserve_build(actor="test", cohort=p.cohort, valid_from=dt.date(2025, 12, 15))
    college = f.organization(p.world.turkistan)
    client = client_as(p.committee)
    assert p.turkistan.full_name in client.get(url("reserve/")).content.decode()
    with django_assert_max_num_queries(14):
        html = client.get(url(f"match/?organization={college.pk}")).content.decode()
    assert p.turkistan.full_name in html and "works in the vacancy&#x27;s region" in html
    api = client.get(f"/api/v1/leadership/vacancies/match?organization={college.pk}").json()
    assert api[0]["candidate"] == p.turkistan.full_name and api[0]["parts"]["region"] == 40
    services.appoint(actor="test", entry=p.turkistan.reserve_entry, organization=college, position="deputy",
                     appointed_on=dt.date(2026, 1, 10), route="competition")
    with django_assert_max_num_queries(12):
        html = client.get(url("appointments/")).content.decode()
    assert college.name_en in html and "no published rating" in html
    assert client.get(f"/api/v1/leadership/vacancies/match?organization={college.pk}").json() == []  # appointed


@pytest.mark.parametrize("page", ["", "cohorts/test-2025/", "cohorts/test-2025/candidates/", "assignments/",
                                  "reserve/", "appointments/"])
def test_pages_run_a_constant_number_of_queries(pipeline, client_as, django_assert_max_num_queries, page):
    p = pipeline
    for assessor in (p.free, p.from_b):
        for app in (p.turkistan, p.almaty):
            services.assign(actor="test", stage=p.testing, application=app, assessor=assessor)
    client = client_as(p.committee)
    with django_assert_max_num_queries(16):
        assert client.get(url(page)).status_code == 200

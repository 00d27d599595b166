"""The selection committee's entry points: the services they add (assessors in turn, stage open/close, the
decision plan), the pages (permissions per role, the confirmation with its summary, form errors that write
nothing, constant queries), the match page's vacancy date."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from smarttvet.accounts.models import AuditEntry
from smarttvet.leadership import services
from smarttvet.leadership.models import (
    Appeal,
    Application,
    Appointment,
    Assignment,
    Cohort,
    ReserveEntry,
    Stage,
    StageResult,
)
from tests import factories as f
from tests.leadership import factories as lf
from tests.leadership.conftest import score_all

pytestmark = pytest.mark.django_db


def url(path, language="en"):
    return f"/{language}/leadership/{path}"


def writes():
    """A fingerprint of everything the committee's actions write."""
    return (AuditEntry.objects.count(), Assignment.objects.count(), StageResult.objects.count(),
            list(StageResult.objects.order_by("pk").values_list("outcome", flat=True)),
            list(Stage.objects.order_by("pk").values_list("status", flat=True)),
            list(Application.objects.order_by("pk").values_list("status", flat=True)),
            ReserveEntry.objects.count(), Appointment.objects.count(), Cohort.objects.count(),
            list(Appeal.objects.order_by("pk").values_list("decision", flat=True)))


def through_every_stage(p, application, value):
    for stage in p.cohort.stages.order_by("order"):
        if stage.status != "open":
            lf.open_stage(stage)
        score_all(stage, application, [p.free, p.from_b], [value, value])
        services.decide_stage(actor="test", stage=stage)


def users(p):
    return {"committee": p.committee, "ministry": p.world.users["ministry"], "assessor": p.free.user,
            "region": p.world.users["region"], "teacher": p.world.users["teacher"],
            "organization": p.world.users["organization"]}


# --- services -------------------------------------------------------------------------------------------------
def test_assessors_are_assigned_in_turn_never_to_their_own_organisations_candidates(pipeline):
    p = pipeline
    counts = services.assign_round_robin(actor=p.committee, stage=p.testing, assessors=[p.from_a, p.from_b, p.free],
                                         per_candidate=2)
    assert counts == {"assigned": 6, "candidates": 3, "short": 0}
    given = {}
    for application_id, assessor_id in Assignment.objects.values_list("application_id", "assessor_id"):
        given.setdefault(application_id, set()).add(assessor_id)
    assert given[p.staff.pk] == {p.from_b.pk, p.free.pk}  # never from_a: the staff member works at college A
    assert all(len(ids) == 2 for ids in given.values()) and p.novice.pk not in given  # the ineligible: none
    load = [Assignment.objects.filter(assessor=a).count() for a in (p.from_a, p.from_b, p.free)]
    assert load == [2, 2, 2]
    again = services.assign_round_robin(actor=p.committee, stage=p.testing, per_candidate=2)
    assert again["assigned"] == 0  # everyone has two already


def test_too_few_assessors_outside_the_organisation_are_reported(pipeline):
    p = pipeline
    counts = services.assign_round_robin(actor="test", stage=p.testing, assessors=[p.from_a, p.free], per_candidate=2)
    assert counts["short"] == 1 and not Assignment.objects.filter(application=p.staff, assessor=p.from_a).exists()


@pytest.mark.parametrize("kwargs, field", [({"per_candidate": 0}, "per_candidate"),
                                           ({"per_candidate": 11}, "per_candidate"),
                                           ({"per_candidate": "x"}, "per_candidate"),
                                           ({"assessors": []}, "assessors")])
def test_bad_assignment_input_is_refused_and_writes_nothing(pipeline, kwargs, field):
    before = writes()
    with pytest.raises(services.SelectionError) as error:
        services.assign_round_robin(actor="test", stage=pipeline.testing, **kwargs)
    assert field in error.value.message_dict and writes() == before


def test_only_the_committee_runs_the_new_steps(pipeline):
    p = pipeline
    for actor in (p.free.user, p.world.users["region"], p.world.users["teacher"]):
        with pytest.raises(PermissionDenied):
            services.assign_round_robin(actor=actor, stage=p.testing)
        with pytest.raises(PermissionDenied):
            services.stage_transition(actor=actor, stage=p.training, action="open")


def test_stages_open_in_order_and_conflicts_are_refused(pipeline):
    p = pipeline
    internship = p.stages["internship"]
    with pytest.raises(services.SelectionError) as error, translation.override("en"):
        services.stage_transition(actor="test", stage=internship, action="open")
    assert error.value.refusal == "out_of_order" and "Open the stage Training before" in error.value.text
    with pytest.raises(services.SelectionError) as error:
        services.stage_transition(actor="test", stage=p.testing, action="open")
    assert error.value.refusal == "closed"
    with pytest.raises(services.SelectionError) as error:
        services.stage_transition(actor="test", stage=p.training, action="close")
    assert error.value.refusal == "closed"
    services.stage_transition(actor="test", stage=p.training, action="open")
    services.stage_transition(actor="test", stage=p.testing, action="close")
    assert Stage.objects.get(pk=p.testing.pk).status == "closed"


def test_the_decision_plan_says_what_deciding_writes(pipeline):
    p = pipeline
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [40, 45])
    plan = services.decision_plan(p.testing)
    assert (plan.advance, plan.drop, plan.waiting, plan.blocked) == (1, 1, 1, "")
    assert services.decide_stage(actor="test", stage=p.testing) == {"passed": 1, "dropped": 1}
    with pytest.raises(services.SelectionError) as error:
        services.decide_stage(actor="test", stage=p.testing, require_ready=True)
    assert error.value.refusal == "closed"


def test_a_new_assessor_on_a_scored_candidate_makes_the_score_wait(pipeline):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [70, 72])
    services.assign_round_robin(actor="test", stage=p.testing, assessors=[p.from_a], per_candidate=3)
    result = StageResult.objects.get(stage=p.testing, application=p.almaty)
    assert result.score is None  # the third assessor has not scored yet


# --- pages: who may -------------------------------------------------------------------------------------------
GET_PAGES = ["cohorts/new/", "cohorts/test-2025/manage/", "cohorts/test-2025/review/", "cohorts/test-2025/ranking/"]
POSTS = ["cohorts/test-2025/do/screen/", "cohorts/test-2025/do/reserve/", "cohorts/test-2025/stages/training/open/",
         "cohorts/test-2025/stages/testing/close/", "cohorts/test-2025/stages/testing/decide/",
         "cohorts/test-2025/stages/testing/assign/", "cohorts/new/"]


@pytest.mark.parametrize("who, status", [("committee", 200), ("ministry", 200), ("assessor", 403),
                                         ("region", 403), ("teacher", 403), ("organization", 403)])
def test_committee_pages_per_role(pipeline, client_as, who, status):
    client = client_as(users(pipeline)[who])
    for page in GET_PAGES:
        assert client.get(url(page)).status_code == status, page


@pytest.mark.parametrize("who", ["assessor", "region", "teacher", "organization"])
def test_committee_posts_are_refused_to_others_and_write_nothing(pipeline, client_as, who):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [70, 72])
    services.reserve_build(actor="test", cohort=p.cohort, valid_from=dt.date(2025, 12, 1))
    client = client_as(users(p)[who])
    before = writes()
    for page in POSTS:
        assert client.post(url(page), {"confirm": "1", "valid_from": "2025-12-01"}).status_code == 403, page
    assert client.get(url("reserve/1/appoint/")).status_code == 403
    assert writes() == before


def test_anonymous_visitors_are_sent_to_log_in(pipeline, client):
    for page in GET_PAGES:
        assert client.get(url(page)).status_code == 302
    assert client.post(url(POSTS[0]), {"confirm": "1"}).status_code == 302


def test_unknown_cohorts_stages_and_actions_do_not_exist(pipeline, client_as):
    client = client_as(pipeline.committee)
    assert client.get(url("cohorts/nope/manage/")).status_code == 404
    assert client.post(url("cohorts/test-2025/stages/nope/decide/")).status_code == 404
    assert client.post(url("cohorts/test-2025/stages/testing/explode/")).status_code == 404
    assert client.post(url("cohorts/test-2025/do/explode/")).status_code == 404


# --- pages: the management page and its confirmations ----------------------------------------------------------
def test_the_management_page_shows_what_deciding_would_do(pipeline, client_as):
    p = pipeline
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [40, 45])
    html = client_as(p.committee).get(url("cohorts/test-2025/manage/")).content.decode()
    assert "1 advance, 1 drop" in html
    assert 'hx-post="/en/leadership/cohorts/test-2025/stages/testing/decide/"' in html
    assert 'hx-select="#confirm-box"' in html


def test_deciding_a_stage_asks_for_confirmation_with_the_summary_first(pipeline, client_as):
    p = pipeline
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [40, 45])
    client = client_as(p.committee)
    before = writes()
    response = client.post(url("cohorts/test-2025/stages/testing/decide/"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-box"' in html
    assert "1 advance, 1 drop." in html and "1 candidates wait for scores or a review" in html
    assert 'name="confirm" value="1"' in html
    assert writes() == before  # nothing decided yet
    response = client.post(url("cohorts/test-2025/stages/testing/decide/"), {"confirm": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/leadership/cohorts/test-2025/manage/")
    outcomes = dict(StageResult.objects.filter(stage=p.testing).values_list("application_id", "outcome"))
    assert outcomes[p.turkistan.pk] == "passed" and outcomes[p.almaty.pk] == "dropped"
    assert "1 passed, 1 dropped." in client.get(url("cohorts/test-2025/manage/")).content.decode()


def test_a_conflict_is_a_form_error_and_writes_nothing(pipeline, client_as):
    client = client_as(pipeline.committee)
    before = writes()
    response = client.post(url("cohorts/test-2025/stages/testing/decide/"), {"confirm": "1"})
    assert response.status_code == 409 and "is ready to be decided" in response.content.decode()
    response = client.post(url("cohorts/test-2025/stages/testing/open/"), {"confirm": "1"})
    assert response.status_code == 409 and "open already" in response.content.decode()
    response = client.post(url("cohorts/test-2025/stages/internship/open/"), {"confirm": "1"})
    assert "Open the stage Training before the stage Internship" in response.content.decode()
    response = client.post(url("cohorts/test-2025/do/screen/"), {"confirm": "1"})
    assert "No application of this cohort waits for screening." in response.content.decode()
    response = client.post(url("cohorts/test-2025/do/reserve/"), {"confirm": "1", "valid_from": "2025-12-01"})
    assert "No candidate who passed every stage waits" in response.content.decode()
    response = client.post(url("cohorts/test-2025/do/reserve/"), {"valid_from": "1 Dec"})
    assert "give a date as YYYY-MM-DD" in response.content.decode()
    assert writes() == before


def test_a_refusal_reads_in_the_readers_language(pipeline, client_as):
    client = client_as(pipeline.committee)
    html = client.post(url("cohorts/test-2025/stages/testing/open/", "ru"), {"confirm": "1"}).content.decode()
    assert "уже открыт" in html
    html = client.post(url("cohorts/test-2025/stages/testing/open/", "kk"), {"confirm": "1"}).content.decode()
    assert "ашық" in html


def test_screening_opening_and_closing_from_the_page(pipeline, client_as):
    p = pipeline
    late = lf.external(p.cohort, p.world.almaty)
    client = client_as(p.committee)
    html = client.post(url("cohorts/test-2025/do/screen/")).content.decode()
    assert "1 applications are checked" in html
    client.post(url("cohorts/test-2025/do/screen/"), {"confirm": "1"})
    late.refresh_from_db()
    assert late.status == "in_selection" and StageResult.objects.filter(application=late, stage=p.testing).exists()
    html = client.post(url("cohorts/test-2025/stages/training/open/")).content.decode()
    assert "Open the stage Training" in html and "0 candidates who entered the stage" in html
    client.post(url("cohorts/test-2025/stages/training/open/"), {"confirm": "1"})
    client.post(url("cohorts/test-2025/stages/testing/close/"), {"confirm": "1"})
    assert dict(Stage.objects.filter(cohort=p.cohort).values_list("code", "status"))["training"] == "open"
    assert Stage.objects.get(pk=p.testing.pk).status == "closed"


def test_the_assignment_form(pipeline, client_as):
    p = pipeline
    client = client_as(p.committee)
    before = writes()
    response = client.post(url("cohorts/test-2025/stages/testing/assign/"), {"per_candidate": "0"})
    assert response.status_code == 422 and "from 1 to 10" in response.content.decode()
    response = client.post(url("cohorts/test-2025/stages/testing/assign/"), {"assessors": ["999999"]})
    assert response.status_code == 422 and "Unknown assessor" in response.content.decode()
    assert writes() == before
    response = client.post(url("cohorts/test-2025/stages/testing/assign/"),
                           {"assessors": [p.from_a.pk, p.from_b.pk, p.free.pk], "per_candidate": "2"}, follow=True)
    assert "6 assignments for 3 candidates." in response.content.decode()
    assert not Assignment.objects.filter(application=p.staff, assessor=p.from_a).exists()


# --- pages: new cohort ------------------------------------------------------------------------------------------
def _cohort_form(**changes):
    data = {"programme": str(lf.programme().pk), "code": "new-2026", "year": "2026", "name_kk": "Жинақ",
            "name_ru": "Набор", "name_en": "Cohort 2026", "region": "", "reserve_years": "3"}
    for i, stage in enumerate(services.default_stages()):
        for key in ("code", "name_kk", "name_ru", "name_en", "max_score", "pass_mark", "weight"):
            data[f"stage-{i}-{key}"] = str(stage[key])
    data.update(changes)
    return data


def test_a_new_cohort_with_its_stages(pipeline, client_as):
    client = client_as(pipeline.committee)
    assert 'name="stage-0-code" size="12" value="testing"' in client.get(url("cohorts/new/")).content.decode()
    response = client.post(url("cohorts/new/"), _cohort_form(**{"stage-1-capacity": "433", "stage-4-code": ""}))
    assert response.status_code == 302 and response["Location"].endswith("/cohorts/new-2026/manage/")
    cohort = Cohort.objects.get(code="new-2026")
    assert list(cohort.stages.values_list("code", "order", "capacity")) == [
        ("testing", 1, None), ("training", 2, 433), ("internship", 3, None), ("final_assessment", 4, None)]


@pytest.mark.parametrize("changes, message", [
    ({"stage-0-pass_mark": "101"}, "between 0 and the maximum"),
    ({"stage-0-max_score": "many"}, "must be numbers"),
    ({"stage-1-capacity": "-4"}, "seats must be a whole number"),
    ({"stage-0-capacity": "10"}, "first stage cannot have seats"),
    ({"code": "test-2025"}, "exists already"),
    ({"code": "new"}, "exists already"),
    ({"code": "a b"}, "slug"),
    ({"name_kk": ""}, "in Kazakh, Russian and English"),
    ({"programme": "999"}, "Choose a programme"),
    ({"year": "soon"}, "whole numbers"),
    ({"year": "1800"}, "2000"),
    ({"region": "x"}, "Choose a region"),
    ({**{f"stage-{i}-code": "" for i in range(6)}}, "at least one stage"),
])
def test_a_bad_cohort_form_shows_the_error_and_writes_nothing(pipeline, client_as, changes, message):
    before = writes()
    response = client_as(pipeline.committee).post(url("cohorts/new/"), _cohort_form(**changes))
    assert response.status_code == 422 and message in response.content.decode()
    assert writes() == before


# --- pages: review queue, ranking, reserve, appointment ----------------------------------------------------------
def test_the_review_queue_clears_spreads_and_decides_appeals(pipeline, client_as):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [50, 80])
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [30, 35])
    services.decide_stage(actor="test", stage=p.testing)
    dropped = StageResult.objects.get(stage=p.testing, application=p.turkistan)
    appeal = services.appeal_file(actor="test", result=dropped, grounds="The platform failed.")
    client = client_as(p.committee)
    html = client.get(url("cohorts/test-2025/review/")).content.decode()
    assert p.almaty.full_name in html and "The platform failed." in html
    flagged = StageResult.objects.get(stage=p.testing, application=p.almaty)
    response = client.post(url(f"results/{flagged.pk}/review/"),
                           {"note": "Both are defensible.", "next": "/en/leadership/cohorts/test-2025/review/"})
    assert response["Location"] == "/en/leadership/cohorts/test-2025/review/"
    response = client.post(url(f"appeals/{appeal.pk}/decide/"),
                           {"decision": "upheld", "note": "The log confirms it.", "next": "https://evil.example/"})
    assert response["Location"] == f"/en/leadership/candidates/{p.turkistan.pk}/"  # not elsewhere
    dropped.refresh_from_db()
    flagged.refresh_from_db()
    assert dropped.reopened and flagged.review_cleared
    assert "No appeal is pending." in client.get(url("cohorts/test-2025/review/")).content.decode()


def test_the_review_queue_says_when_it_shows_only_the_first(pipeline, client_as, monkeypatch):
    from smarttvet.leadership import committee_views

    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [50, 80])
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [30, 60])
    client = client_as(p.committee)
    assert "The first" not in client.get(url("cohorts/test-2025/review/")).content.decode()
    monkeypatch.setattr(committee_views, "QUEUE_SHOWN", 1)
    html = client.get(url("cohorts/test-2025/review/")).content.decode()
    assert "The first 1 of 2: deciding them brings up the next." in html
    assert (p.almaty.full_name in html) != (p.turkistan.full_name in html)


def test_ranking_reserve_and_appointment_from_the_pages(pipeline, client_as):
    p = pipeline
    through_every_stage(p, p.turkistan, 80)
    client = client_as(p.committee)
    html = client.get(url("cohorts/test-2025/ranking/")).content.decode()
    assert p.turkistan.full_name in html and "80.00" in html and "not in the reserve yet" in html
    html = client.post(url("cohorts/test-2025/do/reserve/"), {"valid_from": "2025-12-15"}).content.decode()
    assert "1 candidates who passed every stage enter the reserve" in html and "2028-12-15" in html
    client.post(url("cohorts/test-2025/do/reserve/"), {"valid_from": "2025-12-15", "confirm": "1"})
    entry = ReserveEntry.objects.get()
    assert (entry.rank, entry.valid_until) == (1, dt.date(2028, 12, 15))
    assert f"/leadership/reserve/{entry.pk}/appoint/" in client.get(url("reserve/")).content.decode()
    form = {"organization": str(p.world.college_b.pk), "position": "director", "route": "competition",
            "appointed_on": "2029-01-01"}
    before = writes()
    for change, message in [({}, "valid from 2025-12-15 to 2028-12-15"),
                            ({"appointed_on": "soon"}, "give a date as YYYY-MM-DD"),
                            ({"organization": "", "appointed_on": "2026-01-10"}, "Choose an organisation"),
                            ({"position": "king", "appointed_on": "2026-01-10"}, "director or deputy director"),
                            ({"route": "", "appointed_on": "2026-01-10"}, "by competition or outside it")]:
        response = client.post(url(f"reserve/{entry.pk}/appoint/"), {**form, **change})
        assert response.status_code == 422 and message in response.content.decode(), change
    assert writes() == before
    response = client.post(url(f"reserve/{entry.pk}/appoint/"), {**form, "appointed_on": "2026-01-10"})
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.organization, appointment.route, appointment.position) == (p.world.college_b, "competition",
                                                                                   "director")


@pytest.mark.parametrize("page", ["cohorts/test-2025/manage/", "cohorts/test-2025/review/",
                                  "cohorts/test-2025/ranking/", "cohorts/new/"])
def test_committee_pages_run_a_constant_number_of_queries(pipeline, client_as, django_assert_max_num_queries, page):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    p = pipeline
    client = client_as(p.committee)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(page)).status_code == 200
        return len(queries)

    through_every_stage(p, p.turkistan, 80)
    small = count()
    late = [lf.external(p.cohort, p.world.almaty, full_name=f"Late {n}") for n in range(3)]
    services.screen_cohort(actor="test", cohort=p.cohort, as_of=lf.SCREENED)
    score_all(p.testing, late[0], [p.free, p.from_b], [20, 25])
    services.decide_stage(actor="test", stage=p.testing)
    services.appeal_file(actor="test", result=StageResult.objects.get(stage=p.testing, application=late[0]),
                         grounds="The platform failed.")
    for application in (p.almaty, p.staff):
        score_all(p.testing, application, [p.free, p.from_b], [50, 80])  # flagged
    through_every_stage(p, late[1], 90)
    lf.external(p.cohort, p.world.almaty)  # waits for screening
    assert count() == small
    with django_assert_max_num_queries(16):
        client.get(url(page))


# --- the match page's vacancy date ------------------------------------------------------------------------------
def test_the_match_page_and_api_take_a_vacancy_date(pipeline, client_as):
    p = pipeline
    through_every_stage(p, p.turkistan, 80)
    services.reserve_build(actor="test", cohort=p.cohort, valid_from=dt.date(2025, 12, 15))
    college = f.organization(p.world.turkistan)
    client = client_as(p.committee)
    html = client.get(url(f"match/?organization={college.pk}&on=2027-06-01")).content.decode()
    assert p.turkistan.full_name in html and "vacancy on 2027-06-01" in html
    html = client.get(url(f"match/?organization={college.pk}&on=2029-01-01")).content.decode()
    assert p.turkistan.full_name not in html  # the reserve entry ended on 2028-12-15
    html = client.get(url(f"match/?organization={college.pk}&on=tomorrow")).content.decode()
    assert "give a date as YYYY-MM-DD" in html and p.turkistan.full_name not in html
    api = "/api/v1/leadership/vacancies/match"
    assert len(client.get(f"{api}?organization={college.pk}&on=2027-06-01").json()) == 1
    assert client.get(f"{api}?organization={college.pk}&on=2029-01-01").json() == []
    assert client.get(f"{api}?organization={college.pk}&on=tomorrow").status_code == 422


@pytest.mark.parametrize("language, text", [("kk", "1 өтеді, 1 шығады"), ("ru", "1 проходят дальше, 1 выбывают")])
def test_the_committee_pages_read_in_kazakh_and_russian(pipeline, client_as, language, text):
    p = pipeline
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [40, 45])
    client = client_as(p.committee)
    assert text in client.get(url("cohorts/test-2025/manage/", language)).content.decode()
    assert text + "." in client.post(url("cohorts/test-2025/stages/testing/decide/", language)).content.decode()
    for page in ("cohorts/test-2025/review/", "cohorts/test-2025/ranking/", "cohorts/new/"):
        assert client.get(url(page, language)).status_code == 200

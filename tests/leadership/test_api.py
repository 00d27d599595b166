"""The leadership API: public cohorts, the scoped funnel and candidates per role, the assessor's assignments and
the score submission with each refusal as a readable 4xx (nothing written)."""

import json

import pytest

from smarttvet.leadership import services
from smarttvet.leadership.models import Assignment, Score
from tests import factories as f

pytestmark = pytest.mark.django_db


def _post(client, data):
    return client.post("/api/v1/leadership/scores", data=json.dumps(data), content_type="application/json",
                       headers={"accept-language": "en"})


def test_cohorts_are_public_with_their_stages(pipeline, client):
    body = client.get("/api/v1/leadership/cohorts").json()
    assert [c["code"] for c in body] == ["test-2025"]
    assert [s["code"] for s in body[0]["stages"]] == ["testing", "training", "internship", "final_assessment",
                                                      "interview"]
    assert body[0]["stages"][0]["spread_threshold"] == 0.2 and body[0]["region"] is None


def test_candidates_and_funnel_need_a_login(pipeline, client):
    assert client.get("/api/v1/leadership/cohorts/test-2025/candidates").status_code == 401
    assert client.get("/api/v1/leadership/cohorts/test-2025/funnel").status_code == 401


def test_each_role_sees_its_candidates(pipeline, client_as):
    p = pipeline
    services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    everybody = {p.staff.pk, p.turkistan.pk, p.almaty.pk, p.novice.pk}
    expected = {
        p.committee: everybody, p.world.users["ministry"]: everybody,
        p.world.users["region"]: {p.staff.pk, p.turkistan.pk, p.novice.pk},  # Turkistan
        p.free.user: {p.almaty.pk},  # assigned to it
        p.from_b.user: set(),
        p.world.users["teacher"]: {p.staff.pk},  # their own application
        p.world.users["organization"]: set(), p.world.users["employer"]: set(),
    }
    for user, ids in expected.items():
        body = client_as(user).get("/api/v1/leadership/cohorts/test-2025/candidates?page_size=50").json()
        assert {c["id"] for c in body["items"]} == ids, user.username
        assert body["count"] == len(ids)


def test_an_assessor_sees_assigned_candidates_without_their_standing(pipeline, client_as):
    p = pipeline
    services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    type(p.almaty).objects.filter(pk=p.almaty.pk).update(total_score=71.5, rank=3)
    [seen] = client_as(p.free.user).get("/api/v1/leadership/cohorts/test-2025/candidates").json()["items"]
    assert (seen["id"], seen["status"], seen["total_score"], seen["rank"]) == (p.almaty.pk, "", None, None)
    committee = client_as(p.committee).get("/api/v1/leadership/cohorts/test-2025/candidates?page_size=50").json()
    [full] = [c for c in committee["items"] if c["id"] == p.almaty.pk]
    assert (full["total_score"], full["rank"]) == (71.5, 3) and full["status"]


def test_the_funnel_counts_every_stage_within_the_scope(pipeline, client_as):
    body = client_as(pipeline.committee).get("/api/v1/leadership/cohorts/test-2025/funnel").json()
    rows = {r["stage"]: r for r in body["rows"]}
    assert (rows["applications"]["entered"], rows["applications"]["passed"], rows["applications"]["dropped"]) \
        == (4, 3, 1)
    assert rows["testing"]["entered"] == 3 and rows["training"]["entered"] == 0
    region = client_as(pipeline.world.users["region"]).get("/api/v1/leadership/cohorts/test-2025/funnel").json()
    assert region["rows"][0]["entered"] == 3
    almaty = client_as(pipeline.committee).get("/api/v1/leadership/cohorts/test-2025/funnel?region=75").json()
    assert almaty["rows"][1]["entered"] == 1
    bad = client_as(pipeline.committee).get("/api/v1/leadership/cohorts/test-2025/funnel?region=zz")
    assert bad.status_code == 422 and "region" in bad.json()["detail"]


def test_lists_run_a_constant_number_of_queries(pipeline, client_as, django_assert_max_num_queries):
    client = client_as(pipeline.committee)
    for _ in range(5):
        f_app = services.application_create(actor="test", cohort=pipeline.cohort, applied_on=pipeline.staff.applied_on,
                                            full_name="More", person_key=f"{_:064x}",
                                            region=pipeline.world.almaty, experience_years=9, category="expert",
                                            record_date=pipeline.staff.applied_on)
        services.assign(actor="test", stage=pipeline.testing, application=f_app, assessor=pipeline.free)
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/leadership/cohorts/test-2025/candidates").status_code == 200
    with django_assert_max_num_queries(8):
        assert len(client.get("/api/v1/leadership/assignments").json()["items"]) == 5
    with django_assert_max_num_queries(8):
        client.get("/api/v1/leadership/cohorts/test-2025/funnel")


def test_an_assessor_scores_an_assigned_candidate(pipeline, client_as):
    p = pipeline
    assignment = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    client = client_as(p.free.user)
    assert client.get("/api/v1/leadership/assignments").json()["items"][0]["id"] == assignment.pk
    response = _post(client, {"assignment": assignment.pk, "value": "72,5"})
    assert response.status_code == 201, response.content
    assert response.json()["value"] == 72.5 and response.json()["stage_score"] is None  # one of two needed
    assert Score.objects.get(assignment=assignment).value == 72.5


@pytest.mark.parametrize("value, status, code", [("101", 422, "range"), ("-3", 422, "range"),
                                                 ("ten", 422, "range")])
def test_a_score_out_of_range_answers_422(pipeline, client_as, value, status, code):
    assignment = services.assign(actor="test", stage=pipeline.testing, application=pipeline.almaty,
                                 assessor=pipeline.free)
    response = _post(client_as(pipeline.free.user), {"assignment": assignment.pk, "value": value})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["detail"] and not Score.objects.exists()


def test_refusals_answer_403_and_409_with_a_readable_body(pipeline, client_as):
    p = pipeline
    other = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.from_b)
    response = _post(client_as(p.free.user), {"assignment": other.pk, "value": "50"})
    assert (response.status_code, response.json()["code"]) == (403, "not_assigned")
    own = Assignment.objects.create(stage=p.testing, application=p.staff, assessor=p.from_a)
    response = _post(client_as(p.from_a.user), {"assignment": own.pk, "value": "50"})
    assert (response.status_code, response.json()["code"]) == (403, "own_organization")
    ahead = services.assign(actor="test", stage=p.training, application=p.almaty, assessor=p.free)
    services.stage_set_status(actor="test", stage=p.training, status="open")
    response = _post(client_as(p.free.user), {"assignment": ahead.pk, "value": "50"})
    assert (response.status_code, response.json()["code"]) == (409, "out_of_order")
    assert "has not passed the stage" in response.json()["detail"]
    mine = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    services.stage_set_status(actor="test", stage=p.testing, status="closed")
    response = _post(client_as(p.free.user), {"assignment": mine.pk, "value": "50"})
    assert (response.status_code, response.json()["code"]) == (409, "closed")
    assert _post(client_as(p.free.user), {"assignment": 999999, "value": "50"}).status_code == 404
    assert not Score.objects.exists()


def test_vacancy_matching_api(pipeline, client_as):
    org = f.organization(pipeline.world.almaty)
    client = client_as(pipeline.committee)
    assert client.get(f"/api/v1/leadership/vacancies/match?organization={org.pk}").json() == []
    assert client.get("/api/v1/leadership/vacancies/match?organization=999999").status_code == 404

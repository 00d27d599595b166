"""The committee's API writes: 403 outside the committee (nothing written), 409 for a state conflict, 422 naming
the field, and the writes themselves."""

import json

import pytest

from smarttvet.leadership import services
from smarttvet.leadership.models import Appointment, Assignment, Cohort, ReserveEntry, Stage, StageResult
from tests.leadership.conftest import score_all
from tests.leadership.test_committee import through_every_stage, users, writes

pytestmark = pytest.mark.django_db
API = "/api/v1/leadership"


def post(client, path, data=None):
    return client.post(f"{API}{path}", data=json.dumps(data or {}), content_type="application/json",
                       headers={"accept-language": "en"})


COHORT = {"programme": "1000-leaders", "code": "api-2026", "year": 2026, "name_kk": "Жинақ", "name_ru": "Набор",
          "name_en": "API cohort"}
WRITES = [("/cohorts", COHORT), ("/cohorts/test-2025/screen", {}), ("/cohorts/test-2025/stages/training/open", {}),
          ("/cohorts/test-2025/stages/testing/close", {}), ("/cohorts/test-2025/stages/testing/decide", {}),
          ("/cohorts/test-2025/stages/testing/assign", {}), ("/results/1/review", {"note": "ok"}),
          ("/appeals/1/decide", {"decision": "rejected", "note": "no"}),
          ("/cohorts/test-2025/reserve", {"valid_from": "2025-12-01"}),
          ("/appointments", {"reserve_entry": 1, "organization": 1, "position": "director",
                             "appointed_on": "2026-01-01", "route": "competition"})]


@pytest.mark.parametrize("who", ["assessor", "region", "teacher", "organization"])
def test_writes_are_forbidden_outside_the_committee(pipeline, client_as, who):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [70, 72])
    client = client_as(users(p)[who])
    before = writes()
    for path, data in WRITES:
        response = post(client, path, data)
        assert response.status_code == 403 and response.json()["code"] == "forbidden", path
    assert client.get(f"{API}/cohorts/test-2025/ranking").status_code == 403
    assert client.get(f"{API}/cohorts/test-2025/stages/testing/preview").status_code == 403
    assert writes() == before


def test_writes_need_a_login(pipeline, client):
    for path, data in WRITES:
        assert post(client, path, data).status_code == 401


def test_a_cohort_is_created_with_its_stages_or_refused_by_field(pipeline, client_as):
    client = client_as(pipeline.committee)
    stages = [{"code": "test", "name_en": "Test", "max_score": 50, "pass_mark": 30},
              {"code": "talk", "name_en": "Talk", "max_score": 10, "pass_mark": 6, "capacity": 100}]
    response = post(client, "/cohorts", {**COHORT, "stages": stages})
    assert response.status_code == 201, response.content
    assert [(s["code"], s["capacity"]) for s in response.json()["stages"]] == [("test", None), ("talk", 100)]
    before = writes()
    for change, status, field in [({"code": "api-2026"}, 422, "code"), ({"programme": "nope"}, 422, "programme"),
                                  ({"region": "99"}, 422, "region"),
                                  ({"stages": [{**stages[0], "pass_mark": 60}]}, 422, "stages")]:
        response = post(client, "/cohorts", {**COHORT, **change})
        assert response.status_code == status and response.json()["field"] == field, change
    assert post(client, "/cohorts", {**COHORT, "code": "x", "year": 1900}).status_code == 422
    nul = post(client, "/cohorts", {**COHORT, "code": "a\x00b"})  # the platform's request guard: 400 for a NUL
    assert nul.status_code == 400 and nul.json()["detail"]
    assert writes() == before


def test_stage_open_close_decide_and_their_conflicts(pipeline, client_as):
    p = pipeline
    client = client_as(p.committee)
    before = writes()
    response = post(client, "/cohorts/test-2025/stages/testing/open")
    assert response.status_code == 409 and "open already" in response.json()["detail"]
    assert post(client, "/cohorts/test-2025/stages/internship/open").json()["code"] == "out_of_order"
    assert post(client, "/cohorts/test-2025/stages/training/close").status_code == 409
    assert post(client, "/cohorts/test-2025/stages/testing/decide").status_code == 409  # nobody ready
    assert post(client, "/cohorts/test-2025/stages/nope/decide").status_code == 404
    assert post(client, "/cohorts/nope/screen").status_code == 404
    assert post(client, "/cohorts/test-2025/screen").status_code == 409  # nothing to screen
    assert writes() == before
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [40, 45])
    preview = client.get(f"{API}/cohorts/test-2025/stages/testing/preview").json()
    assert (preview["ready"], preview["advance"], preview["drop"], preview["waiting"]) == (2, 1, 1, 1)
    assert post(client, "/cohorts/test-2025/stages/testing/decide").json() == {"passed": 1, "dropped": 1}
    assert post(client, "/cohorts/test-2025/stages/training/open").json() == {"stage": "training", "status": "open"}
    assert post(client, "/cohorts/test-2025/stages/testing/close").json()["status"] == "closed"
    assert Stage.objects.get(pk=p.testing.pk).status == "closed"


def test_assign_in_turn(pipeline, client_as):
    p = pipeline
    client = client_as(p.committee)
    before = writes()
    response = post(client, "/cohorts/test-2025/stages/testing/assign", {"assessors": [999999]})
    assert response.status_code == 422 and response.json()["field"] == "assessors"
    assert post(client, "/cohorts/test-2025/stages/testing/assign", {"per_candidate": 0}).status_code == 422
    assert writes() == before
    response = post(client, "/cohorts/test-2025/stages/testing/assign",
                    {"assessors": [p.from_a.pk, p.from_b.pk, p.free.pk], "per_candidate": 2})
    assert response.json() == {"assigned": 6, "candidates": 3, "short": 0}
    assert not Assignment.objects.filter(application=p.staff, assessor=p.from_a).exists()


def test_review_and_appeal_decisions(pipeline, client_as):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [50, 80])
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [30, 35])
    services.decide_stage(actor="test", stage=p.testing)
    flagged = StageResult.objects.get(stage=p.testing, application=p.almaty)
    dropped = StageResult.objects.get(stage=p.testing, application=p.turkistan)
    appeal = services.appeal_file(actor="test", result=dropped, grounds="The platform failed.")
    client = client_as(p.committee)
    before = writes()
    response = post(client, f"/results/{flagged.pk}/review", {"note": " "})
    assert response.status_code == 422 and response.json()["field"] == "note"
    assert post(client, f"/results/{dropped.pk}/review", {"note": "x"}).status_code == 409  # not flagged
    response = post(client, f"/appeals/{appeal.pk}/decide", {"decision": "maybe", "note": "x"})
    assert response.status_code == 422 and response.json()["field"] == "decision"
    assert post(client, "/appeals/999999/decide", {"decision": "upheld", "note": "x"}).status_code == 404
    assert writes() == before
    assert post(client, f"/results/{flagged.pk}/review", {"note": "Defensible."}).json()["review_cleared"] is True
    body = post(client, f"/appeals/{appeal.pk}/decide", {"decision": "upheld", "note": "Log."}).json()
    assert body["decision"] == "upheld"
    assert post(client, f"/appeals/{appeal.pk}/decide", {"decision": "rejected", "note": "x"}).status_code == 409


def test_reserve_ranking_and_appointment(pipeline, client_as):
    p = pipeline
    through_every_stage(p, p.turkistan, 80)
    client = client_as(p.committee)
    ranking = client.get(f"{API}/cohorts/test-2025/ranking").json()
    assert [(r["candidate_id"], r["total_score"], r["reserve_entry"]) for r in ranking] == [(p.turkistan.pk, 80.0,
                                                                                            None)]
    assert post(client, "/cohorts/test-2025/reserve", {"valid_from": "soon"}).status_code == 422
    assert post(client, "/cohorts/test-2025/reserve", {"valid_from": "2025-12-15"}).json() == {"entered": 1}
    assert post(client, "/cohorts/test-2025/reserve", {"valid_from": "2025-12-15"}).status_code == 409
    entry = ReserveEntry.objects.get()
    form = {"reserve_entry": entry.pk, "organization": p.world.college_b.pk, "position": "director",
            "appointed_on": "2026-01-10", "route": "outside"}
    before = writes()
    for change, status, field in [({"appointed_on": "2030-01-01"}, 422, "appointed_on"),
                                  ({"organization": 999999}, 422, "organization"),
                                  ({"position": "king"}, 422, "position"), ({"route": "x"}, 422, "route")]:
        response = post(client, "/appointments", {**form, **change})
        assert response.status_code == status and response.json()["field"] == field, change
    assert post(client, "/appointments", {**form, "reserve_entry": 999999}).status_code == 404
    assert writes() == before
    response = post(client, "/appointments", form)
    assert response.status_code == 201 and response.json()["route"] == "outside"
    assert Appointment.objects.get().organization == p.world.college_b
    ReserveEntry.objects.filter(pk=entry.pk).update(status="withdrawn")
    assert post(client, "/appointments", form).status_code == 409
    assert client.get(f"{API}/cohorts/test-2025/ranking").json()[0]["reserve_status"] == "withdrawn"


def test_the_ministry_may_write_too(pipeline, client_as):
    response = post(client_as(pipeline.world.users["ministry"]), "/cohorts", COHORT)
    assert response.status_code == 201 and Cohort.objects.filter(code="api-2026").exists()

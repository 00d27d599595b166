"""The selection pipeline's writes: screening, assignment, scoring and each refusal (nothing written), the spread
review, decisions at the pass mark and the seats, appeals, the reserve and appointments."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from smarttvet.accounts.models import AuditEntry
from smarttvet.leadership import services
from smarttvet.leadership.models import Application, Assignment, Score, StageResult
from tests import factories as f
from tests.leadership import factories as lf
from tests.leadership.conftest import score_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the platform's default language is Kazakh)."""
    with translation.override("en"):
        yield


def refused(code, call, *args, **kwargs):
    """Run ``call``; it must be refused with ``code`` and write neither a score nor an audit row."""
    scores, audits = Score.objects.count(), AuditEntry.objects.count()
    with pytest.raises(services.SelectionError) as error, translation.override("en"):
        call(*args, **kwargs)
    assert error.value.refusal == code, error.value.text
    assert (Score.objects.count(), AuditEntry.objects.count()) == (scores, audits)
    return error.value.text


def test_screening_records_each_refusal_and_lets_the_eligible_enter_the_first_stage(pipeline):
    p = pipeline
    p.novice.refresh_from_db()
    assert p.novice.status == Application.Status.INELIGIBLE
    assert [r["code"] for r in p.novice.refusals] == ["experience"]
    assert "5 years" in p.novice.refusals[0]["reason"]["en"]
    entered = set(StageResult.objects.filter(stage=p.testing).values_list("application_id", flat=True))
    assert entered == {p.staff.pk, p.turkistan.pk, p.almaty.pk}


def test_a_staff_application_takes_its_profile_from_the_staff_record(pipeline):
    staff = pipeline.staff
    assert staff.kind == "teacher" and staff.teacher == pipeline.world.teacher_a
    assert staff.organization == pipeline.world.college_a and staff.region == pipeline.world.turkistan
    assert staff.person_key == pipeline.world.teacher_a.person_key and staff.category == "moderator"


def test_an_applicant_applies_once_per_cohort(pipeline):
    with pytest.raises(services.SelectionError):
        lf.external(pipeline.cohort, pipeline.world.turkistan, person_key=pipeline.turkistan.person_key)


def test_a_teacher_applies_only_for_themselves(pipeline):
    other = f.teacher(pipeline.world.college_b)
    with pytest.raises(PermissionDenied):
        services.application_create(actor=pipeline.world.users["teacher"], cohort=lf.cohort("other"),
                                    applied_on=lf.APPLIED, teacher=other)


def test_a_mean_score_is_stored_once_every_assessor_scored(pipeline):
    p = pipeline
    score_all(p.testing, p.turkistan, [p.from_a], [70])
    result = StageResult.objects.get(application=p.turkistan, stage=p.testing)
    assert result.score is None  # one of two assessors so far
    score_all(p.testing, p.turkistan, [p.from_b], [80])
    result.refresh_from_db()
    assert (result.score, result.spread, result.flagged, result.outcome) == (75, 10, False, "pending")


# --- the refused inputs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("value, message", [("100.5", "above the maximum"), ("-1", "cannot be negative"),
                                            ("abc", "must be a number"), ("nan", "must be a number")])
def test_a_score_outside_zero_to_the_maximum_is_refused(pipeline, value, message):
    assignment = services.assign(actor="test", stage=pipeline.testing, application=pipeline.turkistan,
                                 assessor=pipeline.free)
    text = refused("range", services.submit_score, actor=pipeline.free.user, assignment=assignment, value=value)
    assert message in text


def test_the_maximum_itself_and_zero_are_accepted(pipeline):
    assignment = services.assign(actor="test", stage=pipeline.testing, application=pipeline.turkistan,
                                 assessor=pipeline.free)
    services.submit_score(actor=pipeline.free.user, assignment=assignment, value="100")
    services.submit_score(actor=pipeline.free.user, assignment=assignment, value="0")
    assert Score.objects.get(assignment=assignment).value == 0


def test_a_stage_before_the_previous_one_is_passed_is_refused(pipeline):
    assignment = services.assign(actor="test", stage=pipeline.training, application=pipeline.turkistan,
                                 assessor=pipeline.free)
    lf.open_stage(pipeline.training)
    text = refused("out_of_order", services.submit_score, actor=pipeline.free.user, assignment=assignment,
                   value=70)
    assert "has not passed the stage Testing" in text


def test_an_ineligible_applicant_cannot_be_scored(pipeline):
    assignment = services.assign(actor="test", stage=pipeline.testing, application=pipeline.novice,
                                 assessor=pipeline.free)
    refused("out_of_order", services.submit_score, actor=pipeline.free.user, assignment=assignment, value=70)


def test_an_assessor_is_not_assigned_nor_scores_a_candidate_of_their_own_organisation(pipeline):
    p = pipeline
    with pytest.raises(services.SelectionError) as error:
        services.assign(actor="test", stage=p.testing, application=p.staff, assessor=p.from_a)
    assert error.value.refusal == "own_organization"
    assert not Assignment.objects.filter(assessor=p.from_a).exists()
    # an assignment made before the assessor joined the candidate's organisation: the score is refused
    assignment = Assignment.objects.create(stage=p.testing, application=p.staff, assessor=p.from_a)
    text = refused("own_organization", services.submit_score, actor=p.from_a.user, assignment=assignment, value=70)
    assert "organisation" in text


def test_an_assessor_cannot_score_a_candidate_assigned_to_someone_else(pipeline):
    p = pipeline
    assignment = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.from_b)
    refused("not_assigned", services.submit_score, actor=p.free.user, assignment=assignment, value=70)
    refused("not_assigned", services.submit_score, actor=p.world.users["ministry"], assignment=assignment,
            value=70)


def test_a_closed_stage_is_refused(pipeline):
    p = pipeline
    assignment = services.assign(actor="test", stage=p.testing, application=p.almaty, assessor=p.free)
    services.stage_set_status(actor="test", stage=p.testing, status="closed")
    text = refused("closed", services.submit_score, actor=p.free.user, assignment=assignment, value=70)
    assert "closed" in text


def test_a_decided_result_is_refused(pipeline):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [70, 72])
    services.decide_stage(actor="test", stage=p.testing)
    assignment = Assignment.objects.get(stage=p.testing, application=p.almaty, assessor=p.free)
    refused("closed", services.submit_score, actor=p.free.user, assignment=assignment, value=10)


def test_only_the_committee_assigns_and_decides(pipeline):
    p = pipeline
    for actor in (p.free.user, p.world.users["region"], p.world.users["teacher"]):
        with pytest.raises(PermissionDenied):
            services.assign(actor=actor, stage=p.testing, application=p.almaty, assessor=p.free)
        with pytest.raises(PermissionDenied):
            services.decide_stage(actor=actor, stage=p.testing)
    services.assign(actor=p.committee, stage=p.testing, application=p.almaty, assessor=p.free)


@pytest.mark.parametrize("change, message", [
    ({"pass_mark": 101}, "between 0 and the maximum"), ({"max_score": 0}, "between 0 and the maximum"),
    ({"weight": -1}, "weight cannot be negative"), ({"order": 2}, "unique"),
])
def test_bad_stage_configurations_are_refused(world, change, message):
    stages = services.default_stages()
    stages[0].update(change)
    with pytest.raises(services.SelectionError, match=message):
        lf.cohort("bad", stages=stages)


def test_the_first_stage_has_no_seats(world):
    stages = services.default_stages()
    stages[0]["capacity"] = 5
    with pytest.raises(services.SelectionError, match="first stage"):
        lf.cohort("bad", stages=stages)


# --- spread, decisions, seats ---------------------------------------------------------------------------------
def test_a_large_spread_waits_for_review_and_is_decided_once_cleared(pipeline):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [50, 75])  # 25 > 20 % of 100
    result = StageResult.objects.get(application=p.almaty, stage=p.testing)
    assert result.flagged and result.outcome == "review"
    assert services.decide_stage(actor="test", stage=p.testing) == {"passed": 0, "dropped": 0}
    with pytest.raises(services.SelectionError):
        services.review_clear(actor=p.committee, result=result, note=" ")
    services.review_clear(actor=p.committee, result=result, note="The interview notes support both scores.")
    assert services.decide_stage(actor=p.committee, stage=p.testing) == {"passed": 1, "dropped": 0}
    result.refresh_from_db()
    assert result.outcome == "passed" and "62.5" in result.reason


def test_passing_enters_the_next_stage_and_dropping_is_recorded_with_the_reason(pipeline):
    p = pipeline
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [50, 55])
    services.decide_stage(actor="test", stage=p.testing)
    assert StageResult.objects.filter(stage=p.training, application=p.turkistan).exists()
    dropped = StageResult.objects.get(stage=p.testing, application=p.almaty)
    assert dropped.outcome == "dropped" and "below the pass mark 60.0" in dropped.reason
    p.almaty.refresh_from_db()
    assert p.almaty.status == "dropped"
    assert AuditEntry.objects.filter(target_label__contains="testing decided").exists()


def test_seats_wait_for_everyone_then_take_the_best(world):
    cohort = lf.cohort("seats", training_seats=1)
    testing = cohort.stages.get(code="testing")
    a = lf.external(cohort, world.turkistan)
    b = lf.external(cohort, world.turkistan)
    services.screen_cohort(actor="test", cohort=cohort, as_of=lf.SCREENED)
    lf.open_stage(testing)
    x, y = lf.assessor("x"), lf.assessor("y")
    score_all(testing, a, [x, y], [70, 70])
    with pytest.raises(services.SelectionError, match="1 candidates still wait"):
        services.decide_stage(actor="test", stage=testing)
    assert not StageResult.objects.filter(stage__code="training").exists()
    score_all(testing, b, [x, y], [90, 90])
    services.decide_stage(actor="test", stage=testing)
    result_a = StageResult.objects.get(stage=testing, application=a)
    assert result_a.outcome == "dropped" and "outside the 1 seats" in result_a.reason
    assert list(StageResult.objects.filter(stage__code="training").values_list("application_id", flat=True)) == [b.pk]


# --- appeals, reserve, appointments ---------------------------------------------------------------------------
def test_an_upheld_appeal_reopens_a_closed_stage_for_the_candidate(pipeline):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [50, 55])
    services.decide_stage(actor="test", stage=p.testing)
    services.stage_set_status(actor="test", stage=p.testing, status="closed")
    result = StageResult.objects.get(stage=p.testing, application=p.almaty)
    with pytest.raises(services.SelectionError):
        services.appeal_file(actor="test", result=StageResult(outcome="passed"), grounds="x")
    appeal = services.appeal_file(actor="test", result=result, grounds="The test platform failed.")
    with pytest.raises(services.SelectionError, match="reasons"):
        services.appeal_decide(actor=p.committee, appeal=appeal, decision="upheld", note="")
    services.appeal_decide(actor=p.committee, appeal=appeal, decision="upheld", note="The log confirms it.")
    result.refresh_from_db()
    assert result.reopened and result.outcome == "pending"
    assignment = Assignment.objects.get(stage=p.testing, application=p.almaty, assessor=p.free)
    services.submit_score(actor=p.free.user, assignment=assignment, value=75)  # the closed stage, reopened
    services.submit_score(actor=p.from_b.user, assignment=Assignment.objects.get(
        stage=p.testing, application=p.almaty, assessor=p.from_b), value=72)
    services.decide_stage(actor="test", stage=p.testing)
    result.refresh_from_db()
    assert result.outcome == "passed"
    with pytest.raises(services.SelectionError, match="already decided"):
        services.appeal_decide(actor=p.committee, appeal=appeal, decision="rejected", note="no")
    assert AuditEntry.objects.filter(target_type="leadership.appeal").count() == 2


def _through_every_stage(p, application, value):
    for stage in p.cohort.stages.order_by("order"):
        lf.open_stage(stage)
        score_all(stage, application, [p.free, p.from_b], [value, value])
        services.decide_stage(actor="test", stage=stage)


def test_the_reserve_ranks_by_the_weighted_total_for_the_validity_years(pipeline):
    p = pipeline
    _through_every_stage(p, p.turkistan, 80)
    p.turkistan.refresh_from_db()
    assert p.turkistan.status == "completed"
    assert services.reserve_build(actor="test", cohort=p.cohort, valid_from=dt.date(2025, 12, 15)) == 1
    entry = p.turkistan.reserve_entry
    assert (entry.rank, entry.total_score, entry.valid_until) == (1, 80.0, dt.date(2028, 12, 15))
    with pytest.raises(services.SelectionError, match="valid from"):
        services.appoint(actor="test", entry=entry, organization=p.world.college_b, position="director",
                         appointed_on=dt.date(2029, 1, 1), route="competition")
    services.appoint(actor="test", entry=entry, organization=p.world.college_b, position="director",
                     appointed_on=dt.date(2026, 2, 1), route="outside")
    entry.refresh_from_db()
    assert entry.status == "appointed"


def test_the_verified_portfolio_category_and_date_feed_a_staff_profile(world):
    import datetime as dt

    from django.utils import timezone

    from smarttvet.leadership import profiles
    from smarttvet.portfolio.models import Record

    teacher = world.teacher_a
    assert profiles.profile_of(teacher)["category"] == "moderator"  # no portfolio records: the staff record
    Record.objects.create(teacher=teacher, kind="category", title="Expert", code="expert",
                          start_date=dt.date(2024, 5, 1), status="verified",
                          verified_at=timezone.make_aware(dt.datetime(2024, 6, 1, 12)))
    profile = profiles.profile_of(teacher, today=dt.date(2026, 1, 1))
    assert profile["category"] == "expert" and profile["record_date"] == dt.date(2024, 6, 1)
    assert profile["experience_years"] == 10 and profile["management_years"] == 0

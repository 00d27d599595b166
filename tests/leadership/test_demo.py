"""The reserve part of the small demo: the 2024 funnel (about 2,500 applicants, 433 entering training), the
reserve and appointments of 2023-24, the cohort under way, the demo logins, and determinism."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, Max
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry
from smarttvet.demo import generator
from smarttvet.leadership import access, scoring
from smarttvet.leadership.models import Application, Appointment, Assignment, ReserveEntry, Score, StageResult

SEED = 7
pytestmark = pytest.mark.django_db


def _fingerprint():
    return list(Application.objects.order_by("cohort__code", "person_key").values_list(
        "person_key", "status", "rank"))[:300]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        before = AuditEntry.objects.aggregate(top=Max("id"))["top"] or 0
        generator.clear()
        counts = generator.generate(scale="small", seed=SEED, progress=False)
        yield {"counts": counts, "fingerprint": _fingerprint()}
        generator.clear()
        AuditEntry.objects.filter(id__gt=before).delete()  # committed outside the tests' transactions


def test_the_cli_prints_the_2024_funnel_of_the_project(demo):
    out = io.StringIO()
    call_command("leadership", "funnel", "--cohort", "1000-leaders-2024", "--format", "csv", stdout=out)
    rows = {line.split(",")[1]: line.split(",") for line in out.getvalue().splitlines()[1:]}
    assert list(rows) == ["applications", "testing", "training", "internship", "final_assessment", "interview"]
    assert 2_450 <= int(rows["applications"][2]) <= 2_600
    assert int(rows["training"][2]) == 433
    entered = [int(rows[s][2]) for s in list(rows)[1:]]
    assert entered == sorted(entered, reverse=True) and entered[-1] > 250


def test_reserve_and_appointments_of_2023_and_2024(demo):
    members = ReserveEntry.objects.count()
    assert 540 <= members <= 630
    assert Appointment.objects.count() == 397
    assert ReserveEntry.objects.filter(status="appointed").count() == Appointment.objects.values("entry").distinct() \
        .count()
    # an organisation has at most one director appointed from the reserve
    assert not Appointment.objects.filter(position="director").values("organization").annotate(
        n=Count("pk")).filter(n__gt=1).exists()
    for appointment in Appointment.objects.select_related("entry")[:50]:
        assert appointment.entry.valid_from <= appointment.appointed_on <= appointment.entry.valid_until


def test_the_stored_results_follow_the_scoring_rules(demo):
    results = StageResult.objects.filter(stage__cohort__code="1000-leaders-2024", stage__code="internship")
    scores: dict[int, list[float]] = {}
    for application_id, value in Score.objects.filter(assignment__stage__cohort__code="1000-leaders-2024",
                                                      assignment__stage__code="internship").values_list(
            "assignment__application_id", "value"):
        scores.setdefault(application_id, []).append(float(value))
    for result in results:
        values = scores[result.application_id]
        assert result.score == pytest.approx(scoring.stage_score(values), abs=0.01)
        assert result.flagged == scoring.is_flagged(values, 100, 0.2)
        assert (result.outcome == "passed") == (result.score >= 60)
    assert results.filter(flagged=True).exists()
    # no assessor scored a candidate of their own organisation
    assert not Assignment.objects.filter(assessor__organization__isnull=False,
                                         assessor__organization=models_f("application__organization")).exists()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_the_cohort_under_way_gives_the_assessor_login_work(demo):
    from smarttvet.accounts.models import User

    user = User.objects.get(username="assessor")
    assessor = access.assessor_of(user)
    waiting = Assignment.objects.filter(assessor=assessor, stage__cohort__code="1000-leaders-2025",
                                        score__isnull=True)
    assert waiting.count() >= 10
    assert StageResult.objects.filter(stage__cohort__code="1000-leaders-2025", outcome="review").exists() or \
        StageResult.objects.filter(stage__cohort__code="1000-leaders-2025", score__isnull=True).exists()
    assert User.objects.get(username="committee").role_assignments.get().role == "committee"
    teacher = User.objects.get(username="teacher").role_assignments.get().teacher
    assert Application.objects.filter(teacher=teacher, cohort__code="1000-leaders-2024").exists()


def test_external_applicants_carry_no_iin(demo):
    keys = Application.objects.filter(kind="external").values_list("person_key", flat=True)[:200]
    assert all(len(k) == 64 and not k.isdigit() for k in keys)


def test_the_same_seed_gives_the_same_reserve(demo):
    generator.generate(scale="small", seed=SEED, progress=False, force=True)
    assert _fingerprint() == demo["fingerprint"]

"""The demo's portfolios at the small scale: every current teacher and master has records, marked as demo data;
better colleges (higher hidden quality) have better portfolios; the same seed gives the same records; the
``methodist`` login verifies for the ``college`` login's college; the ``teacher`` login's portfolio is rich."""

from __future__ import annotations

import numpy as np
import pytest
from django.db.models import Count, Sum
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry, RoleAssignment
from smarttvet.demo import generator
from smarttvet.demo.generator import latent
from smarttvet.people.models import Teacher
from smarttvet.portfolio import kinds, selectors
from smarttvet.portfolio.models import Evidence, Record

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SEED = 11


def fingerprint():
    return list(Record.objects.order_by("teacher_id", "lineage").values_list(
        "teacher__person_key", "kind", "code", "start_date", "hours", "status", "lineage"))


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _private_files(settings, media):
    settings.MEDIA_ROOT = media  # the demo's evidence files, for every test of this module


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker, media):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=media):
        generator.clear()
        counts = generator.generate(scale="small", seed=SEED, progress=False)
        yield {"counts": counts, "fingerprint": fingerprint()}
        generator.clear()
        AuditEntry.objects.filter(target_type="demo.demodataset").delete()


@pytest.mark.django_db
def test_every_current_teacher_has_demo_records(small):
    current = Teacher.objects.filter(employed_until__isnull=True).exclude(position="director")
    with_records = current.filter(portfolio_records__isnull=False).distinct().count()
    assert with_records == current.count()
    assert not Record.objects.filter(is_demo=False).exists()
    assert small["counts"]["portfolio_records"] == Record.objects.count()
    assert 0.8 <= Record.objects.filter(status="verified").count() / Record.objects.count() <= 0.95


@pytest.mark.django_db
def test_better_colleges_have_better_portfolios(small):
    seed = SEED
    rows = (Record.objects.filter(selectors.IN_FORCE, kind="course").values("teacher__organization__bin")
            .annotate(hours=Sum("hours")).order_by())
    staff = dict(Teacher.objects.filter(employed_until__isnull=True).values("organization__bin")
                 .annotate(n=Count("id")).order_by().values_list("organization__bin", "n"))
    per_teacher = {r["teacher__organization__bin"]: r["hours"] / staff[r["teacher__organization__bin"]]
                   for r in rows}
    bins = sorted(per_teacher)
    quality = [latent.organization_quality(seed, b, 2025) for b in bins]
    assert np.corrcoef(quality, [per_teacher[b] for b in bins])[0, 1] > 0.2


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_portfolios(small):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        generator.generate(scale="small", seed=SEED, progress=False)
    assert fingerprint() == small["fingerprint"]


@pytest.mark.django_db
def test_demo_logins_verifier_and_a_rich_teacher(small):
    verifier = RoleAssignment.objects.get(user__username="methodist")
    college = RoleAssignment.objects.get(user__username="college")
    assert verifier.role == "verifier" and verifier.organization_id == college.organization_id
    teacher = RoleAssignment.objects.get(user__username="teacher").teacher
    records = Record.objects.filter(teacher=teacher)
    assert set(records.values_list("kind", flat=True)) == set(kinds.KINDS)
    assert set(records.values_list("status", flat=True)) == {"draft", "submitted", "verified", "returned"}
    evaluation = selectors.evaluate(teacher)
    assert evaluation.category == "moderator" and evaluation.new_format == "certified"
    evidence = Evidence.objects.filter(record__teacher=teacher)
    # (the files themselves are checked where they are made: regenerating in another test rolls back the rows
    # but not the files)
    assert evidence.count() >= 3 and set(evidence.values_list("content_type", flat=True)) == {"application/pdf"}

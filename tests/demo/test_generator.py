"""The demo generator at the small scale: sizes, validity, determinism, realism, latent quality, users, refusals."""

from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F, Q
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry, RoleAssignment, User
from smarttvet.core.identifiers import person_key, twelve_digit_problem
from smarttvet.demo import generator
from smarttvet.demo.generator import latent, people, scales
from smarttvet.demo.models import DemoDataset
from smarttvet.people.models import GraduateOutcome, Student, Teacher
from smarttvet.registry.models import Enterprise, Offer, Organization, Region, StateOrder
from tests import factories as f

SEED = 7
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    """A hash of everything that identifies the generated data."""
    digest = hashlib.sha256()
    for values in (
        Organization.objects.order_by("bin").values_list("bin", "name_ru", "kind", "ownership"),
        Enterprise.objects.order_by("bin").values_list("bin", "name", "sector__code"),
        Offer.objects.order_by("organization__bin", "qualification__code", "language", "form")
        .values_list("organization__bin", "qualification__code", "language", "form", "licensed_capacity"),
        Teacher.objects.order_by("person_key").values_list("person_key", "full_name", "category"),
        Student.objects.order_by("person_key").values_list("person_key", "cohort_year", "status", "funding"),
        GraduateOutcome.objects.order_by("student__person_key", "months_after")
        .values_list("student__person_key", "months_after", "status", "observed_on"),
    ):
        for row in values:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def spearman(x, y) -> float:
    rank_x = np.argsort(np.argsort(x))
    rank_y = np.argsort(np.argsort(y))
    return float(np.corrcoef(rank_x, rank_y)[0, 1])


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker):
    """The small dataset, generated once for this module and removed afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        counts = generator.generate(scale="small", seed=SEED, progress=False)
        yield {"counts": counts, "fingerprint": fingerprint()}
        generator.clear()
        AuditEntry.objects.filter(target_type="demo.demodataset").delete()


def run(*args) -> str:
    out = io.StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("demo", *args, "--no-progress", stdout=out)
    return out.getvalue()


def tvet():
    return Organization.objects.filter(kind__in=Organization.TVET_KINDS)


# --- sizes ----------------------------------------------------------------------------------------------------
def test_counts_are_in_the_intended_ranges(small):
    colleges = tvet()
    assert 36 <= colleges.count() <= 44
    assert colleges.filter(parent__isnull=False).count() == scales.SMALL.branches
    assert colleges.filter(kind="higher_college").exists()
    assert colleges.values("region").distinct().count() >= 8
    assert colleges.filter(region__kato="610000000").count() >= 6
    assert 35 <= Organization.objects.filter(kind="school").count() <= 45
    assert 3_400 <= Student.objects.filter(status="studying").count() <= 4_600
    staff = Teacher.objects.filter(position__in=["teacher", "master"], employed_until__isnull=True).count()
    assert 320 <= staff <= 480
    assert Teacher.objects.filter(position="director").count() == colleges.count()
    assert Teacher.objects.filter(employed_until__isnull=False).exists()
    assert 280 <= Enterprise.objects.count() <= 320
    per_college = list(Offer.objects.values("organization").annotate(n=Count("id")).values_list("n", flat=True))
    assert len(per_college) == colleges.count() and min(per_college) >= 3 and max(per_college) <= 15
    assert StateOrder.objects.values_list("year", flat=True).distinct().count() == 4
    dataset = DemoDataset.objects.get()
    assert (dataset.scale, dataset.seed) == ("small", SEED)
    assert dataset.counts["organizations"] == colleges.count()
    assert dataset.counts["students"] == Student.objects.count()


def test_schools_have_no_offers_students_or_teachers(small):
    schools = Organization.objects.filter(kind="school")
    assert not Offer.objects.filter(organization__in=schools).exists()
    assert not Student.objects.filter(organization__in=schools).exists()
    assert not Teacher.objects.filter(organization__in=schools).exists()


# --- validity -------------------------------------------------------------------------------------------------
def test_every_bin_is_valid_and_unique_across_organisations_and_enterprises(small):
    bins = list(Organization.objects.values_list("bin", flat=True)) + list(
        Enterprise.objects.values_list("bin", flat=True))
    assert all(twelve_digit_problem(b) is None for b in bins)
    assert len(bins) == len(set(bins))
    branch_bins = Organization.objects.filter(parent__isnull=False).values_list("bin", flat=True)
    assert all(b[5] == "1" for b in branch_bins)  # the BIN's attribute digit marks a branch


def test_records_are_consistent(small):
    offered = set(Offer.objects.values_list("organization_id", "specialty_id", "qualification_id", "language",
                                            "form"))
    taught = set(Student.objects.values_list("organization_id", "specialty_id", "qualification_id", "language",
                                             "study_form"))
    assert taught <= offered  # every student studies something the college offers
    target = Student.objects.filter(funding="target")
    assert target.exists()
    assert not target.filter(sponsor__isnull=True).exists()
    assert not target.exclude(sponsor__region=F("organization__region")).exists()
    assert not Student.objects.exclude(funding="target").filter(sponsor__isnull=False).exists()
    graduated = Student.objects.filter(status="graduated")
    assert graduated.filter(cohort_year__lte=2022).count() > 0.7 * Student.objects.filter(cohort_year__lte=2021).count()
    assert not graduated.filter(status_year__gt=2025).exists()
    assert not Student.objects.filter(status="studying").exclude(status_year=2025).exists()
    assert set(Student.objects.values_list("cohort_year", flat=True)) == set(range(2019, 2026))
    outcomes = GraduateOutcome.objects.all()
    assert not outcomes.exclude(student__status="graduated").exists()
    assert not outcomes.filter(observed_on__year__lte=F("student__status_year")).exists()
    assert not outcomes.exclude(status="employed").filter(Q(in_field=True) | Q(employer__isnull=False)).exists()
    assert not outcomes.exclude(employer__region=F("student__organization__region")).filter(
        employer__isnull=False).exists()
    assert not Teacher.objects.filter(employed_until__lte=F("employed_from")).exists()
    coords = Organization.objects.values_list("latitude", "longitude")
    assert all(40 <= lat <= 56 and 46 <= lon <= 88 for lat, lon in coords)


def test_person_keys_are_those_of_the_platform(small):
    iin = people.iin_text(40521512345)
    assert people.person_keys([int(iin)]) == [person_key(iin)]
    keys = list(Student.objects.values_list("person_key", flat=True)) + list(
        Teacher.objects.values_list("person_key", flat=True))
    assert len(keys) == len(set(keys))
    assert all(len(k) == 64 for k in keys)


# --- determinism ----------------------------------------------------------------------------------------------
def test_same_seed_again_does_nothing(small):
    output = run("--scale", "small", "--seed", str(SEED))
    assert "already generated" in output
    assert DemoDataset.objects.count() == 1
    assert fingerprint() == small["fingerprint"]


def test_same_seed_from_scratch_gives_identical_data(small):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        counts = generator.generate(scale="small", seed=SEED, progress=False)
    assert counts == small["counts"]
    assert fingerprint() == small["fingerprint"]


def test_another_seed_replaces_the_data(small):
    output = run("--scale", "small", "--seed", str(SEED + 1))
    assert "generated" in output
    assert list(DemoDataset.objects.values_list("scale", "seed")) == [("small", SEED + 1)]
    assert fingerprint() != small["fingerprint"]
    assert 36 <= tvet().count() <= 44  # replaced, not added
    assert User.objects.filter(username="college").count() == 1
    assert Region.objects.count() == 20  # reference data untouched


def test_generation_is_audited(small):
    entry = AuditEntry.objects.filter(action="generate", target_type="demo.demodataset").latest("id")
    assert entry.actor_label == "demo generator"
    assert entry.changes["organizations"] == small["counts"]["organizations"]


# --- realism --------------------------------------------------------------------------------------------------
def share(queryset, **condition) -> float:
    return queryset.filter(**condition).count() / queryset.count()


def test_shares_are_plausible(small):
    heads = tvet().filter(parent__isnull=True)
    assert 0.50 <= share(heads, ownership="public") <= 0.64
    studying = Student.objects.filter(status="studying")
    assert 0.60 <= share(studying, funding="state") <= 0.80
    assert 0.005 <= share(studying, funding="target") <= 0.05
    assert 0.10 <= share(studying, study_form="dual") <= 0.30
    assert share(studying, study_form="evening") <= 0.08
    assert 0.65 <= share(studying, entry="grade9") <= 0.82
    twelve = GraduateOutcome.objects.filter(months_after=12)
    assert 0.50 <= share(twelve, status="employed") <= 0.70
    assert 0.10 <= share(twelve, status="continuing") <= 0.22
    assert twelve.filter(status="military").exists()
    employed = twelve.filter(status="employed")
    assert 0.60 <= share(employed, in_field=True) <= 0.80
    assert share(employed, employer__isnull=False) >= 0.8
    assert share(GraduateOutcome.objects.all(), source="pension") >= 0.5
    teachers = Teacher.objects.exclude(position="director")
    assert 0.02 <= share(teachers, from_production=True) <= 0.10
    categories = set(teachers.values_list("category", flat=True))
    assert categories == {c for c, _ in Teacher.Category.choices}


def test_latent_quality_drives_employment(small):
    seed = DemoDataset.objects.get().seed
    rows = (
        tvet()
        .annotate(
            employed=Count("students__outcomes", filter=Q(students__outcomes__months_after=12,
                                                          students__outcomes__status="employed")),
            observed=Count("students__outcomes", filter=Q(students__outcomes__months_after=12)),
        )
        .filter(observed__gt=0)
        .values_list("bin", "employed", "observed")
    )
    quality = [latent.organization_quality(seed, b, 2024) for b, _e, _o in rows]
    rate = [e / o for _b, e, o in rows]
    assert len(rate) >= 30
    assert spearman(quality, rate) > 0.3


def test_latent_quality_is_a_stable_function():
    q = latent.organization_quality(1, "123456789012", 2024)
    assert q == latent.organization_quality(1, "123456789012", 2024)
    assert q != latent.organization_quality(2, "123456789012", 2024)
    assert abs(q - latent.organization_quality(1, "123456789012", 2025)) < 0.6
    values = latent.organization_qualities(3, [f"{n:012d}" for n in range(2000)], 2022)
    assert abs(values.mean()) < 0.1 and 0.9 < values.std() < 1.1


# --- demo users -----------------------------------------------------------------------------------------------
def test_demo_users_have_their_roles_and_scopes(small):
    turkistan = Region.objects.get(kato="610000000")
    for username in ("admin", "ministry", "region", "college", "teacher", "employer"):
        assert User.objects.get(username=username).check_password("demo")
    assert User.objects.get(username="admin").is_superuser
    role = {a.user.username: a for a in RoleAssignment.objects.select_related("user")}
    assert role["ministry"].role == "ministry"
    assert (role["region"].role, role["region"].region) == ("region", turkistan)
    college = role["college"].organization
    assert role["college"].role == "organization" and college.region == turkistan
    assert college.students.filter(status="studying").exists() and college.teachers.exists()
    teacher = role["teacher"].teacher
    assert role["teacher"].role == "teacher" and teacher.organization == college
    assert User.objects.get(username="teacher").full_name == teacher.full_name
    employer = role["employer"].enterprise
    assert role["employer"].role == "employer" and employer.region == turkistan
    assert employer.sponsored_students.filter(funding="target").exists()
    for assignment in role.values():
        assignment.full_clean()


# --- refusals -------------------------------------------------------------------------------------------------
def test_real_data_is_refused_without_force(small):
    generator.clear()
    real = f.organization(f.region("61"))
    with pytest.raises(CommandError) as refused:
        run("--scale", "small", "--seed", str(SEED))
    assert refused.value.returncode == 2
    assert "--force" in str(refused.value)
    assert Organization.objects.filter(pk=real.pk).exists()
    assert not DemoDataset.objects.exists()
    run("--scale", "small", "--seed", str(SEED), "--force")
    assert not Organization.objects.filter(pk=real.pk).exists()
    assert DemoDataset.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--scale", "huge"], "--scale"),
        (["--seed", "-1"], "--seed"),
        (["--seed", "many"], "--seed"),
    ],
)
def test_bad_arguments_exit_with_code_2(small, args, named):
    before = fingerprint()
    with pytest.raises(CommandError) as bad:
        run(*args)
    assert bad.value.returncode == 2
    assert named in str(bad.value)
    assert fingerprint() == before

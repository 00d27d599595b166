"""The partnership part of the small demo: the Karaganda mining-metallurgy cluster at 100% employment, clusters in
several regions, dual places and target orders consistent with the students, the new agreement kinds, WorldSkills
centres, mobility; deterministic, cleared, and the rating's indicators still sensible."""

import hashlib

import numpy as np
import pytest
from django.db.models import Count, F
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry, User
from smarttvet.demo import generator
from smarttvet.demo.generator import partnership as stage
from smarttvet.demo.generator.context import AS_OF
from smarttvet.partnership import selectors
from smarttvet.partnership.models import (
    AcademicMobility,
    Cluster,
    ClusterSchool,
    DualTrainingPlace,
    EmployerAgreement,
    Infrastructure,
    ProfileClassYear,
    TargetOrder,
    WorldSkillsResult,
)
from smarttvet.people.models import Student
from smarttvet.rating import indicators

SEED = 7
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    digest = hashlib.sha256()
    for values in (
        Cluster.objects.order_by("name_en").values_list("name_en", "region__kato", "sector__code", "year_founded"),
        Cluster.colleges.through.objects.order_by("cluster__name_en", "organization__bin")
        .values_list("cluster__name_en", "organization__bin"),
        ClusterSchool.objects.order_by("cluster__name_en", "school__bin").values_list("cluster__name_en",
                                                                                       "school__bin", "profile"),
        DualTrainingPlace.objects.order_by("organization__bin", "enterprise__bin", "specialty__code", "year")
        .values_list("organization__bin", "enterprise__bin", "specialty__code", "year", "places_offered",
                     "students_placed"),
        TargetOrder.objects.order_by("organization__bin", "enterprise__bin", "specialty__code", "admission_year")
        .values_list("organization__bin", "enterprise__bin", "specialty__code", "admission_year", "places"),
        AcademicMobility.objects.order_by("organization__bin", "start_date", "direction", "participant", "people")
        .values_list("organization__bin", "start_date", "direction", "participant", "people", "duration_days"),
        EmployerAgreement.objects.order_by("organization__bin", "enterprise__bin", "kind", "signed_on")
        .values_list("organization__bin", "enterprise__bin", "kind", "signed_on"),
    ):
        for row in values:
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        counts = generator.generate(scale="small", seed=SEED, progress=False)
        yield {"counts": counts, "fingerprint": fingerprint()}
        generator.clear()
        AuditEntry.objects.filter(target_type="demo.demodataset").delete()


def mining_cluster() -> Cluster:
    return Cluster.objects.get(region__kato="350000000", sector__code="B")


def test_the_karaganda_mining_cluster_employs_all_its_graduates(small):
    cluster = mining_cluster()
    assert "mining and metallurgy" in cluster.name_en and cluster.year_founded == 2020
    assert set(cluster.anchor_enterprises.values_list("sector__code", flat=True)) <= {"B", "C"}
    assert cluster.anchor_enterprises.filter(region=cluster.region).count() == cluster.anchor_enterprises.count() >= 2
    assert cluster.colleges.exists() and cluster.specialties.exists() and cluster.cluster_schools.exists()
    result = selectors.cluster_results([cluster])[cluster.pk]
    assert result.observed >= 5
    assert result.employment_rate == 100.0 and result.employed == result.observed
    assert result.in_field == result.observed
    assert result.member_rate >= 80.0
    assert all(year.employment_rate in (100.0, None) for year in result.by_year)
    counts = small["counts"]
    assert counts["mining_cluster_observed_12_months"] == counts["mining_cluster_employed_12_months"] == result.observed
    assert counts["mining_cluster_at_anchors_12_months"] == result.at_members
    # every graduate's member colleges partner with every anchor enterprise
    pairs = set(EmployerAgreement.objects.filter(organization__in=cluster.colleges.all(),
                                                 enterprise__in=cluster.anchor_enterprises.all())
                .values_list("organization_id", "enterprise_id"))
    assert len(pairs) == cluster.colleges.count() * cluster.anchor_enterprises.count()


def test_clusters_in_several_regions_and_the_other_rates_are_ordinary(small):
    clusters = list(Cluster.objects.select_related("region"))
    assert len(clusters) == small["counts"]["clusters"] >= 5
    assert len({c.region_id for c in clusters}) == len(clusters)  # one per region
    results = selectors.cluster_results(clusters)
    others = [results[c.pk].employment_rate for c in clusters if c != mining_cluster()
              and results[c.pk].employment_rate is not None]
    assert others and max(others) < 100.0 and 30.0 < np.mean(others) < 85.0
    for c in clusters:
        assert c.colleges.exists() and c.anchor_enterprises.exists(), c.name_en
        assert not c.colleges.exclude(kind__in=["college", "higher_college"]).exists()
    assert not ClusterSchool.objects.exclude(school__kind="school").exists()
    assert ProfileClassYear.objects.filter(year=2025).count() == ClusterSchool.objects.count()


def test_target_orders_match_the_target_order_students(small):
    funded = dict(((o, e, s, y), n) for o, e, s, y, n in Student.objects.filter(funding="target")
                  .values_list("organization_id", "sponsor_id", "specialty_id", "cohort_year")
                  .annotate(n=Count("id")).order_by())
    orders = {(o, e, s, y): n for o, e, s, y, n in TargetOrder.objects.values_list(
        "organization_id", "enterprise_id", "specialty_id", "admission_year", "places")}
    assert orders and set(orders) == set(funded)
    assert all(0 <= orders[k] - funded[k] <= 1 for k in orders)
    assert TargetOrder.objects.count() == small["counts"]["target_orders"]
    assert not TargetOrder.objects.exclude(agreement__isnull=True).exclude(
        agreement__organization=F("organization"), agreement__enterprise=F("enterprise")).exists()


def test_dual_places_hold_the_dual_students(small):
    assert DualTrainingPlace.objects.count() == small["counts"]["dual_training_places"]
    assert not DualTrainingPlace.objects.filter(students_placed__gt=F("places_offered")).exists()
    current = DualTrainingPlace.objects.filter(year=2025)
    links = DualTrainingPlace.students.through.objects.filter(dualtrainingplace__in=current)
    assert links.count() == small["counts"]["dual_students_placed_2025"] > 0
    assert sum(current.values_list("students_placed", flat=True)) == links.count()
    assert not links.exclude(student__study_form="dual").exists()
    assert not links.exclude(student__organization=F("dualtrainingplace__organization")).exists()
    assert not links.exclude(student__specialty=F("dualtrainingplace__specialty")).exists()
    assert links.values("student").distinct().count() == links.count()  # nobody placed twice
    dual = Student.objects.filter(study_form="dual", status="studying").count()
    assert 0.85 * dual <= links.count() <= dual
    assert not DualTrainingPlace.objects.exclude(agreement__kind="dual_training").exists()


def test_new_agreement_kinds_centres_and_mobility(small):
    counts = small["counts"]
    assert EmployerAgreement.objects.count() == counts["employer_agreements"]
    kinds = set(EmployerAgreement.objects.values_list("kind", flat=True))
    assert {"internship_base", "mentoring", "equipment", "partnership", "dual_training", "target_order"} <= kinds
    centres = Infrastructure.objects.filter(kind="worldskills_centre")
    assert centres.count() == counts["worldskills_centres"] >= 5
    assert not centres.filter(competency__isnull=True).exists()
    assert Infrastructure.objects.count() == counts["infrastructure"]
    assert not WorldSkillsResult.objects.filter(competency__isnull=True).exists()
    assert not WorldSkillsResult.objects.exclude(competence_code=F("competency__code")).exists()
    mobility = AcademicMobility.objects.all()
    assert mobility.count() == counts["academic_mobility"] > 0
    assert not mobility.filter(start_date__gt=AS_OF).exists()
    assert not mobility.exclude(partnership__organization=F("organization")).exists()
    for record in mobility[:30]:
        record.full_clean()


def test_the_ratings_indicators_stay_sensible(small):
    table = indicators.indicator_table(2025)
    assert table["innovation_facilities"].between(0, 5).all()  # a competence centre is not an innovation kind
    agreements = table["agreements_per_100_students"].dropna()
    assert len(agreements) >= 30 and agreements.median() < 60
    assert table["partner_enterprises"].min() >= 0
    assert table["employment_12m"].dropna().between(0, 100).all()


def test_the_demo_employer_sees_its_students_and_orders(small, client):
    user = User.objects.get(username="employer")
    client.force_login(user)
    response = client.get("/en/partnership/my-enterprise/", follow=True)
    assert response.status_code == 200
    overview = response.context["overview"]
    assert overview.sponsored_total > 0 and overview.target_orders and overview.agreements


def test_deterministic_and_cleared(small):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.generate(scale="small", seed=SEED, progress=False, force=True)
    assert fingerprint() == small["fingerprint"]
    stage.clear()
    for model in (Cluster, ClusterSchool, ProfileClassYear, DualTrainingPlace, TargetOrder, AcademicMobility):
        assert not model.objects.exists(), model.__name__
    assert not DualTrainingPlace.students.through.objects.exists()

"""Fixtures of the partnership tests: builders for clusters, graduates, contracts, and a small partnership world.

``partners`` extends the shared ``world`` (Turkistan: college A, college B, enterprise A; Almaty: college X) with
an Almaty enterprise, a Turkistan cluster, agreements, dual places, target orders, infrastructure, mobility and a
declared need of each enterprise.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from smarttvet.labour.models import EmployerNeed
from smarttvet.partnership.models import (
    AcademicMobility,
    Cluster,
    ClusterSchool,
    DualTrainingPlace,
    EmployerAgreement,
    Infrastructure,
    ProfileClassYear,
    TargetOrder,
    WorldSkillsCompetency,
)
from smarttvet.registry.models import EconomicSector, Qualification, Specialty
from tests import factories as f


def specialty() -> Specialty:
    """The specialty of the factories' students and offers."""
    return Qualification.objects.select_related("specialty").order_by("code").first().specialty


def other_specialty() -> Specialty:
    return Specialty.objects.exclude(pk=specialty().pk).order_by("code").first()


def cluster(region, *, colleges=(), anchors=(), specialties=None, founded=2020, name="Cluster", sector="B",
            schools=()) -> Cluster:
    made = Cluster.objects.create(name_kk=f"{name} kk", name_ru=f"{name} ru", name_en=name, region=region,
                                  sector=EconomicSector.objects.get(code=sector), year_founded=founded)
    made.colleges.set(colleges)
    made.anchor_enterprises.set(anchors)
    made.specialties.set(specialties if specialties is not None else [specialty()])
    for school, pupils in schools:
        member = ClusterSchool.objects.create(cluster=made, school=school, profile="mining")
        for year, n in pupils.items():
            ProfileClassYear.objects.create(cluster_school=member, year=year, pupils=n)
    return made


def graduate(org, *, year=2023, status="employed", employer=None, months=(12,), spec=None, in_field=True):
    """A graduate of ``year`` with an outcome at each horizon of ``months``."""
    student = f.student(org, cohort_year=year - 3, status="graduated", status_year=year,
                        **({"specialty": spec, "qualification": None} if spec is not None else {}))
    for m in months:
        f.graduate_outcome(student, months_after=m, observed_on=dt.date(year, 7, 1) + dt.timedelta(days=30 * m),
                           status=status, employer=employer if status == "employed" else None,
                           in_field=in_field and status == "employed")
    return student


def school(region, name="School"):
    return f.organization(region, kind="school", name_en=name)


@pytest.fixture
def partners(world):
    w = world
    p = SimpleNamespace(world=w)
    p.enterprise_x = f.enterprise(w.almaty, sector=EconomicSector.objects.get(code="J"))
    p.school_a = school(w.turkistan, "School A")
    p.cluster = cluster(w.turkistan, colleges=[w.college_a], anchors=[w.enterprise_a], name="Turkistan cluster",
                        schools=[(p.school_a, {2024: 30, 2025: 40})])
    p.cluster_x = cluster(w.almaty, colleges=[w.college_other_region], anchors=[p.enterprise_x],
                          name="Almaty cluster", sector="J", founded=2022)
    p.agreement_a = EmployerAgreement.objects.create(organization=w.college_a, enterprise=w.enterprise_a,
                                                     kind="dual_training", signed_on=dt.date(2022, 8, 20))
    p.agreement_b = EmployerAgreement.objects.create(organization=w.college_b, enterprise=w.enterprise_a,
                                                     kind="internship_base", signed_on=dt.date(2021, 1, 10),
                                                     expires_on=dt.date(2023, 12, 31))
    p.agreement_x = EmployerAgreement.objects.create(organization=w.college_other_region, enterprise=p.enterprise_x,
                                                     kind="mentoring", signed_on=dt.date(2024, 2, 1))
    p.place_a = DualTrainingPlace.objects.create(agreement=p.agreement_a, organization=w.college_a,
                                                 enterprise=w.enterprise_a, specialty=specialty(), year=2025,
                                                 places_offered=5, students_placed=3)
    p.place_x = DualTrainingPlace.objects.create(organization=w.college_other_region, enterprise=p.enterprise_x,
                                                 specialty=specialty(), year=2025, places_offered=4,
                                                 students_placed=4)
    p.order_a = TargetOrder.objects.create(organization=w.college_a, enterprise=w.enterprise_a,
                                           specialty=specialty(), admission_year=2023, places=2)
    p.order_x = TargetOrder.objects.create(organization=w.college_other_region, enterprise=p.enterprise_x,
                                           specialty=specialty(), admission_year=2023, places=1)
    competency = WorldSkillsCompetency.objects.get(code="10")
    Infrastructure.objects.create(organization=w.college_a, kind="worldskills_centre", opened_year=2023,
                                  competency=competency)
    Infrastructure.objects.create(organization=w.college_other_region, kind="fab_lab", opened_year=2024)
    AcademicMobility.objects.create(organization=w.college_a, direction="outbound", participant="student",
                                    country="DE", institution="Berufskolleg", start_date=dt.date(2025, 3, 1),
                                    duration_days=30, people=6)
    year = timezone.localdate().year + 1
    p.need_a = EmployerNeed.objects.create(enterprise=w.enterprise_a, specialty=specialty(), year=year, people=7,
                                           declared_on=timezone.localdate())
    p.need_x = EmployerNeed.objects.create(enterprise=p.enterprise_x, specialty=specialty(), year=year, people=3,
                                           declared_on=timezone.localdate())
    return p

"""The partnership models: new agreement kinds, constraints, cross-checks in clean(), the competency list."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from smarttvet.partnership.models import (
    AcademicMobility,
    ClusterSchool,
    DualTrainingPlace,
    EmployerAgreement,
    Infrastructure,
    TargetOrder,
    WorldSkillsCompetency,
    WorldSkillsResult,
)
from tests import factories as f
from tests.partnership.conftest import cluster, specialty

pytestmark = pytest.mark.django_db


def test_agreement_kinds_keep_the_old_values_and_add_the_new():
    assert set(EmployerAgreement.Kind.values) == {"partnership", "dual_training", "target_order", "sponsorship",
                                                  "internship_base", "equipment", "mentoring"}
    assert "worldskills_centre" in Infrastructure.Kind.values
    assert "worldskills_centre" not in Infrastructure.INNOVATIVE  # the rating's innovation count is unchanged
    assert len(Infrastructure.INNOVATIVE) == 5


def test_the_competency_list_is_loaded_by_the_migration():
    assert WorldSkillsCompetency.objects.count() >= 30
    welding = WorldSkillsCompetency.objects.get(code="10")
    assert (welding.name_en, welding.sector.code) == ("Welding", "C")
    assert all(c.name_kk and c.name_ru for c in WorldSkillsCompetency.objects.all())
    assert WorldSkillsCompetency.objects.get(code="KZ01").sector.code == "H"


def test_a_result_linked_to_a_competency_takes_its_code_and_must_agree(world):
    welding = WorldSkillsCompetency.objects.get(code="10")
    result = WorldSkillsResult(organization=world.college_a, year=2025, competency=welding, level="regional",
                               award="gold")
    result.full_clean()
    assert (result.competence_code, result.competence_name) == ("10", "Welding")
    result.competence_code = "17"
    with pytest.raises(ValidationError) as bad:
        result.full_clean()
    assert "competence_code" in bad.value.message_dict


def test_only_a_worldskills_centre_has_a_competency(world):
    welding = WorldSkillsCompetency.objects.get(code="10")
    Infrastructure.objects.create(organization=world.college_a, kind="worldskills_centre", opened_year=2024,
                                  competency=welding)
    with pytest.raises(IntegrityError), transaction.atomic():
        Infrastructure.objects.create(organization=world.college_a, kind="fab_lab", opened_year=2024,
                                      competency=welding)


def test_dual_places_cannot_be_overfilled_or_repeated(world):
    fields = dict(organization=world.college_a, enterprise=world.enterprise_a, specialty=specialty(), year=2025)
    with pytest.raises(IntegrityError), transaction.atomic():
        DualTrainingPlace.objects.create(**fields, places_offered=2, students_placed=3)
    DualTrainingPlace.objects.create(**fields, places_offered=3, students_placed=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        DualTrainingPlace.objects.create(**fields, places_offered=1, students_placed=0)
    place = DualTrainingPlace(**{**fields, "year": 2024}, places_offered=1, students_placed=2)
    with pytest.raises(ValidationError) as bad:
        place.full_clean()
    assert "students_placed" in bad.value.message_dict


def test_dual_places_link_students_and_take_the_agreements_parties(world):
    agreement = EmployerAgreement.objects.create(organization=world.college_a, enterprise=world.enterprise_a,
                                                 kind="dual_training", signed_on=dt.date(2024, 8, 20))
    place = DualTrainingPlace(agreement=agreement, specialty=specialty(), year=2025, places_offered=2,
                              students_placed=1)
    place.full_clean()
    assert (place.organization, place.enterprise) == (world.college_a, world.enterprise_a)
    place.save()
    place.students.add(f.student(world.college_a, study_form="dual"))
    assert place.students.count() == 1
    wrong = DualTrainingPlace(agreement=agreement, organization=world.college_b, enterprise=world.enterprise_a,
                              specialty=specialty(), year=2025, places_offered=1)
    with pytest.raises(ValidationError) as bad:
        wrong.full_clean()
    assert "agreement" in bad.value.message_dict


def test_target_orders_are_unique_and_check_their_agreement(world):
    fields = dict(organization=world.college_a, enterprise=world.enterprise_a, specialty=specialty(),
                  admission_year=2024)
    TargetOrder.objects.create(**fields, places=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetOrder.objects.create(**fields, places=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        TargetOrder.objects.create(**{**fields, "admission_year": 2025}, places=0)
    mentoring = EmployerAgreement.objects.create(organization=world.college_a, enterprise=world.enterprise_a,
                                                 kind="mentoring", signed_on=dt.date(2024, 1, 1))
    order = TargetOrder(agreement=mentoring, **{**fields, "admission_year": 2025}, places=1)
    with pytest.raises(ValidationError) as bad:
        order.full_clean()
    assert "agreement" in bad.value.message_dict


def test_mobility_needs_an_iso_country_and_people(world):
    fields = dict(organization=world.college_a, direction="outbound", participant="teacher", institution="HTL Linz",
                  start_date=dt.date(2025, 3, 1), duration_days=10, people=2)
    AcademicMobility(**fields, country="AT").full_clean()
    with pytest.raises(ValidationError):
        AcademicMobility(**fields, country="aut").full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        AcademicMobility.objects.create(**{**fields, "people": 0}, country="AT")
    with pytest.raises(IntegrityError), transaction.atomic():
        AcademicMobility.objects.create(**fields, country="Austria"[:2])


def test_a_cluster_school_must_be_a_school(world):
    made = cluster(world.turkistan, colleges=[world.college_a])
    member = ClusterSchool(cluster=made, school=world.college_b, profile="engineering")
    with pytest.raises(ValidationError) as bad:
        member.full_clean()
    assert "school" in bad.value.message_dict
    school = f.organization(world.turkistan, kind="school")
    ClusterSchool(cluster=made, school=school, profile="engineering").full_clean()
    assert str(made) == made.name

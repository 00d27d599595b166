"""Employers' declared needs: who may write them (scope), the audit rows, readable errors and nothing written on
bad input."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from smarttvet.accounts.models import AuditEntry
from smarttvet.labour.models import EmployerNeed
from smarttvet.partnership import services
from smarttvet.registry.models import Qualification
from tests import factories as f
from tests.partnership.conftest import other_specialty, specialty

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages are checked in English (the platform's default language is Kazakh)."""
    with translation.override("en"):
        yield

NEXT = timezone.localdate().year + 1


def declare(user, enterprise, **fields):
    values = {"specialty": specialty().code, "year": NEXT, "people": 4, **fields}
    return services.employer_need_declare(actor=user, enterprise=enterprise, **values)


def test_the_employer_declares_changes_and_withdraws_its_needs_with_audit(world):
    user = world.users["employer"]
    need = declare(user, world.enterprise_a, comment="welders for the new line")
    assert (need.enterprise, need.specialty, need.year, need.people) == (world.enterprise_a, specialty(), NEXT, 4)
    assert need.declared_on == timezone.localdate()
    created = AuditEntry.objects.get(action="create", target_type="labour.employerneed")
    assert created.actor == user and created.region_id == world.turkistan.pk
    assert created.changes["people"] == 4 and created.changes["specialty"] == specialty().pk

    services.employer_need_update(actor=user, need=need, data={"people": 9, "year": str(NEXT + 1)})
    need.refresh_from_db()
    assert (need.people, need.year) == (9, NEXT + 1)
    updated = AuditEntry.objects.get(action="update", target_type="labour.employerneed")
    assert updated.changes == {"people": [4, 9], "year": [NEXT, NEXT + 1]}

    services.employer_need_update(actor=user, need=need, data={"people": 9})  # nothing changes: nothing written
    assert AuditEntry.objects.filter(action="update", target_type="labour.employerneed").count() == 1

    services.employer_need_delete(actor=user, need=need)
    assert not EmployerNeed.objects.exists()
    deleted = AuditEntry.objects.get(action="delete", target_type="labour.employerneed")
    assert deleted.target_id == str(need.pk) and deleted.changes["people"] == 9


def test_a_qualification_must_belong_to_the_specialty(world):
    user = world.users["employer"]
    own = Qualification.objects.filter(specialty=specialty()).first()
    need = declare(user, world.enterprise_a, qualification=own.code)
    assert need.qualification == own
    foreign = Qualification.objects.exclude(specialty=specialty()).first()
    with pytest.raises(ValidationError) as bad:
        declare(user, world.enterprise_a, qualification=foreign.code, year=NEXT + 2)
    assert "another specialty" in bad.value.message_dict["qualification"][0]
    # a new specialty drops the old specialty's qualification
    services.employer_need_update(actor=user, need=need, data={"specialty": other_specialty().code})
    need.refresh_from_db()
    assert need.specialty == other_specialty() and need.qualification is None


@pytest.mark.parametrize(("role", "allowed"), [("ministry", True), ("region", True), ("employer", True),
                                               ("organization", False), ("teacher", False)])
def test_who_may_declare_for_an_enterprise_of_turkistan(world, role, allowed):
    user = world.users[role]
    if allowed:
        assert declare(user, world.enterprise_a).pk
        assert AuditEntry.objects.filter(action="create", actor=user).exists()
    else:
        with pytest.raises(PermissionDenied):
            declare(user, world.enterprise_a)
        assert not EmployerNeed.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("role", ["region", "employer", "organization"])
def test_nobody_writes_outside_their_scope(world, role):
    almaty_enterprise = f.enterprise(world.almaty)
    need = EmployerNeed.objects.create(enterprise=almaty_enterprise, specialty=specialty(), year=NEXT, people=2,
                                       declared_on=timezone.localdate())
    user = world.users[role]
    with pytest.raises(PermissionDenied):
        declare(user, almaty_enterprise, year=NEXT + 1)
    with pytest.raises(PermissionDenied):
        services.employer_need_update(actor=user, need=need, data={"people": 3})
    with pytest.raises(PermissionDenied):
        services.employer_need_delete(actor=user, need=need)
    need.refresh_from_db()
    assert need.people == 2 and EmployerNeed.objects.count() == 1 and not AuditEntry.objects.exists()


@pytest.mark.parametrize(("fields", "field", "says"), [
    ({"specialty": "99999999"}, "specialty", "no specialty with the code 99999999"),
    ({"specialty": ""}, "specialty", "required"),
    ({"year": 1999}, "year", "outside"),
    ({"year": timezone.localdate().year + 6}, "year", "outside"),
    ({"year": "next year"}, "year", "not a whole number"),
    ({"people": 0}, "people", "outside"),
    ({"people": True}, "people", "whole number"),
    ({"qualification": "0X00000000"}, "qualification", "no qualification"),
    ({"comment": "x" * 301}, "comment", "longer than 300"),
])
def test_bad_input_is_refused_readably_and_nothing_is_written(world, fields, field, says):
    with pytest.raises(ValidationError) as bad:
        declare(world.users["employer"], world.enterprise_a, **fields)
    assert says in " ".join(bad.value.message_dict[field])
    assert not EmployerNeed.objects.exists() and not AuditEntry.objects.exists()


def test_a_second_need_for_the_same_specialty_and_year_is_refused(world):
    user = world.users["employer"]
    first = declare(user, world.enterprise_a)
    with pytest.raises(ValidationError) as bad:
        declare(user, world.enterprise_a, people=10)
    assert "already declared" in bad.value.message_dict["year"][0]
    other = declare(user, world.enterprise_a, year=NEXT + 1)
    with pytest.raises(ValidationError):
        services.employer_need_update(actor=user, need=other, data={"year": NEXT})
    assert EmployerNeed.objects.count() == 2 and EmployerNeed.objects.get(pk=first.pk).people == 4


def test_an_update_with_bad_input_or_unknown_fields_writes_nothing(world):
    user = world.users["employer"]
    need = declare(user, world.enterprise_a)
    for data in ({"people": -1}, {"enterprise": world.enterprise_a.pk}, {"year": None}):
        with pytest.raises(ValidationError):
            services.employer_need_update(actor=user, need=need, data=data)
    need.refresh_from_db()
    assert need.people == 4 and AuditEntry.objects.filter(action="update").count() == 0


def test_an_older_need_may_keep_its_past_year(world):
    need = EmployerNeed.objects.create(enterprise=world.enterprise_a, specialty=specialty(), year=2021, people=5,
                                       declared_on=dt.date(2020, 5, 1))
    services.employer_need_update(actor=world.users["employer"], need=need, data={"people": 6})
    need.refresh_from_db()
    assert (need.year, need.people) == (2021, 6)
    with pytest.raises(ValidationError):
        services.employer_need_update(actor=world.users["employer"], need=need, data={"year": 2020})

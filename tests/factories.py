"""Small, explicit builders of valid records for tests (no randomness: each call is numbered)."""

from __future__ import annotations

import datetime as dt
import itertools

from smarttvet.accounts.models import RoleAssignment, User
from smarttvet.core.identifiers import complete_with_check_digit, person_key
from smarttvet.people.models import GraduateOutcome, Student, Teacher
from smarttvet.registry.models import EconomicSector, Enterprise, Offer, Organization, Qualification, Region

_counter = itertools.count(1)


def valid_twelve(prefix: str = "") -> str:
    """A fresh 12-digit number with a valid check digit."""
    while True:
        body = f"{prefix}{next(_counter):011d}"[-11:]
        number = complete_with_check_digit(body)
        if number:
            return number


def region(kato_prefix: str = "61") -> Region:
    return Region.objects.get(kato=f"{kato_prefix}0000000")


def organization(region_obj: Region, **fields) -> Organization:
    n = next(_counter)
    defaults = dict(
        bin=valid_twelve("0"), name_kk=f"Колледж {n}", name_ru=f"Колледж {n}", name_en=f"College {n}",
        kind="college", ownership="public", region=region_obj, settlement="urban", languages="kk;ru",
        founded_year=1970, capacity=800,
    )
    defaults.update(fields)
    return Organization.objects.create(**defaults)


def enterprise(region_obj: Region, **fields) -> Enterprise:
    n = next(_counter)
    defaults = dict(bin=valid_twelve("1"), name=f"Enterprise {n} LLP", region=region_obj,
                    sector=EconomicSector.objects.get(code="C"), size="medium", employees=120)
    defaults.update(fields)
    return Enterprise.objects.create(**defaults)


def offer(org: Organization) -> Offer:
    q = Qualification.objects.select_related("specialty").order_by("code").first()
    return Offer.objects.create(organization=org, specialty=q.specialty, qualification=q, language="kk",
                                form="full_time", licensed_capacity=50)


def teacher(org: Organization, **fields) -> Teacher:
    n = next(_counter)
    defaults = dict(organization=org, person_key=person_key(valid_twelve("9")), full_name=f"Teacher {n}",
                    gender="f", birth_year=1980, position="teacher", category="moderator",
                    employed_from=dt.date(2015, 9, 1))
    defaults.update(fields)
    return Teacher.objects.create(**defaults)


def student(org: Organization, **fields) -> Student:
    q = Qualification.objects.select_related("specialty").order_by("code").first()
    defaults = dict(organization=org, person_key=person_key(valid_twelve("8")), gender="m", birth_year=2006,
                    specialty=q.specialty, qualification=q, cohort_year=2023, entry="grade9",
                    study_form="full_time", language="kk", funding="state", status="studying", status_year=2025)
    defaults.update(fields)
    return Student.objects.create(**defaults)


def graduate_outcome(stud: Student, **fields) -> GraduateOutcome:
    defaults = dict(student=stud, months_after=12, observed_on=dt.date(stud.status_year + 1, 7, 1),
                    status="employed", in_field=True, source="pension")
    defaults.update(fields)
    return GraduateOutcome.objects.create(**defaults)


def user_with_role(username: str, role: str, **scope) -> User:
    user = User.objects.create_user(username=username, password="a-long-test-password")
    assignment = RoleAssignment(user=user, role=role, **scope)
    assignment.full_clean()
    assignment.save()
    return user

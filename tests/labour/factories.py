"""Builders of labour-market test data: occupations and their links to specialties, vacancy series, declared
needs, cohorts of students and their outcomes. Every test builds its own data; the reference mapping loaded
by the data migration is cleared first (:func:`clear_mappings`) so it cannot leak into the figures."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np

from smarttvet.labour.models import EmployerNeed, Occupation, SpecialtyOccupation, Vacancy
from smarttvet.people.models import GraduateOutcome, Student
from smarttvet.registry.models import Offer, Qualification, Region, Specialty
from tests import factories as base

_keys = itertools.count(1)

region = base.region
organization = base.organization
enterprise = base.enterprise


def clear_mappings() -> None:
    """Forget the reference specialty ↔ occupation mapping (tests construct their own)."""
    SpecialtyOccupation.objects.all().delete()


def specialties(count: int, *, distinct_broad: bool = False) -> list[Specialty]:
    """``count`` reference specialties that have a qualification (by code); with ``distinct_broad``, each from
    another broad field of education."""
    chosen, broad = [], set()
    for spec in Specialty.objects.filter(qualifications__isnull=False).distinct().select_related("field") \
            .order_by("code"):
        if distinct_broad and spec.field.code[:2] in broad:
            continue
        chosen.append(spec)
        broad.add(spec.field.code[:2])
        if len(chosen) == count:
            return chosen
    raise AssertionError(f"the reference classifier has fewer than {count} such specialties")


def qualification(spec: Specialty) -> Qualification:
    return spec.qualifications.order_by("code").first()


def occupation(code: str, name: str | None = None) -> Occupation:
    obj, _ = Occupation.objects.get_or_create(
        code=code, defaults=dict(name_kk=name or f"Occupation {code}", name_ru=name or f"Occupation {code}",
                                 name_en=name or f"Occupation {code}"))
    return obj


def link(spec: Specialty, occ: Occupation, share: float = 1.0) -> SpecialtyOccupation:
    obj, _ = SpecialtyOccupation.objects.update_or_create(specialty=spec, occupation=occ, defaults={"share": share})
    return obj


def vacancies(region_obj: Region, occ: Occupation, counts, start: str = "2019-01") -> list[Vacancy]:
    """One vacancy row per month from ``start`` with the given counts (months with 0 get no row)."""
    first = dt.date.fromisoformat(f"{start}-01")
    rows = []
    for i, count in enumerate(counts):
        year, month = divmod(first.month - 1 + i, 12)
        if int(round(count)) > 0:
            rows.append(Vacancy(month=dt.date(first.year + year, month + 1, 1), region=region_obj, occupation=occ,
                                count=int(round(count))))
    return Vacancy.objects.bulk_create(rows)


def seasonal_counts(months: int, level: float = 40.0, trend: float = 0.0, amplitude: float = 0.0,
                    peak_month: int = 3, noise: float = 0.0, seed: int = 1) -> np.ndarray:
    """A monthly series from January: level + trend × t + amplitude × cos(2π (month - peak) / 12) + noise."""
    t = np.arange(months)
    month = t % 12 + 1
    rng = np.random.default_rng(seed)
    values = level + trend * t + amplitude * np.cos(2 * np.pi * (month - peak_month) / 12) + rng.normal(0, noise,
                                                                                                         months)
    return np.maximum(np.round(values), 0)


def need(ent, spec: Specialty, year: int, people: int) -> EmployerNeed:
    return EmployerNeed.objects.create(enterprise=ent, specialty=spec, year=year, people=people,
                                       declared_on=dt.date(year - 1, 3, 1))


def offer(org, spec: Specialty, capacity: int = 50) -> Offer:
    return Offer.objects.create(organization=org, specialty=spec, qualification=qualification(spec), language="kk",
                                form="full_time", licensed_capacity=capacity)


def students(org, spec: Specialty, n: int, *, cohort: int, status: str = "studying", status_year: int = 2025,
             entry: str = "grade9", qual: Qualification | None = None) -> list[Student]:
    """``n`` enrolments of one cohort with the same status."""
    qual = qualification(spec) if qual is None else qual
    rows = [Student(organization=org, person_key=f"{next(_keys):064x}", gender="m", birth_year=cohort - 16,
                    specialty=spec, qualification=qual, cohort_year=cohort, entry=entry, study_form="full_time",
                    language="kk", funding="state", status=status, status_year=status_year) for _ in range(n)]
    return Student.objects.bulk_create(rows)


def outcomes(graduates: list[Student], statuses: dict[str, int], *, months_after: int = 12, in_field: int = 0,
             source: str = "pension") -> list[GraduateOutcome]:
    """Outcomes for the first graduates: ``statuses`` = counts per status, in order; the first ``in_field``
    employed work in their field."""
    rows, position, in_field_left = [], 0, in_field
    for status, count in statuses.items():
        for _ in range(count):
            stud = graduates[position]
            position += 1
            field = status == "employed" and in_field_left > 0
            in_field_left -= int(field)
            rows.append(GraduateOutcome(student=stud, months_after=months_after, status=status, in_field=field,
                                        source=source,
                                        observed_on=dt.date(stud.status_year + 1, 1 if months_after == 6 else 7, 1)))
    return GraduateOutcome.objects.bulk_create(rows)

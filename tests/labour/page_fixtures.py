"""A constructed labour market for the page and API tests (built on ``tests/conftest.py``'s world).

Turkistan (the world's region user's region; college A and college B, enterprise A):

* ``open``: 10 postings a month of occupation 7001 (48 months, 2021-2024), no provider in the region:
  demand 60 people a year -> **open**;
* ``expand``: 8 postings a month of occupation 7002, plus enterprise A's declared need of 5 people in 2026;
  college A teaches it (10 studying, graduate in 2026) and its 10 graduates of 2024 are 80% employed
  -> **expand**;
* ``reduce``: no vacancy; college B teaches it (60 studying) and its 10 graduates of 2024 are 20% employed
  -> **reduce**.

Almaty (out of the region user's scope): 5 postings a month of 7002; the other region's college teaches
``expand`` (its 6 graduates of 2024: 3 employed). The three specialties come from three broad fields.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from smarttvet.labour.models import GrowthSector
from smarttvet.registry.models import EconomicSector
from tests import factories as base
from tests.labour import factories as f

MONTHS = 48
START = "2021-01"


@dataclass
class LabourWorld:
    world: object
    open: object
    expand: object
    reduce: object
    occupation_open: object
    occupation_expand: object

    def __getattr__(self, name):  # the world's regions, colleges and users
        return getattr(self.world, name)


def _specialties(world, count: int):
    """``count`` specialties from distinct broad fields, none the world's own students' specialty."""
    taken = {world.student_a.specialty.field.code[:2]}
    chosen = []
    for spec in f.specialties(count + 1, distinct_broad=True):
        if spec.field.code[:2] not in taken:
            chosen.append(spec)
    return chosen[:count]


@pytest.fixture
def labour_world(world) -> LabourWorld:
    f.clear_mappings()
    spec_open, spec_expand, spec_reduce = _specialties(world, 3)
    occ_open, occ_expand = f.occupation("7001"), f.occupation("7002")
    f.link(spec_open, occ_open)
    f.link(spec_expand, occ_expand)
    f.vacancies(world.turkistan, occ_open, [10] * MONTHS, START)
    f.vacancies(world.turkistan, occ_expand, [8] * MONTHS, START)
    f.vacancies(world.almaty, occ_expand, [5] * MONTHS, START)
    f.need(world.enterprise_a, spec_expand, 2026, 5)

    f.offer(world.college_a, spec_expand)
    f.students(world.college_a, spec_expand, 10, cohort=2023)
    graduates = f.students(world.college_a, spec_expand, 10, cohort=2021, status="graduated", status_year=2024)
    f.outcomes(graduates, {"employed": 8, "not_employed": 2}, in_field=6)
    f.outcomes(graduates, {"employed": 5, "continuing": 1, "not_employed": 4}, months_after=6, source="survey")

    f.offer(world.college_b, spec_reduce)
    f.students(world.college_b, spec_reduce, 60, cohort=2023)
    graduates = f.students(world.college_b, spec_reduce, 10, cohort=2021, status="graduated", status_year=2024)
    f.outcomes(graduates, {"employed": 2, "military": 2, "not_employed": 6}, source="college")

    f.offer(world.college_other_region, spec_expand)
    graduates = f.students(world.college_other_region, spec_expand, 6, cohort=2021, status="graduated",
                           status_year=2024)
    f.outcomes(graduates, {"employed": 3, "not_employed": 3})

    GrowthSector.objects.create(region=world.turkistan, sector=EconomicSector.objects.get(code="C"), since_year=2024,
                                note="Mining and metallurgy")
    return LabourWorld(world=world, open=spec_open, expand=spec_expand, reduce=spec_reduce,
                       occupation_open=occ_open, occupation_expand=occ_expand)


@pytest.fixture
def grow_labour(labour_world):
    """``grow(n)``: ``n`` more regions, each with vacancies, a college, students and graduates' outcomes, and
    ``n`` more specialties in Turkistan (to show that query counts do not grow)."""
    from smarttvet.registry.models import Region

    counter = {"occupation": 7100}

    def grow(n: int) -> None:
        lw = labour_world
        regions = list(Region.objects.exclude(pk__in=[lw.turkistan.pk, lw.almaty.pk]).order_by("kato")[:n])
        used = {lw.open.pk, lw.expand.pk, lw.reduce.pk, lw.student_a.specialty_id}
        specialties = [spec for spec in f.specialties(n + 12) if spec.pk not in used][-n:]
        for region, spec in zip(regions, specialties, strict=True):
            counter["occupation"] += 1
            occupation = f.occupation(str(counter["occupation"]))
            f.link(spec, occupation)
            f.vacancies(region, occupation, [4] * 24, "2023-01")
            f.vacancies(lw.turkistan, occupation, [3] * 24, "2023-01")
            college = base.organization(region)
            f.offer(college, spec)
            f.offer(lw.college_a, spec)
            f.students(college, spec, 5, cohort=2024)
            f.students(lw.college_a, spec, 3, cohort=2024)
            graduates = f.students(college, spec, 5, cohort=2021, status="graduated", status_year=2024)
            f.outcomes(graduates, {"employed": 3, "not_employed": 2})
            graduates = f.students(lw.college_a, spec, 5, cohort=2021, status="graduated", status_year=2024)
            f.outcomes(graduates, {"employed": 4, "military": 1})
            f.need(lw.enterprise_a, spec, 2026, 2)

    return grow

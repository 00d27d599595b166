"""Learning measures and monitoring lists written straight into the database for the page and API tests.

``learning_world``: the shared ``world`` (two regions, three colleges, a user per role) plus a school in
each region; every organisation has organisation-level measures for 2024 and 2025 and, for 2025, rows by
subject, class and term; both regions have region-level rows. Monitoring lists of 2025: a national one
(college B, the Almaty school, college A), Turkistan's list of schools (its school) and Almaty's (its
school). ``grow(n)`` adds n organisations with the same rows and puts them on the national list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from smarttvet.gradebook.models import LearningMeasure, MonitoringEntry, MonitoringList

Level = LearningMeasure.Level
YEARS = (2024, 2025)
SUBJECTS = ("MATH", "PHYS", "KAZ")
GROUPS = ("10A", "9A", "9B")
TERMS = ("1", "2", "3", "4")
SUBJECT_NAMES = "code,name_kk,name_ru,name_en\nMATH,Математика,Математика,Mathematics\nPHYS,Физика,Физика,Physics\n"

def measure(*, year: int, level: str, region, organization=None, key: str = "", students: int = 120,
            composite: float | None = 0.6, **extra) -> LearningMeasure:
    """One unsaved row; rates follow ``composite`` unless given."""
    values = dict(
        year=year, level=level, region=region, organization=organization, key=key, students=students,
        marks=students * 40, mean_mark=composite, knowledge_quality=composite, success_rate=composite,
        lessons=students * 500, attendance_rate=0.93, unexcused_rate=0.02, term_students=students,
        failing_students=max(students // 10, 0), composite=composite, composite_sd=0.15,
        change_mean_mark=0.01, change_knowledge_quality=-0.02, change_composite=0.015,
    )
    values.update(extra)
    return LearningMeasure(**values)


def organization_rows(organization, *, composite: float = 0.6, students: int = 120) -> list[LearningMeasure]:
    """Organisation-level rows of both years and the 2025 rows by subject (one small), class and term."""
    region = organization.region
    rows = [measure(year=year, level=Level.ORGANIZATION, region=region, organization=organization,
                    composite=composite - 0.02 * (2025 - year), students=students,
                    change_composite=None if year == YEARS[0] else 0.02) for year in YEARS]
    for i, code in enumerate(SUBJECTS):
        rows.append(measure(year=2025, level=Level.SUBJECT, region=region, organization=organization, key=code,
                            composite=composite - 0.05 * i, students=12 if code == "KAZ" else students,
                            lessons=0, attendance_rate=None, unexcused_rate=None))
    for i, group in enumerate(GROUPS):
        rows.append(measure(year=2025, level=Level.GROUP, region=region, organization=organization, key=group,
                            composite=composite + 0.01 * i, students=students // 3))
    for term in TERMS:
        rows.append(measure(year=2025, level=Level.TERM, region=region, organization=organization, key=term,
                            composite=composite, students=students))
    return rows


def details(composite: float) -> dict:
    return {
        "weakest_subjects": [{"subject": "KAZ", "composite": composite - 0.1, "mean_mark": composite - 0.1,
                              "knowledge_quality": 0.3, "students": 12, "marks": 300},
                             {"subject": "MATH", "composite": composite - 0.05, "mean_mark": composite,
                              "knowledge_quality": 0.4, "students": 120, "marks": 3000}],
        "weakest_groups": [{"group": "9A", "composite": composite - 0.03, "mean_mark": composite,
                            "knowledge_quality": 0.4, "students": 40, "marks": 1200}],
        "trend": [{"year": 2024, "composite": composite - 0.02, "students": 118},
                  {"year": 2025, "composite": composite, "students": 120}],
        "change": 0.02, "weight": 0.3, "group_mean": 0.6,
    }


def entry(monitoring_list, organization, *, rank: int, naive_rank: int | None = None, students: int = 120,
          raw: float = 0.45) -> MonitoringEntry:
    return MonitoringEntry.objects.create(
        monitoring_list=monitoring_list, organization=organization, rank=rank,
        naive_rank=naive_rank if naive_rank is not None else rank, students=students, raw_measure=raw,
        adjusted_measure=raw + 0.03, interval_low=raw - 0.02, interval_high=raw + 0.08, details=details(raw),
    )


def monitoring_list(*, year: int = 2025, region=None, kind: str = "", size: int = 3, candidates: int = 5,
                    naive_differences: int = 1) -> MonitoringList:
    return MonitoringList.objects.create(
        year=year, region=region, kind=kind, size=size, method="empirical-bayes-dersimonian-laird",
        candidates=candidates, naive_differences=naive_differences, parameters={"n": size, "level": 0.9},
    )


@dataclass
class LearningWorld:
    world: object
    school_t: object  # a Turkistan school
    school_x: object  # an Almaty school
    national: MonitoringList
    turkistan_list: MonitoringList
    almaty_list: MonitoringList

    def __getattr__(self, name):  # the world's regions, colleges and users
        return getattr(self.world, name)


@pytest.fixture
def subject_names(tmp_path, monkeypatch):
    """A subjects file with names for two of the three subject codes (KAZ stays a bare code)."""
    from smarttvet.gradebook import subjects

    path = tmp_path / "subjects.csv"
    path.write_text(SUBJECT_NAMES, encoding="utf-8")
    monkeypatch.setattr(subjects, "SUBJECTS_CSV", path)
    return path


@pytest.fixture
def learning_world(world, subject_names) -> LearningWorld:
    from tests import factories as f

    school_t = f.organization(world.turkistan, kind="school")
    school_x = f.organization(world.almaty, kind="school")
    organizations = [world.college_a, world.college_b, world.college_other_region, school_t, school_x]
    rows = []
    for i, organization in enumerate(organizations):
        rows += organization_rows(organization, composite=0.5 + 0.04 * i,
                                  students=20 if organization == world.college_a else 150)
    for region in (world.turkistan, world.almaty):
        for year in YEARS:
            rows.append(measure(year=year, level=Level.REGION, region=region, students=5000, composite=0.62))
    LearningMeasure.objects.bulk_create(rows)

    national = monitoring_list(size=3)
    entry(national, world.college_b, rank=1, raw=0.50)
    entry(national, school_x, rank=2, raw=0.55)
    entry(national, world.college_a, rank=3, naive_rank=7, students=20, raw=0.52)
    turkistan_list = monitoring_list(region=world.turkistan, kind="school", size=1, candidates=1,
                                     naive_differences=0)
    entry(turkistan_list, school_t, rank=1, raw=0.58)
    almaty_list = monitoring_list(region=world.almaty, kind="school", size=1, candidates=1, naive_differences=0)
    entry(almaty_list, school_x, rank=1, raw=0.55)
    return LearningWorld(world, school_t, school_x, national, turkistan_list, almaty_list)


@pytest.fixture
def grow_learning(learning_world):
    """``grow_learning(n)``: n more organisations (alternating regions and kinds) with their measures, all
    on the national list."""
    from tests import factories as f

    def grow(n: int) -> None:
        lw = learning_world
        rows = []
        rank = lw.national.entries.count()
        for i in range(n):
            region = lw.turkistan if i % 2 == 0 else lw.almaty
            organization = f.organization(region, kind="school" if i % 3 else "college")
            rows += organization_rows(organization, composite=0.4 + 0.01 * (i % 20), students=25 + 10 * i)
            rank += 1
            entry(lw.national, organization, rank=rank, naive_rank=rank + (i % 4), students=25 + 10 * i)
        LearningMeasure.objects.bulk_create(rows)
        MonitoringList.objects.filter(pk=lw.national.pk).update(size=rank)
        lw.national.refresh_from_db()

    return grow

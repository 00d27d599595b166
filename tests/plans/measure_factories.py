"""Builders of the records the roadmap's measures count: rating runs, facilities, clusters, WorldSkills results,
teachers and graduates (numbered, no randomness)."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

from smarttvet.partnership.models import Cluster, Infrastructure, WorldSkillsResult
from smarttvet.rating.models import MethodologyVersion, RatingResult, RatingRun
from smarttvet.registry.models import EconomicSector
from tests import factories as f

_counter = itertools.count(1)


def rating_run(year, results: dict, *, published_at=None, publish=True) -> RatingRun:
    """A rating run of ``year`` with ``{organisation: (league or None, score or None)}``, published at
    ``published_at`` (default: 1 December of the year) unless ``publish`` is false."""
    n = next(_counter)
    version = MethodologyVersion.objects.create(
        code=f"measures{n}", version="1", name_kk="Тест", name_ru="Тест", name_en="Test", yaml_text="code: test",
        hash=hashlib.sha256(f"measures{n}".encode()).hexdigest(),
    )
    run = RatingRun.objects.create(year=year, methodology=version, seed=1, inputs_hash="x" * 64)
    ranked = sorted(results.items(), key=lambda item: -(item[1][1] or 0))
    for rank, (organization, (league, score)) in enumerate(ranked, start=1):
        RatingResult.objects.create(run=run, organization=organization, rated=score is not None, coverage=1.0,
                                    score=score, rank=rank if score is not None else None, league=league)
    if publish:
        run.status = RatingRun.Status.PUBLISHED
        run.published_at = published_at or dt.datetime(year, 12, 1, tzinfo=dt.UTC)
        run.save()
    return run


def facility(organization, kind, opened_year, **fields) -> Infrastructure:
    return Infrastructure.objects.create(organization=organization, kind=kind, opened_year=opened_year, **fields)


def cluster(region, founded, *, colleges=(), sector="B") -> Cluster:
    n = next(_counter)
    made = Cluster.objects.create(name_kk=f"Кластер {n}", name_ru=f"Кластер {n}", name_en=f"Cluster {n}",
                                  region=region, sector=EconomicSector.objects.get(code=sector), year_founded=founded)
    made.colleges.set(colleges)
    return made


def worldskills(organization, year, code, *, level="national", award="participant") -> WorldSkillsResult:
    return WorldSkillsResult.objects.create(organization=organization, year=year, competence_code=code,
                                            competence_name=f"Competence {code}", level=level, award=award)


def teacher(organization, *, production=True, since=dt.date(2015, 9, 1), until=None, position="teacher"):
    return f.teacher(organization, from_production=production, employed_from=since, employed_until=until,
                     position=position)


def certificate(teacher, start, *, end=None, status="verified", superseded=False):
    """A new-format certification record of ``teacher``'s digital portfolio."""
    from django.utils import timezone

    from smarttvet.portfolio.models import Record

    return Record.objects.create(teacher=teacher, kind="certification", code="new_format", title="New format",
                                 start_date=start, end_date=end, status=status,
                                 superseded_at=timezone.now() if superseded else None,
                                 details={"issuer": "Orleu"})


def graduates(organization, graduation_year, statuses: list[str], *, months=12):
    """Graduates of ``graduation_year`` with an outcome at ``months`` months each (one per status)."""
    for status in statuses:
        student = f.student(organization, cohort_year=graduation_year - 3, status="graduated",
                            status_year=graduation_year)
        f.graduate_outcome(student, months_after=months, status=status, in_field=status == "employed")

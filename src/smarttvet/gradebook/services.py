"""Writers of the gradebook app: store a year's learning measures (the only writer of LearningMeasure)."""

from __future__ import annotations

import math
import time

from django.db import transaction

from smarttvet.accounts import audit
from smarttvet.core.progress import progress_bar
from smarttvet.gradebook import backends, measures, store
from smarttvet.gradebook.models import LearningMeasure
from smarttvet.registry.models import Organization, Region

BATCH = 5_000
_FIELDS = [c for c in measures.COLUMNS if c not in ("organization", "region", "key")]


def has_data(year: int, backend: str | None = None) -> bool:
    from django.conf import settings

    if (backend or settings.GRADEBOOK_BACKEND) == "postgres":
        source = backends.connect("postgres")
        return bool(source.marks.filter(source.marks.year == year).count().execute())
    return year in store.years("marks")


def analyse(year: int, *, backend: str | None = None, progress: bool = False, actor="command line") -> dict:
    """Compute ``year``'s measures at every level with the backend and replace the stored ones.

    Returns counts per level and the seconds taken by the computation and by storing.
    """
    if not has_data(year, backend):
        raise ValueError(f"no gradebook data for school year {year}")
    started = time.perf_counter()
    source = backends.connect(backend)
    with progress_bar(f"Measures {year}", len(measures.LEVELS), enabled=progress) as advance:
        frames = {}
        for level in measures.LEVELS:
            frames[level] = measures.compute(source, year, (level,))[level]
            advance()
    computed = time.perf_counter() - started
    organizations = dict(Organization.objects.values_list("bin", "pk"))
    regions = {kato[:2]: pk for kato, pk in Region.objects.values_list("kato", "pk")}
    rows = []
    for level, frame in frames.items():
        for record in frame.to_dict("records"):
            organization_id = None
            if level != LearningMeasure.Level.REGION:
                organization_id = organizations.get(record["organization"])
                if organization_id is None:
                    continue  # removed from the registry since its marks were imported
            values = {name: _clean(record[name]) for name in _FIELDS}
            values["lessons"] = values["lessons"] or 0
            rows.append(LearningMeasure(year=year, level=level, region_id=regions[record["region"]],
                                        organization_id=organization_id, key=record["key"] or "", **values))
    with transaction.atomic():
        LearningMeasure.objects.filter(year=year).delete()
        with progress_bar(f"Storing measures {year}", len(rows), enabled=progress) as advance:
            for start in range(0, len(rows), BATCH):
                LearningMeasure.objects.bulk_create(rows[start:start + BATCH])
                advance(len(rows[start:start + BATCH]))
        counts = {level: len(frame) for level, frame in frames.items()}
        audit.record(actor=actor, action="analyse", target_type="gradebook.learningmeasure",
                     target_label=f"school year {year}", changes={"year": year, "rows": counts,
                                                                  "backend": source.backend})
    return {"levels": counts, "compute_seconds": computed, "store_seconds": time.perf_counter() - started - computed,
            "backend": source.backend}


def _clean(value):
    if value is None:
        return None
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def ensure_analysed(year: int) -> int:
    """Make sure ``year``'s measures are stored (analysing now if not); return the organisations measured."""
    stored = LearningMeasure.objects.filter(year=year, level=LearningMeasure.Level.ORGANIZATION).count()
    if stored:
        return stored
    return analyse(year)["levels"]["organization"]


def analysed_years() -> list[int]:
    return sorted(LearningMeasure.objects.filter(level=LearningMeasure.Level.ORGANIZATION)
                  .values_list("year", flat=True).distinct())

"""Loading the reference data shipped in ``partnership/data/``: the WorldSkills Kazakhstan competencies.

The loader takes model classes as arguments, so the data migration can pass its historical models. It
upserts by code and never duplicates.
"""

from __future__ import annotations

import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def read_competencies(path: Path | None = None) -> list[dict[str, str]]:
    with (path or DATA / "worldskills_competencies.csv").open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def load_competencies(WorldSkillsCompetency, EconomicSector, path: Path | None = None) -> tuple[int, int]:  # noqa: N803
    """Create or update the competencies of the file; returns (created, updated)."""
    sectors = dict(EconomicSector.objects.values_list("code", "pk"))
    created = updated = 0
    for row in read_competencies(path):
        _obj, was_created = WorldSkillsCompetency.objects.update_or_create(
            code=row["code"],
            defaults={"name_kk": row["name_kk"], "name_ru": row["name_ru"], "name_en": row["name_en"],
                      "sector_id": sectors.get(row["sector"])},
        )
        created += was_created
        updated += not was_created
    return created, updated

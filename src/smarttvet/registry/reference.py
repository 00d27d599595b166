"""Loading the reference data shipped in ``registry/data/``: regions, economic sectors, the classifier.

The loaders take model classes as arguments, so the data migration can pass its historical models
and the ``import classifier`` command the current ones. Each loader upserts by code and never
duplicates.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CLASSIFIER_COLUMNS = (
    "specialty_code", "specialty_name_kk", "specialty_name_ru", "specialty_name_en",
    "qualification_code", "qualification_name_kk", "qualification_name_ru", "qualification_name_en",
    "legacy_code", "illustrative",
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _upsert(model, key: str, rows: Iterable[dict]) -> tuple[int, int]:
    created = updated = 0
    for row in rows:
        _obj, was_created = model.objects.update_or_create(**{key: row[key]}, defaults=row)
        created += was_created
        updated += not was_created
    return created, updated


def load_regions(Region) -> tuple[int, int]:  # noqa: N803 - a model class
    rows = [
        {
            "kato": f"{r['kato_prefix']}0000000", "iso_code": r["iso_code"], "kind": r["kind"],
            "name_kk": r["name_kk"], "name_ru": r["name_ru"], "name_en": r["name_en"],
            "centre_en": r["centre_en"], "population_millions": r["population_millions_approx"],
        }
        for r in read_csv(DATA / "regions.csv")
    ]
    return _upsert(Region, "kato", rows)


def load_sectors(EconomicSector) -> tuple[int, int]:  # noqa: N803
    return _upsert(EconomicSector, "code", read_csv(DATA / "sectors.csv"))


def load_fields(FieldOfEducation, path: Path | None = None) -> tuple[int, int]:  # noqa: N803
    rows = sorted(read_csv(path or DATA / "fields.csv"), key=lambda r: (len(r["code"]), r["code"]))
    created = updated = 0
    for row in rows:
        code = row["code"]
        parent = FieldOfEducation.objects.get(code=code[:-1]) if len(code) > 2 else None
        _obj, was_created = FieldOfEducation.objects.update_or_create(
            code=row["code"],
            defaults={"name_kk": row["name_kk"], "name_ru": row["name_ru"], "name_en": row["name_en"],
                      "parent": parent},
        )
        created += was_created
        updated += not was_created
    return created, updated


class ClassifierError(ValueError):
    """A classifier file names something that cannot be loaded; the message says which row and why."""


def check_classifier_rows(rows: list[dict[str, str]], field_codes: set[str]) -> list[str]:
    """Every problem in a classifier file, as 'row N, column: reason' (header is row 1)."""
    import re

    problems = []
    if rows and set(CLASSIFIER_COLUMNS) - set(rows[0]):
        return [f"missing columns: {', '.join(sorted(set(CLASSIFIER_COLUMNS) - set(rows[0])))}"]
    seen: dict[str, int] = {}
    names: dict[str, tuple] = {}
    for number, row in enumerate(rows, start=2):
        code, qcode = row["specialty_code"], row["qualification_code"]
        if not re.fullmatch(r"\d{8}", code):
            problems.append(f"row {number}, specialty_code: {code!r} is not 8 digits")
            continue
        if code[:4] not in field_codes:
            problems.append(f"row {number}, specialty_code: field {code[:4]} is not a known ISCED-F detailed field")
        match = re.fullmatch(r"\d(W|S|AB)(\d{8})", qcode)
        if not match:
            problems.append(f"row {number}, qualification_code: {qcode!r} is not a level prefix and 8 digits")
        elif match.group(2)[:6] != code[:6]:
            problems.append(f"row {number}, qualification_code: must repeat the specialty's first 6 digits")
        if qcode in seen:
            problems.append(f"row {number}, qualification_code: {qcode} repeats row {seen[qcode]}")
        seen[qcode] = number
        for column in CLASSIFIER_COLUMNS[1:4] + CLASSIFIER_COLUMNS[5:8]:
            if not row[column]:
                problems.append(f"row {number}, {column}: is required")
        spec_names = (row["specialty_name_kk"], row["specialty_name_ru"], row["specialty_name_en"])
        if names.setdefault(code, spec_names) != spec_names:
            problems.append(f"row {number}, specialty_name_ru: differs from the specialty's earlier rows")
        if row["legacy_code"] and not re.fullmatch(r"\d{7}", row["legacy_code"]):
            problems.append(f"row {number}, legacy_code: {row['legacy_code']!r} is not 7 digits")
        if row["illustrative"] not in ("0", "1", ""):
            problems.append(f"row {number}, illustrative: use 0 or 1")
    return problems


def load_classifier(FieldOfEducation, Specialty, Qualification, path: Path | None = None):  # noqa: N803
    """Upsert specialties and qualifications from a classifier file; raises ClassifierError, writes nothing."""
    rows = read_csv(path or DATA / "specialties.csv")
    fields = dict(FieldOfEducation.objects.filter(code__regex=r"^\d{4}$").values_list("code", "pk"))
    problems = check_classifier_rows(rows, set(fields))
    if problems:
        raise ClassifierError("\n".join(problems))
    counts = {"specialties": 0, "qualifications": 0}
    specialty_ids: dict[str, int] = {}
    for row in rows:
        code = row["specialty_code"]
        if code not in specialty_ids:
            specialty, _ = Specialty.objects.update_or_create(
                code=code,
                defaults={
                    "name_kk": row["specialty_name_kk"], "name_ru": row["specialty_name_ru"],
                    "name_en": row["specialty_name_en"], "field_id": fields[code[:4]],
                    "legacy_code": row["legacy_code"], "illustrative": row["illustrative"] == "1",
                },
            )
            specialty_ids[code] = specialty.pk
            counts["specialties"] += 1
        qcode = row["qualification_code"]
        Qualification.objects.update_or_create(
            code=qcode,
            defaults={
                "specialty_id": specialty_ids[code], "level": qcode[1:-8],
                "name_kk": row["qualification_name_kk"], "name_ru": row["qualification_name_ru"],
                "name_en": row["qualification_name_en"], "illustrative": row["illustrative"] == "1",
            },
        )
        counts["qualifications"] += 1
    return counts


def export_classifier(path: Path) -> int:
    """Write the current classifier in the format ``load_classifier`` reads; returns the number of rows."""
    from smarttvet.registry.models import Qualification

    rows = Qualification.objects.select_related("specialty").order_by("code")
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(CLASSIFIER_COLUMNS)
        count = 0
        for q in rows:
            s = q.specialty
            writer.writerow([s.code, s.name_kk, s.name_ru, s.name_en, q.code, q.name_kk, q.name_ru, q.name_en,
                             s.legacy_code, "1" if q.illustrative else "0"])
            count += 1
    return count

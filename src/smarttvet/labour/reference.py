"""Loading the labour-market reference data shipped in ``labour/data/``: occupations and their specialties.

``occupations.csv`` holds the unit groups (4 digits) of the national classifier of occupations (NKZ, built on
ISCO-08) that TVET graduates go into; ``specialty_occupations.csv`` maps every specialty of the shipped
classifier to 1-3 of them with a ``share``: the part of the occupation's vacancies that graduates of the
specialty fill. The rule behind the shipped shares (see ``data/README.md``): an occupation's TVET share by
ISCO major group (2: 0.3, 3: 0.8, 4: 0.7, 5: 0.7, 6: 0.6, 7: 0.8, 8: 0.7) split among the specialties that
serve it in proportion to the link's weight (2 for the specialty's main occupation, 1 otherwise), rounded down
to two decimals — so per occupation the shares sum to at most 1.

The loaders take model classes as arguments, so the data migration can pass its historical models and tests
the current ones; they check the whole file first (``ReferenceDataError`` naming every bad row, nothing written),
then upsert by code and never duplicate.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from smarttvet.registry.reference import read_csv

DATA = Path(__file__).resolve().parent / "data"
OCCUPATION_COLUMNS = ("code", "name_kk", "name_ru", "name_en", "illustrative")
LINK_COLUMNS = ("specialty_code", "occupation_code", "share")


class ReferenceDataError(ValueError):
    """A reference file names something that cannot be loaded; the message says which row and why."""


def _missing(rows: list[dict[str, str]], columns: tuple[str, ...]) -> list[str]:
    if rows and set(columns) - set(rows[0]):
        return [f"missing columns: {', '.join(sorted(set(columns) - set(rows[0])))}"]
    return []


def check_occupations(rows: list[dict[str, str]]) -> list[str]:
    """Every problem in an occupations file, as 'row N, column: reason' (the header is row 1)."""
    problems = _missing(rows, OCCUPATION_COLUMNS)
    if problems:
        return problems
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        code = row["code"]
        if not re.fullmatch(r"\d{4}", code):
            problems.append(f"row {number}, code: {code!r} is not 4 digits")
        elif code[0] == "0":
            problems.append(f"row {number}, code: {code} is an armed-forces group, not an occupation for graduates")
        if code in seen:
            problems.append(f"row {number}, code: {code} repeats row {seen[code]}")
        seen[code] = number
        for column in ("name_kk", "name_ru", "name_en"):
            if not row[column]:
                problems.append(f"row {number}, {column}: is required")
            elif len(row[column]) > 300:
                problems.append(f"row {number}, {column}: is longer than 300 characters")
        if row["illustrative"] not in ("0", "1", ""):
            problems.append(f"row {number}, illustrative: use 0 or 1")
    return problems


def check_links(rows: list[dict[str, str]], specialty_codes: set[str], occupation_codes: set[str]) -> list[str]:
    """Every problem in a specialty-occupation file: unknown codes, repeats, shares outside 0-1 or summing above 1."""
    problems = _missing(rows, LINK_COLUMNS)
    if problems:
        return problems
    seen: dict[tuple[str, str], int] = {}
    totals: dict[str, float] = defaultdict(float)
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        specialty, occupation = row["specialty_code"], row["occupation_code"]
        if specialty not in specialty_codes:
            problems.append(f"row {number}, specialty_code: {specialty!r} is not a specialty of the classifier")
        if occupation not in occupation_codes:
            problems.append(f"row {number}, occupation_code: {occupation!r} is not in the occupations list")
        key = (specialty, occupation)
        if key in seen:
            problems.append(f"row {number}, occupation_code: the pair repeats row {seen[key]}")
        seen[key] = number
        try:
            share = float(row["share"])
        except ValueError:
            problems.append(f"row {number}, share: {row['share']!r} is not a number")
            continue
        if not 0.0 < share <= 1.0:
            problems.append(f"row {number}, share: {share:g} is not above 0 and at most 1")
            continue
        totals[occupation] += share
        first_row.setdefault(occupation, number)
    for occupation, total in sorted(totals.items()):
        if total > 1.0 + 1e-9:
            problems.append(f"row {first_row[occupation]}, share: the shares of occupation {occupation} "
                            f"sum to {total:.2f}, above 1")
    return problems


def load_occupations(Occupation, path: Path | None = None) -> tuple[int, int]:  # noqa: N803 - a model class
    """Upsert occupations by code; raises ReferenceDataError (nothing written) for a bad file."""
    rows = read_csv(path or DATA / "occupations.csv")
    problems = check_occupations(rows)
    if problems:
        raise ReferenceDataError("\n".join(problems))
    existing = {o.code: o for o in Occupation.objects.all()}
    created = updated = 0
    new = []
    for row in rows:
        values = {"name_kk": row["name_kk"], "name_ru": row["name_ru"], "name_en": row["name_en"],
                  "illustrative": row["illustrative"] == "1"}
        found = existing.get(row["code"])
        if found is None:
            new.append(Occupation(code=row["code"], **values))
            created += 1
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            found.save(update_fields=list(values))
            updated += 1
    Occupation.objects.bulk_create(new)
    return created, updated


def load_specialty_occupations(Specialty, Occupation, SpecialtyOccupation,  # noqa: N803 - model classes
                               path: Path | None = None) -> tuple[int, int]:
    """Upsert the specialty-occupation links by pair; raises ReferenceDataError (nothing written) for a bad file."""
    rows = read_csv(path or DATA / "specialty_occupations.csv")
    specialties = dict(Specialty.objects.values_list("code", "pk"))
    occupations = dict(Occupation.objects.values_list("code", "pk"))
    problems = check_links(rows, set(specialties), set(occupations))
    if problems:
        raise ReferenceDataError("\n".join(problems))
    existing = {(s, o): (pk, share) for pk, s, o, share in
                SpecialtyOccupation.objects.values_list("pk", "specialty_id", "occupation_id", "share")}
    created = updated = 0
    new = []
    for row in rows:
        key = (specialties[row["specialty_code"]], occupations[row["occupation_code"]])
        share = float(row["share"])
        found = existing.get(key)
        if found is None:
            new.append(SpecialtyOccupation(specialty_id=key[0], occupation_id=key[1], share=share))
            created += 1
        elif abs(found[1] - share) > 1e-12:
            SpecialtyOccupation.objects.filter(pk=found[0]).update(share=share)
            updated += 1
    SpecialtyOccupation.objects.bulk_create(new)
    return created, updated


def load_all(apps=None) -> dict[str, tuple[int, int]]:
    """Load both files with the given app registry's models (a migration's ``apps``), or the current models.

    Transactional tests empty every table, the migrations' reference data included: they call this again.
    """
    if apps is None:
        from django.apps import apps
    specialty = apps.get_model("registry", "Specialty")
    occupation = apps.get_model("labour", "Occupation")
    link = apps.get_model("labour", "SpecialtyOccupation")
    return {
        "occupations": load_occupations(occupation),
        "specialty_occupations": load_specialty_occupations(specialty, occupation, link),
    }

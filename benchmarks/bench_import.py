"""Students import at national scale on SQLite: our validated pipeline against a hand-written bulk INSERT.

Builds a fresh SQLite database, ~740 colleges with offers, and a CSV of N students (default 560,000),
then measures:
  * our pipeline (`run_import`: parse, validate every cell, resolve codes, upsert) on an empty table;
  * the same file again (every row compared, nothing written);
  * a baseline: Python's csv module + sqlite3 executemany straight into the table, no validation.
  * an import of the same students with every row changed (one prepared UPDATE run by executemany), against
    Django's ``bulk_update`` of the same fields, which the pipeline used before (on a sample: it is slow).
Prints times, rows per second and the ratios.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(data_dir: str) -> None:
    os.environ["SMARTTVET_DATA_DIR"] = data_dir
    os.environ["SMARTTVET_DEBUG"] = "1"
    os.environ.pop("SMARTTVET_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarttvet.config.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build_registry(colleges: int):
    import random

    from smarttvet.core.identifiers import complete_with_check_digit
    from smarttvet.registry.models import Offer, Organization, Qualification, Region

    rng = random.Random(7)
    regions = list(Region.objects.all())
    quals = list(Qualification.objects.select_related("specialty"))
    orgs, used = [], set()
    while len(orgs) < colleges:
        number = complete_with_check_digit(f"{rng.randrange(10**11):011d}")
        if not number or number in used:
            continue
        used.add(number)
        orgs.append(Organization(bin=number, name_kk="К", name_ru="К", name_en="C", kind="college",
                                 ownership="public", region=rng.choice(regions), settlement="urban", languages="kk"))
    Organization.objects.bulk_create(orgs)
    orgs = list(Organization.objects.all())
    Offer.objects.bulk_create([Offer(organization=o, specialty=q.specialty, qualification=q, language="kk",
                                     form="full_time", licensed_capacity=100) for o in orgs for q in quals[:3]])
    return orgs, quals


def write_students(path: Path, rows: int, orgs, quals, language: str = "kk") -> None:
    import hashlib
    import random

    rng = random.Random(11)
    from smarttvet.people.tabular import STUDENTS

    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(STUDENTS.column_names)
        for i in range(rows):
            org = orgs[i % len(orgs)]
            q = quals[i % min(3, len(quals))]
            key = hashlib.sha256(f"student-{i}".encode()).hexdigest()
            cohort = 2022 + rng.randrange(4)
            writer.writerow([org.bin, "", key, "fm"[i % 2], 2006, q.specialty.code, q.code, cohort, "grade9",
                             "full_time", language, "state", "", "studying", 2025])


def baseline(path: Path, db_path: str) -> float:
    """Hand-written: csv + executemany into people_student, with the two code lookups done by dicts."""
    started = time.perf_counter()
    con = sqlite3.connect(db_path)
    orgs = dict(con.execute("select bin, id from registry_organization"))
    specs = dict(con.execute("select code, id from registry_specialty"))
    quals = dict(con.execute("select code, id from registry_qualification"))
    con.execute("delete from people_student")
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        batch = []
        for r in reader:
            batch.append((orgs[r[0]], r[2], r[3], int(r[4]), specs[r[5]], quals[r[6]], int(r[7]), r[8], r[9],
                          r[10], r[11], r[13], int(r[14]), "2025-01-01"))
        con.executemany(
            "insert into people_student (organization_id, person_key, gender, birth_year, specialty_id, "
            "qualification_id, cohort_year, entry, study_form, language, funding, status, status_year, updated_at) "
            "values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
    con.commit()
    con.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--students", type=int, default=560_000)
    parser.add_argument("--colleges", type=int, default=740)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(tmp)
        from django.conf import settings

        from smarttvet.core.tabular import run_import
        from smarttvet.people.models import Student
        from smarttvet.people.tabular import STUDENTS

        orgs, quals = build_registry(args.colleges)
        path = Path(tmp) / "students.csv"
        write_students(path, args.students, orgs, quals)
        started = time.perf_counter()
        report = run_import(STUDENTS, path, progress=False)
        first = time.perf_counter() - started
        assert report.created == args.students and Student.objects.count() == args.students
        started = time.perf_counter()
        again = run_import(STUDENTS, path, progress=False)
        second = time.perf_counter() - started
        assert again.unchanged == args.students and again.created == again.updated == 0
        changed = Path(tmp) / "students-changed.csv"
        write_students(changed, args.students, orgs, quals, language="ru")
        started = time.perf_counter()
        update = run_import(STUDENTS, changed, progress=False)
        third = time.perf_counter() - started
        assert update.updated == args.students
        sample = list(Student.objects.order_by("pk")[:min(args.students, 20_000)])
        for student in sample:
            student.language = "kk"
        fields = [f.name for f in Student._meta.concrete_fields if not f.primary_key and f.name not in STUDENTS.key]
        started = time.perf_counter()
        Student.objects.bulk_update(sample, fields, batch_size=1000)
        former = (time.perf_counter() - started) / len(sample)
        from django.db import connection

        connection.close()
        base = baseline(path, str(settings.DATABASES["default"]["NAME"]))
        n = args.students
        print(f"students import (SQLite), {n:,} rows into {args.colleges} colleges")
        print(f"  pipeline, empty table : {first:7.1f} s  ({n / first:,.0f} rows/s)")
        print(f"  pipeline, re-import   : {second:7.1f} s  ({n / second:,.0f} rows/s, all unchanged)")
        print(f"  baseline csv+executemany, no validation: {base:7.1f} s  ({n / base:,.0f} rows/s)")
        print(f"  ratio pipeline / baseline: {first / base:.1f}x")
        print(f"  pipeline, every row changed: {third:7.1f} s  ({n / third:,.0f} rows/s)")
        print(f"  former bulk_update of the same fields: {1 / former:,.0f} rows/s (on {len(sample):,} rows)")
        print(f"  ratio bulk_update / pipeline update: {former * n / third:.1f}x")


if __name__ == "__main__":
    main()

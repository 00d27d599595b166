"""Import, validation and the measures: hand-computed values, bad rows, idempotence, and three backends."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from unittest import mock

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from smarttvet.accounts.models import AuditEntry
from smarttvet.gradebook import backends, contract, database_store, importer, measures, services, store
from smarttvet.gradebook.models import LearningMeasure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _store(settings, tmp_path):
    settings.GRADEBOOK_STORE = tmp_path / "store"
    settings.GRADEBOOK_BACKEND = "duckdb"
    with mock.patch("django.core.management.base.connections.close_all"):
        yield


MARKS_HEADER = "organization,student,group,subject,date,mark,scale_max,kind"


def _write(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _hand_marks(world) -> list[str]:
    a, b = world.college_a.bin, world.college_b.bin
    return [
        # college A, student s1: 5, 4, term 2 (failing term mark); student s2: 3 on ten-point scale (0.3), 10
        f"{a},s1,9A,MATH,2024-10-01,5,5,current",
        f"{a},s1,9A,MATH,2024-10-02,4,5,current",
        f"{a},s1,9A,MATH,2024-10-31,2,5,term",
        f"{a},s2,9B,KAZ,2025-02-03,3,10,summative",
        f"{a},s2,9B,KAZ,2025-02-04,10,10,current",
        # college B: one student, one mark
        f"{b},s1,1,MATH,2025-05-05,3,5,current",
    ]


def test_import_computes_the_hand_computed_measures(world, tmp_path):
    path = _write(tmp_path / "marks.csv", MARKS_HEADER, _hand_marks(world))
    _write(tmp_path / "att.csv", "organization,student,group,date,lessons,absent_excused,absent_unexcused",
           [f"{world.college_a.bin},s1,9A,2024-10-01,6,1,2", f"{world.college_a.bin},s2,9B,2024-10-01,4,0,0"])
    call_command("gradebook", "import", str(path), "--no-progress")
    call_command("gradebook", "import", str(tmp_path / "att.csv"), "--no-progress")
    a = LearningMeasure.objects.get(year=2025, level="organization", organization=world.college_a)
    # shares: 1.0, 0.8, 0.4, 0.3, 1.0 -> mean 0.7; good (>=0.7): 3/5; passing (>=0.5): 3/5
    assert (a.students, a.marks) == (2, 5)
    assert a.mean_mark == pytest.approx(0.7)
    assert a.knowledge_quality == pytest.approx(0.6)
    assert a.success_rate == pytest.approx(0.6)
    # s1: (2.2/3 + 2/3 + 2/3)/3 ; s2: (1.3/2 + 1/2 + 1/2)/2 ... per student composites
    s1 = (2.2 / 3 + 2 / 3 + 2 / 3) / 3
    s2 = (1.3 / 2 + 1 / 2 + 1 / 2) / 3
    assert a.composite == pytest.approx((s1 + s2) / 2)
    assert a.composite_sd == pytest.approx(np.std([s1, s2], ddof=1))
    assert (a.term_students, a.failing_students) == (1, 1)
    assert a.lessons == 10
    assert a.attendance_rate == pytest.approx(1 - 3 / 10)
    assert a.unexcused_rate == pytest.approx(2 / 10)
    assert a.change_composite is None  # no 2024 marks
    subjects = {m.key: m for m in LearningMeasure.objects.filter(year=2025, level="subject",
                                                                organization=world.college_a)}
    assert subjects["MATH"].mean_mark == pytest.approx((1.0 + 0.8 + 0.4) / 3)
    assert subjects["MATH"].attendance_rate is None  # attendance has no subject
    terms = dict(LearningMeasure.objects.filter(year=2025, level="term", organization=world.college_a)
                 .values_list("key", "marks"))
    assert terms == {"1": 3, "3": 2}
    region = LearningMeasure.objects.get(year=2025, level="region", region=world.turkistan)
    assert (region.students, region.marks) == (3, 6)  # s1 of A and s1 of B are different students


def test_change_from_the_previous_year(world, tmp_path):
    a = world.college_a.bin
    _write(tmp_path / "m.csv", MARKS_HEADER, [
        f"{a},s1,9A,MATH,2023-10-01,3,5,current",   # 2024: share 0.6
        f"{a},s1,9A,MATH,2024-10-01,5,5,current",   # 2025: share 1.0
    ])
    call_command("gradebook", "import", str(tmp_path / "m.csv"), "--no-progress")
    now = LearningMeasure.objects.get(year=2025, level="organization", organization=world.college_a)
    assert now.change_mean_mark == pytest.approx(0.4)
    assert now.change_knowledge_quality == pytest.approx(1.0)


def test_bad_rows_are_reported_and_not_loaded(world, tmp_path, capsys):
    a = world.college_a.bin
    good = f"{a},s1,9A,MATH,2024-10-01,5,5,current"
    rows = [
        good,
        good,                                            # duplicate
        "999999999999,s1,9A,MATH,2024-10-01,5,5,current",  # unknown organisation
        f"{a},s2,9A,MATH,2024-10-01,6,5,current",        # outside its scale
        f"{a},s3,9A,MATH,2024-10-01,4.5,5,current",      # not an integer
        f"{a},s4,9A,MATH,2024-10-01,4,7,current",        # bad scale
        f"{a},s5,9A,MATH,2025-09-01,4,5,current",        # date outside (year given below)
        f"{a},s6,9A,MATH,not-a-date,4,5,current",        # not a date
        f"{a},s7,9A,MATH,2024-10-01,4,5,weekly",         # kind
        f"{a},,9A,MATH,2024-10-01,4,5,current",          # student missing
    ]
    call_command("gradebook", "import", str(_write(tmp_path / "m.csv", MARKS_HEADER, rows)), "--year", "2025",
                 "--no-progress")
    out = capsys.readouterr().out
    report, _ = importer.validate(tmp_path / "m.csv", year=2025)
    assert (report.rows, report.loaded) == (10, 1)
    assert report.by_reason == {
        importer.DUPLICATE: 1, "unknown organisation": 1, "mark outside its scale": 1, "mark is not an integer": 1,
        "scale_max is not 5, 10 or 100": 1, "date outside the school year": 1, "date is not a date (YYYY-MM-DD)": 1,
        "kind is not current, term, year or summative": 1, "student is missing or longer than 64 characters": 1,
    }
    assert dict(report.by_organization) == {a: 8, "999999999999": 1}
    assert "m.csv:3: duplicate" in out and "m.csv:4: unknown organisation" in out
    stored = backends.connect().marks.to_pandas()
    assert len(stored) == 1 and stored.student.tolist() == ["s1"]


@pytest.mark.parametrize("name,content,message", [
    ("m.parquet", b"organization,student\n1,2\n", "not a Parquet file"),
    ("m.csv", b"\x00\x01binary", "not a CSV text file"),
    ("m.csv", b"organization,student,date\n1,2,2024-01-01\n", "missing columns for"),
])
def test_unreadable_input_exits_2_and_writes_nothing(world, tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(CommandError) as exc:
        call_command("gradebook", "import", str(tmp_path / name), "--no-progress")
    assert exc.value.returncode == 2 and message in str(exc.value)
    assert not store.has_data("marks") and AuditEntry.objects.count() == audit_before


def test_bad_arguments_exit_2(world, tmp_path):
    for args, message in [
        (["import", str(tmp_path / "missing.csv")], "does not exist"),
        (["import", str(tmp_path), "--year", "20x5"], "--year"),
        (["analyse", "--year", "2025", "--backend", "oracle"], "--backend"),
        (["analyse", "--year", "2025"], "no gradebook data for school year 2025"),
        (["support-plans", "--year", "2024"], "no monitoring list of 2024"),
        (["support-plans", "--year", "2024", "--kind", "kindergarten"], "--kind"),
        (["support-plans", "--year", "2024", "--region", "6"], "--region"),
        (["support-plans", "--year", "two"], "--year"),
    ]:
        with pytest.raises(CommandError) as exc:
            call_command("gradebook", *args)
        assert exc.value.returncode == 2 and message in str(exc.value)


def test_reimport_replaces_each_organisations_year(world, tmp_path):
    a, b = world.college_a.bin, world.college_b.bin
    first = _write(tmp_path / "m1.csv", MARKS_HEADER, [f"{a},s1,9A,MATH,2024-10-01,5,5,current",
                                                      f"{b},s1,9A,MATH,2024-10-01,2,5,current"])
    call_command("gradebook", "import", str(first), "--no-progress")
    call_command("gradebook", "import", str(first), "--no-progress")  # the same export again: no change
    assert len(backends.connect().marks.to_pandas()) == 2
    second = _write(tmp_path / "m2.csv", MARKS_HEADER, [f"{a},s9,9A,MATH,2024-11-01,3,5,current",
                                                       f"{a},s9,9A,MATH,2024-11-02,3,5,current"])
    call_command("gradebook", "import", str(second), "--no-progress")
    stored = backends.connect().marks.to_pandas()
    assert sorted(zip(stored.organization, stored.student, strict=True)) == [(a, "s9"), (a, "s9"), (b, "s1")]


def test_a_partitioned_folder_is_read_and_its_region_checked(world, tmp_path):
    folder = tmp_path / "export" / "year=2025"
    (folder / "region=61").mkdir(parents=True)
    (folder / "region=75").mkdir(parents=True)
    table = pa.table({"organization": [world.college_a.bin], "student": ["s1"], "group": ["9A"], "subject": ["MATH"],
                      "date": pa.array([dt.date(2024, 10, 1)], pa.date32()), "mark": pa.array([4], pa.int16()),
                      "scale_max": pa.array([5], pa.int16()), "kind": ["current"]})
    pq.write_table(table, folder / "region=61" / "a.parquet")
    pq.write_table(table.set_column(1, "student", pa.array(["s2"])), folder / "region=75" / "b.parquet")
    report = importer.run(tmp_path / "export")
    assert (report.rows, report.loaded) == (2, 1)
    assert report.by_reason == {"organisation is not in its folder's region": 1}
    assert store.years() == [2025]


def test_an_interrupted_partition_swap_is_recovered(world, tmp_path):
    a = world.college_a.bin
    call_command("gradebook", "import", str(_write(tmp_path / "m.csv", MARKS_HEADER,
                                                   [f"{a},s1,9A,MATH,2024-10-01,5,5,current"])), "--no-progress")
    target = store.partition_dir("marks", 2025, "61")
    hidden = target.parent / ".region=61.old-crash"
    target.rename(hidden)  # the state between the two renames of swap_in
    (target.parent / ".region=61.new-crash").mkdir()
    assert not store.has_data("marks")
    assert len(store.recover()) == 2
    assert len(backends.connect().marks.to_pandas()) == 1


# --- the same measures on DuckDB, Spark and PostgreSQL -----------------------------------------------------------
def _random_marks(world, n=3000, seed=5) -> tuple[pa.Table, pa.Table]:
    rng = np.random.default_rng(seed)
    orgs = np.array([world.college_a.bin, world.college_b.bin, world.college_other_region.bin])
    regions = {world.college_a.bin: "61", world.college_b.bin: "61", world.college_other_region.bin: "75"}
    org = orgs[rng.integers(0, 3, n)]
    years = rng.choice([2024, 2025], n)
    start = np.array([np.datetime64(f"{y - 1}-09-01") for y in years])
    date = start + rng.integers(0, 270, n).astype("timedelta64[D]")
    scale = rng.choice([5, 10, 100], n)
    marks = pa.table({
        "organization": org, "student": [f"p{i}" for i in rng.integers(0, 60, n)],
        "group": rng.choice(["9A", "10B", "G-1"], n), "subject": rng.choice(["MATH", "KAZ", "PHYS"], n),
        "date": pa.array(date.astype("datetime64[D]"), pa.date32()),
        "mark": pa.array(np.minimum(rng.integers(0, 101, n), scale), pa.int16()),
        "scale_max": pa.array(scale, pa.int16()), "kind": rng.choice(list(contract.KINDS), n),
        "year": pa.array(years, pa.int16()), "region": [regions[o] for o in org],
    })
    lessons = rng.integers(1, 9, n)
    excused = rng.integers(0, 2, n)
    attendance = pa.table({
        "organization": org, "student": marks["student"], "group": marks["group"], "date": marks["date"],
        "lessons": pa.array(lessons, pa.int16()), "absent_excused": pa.array(np.minimum(excused, lessons), pa.int16()),
        "absent_unexcused": pa.array(np.minimum(rng.integers(0, 2, n), lessons - np.minimum(excused, lessons)),
                                     pa.int16()),
        "year": marks["year"], "region": marks["region"],
    })
    # one row per key (the contract's uniqueness) so every backend stores the same rows
    marks = pa.Table.from_pandas(marks.to_pandas().drop_duplicates(list(contract.KEYS["marks"])),
                                 schema=contract.schema("marks"), preserve_index=False)
    attendance = pa.Table.from_pandas(attendance.to_pandas().drop_duplicates(list(contract.KEYS["attendance"])),
                                      schema=contract.schema("attendance"), preserve_index=False)
    return marks, attendance


def _to_store(root: Path, dataset: str, table: pa.Table) -> None:
    frame = table.to_pandas()
    for (year, region), part in frame.groupby(["year", "region"]):
        folder = root / dataset / f"year={year}" / f"region={region}"
        folder.mkdir(parents=True)
        pq.write_table(pa.Table.from_pandas(part.drop(columns=["year", "region"]), preserve_index=False),
                       folder / "data.parquet")


def _assert_same(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    for level in measures.LEVELS:
        a, b = left[level], right[level]
        assert len(a) == len(b) > 0, level
        pd.testing.assert_frame_equal(a.fillna(np.nan), b.fillna(np.nan), check_dtype=False, rtol=1e-9, atol=1e-12,
                                      obj=level)


@pytest.fixture
def random_store(world, tmp_path):
    marks, attendance = _random_marks(world)
    _to_store(tmp_path / "lake", "marks", marks)
    _to_store(tmp_path / "lake", "attendance", attendance)
    duck = backends.duckdb_source(tmp_path / "lake/marks/year=*/region=*/*.parquet",
                                  tmp_path / "lake/attendance/year=*/region=*/*.parquet")
    return tmp_path / "lake", marks, attendance, measures.compute(duck, 2025)


def test_duckdb_measures_equal_a_pandas_computation(random_store):
    _, marks, _, duck = random_store
    frame = marks.to_pandas()
    frame = frame[frame.year == 2025].assign(share=lambda f: f.mark / f.scale_max)
    by_org = frame.groupby("organization").agg(marks=("share", "size"), mean_mark=("share", "mean"),
                                               quality=("share", lambda s: (s >= 0.7).mean()))
    got = duck["organization"].set_index("organization")
    assert got.marks.to_dict() == by_org.marks.to_dict()
    np.testing.assert_allclose(got.mean_mark.sort_index(), by_org.mean_mark.sort_index())
    np.testing.assert_allclose(got.knowledge_quality.sort_index(), by_org.quality.sort_index())


def test_spark_computes_the_same_measures(random_store):
    if connection.vendor == "postgresql":  # Spark reads only the Parquet files: one run (the SQLite one) covers it
        pytest.skip("Spark does not read the platform's database: the SQLite run covers it")
    lake, _, _, duck = random_store
    spark = measures.compute(backends.spark_source(lake, master="local[1]"), 2025)
    _assert_same(duck, spark)


def test_postgres_computes_the_same_measures(random_store):
    if connection.vendor != "postgresql":
        pytest.skip("the postgres backend needs the platform on PostgreSQL (the PostgreSQL run covers it)")
    _, marks, attendance, duck = random_store
    database_store.write("marks", marks)
    database_store.write("attendance", attendance)
    _assert_same(duck, measures.compute(backends.postgres_source(), 2025))
    # a second write of the same rows replaces them (per year and organisation), it does not add
    database_store.write("marks", marks)
    assert backends.postgres_source().marks.count().execute() == marks.num_rows
    assert services.has_data(2025, "postgres")

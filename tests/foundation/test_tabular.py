"""Imports and exports: the round trip changes nothing; a bad row is reported and nothing is written."""

import csv
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from smarttvet.accounts.models import AuditEntry
from smarttvet.core.specs import KINDS, spec_for
from smarttvet.people.models import Teacher
from smarttvet.registry.models import Enterprise, Organization

pytestmark = pytest.mark.django_db



def _snapshot(model):
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items() if k != "updated_at"))
                  for row in model.objects.values())


def _read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def _write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_changes_nothing(world, tmp_path, kind, suffix):
    path = tmp_path / f"{kind}{suffix}"
    call_command("export", kind, str(path))
    before = _snapshot(spec_for(kind).model)
    call_command("import", kind, str(path), "--no-progress")
    assert _snapshot(spec_for(kind).model) == before
    assert not AuditEntry.objects.exists()  # nothing created or updated, so nothing to audit


def test_export_header_is_exactly_the_import_columns(world, tmp_path):
    for kind in KINDS:
        path = tmp_path / f"{kind}.csv"
        call_command("export", kind, str(path))
        assert _read_csv(path)[0] == spec_for(kind).column_names


def test_an_invalid_bin_is_reported_with_row_column_and_reason_and_nothing_is_written(world, tmp_path, capsys):
    path = tmp_path / "orgs.csv"
    call_command("export", "organizations", str(path))
    rows = _read_csv(path)
    rows[2][0] = rows[2][0][:11] + str((int(rows[2][0][11]) + 1) % 10)  # data row 2 is file row 3
    rows[1][2] = "Новое имя"  # a valid change elsewhere must not be written either
    _write_csv(path, rows)
    before = _snapshot(Organization)
    with pytest.raises(CommandError) as exc:
        call_command("import", "organizations", str(path), "--no-progress")
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert "row 3, column bin:" in err and "check digit" in err
    assert _snapshot(Organization) == before


def test_skip_invalid_writes_valid_rows_and_saves_the_rejected_ones(world, tmp_path):
    path = tmp_path / "orgs.csv"
    call_command("export", "organizations", str(path))
    rows = _read_csv(path)
    rows[1][3] = "Renamed College"
    rows[2][4] = "castle"  # unknown kind
    _write_csv(path, rows)
    rejected = tmp_path / "rejected.csv"
    call_command("import", "organizations", str(path), "--skip-invalid", "--rejected", str(rejected), "--no-progress")
    assert Organization.objects.filter(name_en="Renamed College").count() == 1
    saved = _read_csv(rejected)
    assert saved[0][-2:] == ["error_columns", "error_reasons"]
    assert len(saved) == 2 and saved[1][0] == "3" and "castle" in saved[1][-1]
    entry = AuditEntry.objects.get(action="import")
    assert entry.changes["updated"] == 1 and entry.changes["rejected"] == 1


def test_reimport_updates_and_never_duplicates(world, tmp_path):
    path = tmp_path / "enterprises.csv"
    call_command("export", "enterprises", str(path))
    rows = _read_csv(path)
    rows[1][5] = "999"
    _write_csv(path, rows)
    count = Enterprise.objects.count()
    call_command("import", "enterprises", str(path), "--no-progress")
    call_command("import", "enterprises", str(path), "--no-progress")
    assert Enterprise.objects.count() == count
    assert Enterprise.objects.get(bin=rows[1][0]).employees == 999


def test_iin_is_hashed_and_never_stored(world, tmp_path):
    from tests.factories import valid_twelve

    iin = valid_twelve("7")
    path = tmp_path / "teachers.csv"
    call_command("export", "teachers", str(path))
    rows = _read_csv(path)
    new = list(rows[1])
    new[1], new[2], new[3] = iin, "", "Айгүл Серікова"
    _write_csv(path, [rows[0], new])
    call_command("import", "teachers", str(path), "--no-progress")
    teacher = Teacher.objects.get(full_name="Айгүл Серікова")
    assert teacher.person_key != iin and len(teacher.person_key) == 64
    assert not any(iin in str(v) for row in Teacher.objects.values() for v in row.values())


def test_an_invalid_iin_is_reported_without_echoing_it(world, tmp_path, capsys):
    path = tmp_path / "teachers.csv"
    call_command("export", "teachers", str(path))
    rows = _read_csv(path)
    rows[1][1], rows[1][2] = "123456789012", ""
    _write_csv(path, rows)
    with pytest.raises(CommandError):
        call_command("import", "teachers", str(path), "--no-progress")
    err = capsys.readouterr().err
    assert "row 2, column iin:" in err and "123456789012" not in err


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda h, r: (h + ["colour"], r), "unknown columns: colour"),
        (lambda h, r: ([c for c in h if c != "name_ru"], [x[:2] + x[3:] for x in r]), "missing columns: name_ru"),
    ],
)
def test_header_problems_name_the_columns(world, tmp_path, edit, expected):
    path = tmp_path / "orgs.csv"
    call_command("export", "organizations", str(path))
    header, *rows = _read_csv(path)
    header, rows = edit(header, rows)
    _write_csv(path, [header, *rows])
    with pytest.raises(CommandError) as exc:
        call_command("import", "organizations", str(path), "--no-progress")
    assert expected in str(exc.value) and exc.value.returncode == 2


def test_xlsx_numeric_bins_get_their_leading_zeros_back(world, tmp_path):
    path = tmp_path / "orgs.xlsx"
    call_command("export", "organizations", str(path))
    book = load_workbook(path)
    sheet = book.active
    org = Organization.objects.order_by("pk").first()
    assert org.bin.startswith("0")
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == org.bin:
            row[0].value = int(org.bin)
            row[3].value = "Zero Padded"
    book.save(path)
    call_command("import", "organizations", str(path), "--no-progress")
    assert Organization.objects.get(pk=org.pk).name_en == "Zero Padded"


def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(CommandError) as exc:
        call_command("import", "organizations", str(path), "--no-progress")
    assert "not a readable XLSX" in str(exc.value) and "content" in str(exc.value) and exc.value.returncode == 2


def test_graduates_must_match_a_graduated_student(world, tmp_path, capsys):
    path = tmp_path / "graduates.csv"
    call_command("export", "graduates", str(path))
    rows = _read_csv(path)
    rows[1][3] = "2019"  # graduation_year that does not exist for this person
    _write_csv(path, rows)
    with pytest.raises(CommandError):
        call_command("import", "graduates", str(path), "--no-progress")
    assert "no graduate of this organisation" in capsys.readouterr().err


def test_the_command_line_exits_with_code_2_and_writes_nothing(tmp_path):
    """Through the real console script, against its own fresh database."""
    import os

    env = {**os.environ, "SMARTTVET_DATA_DIR": str(tmp_path), "SMARTTVET_DEBUG": "1"}
    env.pop("SMARTTVET_DATABASE_URL", None)
    run = [sys.executable, "-m", "smarttvet.cli"]
    subprocess.run([*run, "migrate", "-v0"], env=env, check=True, timeout=300)
    book = Workbook()
    book.active.append(["bin", "name", "region_kato", "sector", "size", "employees"])
    book.active.append(["123456789012", "Bad LLP", "610000000", "C", "small", 10])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result = subprocess.run([*run, "import", "enterprises", str(path), "--no-progress"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "row 2, column bin:" in result.stderr and "nothing was written" in result.stderr
    count = subprocess.run([*run, "shell", "-c", "from smarttvet.registry.models import Enterprise;"
                            "print(Enterprise.objects.count())"], env=env, capture_output=True, text=True)
    assert count.stdout.strip().splitlines()[-1] == "0"


def test_classifier_round_trip_and_a_bad_code_is_refused(db, tmp_path, capsys):
    from smarttvet.registry.models import Qualification

    path = tmp_path / "classifier.csv"
    call_command("export", "classifier", str(path))
    count = Qualification.objects.count()
    call_command("import", "classifier", str(path))
    assert Qualification.objects.count() == count
    rows = _read_csv(path)
    rows[1][4] = rows[1][4][:2] + "99999999"  # no longer repeats the specialty's digits
    rows.append(list(rows[2]))  # and a repeated qualification code
    _write_csv(path, rows)
    with pytest.raises(CommandError) as exc:
        call_command("import", "classifier", str(path))
    assert exc.value.returncode == 2
    err = capsys.readouterr().err
    assert "row 2, qualification_code: must repeat the specialty's first 6 digits" in err
    assert f"row {len(rows)}, qualification_code:" in err and "repeats row 3" in err
    assert Qualification.objects.count() == count


def test_the_data_formats_document_is_current():
    from pathlib import Path

    from smarttvet.core.data_formats import render

    doc = Path(__file__).resolve().parents[2] / "docs" / "data-formats.md"
    assert doc.read_text(encoding="utf-8") == render(), (
        "docs/data-formats.md is out of date: python -m smarttvet.core.data_formats > docs/data-formats.md"
    )


def test_updates_write_the_changed_rows_in_one_statement_per_thousand(world, tmp_path):
    """A teachers import that changes a date of 1,200 rows: those rows change (dates prepared as the ORM would),
    their updated_at moves, the others stay as they were, and the writes are two executemany UPDATEs."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    for _ in range(1200):
        f.teacher(world.college_b, employed_from=dt.date(2010, 1, 1))
    path = tmp_path / "teachers.csv"
    call_command("export", "teachers", str(path))
    rows = _read_csv(path)
    column = rows[0].index("employed_from")
    changed = 0
    for row in rows[1:]:
        if row[column] == "2010-01-01":
            row[column], changed = "2011-02-03", changed + 1
    _write_csv(path, rows)
    untouched = sorted(Teacher.objects.exclude(employed_from=dt.date(2010, 1, 1)).values_list("pk", "updated_at"))
    with CaptureQueriesContext(connection) as queries:
        call_command("import", "teachers", str(path), "--no-progress")
    updates = [q["sql"].split(": UPDATE", 1)[0] for q in queries.captured_queries if "UPDATE " in q["sql"]]
    assert changed == 1200 and updates == ["1000 times", "200 times"]  # one prepared statement, run many times
    assert Teacher.objects.filter(employed_from=dt.date(2011, 2, 3)).count() == 1200
    assert not Teacher.objects.filter(employed_from=dt.date(2010, 1, 1)).exists()
    assert sorted(Teacher.objects.exclude(employed_from=dt.date(2011, 2, 3)).values_list("pk", "updated_at")) \
        == untouched
    moved = set(Teacher.objects.filter(employed_from=dt.date(2011, 2, 3)).values_list("updated_at", flat=True))
    assert len(moved) == 1 and moved.pop() > max(u for _pk, u in untouched)
    assert AuditEntry.objects.get(action="import").changes["updated"] == 1200

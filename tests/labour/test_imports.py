"""Imports of the labour market: vacancies, employers' declared needs and growth sectors (``smarttvet import``)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from smarttvet.labour.models import EmployerNeed, GrowthSector, Vacancy
from smarttvet.registry.models import Qualification
from tests import factories as f

pytestmark = pytest.mark.django_db

VACANCY_HEADER = ["month", "region_kato", "occupation_code", "count", "median_wage", "source"]
NEED_HEADER = ["enterprise_bin", "specialty_code", "qualification_code", "year", "people", "declared_on", "comment"]
GROWTH_HEADER = ["region_kato", "sector", "since_year", "note"]


def write_csv(path, rows):
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def read_csv(path):
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def snapshot(model):
    return sorted(tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values())


def run(kind, path):
    call_command("import", kind, str(path), "--no-progress")


def refused(kind, path, capsys) -> str:
    with pytest.raises(CommandError) as exc:
        run(kind, path)
    assert exc.value.returncode == 2
    return capsys.readouterr().err


@pytest.fixture
def enterprise():
    return f.enterprise(f.region("61"))


# --- vacancies ------------------------------------------------------------------------------------------------
def test_vacancies_import_reimport_and_export_round_trip(tmp_path):
    path = write_csv(tmp_path / "v.csv", [
        VACANCY_HEADER,
        ["2025-03", "610000000", "7212", "14", "320000", "enbek.kz"],
        ["2025-04", "610000000", "7212", "19", "", ""],
        ["2025-04-01", "750000000", "5120", "40", "260000", "hh.kz"],
    ])
    run("vacancies", path)
    assert Vacancy.objects.count() == 3
    april = Vacancy.objects.get(month=dt.date(2025, 4, 1), region__kato="610000000")
    assert april.count == 19 and april.median_wage is None and april.source == "enbek.kz"
    before = snapshot(Vacancy)
    run("vacancies", path)  # the same file again changes nothing
    assert snapshot(Vacancy) == before
    exported = tmp_path / "out.csv"
    call_command("export", "vacancies", str(exported))
    rows = read_csv(exported)
    assert rows[0] == VACANCY_HEADER and ["2025-04", "610000000", "7212", "19", "", "enbek.kz"] in rows
    run("vacancies", exported)
    assert snapshot(Vacancy) == before
    write_csv(path, [VACANCY_HEADER, ["2025-03", "610000000", "7212", "15", "320000", "enbek.kz"]])
    run("vacancies", path)
    assert Vacancy.objects.count() == 3
    assert Vacancy.objects.get(month=dt.date(2025, 3, 1)).count == 15


def test_vacancies_from_a_spreadsheet_with_date_cells(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(VACANCY_HEADER)
    sheet.append([dt.datetime(2024, 5, 1), 610000000, 7212, 3, 300000, None])
    path = tmp_path / "v.xlsx"
    book.save(path)
    run("vacancies", path)
    assert Vacancy.objects.get().month == dt.date(2024, 5, 1)


@pytest.mark.parametrize(("cells", "where", "reason"), [
    (["2025-13", "610000000", "7212", "1", "", ""], "row 3, column month:", "not a month in the form YYYY-MM"),
    (["2025-04-15", "610000000", "7212", "1", "", ""], "row 3, column month:", "not a month"),
    (["2025-04", "990000000", "7212", "1", "", ""], "row 3, column region_kato:", "is not in the registry"),
    (["2025-04", "610000000", "9999", "1", "", ""], "row 3, column occupation_code:", "is not in the registry"),
    (["2025-04", "610000000", "72", "1", "", ""], "row 3, column occupation_code:", "4 digits"),
    (["2025-04", "610000000", "7212", "-4", "", ""], "row 3, column count:", "below the minimum 0"),
    (["2025-04", "610000000", "7212", "1", "lots", ""], "row 3, column median_wage:", "not a whole number"),
    (["2025-03", "610000000", "7212", "5", "", ""], "row 3, column month:", "repeats the record of row 2"),
])
def test_a_bad_vacancy_row_is_named_and_nothing_is_written(tmp_path, capsys, cells, where, reason):
    path = write_csv(tmp_path / "v.csv", [VACANCY_HEADER, ["2025-03", "610000000", "7212", "4", "", ""], cells])
    err = refused("vacancies", path, capsys)
    assert where in err and reason in err
    assert not Vacancy.objects.exists()


def test_a_missing_column_refuses_the_file(tmp_path):
    path = write_csv(tmp_path / "v.csv", [["month", "region_kato", "count"], ["2025-03", "610000000", "4"]])
    with pytest.raises(CommandError, match="missing columns: occupation_code") as exc:
        run("vacancies", path)
    assert exc.value.returncode == 2
    assert not Vacancy.objects.exists()


# --- employers' declared needs --------------------------------------------------------------------------------
def test_needs_import_and_reimport_never_duplicate(tmp_path, enterprise):
    q = Qualification.objects.get(code="3W07150501")
    path = write_csv(tmp_path / "n.csv", [
        NEED_HEADER,
        [enterprise.bin, "07150500", "", "2026", "6", "2025-10-01", "Новый цех"],
        [enterprise.bin, "07150500", q.code, "2026", "2", "2025-10-01", ""],
        [enterprise.bin, "7150500", "", "2027", "8", "2025-10-01", ""],  # a spreadsheet lost the leading zero
    ])
    run("needs", path)
    assert EmployerNeed.objects.count() == 3
    run("needs", path)
    assert EmployerNeed.objects.count() == 3  # the need without a qualification is found again, not duplicated
    exported = tmp_path / "out.csv"
    call_command("export", "needs", str(exported))
    rows = read_csv(exported)
    assert rows[0] == NEED_HEADER
    assert [enterprise.bin, "07150500", "", "2026", "6", "2025-10-01", "Новый цех"] in rows
    before = snapshot(EmployerNeed)
    run("needs", exported)
    assert snapshot(EmployerNeed) == before


@pytest.mark.parametrize(("cells", "where", "reason"), [
    (["{bin}", "07150500", "3W07161301", "2026", "3", "2025-10-01", ""], "row 3, column qualification_code:",
     "not a qualification of this specialty"),
    (["{bin}", "07150500", "3W99999999", "2026", "3", "2025-10-01", ""], "row 3, column qualification_code:",
     "is not in the registry"),
    (["{bad_bin}", "07150500", "", "2026", "3", "2025-10-01", ""], "row 3, column enterprise_bin:",
     "is not in the registry"),
    (["{bin}", "99999999", "", "2026", "3", "2025-10-01", ""], "row 3, column specialty_code:",
     "is not in the registry"),
    (["{bin}", "07150500", "", "2026", "0", "2025-10-01", ""], "row 3, column people:", "below the minimum 1"),
    (["{bin}", "07150500", "", "3026", "3", "2025-10-01", ""], "row 3, column year:", "above the maximum 2100"),
    (["{bin}", "07150500", "", "2026", "3", "01.10.2025", ""], "row 3, column declared_on:", "YYYY-MM-DD"),
])
def test_a_bad_need_row_is_named_and_nothing_is_written(tmp_path, capsys, enterprise, cells, where, reason):
    other = f.valid_twelve("3")
    cells = [c.format(bin=enterprise.bin, bad_bin=other) for c in cells]
    path = write_csv(tmp_path / "n.csv", [NEED_HEADER, [enterprise.bin, "07150500", "", "2027", "5", "2025-10-01", ""],
                                          cells])
    err = refused("needs", path, capsys)
    assert where in err and reason in err
    assert not EmployerNeed.objects.exists()


# --- growth sectors -------------------------------------------------------------------------------------------
def test_growth_sectors_round_trip_and_update(tmp_path):
    path = write_csv(tmp_path / "g.csv", [
        GROWTH_HEADER, ["610000000", "A", "2020", "Хлопководство"], ["610000000", "I", "2021", ""],
        ["350000000", "B", "2019", "Горнорудная промышленность"],
    ])
    run("growth_sectors", path)
    assert GrowthSector.objects.count() == 3
    exported = tmp_path / "out.xlsx"
    call_command("export", "growth_sectors", str(exported))
    before = snapshot(GrowthSector)
    run("growth_sectors", exported)
    assert snapshot(GrowthSector) == before
    write_csv(path, [GROWTH_HEADER, ["610000000", "I", "2022", "Туризм"]])
    run("growth_sectors", path)
    assert GrowthSector.objects.count() == 3
    assert GrowthSector.objects.get(region__kato="610000000", sector__code="I").since_year == 2022


@pytest.mark.parametrize(("cells", "where", "reason"), [
    (["610000000", "Z", "2020", ""], "row 3, column sector:", "is not in the registry"),
    (["610000000", "AB", "2020", ""], "row 3, column sector:", "longer than 1 characters"),
    (["610000000", "C", "twenty", ""], "row 3, column since_year:", "not a whole number"),
    (["61", "C", "2020", ""], "row 3, column region_kato:", "is not in the registry"),
])
def test_a_bad_growth_sector_row_is_named_and_nothing_is_written(tmp_path, capsys, cells, where, reason):
    path = write_csv(tmp_path / "g.csv", [GROWTH_HEADER, ["610000000", "A", "2020", ""], cells])
    err = refused("growth_sectors", path, capsys)
    assert where in err and reason in err
    assert not GrowthSector.objects.exists()

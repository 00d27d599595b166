"""``smarttvet labour gap|recommend|backtest|allocate``."""

import csv
import io
import sys
import types

import pytest
from django.core.management import call_command

from smarttvet.cli import main as smarttvet_main
from smarttvet.labour import gap
from tests.labour import factories as f

GAP_COLUMNS = ["specialty_code", "specialty_name", "demand", "supply", "gap", "ratio", "employment_rate_12m",
               "employment_n"]


def _exit_code(argv) -> int:
    """Run the console script in-process, keeping the test's database connection open (see the rating's CLI
    tests: Django closes every connection when a command ends, which would end the test's transaction on
    PostgreSQL)."""
    from unittest import mock

    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            smarttvet_main(argv)
        except SystemExit as stop:
            return stop.code if isinstance(stop.code, int) else 1
    return 0


@pytest.fixture
def market(db):
    """Turkistan: specialty 1 taught (20 a year) with 20 postings a month, specialty 2 not taught with 10
    postings a month, specialty 3 taught with no demand; 10 graduates of specialty 1 observed (7 employed)."""
    f.clear_mappings()
    turkistan = f.region("61")
    spec1, spec2, spec3 = f.specialties(3)
    college = f.organization(turkistan)
    f.offer(college, spec1)
    f.offer(college, spec3)
    graduates = f.students(college, spec1, 10, cohort=2021, status="graduated", status_year=2024)
    f.outcomes(graduates, {"employed": 7, "not_employed": 3})
    for cohort in (2023, 2024, 2025):
        f.students(college, spec1, 20, cohort=cohort)
        f.students(college, spec3, 5, cohort=cohort)
    occ1, occ2 = f.occupation("7212"), f.occupation("7411")
    f.link(spec1, occ1)
    f.link(spec2, occ2)
    f.vacancies(turkistan, occ1, [20] * 24, start="2024-01")
    f.vacancies(turkistan, occ2, [10] * 24, start="2024-01")
    return dict(region=turkistan, spec1=spec1, spec2=spec2, spec3=spec3)


def test_gap_csv_has_one_row_per_specialty_with_the_columns(market, capsys):
    assert _exit_code(["labour", "gap", "--region", "61", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0])[:8] == GAP_COLUMNS and list(rows[0])[8:] == ["providers", "declared", "from_vacancies"]
    codes = [row["specialty_code"] for row in rows]
    assert codes == sorted({market["spec1"].code, market["spec2"].code, market["spec3"].code})
    by_code = {row["specialty_code"]: row for row in rows}
    one = by_code[market["spec1"].code]
    assert float(one["demand"]) == pytest.approx(3 * 120) and float(one["supply"]) == pytest.approx(60)
    assert float(one["gap"]) == pytest.approx(300) and one["ratio"] == "0.17"
    assert one["employment_rate_12m"] == "70.0" and one["employment_n"] == "10"
    assert one["specialty_name"] == market["spec1"].name_en
    two = by_code[market["spec2"].code]
    assert two["supply"] == "0.0" and two["employment_rate_12m"] == "" and two["providers"] == "0"
    three = by_code[market["spec3"].code]
    assert three["demand"] == "0.0" and three["ratio"] == ""


def test_gap_with_a_9_digit_code_a_horizon_an_out_file_and_a_table(market, tmp_path, capsys):
    out = tmp_path / "gap.csv"
    assert _exit_code(["labour", "gap", "--region", "610000000", "--horizon", "1", "--format", "csv",
                       "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 3
    one = next(row for row in rows if row["specialty_code"] == market["spec1"].code)
    assert float(one["demand"]) == pytest.approx(120) and float(one["supply"]) == pytest.approx(20)
    assert "3 specialties written" in capsys.readouterr().out
    call_command("labour", "gap", "--region", "61", "--language", "ru")
    text = capsys.readouterr().out
    assert "specialty_code" in text and market["spec1"].name_ru[:30] in text and "over the next 3 year(s)" in text


def test_recommend(market, capsys):
    assert _exit_code(["labour", "recommend", "--region", "61", "--format", "csv"]) == 0
    rows = {row["specialty_code"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert rows[market["spec2"].code]["recommendation"] == "open"
    assert rows[market["spec1"].code]["recommendation"] == "expand"
    assert "70%" in rows[market["spec1"].code]["reason"]
    assert _exit_code(["labour", "recommend", "--region", "61"]) == 0
    assert "open" in capsys.readouterr().out


def test_a_region_without_data(db, capsys):
    f.clear_mappings()
    assert _exit_code(["labour", "gap", "--region", "75"]) == 0
    assert "No specialty" in capsys.readouterr().out
    assert _exit_code(["labour", "gap", "--region", "75", "--format", "csv"]) == 0
    assert capsys.readouterr().out.strip() == ",".join([*GAP_COLUMNS, "providers", "declared", "from_vacancies"])


def test_backtest_prints_the_error(market, capsys):
    f.vacancies(f.region("75"), f.occupation("7212"), f.seasonal_counts(48, level=30, amplitude=6, trend=0.2))
    assert _exit_code(["labour", "backtest", "--origins", "2"]) == 0
    out = capsys.readouterr().out
    assert "WAPE" in out and "naive" in out and "region total" in out
    assert _exit_code(["labour", "backtest", "--region", "61"]) == 0  # 24 months: one origin, flat series
    out = capsys.readouterr().out
    assert "Turkistan" in out and "1 origin(s) (2025-01)" in out and "flat 2" in out


@pytest.mark.django_db
@pytest.mark.parametrize(("argv", "argument"), [
    (["gap", "--region", "99"], "--region"),
    (["gap", "--region", "6x"], "--region"),
    (["gap", "--region", "619999999"], "--region"),
    (["gap"], "--region"),
    (["gap", "--region", "61", "--horizon", "0"], "--horizon"),
    (["gap", "--region", "61", "--horizon", "6"], "--horizon"),
    (["gap", "--region", "61", "--horizon", "three"], "--horizon"),
    (["gap", "--region", "61", "--format", "xml"], "--format"),
    (["gap", "--region", "61", "--language", "de"], "--language"),
    (["recommend", "--region", "1"], "--region"),
    (["backtest", "--region", "00"], "--region"),
    (["backtest", "--origins", "0"], "--origins"),
    (["gap", "--region", "61", "--colour"], "--colour"),
])
def test_bad_arguments_exit_2_naming_the_argument(capsys, argv, argument):
    assert _exit_code(["labour", *argv]) == 2
    assert argument in capsys.readouterr().err


@pytest.mark.django_db
def test_bad_out_writes_nothing(tmp_path, capsys):
    missing = tmp_path / "missing" / "gap.csv"
    assert _exit_code(["labour", "gap", "--region", "61", "--out", str(missing)]) == 2
    assert "--out" in capsys.readouterr().err and not missing.parent.exists()
    out = tmp_path / "gap.csv"
    assert _exit_code(["labour", "gap", "--region", "61", "--horizon", "9", "--out", str(out)]) == 2
    assert not out.exists() and not list(tmp_path.iterdir())


@pytest.fixture
def fake_allocation(monkeypatch):
    """Stands in for ``smarttvet.labour.allocation_cli`` (tested with the allocation): records its call."""
    calls = []
    module = types.ModuleType("smarttvet.labour.allocation_cli")

    def run_allocate(options, stdout):
        calls.append(options)
        stdout.write("allocated")

    module.run_allocate = run_allocate
    monkeypatch.setitem(sys.modules, "smarttvet.labour.allocation_cli", module)
    return calls


@pytest.mark.django_db
def test_allocate_dispatches_the_options_as_typed(fake_allocation, tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert _exit_code(["labour", "allocate", "--region", "61", "--year", "2026", "--places", "500", "--out", str(out),
                       "--min-per-specialty", "5", "--max-per-specialty", "120"]) == 0
    (options,) = fake_allocation
    assert {key: options[key] for key in ("region", "year", "places", "out", "min_per_specialty",
                                          "max_per_specialty")} == {
        "region": "61", "year": "2026", "places": "500", "out": str(out), "min_per_specialty": "5",
        "max_per_specialty": "120"}
    assert "allocated" in capsys.readouterr().out


@pytest.mark.django_db
def test_allocate_requires_its_arguments(fake_allocation, capsys):
    assert _exit_code(["labour", "allocate", "--region", "61", "--places", "10", "--out", "x.xlsx"]) == 2
    assert "--year" in capsys.readouterr().err and not fake_allocation


@pytest.mark.django_db
@pytest.mark.parametrize(("extra", "argument"), [
    (["--region", "99", "--year", "2026", "--places", "10"], "--region"),
    (["--region", "61", "--year", "2026", "--places", "0"], "--places"),
    (["--region", "61", "--year", "2026", "--places", "ten"], "--places"),
])
def test_allocate_bad_arguments_exit_2_and_write_nothing(tmp_path, capsys, extra, argument):
    pytest.importorskip("smarttvet.labour.allocation_cli")
    out = tmp_path / "x.xlsx"
    assert _exit_code(["labour", "allocate", *extra, "--out", str(out)]) == 2
    assert argument in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_the_gap_columns_are_the_documented_ones():
    assert gap.GAP_TABLE_COLUMNS == GAP_COLUMNS

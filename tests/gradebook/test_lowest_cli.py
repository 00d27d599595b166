"""``smarttvet gradebook lowest``: CSV and table output, --out, the summary, the saved list, and every bad
argument exiting with code 2, naming the argument, with nothing saved or written."""

from __future__ import annotations

import csv
import io
import sys
import types
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smarttvet.accounts.models import AuditEntry
from smarttvet.cli import main as smarttvet_main
from smarttvet.gradebook.models import LearningMeasure, MonitoringList
from tests.gradebook.test_monitoring import _plans_ready, _support_plan, schools

pytestmark = pytest.mark.django_db

REQUIRED = ["organization", "region", "raw_measure", "adjusted_measure", "interval_low", "interval_high", "rank"]


@pytest.fixture(autouse=True)
def _analysed(monkeypatch, settings, tmp_path):
    """``services.ensure_analysed`` as its contract says: the stored measures of the year, or ValueError."""
    settings.GRADEBOOK_STORE = tmp_path / "store"

    def ensure_analysed(year: int) -> int:
        stored = LearningMeasure.objects.filter(year=year, level=LearningMeasure.Level.ORGANIZATION).count()
        if not stored:
            raise ValueError(f"no gradebook data for school year {year}")
        return stored

    try:
        from smarttvet.gradebook import services
    except ImportError:  # not written yet
        services = types.ModuleType("smarttvet.gradebook.services")
        monkeypatch.setitem(sys.modules, "smarttvet.gradebook.services", services)
        import smarttvet.gradebook as package

        monkeypatch.setattr(package, "services", services, raising=False)
    monkeypatch.setattr(services, "ensure_analysed", ensure_analysed, raising=False)


@pytest.fixture
def two_regions(world):
    return schools(world.turkistan, ordinary=5), schools(world.almaty, ordinary=5)


def _exit_code(argv) -> int:
    """Run the console script in-process, keeping the test's database connection open (PostgreSQL)."""
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            smarttvet_main(argv)
        except SystemExit as stop:
            return stop.code if isinstance(stop.code, int) else 1
    return 0


def _saved_nothing() -> bool:
    return not MonitoringList.objects.exists() and not AuditEntry.objects.filter(
        target_type="gradebook.monitoringlist").exists()


def test_csv_on_standard_output_with_the_summary_on_standard_error(two_regions, capsys):
    assert _exit_code(["gradebook", "lowest", "--year", "2025", "--n", "5", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    header = captured.out.splitlines()[0].split(",")
    assert header[:7] == REQUIRED
    assert {"name", "kind", "students", "naive_rank", "weakest_subjects", "trend"} <= set(header)
    assert len(rows) == 5 and [r["rank"] for r in rows] == ["1", "2", "3", "4", "5"]
    weak_bins = {s.weak.bin for s in two_regions}
    assert {r["organization"] for r in rows[:2]} == weak_bins
    assert {r["region"] for r in rows} <= {"61", "75"}
    for r in rows:
        assert float(r["interval_low"]) < float(r["adjusted_measure"]) < float(r["interval_high"])
        assert 0 < float(r["raw_measure"]) < 1 and r["kind"] == "school" and int(r["students"]) > 0
    saved = MonitoringList.objects.get()
    assert (saved.year, saved.region, saved.kind, saved.size, saved.candidates) == (2025, None, "", 5, 14)
    assert [e.organization.bin for e in saved.entries.order_by("rank")] == [r["organization"] for r in rows]
    assert "Candidates: 14" in captured.err and "Flagged: 5" in captured.err
    assert f"{saved.naive_differences} of the 5 flagged would not be flagged" in captured.err
    assert "Saved as the monitoring list of 2025" in captured.err
    assert "Candidates" not in captured.out


def test_table_on_standard_output(two_regions, capsys):
    assert _exit_code(["gradebook", "lowest", "--year", "2025", "--n", "3"]) == 0
    out = capsys.readouterr().out
    assert "Lowest performers 2025" in out and "Adjusted" in out and "90% interval" in out
    for s in two_regions:
        assert s.weak.bin in out
    assert "Candidates: 14" in out and "Saved as the monitoring list of 2025" in out
    assert MonitoringList.objects.get().size == 3


def test_out_writes_the_file_and_the_region_and_kind_scope_the_list(world, two_regions, tmp_path, capsys):
    out = tmp_path / "lowest.csv"
    argv = ["gradebook", "lowest", "--year", "2025", "--n", "4", "--region", "61", "--kind", "school",
            "--format", "csv", "--out", str(out)]
    assert _exit_code(argv) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert len(rows) == 4 and {r["region"] for r in rows} == {"61"}
    assert rows[0]["organization"] == two_regions[0].weak.bin
    printed = capsys.readouterr()
    assert "organization,region" not in printed.out and f"Written to {out}" in printed.out
    assert "Candidates: 7" in printed.out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    saved = MonitoringList.objects.get()
    assert (saved.region, saved.kind, saved.size) == (world.turkistan, "school", 4)
    # The region's full KATO code names the same list, which is replaced; a table goes to the file too.
    table = tmp_path / "lowest.txt"
    assert _exit_code([*argv[:4], "--region", "610000000", "--kind", "school", "--n", "2", "--out", str(table)]) == 0
    assert MonitoringList.objects.get().size == 2
    assert "Lowest performers 2025" in table.read_text(encoding="utf-8")
    assert "replaced the previous list" in capsys.readouterr().out


def test_call_command_works_too(two_regions, capsys):
    call_command("gradebook", "lowest", "--year", "2025", "--n", "2", "--format", "csv", "--kind", "school")
    assert len(list(csv.DictReader(io.StringIO(capsys.readouterr().out)))) == 2
    with pytest.raises(CommandError) as error:
        call_command("gradebook", "lowest", "--year", "2025", "--n", "zero")
    assert error.value.returncode == 2 and "--n" in str(error.value)


BAD = [
    (["--year", "20x5"], "--year"), (["--year", "1990"], "--year"), (["--year", "3000"], "--year"),
    (["--year", "2025", "--n", "0"], "--n"), (["--year", "2025", "--n", "-3"], "--n"),
    (["--year", "2025", "--n", "many"], "--n"), (["--year", "2025", "--n", "2.5"], "--n"),
    (["--year", "2025", "--region", "99"], "--region"), (["--year", "2025", "--region", "6"], "--region"),
    (["--year", "2025", "--region", "Turkistan"], "--region"),
    (["--year", "2025", "--region", "611010000"], "--region"),
    (["--year", "2025", "--kind", "university"], "--kind"), (["--year", "2025", "--format", "xml"], "--format"),
    (["--year", "2025", "--out", "{tmp}/missing/lowest.csv"], "--out"),
    (["--year", "2025", "--out", "{tmp}"], "--out"),
    (["--year", "2024"], "--year"),  # no gradebook data for that year
    (["--year", "2025", "--kind", "college"], "--kind"),  # no college has measures
    (["--n", "5"], "--year"),  # missing
]


@pytest.mark.parametrize(("argv", "argument"), BAD)
def test_bad_arguments_exit_2_naming_the_argument_and_nothing_is_saved(two_regions, tmp_path, capsys, argv,
                                                                        argument):
    out = tmp_path / "result.csv"
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(out)]
    assert _exit_code(["gradebook", "lowest", *argv]) == 2
    error = capsys.readouterr().err
    assert argument in error
    if argv[:2] == ["--year", "2024"]:
        assert "no gradebook data for school year 2024" in error
    assert _saved_nothing()
    assert list(tmp_path.glob("*.csv")) == [] and list(tmp_path.glob(".*")) == []


def test_every_bad_argument_is_named_at_once(two_regions, capsys):
    argv = ["gradebook", "lowest", "--year", "x", "--n", "0", "--kind", "k", "--format", "f", "--region", "r"]
    assert _exit_code(argv) == 2
    error = capsys.readouterr().err
    assert all(name in error for name in ("--year", "--n", "--kind", "--format", "--region"))
    assert _saved_nothing()


def test_a_list_with_support_plans_needs_force(two_regions, tmp_path, capsys):
    plan_model = _plans_ready()
    argv = ["gradebook", "lowest", "--year", "2025", "--n", "3", "--format", "csv", "--region", "61"]
    assert _exit_code(argv) == 0
    entry = MonitoringList.objects.get().entries.get(rank=1)
    _support_plan(plan_model, entry, "support-cli")
    capsys.readouterr()
    out = tmp_path / "again.csv"
    assert _exit_code([*argv, "--out", str(out)]) == 1
    assert "--force" in capsys.readouterr().err and not out.exists()
    assert not list(tmp_path.glob(".again*"))
    assert _exit_code([*argv, "--n", "4", "--force"]) == 0
    assert MonitoringList.objects.get().size == 4

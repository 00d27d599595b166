"""``smarttvet rating compute`` (the pure engine on files) and ``smarttvet rating run`` (a stored run)."""

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

import smarttvet.rating
from smarttvet.cli import main as smarttvet_main
from smarttvet.rating.models import RatingResult, RatingRun

METHODOLOGIES = Path(smarttvet.rating.__file__).resolve().parent / "methodologies"
HDI = METHODOLOGIES / "hdi.yaml"
HEADER = ["unit", "life_expectancy", "expected_schooling", "mean_schooling", "gni_per_capita"]
ROWS = [["NOR", "83.2", "18.2", "13.0", "64660"], ["KAZ", "69.4", "15.8", "12.3", "23943"],
        ["TCD", "52.5", "8.0", "2.6", "1364"]]


def _data(tmp_path, rows=ROWS) -> Path:
    path = tmp_path / "countries.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _exit_code(argv) -> int:
    """Run the console script in-process. Django's run_from_argv closes every database connection when a
    command ends, which would end the test's transaction on PostgreSQL: keep the test's connection open."""
    from unittest import mock

    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            smarttvet_main(argv)
        except SystemExit as stop:
            return stop.code if isinstance(stop.code, int) else 1
    return 0


def test_compute_writes_the_results(tmp_path, capsys):
    out = tmp_path / "result.csv"
    code = _exit_code(["rating", "compute", "--methodology", str(HDI), "--data", str(_data(tmp_path)),
                       "--out", str(out), "--uncertainty", "50", "--seed", "3", "--explain", "KAZ"])
    assert code == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["unit"] for r in rows] == ["NOR", "KAZ", "TCD"]
    assert [r["rank"] for r in rows] == ["1", "2", "3"] and rows[2]["league"] == "low"
    assert round(float(rows[1]["score"]), 3) == 0.811  # UNDP, HDR 2021/22: Kazakhstan 0.811
    assert {"rank_p05", "rank_p95", "p_very_high"} <= set(rows[0])
    assert "KAZ" in capsys.readouterr().out


def test_compute_through_call_command(tmp_path):
    out = tmp_path / "result.csv"
    call_command("rating", "compute", "--methodology", str(HDI), "--data", str(_data(tmp_path)), "--out", str(out))
    assert out.exists()


@pytest.mark.parametrize("problem", ["bad_value", "missing_column", "bad_methodology", "unknown_option"])
def test_compute_bad_input_exits_2_and_writes_nothing(tmp_path, capsys, problem):
    out = tmp_path / "result.csv"
    data = _data(tmp_path, [*ROWS, ["XXX", "many", "1", "1", "1"]] if problem == "bad_value" else ROWS)
    methodology = HDI
    argv = ["rating", "compute", "--methodology", str(methodology), "--data", str(data), "--out", str(out)]
    if problem == "missing_column":
        data.write_text("unit,life_expectancy\nNOR,80\n", encoding="utf-8")
    elif problem == "bad_methodology":
        broken = tmp_path / "broken.yaml"
        broken.write_text(HDI.read_text(encoding="utf-8").replace("max: 85", "max: 10"), encoding="utf-8")
        argv[3] = str(broken)
    elif problem == "unknown_option":
        argv.append("--colour")
    assert _exit_code(argv) == 2
    assert not out.exists() and not list(tmp_path.glob(".result.csv*"))
    error = capsys.readouterr().err
    assert error.strip()
    if problem == "bad_value":
        assert "row 5" in error and "life_expectancy" in error


def test_the_console_script_runs_compute(tmp_path):
    out = tmp_path / "result.csv"
    script = Path(sys.executable).with_name("smarttvet")
    env = {**os.environ, "SMARTTVET_DEBUG": "1", "SMARTTVET_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run([str(script), "rating", "compute", "--methodology", str(HDI), "--data",
                           str(_data(tmp_path)), "--out", str(out)], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr and out.exists()
    done = subprocess.run([str(script), "rating", "compute", "--methodology", str(tmp_path / "nope.yaml"),
                           "--data", str(_data(tmp_path)), "--out", str(tmp_path / "other.csv")], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "nope.yaml" in done.stderr and not (tmp_path / "other.csv").exists()


@pytest.mark.django_db
def test_run_stores_and_publishes(world, rating_setup, grow, capsys):
    grow(7)
    call_command("rating", "run", "--year", "2025", "--publish", "--uncertainty", "20", "--no-progress")
    run = RatingRun.objects.get()
    assert run.is_published and run.year == 2025 and run.uncertainty_draws == 20 and run.created_by is None
    assert run.created_by_label == "command line"
    out = capsys.readouterr().out
    for code, n in run.league_counts.items():
        assert f"{code}" in out and str(n) in out
    # The same run again is not computed twice; --force computes a new one, the old stays as it was.
    call_command("rating", "run", "--year", "2025", "--publish", "--uncertainty", "20", "--no-progress")
    assert RatingRun.objects.count() == 1 and "already published" in capsys.readouterr().out
    call_command("rating", "run", "--year", "2025", "--publish", "--uncertainty", "20", "--force", "--no-progress")
    assert RatingRun.objects.filter(status="published").count() == 2
    call_command("rating", "run", "--year", "2025", "--no-progress")
    assert RatingRun.objects.filter(status="draft").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("argv", "argument"), [
    (["--year", "20x5"], "--year"), (["--year", "1990"], "--year"), (["--year", "2025", "--methodology", "x"],
                                                                       "--methodology"),
    (["--year", "2025", "--uncertainty", "-4"], "--uncertainty"), (["--year", "2025", "--seed", "s"], "--seed"),
])
def test_run_bad_arguments_exit_2_naming_the_argument(world, rating_setup, capsys, argv, argument):
    assert _exit_code(["rating", "run", *argv, "--no-progress"]) == 2
    assert argument in capsys.readouterr().err
    assert not RatingRun.objects.exists()


@pytest.mark.django_db
def test_run_without_year_is_a_usage_error(world, capsys):
    assert _exit_code(["rating", "run"]) == 2
    assert "--year" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.skipif(not (METHODOLOGIES / "tvet.yaml").exists(), reason="the TVET methodology is not there yet")
def test_run_on_the_small_demo_gives_all_four_leagues(db, capsys):
    pytest.importorskip("smarttvet.rating.indicators")
    call_command("demo", "--no-progress")
    call_command("rating", "run", "--year", "2025", "--publish", "--uncertainty", "50", "--no-progress")
    run = RatingRun.objects.get(status="published", year=2025)
    assert run.methodology.code == "tvet"
    assert all(run.league_counts[code] > 0 for code in ("leaders", "backbone", "social", "target"))
    assert RatingResult.objects.filter(run=run).count() == run.summary["n_units"]
    assert run.summary["n_rated"] >= 0.9 * run.summary["n_units"]
    from smarttvet.rating import selectors, services

    assert services.rating_run_recompute(run) == selectors.stored_result_rows(run)

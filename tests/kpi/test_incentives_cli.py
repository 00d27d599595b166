"""``smarttvet leadership incentives``: the XLSX read back (payments within the pool, each explained), and every
refused input (exit code 2, nothing written)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from smarttvet.kpi import services
from smarttvet.kpi.commands import run_incentives
from smarttvet.kpi.models import IncentiveScenario


def _options(out, **extra):
    options = {"year": "2025", "pool": "1000001", "out": str(out), "league_pools": None, "threshold": "0.3",
               "cap": None, "include_unsigned": False, "scenario": [], "save_as": None, "language": "en"}
    options.update(extra)
    return options


def _run(options):
    stdout, stderr = io.StringIO(), io.StringIO()
    run_incentives(options, stdout=stdout, stderr=stderr)
    return stdout.getvalue()


def _payments(path):
    sheet = load_workbook(path, read_only=True)["payments"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_writes_payments_within_the_pool_with_explanations(signed, tmp_path):
    out = tmp_path / "payments.xlsx"
    text = _run(_options(out))
    rows = _payments(out)
    assert len(rows) == 4
    total = sum(r["Payment, tenge"] for r in rows)
    assert total <= 1_000_001 and total == 1_000_001  # two eligible, no cap: all of the pool
    assert all(isinstance(r["Payment, tenge"], int) for r in rows)
    assert all(r["Explanation"] and r["Explanation"].startswith("Attainment") for r in rows)
    by_bin = {r["BIN"]: r for r in rows}
    lead, back = by_bin[signed.lead.bin], by_bin[signed.back.bin]
    assert lead["Payment, tenge"] > back["Payment, tenge"] > 0  # higher attainment, more
    assert by_bin[signed.b.bin]["Payment, tenge"] == 0 and "below the threshold" in by_bin[signed.b.bin]["Reason"]
    assert by_bin[signed.x.bin]["Reason"].startswith("no overall attainment")
    summary = dict(load_workbook(out, read_only=True)["summary"].iter_rows(values_only=True))
    assert summary["Paid in total, tenge"] == total and summary["Pool, tenge"] == 1_000_001
    assert "paid 1,000,001 of 1,000,001 tenge to 2 of 4" in text


def test_cap_league_pools_and_scenarios(signed, tmp_path):
    out = tmp_path / "leagues.xlsx"
    _run(_options(out, league_pools="1=600000,2=400001", cap="500000", save_as="leagues"))
    rows = {r["BIN"]: r for r in _payments(out)}
    # leaders: only the leader is eligible (college_x has no attainment), capped at 500 000 of its 600 000 pool
    assert rows[signed.lead.bin]["Payment, tenge"] == 500_000 and rows[signed.lead.bin]["Cap reached"] == "yes"
    assert rows[signed.back.bin]["Payment, tenge"] == 400_001  # alone in the backbone pool, under the cap
    assert sum(r["Payment, tenge"] for r in rows.values()) == 900_001 <= 1_000_001
    assert IncentiveScenario.objects.get(name="leagues").league_pools == {"leaders": 600_000, "backbone": 400_001}
    compared = tmp_path / "compare.xlsx"
    _run(_options(compared, scenario=["leagues"]))
    sheet = list(load_workbook(compared, read_only=True)["comparison"].iter_rows(values_only=True))
    assert sheet[0][-2:] == ("--", "leagues")
    assert sheet[-2][-2:] == (1_000_001, 900_001)  # totals row


def test_unsigned_scorecards_are_not_paid_unless_asked(computed, tmp_path):
    out = tmp_path / "p.xlsx"
    _run(_options(out))
    rows = _payments(out)
    assert sum(r["Payment, tenge"] for r in rows) == 0
    assert all(r["Reason"] == "the scorecard is not signed off yet" for r in rows)
    _run(_options(out, include_unsigned=True))
    assert sum(r["Payment, tenge"] for r in _payments(out)) == 1_000_001


@pytest.mark.parametrize(("changes", "message"), [
    ({"year": "2024"}, "--year: no KPI scorecards of 2024"),
    ({"year": "twenty"}, "--year: expected a year"),
    ({"pool": "-5"}, "--pool: must not be negative"),
    ({"pool": "1e6"}, "--pool: expected a whole number"),
    ({"league_pools": "1=600000"}, "--league-pools: the league pools sum to 600000, not to the pool 1000001"),
    ({"league_pools": "3=1000001"}, "--league-pools: league 3 does not exist"),
    ({"league_pools": "social=1000001"}, "--league-pools: unknown league 'social'"),
    ({"league_pools": "1:5"}, "--league-pools: write leagues as"),
    ({"league_pools": "1=-1,2=1000002"}, "--league-pools: must not be negative"),
    ({"threshold": "2"}, "--threshold: the threshold is an attainment from 0 to 1.2"),
    ({"cap": "-1"}, "--cap: must not be negative"),
    ({"scenario": ["nope"]}, "--scenario: no stored scenario 'nope' of 2025"),
    ({"save_as": "bad/name"}, "--save-as: a name of 1 to 100"),
    ({"language": "de"}, "--language: choose one of"),
])
def test_refused_inputs_write_nothing(signed, tmp_path, changes, message):
    out = tmp_path / "refused.xlsx"
    with pytest.raises(CommandError) as error:
        _run(_options(out, **changes))
    assert error.value.returncode == 2
    assert message in str(error.value)
    assert not out.exists() and not IncentiveScenario.objects.exists()


def test_unwritable_paths_are_refused(signed, tmp_path):
    for bad, message in ((tmp_path / "missing" / "p.xlsx", "does not exist"), (tmp_path, "is a directory"),
                         (tmp_path / "p.csv", "must end in .xlsx")):
        with pytest.raises(CommandError, match=message) as error:
            _run(_options(bad))
        assert error.value.returncode == 2
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        # as root every directory passes the access check: then /proc, where nothing can be created, shows that a
        # failed write is refused too
        target = locked / "p.xlsx" if not os.access(locked, os.W_OK) else Path("/proc/p.xlsx")
        with pytest.raises(CommandError, match="cannot be written") as error:
            _run(_options(target))
        assert error.value.returncode == 2
        assert not list(locked.iterdir()) and not target.exists()
    finally:
        os.chmod(locked, 0o700)


def test_through_the_leadership_command(signed, tmp_path):
    out = tmp_path / "cli.xlsx"
    stdout = io.StringIO()
    call_command("leadership", "incentives", "--year", "2025", "--pool", "1000001", "--out", str(out),
                 "--threshold", "0.3", "--language", "en", stdout=stdout)
    rows = _payments(out)
    assert sum(r["Payment, tenge"] for r in rows) <= 1_000_001
    assert all(r["Explanation"] for r in rows)
    with pytest.raises(CommandError) as error:
        call_command("leadership", "incentives", "--year", "2025", "--pool", "-1", "--out", str(tmp_path / "n.xlsx"))
    assert error.value.returncode == 2 and not (tmp_path / "n.xlsx").exists()


def test_kpi_command(kpi, tmp_path):
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="--year: no published rating run of 2024") as error:
        call_command("kpi", "scorecards", "--year", "2025", "--year", "2024", stdout=stdout)
    assert error.value.returncode == 2
    from smarttvet.kpi.models import Scorecard

    assert not Scorecard.objects.exists()
    call_command("kpi", "scorecards", "--year", "2025", stdout=stdout)
    assert "2025: 4 scorecards" in stdout.getvalue()
    with pytest.raises(CommandError, match="--organization: no organisation with BIN 000000000000"):
        call_command("kpi", "sign-off", "--year", "2025", "--organization", "000000000000")
    call_command("kpi", "sign-off", "--year", "2025", "--all", stdout=stdout)
    assert Scorecard.objects.filter(status="signed_off").count() == 4
    params = services.check_params(year=2025, pool=100, threshold=0.3)
    assert services.allocation_for(params).total == 100


def test_leagues_are_named_in_the_files_language(signed, tmp_path):
    """With the real methodology stored, the file says «Лидеры», not the code ``leaders`` (sheets and summary)."""
    from smarttvet.rating import services as rating_services

    version = signed.run.methodology
    version.yaml_text = rating_services.methodology_file("tvet").read_text(encoding="utf-8")
    version.save(update_fields=["yaml_text"])
    out = tmp_path / "ru.xlsx"
    _run(_options(out, language="ru", league_pools="1=600000,2=400001", save_as="leagues"))
    book = load_workbook(out, read_only=True)
    header, *rows = list(book["payments"].iter_rows(values_only=True))
    leagues = {row[header.index("Лига")] for row in rows}
    assert leagues == {"Лидеры", "Опорные"}
    summary = dict(book["summary"].iter_rows(values_only=True))
    assert summary["Фонд лиги Лидеры, тенге"] == 600_000
    compared = tmp_path / "compare.xlsx"
    _run(_options(compared, language="kk", scenario=["leagues"]))
    comparison = list(load_workbook(compared, read_only=True)["comparison"].iter_rows(values_only=True))
    assert {row[2] for row in comparison[1:-2]} == {"Көшбасшылар", "Тірек"}

"""``smarttvet leadership funnel``: the count at each stage, CSV, region filter; bad arguments exit with 2;
``incentives`` is wired to the kpi app."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.leadership.conftest import score_all

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("leadership", *args, stdout=out)
    return out.getvalue()


def test_funnel_prints_the_count_at_each_of_the_five_stages(pipeline):
    p = pipeline
    score_all(p.testing, p.almaty, [p.free, p.from_b], [80, 80])
    from smarttvet.leadership import services

    services.decide_stage(actor="test", stage=p.testing)
    text = run("funnel", "--cohort", "test-2025")
    lines = text.splitlines()
    assert lines[0] == "test-2025: Cohort test-2025 (2025)"
    assert run("funnel", "--cohort", "test-2025", "--language", "ru").startswith("test-2025: Набор test-2025")
    rows = {line.split()[1]: line.split() for line in lines[3:]}
    assert list(rows) == ["applications", "testing", "training", "internship", "final_assessment", "interview"]
    assert rows["applications"][2:5] == ["4", "3", "1"]
    assert rows["testing"][2:6] == ["3", "1", "0", "2"]
    assert rows["training"][2] == "1"


def test_funnel_csv_and_region(pipeline, tmp_path):
    text = run("funnel", "--cohort", "test-2025", "--format", "csv", "--region", "75")
    assert text.splitlines()[0] == "order,stage,entered,passed,dropped,pending,pass_rate"
    assert text.splitlines()[1] == "0,applications,1,1,0,0,100.0"
    out = tmp_path / "funnel.csv"
    assert "6 rows written" in run("funnel", "--cohort", "test-2025", "--format", "csv", "--out", str(out))
    assert out.read_text().count("\n") == 7


@pytest.mark.parametrize("args, message", [
    (["funnel", "--cohort", "nope"], "--cohort: no cohort with code 'nope'"),
    (["funnel", "--cohort", "test-2025", "--format", "xml"], "--format: choose one of table, csv"),
    (["funnel", "--cohort", "test-2025", "--region", "99"], "--region: no region"),
    (["funnel", "--cohort", "test-2025", "--region", "abc"], "--region"),
    (["funnel", "--cohort", "test-2025", "--out", "/no/such/dir/x.csv"], "--out"),
    (["funnel", "--cohort", "test-2025", "--language", "de"], "--language: choose one of kk, ru, en"),
])
def test_bad_arguments_exit_with_2(pipeline, args, message):
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2 and message in str(error.value)


def test_a_missing_cohort_argument_is_an_error(db):
    with pytest.raises(CommandError):
        run("funnel")


def test_incentives_is_wired_to_the_kpi_app(db, monkeypatch):
    import sys
    import types

    seen = {}
    fake = types.ModuleType("smarttvet.kpi.commands")
    fake.add_incentives_arguments = lambda parser: parser.add_argument("--year")
    fake.run_incentives = lambda options, stdout, stderr: seen.update(year=options["year"]) or stdout.write("ok")
    monkeypatch.setitem(sys.modules, "smarttvet.kpi.commands", fake)
    assert run("incentives", "--year", "2025") == "ok\n"
    assert seen == {"year": "2025"}

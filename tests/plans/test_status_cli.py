"""``smarttvet plans status`` and ``smarttvet plans breakdown``: CSV columns, values and the exit-2 cases."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from smarttvet.partnership.models import Infrastructure
from smarttvet.plans.models import Plan
from tests.plans import factories as pf
from tests.plans import measure_factories as mf

NOW = timezone.localdate().year
Y = NOW - 1
STATUS_COLUMNS = ["indicator_id", "goal", "objective", "indicator", "unit", "direction", "baseline_year", "baseline",
                  "final_year", "final_target", "year", "target", "expected", "actual", "status", "source", "measure",
                  "breakdown", "note"]


@pytest.fixture
def roadmap(world):
    """A national roadmap (computed IT hubs, a measure without a data source, an entered indicator, one without an
    objective), a regional roadmap and a college plan, over IT hubs in both regions."""
    r = world
    for org, year in ((r.college_a, Y - 3), (r.college_a, Y), (r.college_b, NOW), (r.college_other_region, Y)):
        mf.facility(org, "it_hub", year)
    plan = coded(pf.plan(level="national", start_year=Y, end_year=NOW + 1, title="National roadmap"),
                 "national-roadmap-test")
    objective = pf.objective(pf.goal(plan, "Modern infrastructure"), "IT hubs in colleges")
    hubs = pf.indicator(plan, objective, source="computed", measure="infrastructure.it_hubs", baseline_year=Y - 1,
                        baseline_value=1, targets={Y: 2, NOW: 4, NOW + 1: 5}, title="IT hubs", unit_en="hubs")
    certified = pf.indicator(plan, objective, source="computed", measure="teachers.new_format_certified",
                             baseline_year=Y - 1, baseline_value=0, targets={NOW + 1: 10_000},
                             title="Certified teachers")
    entered = pf.indicator(plan, objective, targets={NOW: 100}, actuals={Y: 40, NOW: 60}, title="Managers trained")
    loose = pf.indicator(plan, None, targets={NOW: 1}, title="Loose indicator", baseline_year=None,
                         baseline_value=None)
    regional = coded(pf.plan(level="regional", region=r.turkistan), "turkistan-roadmap-test")
    regional_hubs = pf.indicator(regional, None, source="computed", measure="infrastructure.it_hubs",
                                 baseline_year=Y - 1, baseline_value=1, targets={NOW: 3})
    college = coded(pf.plan(organization=r.college_a), "college-plan-test")
    college_hubs = pf.indicator(college, None, source="computed", measure="infrastructure.it_hubs",
                                baseline_year=Y - 1, baseline_value=1, targets={NOW: 2})
    return dict(world=r, plan=plan, hubs=hubs, certified=certified, entered=entered, loose=loose,
                regional=regional, regional_hubs=regional_hubs, college=college, college_hubs=college_hubs)


def coded(plan, code: str):
    Plan.objects.filter(pk=plan.pk).update(code=code)
    plan.code = code
    return plan


def run(*args) -> str:
    out = io.StringIO()
    call_command("plans", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def rows_of(text: str) -> tuple[list[str], list[dict]]:
    reader = csv.DictReader(io.StringIO(text))
    return reader.fieldnames, list(reader)


def test_status_csv_lists_every_indicator_with_its_columns(roadmap):
    header, rows = rows_of(run("status", "national-roadmap-test", "--format", "csv"))
    assert header == STATUS_COLUMNS
    by_id = {int(row["indicator_id"]): row for row in rows}
    assert list(by_id) == [roadmap["hubs"].pk, roadmap["certified"].pk, roadmap["entered"].pk, roadmap["loose"].pk]
    hubs = by_id[roadmap["hubs"].pk]
    assert (hubs["goal"], hubs["objective"], hubs["indicator"], hubs["unit"]) == (
        "Modern infrastructure", "IT hubs in colleges", "IT hubs", "hubs")
    # the latest year with an actual is the current year: every IT hub of a college opened by then
    assert hubs["year"] == str(NOW)
    assert hubs["actual"] == str(Infrastructure.objects.filter(kind="it_hub", opened_year__lte=NOW).count()) == "4"
    assert (hubs["baseline_year"], hubs["baseline"], hubs["final_year"], hubs["final_target"], hubs["target"]) == (
        str(Y - 1), "1", str(NOW + 1), "5", "4")
    assert (hubs["status"], hubs["source"], hubs["measure"]) == ("on_track", "computed", "infrastructure.it_hubs")
    assert hubs["breakdown"] == (f"smarttvet plans breakdown national-roadmap-test {roadmap['hubs'].pk} "
                                 "--by region|organization")
    certified = by_id[roadmap["certified"].pk]
    assert (certified["source"], certified["actual"], certified["measure"]) == (
        "computed", "0", "teachers.new_format_certified")  # no verified certificate in the portfolios yet
    assert certified["note"] == ""
    entered = by_id[roadmap["entered"].pk]
    assert (entered["source"], entered["measure"], entered["year"], entered["actual"], entered["status"]) == (
        "entered", "", str(NOW), "60", "off_track")
    assert by_id[roadmap["loose"].pk]["goal"] == "" and by_id[roadmap["loose"].pk]["status"] == "no_data"


def test_status_in_a_given_year(roadmap):
    _header, rows = rows_of(run("status", "national-roadmap-test", "--format", "csv", "--year", Y))
    hubs = next(row for row in rows if row["indicator_id"] == str(roadmap["hubs"].pk))
    assert (hubs["year"], hubs["target"], hubs["actual"], hubs["status"]) == (str(Y), "2", "3", "on_track")
    entered = next(row for row in rows if row["indicator_id"] == str(roadmap["entered"].pk))
    assert (entered["year"], entered["actual"]) == (str(Y), "40")


def test_status_table_and_file(roadmap, tmp_path):
    text = run("status", "national-roadmap-test")
    assert "national-roadmap-test" in text and "IT hubs" in text and "on_track" in text
    out = tmp_path / "status.csv"
    message = run("status", "national-roadmap-test", "--format", "csv", "--out", out)
    assert "4 indicators written" in message
    assert rows_of(out.read_text(encoding="utf-8"))[0] == STATUS_COLUMNS
    _header, rows = rows_of(run("status", "turkistan-roadmap-test", "--format", "csv"))
    assert rows[0]["actual"] == "3" and rows[0]["breakdown"].endswith("--by organization")
    _header, rows = rows_of(run("status", "college-plan-test", "--format", "csv"))
    assert rows[0]["actual"] == "2" and rows[0]["breakdown"] == ""


def test_breakdown_by_region_and_organisation(roadmap):
    r = roadmap["world"]
    hubs = roadmap["hubs"].pk
    header, rows = rows_of(run("breakdown", "national-roadmap-test", hubs, "--format", "csv", "--year", NOW))
    assert header == ["id", "code", "name", "value", "share"]
    assert [(row["code"], row["value"], row["share"]) for row in rows] == [
        (r.turkistan.kato, "3", "75.0"), (r.almaty.kato, "1", "25.0")]
    _header, rows = rows_of(run("breakdown", "national-roadmap-test", hubs, "--by", "organization", "--format", "csv"))
    assert {row["code"]: row["value"] for row in rows} == {r.college_a.bin: "2", r.college_b.bin: "1",
                                                           r.college_other_region.bin: "1"}
    _header, rows = rows_of(run("breakdown", "turkistan-roadmap-test", roadmap["regional_hubs"].pk, "--format", "csv"))
    assert sum(int(row["value"]) for row in rows) == 3
    assert "by region" in run("breakdown", "national-roadmap-test", hubs, "--year", NOW)


@pytest.mark.parametrize(("args", "named"), [
    (["status", "no-such-plan"], "PLAN"),
    (["status", "national-roadmap-test", "--format", "xml"], "--format"),
    (["status", "national-roadmap-test", "--year", "last"], "--year"),
    (["status", "national-roadmap-test", "--year", "1999"], "--year"),
    (["status", "national-roadmap-test", "--language", "de"], "--language"),
    (["status", "national-roadmap-test", "--out", "/no/such/directory/status.csv"], "--out"),
    (["breakdown", "no-such-plan", "1"], "PLAN"),
    (["breakdown", "national-roadmap-test", "first"], "INDICATOR_ID"),
    (["breakdown", "national-roadmap-test", "--by", "district", "{hubs}"], "--by"),
    (["breakdown", "national-roadmap-test", "{regional_hubs}"], "INDICATOR_ID"),
    (["breakdown", "national-roadmap-test", "{entered}"], "INDICATOR_ID"),
    (["breakdown", "turkistan-roadmap-test", "{regional_hubs}", "--by", "region"], "--by"),
    (["breakdown", "college-plan-test", "{college_hubs}"], "--by"),
])
def test_bad_arguments_exit_2_naming_them(roadmap, args, named):
    ids = {key: value.pk for key, value in roadmap.items() if hasattr(value, "pk")}
    with pytest.raises(CommandError) as caught:
        run(*[a.format(**ids) for a in args])
    assert caught.value.returncode == 2
    assert named in str(caught.value)

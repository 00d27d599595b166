"""``smarttvet leadership screen|decide|build-reserve|rank|match``: what each writes or prints; bad input exits
with 2, names the argument and writes nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from smarttvet.leadership.models import ReserveEntry, StageResult
from tests import factories as f
from tests.leadership import factories as lf
from tests.leadership.conftest import score_all
from tests.leadership.test_committee import through_every_stage, writes

pytestmark = pytest.mark.django_db


def run(*args):
    out = io.StringIO()
    call_command("leadership", *args, stdout=out)
    return out.getvalue()


def test_screen(pipeline):
    late = lf.external(pipeline.cohort, pipeline.world.almaty)
    lf.external(pipeline.cohort, pipeline.world.almaty, experience_years=1)
    assert run("screen", "--cohort", "test-2025", "--as-of", "2025-03-01") == \
        "test-2025: 1 eligible, 1 not eligible\n"
    assert StageResult.objects.filter(application=late, stage=pipeline.testing).exists()


def test_decide(pipeline):
    p = pipeline
    score_all(p.testing, p.turkistan, [p.free, p.from_b], [80, 82])
    score_all(p.testing, p.almaty, [p.free, p.from_b], [40, 45])
    assert run("decide", "--cohort", "test-2025", "--stage", "testing") == "test-2025 testing: 1 passed, 1 dropped\n"
    assert StageResult.objects.get(stage=p.testing, application=p.almaty).outcome == "dropped"


def test_build_reserve_rank_and_match(pipeline, tmp_path):
    p = pipeline
    through_every_stage(p, p.turkistan, 80)
    through_every_stage(p, p.almaty, 90)
    text = run("rank", "--cohort", "test-2025", "--format", "csv")
    lines = text.splitlines()
    assert lines[0] == "place,candidate_id,candidate,region,total_score,reserve_status"
    assert lines[1] == f"1,{p.almaty.pk},{p.almaty.full_name},{p.almaty.region.kato},90.00,"
    assert lines[2].startswith(f"2,{p.turkistan.pk},")
    assert run("build-reserve", "--cohort", "test-2025", "--valid-from", "2025-12-15") == \
        "test-2025: 2 entered the reserve, valid 2025-12-15 to 2028-12-15\n"
    assert list(ReserveEntry.objects.order_by("rank").values_list("application_id", flat=True)) == [
        p.almaty.pk, p.turkistan.pk]
    table = run("rank", "--cohort", "test-2025")
    assert table.startswith("test-2025: 2 candidates passed every stage") and "active" in table
    college = f.organization(p.world.turkistan)
    text = run("match", "--organization", str(college.pk), "--on", "2026-01-01", "--format", "csv")
    rows = text.splitlines()
    assert rows[0].startswith("place,reserve_entry,candidate,region,fit,")
    assert rows[1].split(",")[2] == p.turkistan.full_name  # same region beats the better total elsewhere
    assert "works in the vacancy's region" in rows[1]
    assert run("match", "--organization", college.bin, "--on", "2029-01-01", "--format", "csv").count("\n") == 1
    text = run("match", "--organization", str(college.pk), "--on", "2026-01-01", "--language", "ru")
    assert "работает в регионе вакансии" in text
    out = tmp_path / "rank.csv"
    assert "2 rows written" in run("rank", "--cohort", "test-2025", "--format", "csv", "--out", str(out))
    assert out.read_text().count("\n") == 3


@pytest.mark.parametrize("args, message", [
    (["screen", "--cohort", "nope"], "--cohort: no cohort with code 'nope'"),
    (["screen", "--cohort", "test-2025", "--as-of", "March"], "--as-of: expected a date as YYYY-MM-DD"),
    (["screen", "--cohort", "test-2025"], "--cohort: No application of this cohort waits for screening."),
    (["decide", "--cohort", "test-2025", "--stage", "nope"], "--stage: the cohort test-2025 has no stage 'nope'"),
    (["decide", "--cohort", "test-2025", "--stage", "testing"], "--stage: No candidate of the stage"),
    (["decide", "--cohort", "nope", "--stage", "testing"], "--cohort: no cohort"),
    (["build-reserve", "--cohort", "test-2025"], "--cohort: No candidate who passed every stage"),
    (["build-reserve", "--cohort", "test-2025", "--valid-from", "2025-13-01"], "--valid-from: expected a date"),
    (["rank", "--cohort", "nope"], "--cohort: no cohort"),
    (["rank", "--cohort", "test-2025", "--format", "xml"], "--format: choose one of table, csv"),
    (["rank", "--cohort", "test-2025", "--out", "/no/such/dir/x.csv"], "--out"),
    (["match", "--organization", "abc"], "--organization: an organisation's id or 12-digit BIN"),
    (["match", "--organization", "999999"], "--organization: no organisation"),
    (["match", "--organization", "1", "--on", "soon"], "--on: expected a date"),
    (["match", "--organization", "1", "--limit", "0"], "--limit: must be 1 to 500"),
    (["match", "--organization", "1", "--language", "de"], "--language: choose one of kk, ru, en"),
])
def test_bad_input_exits_with_2_and_writes_nothing(pipeline, args, message):
    before = writes()
    with pytest.raises(CommandError) as error:
        run(*args)
    assert error.value.returncode == 2 and message in str(error.value)
    assert writes() == before


def test_seats_waiting_for_everyone_exit_with_2(world):
    cohort = lf.cohort("seats", training_seats=1)
    testing = cohort.stages.get(code="testing")
    a = lf.external(cohort, world.turkistan)
    lf.external(cohort, world.turkistan)
    run("screen", "--cohort", "seats", "--as-of", "2025-03-01")
    lf.open_stage(testing)
    score_all(testing, a, [lf.assessor("x"), lf.assessor("y")], [70, 70])
    before = writes()
    with pytest.raises(CommandError) as error:
        run("decide", "--cohort", "seats", "--stage", "testing")
    assert error.value.returncode == 2 and "1 candidates still wait" in str(error.value)
    assert writes() == before

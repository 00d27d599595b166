"""``smarttvet demo gradebook``: marks and attendance for the small demo's schools and colleges, and its refusals."""

from __future__ import annotations

import io
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.dataset as ds
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from smarttvet.accounts.models import AuditEntry
from smarttvet.cli import main as smarttvet_main
from smarttvet.demo import generator
from smarttvet.demo.generator import gradebook, latent
from smarttvet.demo.models import DemoDataset
from smarttvet.gradebook import contract, store
from smarttvet.gradebook.models import LearningMeasure
from smarttvet.registry.models import Organization

SEED = 7
YEARS = (2023, 2024, 2025)
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def small(django_db_setup, django_db_blocker):
    """The small demo dataset, generated once for this module and removed afterwards."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        generator.clear()
        generator.generate(scale="small", seed=SEED, progress=False)
        yield
        generator.clear()
        AuditEntry.objects.filter(target_type="demo.demodataset").delete()


@pytest.fixture
def gradebook_store(settings, tmp_path):
    settings.GRADEBOOK_STORE = tmp_path / "gradebook"
    settings.GRADEBOOK_BACKEND = "duckdb"
    return settings.GRADEBOOK_STORE


def run(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, "--no-progress", stdout=out)
    return out.getvalue()


def exit_code(argv) -> int:
    """Run the console script in-process. Django's run_from_argv closes every database connection when a
    command ends, which would end the test's transaction on PostgreSQL: keep the test's connection open."""
    with mock.patch("django.core.management.base.connections.close_all"):
        try:
            smarttvet_main(argv)
        except SystemExit as stop:
            return stop.code if isinstance(stop.code, int) else 1
    return 0


def demo_organizations():
    return Organization.objects.filter(kind__in=list(gradebook.KINDS))


def read(dataset: str) -> pa.Table:
    return ds.dataset(str(store.dataset_dir(dataset)), format="parquet", partitioning="hive").to_table()


def spearman(x, y) -> float:
    return float(np.corrcoef(np.argsort(np.argsort(x)), np.argsort(np.argsort(y)))[0, 1])


def sentinel() -> None:
    """A partition standing for a previous gradebook in the store."""
    folder = store.partition_dir("marks", 2020, "61")
    folder.mkdir(parents=True)
    (folder / "data.parquet").write_bytes(b"old")


# --- the happy path -------------------------------------------------------------------------------------------
def test_writes_partitions_for_the_demo_regions_and_years_and_analyses_them(small, gradebook_store):
    sentinel()
    out = run("gradebook", "--rows", "20000")
    orgs = demo_organizations()
    regions = {kato[:2] for kato in orgs.values_list("region__kato", flat=True)}
    for dataset in contract.DATASETS:
        assert {(y, r) for y, r, _ in store.partitions(dataset)} == {(y, r) for y in YEARS for r in regions}
        assert {f.name for f in store.dataset_dir(dataset).glob("year=*/region=*/*")} == {"data.parquet"}
    assert not store.partition_dir("marks", 2020, "61").exists()  # the store was cleared first
    marks = read("marks")
    attendance = read("attendance")
    assert abs(marks.num_rows - 20_000) / 20_000 < 0.15
    assert abs(attendance.num_rows - 4_000) / 4_000 < 0.25
    assert set(marks["organization"].to_pylist()) == set(orgs.values_list("bin", flat=True))
    assert f"{marks.num_rows:,} marks" in out and f"{attendance.num_rows:,} attendance rows" in out
    # colleges and higher colleges count as colleges: their summative marks are on the hundred-point scale
    colleges = set(orgs.exclude(kind="school").values_list("bin", flat=True))
    frame = marks.to_pandas()
    summative = frame[frame["kind"] == "summative"]
    assert set(summative.loc[summative["organization"].isin(colleges), "scale_max"]) == {100}
    assert set(summative.loc[~summative["organization"].isin(colleges), "scale_max"]) == {10}
    # the measures of every year were computed
    for year in YEARS:
        measured = LearningMeasure.objects.filter(year=year, level=LearningMeasure.Level.ORGANIZATION).count()
        assert measured == orgs.count()
        assert f"{year}: measures computed" in out


def test_marks_follow_the_demo_latent_quality(small, gradebook_store):
    run("gradebook", "--rows", "60000", "--years", "2025", "--seed", "3")
    assert [y for y, _, _ in store.partitions("marks")] == [2025] * len(list(store.partitions("marks")))
    frame = read("marks").to_pandas()
    share = (frame["mark"] / frame["scale_max"]).groupby(frame["organization"]).mean()
    demo_seed = DemoDataset.objects.get().seed
    quality = latent.organization_qualities(demo_seed, list(share.index), 2025)
    assert spearman(share.values, quality) > 0.6


def test_same_seed_same_marks(small, gradebook_store):
    run("gradebook", "--rows", "5000", "--years", "2025")
    first = read("marks").sort_by([("organization", "ascending"), ("student", "ascending"), ("date", "ascending"),
                                   ("subject", "ascending"), ("kind", "ascending")])
    run("gradebook", "--rows", "5000", "--years", "2025")
    again = read("marks").sort_by([("organization", "ascending"), ("student", "ascending"), ("date", "ascending"),
                                   ("subject", "ascending"), ("kind", "ascending")])
    assert first.equals(again)


# --- refusals -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["0", "-5", "abc", "1.5", ""])
def test_bad_rows_exit_2_naming_rows_and_write_nothing(small, gradebook_store, capsys, value):
    sentinel()
    assert exit_code(["demo", "gradebook", f"--rows={value}", "--no-progress"]) == 2
    assert "--rows" in capsys.readouterr().err
    assert [p.name for p in store.dataset_dir("marks").glob("year=*")] == ["year=2020"]  # untouched
    assert not store.dataset_dir("attendance").exists()
    assert not LearningMeasure.objects.exists()


@pytest.mark.parametrize("value", ["1999", "2031", "20x5", "2024,", "2024;2025"])
def test_bad_years_exit_2_naming_years(small, gradebook_store, capsys, value):
    assert exit_code(["demo", "gradebook", f"--years={value}", "--no-progress"]) == 2
    assert "--years" in capsys.readouterr().err
    assert not store.dataset_dir("marks").exists()


@pytest.mark.parametrize("argv, named", [
    (["demo", "--rows", "5"], "--rows"),
    (["demo", "--years", "2025"], "--years"),
    (["demo", "gradebook", "--scale", "national"], "--scale"),
    (["demo", "gradebook", "--seed", "x"], "--seed"),
])
def test_options_of_the_other_part_are_refused(small, gradebook_store, capsys, argv, named):
    assert exit_code([*argv, "--no-progress"]) == 2
    assert named in capsys.readouterr().err
    assert not store.dataset_dir("marks").exists()


def test_without_a_demo_dataset_exit_2(small, gradebook_store, capsys):
    DemoDataset.objects.all().delete()  # undone with the test's transaction
    sentinel()
    assert exit_code(["demo", "gradebook", "--rows", "1000", "--no-progress"]) == 2
    assert "no demo dataset" in capsys.readouterr().err
    assert (store.partition_dir("marks", 2020, "61") / "data.parquet").exists()
    with pytest.raises(CommandError) as raised:
        run("gradebook")
    assert raised.value.returncode == 2


def test_the_demo_command_without_part_still_works(small, gradebook_store):
    assert "already generated" in run("--scale", "small", "--seed", str(SEED))
    assert "already generated" in run("--seed", str(SEED))


def test_regenerating_the_demo_clears_the_gradebook_store(small, gradebook_store):
    run("gradebook", "--rows", "3000", "--years", "2025")
    assert store.has_data("marks") and store.has_data("attendance")
    generator.clear()  # what `smarttvet demo` does before generating (undone with the test's transaction)
    assert not store.has_data("marks") and not store.has_data("attendance")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the postgres gradebook backend needs PostgreSQL")
def test_postgres_backend_writes_the_database_tables(small, gradebook_store, settings):
    settings.GRADEBOOK_BACKEND = "postgres"
    run("gradebook", "--rows", "10000", "--years", "2024,2025")
    with connection.cursor() as cursor:
        cursor.execute("SELECT year, count(*) FROM gradebook_marks GROUP BY year ORDER BY year")
        counts = dict(cursor.fetchall())
    assert set(counts) == {2024, 2025} and abs(sum(counts.values()) - 10_000) / 10_000 < 0.15
    assert not store.has_data("marks")
    assert LearningMeasure.objects.filter(year=2025, level="organization").count() == demo_organizations().count()


def test_the_whole_chain_and_a_regeneration_after_it(small, gradebook_store, tmp_path):
    """demo gradebook -> lowest (CSV) -> support plans; the next year's measure is the plan's actual;
    regenerating the demo afterwards is not blocked by the lists and plans that point at its organisations."""
    from smarttvet.gradebook.models import MonitoringEntry, MonitoringList
    from smarttvet.plans.models import Plan

    run("gradebook", "--rows", "60000", "--seed", "3")
    out = tmp_path / "lowest.csv"
    with mock.patch("django.core.management.base.connections.close_all"):
        call_command("gradebook", "lowest", "--year", "2024", "--n", "10", "--format", "csv", "--out", str(out))
        call_command("gradebook", "support-plans", "--year", "2024", stdout=io.StringIO())
        call_command("gradebook", "support-plans", "--year", "2024", stdout=io.StringIO())  # adds nothing
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("organization,region,raw_measure,adjusted_measure,interval_low,interval_high,rank")
    assert len(lines) == 11
    flagged = MonitoringList.objects.get(year=2024, region=None, kind="")
    assert Plan.objects.filter(level="support").count() == 10 == flagged.entries.count()
    entry = MonitoringEntry.objects.filter(monitoring_list=flagged).select_related("organization").first()
    measured_2025 = LearningMeasure.objects.get(year=2025, level="organization", organization=entry.organization)
    from smarttvet.plans import measures as plan_measures

    owner = plan_measures.Owner(plan_measures.ORGANIZATION, entry.organization_id)
    actual = plan_measures.compute_many([("gradebook.composite", owner, 2025)])[("gradebook.composite", owner, 2025)]
    assert actual == pytest.approx(measured_2025.composite)
    assert entry.support_plan.indicators.filter(measure="gradebook.composite").exists()
    assert measured_2025.composite is not None
    generator.clear()  # would raise ProtectedError if lists or plans still held the organisations
    assert not Plan.objects.filter(level="support").exists() and not LearningMeasure.objects.exists()
    generator.generate(scale="small", seed=SEED, progress=False)

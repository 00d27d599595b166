"""The synthetic gradebook generator (pure): the contract, keys, scales, dates, determinism, budget, realism."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from smarttvet.gradebook import contract, synthetic

YEARS = (2024, 2025)
ROWS = 150_000
SUBJECTS_CSV = Path(synthetic.__file__).resolve().parent / "data" / "subjects.csv"  # what the pages read


def spearman(x, y) -> float:
    return float(np.corrcoef(np.argsort(np.argsort(x)), np.argsort(np.argsort(y)))[0, 1])


@pytest.fixture(scope="module")
def orgs() -> synthetic.Organizations:
    return synthetic.sample_organizations(11, schools=150, colleges=30, years=YEARS)


@pytest.fixture(scope="module")
def plan(orgs) -> synthetic.Synthetic:
    return synthetic.Synthetic(orgs, rows=ROWS, years=YEARS, seed=5)


@pytest.fixture(scope="module")
def parts(plan) -> list[synthetic.Partition]:
    return list(plan.partitions())


def frame(parts, dataset: str) -> pd.DataFrame:
    tables = []
    for p in parts:
        if p.dataset == dataset:
            t = p.table
            t = t.append_column("year", pa.array([p.year] * t.num_rows, pa.int16()))
            tables.append(t.append_column("region", pa.array([p.region] * t.num_rows, pa.string())))
    return pa.concat_tables(tables).to_pandas()


@pytest.fixture(scope="module")
def marks(parts) -> pd.DataFrame:
    return frame(parts, "marks")


@pytest.fixture(scope="module")
def attendance(parts) -> pd.DataFrame:
    return frame(parts, "attendance")


# --- the contract ---------------------------------------------------------------------------------------------
def test_every_partition_has_exactly_the_contract_schema(parts, orgs):
    assert {(p.dataset, p.year, p.region) for p in parts} == {
        (d, y, r) for d in contract.DATASETS for y in YEARS for r in set(orgs.regions.tolist())
    }
    for p in parts:
        expected = contract.schema(p.dataset, partitions=False)
        assert p.table.schema.equals(expected), (p.dataset, p.table.schema)
        assert all(not f.nullable for f in p.table.schema)
        assert p.table.num_rows > 0
        assert sum(column.null_count for column in p.table.columns) == 0


def test_no_duplicate_keys(marks, attendance):
    assert not marks.duplicated(list(contract.KEYS["marks"])).any()
    assert not attendance.duplicated(list(contract.KEYS["attendance"])).any()


def test_marks_are_within_their_scale_and_kinds_use_the_right_scale(marks, orgs):
    assert set(marks["kind"]) == set(contract.KINDS)
    assert marks["mark"].min() >= 0 and (marks["mark"] <= marks["scale_max"]).all()
    assert set(marks["scale_max"]) <= set(contract.SCALES)
    kind_of = dict(zip(orgs.bins, orgs.kinds, strict=True))
    college = marks["organization"].map(kind_of) == "college"
    summative = marks["kind"] == "summative"
    assert (marks.loc[~summative, "scale_max"] == 5).all()
    assert (marks.loc[summative & college, "scale_max"] == 100).all()
    assert (marks.loc[summative & ~college, "scale_max"] == 10).all()
    # the five-point scale is used like a real gradebook: mostly 3-5, some 2s, good or excellent the largest share
    five = marks.loc[marks["kind"] == "current", "mark"].value_counts(normalize=True)
    assert 0.01 < five.get(2, 0) < 0.10 and five.get(1, 0) < 0.01
    assert 0.5 < five.get(4, 0) + five.get(5, 0) < 0.8


def test_dates_are_school_days_inside_the_school_year(marks, attendance):
    for df in (marks, attendance):
        for year, dates in df.groupby("year")["date"]:
            first, last = contract.year_bounds(int(year))
            assert dates.min() >= first and dates.max() <= last
            assert all(contract.school_year(d) == year for d in dates.unique())
            assert max(d.weekday() for d in dates.unique()) <= 4  # Monday to Friday
            assert dt.date(int(year), 1, 1) not in set(dates.unique())  # winter break


def test_term_and_year_marks_one_per_student_subject_and_term(marks):
    term = marks[marks["kind"] == "term"].copy()
    term["term"] = term["date"].map(contract.term)
    per = term.groupby(["organization", "student", "subject", "year"])["term"].agg(["count", "nunique"])
    assert (per["count"] == 4).all() and (per["nunique"] == 4).all()
    year = marks[marks["kind"] == "year"]
    assert not year.duplicated(["organization", "student", "subject", "year"]).any()
    assert len(year) == len(per)


def test_only_finished_terms_have_term_marks(orgs):
    as_of = dt.date(2026, 1, 20)  # terms 1 and 2 of 2025-2026 are over, term 3 has begun
    orgs = synthetic.Organizations.build(orgs.bins, orgs.regions, orgs.kinds, orgs.rural, {2026: orgs.quality[2025]})
    plan = synthetic.Synthetic(orgs, rows=40_000, years=[2026], seed=5, as_of=as_of)
    df = pa.concat_tables([p.table for p in plan.partitions(["marks"])]).to_pandas()
    assert df["date"].max() <= as_of
    assert set(df.loc[df["kind"] == "term", "date"].map(contract.term)) == {1, 2}
    assert set(df.loc[df["kind"] == "current", "date"].map(contract.term)) == {1, 2, 3}
    assert "year" not in set(df["kind"])
    assert abs(len(df) - 40_000) / 40_000 < 0.05


def test_attendance_rows_are_valid(attendance):
    assert attendance["lessons"].between(1, 20).all()
    assert (attendance["absent_excused"] >= 0).all() and (attendance["absent_unexcused"] >= 0).all()
    assert (attendance["absent_excused"] + attendance["absent_unexcused"] <= attendance["lessons"]).all()
    assert attendance["lessons"].between(4, 8).all()
    absent = (attendance["absent_excused"] + attendance["absent_unexcused"]).sum() / attendance["lessons"].sum()
    assert 0.02 < absent < 0.15


# --- identities -----------------------------------------------------------------------------------------------
def test_pseudonyms_groups_and_subjects(marks, attendance, orgs):
    students = set(marks["student"])
    assert all(re.fullmatch(r"S\d{13}", s) for s in students)
    assert set(attendance["student"]) <= students | set(attendance["student"])
    kind_of = dict(zip(orgs.bins, orgs.kinds, strict=True))
    groups = marks[["organization", "group"]].drop_duplicates()
    school = groups["organization"].map(kind_of) == "school"
    assert groups.loc[school, "group"].str.fullmatch(r"(1[01]|[1-9])[A-Z]").all()
    assert groups.loc[~school, "group"].str.fullmatch(r"[A-Z]{2}-\d{2}-\d{1,2}").all()
    with SUBJECTS_CSV.open(encoding="utf-8") as fh:
        names = {row["code"]: row for row in csv.DictReader(fh)}
    assert {s.code for s in synthetic.SUBJECTS} == set(names)
    assert all(row["name_kk"] and row["name_ru"] and row["name_en"] for row in names.values())
    assert set(marks["subject"]) <= set(names)


def test_a_cohort_keeps_its_students_from_one_year_to_the_next(marks):
    school = marks[marks["group"].str.fullmatch(r"\d{1,2}[A-Z]")]
    grade = school.assign(grade=school["group"].str[:-1].astype(int))
    by_year = {y: dict(zip(g["student"], g["grade"], strict=False)) for y, g in grade.groupby("year")}
    both = set(by_year[2024]) & set(by_year[2025])
    assert len(both) > 0.5 * len(by_year[2024])
    assert all(by_year[2025][s] == by_year[2024][s] + 1 for s in both)


def test_structure_many_small_rural_schools_and_a_few_large_ones(plan, orgs):
    rural_school = orgs.rural & (orgs.kinds == "school")
    assert rural_school.sum() > 0.5 * (orgs.kinds == "school").sum()
    assert plan.size[rural_school].min() >= 10 and plan.size[rural_school].max() <= 150
    urban_school = ~orgs.rural & (orgs.kinds == "school")
    assert plan.size[urban_school].max() <= 2500 and (plan.size[urban_school] >= 1000).any()
    assert np.median(plan.size[urban_school]) < 1000
    assert np.median(plan.size[orgs.kinds == "college"]) > 200


# --- determinism, budget, latent effects ----------------------------------------------------------------------
def test_deterministic_for_a_seed(orgs, parts):
    again = list(synthetic.Synthetic(orgs, rows=ROWS, years=YEARS, seed=5).partitions())
    assert len(again) == len(parts)
    assert all(a.table.equals(b.table) for a, b in zip(again, parts, strict=True))
    other = list(synthetic.Synthetic(orgs, rows=ROWS, years=YEARS, seed=6).partitions(["marks"]))
    assert not other[0].table.equals(parts[0].table)


def test_row_count_is_close_to_the_budget(plan, marks, attendance):
    assert abs(len(marks) - ROWS) / ROWS < 0.03
    assert abs(plan.expected_rows("marks") - ROWS) / ROWS < 0.01
    assert abs(len(attendance) - 0.2 * ROWS) / (0.2 * ROWS) < 0.05


def test_a_tiny_budget_still_gives_every_organisation_a_student(orgs):
    plan = synthetic.Synthetic(orgs, rows=2_000, years=[2025], seed=1)
    df = pa.concat_tables([p.table for p in plan.partitions(["marks"])]).to_pandas()
    assert df["organization"].nunique() == orgs.n
    assert len(df) < 10 * 2_000


def test_weaker_latent_gives_lower_marks_and_more_unexcused_absences(plan, marks, attendance, orgs):
    marks = marks.assign(share=marks["mark"] / marks["scale_max"])
    by_org = marks[marks["year"] == 2025].groupby("organization")["share"].mean()
    effect = pd.Series(plan.effect(2025), index=orgs.bins)
    assert spearman(by_org.values, effect[by_org.index].values) > 0.5
    weak = effect[by_org.index] < effect.median()
    assert by_org[weak.values].mean() < by_org[~weak.values].mean() - 0.05
    att = attendance[attendance["year"] == 2025].groupby("organization")[["absent_unexcused", "lessons"]].sum()
    unexcused = att["absent_unexcused"] / att["lessons"]
    assert spearman(unexcused.values, effect[unexcused.index].values) < -0.2


def test_the_same_organisations_with_lower_quality_get_lower_marks(orgs):
    def mean_share(shift: float) -> float:
        quality = {y: q + shift for y, q in orgs.quality.items()}
        shifted = synthetic.Organizations.build(orgs.bins, orgs.regions, orgs.kinds, orgs.rural, quality)
        plan = synthetic.Synthetic(shifted, rows=30_000, years=[2025], seed=2)
        t = pa.concat_tables([p.table for p in plan.partitions(["marks"])])
        return float(np.mean(t["mark"].to_numpy() / t["scale_max"].to_numpy()))

    assert mean_share(-1.0) < mean_share(0.0) - 0.03 < mean_share(1.0) - 0.06


def test_true_effects_table(plan, orgs):
    effects = plan.effects_table().to_pandas()
    assert len(effects) == orgs.n * len(YEARS)
    row = effects[(effects["year"] == 2025)].set_index("organization")
    np.testing.assert_allclose(row.loc[orgs.bins, "effect"].values, plan.effect(2025))
    expected = synthetic.ORG_SD * orgs.quality[2025] + synthetic.RURAL_SHIFT * orgs.rural
    np.testing.assert_allclose(plan.effect(2025), expected)


# --- inputs and writing ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, value", [("2000000", 2_000_000), ("2_000_000", 2_000_000), ("10M", 10_000_000),
                                         ("500k", 500_000), ("1.5M", 1_500_000), (7, 7)])
def test_parse_count(text, value):
    assert synthetic.parse_count(text) == value


@pytest.mark.parametrize("text", ["0", "-5", "abc", "", "1.5", "2e6", True])
def test_parse_count_rejects(text):
    with pytest.raises(ValueError):
        synthetic.parse_count(text)


@pytest.mark.parametrize("change, message", [
    ({"kinds": ["school", "university"]}, "unknown kind"),
    ({"regions": ["61", "7"]}, "2-digit"),
    ({"bins": ["1", "1"]}, "repeat"),
    ({"rural": [True]}, "entries"),
])
def test_organizations_are_checked(change, message):
    args = {"bins": ["1", "2"], "regions": ["61", "75"], "kinds": ["school", "college"], "rural": [True, False],
            "quality": {2025: [0.0, 0.0]}}
    args.update(change)
    with pytest.raises(ValueError, match=message):
        synthetic.Organizations.build(**args)


def test_bad_plans_are_refused(orgs):
    with pytest.raises(ValueError, match="no latent quality"):
        synthetic.Synthetic(orgs, rows=100, years=[2023], seed=1)
    with pytest.raises(ValueError, match="rows"):
        synthetic.Synthetic(orgs, rows=0, years=[2025], seed=1)
    with pytest.raises(ValueError, match="has not started"):
        synthetic.Synthetic(orgs, rows=100, years=[2025], seed=1, as_of=dt.date(2024, 5, 1))


def test_write_folder_uses_the_store_layout_sorted_by_organisation_then_student(tmp_path, orgs):
    plan = synthetic.Synthetic(orgs, rows=20_000, years=[2025], seed=3)
    counts = synthetic.write_folder(tmp_path, plan)
    files = sorted(tmp_path.glob("*/year=*/region=*/*.parquet"))
    assert {f.name for f in files} == {"data.parquet"}
    assert len(files) == 2 * len(set(orgs.regions.tolist()))
    total = 0
    for f in files:
        dataset = f.parts[-4]
        table = pq.ParquetFile(f).read()
        assert table.schema.equals(contract.schema(dataset, partitions=False))
        keys = list(zip(table["organization"].to_pylist(), table["student"].to_pylist(), strict=True))
        assert keys == sorted(keys)
        total += table.num_rows if dataset == "marks" else 0
    assert total == counts["marks"]

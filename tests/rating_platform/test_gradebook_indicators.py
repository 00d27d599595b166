"""Learning quality from the gradebook in the TVET rating: methodology version 2026.1.

* ``knowledge_quality`` is derived from the stored ``gradebook.LearningMeasure`` rows (organisation level,
  school year Y) with one shared query; NaN below the minimum of students or without a row; schools,
  other years and other levels are ignored;
* ``tvet.yaml`` 2026.1 differs from 2025.1 (frozen in ``data/tvet-2025.1.yaml``, byte for byte the file that
  was packaged) only by that indicator and the weights inside the learning quality pillar;
* without any gradebook data the coverage rule rates exactly the organisations 2025.1 rated;
* a run with the packaged methodology stores version 2026.1 beside 2025.1, and a published 2025.1 run still
  recomputes bit for bit from its stored YAML and snapshot.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from smarttvet.rating import indicators
from smarttvet.rating.engine import Dataset, compute, load_methodology, methodology_hash
from smarttvet.rating.indicators import INDICATORS, MIN_STUDENTS, SourceData, derive, indicator_table

YEAR = 2025
TVET_YAML = Path(indicators.__file__).resolve().parent / "methodologies" / "tvet.yaml"
TVET_2025_1 = Path(__file__).resolve().parent / "data" / "tvet-2025.1.yaml"


def measure(org, *, year=YEAR, students=40, quality=0.625, success=0.95, level="organization", key="",
            organization=True):
    """A stored gradebook measure row of ``org`` (as ``smarttvet gradebook analyse`` writes them)."""
    from smarttvet.gradebook.models import LearningMeasure

    return LearningMeasure.objects.create(
        year=year, level=level, region=org.region, organization=org if organization else None, key=key,
        students=students, marks=students * 120, mean_mark=0.7, knowledge_quality=quality, success_rate=success,
        lessons=students * 600, attendance_rate=0.93, unexcused_rate=0.02, term_students=students,
        failing_students=1, composite=0.75, composite_sd=0.1,
    )


def kq(org) -> float:
    return float(derive("knowledge_quality", YEAR).loc[org.pk])


# --- the derivation ------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_knowledge_quality_is_100_times_the_stored_share(world):
    a, b = world.college_a, world.college_b
    measure(a, quality=0.625)
    measure(b, quality=0.3125, students=MIN_STUDENTS)  # exactly the minimum: counted
    assert kq(a) == 62.5
    assert kq(b) == 31.25
    # the function and the table agree, and the new column sits where the methodology puts it
    table = indicator_table(YEAR)
    assert table.loc[a.pk, "knowledge_quality"] == 62.5
    assert list(table.columns).index("knowledge_quality") == list(table.columns).index("qualification_pass_rate") + 1


@pytest.mark.django_db
def test_knowledge_quality_is_missing_below_the_minimum_or_without_a_row(world):
    a, b, x = world.college_a, world.college_b, world.college_other_region
    measure(a, students=MIN_STUDENTS - 1, quality=0.9)
    measure(b, quality=None, success=None)                     # measured, but no mark to rate
    measure(x, year=YEAR - 1)                                  # another school year
    measure(x, year=YEAR + 1)
    measure(x, level="subject", key="PROF_KAZ", quality=0.5)   # a subject, not the organisation
    measure(x, level="term", key="2", quality=0.5)
    measure(x, level="region", organization=False, quality=0.5, students=5000)
    values = derive("knowledge_quality", YEAR)
    assert math.isnan(values.loc[a.pk])
    assert math.isnan(values.loc[b.pk])
    assert math.isnan(values.loc[x.pk])


@pytest.mark.django_db
def test_without_any_gradebook_data_the_indicator_is_missing_everywhere(world):
    values = derive("knowledge_quality", YEAR)
    assert len(values) == 3 and values.isna().all()


@pytest.mark.django_db
def test_schools_are_ignored(world):
    from tests import factories as f

    school = f.organization(world.turkistan, kind="school")
    measure(school, quality=0.8)
    measure(world.college_a, quality=0.5)
    data = SourceData(YEAR)
    assert school.pk not in data.gradebook.index
    assert school.pk not in derive("knowledge_quality", YEAR).index
    assert kq(world.college_a) == 50.0


@pytest.mark.django_db
def test_the_gradebook_is_one_shared_query_that_also_loads_the_success_rate(world):
    measure(world.college_a, quality=0.6, success=0.97)
    measure(world.college_b, quality=0.7, success=0.99)
    data = SourceData(YEAR)
    data.organizations  # noqa: B018 - load the organisations first
    with CaptureQueriesContext(connection) as captured:
        frame = data.gradebook
        INDICATORS["knowledge_quality"](data)
        INDICATORS["knowledge_quality"](data)
    assert len(captured.captured_queries) == 1
    assert list(frame.columns) == ["students", "knowledge_quality", "success_rate"]
    assert frame.loc[world.college_b.pk, "success_rate"] == 0.99
    assert math.isnan(frame.loc[world.college_other_region.pk, "students"])
    # the success rate is deliberately not an indicator (see tvet.yaml's header)
    assert "success_rate" not in INDICATORS


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_measured_organisations(world):
    from tests import factories as f

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            indicator_table(YEAR)
        return len(captured.captured_queries)

    none = queries()
    for i in range(3):
        measure(f.organization(world.almaty), quality=0.5 + i / 100)
    few = queries()
    for i in range(25):
        org = f.organization(world.turkistan)
        measure(org, quality=0.4 + i / 100)
        measure(org, level="subject", key="MATH")
    many = queries()
    assert none == few == many
    assert many == len([name for name, value in vars(SourceData).items() if hasattr(value, "func")])


# --- the methodology -----------------------------------------------------------------------------------------------
def _members(node) -> dict[str, float]:
    return {m.code: m.weight for m in node.members}


def test_version_2026_1_adds_knowledge_quality_to_learning_quality_and_nothing_else():
    new, old = load_methodology(TVET_YAML), load_methodology(TVET_2025_1)
    assert (old.version, new.version) == ("2025.1", "2026.1")
    assert methodology_hash(old) != methodology_hash(new)
    assert len(old.indicators) == 27 and len(new.indicators) == 28
    assert set(new.indicator_codes) - set(old.indicator_codes) == {"knowledge_quality"}
    for item in old.indicators:  # every 2025.1 indicator is unchanged
        assert new.indicator(item.code) == item, item.code
    added = new.indicator("knowledge_quality")
    assert added.direction == "positive" and added.missing == "reweight" and added.unit == "% of marks"
    assert (added.normalisation.method, added.normalisation.min, added.normalisation.max) == ("goalposts", 20, 80)
    assert len({added.names.kk, added.names.ru, added.names.en}) == 3
    # pillar weights, leagues, coverage and the other pillars stay
    assert _members(new.index) == _members(old.index)
    assert new.leagues == old.leagues and new.minimum_coverage == old.minimum_coverage == 0.75
    groups_old = {g.code: g for g in old.groups}
    for group in new.groups:
        if group.code != "learning_quality":
            assert group == groups_old[group.code], group.code
    learning = next(g for g in new.groups if g.code == "learning_quality")
    assert _members(learning) == {"qualification_pass_rate": 45, "knowledge_quality": 25,
                                  "qualification_coverage": 10, "dropout_rate": 20}
    assert _members(groups_old["learning_quality"]) == {"qualification_pass_rate": 60, "qualification_coverage": 15,
                                                        "dropout_rate": 25}


def _table(missing_per_unit: list[int], *, gradebook: bool, seed: int = 3) -> tuple[list[str], np.ndarray]:
    """Units 0..n-1 with ``missing_per_unit[i]`` of the 27 indicators of 2025.1 missing (reweighted ones),
    plausible values otherwise; ``knowledge_quality`` present or all NaN."""
    methodology = load_methodology(TVET_YAML)
    codes = list(methodology.indicator_codes)
    rng = np.random.default_rng(seed)
    values = np.empty((len(missing_per_unit), len(codes)))
    for j, code in enumerate(codes):
        spec = methodology.indicator(code).normalisation
        low, high = (spec.min, spec.max) if spec.method == "goalposts" else (spec.target, spec.floor)
        values[:, j] = rng.uniform(low, high, size=len(missing_per_unit))
    reweighted = [j for j, code in enumerate(codes)
                  if methodology.indicator(code).missing == "reweight" and code != "knowledge_quality"]
    for i, k in enumerate(missing_per_unit):
        values[i, rng.choice(reweighted, size=k, replace=False)] = np.nan
    if not gradebook:
        values[:, codes.index("knowledge_quality")] = np.nan
    return codes, values


def _rated(path: Path, codes: list[str], values: np.ndarray) -> np.ndarray:
    methodology = load_methodology(path)
    frame = pd.DataFrame(values, columns=codes)[list(methodology.indicator_codes)]
    dataset = Dataset(tuple(f"u{i}" for i in range(len(frame))), methodology.indicator_codes, frame.to_numpy())
    return compute(methodology, dataset).rated


def test_without_gradebook_data_the_coverage_rule_rates_whom_2025_1_rated():
    missing = [k for k in range(10) for _ in range(3)]
    codes, values = _table(missing, gradebook=False)
    old, new = _rated(TVET_2025_1, codes, values), _rated(TVET_YAML, codes, values)
    assert list(old) == [k <= 6 for k in missing]     # 21 of 27 present
    assert list(new) == list(old)                      # 21 of 28 present, the gradebook one missing
    # with the gradebook, one more of the others may be missing (7 of 28)
    codes, values = _table(missing, gradebook=True)
    assert list(_rated(TVET_YAML, codes, values)) == [k <= 7 for k in missing]


def test_without_gradebook_data_learning_quality_is_rated_on_the_rest_of_the_pillar():
    codes, values = _table([0] * 12, gradebook=False)
    methodology = load_methodology(TVET_YAML)
    dataset = Dataset(tuple(f"u{i}" for i in range(12)), methodology.indicator_codes, values)
    result = compute(methodology, dataset)
    assert result.rated.all() and np.isfinite(result.scores).all()
    for unit in dataset.units:
        outcome = result.unit(unit)
        n = outcome.normalised
        assert n["knowledge_quality"] is None and not outcome.contributions["knowledge_quality"]
        expected = (45 * n["qualification_pass_rate"] + 10 * n["qualification_coverage"]
                    + 20 * n["dropout_rate"]) / 75 * 100
        assert outcome.groups["learning_quality"] == pytest.approx(expected)


# --- runs: a new version beside the old one ---------------------------------------------------------------------------
@pytest.fixture
def packaged(tmp_path, monkeypatch):
    """The services read ``tvet.yaml`` from a folder of the test's: the frozen 2025.1 at first."""
    from smarttvet.rating import services, snapshot

    directory = tmp_path / "methodologies"
    directory.mkdir()
    (directory / "tvet.yaml").write_bytes(TVET_2025_1.read_bytes())
    monkeypatch.setattr(services, "METHODOLOGY_DIR", directory)
    snapshot.clear_cache()
    services._explanations.clear()
    yield directory
    snapshot.clear_cache()
    services._explanations.clear()


@pytest.mark.django_db
def test_a_2026_1_run_stores_a_new_version_and_a_published_2025_1_run_recomputes_bit_for_bit(packaged):
    from smarttvet.rating import selectors, services
    from smarttvet.rating.models import MethodologyVersion, RatingInput, RatingRun
    from smarttvet.registry.models import Organization

    call_command("demo", "--scale", "small", "--seed", "7", "--no-progress", stdout=io.StringIO())
    actor = "test"
    old = services.rating_run_create(actor=actor, year=YEAR, uncertainty=20, seed=3)
    old = services.rating_run_publish(actor=actor, run=old)
    old_rows = selectors.stored_result_rows(old)
    assert old.methodology.version == "2025.1"
    assert old.methodology.yaml_text == TVET_2025_1.read_text(encoding="utf-8")
    assert all("knowledge_quality" not in values for values in RatingInput.objects.filter(run=old)
               .values_list("values", flat=True))

    # the gradebook of 2025 is analysed for most colleges, then the packaged 2026.1 is used
    colleges = list(Organization.objects.filter(kind__in=Organization.TVET_KINDS).order_by("pk"))
    for i, college in enumerate(colleges[:-5]):
        measure(college, quality=0.25 + 0.6 * ((i * 7) % 31) / 30, students=25 + i)
    (packaged / "tvet.yaml").write_bytes(TVET_YAML.read_bytes())
    new = services.rating_run_create(actor=actor, year=YEAR, uncertainty=20, seed=3)

    versions = dict(MethodologyVersion.objects.filter(code="tvet").values_list("version", "hash"))
    assert versions == {"2025.1": methodology_hash(load_methodology(TVET_2025_1)),
                        "2026.1": methodology_hash(load_methodology(TVET_YAML))}
    assert new.methodology.version == "2026.1" and new.methodology_id != old.methodology_id
    inputs = dict(RatingInput.objects.filter(run=new).values_list("organization_id", "values"))
    assert inputs[colleges[0].pk]["knowledge_quality"] == pytest.approx(25.0)
    assert inputs[colleges[-1].pk]["knowledge_quality"] is None
    assert new.summary["n_rated"] >= 0.9 * new.summary["n_units"]
    assert selectors.stored_result_rows(new) != old_rows  # the new indicator changes scores

    # the published 2025.1 run: unchanged, and recomputed from its own YAML and snapshot bit for bit
    old = RatingRun.objects.get(pk=old.pk)
    assert old.methodology.version == "2025.1" and selectors.stored_result_rows(old) == old_rows
    assert services.rating_run_recompute(old) == old_rows
    assert services.rating_run_recompute(new) == selectors.stored_result_rows(new)
    # the published 2025.1 run is no twin of a run with the packaged 2026.1 ...
    assert services.published_twin(year=YEAR, methodology_code="tvet", uncertainty=20, seed=3) is None
    # ... while 2025.1 used again reuses its stored version and gets the same inputs (the new column, now
    # derived for most colleges, is not among its indicators) and the same results
    (packaged / "tvet.yaml").write_bytes(TVET_2025_1.read_bytes())
    again = services.rating_run_create(actor=actor, year=YEAR, uncertainty=20, seed=3)
    assert again.methodology_id == old.methodology_id and again.inputs_hash == old.inputs_hash
    assert selectors.stored_result_rows(again) == old_rows

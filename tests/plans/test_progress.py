"""The status rules of ``plans.progress`` at their boundaries (pure functions, no database)."""

import pytest

from smarttvet.plans import progress as p


def assess(actual, *, year=2026, direction="increase", baseline=(2024, 0.0), targets=None):
    return p.assess(direction=direction, baseline_year=baseline[0], baseline_value=baseline[1],
                    targets=targets if targets is not None else {2028: 100.0}, actuals={year: actual}, year=year)


def test_expected_path_is_linear_from_the_baseline_through_each_target():
    points = p.path_points(2024, 0.0, {2026: 40.0, 2028: 100.0})
    assert points == [(2024, 0.0), (2026, 40.0), (2028, 100.0)]
    assert p.expected_value(points, 2023) == 0.0
    assert p.expected_value(points, 2025) == 20.0
    assert p.expected_value(points, 2026) == 40.0
    assert p.expected_value(points, 2027) == 70.0
    assert p.expected_value(points, 2030) == 100.0
    # a target at or before the baseline year is not part of the path
    assert p.path_points(2024, 5.0, {2024: 9.0, 2025: 10.0}) == [(2024, 5.0), (2025, 10.0)]
    # without a baseline the path starts at the first target
    assert p.path_points(None, None, {2025: 10.0, 2027: 30.0}) == [(2025, 10.0), (2027, 30.0)]


@pytest.mark.parametrize(("actual", "status"), [
    (100.0, p.ACHIEVED),      # exactly the final target
    (120.0, p.ACHIEVED),
    (99.999, p.ON_TRACK),     # above the path (50 in 2026), below the final target
    (50.0, p.ON_TRACK),       # exactly on the path
    (49.999, p.AT_RISK),      # just below the path
    (25.0, p.AT_RISK),        # short by exactly a quarter of the planned change (100)
    (24.999, p.OFF_TRACK),    # short by a bit more
    (-10.0, p.OFF_TRACK),
])
def test_status_boundaries_when_higher_is_better(actual, status):
    result = assess(actual)
    assert result.status == status
    assert result.expected == 50.0 and result.final_target == 100.0 and result.final_year == 2028


@pytest.mark.parametrize(("actual", "status"), [
    (10.0, p.ACHIEVED), (5.0, p.ACHIEVED), (10.001, p.ON_TRACK), (15.0, p.ON_TRACK), (15.001, p.AT_RISK),
    (17.5, p.AT_RISK), (17.501, p.OFF_TRACK),
])
def test_status_boundaries_when_lower_is_better(actual, status):
    # dropout from 20% (2024) to 10% (2026): the path expects 15% in 2025; a quarter of the change is 2.5
    result = assess(actual, year=2025, direction="decrease", baseline=(2024, 20.0), targets={2026: 10.0})
    assert result.status == status


def test_a_one_year_plan_is_on_track_only_when_achieved():
    # the support plan's case: baseline 2024, target 2025; the path expects the target itself in 2025
    assert assess(0.45, year=2025, baseline=(2024, 0.30), targets={2025: 0.45}).status == p.ACHIEVED
    assert assess(0.4125, year=2025, baseline=(2024, 0.30), targets={2025: 0.45}).status == p.AT_RISK
    assert assess(0.41, year=2025, baseline=(2024, 0.30), targets={2025: 0.45}).status == p.OFF_TRACK


def test_intermediate_targets_shape_the_path():
    targets = {2025: 10.0, 2027: 100.0}
    assert assess(10.0, year=2025, targets=targets).status == p.ON_TRACK  # meets the year's own target
    assert assess(9.0, year=2025, targets=targets).status == p.AT_RISK


def test_a_maintained_target_is_scaled_by_the_target_itself():
    # keep 80% from 2024 to 2026: falling to 60 is short by a quarter of 80 → at risk; 59 → off track
    kwargs = dict(year=2025, baseline=(2024, 80.0), targets={2026: 80.0})
    assert assess(80.0, **kwargs).status == p.ACHIEVED
    assert assess(60.0, **kwargs).status == p.AT_RISK
    assert assess(59.0, **kwargs).status == p.OFF_TRACK


def test_no_target_or_no_actual_is_no_data():
    assert assess(50.0, targets={}).status == p.NO_DATA
    result = p.assess(direction="increase", baseline_year=2024, baseline_value=0.0, targets={2026: 10.0},
                      actuals={2024: 3.0})
    assert result.status == p.NO_DATA  # the baseline year's own value is not progress
    assert p.assess(direction="increase", baseline_year=2024, baseline_value=0.0, targets={2026: 10.0},
                    actuals={}, year=2025).status == p.NO_DATA


def test_the_default_year_is_the_latest_actual_after_the_baseline():
    result = p.assess(direction="increase", baseline_year=2024, baseline_value=0.0, targets={2026: 10.0},
                      actuals={2024: 0.0, 2025: 6.0, 2026: 8.0})
    assert result.year == 2026 and result.actual == 8.0 and result.status == p.AT_RISK
    assert result.progress == pytest.approx(0.8) and result.expected_progress == pytest.approx(1.0)


def test_without_a_baseline_the_first_target_starts_the_path():
    result = p.assess(direction="increase", baseline_year=None, baseline_value=None,
                      targets={2025: 10.0, 2027: 30.0}, actuals={2026: 20.0})
    assert result.expected == 20.0 and result.status == p.ON_TRACK


def test_a_bad_direction_is_refused():
    with pytest.raises(ValueError, match="direction"):
        assess(1.0, direction="sideways")


@pytest.mark.parametrize(("statuses", "expected"), [
    ([], p.NO_DATA),
    ([p.NO_DATA, p.NO_DATA], p.NO_DATA),
    ([p.ACHIEVED, p.ACHIEVED, p.NO_DATA], p.ACHIEVED),
    ([p.ACHIEVED, p.ON_TRACK], p.ON_TRACK),
    ([p.ON_TRACK] * 3 + [p.AT_RISK] * 2, p.ON_TRACK),   # score 0.8: the on-track boundary
    ([p.ON_TRACK, p.AT_RISK], p.AT_RISK),                # score 0.75
    ([p.ON_TRACK, p.AT_RISK, p.AT_RISK, p.OFF_TRACK, p.OFF_TRACK], p.AT_RISK),  # score 0.4: the at-risk boundary
    ([p.AT_RISK, p.OFF_TRACK, p.OFF_TRACK, p.OFF_TRACK], p.OFF_TRACK),          # score 0.125
    ([p.OFF_TRACK, p.NO_DATA], p.OFF_TRACK),
])
def test_rollup(statuses, expected):
    assert p.rollup(statuses) == expected


def test_rollup_refuses_unknown_statuses_and_counts_every_status():
    with pytest.raises(ValueError):
        p.rollup(["fine"])
    assert p.counts([p.ACHIEVED, p.NO_DATA, p.ACHIEVED]) == {
        p.ACHIEVED: 2, p.ON_TRACK: 0, p.AT_RISK: 0, p.OFF_TRACK: 0, p.NO_DATA: 1}


def test_the_progress_chart_caps_bars_at_150_percent_of_the_planned_change():
    from types import SimpleNamespace

    from smarttvet.plans import progress
    from smarttvet.plans.selectors import IndicatorProgress, indicator_chart

    def item(share):
        return IndicatorProgress(indicator=SimpleNamespace(title="x"), targets={2025: 1.0}, actuals={},
                                 assessment=progress.Assessment(status="achieved", progress=share,
                                                                expected_progress=0.5))

    chart = indicator_chart([item(5.6), item(0.42), item(-3.0), item(None)])
    assert chart["actual"] == [150.0, 42.0, -150.0, None]
    assert chart["expected"] == [50.0] * 4

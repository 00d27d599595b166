"""Status rules of ``plans.progress`` at their boundaries: exactly on the path is on track, a shortfall of
exactly a quarter of the planned change is at risk (a hair more is off track), the final target met is
achieved, and the same for indicators where lower is better; and the roll-up's score thresholds."""

import pytest

from smarttvet.plans import progress as p

# increase: baseline 0 in 2024, target 100 in 2026 -> the path expects 50 in 2025; a quarter of the change is 25
UP = dict(direction="increase", baseline_year=2024, baseline_value=0.0, targets={2026: 100.0})
# decrease: baseline 100 in 2024, target 60 in 2026 -> the path expects 80 in 2025; a quarter of the change is 10
DOWN = dict(direction="decrease", baseline_year=2024, baseline_value=100.0, targets={2026: 60.0})


def status(rule, year, actual):
    return p.assess(**rule, actuals={year: actual}).status


@pytest.mark.parametrize(("actual", "expected"), [
    (100.0, p.ACHIEVED),   # the final target, reached early
    (120.0, p.ACHIEVED),
    (99.999, p.ON_TRACK),
    (50.0, p.ON_TRACK),    # exactly on the path
    (50.0 - 1e-12, p.ON_TRACK),  # rounding error
    (49.999, p.AT_RISK),
    (25.0, p.AT_RISK),     # short by exactly a quarter of the planned change
    (24.999, p.OFF_TRACK),
    (-5.0, p.OFF_TRACK),
])
def test_increasing_indicator_in_the_middle_year(actual, expected):
    assert status(UP, 2025, actual) == expected


@pytest.mark.parametrize(("actual", "expected"), [
    (60.0, p.ACHIEVED),    # exactly the final target
    (55.0, p.ACHIEVED),    # lower than the target is better
    (60.001, p.ON_TRACK),
    (80.0, p.ON_TRACK),    # exactly on the path
    (80.001, p.AT_RISK),
    (90.0, p.AT_RISK),     # short by exactly a quarter of |60 - 100|
    (90.001, p.OFF_TRACK),
    (120.0, p.OFF_TRACK),
])
def test_decreasing_indicator_in_the_middle_year(actual, expected):
    assert status(DOWN, 2025, actual) == expected


def test_in_the_final_year_the_path_is_the_final_target():
    assert status(UP, 2026, 100.0) == p.ACHIEVED
    assert status(UP, 2026, 99.999) == p.AT_RISK
    assert status(UP, 2026, 75.0) == p.AT_RISK
    assert status(UP, 2026, 74.999) == p.OFF_TRACK
    assert status(DOWN, 2026, 60.0) == p.ACHIEVED
    assert status(DOWN, 2026, 70.0) == p.AT_RISK
    assert status(DOWN, 2026, 70.001) == p.OFF_TRACK
    # after the last target the path stays at it
    assert status(UP, 2028, 100.0) == p.ACHIEVED and status(UP, 2028, 80.0) == p.AT_RISK


def test_assessment_figures_at_the_boundary():
    a = p.assess(**UP, actuals={2025: 25.0})
    assert (a.expected, a.final_target, a.final_year) == (50.0, 100.0, 2026)
    assert a.shortfall == pytest.approx(0.25) and a.progress == pytest.approx(0.25)
    assert a.expected_progress == pytest.approx(0.5)


def test_path_through_intermediate_targets():
    rule = dict(direction="increase", baseline_year=2024, baseline_value=0.0, targets={2025: 10.0, 2027: 100.0})
    # the path: 10 in 2025, then 55 in 2026; the change is 100, a quarter 25
    assert status(rule, 2025, 10.0) == p.ON_TRACK
    assert status(rule, 2026, 55.0) == p.ON_TRACK
    assert status(rule, 2026, 30.0) == p.AT_RISK
    assert status(rule, 2026, 29.99) == p.OFF_TRACK


def test_no_planned_change_uses_the_target_as_scale():
    rule = dict(direction="increase", baseline_year=2024, baseline_value=40.0, targets={2026: 40.0})
    assert status(rule, 2025, 40.0) == p.ACHIEVED
    assert status(rule, 2025, 30.0) == p.AT_RISK  # short by exactly a quarter of |40|
    assert status(rule, 2025, 29.99) == p.OFF_TRACK


def test_without_a_baseline_the_first_target_starts_the_path():
    rule = dict(direction="increase", baseline_year=None, baseline_value=None, targets={2025: 20.0, 2027: 60.0})
    assert status(rule, 2025, 20.0) == p.ON_TRACK
    assert status(rule, 2026, 40.0) == p.ON_TRACK
    assert status(rule, 2026, 30.0) == p.AT_RISK  # a quarter of |60 - 20| = 10
    assert status(rule, 2026, 29.99) == p.OFF_TRACK


def test_no_data():
    assert p.assess(direction="increase", baseline_year=2024, baseline_value=0, targets={},
                    actuals={2025: 1}).status == p.NO_DATA
    assert status(UP, 2024, 10.0) == p.NO_DATA  # only the baseline year: not an actual after the baseline
    assert p.assess(**UP, actuals={}).status == p.NO_DATA


@pytest.mark.parametrize(("statuses", "expected"), [
    ([p.ACHIEVED, p.ACHIEVED, p.NO_DATA], p.ACHIEVED),
    ([p.ACHIEVED, p.ON_TRACK], p.ON_TRACK),
    ([p.ON_TRACK] * 4 + [p.OFF_TRACK], p.ON_TRACK),             # score exactly 0.8
    ([p.ON_TRACK] * 3 + [p.AT_RISK, p.OFF_TRACK], p.AT_RISK),   # 0.7
    ([p.ON_TRACK] * 2 + [p.OFF_TRACK] * 3, p.AT_RISK),          # exactly 0.4
    ([p.ON_TRACK, p.OFF_TRACK, p.OFF_TRACK], p.OFF_TRACK),       # 0.33
    ([p.AT_RISK, p.AT_RISK, p.OFF_TRACK, p.AT_RISK, p.OFF_TRACK], p.OFF_TRACK),  # 0.3
    ([p.NO_DATA, p.NO_DATA], p.NO_DATA),
    ([], p.NO_DATA),
])
def test_rollup_thresholds(statuses, expected):
    assert p.rollup(statuses) == expected

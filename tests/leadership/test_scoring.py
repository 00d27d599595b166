"""The pure scoring rules at their boundaries: mean and trimmed mean, the spread flag, the pass mark and the
seats (ties), the weighted total."""

import pytest

from smarttvet.leadership import scoring


def test_stage_score_is_the_mean_and_trims_from_four_assessors():
    assert scoring.stage_score([60, 70]) == 65
    assert scoring.stage_score([50, 60, 100]) == 70  # three: no trimming
    assert scoring.stage_score([0, 60, 70, 100]) == 65  # four: the lowest and the highest are left out
    with pytest.raises(ValueError):
        scoring.stage_score([])


def test_spread_is_flagged_only_above_the_threshold():
    assert scoring.spread([55, 75]) == 20
    assert not scoring.is_flagged([55, 75], 100, 0.2)  # exactly 20 % of 100: not above
    assert scoring.is_flagged([55, 75.5], 100, 0.2)
    assert not scoring.is_flagged([10], 100, 0.0)  # one assessor has no spread
    assert scoring.is_flagged([40, 51], 50, 0.2)  # 11 > 20 % of 50


def test_decide_at_the_pass_mark():
    decisions = {d.key: d for d in scoring.decide({1: 60.0, 2: 59.99, 3: 80.0}, 60)}
    assert decisions[1].passed and decisions[3].passed
    assert not decisions[2].passed and decisions[2].code == scoring.BELOW_PASS_MARK
    assert "below the pass mark 60.0" in decisions[2].reason


def test_seats_take_the_best_above_the_pass_mark_and_break_ties_by_the_earlier_application():
    scores = {5: 90.0, 3: 70.0, 4: 70.0, 1: 65.0, 2: 40.0}
    decisions = {d.key: d for d in scoring.decide(scores, 60, seats=2)}
    assert [k for k, d in decisions.items() if d.passed] == [3, 5]  # 90, then 70 of application 3 (before 4)
    assert decisions[4].code == scoring.OUTSIDE_SEATS and decisions[4].place == 3
    assert decisions[1].code == scoring.OUTSIDE_SEATS
    assert decisions[2].code == scoring.BELOW_PASS_MARK
    assert all(d.passed for d in scoring.decide(scores, 60, seats=4) if scores[d.key] >= 60)
    assert not any(d.passed for d in scoring.decide(scores, 60, seats=0))


def test_weighted_total_is_the_weighted_mean_of_percentages():
    assert scoring.weighted_total([(50, 100, 1), (40, 50, 1)]) == pytest.approx(65)
    assert scoring.weighted_total([(50, 100, 1), (100, 100, 3)]) == pytest.approx(87.5)
    with pytest.raises(ValueError):
        scoring.weighted_total([(50, 100, 0)])

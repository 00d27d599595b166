"""The incentive allocation (pure): Hypothesis properties and the boundaries at the threshold and the cap."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from smarttvet.kpi.incentives import (
    BELOW_THRESHOLD,
    NO_ATTAINMENT,
    NO_POOL,
    Candidate,
    IncentiveError,
    Params,
    allocate,
)

attainments = st.one_of(st.none(), st.floats(min_value=0, max_value=1.2, allow_nan=False).map(lambda x: round(x, 4)))
pools = st.integers(min_value=0, max_value=10**9)
caps = st.one_of(st.none(), st.integers(min_value=0, max_value=10**8))
thresholds = st.floats(min_value=0, max_value=1.2, allow_nan=False).map(lambda x: round(x, 3))


def _candidates(values):
    return [Candidate(f"{i:03d}", a) for i, a in enumerate(values)]


@settings(max_examples=300, deadline=None)
@given(st.lists(attainments, min_size=0, max_size=25), pools, caps, thresholds)
def test_sum_cap_threshold(values, pool, cap, threshold):
    allocation = allocate(_candidates(values), Params(pool=pool, threshold=threshold, cap=cap))
    payments = allocation.payments
    assert allocation.total <= pool
    assert all(isinstance(p.amount, int) and p.amount >= 0 for p in payments)
    for p in payments:
        if cap is not None:
            assert p.amount <= cap
        if p.attainment is None:
            assert p.amount == 0 and p.reason == NO_ATTAINMENT
        elif p.attainment < threshold or p.attainment == 0:
            assert p.amount == 0 and p.reason == BELOW_THRESHOLD and not p.eligible
    eligible = [p for p in payments if p.eligible]
    # exactly the pool whenever the eligible organisations' caps can take it
    if eligible and (cap is None or cap * len(eligible) >= pool):
        assert allocation.total == pool
    elif eligible:
        assert allocation.total == cap * len(eligible)
    else:
        assert allocation.total == 0
    # rounding moves each payment by less than one tenge
    for p in eligible:
        assert abs(p.amount - p.before_rounding) < 1


@settings(max_examples=300, deadline=None)
@given(st.lists(attainments, min_size=1, max_size=25), pools, caps, thresholds)
def test_higher_attainment_never_receives_less_within_an_allocation(values, pool, cap, threshold):
    payments = allocate(_candidates(values), Params(pool=pool, threshold=threshold, cap=cap)).payments
    known = [p for p in payments if p.attainment is not None]
    for a in known:
        for b in known:
            if a.attainment > b.attainment:
                assert a.amount >= b.amount, (a, b)


@settings(max_examples=400, deadline=None)
@given(st.lists(attainments, min_size=1, max_size=20), st.data(), pools, caps, thresholds)
def test_raising_one_attainment_never_lowers_its_payment(values, data, pool, cap, threshold):
    """All else equal (the others, the pool, the cap, the threshold), a director whose attainment rises never
    receives less - through the cap, the redistribution and the rounding."""
    index = data.draw(st.integers(min_value=0, max_value=len(values) - 1))
    low = values[index] if values[index] is not None else 0.0
    high = data.draw(st.floats(min_value=low, max_value=1.2, allow_nan=False).map(lambda x: round(x, 4)))
    assume(high >= low)
    raised = list(values)
    raised[index] = high
    params = Params(pool=pool, threshold=threshold, cap=cap)
    before = allocate(_candidates(values), params).payments[index].amount
    after = allocate(_candidates(raised), params).payments[index].amount
    assert after >= before


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(attainments, st.sampled_from(["leaders", "backbone", "social"])), min_size=1, max_size=20),
       st.integers(min_value=0, max_value=10**8), st.integers(min_value=0, max_value=10**8), caps)
def test_league_pools_are_allocated_apart(items, pool_1, pool_2, cap):
    candidates = [Candidate(f"{i}", a, league) for i, (a, league) in enumerate(items)]
    allocation = allocate(candidates, Params(pool=pool_1 + pool_2, threshold=0.5, cap=cap,
                                             group_pools={"leaders": pool_1, "backbone": pool_2}))
    by_league = {"leaders": 0, "backbone": 0, "social": 0}
    for p in allocation.payments:
        by_league[p.group] += p.amount
        if p.group == "social":
            assert p.amount == 0 and p.reason == NO_POOL
    assert by_league["leaders"] <= pool_1
    assert by_league["backbone"] <= pool_2
    assert allocation.total <= pool_1 + pool_2


def test_boundary_at_the_threshold():
    allocation = allocate(_candidates([0.5, 0.4999, 0.75]), Params(pool=1_000, threshold=0.5))
    at, below, above = allocation.payments
    assert at.eligible and at.amount == 400  # 1000 * 0.5 / 1.25
    assert not below.eligible and below.amount == 0 and below.reason == BELOW_THRESHOLD
    assert above.amount == 600
    assert allocation.total == 1_000


def test_boundary_at_the_cap_and_redistribution():
    # shares 500, 300, 200 before the cap; cap 400: the first is cut by 100, shared 3:2 by the others
    allocation = allocate(_candidates([1.0, 0.6, 0.4]), Params(pool=1_000, threshold=0.1, cap=400))
    first, second, third = allocation.payments
    assert first.capped and first.amount == 400 and first.redistribution == -100
    assert second.amount == 360 and second.redistribution == 60
    assert third.amount == 240
    assert allocation.total == 1_000
    # a share exactly at the cap is capped and keeps it
    exact = allocate(_candidates([1.0, 1.0]), Params(pool=1_000, threshold=0.1, cap=500))
    assert [p.amount for p in exact.payments] == [500, 500] and all(p.capped for p in exact.payments)


def test_capping_cascades_over_rounds():
    # 1000 by 0.9/0.8/0.1: shares 500, 444 and 56; the first two are capped at 300, the third would then take
    # 400 and is capped in the next round
    allocation = allocate(_candidates([0.9, 0.8, 0.1]), Params(pool=1_000, threshold=0.05, cap=300))
    amounts = [p.amount for p in allocation.payments]
    assert amounts == [300, 300, 300]  # everyone capped: 100 tenge unspent
    assert allocation.unspent == 100
    assert allocation.groups[0].capped == 3


def test_rounding_to_whole_tenge_by_largest_remainder():
    # 100 tenge among three equal directors: 33.33 each, one extra tenge to the smallest key
    allocation = allocate(_candidates([0.8, 0.8, 0.8]), Params(pool=100, threshold=0.5))
    assert [p.amount for p in allocation.payments] == [34, 33, 33]
    assert allocation.payments[0].rounded_up
    assert allocation.payments[0].before_rounding == Fraction(100, 3)
    # 10 tenge by 0.7 and 0.6: 5.3846 and 4.6154 -> the larger remainder (0.6154) gets the tenge
    two = allocate(_candidates([0.7, 0.6]), Params(pool=10, threshold=0.5))
    assert [p.amount for p in two.payments] == [5, 5]


def test_nobody_eligible_pays_nothing():
    allocation = allocate(_candidates([None, 0.2]), Params(pool=1_000, threshold=0.5))
    assert allocation.total == 0 and allocation.unspent == 1_000
    assert [p.reason for p in allocation.payments] == [NO_ATTAINMENT, BELOW_THRESHOLD]


@pytest.mark.parametrize(("params", "field"), [
    (Params(pool=-1), "pool"),
    (Params(pool=10, cap=-5), "cap"),
    (Params(pool=10, threshold=math.nan), "threshold"),
    (Params(pool=10, threshold=-0.1), "threshold"),
    (Params(pool=10, group_pools={"leaders": 4, "backbone": 5}), "group_pools"),
    (Params(pool=10, group_pools={"leaders": -1, "backbone": 11}), "group_pools.leaders"),
    (Params(pool=1.5), "pool"),
])
def test_bad_parameters_are_refused(params, field):
    with pytest.raises(IncentiveError) as error:
        allocate(_candidates([0.9]), params)
    assert error.value.field == field


def test_duplicate_keys_are_refused():
    with pytest.raises(IncentiveError):
        allocate([Candidate("1", 0.5), Candidate("1", 0.6)], Params(pool=10))

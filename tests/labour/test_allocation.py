"""The state-order allocation model (pure: no database): every place allocated, every bound kept, demand
served by weight, stability toward last year, and infeasible constraints named."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from smarttvet.labour.allocation import (
    AllocationError,
    AllocationInfeasible,
    AllocationProblem,
    OfferInput,
    SpecialtyDemand,
    check,
    employment_weight,
    greedy,
    group_conflicts,
    minimal_conflict,
    relaxed,
    solve,
)


def offer(key, specialty, capacity, previous=0, organization=None):
    return OfferInput(key=key, specialty=specialty, capacity=capacity, previous=previous, organization=organization)


def demand(**figures):
    return tuple(SpecialtyDemand(code, value) for code, value in figures.items())


def by_specialty(result, problem):
    totals = {}
    for o in problem.offers:
        totals[o.specialty] = totals.get(o.specialty, 0) + result.places[o.key]
    return totals


BASE = AllocationProblem(
    places=100,
    offers=(offer("a1", "A", 40, 20, "c1"), offer("a2", "A", 40, 10, "c2"), offer("b1", "B", 30, 30, "c1"),
            offer("c1", "C", 50, 20, "c2")),
    demand=(SpecialtyDemand("A", 60, 1.5), SpecialtyDemand("B", 20, 1.0), SpecialtyDemand("C", 40, 1.2),
            SpecialtyDemand("D", 10, 1.0)),
)


# ---------------------------------------------------------------------------------------- feasible answers
def test_every_place_is_allocated_in_whole_numbers_within_capacity():
    result = solve(BASE)
    assert sum(result.places.values()) == 100
    assert all(isinstance(v, int) for v in result.places.values())
    assert check(BASE, result) == []
    capacity = {o.key: o.capacity for o in BASE.offers}
    assert all(0 <= result.places[k] <= capacity[k] for k in capacity)
    assert result.status == "optimal"


def test_weighted_deficits_are_served_first():
    result = solve(BASE)
    totals = by_specialty(result, BASE)
    # 100 places for 120 people of demand: A (weight 1.5) fully, then C (1.2) fully; B (1.0) gets the rest
    assert totals == {"A": 60, "C": 40, "B": 0}
    assert result.unmet == {"A": 0.0, "B": 20.0, "C": 0.0, "D": 10.0}  # D has no offer: its demand stays unmet
    assert result.objective == pytest.approx(20 * 1.0 + 10 * 1.0)
    assert result.specialties["B"].change == -30


def test_a_specialty_without_demand_loses_its_places_to_one_in_deficit():
    problem = AllocationProblem(places=50, offers=(offer(1, "A", 50, 0), offer(2, "B", 50, 50)),
                                demand=demand(A=50, B=0))
    result = solve(problem)
    assert result.places == {1: 50, 2: 0}


def test_places_beyond_the_demand_stay_where_they_were_last_year():
    offers = (offer(1, "A", 80, 10), offer(2, "B", 80, 70), offer(3, "C", 80, 20))
    problem = AllocationProblem(places=120, offers=offers, demand=demand(A=30, B=10, C=10))
    result = solve(problem)
    assert result.objective == 0
    # A's demand needs 20 more places than last year; the 70 places beyond the demand follow last year's
    assert result.places == {1: 30, 2: 70, 3: 20}
    assert result.deviation == 20


def test_ties_keep_last_years_allocation_between_specialties_and_offers():
    offers = (offer(1, "A", 100, 30), offer(2, "A", 100, 10), offer(3, "B", 100, 20), offer(4, "B", 100, 0))
    problem = AllocationProblem(places=60, offers=offers, demand=demand(A=100, B=100))
    result = solve(problem)
    assert result.places == {1: 30, 2: 10, 3: 20, 4: 0}
    assert result.deviation == 0
    unstable = solve(problem, stability=False)
    assert unstable.objective == result.objective  # the tie-breaker never costs unmet demand


def test_stability_never_costs_unmet_demand():
    problem = dataclasses.replace(BASE, places=90)
    assert solve(problem).objective == pytest.approx(solve(problem, stability=False).objective)


def test_bounds_global_and_per_specialty():
    problem = dataclasses.replace(BASE, min_per_specialty=10, max_per_specialty=45, specialty_min={"B": 15},
                                  specialty_max={"C": 30})
    result = solve(problem)
    totals = by_specialty(result, problem)
    assert check(problem, result) == []
    assert totals["A"] <= 45 and totals["B"] >= 15 and 10 <= totals["C"] <= 30
    assert sum(totals.values()) == 100
    assert result.specialties["B"].minimum == 15 and result.specialties["C"].maximum == 30


def test_organisation_remaining_capacity():
    problem = dataclasses.replace(BASE, organization_capacity={"c1": 35})
    result = solve(problem)
    assert result.places["a1"] + result.places["b1"] <= 35
    assert check(problem, result) == []


def test_fractional_demand_is_counted_in_whole_people():
    problem = AllocationProblem(places=3, offers=(offer(1, "A", 10), offer(2, "B", 10)),
                                demand=demand(A=1.4, B=1.6))
    result = solve(problem)
    assert result.specialties["A"].demand == 1 and result.specialties["B"].demand == 2
    assert all(isinstance(v, int) for v in result.places.values()) and sum(result.places.values()) == 3


def test_employment_weight():
    assert employment_weight(0.8) == pytest.approx(1.8)
    assert employment_weight(None, default_rate=0.5) == pytest.approx(1.5)
    assert employment_weight(1.7) == 2.0 and employment_weight(-1) == 1.0
    assert employment_weight(0.5, bonus=2) == 2.0


@pytest.mark.parametrize("change, message", [
    (dict(places=-1), "places must not be negative"),
    (dict(places=1.5), "places must be a whole number"),
    (dict(offers=(offer(1, "A", 10), offer(1, "B", 10))), "offer 1 appears twice"),
    (dict(offers=(offer(1, "A", -3),)), "capacity of offer 1"),
    (dict(demand=(SpecialtyDemand("A", -1),)), "demand of specialty A"),
])
def test_malformed_problems(change, message):
    with pytest.raises(AllocationError, match=message):
        solve(dataclasses.replace(BASE, **change))


def test_baselines_meet_the_constraints_and_do_no_better():
    best = solve(BASE)
    for baseline in (relaxed(BASE), greedy(BASE)):
        assert check(BASE, baseline) == []
        assert baseline.objective >= best.objective - 1e-9


# ---------------------------------------------------------------------------------------- infeasible
def _conflicts(problem) -> list[str]:
    with pytest.raises(AllocationInfeasible) as caught:
        solve(problem)
    assert caught.value.conflicts and str(caught.value)
    return caught.value.conflicts


def _many(count: int, capacity: int) -> tuple[OfferInput, ...]:
    return tuple(offer(i, f"{i:08d}", capacity) for i in range(count))


def test_minimums_above_the_places():
    problem = AllocationProblem(places=1000, offers=_many(31, 100), min_per_specialty=40)
    assert _conflicts(problem) == ["the minimums per specialty (sum 1,240) exceed the places (1,000)"]


def test_a_specialty_minimum_above_its_capacity():
    offers = (offer(1, "07150100", 25), offer(2, "07150100", 20), offer(3, "07130100", 500))
    problem = AllocationProblem(places=100, offers=offers, specialty_min={"07150100": 60})
    assert _conflicts(problem) == ["specialty 07150100 needs at least 60 places but its offers' capacity totals 45"]


def test_a_minimum_for_a_specialty_without_an_offer():
    problem = AllocationProblem(places=10, offers=(offer(1, "A", 50),), specialty_min={"Z": 5})
    assert _conflicts(problem) == ["specialty Z needs at least 5 places but has no offer"]


def test_places_above_the_total_capacity():
    offers = (offer(1, "A", 4000), offer(2, "B", 210))
    problem = AllocationProblem(places=5000, offers=offers)
    assert _conflicts(problem) == ["the places (5,000) exceed the total licensed capacity (4,210)"]


def test_no_offer_at_all():
    assert _conflicts(AllocationProblem(places=10, offers=())) == ["there are no offers to receive the places (10)"]


def test_maximums_below_the_places():
    problem = AllocationProblem(places=1000, offers=_many(10, 500), max_per_specialty=90)
    assert _conflicts(problem) == ["the maximums per specialty (sum 900) are below the places (1,000)"]


def test_maximums_with_capacity_below_the_places():
    offers = (offer(1, "A", 100), offer(2, "B", 30))
    problem = AllocationProblem(places=120, offers=offers, max_per_specialty=80)
    [message] = _conflicts(problem)
    assert "allow at most 110 places" in message and "the places (120)" in message


def test_a_minimum_above_its_maximum():
    problem = AllocationProblem(places=50, offers=(offer(1, "A", 100), offer(2, "B", 100)),
                                specialty_min={"A": 30}, specialty_max={"A": 20})
    assert _conflicts(problem) == ["specialty A: its minimum (30) exceeds its maximum (20)"]


def test_several_group_conflicts_are_all_named():
    problem = AllocationProblem(places=100, offers=(offer(1, "A", 30), offer(2, "B", 30)), min_per_specialty=60)
    conflicts = _conflicts(problem)
    assert "the minimums per specialty (sum 120) exceed the places (100)" in conflicts
    assert "specialty A needs at least 60 places but its offers' capacity totals 30" in conflicts
    assert "specialty B needs at least 60 places but its offers' capacity totals 30" in conflicts
    assert "the places (100) exceed the total licensed capacity (60)" in conflicts


def test_organisations_remaining_capacity_limits_a_specialty():
    problem = AllocationProblem(places=20, offers=(offer(1, "A", 50, organization="c1"), offer(2, "B", 50)),
                                specialty_min={"A": 20}, organization_capacity={"c1": 10},
                                organization_labels={"c1": "College One"})
    assert _conflicts(problem) == [
        "specialty A needs at least 20 places but its offers' capacity, limited by their organisations' "
        "remaining capacity, totals 10"]


def test_a_conflict_across_groups_is_found_by_the_deletion_filter():
    # each group holds alone: B fits in c1, C in c2, A anywhere, 55 places in 60 seats; but A, B and C's
    # minimums (53) need c1 and c2, which have 50 seats left between them.
    offers = (offer(1, "A", 50, organization="c1"), offer(2, "A", 50, organization="c2"),
              offer(3, "B", 30, organization="c1"), offer(4, "C", 40, organization="c2"),
              offer(5, "D", 10, organization="c3"))
    problem = AllocationProblem(places=55, offers=offers, specialty_min={"A": 10, "B": 28, "C": 15},
                                organization_capacity={"c1": 30, "c2": 20},
                                organization_labels={"c1": "College One", "c2": "College Two"})
    assert group_conflicts(problem) == []
    [message] = _conflicts(problem)
    assert message == ("these constraints cannot all hold together: specialty A needs at least 10 places; "
                       "specialty B needs at least 28 places; specialty C needs at least 15 places; "
                       "organisation College One has 30 places of capacity left; "
                       "organisation College Two has 20 places of capacity left")
    assert minimal_conflict(problem) == [message]
    # dropping any one of the named constraints makes it feasible: the set is minimal
    for relaxed_problem in (
        dataclasses.replace(problem, specialty_min={"B": 28, "C": 15}),
        dataclasses.replace(problem, specialty_min={"A": 10, "C": 15}),
        dataclasses.replace(problem, specialty_min={"A": 10, "B": 28}),
        dataclasses.replace(problem, organization_capacity={"c2": 20}),
        dataclasses.replace(problem, organization_capacity={"c1": 30}),
    ):
        assert check(relaxed_problem, solve(relaxed_problem)) == []


def test_the_places_are_named_when_they_take_part():
    # 45 places; A and B share College One's 30 seats left, C may have at most 10: room for 40 only
    offers = (offer(1, "A", 50, organization="c1"), offer(2, "B", 50, organization="c1"),
              offer(3, "C", 50, organization="c2"))
    problem = AllocationProblem(places=45, offers=offers, specialty_max={"C": 10},
                                organization_capacity={"c1": 30}, organization_labels={"c1": "College One"})
    assert group_conflicts(problem) == []
    assert _conflicts(problem) == ["these constraints cannot all hold together: all 45 places must be allocated; "
                                   "specialty C may have at most 10 places; organisation College One has 30 places "
                                   "of capacity left"]


def test_feasible_problems_have_no_conflict():
    assert group_conflicts(BASE) == [] and minimal_conflict(BASE) == []


# ---------------------------------------------------------------------------------------- properties
@st.composite
def feasible_problems(draw):
    n_specialties = draw(st.integers(1, 5))
    codes = [f"S{k}" for k in range(n_specialties)]
    offers = []
    for i in range(draw(st.integers(1, 14))):
        capacity = draw(st.integers(0, 40))
        offers.append(OfferInput(key=i, specialty=draw(st.sampled_from(codes)), capacity=capacity,
                                 previous=draw(st.integers(0, capacity)), organization=f"o{i % 3}"))
    capacity = {c: sum(o.capacity for o in offers if o.specialty == c) for c in codes}
    offered = [c for c in codes if capacity.get(c) is not None and any(o.specialty == c for o in offers)]
    low = {c: draw(st.integers(0, capacity[c])) for c in offered}
    high = {c: draw(st.integers(low[c], capacity[c] + 10)) for c in offered}
    least, most = sum(low.values()), sum(min(high[c], capacity[c]) for c in offered)
    places = draw(st.integers(least, most))
    demand_figures = tuple(SpecialtyDemand(c, float(draw(st.integers(0, 60))),
                                           draw(st.sampled_from([0.0, 1.0, 1.25, 1.5, 2.0]))) for c in codes)
    return AllocationProblem(places=places, offers=tuple(offers), demand=demand_figures,
                             specialty_min=low, specialty_max=high)


def _lp_optimum(problem: AllocationProblem) -> float:
    """The weighted unmet demand of the linear relaxation, written out independently of the module."""
    codes = sorted({o.specialty for o in problem.offers} | {d.specialty for d in problem.demand})
    n, s = len(problem.offers), len(codes)
    weight = {d.specialty: d.weight for d in problem.demand}
    need = {d.specialty: np.floor(d.demand + 0.5) for d in problem.demand}
    cost = np.concatenate([np.zeros(n), [weight.get(c, 1.0) for c in codes]])
    member = np.array([[1.0 if o.specialty == c else 0.0 for o in problem.offers] for c in codes])
    a_ub = [np.concatenate([-member, -np.eye(s)], axis=1)]  # -(X_s + u_s) <= -D_s
    b_ub = [-np.array([need.get(c, 0.0) for c in codes])]
    for k, c in enumerate(codes):
        row = np.concatenate([member[k], np.zeros(s)])
        if c in problem.specialty_max:
            a_ub.append(row[None, :])
            b_ub.append([problem.specialty_max[c]])
        if c in problem.specialty_min:
            a_ub.append(-row[None, :])
            b_ub.append([-problem.specialty_min[c]])
    result = linprog(cost, A_ub=np.vstack(a_ub), b_ub=np.concatenate(b_ub),
                     A_eq=np.concatenate([np.ones(n), np.zeros(s)])[None, :], b_eq=[problem.places],
                     bounds=[(0, o.capacity) for o in problem.offers] + [(0, None)] * s, method="highs")
    assert result.status == 0
    return float(result.fun)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feasible_problems())
def test_random_feasible_problems(problem):
    result = solve(problem)
    assert check(problem, result) == []
    assert sum(result.places.values()) == problem.places
    assert all(isinstance(v, int) and v >= 0 for v in result.places.values())
    # whole-number optimum equals the relaxation's (a network problem): nothing better exists
    assert result.objective == pytest.approx(_lp_optimum(problem), abs=1e-6)
    assert result.objective <= greedy(problem).objective + 1e-9
    # the stability solve never moves more places than the plain optimum does
    assert result.deviation <= solve(problem, stability=False).deviation


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feasible_problems(), st.integers(0, 60), st.integers(0, 60))
def test_random_organisation_limits_solve_or_name_a_conflict(problem, first, second):
    problem = dataclasses.replace(problem, organization_capacity={"o0": first, "o1": second})
    try:
        result = solve(problem)
    except AllocationInfeasible as error:
        assert error.conflicts and all(isinstance(c, str) and c for c in error.conflicts)
    else:
        assert check(problem, result) == []

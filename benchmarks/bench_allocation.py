"""Benchmark of the state-order allocation: HiGHS MILP (the platform's solver) against two baselines.

    python benchmarks/bench_allocation.py [--offers 2000] [--specialties 90] [--organisations 110] [--seeds 3]

A synthetic region the size of the largest (about 2,000 offers of 110 organisations in 90 specialties,
every organisation with a remaining capacity below its offers' total), last year's places, demand per
specialty (gamma-distributed, about 10% above the places), employment-rate weights, a minimum of 5 and a
maximum of 40% of the places per specialty. For each seed it times:

* ``milp``: :func:`smarttvet.labour.allocation.solve` - the weighted-unmet-demand optimum, then the
  allocation closest to last year's among the optima (two HiGHS MILP solves);
* ``milp, one solve``: the same without the stability solve;
* ``LP + rounding``: the linear relaxation (``linprog(method="highs")``) rounded by largest remainders;
* ``greedy``: minimums first, then the specialty with the largest weighted remaining demand.

It reports each method's time and its objective gap against the MILP, the places moved from last year,
and the time of the infeasibility diagnosis (group checks + deletion filter) on a conflict that no group
check sees. Exit 1 if any allocation breaks a constraint or a baseline beats the MILP's objective.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from smarttvet.labour.allocation import (  # noqa: E402
    AllocationInfeasible,
    AllocationProblem,
    OfferInput,
    SpecialtyDemand,
    check,
    employment_weight,
    greedy,
    relaxed,
    solve,
)


def synthetic_problem(n_offers: int, n_specialties: int, n_orgs: int, seed: int) -> AllocationProblem:
    rng = np.random.default_rng(seed)
    # every specialty has at least one offer; the rest are spread with a skew (common specialties)
    popularity = rng.gamma(1.2, 1.0, n_specialties)
    specialty = np.concatenate([np.arange(n_specialties),
                                rng.choice(n_specialties, n_offers - n_specialties, p=popularity / popularity.sum())])
    organisation = rng.integers(0, n_orgs, n_offers)
    capacity = rng.integers(15, 76, n_offers)
    previous = np.floor(capacity * rng.uniform(0.0, 0.9, n_offers)).astype(int)
    places = int(previous.sum() * 1.03)
    share = rng.gamma(2.0, 1.0, n_specialties)
    demand = share / share.sum() * places * 1.1
    rates = rng.uniform(0.35, 0.95, n_specialties)
    rates[rng.random(n_specialties) < 0.1] = np.nan  # unknown: fewer than 5 graduates observed
    known = float(np.nanmean(rates))
    per_org = np.bincount(organisation, weights=capacity, minlength=n_orgs)
    remaining = {f"org{g}": int(per_org[g] * rng.uniform(0.5, 0.9)) for g in range(n_orgs)}
    codes = [f"{k:08d}" for k in range(n_specialties)]
    return AllocationProblem(
        places=places,
        offers=tuple(OfferInput(key=i, specialty=codes[specialty[i]], capacity=int(capacity[i]),
                                previous=int(previous[i]), organization=f"org{organisation[i]}")
                     for i in range(n_offers)),
        demand=tuple(SpecialtyDemand(codes[k], float(demand[k]),
                                     employment_weight(None if np.isnan(rates[k]) else float(rates[k]),
                                                       default_rate=known))
                     for k in range(n_specialties)),
        min_per_specialty=5, max_per_specialty=int(places * 0.4), organization_capacity=remaining,
    )


def hidden_conflict(problem: AllocationProblem) -> AllocationProblem:
    """A conflict no group check sees: two specialties taught only at one organisation, whose minimums
    together exceed that organisation's remaining capacity (each alone fits)."""
    offers = list(problem.offers)
    for i, code in enumerate(("99000001", "99000002")):
        offers.append(OfferInput(key=f"x{i}", specialty=code, capacity=60, previous=0, organization="tiny"))
    return dataclasses.replace(problem, offers=tuple(offers),
                               specialty_min={"99000001": 40, "99000002": 40},
                               organization_capacity={**problem.organization_capacity, "tiny": 60})


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--specialties", type=int, default=90)
    parser.add_argument("--organisations", type=int, default=110)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)

    failures = 0
    rows: dict[str, list[tuple[float, float, int]]] = {}
    diagnosis_times = []
    optima: list[float] = []
    for seed in range(1, args.seeds + 1):
        problem = synthetic_problem(args.offers, args.specialties, args.organisations, seed)
        if seed == 1:
            print(f"problem: {len(problem.offers):,} offers, {args.specialties} specialties, "
                  f"{args.organisations} organisations with remaining capacity, {problem.places:,} places, "
                  f"demand {sum(d.demand for d in problem.demand):,.0f} people")
        solve(problem)  # warm SciPy and HiGHS
        best, t_best = timed(solve, problem)
        optima.append(best.objective)
        methods = {
            "milp (platform)": (best, t_best),
            "milp, one solve": timed(solve, problem, stability=False),
            "LP + rounding": timed(relaxed, problem),
            "greedy": timed(greedy, problem),
        }
        for name, (result, seconds) in methods.items():
            broken = check(problem, result)
            if broken:
                print(f"FAIL seed {seed} {name}: {broken[:3]}")
                failures += 1
            if result.objective < best.objective - 1e-6:
                print(f"FAIL seed {seed} {name}: objective {result.objective:.3f} below the MILP's "
                      f"{best.objective:.3f}")
                failures += 1
            rows.setdefault(name, []).append((seconds, result.objective - best.objective, result.deviation))
        try:
            solve(hidden_conflict(problem))
        except AllocationInfeasible as error:
            started = time.perf_counter()
            try:
                solve(hidden_conflict(problem))
            except AllocationInfeasible:
                diagnosis_times.append(time.perf_counter() - started)
            if seed == 1:
                print(f"diagnosis: {error.conflicts[0]}")
        else:
            print("FAIL: the hidden conflict was not found")
            failures += 1

    base = statistics.median(s for s, _, _ in rows["milp (platform)"])
    print(f"\n{'method':<18} {'median time':>12} {'vs milp':>8} {'objective gap':>14} {'moved places':>13}")
    for name, values in rows.items():
        seconds = statistics.median(v[0] for v in values)
        gap = statistics.mean(v[1] for v in values)
        moved = statistics.median(v[2] for v in values)
        print(f"{name:<18} {seconds * 1e3:>9.0f} ms {seconds / base:>7.2f}x {gap:>14.2f} {moved:>13,.0f}")
    best_objective = statistics.mean(optima)
    for name in ("LP + rounding", "greedy"):
        gap = statistics.mean(v[1] for v in rows[name])
        print(f"{name}: weighted unmet demand {gap / max(best_objective, 1e-9):.2%} above the MILP's; "
              f"time {statistics.median(v[0] for v in rows[name]) / base:.2f}x the MILP's")
    print(f"infeasibility diagnosis (deletion filter): median {statistics.median(diagnosis_times) * 1e3:.0f} ms")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""State-order allocation: share a region's state-funded places among its offers to meet labour demand.

Pure module (no Django): numbers in, numbers out. The service (``allocation_service``) builds the problem
from the database; this module solves it with SciPy's HiGHS (``scipy.optimize.milp``).

The model
---------
Offers ``o`` (organisation x specialty x qualification) with licensed capacity ``cap_o`` and last year's
places ``prev_o``; specialties ``s`` with demand ``D_s`` (people a year) and weight ``w_s``; ``N`` places.

    variables   x_o >= 0 integer (places of offer o),  u_s >= 0 (unmet demand of specialty s)
    minimise    sum_s w_s * u_s                                     (weighted unmet demand)
    subject to  u_s >= D_s - sum_{o in s} x_o                        (unmet = demand not covered)
                sum_o x_o = N                                        (every place is allocated)
                min_s <= sum_{o in s} x_o <= max_s                   (per specialty, global or overridden)
                x_o <= cap_o                                         (licensed capacity)
                sum_{o in g} x_o <= rem_g                            (an organisation's remaining capacity, if given)

Stability. Many allocations usually reach the least weighted unmet demand (a place moved between two
offers of one specialty, or between two equally weighted specialties in deficit, changes nothing). Among
them the solver takes the one closest to last year's: a second solve minimises ``sum_o |x_o - prev_o|``
(linearised as ``x_o - prev_o = p_o - m_o`` with ``p_o, m_o >= 0``) with the weighted unmet demand held at
its optimum. This is the "tie-breaker" of the model written lexicographically: it never costs one unit of
unmet demand, and it does not depend on choosing a small enough epsilon for the size of the problem.

Demand counts people: it is rounded to whole people (half up) before solving, so that with whole-number
places every unmet demand is a whole number too; the problem then stays a network problem that HiGHS
solves at the root node, where fractional demand would send the second solve into a long branch and bound.

Weights. ``employment_weight(rate) = 1 + EMPLOYMENT_BONUS * rate``: an unmet person in a specialty whose
graduates find work (rate 0..1, e.g. employed in the field 12 months after graduation) weighs up to twice as
much as one in a specialty whose graduates do not; an unknown rate takes the mean of the known ones.

The constraint matrix is that of a flow network (specialty -> offer -> organisation), so whenever the
bounds are whole numbers the linear relaxation already has whole-number optima; ``milp`` is used anyway so
that integrality never depends on that argument (fractional demand, for instance).

Infeasibility. Before solving, group conditions are checked and reported in plain words (minimums above
the places, a specialty's minimum above its offers' capacity, places above the total capacity, maximums
below the places, a minimum above its maximum). If the solver still finds no allocation, a deletion filter
over the constraint groups (each specialty's minimum, maximum and offer capacity, each organisation's
remaining capacity) finds a minimal set that cannot hold together, and names it. Feasibility is checked on
the linear relaxation, which is exact here (network matrix, whole-number bounds).
"""

from __future__ import annotations

import math
import time
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

EMPLOYMENT_BONUS = 1.0
DEFAULT_TIME_LIMIT = 120.0  # seconds, per solve


# ---------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class OfferInput:
    """One offer: its key (the offer id in the platform), specialty code, licensed capacity, last year's places."""

    key: Hashable
    specialty: str
    capacity: int
    previous: int = 0
    organization: Hashable | None = None
    label: str = ""


@dataclass(frozen=True)
class SpecialtyDemand:
    """Projected demand for a specialty's graduates (people a year) and the weight of one unmet person."""

    specialty: str
    demand: float
    weight: float = 1.0
    label: str = ""


@dataclass(frozen=True)
class AllocationProblem:
    """The places to allocate, the offers, the demand and the bounds.

    ``min_per_specialty`` / ``max_per_specialty`` apply to every specialty that has an offer in the problem;
    ``specialty_min`` / ``specialty_max`` override them for named specialties. ``organization_capacity``
    limits the sum over an organisation's offers (remaining capacity), where given.
    """

    places: int
    offers: tuple[OfferInput, ...]
    demand: tuple[SpecialtyDemand, ...] = ()
    min_per_specialty: int = 0
    max_per_specialty: int | None = None
    specialty_min: Mapping[str, int] = field(default_factory=dict)
    specialty_max: Mapping[str, int] = field(default_factory=dict)
    organization_capacity: Mapping[Hashable, int] = field(default_factory=dict)
    organization_labels: Mapping[Hashable, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------- outputs
@dataclass(frozen=True)
class SpecialtyOutcome:
    specialty: str
    demand: float
    weight: float
    previous: int
    places: int
    unmet: float
    minimum: int
    maximum: int | None
    capacity: int

    @property
    def change(self) -> int:
        return self.places - self.previous


@dataclass(frozen=True)
class AllocationResult:
    """Places per offer (every offer, zeros included), outcome per specialty, the objective and the solve."""

    places: dict[Hashable, int]
    specialties: dict[str, SpecialtyOutcome]
    objective: float  # weighted unmet demand
    deviation: int  # sum over offers of |places - last year's|
    status: str
    seconds: float

    @property
    def unmet(self) -> dict[str, float]:
        return {code: s.unmet for code, s in self.specialties.items()}

    @property
    def total_unmet(self) -> float:
        return float(sum(s.unmet for s in self.specialties.values()))


class AllocationError(ValueError):
    """The problem is malformed (negative places, duplicate offers...) or the solver failed."""


class AllocationInfeasible(Exception):
    """No allocation meets every constraint; ``conflicts`` names the constraints that clash, in plain words."""

    def __init__(self, conflicts: list[str]):
        self.conflicts = list(conflicts)
        super().__init__("; ".join(self.conflicts))


# ---------------------------------------------------------------------------------------- helpers
def employment_weight(rate: float | None, *, bonus: float = EMPLOYMENT_BONUS, default_rate: float = 0.0) -> float:
    """``1 + bonus * rate`` with ``rate`` the graduates' employment rate (0..1); ``default_rate`` if unknown."""
    if rate is None or (isinstance(rate, float) and math.isnan(rate)):
        rate = default_rate
    return 1.0 + bonus * min(max(float(rate), 0.0), 1.0)


def _n(value: float | int) -> str:
    """A count as people read it: 1,240 (whole numbers), 12.5 otherwise."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


@dataclass
class _Prepared:
    problem: AllocationProblem
    offers: list[OfferInput]
    codes: list[str]  # specialties with an offer or a bound or a demand, sorted
    index: dict[str, int]
    of: np.ndarray  # specialty index per offer
    cap: np.ndarray
    prev: np.ndarray
    demand: np.ndarray
    weight: np.ndarray
    lo: np.ndarray  # minimum per specialty
    hi: np.ndarray  # maximum per specialty (inf: none)
    orgs: list[Hashable]
    org_of: np.ndarray  # organisation index per offer, -1 when the offer has no limited organisation
    org_rem: np.ndarray
    labels: dict[str, str]

    @property
    def n(self) -> int:
        return len(self.offers)

    @property
    def s(self) -> int:
        return len(self.codes)

    def specialty_label(self, k: int) -> str:
        code = self.codes[k]
        name = self.labels.get(code)
        return f"specialty {code} ({name})" if name else f"specialty {code}"

    def org_label(self, g: int) -> str:
        key = self.orgs[g]
        name = self.problem.organization_labels.get(key)
        return f"organisation {name}" if name else f"organisation {key}"

    def specialty_matrix(self) -> sparse.csr_matrix:
        return sparse.csr_matrix((np.ones(self.n), (self.of, np.arange(self.n))), shape=(self.s, self.n))

    def org_matrix(self) -> sparse.csr_matrix:
        limited = np.flatnonzero(self.org_of >= 0)
        return sparse.csr_matrix((np.ones(len(limited)), (self.org_of[limited], limited)),
                                 shape=(len(self.orgs), self.n))


def _whole(name: str, value, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise AllocationError(f"{name} must be a whole number, got {value!r}")
    if value < 0:
        raise AllocationError(f"{name} must not be negative, got {value}")
    return int(value)


def _prepare(problem: AllocationProblem) -> _Prepared:
    places = _whole("places", problem.places)
    if places is None:  # pragma: no cover - _whole returns an int here
        raise AllocationError("places is required")
    _whole("min_per_specialty", problem.min_per_specialty)
    _whole("max_per_specialty", problem.max_per_specialty, allow_none=True)
    offers = list(problem.offers)
    keys = set()
    for offer in offers:
        if offer.key in keys:
            raise AllocationError(f"offer {offer.key!r} appears twice")
        keys.add(offer.key)
        _whole(f"capacity of offer {offer.key}", offer.capacity)
        _whole(f"last year's places of offer {offer.key}", offer.previous)
    demand_by: dict[str, SpecialtyDemand] = {}
    for item in problem.demand:
        if item.specialty in demand_by:
            raise AllocationError(f"specialty {item.specialty} has two demand figures")
        if not math.isfinite(item.demand) or item.demand < 0:
            raise AllocationError(f"demand of specialty {item.specialty} must be a non-negative number")
        if not math.isfinite(item.weight) or item.weight < 0:
            raise AllocationError(f"weight of specialty {item.specialty} must be a non-negative number")
        demand_by[item.specialty] = item
    for name, overrides in (("minimum", problem.specialty_min), ("maximum", problem.specialty_max)):
        for code, value in overrides.items():
            _whole(f"{name} of specialty {code}", value)
    for key, value in problem.organization_capacity.items():
        _whole(f"remaining capacity of organisation {key}", value)

    offered = {o.specialty for o in offers}
    codes = sorted(offered | set(demand_by) | set(problem.specialty_min) | set(problem.specialty_max))
    index = {code: k for k, code in enumerate(codes)}
    lo = np.zeros(len(codes))
    hi = np.full(len(codes), np.inf)
    for k, code in enumerate(codes):
        if code in offered:
            lo[k] = problem.min_per_specialty
            if problem.max_per_specialty is not None:
                hi[k] = problem.max_per_specialty
        if code in problem.specialty_min:
            lo[k] = problem.specialty_min[code]
        if code in problem.specialty_max:
            hi[k] = problem.specialty_max[code]
    orgs = sorted({o.organization for o in offers if o.organization in problem.organization_capacity}, key=str)
    org_index = {key: g for g, key in enumerate(orgs)}
    labels = {item.specialty: item.label for item in problem.demand if item.label}
    return _Prepared(
        problem=problem, offers=offers, codes=codes, index=index,
        of=np.array([index[o.specialty] for o in offers], dtype=np.int64),
        cap=np.array([o.capacity for o in offers], dtype=float),
        prev=np.array([o.previous for o in offers], dtype=float),
        demand=np.floor(np.array([demand_by[c].demand if c in demand_by else 0.0 for c in codes]) + 0.5),
        weight=np.array([demand_by[c].weight if c in demand_by else 1.0 for c in codes]),
        lo=lo, hi=hi, orgs=orgs,
        org_of=np.array([org_index.get(o.organization, -1) for o in offers], dtype=np.int64),
        org_rem=np.array([problem.organization_capacity[key] for key in orgs], dtype=float),
        labels=labels,
    )


# ---------------------------------------------------------------------------------------- diagnosis
def _specialty_capacity(p: _Prepared, caps: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per specialty: its offers' licensed capacity, and that capacity limited by organisations' remaining one."""
    caps = p.cap if caps is None else caps
    licensed = np.bincount(p.of, weights=caps, minlength=p.s) if p.n else np.zeros(p.s)
    limited = licensed.copy()
    if len(p.orgs):
        for k in range(p.s):
            members = np.flatnonzero((p.of == k) & (p.org_of >= 0))
            if not len(members):
                continue
            per_org = np.bincount(p.org_of[members], weights=caps[members], minlength=len(p.orgs))
            touched = np.flatnonzero(per_org > 0)
            limited[k] = licensed[k] - per_org[touched].sum() + np.minimum(per_org[touched], p.org_rem[touched]).sum()
    return licensed, limited


def _total_capacity(p: _Prepared) -> tuple[float, float]:
    licensed = float(p.cap.sum())
    if not len(p.orgs):
        return licensed, licensed
    free = float(p.cap[p.org_of < 0].sum())
    per_org = np.bincount(p.org_of[p.org_of >= 0], weights=p.cap[p.org_of >= 0], minlength=len(p.orgs))
    return licensed, free + float(np.minimum(per_org, p.org_rem).sum())


def group_conflicts(problem: AllocationProblem) -> list[str]:
    """The conflicts visible from group totals alone, in plain words (empty when none is found)."""
    return _group_conflicts(_prepare(problem))


def _group_conflicts(p: _Prepared) -> list[str]:
    N = p.problem.places
    conflicts: list[str] = []
    for k in np.flatnonzero(p.lo > p.hi):
        conflicts.append(f"{p.specialty_label(k)}: its minimum ({_n(p.lo[k])}) exceeds its maximum ({_n(p.hi[k])})")
    total_min = float(p.lo.sum())
    if total_min > N:
        conflicts.append(f"the minimums per specialty (sum {_n(total_min)}) exceed the places ({_n(N)})")
    licensed, limited = _specialty_capacity(p)
    for k in range(p.s):
        if p.lo[k] <= limited[k]:
            continue
        if not np.any(p.of == k):
            conflicts.append(f"{p.specialty_label(k)} needs at least {_n(p.lo[k])} places but has no offer")
        elif limited[k] < licensed[k]:
            conflicts.append(f"{p.specialty_label(k)} needs at least {_n(p.lo[k])} places but its offers' capacity, "
                             f"limited by their organisations' remaining capacity, totals {_n(limited[k])}")
        else:
            conflicts.append(f"{p.specialty_label(k)} needs at least {_n(p.lo[k])} places but its offers' "
                             f"capacity totals {_n(licensed[k])}")
    total_licensed, total_limited = _total_capacity(p)
    if N > 0 and p.n == 0:
        conflicts.append(f"there are no offers to receive the places ({_n(N)})")
    elif N > total_licensed:
        conflicts.append(f"the places ({_n(N)}) exceed the total licensed capacity ({_n(total_licensed)})")
    elif N > total_limited:
        conflicts.append(f"the places ({_n(N)}) exceed the total capacity of the offers limited by their "
                         f"organisations' remaining capacity ({_n(total_limited)})")
    elif p.n:
        upper = np.minimum(p.hi, limited)
        offered = np.bincount(p.of, minlength=p.s) > 0
        most = float(upper[offered].sum())
        if N > most:
            if np.isfinite(p.hi[offered]).all() and np.all(p.hi[offered] <= limited[offered]):
                conflicts.append(f"the maximums per specialty (sum {_n(most)}) are below the places ({_n(N)})")
            else:
                conflicts.append(f"the maximums per specialty, with the offers' capacity where it is lower, allow "
                                 f"at most {_n(most)} places, below the places ({_n(N)})")
    return conflicts


@dataclass(frozen=True)
class _Group:
    kind: str  # "places", "min", "max", "cap", "org"
    index: int


def _feasible(p: _Prepared, groups: Sequence[_Group]) -> bool:
    """Whether some x >= 0 meets the given constraint groups (linear relaxation, exact here)."""
    for g in groups:  # a minimum of a specialty without an offer: an empty row with a positive lower bound
        if g.kind == "min" and p.lo[g.index] > 0 and not np.any(p.of == g.index):
            return False
    if p.n == 0:
        return not any(g.kind == "places" and p.problem.places > 0 for g in groups)
    upper = np.full(p.n, np.inf)
    rows: list[sparse.csr_matrix] = []
    lb: list[float] = []
    ub: list[float] = []
    spec = p.specialty_matrix()
    org = p.org_matrix() if len(p.orgs) else None
    for g in groups:
        if g.kind == "places":
            rows.append(sparse.csr_matrix(np.ones((1, p.n))))
            lb.append(float(p.problem.places))
            ub.append(float(p.problem.places))
        elif g.kind == "cap":
            members = p.of == g.index
            upper[members] = p.cap[members]
        elif g.kind == "min":
            rows.append(spec[g.index])
            lb.append(p.lo[g.index])
            ub.append(np.inf)
        elif g.kind == "max":
            rows.append(spec[g.index])
            lb.append(-np.inf)
            ub.append(p.hi[g.index])
        elif g.kind == "org" and org is not None:
            rows.append(org[g.index])
            lb.append(-np.inf)
            ub.append(p.org_rem[g.index])
    if not rows:
        return True
    result = linprog(np.zeros(p.n), bounds=list(zip(np.zeros(p.n), upper, strict=True)), method="highs",
                     **_constraints_kwargs(sparse.vstack(rows).tocsr(), np.array(lb), np.array(ub)))
    return result.status == 0


def _constraints_kwargs(A: sparse.csr_matrix, lb: np.ndarray, ub: np.ndarray) -> dict:
    """linprog's A_ub/b_ub/A_eq/b_eq from two-sided rows."""
    eq = lb == ub
    parts_ub, bounds_ub = [], []
    upper = ~eq & np.isfinite(ub)
    lower = ~eq & np.isfinite(lb)
    if upper.any():
        parts_ub.append(A[np.flatnonzero(upper)])
        bounds_ub.append(ub[upper])
    if lower.any():
        parts_ub.append(-A[np.flatnonzero(lower)])
        bounds_ub.append(-lb[lower])
    kwargs: dict = {}
    if parts_ub:
        kwargs["A_ub"] = sparse.vstack(parts_ub).tocsr()
        kwargs["b_ub"] = np.concatenate(bounds_ub)
    if eq.any():
        kwargs["A_eq"] = A[np.flatnonzero(eq)]
        kwargs["b_eq"] = ub[eq]
    return kwargs


def _describe(p: _Prepared, group: _Group) -> str:
    k = group.index
    if group.kind == "places":
        return f"all {_n(p.problem.places)} places must be allocated"
    if group.kind == "min":
        return f"{p.specialty_label(k)} needs at least {_n(p.lo[k])} places"
    if group.kind == "max":
        return f"{p.specialty_label(k)} may have at most {_n(p.hi[k])} places"
    if group.kind == "cap":
        total = float(p.cap[p.of == k].sum())
        return f"the offers of {p.specialty_label(k)} have a licensed capacity of {_n(total)}"
    return f"{p.org_label(k)} has {_n(p.org_rem[k])} places of capacity left"


def minimal_conflict(problem: AllocationProblem) -> list[str]:
    """A minimal set of constraint groups that cannot hold together, in plain words.

    Deletion filter, by halves: drop a block of groups; if the rest is still infeasible the block was not
    needed, else split it and try each half, down to single groups, which are kept (about
    ``2 k log2(n)`` feasibility checks for a conflict of ``k`` among ``n`` groups, instead of ``n``).
    Groups: "every place is allocated" (sum x = N), each specialty's minimum and maximum, the licensed
    capacity of each specialty's offers, each organisation's remaining capacity. Empty when all of them
    hold together.
    """
    return _minimal_conflict(_prepare(problem))


def _minimal_conflict(p: _Prepared) -> list[str]:
    groups: list[_Group] = [_Group("places", 0)]
    offered = np.bincount(p.of, minlength=p.s) > 0 if p.n else np.zeros(p.s, bool)
    for k in range(p.s):
        if p.lo[k] > 0:
            groups.append(_Group("min", k))
        if np.isfinite(p.hi[k]) and offered[k]:
            groups.append(_Group("max", k))
        if offered[k]:
            groups.append(_Group("cap", k))
    groups += [_Group("org", g) for g in range(len(p.orgs))]
    if _feasible(p, groups):
        return []
    kept = set(groups)

    def drop(block: list[_Group]) -> None:
        # remove the whole block if the rest stays infeasible; otherwise split it (a singleton that cannot
        # be removed is part of the conflict, and stays so as the rest shrinks: fewer constraints only
        # make the problem more feasible)
        nonlocal kept
        trial = kept.difference(block)
        if not _feasible(p, [g for g in groups if g in trial]):
            kept = trial
        elif len(block) > 1:
            middle = len(block) // 2
            drop(block[:middle])
            drop([g for g in block[middle:] if g in kept])

    drop(list(groups))
    kept = [g for g in groups if g in kept]
    return ["these constraints cannot all hold together: " + "; ".join(_describe(p, g) for g in kept)]


# ---------------------------------------------------------------------------------------- solve
def solve(problem: AllocationProblem, *, time_limit: float = DEFAULT_TIME_LIMIT, stability: bool = True
          ) -> AllocationResult:
    """The allocation with the least weighted unmet demand, and among those the closest to last year's.

    Raises AllocationInfeasible naming the conflicting constraints, AllocationError for a malformed problem
    or a solver failure.
    """
    started = time.perf_counter()
    p = _prepare(problem)
    conflicts = _group_conflicts(p)
    if conflicts:
        raise AllocationInfeasible(conflicts)
    n, s, N = p.n, p.s, problem.places
    if n == 0:  # nothing to allocate to, and nothing to allocate (else a group conflict was raised)
        return _result(p, np.zeros(0), "optimal", time.perf_counter() - started)

    spec = p.specialty_matrix()
    eye_s = sparse.identity(s, format="csr")
    # variables: [x (n) | u (s)]
    rows = [
        sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, s))]),  # sum x = N
        sparse.hstack([spec, eye_s]),  # X_s + u_s >= D_s
        sparse.hstack([spec, sparse.csr_matrix((s, s))]),  # min_s <= X_s <= max_s
    ]
    lb = [np.array([N], float), p.demand, p.lo]
    ub = [np.array([N], float), np.full(s, np.inf), p.hi]
    if len(p.orgs):
        rows.append(sparse.hstack([p.org_matrix(), sparse.csr_matrix((len(p.orgs), s))]))
        lb.append(np.full(len(p.orgs), -np.inf))
        ub.append(p.org_rem)
    A = sparse.vstack(rows).tocsr()
    lower_b, upper_b = np.concatenate(lb), np.concatenate(ub)
    cost = np.concatenate([np.zeros(n), p.weight])
    integrality = np.concatenate([np.ones(n), np.zeros(s)])
    bounds = Bounds(np.zeros(n + s), np.concatenate([p.cap, np.full(s, np.inf)]))
    options = {"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": True}
    first = milp(cost, integrality=integrality, bounds=bounds,
                 constraints=LinearConstraint(A, lower_b, upper_b), options=options)
    if first.status == 2:
        raise AllocationInfeasible(_minimal_conflict(p) or [
            "the solver found no allocation that meets every constraint"])
    if first.x is None or first.status not in (0,):
        raise AllocationError(f"the solver stopped without an allocation: {first.message}")
    x = np.round(first.x[:n])
    optimum = float(first.fun)

    if stability and p.prev.any():
        # second solve: hold the weighted unmet demand at its optimum, minimise sum |x - prev|
        # variables: [x (n) | u (s) | plus (n) | minus (n)]
        tolerance = 1e-7 * max(1.0, abs(optimum)) + 1e-9
        eye_n = sparse.identity(n, format="csr")
        zero_ns = sparse.csr_matrix((n, s))
        widened = sparse.hstack([A, sparse.csr_matrix((A.shape[0], 2 * n))])
        rows2 = [
            widened,
            sparse.hstack([eye_n, zero_ns, -eye_n, eye_n]),  # x - plus + minus = prev
            sparse.hstack([sparse.csr_matrix((1, n)), sparse.csr_matrix(p.weight.reshape(1, -1)),
                           sparse.csr_matrix((1, 2 * n))]),  # weighted unmet <= optimum
        ]
        A2 = sparse.vstack(rows2).tocsr()
        lb2 = np.concatenate([lower_b, p.prev, [-np.inf]])
        ub2 = np.concatenate([upper_b, p.prev, [optimum + tolerance]])
        cost2 = np.concatenate([np.zeros(n + s), np.ones(2 * n)])
        integrality2 = np.concatenate([np.ones(n), np.zeros(s + 2 * n)])
        bounds2 = Bounds(np.zeros(3 * n + s), np.concatenate([p.cap, np.full(s + 2 * n, np.inf)]))
        second = milp(cost2, integrality=integrality2, bounds=bounds2,
                      constraints=LinearConstraint(A2, lb2, ub2), options=options)
        if second.x is not None and second.status in (0, 1):  # optimal, or the best found within the time limit
            x = np.round(second.x[:n])
        # otherwise (no solution within the time limit: not expected) the first solve's allocation stands
    return _result(p, x, "optimal", time.perf_counter() - started)


def _result(p: _Prepared, x: np.ndarray, status: str, seconds: float) -> AllocationResult:
    x = x.astype(np.int64)
    allocated = np.bincount(p.of, weights=x, minlength=p.s).astype(np.int64) if p.n else np.zeros(p.s, np.int64)
    previous = np.bincount(p.of, weights=p.prev, minlength=p.s).astype(np.int64) if p.n else np.zeros(p.s, np.int64)
    _, capacity = _specialty_capacity(p)
    unmet = np.maximum(p.demand - allocated, 0.0)
    specialties = {
        code: SpecialtyOutcome(
            specialty=code, demand=float(p.demand[k]), weight=float(p.weight[k]), previous=int(previous[k]),
            places=int(allocated[k]), unmet=float(unmet[k]), minimum=int(p.lo[k]),
            maximum=None if not np.isfinite(p.hi[k]) else int(p.hi[k]), capacity=int(capacity[k]),
        )
        for k, code in enumerate(p.codes)
    }
    return AllocationResult(
        places={offer.key: int(v) for offer, v in zip(p.offers, x, strict=True)},
        specialties=specialties,
        objective=float(np.dot(p.weight, unmet)),
        deviation=int(np.abs(x - p.prev).sum()) if p.n else 0,
        status=status,
        seconds=seconds,
    )


# ---------------------------------------------------------------------------------------- baselines
def relaxed(problem: AllocationProblem) -> AllocationResult:
    """The linear relaxation (``linprog(method="highs")``) rounded by largest remainders within each offer's
    room; a baseline for the benchmark. Rounding keeps ``sum x = N`` and each capacity, not necessarily the
    specialty bounds: the result is checked and an AllocationError raised if a bound is broken."""
    started = time.perf_counter()
    p = _prepare(problem)
    conflicts = _group_conflicts(p)
    if conflicts:
        raise AllocationInfeasible(conflicts)
    n, s, N = p.n, p.s, problem.places
    spec = p.specialty_matrix()
    rows = [sparse.hstack([sparse.csr_matrix(np.ones((1, n))), sparse.csr_matrix((1, s))]),
            sparse.hstack([spec, sparse.identity(s, format="csr")]),
            sparse.hstack([spec, sparse.csr_matrix((s, s))])]
    lb = [np.array([N], float), p.demand, p.lo]
    ub = [np.array([N], float), np.full(s, np.inf), p.hi]
    if len(p.orgs):
        rows.append(sparse.hstack([p.org_matrix(), sparse.csr_matrix((len(p.orgs), s))]))
        lb.append(np.full(len(p.orgs), -np.inf))
        ub.append(p.org_rem)
    result = linprog(np.concatenate([np.zeros(n), p.weight]),
                     bounds=list(zip(np.zeros(n + s), np.concatenate([p.cap, np.full(s, np.inf)]), strict=True)),
                     method="highs",
                     **_constraints_kwargs(sparse.vstack(rows).tocsr(), np.concatenate(lb), np.concatenate(ub)))
    if result.status != 0:
        raise AllocationError(f"the linear relaxation failed: {result.message}")
    x = _round_to_total(result.x[:n], p.cap, N)
    return _result(p, x, "relaxed", time.perf_counter() - started)


def _round_to_total(values: np.ndarray, cap: np.ndarray, total: int) -> np.ndarray:
    """Floor every value, then hand the missing units to the largest remainders that still have room."""
    floors = np.floor(values + 1e-9)
    missing = int(round(total - floors.sum()))
    remainders = values - floors
    order = np.lexsort((np.arange(len(values)), -remainders))
    for i in order:
        if missing <= 0:
            break
        if floors[i] < cap[i]:
            floors[i] += 1
            missing -= 1
    return floors


def greedy(problem: AllocationProblem) -> AllocationResult:
    """A simple baseline: minimums first, then one place at a time to the specialty with the largest weighted
    remaining demand (ties: last year's offers first); leftovers where there is room. No optimality claim."""
    started = time.perf_counter()
    p = _prepare(problem)
    conflicts = _group_conflicts(p)
    if conflicts:
        raise AllocationInfeasible(conflicts)
    x = np.zeros(p.n)
    room = p.cap.copy()
    org_room = p.org_rem.copy()
    by_spec = [sorted(np.flatnonzero(p.of == k), key=lambda i: (-p.prev[i], i)) for k in range(p.s)]
    allocated = np.zeros(p.s)

    def give(k: int, count: int) -> int:
        given = 0
        for i in by_spec[k]:
            if given >= count:
                break
            limit = room[i]
            if p.org_of[i] >= 0:
                limit = min(limit, org_room[p.org_of[i]])
            take = int(min(limit, count - given))
            if take <= 0:
                continue
            x[i] += take
            room[i] -= take
            if p.org_of[i] >= 0:
                org_room[p.org_of[i]] -= take
            given += take
        allocated[k] += given
        return given

    left = problem.places
    for k in range(p.s):
        left -= give(k, int(p.lo[k]))
    while left > 0:
        need = p.weight * np.maximum(p.demand - allocated, 0.0)
        need[allocated >= p.hi] = -1
        order = np.lexsort((np.arange(p.s), -need))
        for k in order:
            if need[k] < 0:
                continue
            step = int(max(1, min(left, math.ceil(max(p.demand[k] - allocated[k], 1)))))
            step = int(min(step, p.hi[k] - allocated[k])) if np.isfinite(p.hi[k]) else step
            got = give(int(k), step)
            if got:
                left -= got
                break
        else:
            raise AllocationError("the greedy baseline could not place every place")
    return _result(p, x, "greedy", time.perf_counter() - started)


def check(problem: AllocationProblem, result: AllocationResult) -> list[str]:
    """The constraints ``result`` breaks (empty when it meets them all): for tests and the benchmark."""
    p = _prepare(problem)
    x = np.array([result.places[o.key] for o in p.offers], dtype=float)
    problems = []
    if int(x.sum()) != problem.places:
        problems.append(f"places sum to {int(x.sum())}, not {problem.places}")
    if np.any(x < 0) or np.any(x > p.cap):
        problems.append("an offer's places are outside 0..capacity")
    X = np.bincount(p.of, weights=x, minlength=p.s) if p.n else np.zeros(p.s)
    for k in range(p.s):
        if X[k] < p.lo[k] or X[k] > p.hi[k]:
            problems.append(f"{p.specialty_label(k)} has {int(X[k])} places outside {p.lo[k]:g}..{p.hi[k]:g}")
    if len(p.orgs):
        used = np.bincount(p.org_of[p.org_of >= 0], weights=x[p.org_of >= 0], minlength=len(p.orgs))
        for g in np.flatnonzero(used > p.org_rem):
            problems.append(f"{p.org_label(g)} has {int(used[g])} places above its {int(p.org_rem[g])}")
    return problems


def offers_from(rows: Iterable[Mapping]) -> tuple[OfferInput, ...]:
    """OfferInput records from mappings with keys key, specialty, capacity, previous, organization."""
    return tuple(OfferInput(key=r["key"], specialty=str(r["specialty"]), capacity=int(r["capacity"]),
                            previous=int(r.get("previous", 0)), organization=r.get("organization"),
                            label=str(r.get("label", ""))) for r in rows)

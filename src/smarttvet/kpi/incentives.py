"""KPI-based incentive payments from a yearly pool: a pure module (no Django), exact arithmetic.

The rule (docs/methodology/kpi-incentives.en.md gives it with a worked example):

1. **Eligibility.** A director is eligible when the overall KPI attainment ``a`` is known and ``a >= threshold``;
   everyone else gets nothing (the reason is kept: no attainment, or below the threshold).
2. **Base share.** Each eligible director's base share of the pool ``P`` is proportional to the attainment:
   ``base_i = P * a_i / sum(a_j over the eligible)``.
3. **Cap and redistribution** ("water-filling"). Nobody receives more than the cap ``C`` (whole tenge per
   organisation). The payments before rounding are ``x_i = min(C, lambda * a_i)`` with the one ``lambda`` that
   spends the pool: computed by capping, in rounds, everyone whose share reaches the cap and sharing what is left
   among the others in proportion to their attainment again. When everybody eligible is capped the rest of the
   pool is not spent (the total is then ``C`` times the number of eligible directors).
4. **Rounding to whole tenge** (largest remainder): everyone gets ``floor(x_i)``; the tenge still missing to the
   total (``P``, or the capped total) go one each to the largest fractional parts (ties: the larger ``x_i``, then
   the smaller key). So the payments sum to exactly the total - never more than the pool - and no one passes the
   cap.

Properties (tested with Hypothesis): the payments sum to at most the pool, and exactly to it when the eligible
directors' caps allow; each payment is at most the cap; nothing is paid below the threshold; and a higher
attainment never receives less - neither between two directors of one allocation nor for one director whose
attainment rises while everything else stays the same (rounding included).

With separate pools per league each league is allocated on its own: money left in one league by the cap is
not moved to another.

Arithmetic is exact (``fractions.Fraction``): attainments are read through their decimal text, so 0.1 is one
tenth, and no floating-point error can add a tenge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

# Reasons a director receives nothing (presentation layers translate them).
NO_ATTAINMENT = "no_attainment"
BELOW_THRESHOLD = "below_threshold"
NO_POOL = "no_pool"  # the director's league has no pool


class IncentiveError(ValueError):
    """Bad parameters of an allocation; ``field`` names the parameter."""

    def __init__(self, field_name: str, message: str):
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class Candidate:
    key: str  # a stable identifier (organisation id as text); ties in rounding go to the smaller key
    attainment: float | None
    group: str = ""  # the league, when pools are per league


@dataclass(frozen=True)
class Params:
    pool: int  # whole tenge
    threshold: float = 0.5
    cap: int | None = None  # whole tenge per organisation; None: no cap
    group_pools: Mapping[str, int] | None = None  # per league; None: one pool for everybody


@dataclass
class Payment:
    key: str
    group: str
    attainment: float | None
    eligible: bool
    reason: str = ""  # why not eligible
    base_share: Fraction = Fraction(0)  # pool * a / sum(a), before the cap
    before_rounding: Fraction = Fraction(0)  # after the cap and the redistribution
    capped: bool = False
    amount: int = 0  # whole tenge
    rounded_up: bool = False  # got one of the tenge left by rounding down

    @property
    def redistribution(self) -> Fraction:
        """What the cap and the redistribution changed (negative: cut by the cap)."""
        return self.before_rounding - self.base_share

    @property
    def rounding(self) -> Fraction:
        return self.amount - self.before_rounding


@dataclass
class GroupResult:
    group: str
    pool: int
    paid: int
    eligible: int
    capped: int
    rounds: int  # redistribution rounds

    @property
    def unspent(self) -> int:
        return self.pool - self.paid


@dataclass
class Allocation:
    params: Params
    payments: list[Payment] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def pool(self) -> int:
        return sum(g.pool for g in self.groups) if self.params.group_pools is not None else self.params.pool

    @property
    def unspent(self) -> int:
        return self.pool - self.total

    def by_key(self) -> dict[str, Payment]:
        return {p.key: p for p in self.payments}


def exact(value: float | int | Fraction) -> Fraction:
    """A number as an exact fraction, read through its shortest decimal text (0.1 is one tenth)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(repr(float(value)))


def _whole(name: str, value, *, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise IncentiveError(name, f"must be a whole number of tenge, not {value!r}")
    if value < 0:
        raise IncentiveError(name, f"must not be negative, not {value}")
    return value


def check_params(params: Params) -> None:
    """Raise IncentiveError unless the parameters make sense."""
    _whole("pool", params.pool)
    _whole("cap", params.cap, allow_none=True)
    threshold = params.threshold
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not math.isfinite(threshold):
        raise IncentiveError("threshold", f"must be a number, not {threshold!r}")
    if threshold < 0 or threshold > 10:
        raise IncentiveError("threshold", f"must be between 0 and 10, not {threshold}")
    if params.group_pools is not None:
        if not params.group_pools:
            raise IncentiveError("group_pools", "name at least one league")
        for group, amount in params.group_pools.items():
            _whole(f"group_pools.{group}", amount)
        if sum(params.group_pools.values()) != params.pool:
            raise IncentiveError("group_pools", f"the league pools sum to {sum(params.group_pools.values())}, "
                                                f"not to the pool {params.pool}")


def _water_fill(pool: Fraction, weights: dict[str, Fraction], cap: Fraction | None) -> tuple[dict[str, Fraction],
                                                                                            set[str], int]:
    """``x_i = min(cap, lambda * w_i)`` summing to ``pool`` (or everyone at the cap). Returns the amounts, who is
    capped and the number of rounds."""
    active = {k: w for k, w in weights.items() if w > 0}
    amounts = {k: Fraction(0) for k in weights}
    capped: set[str] = set()
    remaining = pool
    rounds = 0
    while active:
        rounds += 1
        total = sum(active.values())
        scale = remaining / total
        reached = [k for k, w in active.items() if cap is not None and scale * w >= cap]
        if not reached:
            for k, w in active.items():
                amounts[k] = scale * w
            break
        for k in reached:
            amounts[k] = cap
            capped.add(k)
            remaining -= cap
            del active[k]
    return amounts, capped, rounds


def _round(amounts: dict[str, Fraction], total: int, cap: int | None) -> dict[str, int]:
    """Whole tenge by the largest remainder, summing to ``total`` (at most the sum of ``amounts`` rounded)."""
    floors = {k: math.floor(v) for k, v in amounts.items()}
    left = total - sum(floors.values())
    order = sorted((k for k in amounts if cap is None or floors[k] < cap),
                   key=lambda k: (-(amounts[k] - floors[k]), -amounts[k], k))
    result = dict(floors)
    for k in order[:max(left, 0)]:
        result[k] += 1
    return result


def _allocate_group(group: str, pool: int, candidates: Sequence[Candidate], params: Params,
                    payments: dict[str, Payment]) -> GroupResult:
    threshold = exact(params.threshold)
    weights: dict[str, Fraction] = {}
    for c in candidates:
        payment = payments[c.key]
        if c.attainment is None or (isinstance(c.attainment, float) and not math.isfinite(c.attainment)):
            payment.reason = NO_ATTAINMENT
            continue
        a = exact(c.attainment)
        if a < threshold or a <= 0:
            payment.reason = BELOW_THRESHOLD
            continue
        payment.eligible = True
        weights[c.key] = a
    total_weight = sum(weights.values())
    cap = Fraction(params.cap) if params.cap is not None else None
    for k, w in weights.items():
        payments[k].base_share = Fraction(pool) * w / total_weight
    amounts, capped, rounds = _water_fill(Fraction(pool), weights, cap)
    spend = pool if not weights or len(capped) < len(weights) else min(pool, params.cap * len(weights))
    if not weights:
        spend = 0
    rounded = _round(amounts, spend, params.cap)
    for k in weights:
        p = payments[k]
        p.before_rounding = amounts[k]
        p.capped = k in capped
        p.amount = rounded[k]
        p.rounded_up = rounded[k] > math.floor(amounts[k])
    return GroupResult(group=group, pool=pool, paid=sum(rounded.values()), eligible=len(weights),
                       capped=len(capped), rounds=rounds)


def allocate(candidates: Iterable[Candidate], params: Params) -> Allocation:
    """Each candidate's payment (see the module's description). Candidates keep their order."""
    check_params(params)
    candidates = list(candidates)
    keys = [c.key for c in candidates]
    if len(set(keys)) != len(keys):
        raise IncentiveError("candidates", "each candidate needs its own key")
    payments = {c.key: Payment(key=c.key, group=c.group, attainment=c.attainment, eligible=False)
                for c in candidates}
    allocation = Allocation(params=params)
    if params.group_pools is None:
        allocation.groups.append(_allocate_group("", params.pool, candidates, params, payments))
    else:
        for group, pool in params.group_pools.items():
            members = [c for c in candidates if c.group == group]
            allocation.groups.append(_allocate_group(group, pool, members, params, payments))
        for c in candidates:
            if c.group not in params.group_pools:
                payments[c.key].reason = NO_POOL
    allocation.payments = [payments[k] for k in keys]
    return allocation

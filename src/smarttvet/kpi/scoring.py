"""KPI attainment: a pure module (no Django). The rules are in docs/methodology/kpi-incentives.en.md.

Per KPI, with ``sign`` +1 when higher is better and -1 when lower is better, a threshold ``t`` (the minimum) and a
target ``T`` (``sign * (T - t) > 0``)::

    attainment = clip((value - t) / (T - t), 0, cap)

0 at or below the threshold, 1 at the target, linear between them, and above the target up to ``cap`` (1.2 by
default: overachievement counts, a little). Overall attainment is the weighted mean of the KPIs that have a
value, their weights rescaled to sum to 1 (**reweight**) - provided the KPIs with a value carry at least
``min_coverage`` of the total weight; otherwise there is no overall attainment ("insufficient data") and the
director is not eligible for an incentive payment. A KPI without data is never counted as 0: the director is not
responsible for a gap in the platform's records, and the coverage floor keeps a scorecard from resting on one
or two KPIs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

INCREASE = "increase"
DECREASE = "decrease"
DIRECTIONS = (INCREASE, DECREASE)
DECIMALS = 4  # attainments are stored and compared rounded to this many decimals


@dataclass(frozen=True)
class KpiRule:
    code: str
    direction: str
    threshold: float
    target: float
    weight: float

    def check(self) -> None:
        if self.direction not in DIRECTIONS:
            raise ValueError(f"{self.code}: direction must be increase or decrease, not {self.direction!r}")
        for name in ("threshold", "target", "weight"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
                raise ValueError(f"{self.code}: {name} must be a number, not {value!r}")
        if self.weight <= 0:
            raise ValueError(f"{self.code}: weight must be positive, not {self.weight}")
        sign = 1 if self.direction == INCREASE else -1
        if sign * (self.target - self.threshold) <= 0:
            better = "above" if sign > 0 else "below"
            raise ValueError(f"{self.code}: the target must lie {better} the threshold "
                             f"(threshold {self.threshold}, target {self.target})")


def kpi_attainment(rule: KpiRule, value: float | None, cap: float = 1.2) -> float | None:
    """The attainment of one KPI (None without a value)."""
    if value is None or not math.isfinite(value):
        return None
    share = (value - rule.threshold) / (rule.target - rule.threshold)  # the sign of direction is in the ratio
    return round(min(max(share, 0.0), cap), DECIMALS)


@dataclass(frozen=True)
class Overall:
    attainment: float | None  # None: insufficient data
    coverage: float  # share of the total weight with a value
    used_weights: dict[str, float]  # the reweighted weight of each KPI with a value


def overall(rules: Sequence[KpiRule], attainments: dict[str, float | None], min_coverage: float) -> Overall:
    """The weighted mean of the KPI attainments with a value (see the module's description)."""
    total = sum(r.weight for r in rules)
    present = [r for r in rules if attainments.get(r.code) is not None]
    have = sum(r.weight for r in present)
    coverage = round(have / total, DECIMALS) if total else 0.0
    if not present or coverage + 1e-12 < min_coverage:
        return Overall(None, coverage, {})
    used = {r.code: r.weight / have for r in present}
    value = sum(used[r.code] * attainments[r.code] for r in present)
    return Overall(round(value, DECIMALS), coverage, {k: round(v, 6) for k, v in used.items()})

"""Indicator status from actuals against the expected path to the target, and roll-ups. Pure functions.

The expected path runs in straight lines from the baseline (year, value) through each year's target; before
the first point it is the first point's value and after the last one the last target. For the year assessed
(by default the latest year with an actual after the baseline), with ``sign`` +1 when higher is better and -1
when lower is better:

* **achieved**: the actual meets the final target (``sign * (actual - final) >= 0``);
* **on track**: it meets the expected value of that year;
* **at risk**: it falls short of the expected value by at most ``AT_RISK_TOLERANCE`` (a quarter) of the
  planned change ``|final - start|`` (``start`` is the baseline, or the first target without one; when the
  planned change is 0 the scale is ``|final|``, or 1);
* **off track**: it falls short by more;
* **no data**: no target, or no actual for the year assessed.

Boundaries belong to the better status (exactly on the path is on track; a shortfall of exactly a quarter
is at risk). Comparisons allow a relative rounding error of 1e-9.

Roll-up (objectives, goals, the plan) over the children that have a status other than no data: achieved if
all are achieved; otherwise by the mean score (achieved and on track 1, at risk 0.5, off track 0): on track
from ``ON_TRACK_SCORE`` (0.8), at risk from ``AT_RISK_SCORE`` (0.4), else off track.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

ACHIEVED = "achieved"
ON_TRACK = "on_track"
AT_RISK = "at_risk"
OFF_TRACK = "off_track"
NO_DATA = "no_data"
STATUSES = (ACHIEVED, ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA)

AT_RISK_TOLERANCE = 0.25
ON_TRACK_SCORE = 0.8
AT_RISK_SCORE = 0.4
SCORES = {ACHIEVED: 1.0, ON_TRACK: 1.0, AT_RISK: 0.5, OFF_TRACK: 0.0}
EPSILON = 1e-9


@dataclass(frozen=True)
class Assessment:
    status: str
    year: int | None = None
    actual: float | None = None
    expected: float | None = None
    final_target: float | None = None
    final_year: int | None = None
    shortfall: float | None = None  # share of the planned change still missing against the path (<=0: none)
    progress: float | None = None  # share of the planned change achieved (1 = final target reached)
    expected_progress: float | None = None  # share the path expects by ``year``


def _sign(direction: str) -> int:
    if direction not in ("increase", "decrease"):
        raise ValueError(f"direction must be 'increase' or 'decrease', not {direction!r}")
    return 1 if direction == "increase" else -1


def _meets(sign: int, value: float, reference: float) -> bool:
    return sign * (value - reference) >= -EPSILON * max(1.0, abs(reference))


def path_points(baseline_year: int | None, baseline_value: float | None,
                targets: Mapping[int, float]) -> list[tuple[int, float]]:
    """The points of the expected path: the baseline (if complete and before the targets) and each target."""
    points = sorted((int(y), float(v)) for y, v in targets.items() if v is not None)
    if baseline_year is not None and baseline_value is not None:
        points = [(int(baseline_year), float(baseline_value))] + [p for p in points if p[0] > baseline_year]
    return points


def expected_value(points: list[tuple[int, float]], year: int) -> float | None:
    """The value of the expected path in ``year`` (see the module's description)."""
    if not points:
        return None
    if year <= points[0][0]:
        return points[0][1]
    for (y0, v0), (y1, v1) in zip(points, points[1:], strict=False):
        if year <= y1:
            return v0 + (v1 - v0) * (year - y0) / (y1 - y0)
    return points[-1][1]


def assess(*, direction: str, baseline_year: int | None, baseline_value: float | None,
           targets: Mapping[int, float], actuals: Mapping[int, float | None], year: int | None = None) -> Assessment:
    """The status of one indicator in ``year`` (default: its latest year with an actual after the baseline)."""
    sign = _sign(direction)
    points = path_points(baseline_year, baseline_value, targets)
    has_targets = any(v is not None for v in targets.values())
    if not has_targets:
        return Assessment(NO_DATA, year=year)
    final_year, final = points[-1]
    if year is None:
        measured = [y for y, v in actuals.items() if v is not None
                    and (baseline_year is None or baseline_value is None or y > baseline_year)]
        if not measured:
            return Assessment(NO_DATA, final_target=final, final_year=final_year)
        year = max(measured)
    actual = actuals.get(year)
    if actual is None:
        return Assessment(NO_DATA, year=year, final_target=final, final_year=final_year)
    actual = float(actual)
    expected = expected_value(points, year)
    start = points[0][1]
    change = final - start
    scale = abs(change) or abs(final) or 1.0
    shortfall = sign * (expected - actual) / scale
    progress = (actual - start) / change if change else None
    expected_progress = (expected - start) / change if change else None
    common = dict(year=year, actual=actual, expected=expected, final_target=final, final_year=final_year,
                  shortfall=shortfall, progress=progress, expected_progress=expected_progress)
    if _meets(sign, actual, final):
        return Assessment(ACHIEVED, **common)
    if _meets(sign, actual, expected):
        return Assessment(ON_TRACK, **common)
    if shortfall <= AT_RISK_TOLERANCE + EPSILON:
        return Assessment(AT_RISK, **common)
    return Assessment(OFF_TRACK, **common)


def rollup(statuses: Iterable[str]) -> str:
    """One status for a group of statuses (see the module's description)."""
    measured = [s for s in statuses if s != NO_DATA]
    for status in measured:
        if status not in SCORES:
            raise ValueError(f"unknown status {status!r}")
    if not measured:
        return NO_DATA
    if all(s == ACHIEVED for s in measured):
        return ACHIEVED
    score = sum(SCORES[s] for s in measured) / len(measured)
    if score >= ON_TRACK_SCORE - EPSILON:
        return ON_TRACK
    if score >= AT_RISK_SCORE - EPSILON:
        return AT_RISK
    return OFF_TRACK


def counts(statuses: Iterable[str]) -> dict[str, int]:
    result = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        result[status] += 1
    return result

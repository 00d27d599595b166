"""Pure scoring rules of the reserve selection (no Django): a candidate's stage score from several assessors,
the spread flag, the advancement decision at the pass mark and the seats, and the weighted total.

* **Stage score**: the mean of the assessors' scores. With four or more assessors the highest and the lowest
  score are left out first (a trimmed mean), so one outlier cannot move the result alone.
* **Spread**: the highest minus the lowest score. It is flagged for review when it exceeds
  ``spread_threshold × maximum score`` (e.g. 20 % of 100 = 20 points): the result then waits for the committee.
* **Advancement**: a candidate passes at ``score >= pass_mark``. When the next stage has ``seats``, only the best
  ``seats`` of those above the pass mark advance (ties broken by the earlier application, i.e. the smaller id);
  the others drop with the reason "above the pass mark, outside the seats".
* **Weighted total**: each stage score as a percentage of its maximum, averaged with the stages' weights (0-100).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

TRIM_FROM = 4  # assessors from which the highest and lowest scores are left out

# reason codes of a decision (the pages translate them; the stored reason is the English sentence)
PASSED = "passed"
BELOW_PASS_MARK = "below_pass_mark"
OUTSIDE_SEATS = "outside_seats"


def stage_score(scores: Sequence[float]) -> float:
    """The mean of the assessors' scores (trimmed with ``TRIM_FROM`` or more). ValueError without scores."""
    if not scores:
        raise ValueError("no scores")
    values = sorted(float(s) for s in scores)
    if len(values) >= TRIM_FROM:
        values = values[1:-1]
    return sum(values) / len(values)


def spread(scores: Sequence[float]) -> float:
    return float(max(scores)) - float(min(scores)) if scores else 0.0


def is_flagged(scores: Sequence[float], max_score: float, threshold: float) -> bool:
    """Whether the assessors disagree by more than ``threshold`` (a share) of the maximum score."""
    return len(scores) > 1 and spread(scores) > threshold * float(max_score) + 1e-9


@dataclass(frozen=True)
class Decision:
    key: int  # the caller's identifier (an application id)
    passed: bool
    code: str
    reason: str
    place: int | None  # 1-based place among those above the pass mark


def decide(scores: dict[int, float], pass_mark: float, seats: int | None = None) -> list[Decision]:
    """Pass or drop each candidate (``{application id: stage score}``) at the pass mark and the seats."""
    above = sorted((key for key, score in scores.items() if score >= float(pass_mark) - 1e-9),
                   key=lambda key: (-scores[key], key))
    place = {key: i + 1 for i, key in enumerate(above)}
    decisions = []
    for key in sorted(scores):
        score = scores[key]
        if key not in place:
            decisions.append(Decision(key, False, BELOW_PASS_MARK,
                                      f"score {score:.1f} below the pass mark {float(pass_mark):.1f}", None))
        elif seats is not None and place[key] > seats:
            decisions.append(Decision(key, False, OUTSIDE_SEATS,
                                      f"score {score:.1f} above the pass mark, but place {place[key]} is outside "
                                      f"the {seats} seats of the next stage", place[key]))
        else:
            decisions.append(Decision(key, True, PASSED,
                                      f"score {score:.1f} at or above the pass mark {float(pass_mark):.1f}"
                                      + (f", place {place[key]} of {seats} seats" if seats is not None else ""),
                                      place[key]))
    return decisions


def weighted_total(parts: Sequence[tuple[float, float, float]]) -> float:
    """``parts``: (score, maximum, weight) per stage -> the weighted mean of the percentages (0-100)."""
    weights = sum(float(w) for _s, _m, w in parts)
    if weights <= 0:
        raise ValueError("the weights sum to zero")
    return sum(100.0 * float(s) / float(m) * float(w) for s, m, w in parts) / weights

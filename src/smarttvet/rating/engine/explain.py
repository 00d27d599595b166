"""One unit's rating explained: what helps and hurts it, what it takes to move up, and what-if.

Helps and hurts. The unit is compared with the median unit of its own league and of the next league
up. For each indicator the *impact* is the unit's contribution to the score minus the median
contribution in the reference league (both on the output scale, see ``aggregate``): positive impacts
help the unit, negative ones hurt it; the largest of each are listed. In a wholly arithmetic
methodology the impact is the weighted gap in normalised values.

What it takes. For each indicator alone, the smallest change of its *raw* value that puts the unit in
the next league up (or higher), everything else unchanged. The league of the unit is evaluated by the
full pipeline (clipping at goalposts and targets, winsorisation, data-derived normalisation, ranks,
gates), as a function of the raw value ``v``. The search assumes that improving ``v`` never lowers the
unit's league (true for score thresholds and ``at_least`` gates on positive indicators, and their
mirror for negative ones). It looks between the current value and the best value that can still matter:
  * the upper goalpost (the lower one for a negative indicator) or the target, beyond which the
    normalised value no longer changes;
  * for data-derived normalisations, the best value observed among the rated units (beyond it, a larger
    value would only push the other units down);
  * any gate threshold on the indicator, which may lie beyond those.
If the best value does not lift the unit, the league is "not reachable by this indicator alone".
Otherwise bisection on the raw value narrows the step from "does not lift" to "lifts" down to two
adjacent floating-point numbers, and the "lifts" end is reported; a missing value is searched from
the worst end of the same range.

What-if. ``what_if`` recomputes the whole run with some raw values of one unit replaced and returns
the new score, rank and league; nothing is stored. Normalisation parameters that come from the data
(minmax, zscore, rank, winsorisation quantiles, mean imputation) are recomputed from the run's data
with the unit's values replaced - the unit is judged as if it had reported those values, the only
reading under which a what-if equals what the next real run would give.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from smarttvet.rating.engine.compute import NOMINAL, Dataset, Pipeline, RunResult, compute
from smarttvet.rating.engine.errors import DataError
from smarttvet.rating.engine.methodology import Methodology

MAX_BISECTION_STEPS = 200


@dataclass(frozen=True)
class IndicatorGap:
    indicator: str
    value: float | None       # the unit's normalised value (None if left out)
    reference: float | None   # median normalised value in the reference league
    impact: float             # contribution minus the league's median contribution (output scale)


@dataclass(frozen=True)
class LeagueComparison:
    league: str
    n_units: int
    helps: tuple[IndicatorGap, ...]
    hurts: tuple[IndicatorGap, ...]


@dataclass(frozen=True)
class RequiredChange:
    indicator: str
    current: float | None     # raw value (None if missing)
    required: float | None    # raw value that alone lifts the unit (None if not reachable)
    change: float | None      # required - current
    reachable: bool


@dataclass(frozen=True)
class Explanation:
    unit: str
    rated: bool
    coverage: float
    score: float | None
    rank: int | None
    n_rated: int
    league: str | None
    next_league: str | None
    own: LeagueComparison | None
    above: LeagueComparison | None
    changes: tuple[RequiredChange, ...]


def explain(methodology: Methodology, dataset: Dataset, unit: str, *, result: RunResult | None = None,
            top: int = 3) -> Explanation:
    """Explain one unit's nominal rating (see the module docstring).

    ``result`` is the nominal run of the same methodology and data, if already computed; ``top`` is how
    many indicators to list as helping and hurting.
    """
    result = result or compute(methodology, dataset)
    if result.scenario is not NOMINAL:
        raise ValueError("an explanation is of the nominal run, not of a scenario")
    row = dataset.row(unit)
    outcome = result.unit(unit)
    if not outcome.rated:
        return Explanation(unit, False, outcome.coverage, None, None, result.statistics.n_rated, None, None,
                           None, None, ())
    league_index = int(result.league_index[row])
    next_index = league_index - 1 if league_index > 0 else None
    own = _compare(result, row, league_index, top)
    above = _compare(result, row, next_index, top) if next_index is not None else None
    changes: tuple[RequiredChange, ...] = ()
    if next_index is not None:
        pipeline = result.pipeline
        rated_row = int(np.searchsorted(pipeline.rated_index, row))
        changes = tuple(_required_change(pipeline, rated_row, j, next_index)
                        for j in range(len(methodology.indicators)))
    return Explanation(
        unit=unit, rated=True, coverage=outcome.coverage, score=outcome.score, rank=outcome.rank,
        n_rated=result.statistics.n_rated, league=outcome.league,
        next_league=methodology.leagues[next_index].code if next_index is not None else None,
        own=own, above=above, changes=changes,
    )


def _compare(result: RunResult, row: int, league_index: int, top: int) -> LeagueComparison:
    members = np.flatnonzero(result.league_index == league_index)
    codes = result.methodology.indicator_codes
    code = result.methodology.leagues[league_index].code
    if members.size == 0:
        return LeagueComparison(code, 0, (), ())
    gaps = []
    for j, indicator in enumerate(codes):
        reference_values = result.normalised[members, j]
        reference_values = reference_values[~np.isnan(reference_values)]
        reference = float(np.median(reference_values)) if reference_values.size else None
        impact = float(result.contributions[row, j] - np.median(result.contributions[members, j]))
        value = result.normalised[row, j]
        gaps.append(IndicatorGap(indicator, None if math.isnan(value) else float(value), reference, impact))
    helps = sorted((g for g in gaps if g.impact > 0), key=lambda g: -g.impact)[:top]
    hurts = sorted((g for g in gaps if g.impact < 0), key=lambda g: g.impact)[:top]
    return LeagueComparison(code, int(members.size), tuple(helps), tuple(hurts))


def _search_range(pipeline: Pipeline, j: int, current: float) -> tuple[float, float]:
    """(worst, best) raw values worth trying for indicator ``j``, in the direction of improvement."""
    methodology = pipeline.methodology
    indicator = methodology.indicators[j]
    positive = indicator.direction == "positive"
    spec = indicator.normalisation
    column = pipeline.raw[:, j]
    observed = column[~np.isnan(column)]
    candidates: list[float] = []
    if spec.method == "goalposts":
        candidates += [spec.min, spec.max]
    elif spec.method == "target":
        candidates += [spec.floor, spec.target]
    if observed.size:
        candidates += [float(observed.min()), float(observed.max())]
    for league in methodology.leagues:
        for gate in league.gates:
            if gate.indicator == indicator.code:
                candidates += [v for v in (gate.at_least, gate.at_most) if v is not None]
    if not math.isnan(current):
        candidates.append(current)
    if indicator.transform == "log":
        candidates = [v for v in candidates if v > 0]
    low, high = min(candidates), max(candidates)
    return (low, high) if positive else (high, low)


def _required_change(pipeline: Pipeline, rated_row: int, j: int, target: int) -> RequiredChange:
    code = pipeline.methodology.indicators[j].code
    current = float(pipeline.raw[rated_row, j])
    worst, best = _search_range(pipeline, j, current)

    probe = pipeline.copy()

    def lifts(value: float) -> bool:
        probe.set_value(rated_row, j, value)
        return probe.league_of(rated_row) <= target

    start = worst if math.isnan(current) else current
    optional_current = None if math.isnan(current) else current
    if best == start or not lifts(best):
        return RequiredChange(code, optional_current, None, None, False)
    if math.isnan(current) and lifts(start):
        return RequiredChange(code, None, start, None, True)
    low, high = start, best  # low does not lift, high does (low > high for a negative indicator)
    for _ in range(MAX_BISECTION_STEPS):
        middle = low + (high - low) / 2
        if middle in (low, high):
            break
        if lifts(middle):
            high = middle
        else:
            low = middle
    change = None if optional_current is None else high - optional_current
    return RequiredChange(code, optional_current, high, change, True)


# ---------------------------------------------------------------------------------------- what-if
@dataclass(frozen=True)
class Outcome:
    score: float | None
    rank: int | None
    league: str | None


@dataclass(frozen=True)
class WhatIf:
    unit: str
    changes: dict[str, float | None]
    before: Outcome
    after: Outcome
    result: RunResult


def what_if(methodology: Methodology, dataset: Dataset, unit: str, changes: Mapping[str, float | None], *,
            baseline: RunResult | None = None) -> WhatIf:
    """Score, rank and league of ``unit`` if its raw values were ``changes`` (nothing is stored)."""
    for code in changes:
        if code not in methodology.indicator_codes:
            raise DataError(f"unknown indicator {code!r}", indicator=code)
    baseline = baseline or compute(methodology, dataset)
    changed = compute(methodology, dataset.with_values(unit, changes))

    def outcome(result: RunResult) -> Outcome:
        unit_result = result.unit(unit)
        return Outcome(unit_result.score, unit_result.rank, unit_result.league)

    return WhatIf(unit, dict(changes), outcome(baseline), outcome(changed), changed)


# ---------------------------------------------------------------------------------------- text
def format_explanation(explanation: Explanation, methodology: Methodology, language: str = "en") -> str:
    """A plain-text rendering for the command line."""
    decimals = methodology.scale.decimals
    number = (lambda x: f"{x:.{decimals}f}") if decimals is not None else (lambda x: f"{x:.4g}")
    leagues = {league.code: league for league in methodology.leagues}
    lines = [f"{explanation.unit} - {methodology.names.get(language)} ({methodology.code})"]
    if not explanation.rated:
        lines.append(f"Not rated: coverage {explanation.coverage:.0%} is below the minimum "
                     f"{methodology.minimum_coverage:.0%}.")
        return "\n".join(lines) + "\n"
    league = leagues[explanation.league]
    lines.append(f"Score {number(explanation.score)}, rank {explanation.rank} of {explanation.n_rated}, "
                 f"league {league.names.get(language)} ({league.code}), coverage {explanation.coverage:.0%}")
    for title, comparison in (("its league", explanation.own), ("the next league up", explanation.above)):
        if comparison is None:
            continue
        if comparison.n_units == 0:
            lines.append(f"Compared with {title} ({comparison.league}): no unit is in it.")
            continue
        plural = "unit" if comparison.n_units == 1 else "units"
        lines.append(f"Compared with the median of {title} ({comparison.league}, {comparison.n_units} {plural}):")
        for label, gaps in (("helps", comparison.helps), ("hurts", comparison.hurts)):
            if not gaps:
                lines.append(f"  {label}: nothing")
            for gap in gaps:
                value = "left out" if gap.value is None else f"{gap.value:.3f}"
                reference = "-" if gap.reference is None else f"{gap.reference:.3f}"
                lines.append(f"  {label}: {gap.indicator} (normalised {value} vs {reference}, "
                             f"impact {gap.impact:+.4g})")
    if explanation.next_league is None:
        lines.append("Already in the top league.")
        return "\n".join(lines) + "\n"
    target = leagues[explanation.next_league]
    lines.append(f"To reach {target.names.get(language)} ({target.code}), each indicator alone:")
    indicators = {indicator.code: indicator for indicator in methodology.indicators}
    for change in explanation.changes:
        indicator = indicators[change.indicator]
        if not change.reachable:
            lines.append(f"  {change.indicator}: not reachable by this indicator alone")
        elif change.current is None:
            bound = "at least" if indicator.direction == "positive" else "at most"
            lines.append(f"  {change.indicator}: missing now; report {bound} {change.required:.6g} {indicator.unit}")
        else:
            lines.append(f"  {change.indicator}: from {change.current:.6g} to {change.required:.6g} "
                         f"{indicator.unit} ({change.change:+.6g})")
    return "\n".join(lines) + "\n"

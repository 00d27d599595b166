"""Missing data: coverage, who is rated, and the per-indicator policies.

Coverage of a unit is the share of the methodology's indicators it has a value for (unweighted).
A unit whose coverage is below ``coverage.minimum`` - or that has no value at all - is *not rated*:
it gets no score, rank or league and takes no part in any data-derived parameter.

Policies, applied to the normalised values of the rated units, indicator by indicator:
  * ``fail``: the indicator is mandatory - a missing value is an error (``DataError`` naming the unit
    and the indicator), whatever the unit's coverage; it is checked with the data, before coverage;
  * ``zero``: the value counts as 0 on the normalised scale, the worst score the indicator gives
    (for a z-score, 0 is the average);
  * ``mean``: the mean normalised value of the rated units that have it (for linear normalisations
    this is the normalised mean raw value); with no value at all it falls back to ``reweight``;
  * ``reweight``: the indicator is left out for that unit and its weight is shared by the present
    members of its group (see ``aggregate``).
"""

from __future__ import annotations

import numpy as np

from smarttvet.rating.engine.errors import DataError


def coverage(raw: np.ndarray) -> np.ndarray:
    """Share of indicators present per unit, ``raw`` being ``(units, indicators)`` with NaN for missing."""
    if raw.shape[1] == 0:
        return np.zeros(raw.shape[0])
    return (~np.isnan(raw)).sum(axis=1) / raw.shape[1]


def rated_mask(unit_coverage: np.ndarray, minimum: float) -> np.ndarray:
    return (unit_coverage >= minimum) & (unit_coverage > 0)


def impute(normalised: np.ndarray, policies: list[str] | tuple[str, ...], *, units: tuple[str, ...] = (),
           indicators: tuple[str, ...] = ()) -> tuple[np.ndarray, np.ndarray]:
    """Apply the policies column by column; returns ``(values, available)`` with 0 where unavailable."""
    values = normalised.copy()
    available = ~np.isnan(normalised)
    for j, policy in enumerate(policies):
        missing = ~available[:, j]
        if not missing.any():
            continue
        if policy == "fail":
            first = int(np.flatnonzero(missing)[0])
            unit = units[first] if units else str(first)
            indicator = indicators[j] if indicators else str(j)
            raise DataError(f"unit {unit!r} has no value for indicator {indicator!r}, whose missing-data policy "
                            "is 'fail'", unit=unit, indicator=indicator)
        if policy == "zero":
            values[missing, j] = 0.0
            available[missing, j] = True
        elif policy == "mean" and not missing.all():
            values[missing, j] = np.mean(normalised[~missing, j])
            available[missing, j] = True
    values[~available] = 0.0
    return values, available

"""From raw indicator values to comparable ones: transform, winsorise, normalise.

All steps work on one indicator column of the *rated* units (units below the coverage threshold take
no part: they neither get a score nor move anyone's data-driven parameters). Missing values are NaN
and are ignored by every statistic.

Transform. ``log`` is the natural logarithm; it applies to the value and to goalposts or targets
alike, so HDI's income index is ``(ln x - ln 100) / (ln 75000 - ln 100)``.

Winsorisation (on the transformed values, before normalisation).
  * ``quantile {lower, upper}``: values are clamped to the ``lower`` and ``upper`` sample quantiles
    (linear interpolation between order statistics, NumPy's default).
  * ``auto`` follows COINr: while the sample skewness ``g1 = m3 / m2^1.5`` exceeds ``skew`` in absolute
    value *and* the excess kurtosis ``g2 = m4 / m2^2 - 3`` exceeds ``kurtosis`` (defaults 2 and 3.5),
    the most extreme value on the side of the skew (all values tied with it) is set to the next value
    inwards; at most ``max_points`` values are changed.

Normalisation maps a value to [0, 1] (z-scores excepted), 1 being best:
  * ``minmax``: ``(x - min) / (max - min)`` over the rated units; a constant column gives 0.5.
  * ``goalposts {min, max}``: ``(x - min) / (max - min)`` clipped to [0, 1] (truncation at the
    goalposts, as UNDP does).
  * ``zscore``: ``(x - mean) / sd`` with the sample standard deviation; a constant column gives 0.
  * ``rank``: percentile rank ``(r - 1) / (m - 1)``, ``r`` the ascending rank among the ``m`` present
    values with ties given their average rank; one value gives 0.5.
  * ``target {target, floor}``: ``(x - floor) / (target - floor)`` clipped to [0, 1]; a negative
    indicator simply has ``target < floor``.
For a ``negative`` indicator the result is mirrored: ``1 - v`` (``-z`` for z-scores); ``target`` needs
no mirroring.
"""

from __future__ import annotations

import numpy as np

from smarttvet.rating.engine.methodology import Indicator, Winsorisation


def transform(values: np.ndarray, indicator: Indicator) -> np.ndarray:
    """Apply the indicator's transform (values must already be checked positive for ``log``)."""
    if indicator.transform == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(values)
    return np.asarray(values, dtype=float)


def transform_parameter(value: float, indicator: Indicator) -> float:
    return float(np.log(value)) if indicator.transform == "log" else float(value)


def winsorise(values: np.ndarray, spec: Winsorisation) -> np.ndarray:
    """Winsorised copy of a column (NaN stays NaN)."""
    if spec.method == "none":
        return values
    present = ~np.isnan(values)
    data = values[present]
    if data.size < 2:
        return values
    if spec.method == "quantile":
        low, high = np.quantile(data, [spec.lower, spec.upper])
        data = np.clip(data, low, high)
    else:
        data = _winsorise_auto(data.copy(), spec.skew, spec.kurtosis, spec.max_points)
    result = values.copy()
    result[present] = data
    return result


def skew_and_kurtosis(data: np.ndarray) -> tuple[float, float]:
    """Sample skewness g1 and excess kurtosis g2 (0, 0 for a constant column)."""
    centred = data - data.mean()
    m2 = np.mean(centred**2)
    if m2 <= 0:
        return 0.0, 0.0
    return float(np.mean(centred**3) / m2**1.5), float(np.mean(centred**4) / m2**2 - 3.0)


def _winsorise_auto(data: np.ndarray, skew_limit: float, kurtosis_limit: float, max_points: int) -> np.ndarray:
    changed = 0
    while changed < max_points:
        skew, kurtosis = skew_and_kurtosis(data)
        if not (abs(skew) > skew_limit and kurtosis > kurtosis_limit):
            break
        extreme = data.max() if skew > 0 else data.min()
        tied = data == extreme
        rest = data[~tied]
        if rest.size == 0:
            break
        data[tied] = rest.max() if skew > 0 else rest.min()
        changed += int(tied.sum())
    return data


def normalise(values: np.ndarray, indicator: Indicator, method: str | None = None) -> np.ndarray:
    """Normalised column; ``values`` are transformed (and winsorised); ``method`` overrides the nominal one."""
    spec = indicator.normalisation
    method = method or spec.method
    negative = indicator.direction == "negative"
    present = ~np.isnan(values)
    data = values[present]
    result = np.full(values.shape, np.nan)
    if data.size == 0:
        return result
    if method == "target":
        target = transform_parameter(spec.target, indicator)
        floor = transform_parameter(spec.floor, indicator)
        result[present] = np.clip((data - floor) / (target - floor), 0.0, 1.0)
        return result
    if method == "goalposts":
        low = transform_parameter(spec.min, indicator)
        high = transform_parameter(spec.max, indicator)
        scaled = np.clip((data - low) / (high - low), 0.0, 1.0)
    elif method == "minmax":
        low, high = data.min(), data.max()
        scaled = (data - low) / (high - low) if high > low else np.full(data.shape, 0.5)
    elif method == "zscore":
        sd = data.std(ddof=1) if data.size > 1 else 0.0
        z = (data - data.mean()) / sd if sd > 0 else np.zeros(data.shape)
        result[present] = -z if negative else z
        return result
    elif method == "rank":
        scaled = percentile_ranks(data)
    else:  # pragma: no cover - validation forbids it
        raise ValueError(f"unknown normalisation {method!r}")
    result[present] = 1.0 - scaled if negative else scaled
    return result


def percentile_ranks(data: np.ndarray) -> np.ndarray:
    """``(r - 1) / (m - 1)`` with average ranks for ties; 0.5 for a single value."""
    m = data.size
    if m == 1:
        return np.full(1, 0.5)
    order = np.argsort(data, kind="stable")
    ordered = data[order]
    # average rank of each run of equal values
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], m]
    average = (starts + ends - 1) / 2.0  # 0-based average position
    run_of = np.repeat(np.arange(starts.size), ends - starts)
    ranks = np.empty(m)
    ranks[order] = average[run_of]
    return ranks / (m - 1)

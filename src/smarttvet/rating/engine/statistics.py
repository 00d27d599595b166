"""Run statistics: score summary, indicator correlations (with redundant pairs) and the score histogram.

Correlations are Pearson coefficients between normalised indicator values (before imputation) over the
rated units that have both values (pairwise complete); a pair with fewer than three common units or a
constant column has no coefficient (NaN). A pair is *redundant* when ``|r|`` exceeds the methodology's
``statistics.correlation_threshold``: the two indicators largely measure the same thing, so keeping
both doubles its weight.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class RedundantPair:
    first: str
    second: str
    correlation: float


@dataclass(frozen=True)
class RunStatistics:
    n_units: int
    n_rated: int
    summary: dict[str, float]                 # mean, sd, min, p25, median, p75, max of the scores
    correlation: np.ndarray                   # (indicators, indicators)
    redundant_pairs: tuple[RedundantPair, ...]
    histogram_counts: np.ndarray              # (bins,)
    histogram_edges: np.ndarray               # (bins + 1,)


def summarise(scores: np.ndarray) -> dict[str, float]:
    if scores.size == 0:
        return {key: float("nan") for key in ("mean", "sd", "min", "p25", "median", "p75", "max")}
    p25, median, p75 = np.quantile(scores, [0.25, 0.5, 0.75])
    return {
        "mean": float(scores.mean()),
        "sd": float(scores.std(ddof=1)) if scores.size > 1 else 0.0,
        "min": float(scores.min()),
        "p25": float(p25),
        "median": float(median),
        "p75": float(p75),
        "max": float(scores.max()),
    }


def correlation_matrix(values: np.ndarray) -> np.ndarray:
    """Pairwise-complete Pearson correlations of the columns of ``values`` (NaN = missing).

    All pairs at once from sums over the units where both values are present (``M`` the presence mask,
    ``X`` the values with 0 for missing): ``n = M'M``, ``Sx = X'M``, ``Sxx = (X*X)'M``, ``Sxy = X'X``;
    ``r = (Sxy - Sx Sy / n) / sqrt((Sxx - Sx^2 / n)(Syy - Sy^2 / n))``.
    """
    present = (~np.isnan(values)).astype(float)
    x = np.where(present > 0, values, 0.0)
    # einsum rather than BLAS: these products are small, and threaded BLAS stalls on a busy machine
    count = np.einsum("ia,ib->ab", present, present)
    sum_x = np.einsum("ia,ib->ab", x, present)          # [a, b]: sum of column a where b is present too
    sum_xx = np.einsum("ia,ib->ab", x * x, present)
    sum_xy = np.einsum("ia,ib->ab", x, x)
    with np.errstate(divide="ignore", invalid="ignore"):
        safe = np.where(count > 0, count, 1.0)
        covariance = sum_xy - sum_x * sum_x.T / safe
        variance = sum_xx - sum_x**2 / safe
        # a (numerically) constant column has no correlation
        variance = np.where(variance > 1e-12 * np.maximum(sum_xx, 1e-300), variance, np.nan)
        result = covariance / np.sqrt(variance * variance.T)
    result = np.where(count >= 3, np.clip(result, -1.0, 1.0), np.nan)
    return result


def redundant_pairs(correlation: np.ndarray, codes: tuple[str, ...], threshold: float) -> tuple[RedundantPair, ...]:
    pairs = []
    for a in range(len(codes)):
        for b in range(a + 1, len(codes)):
            r = correlation[a, b]
            if np.isfinite(r) and abs(r) > threshold:
                pairs.append(RedundantPair(codes[a], codes[b], float(r)))
    return tuple(sorted(pairs, key=lambda pair: -abs(pair.correlation)))


def histogram(scores: np.ndarray, low: float, high: float, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Counts over ``bins`` equal bins of the output scale (widened if scores fall outside it)."""
    if scores.size:
        low, high = min(low, float(scores.min())), max(high, float(scores.max()))
    return np.histogram(scores, bins=bins, range=(low, high))

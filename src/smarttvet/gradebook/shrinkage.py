"""Empirical-Bayes shrinkage of organisations' means toward their group's (region's) mean.

Pure module (NumPy and SciPy, no Django): the monitoring list uses it, and so can anything else that must
compare means of very unequal groups fairly.

Why. A school's mean composite over 15 pupils is a noisy estimate of how well the school teaches; over
1,500 pupils it is a precise one. Ranked by raw means, the lowest 100 are mostly tiny schools whose few
pupils happened to score low. Shrinking each mean toward its region's mean by an amount that grows with
its noise ranks organisations by the best estimate of their true level instead.

Model (normal-normal random effects). For organisation *i* in group *g* (its region) we observe the mean
``y_i`` of its ``n_i`` students' composites and their standard deviation ``s_i``::

    y_i | theta_i ~ N(theta_i, se_i^2)        theta_i ~ N(mu_g, tau_g^2)

1. **Sampling variance.** ``se_i^2 = s~_i^2 / n_i`` with ``s~_i = max(s_i, s_p)``, where

       s_p = sqrt( sum_i (n_i - 1) s_i^2 / sum_i (n_i - 1) )

   is the pooled within-organisation SD (over every organisation given, whatever its group). A missing
   ``s_i`` counts as ``s_p``. The floor keeps a 3-pupil school whose pupils happen to have the same marks
   (``s_i = 0``) from counting as certain.

2. **Between-organisation variance** ``tau_g^2``, by the method of moments of DerSimonian and Laird. With
   ``w_i = 1 / se_i^2``, ``S1 = sum w_i``, ``S2 = sum w_i^2``, the fixed-effect mean
   ``ybar_g = sum w_i y_i / S1``, ``Q_g = sum w_i (y_i - ybar_g)^2`` and ``k_g`` organisations::

       tau_g^2 = max( tau2_min, (Q_g - (k_g - 1)) / (S1 - S2 / S1) )

   The *national* ``tau^2`` is the same estimator with the groups as fixed effects (between-organisation
   variance within groups, pooled over groups)::

       tau^2 = max( tau2_min, (sum_g Q_g - sum_g (k_g - 1)) / sum_g (S1_g - S2_g / S1_g) )

   A group with fewer than ``min_group`` organisations (default 5) has too few to estimate its own
   variance or mean: it uses the national ``tau^2`` and the national mean below.

3. **Group mean**, precision-weighted: ``mu_g = sum v_i y_i / sum v_i`` with ``v_i = 1 / (se_i^2 + tau_g^2)``.
   The national mean is the same over every organisation with the national ``tau^2``.

4. **Shrinkage.** ``B_i = se_i^2 / (se_i^2 + tau_g^2)`` (the weight of the group mean; 0 for a precisely
   measured organisation, near 1 for a very noisy one)::

       adjusted_i     = B_i mu_g + (1 - B_i) y_i
       posterior_sd_i = sqrt( (1 - B_i) se_i^2 )
       interval_i     = adjusted_i -/+ z sd_i,  z = Phi^-1((1 + level) / 2)   (level 0.90 by default)

   The interval treats ``mu_g`` and ``tau_g^2`` as known: with five or more organisations per group their
   own uncertainty is small beside a small school's.

References: DerSimonian R., Laird N. (1986), *Meta-analysis in clinical trials*, Controlled Clinical Trials
7:177-188; Morris C. (1983), *Parametric empirical Bayes inference*, JASA 78:47-55.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

DEFAULT_LEVEL = 0.90
DEFAULT_MIN_GROUP = 5
DEFAULT_TAU2_MIN = 1e-6
_TINY = 1e-12


@dataclass(frozen=True)
class Shrinkage:
    """The result, one element per organisation in the input's order, plus the estimated parameters."""

    raw: np.ndarray
    n: np.ndarray
    group: np.ndarray
    se: np.ndarray  # sampling standard error used (with the floored SD)
    group_mean: np.ndarray  # mu_g the organisation is shrunk toward
    tau2: np.ndarray  # tau_g^2 used for the organisation
    weight: np.ndarray  # B_i, the weight of the group mean
    adjusted: np.ndarray
    posterior_sd: np.ndarray
    low: np.ndarray
    high: np.ndarray
    level: float
    pooled_sd: float
    national_tau2: float
    national_mean: float
    group_tau2: dict  # group label -> its own tau^2 (None for groups that used the national one)

    def frame(self) -> pd.DataFrame:
        return pd.DataFrame({
            "raw": self.raw, "n": self.n, "group": self.group, "se": self.se, "group_mean": self.group_mean,
            "tau2": self.tau2, "weight": self.weight, "adjusted": self.adjusted,
            "posterior_sd": self.posterior_sd, "low": self.low, "high": self.high,
        })

    def parameters(self) -> dict:
        """The estimated parameters as plain numbers (for storing beside a list)."""
        return {
            "level": self.level, "pooled_sd": self.pooled_sd, "national_tau2": self.national_tau2,
            "national_mean": self.national_mean,
            "group_tau2": {str(k): (None if v is None else float(v)) for k, v in self.group_tau2.items()},
        }


def _dl_parts(y: np.ndarray, var: np.ndarray, index: np.ndarray, groups: int):
    """Per group: k, Q and S1 - S2/S1 of the DerSimonian-Laird estimator."""
    w = 1.0 / var
    s1 = np.bincount(index, weights=w, minlength=groups)
    s2 = np.bincount(index, weights=w * w, minlength=groups)
    ybar = np.bincount(index, weights=w * y, minlength=groups) / s1
    q = np.bincount(index, weights=w * (y - ybar[index]) ** 2, minlength=groups)
    k = np.bincount(index, minlength=groups)
    return k, q, s1 - s2 / s1


def _moment(q, df, denominator, tau2_min: float) -> float:
    if denominator <= _TINY:
        return tau2_min
    return max(tau2_min, float((q - df) / denominator))


def shrink(
    raw,
    sd,
    n,
    groups=None,
    *,
    level: float = DEFAULT_LEVEL,
    min_group: int = DEFAULT_MIN_GROUP,
    tau2_min: float = DEFAULT_TAU2_MIN,
) -> Shrinkage:
    """Shrink the organisations' means ``raw`` (with their students' SD ``sd`` and counts ``n``) toward the
    precision-weighted mean of their group (``groups``: one label per organisation; None = one group).

    See the module's documentation for the method. Raises ValueError on inconsistent input.
    """
    y = np.asarray(raw, dtype=float)
    s = np.asarray(sd, dtype=float)
    counts = np.asarray(n, dtype=float)
    if y.ndim != 1 or s.shape != y.shape or counts.shape != y.shape:
        raise ValueError("raw, sd and n must be one-dimensional arrays of the same length")
    labels = np.zeros(len(y), dtype=int) if groups is None else np.asarray(groups)
    if labels.shape != y.shape:
        raise ValueError("groups must have one label per organisation")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, not {level}")
    if not np.all(np.isfinite(y)):
        raise ValueError("every raw mean must be a finite number")
    if np.any(~np.isfinite(counts)) or np.any(counts < 1):
        raise ValueError("every organisation needs at least one student (n >= 1)")
    if np.any(s[np.isfinite(s)] < 0):
        raise ValueError("a standard deviation cannot be negative")
    if len(y) == 0:
        empty = np.zeros(0)
        return Shrinkage(y, counts, labels, empty, empty, empty, empty, empty, empty, empty, empty, level,
                         float("nan"), float("nan"), float("nan"), {})

    # 1. Sampling variance with the SD floored by the pooled within-organisation SD.
    known = np.isfinite(s) & (counts >= 2)
    dof = float(np.sum(counts[known] - 1))
    pooled = float(np.sqrt(np.sum((counts[known] - 1) * s[known] ** 2) / dof)) if dof > 0 else 0.0
    if pooled <= _TINY:  # no within-organisation spread known at all: the spread of the means is the floor
        pooled = float(np.std(y)) if len(y) > 1 else 0.0
    pooled = max(pooled, np.sqrt(_TINY))
    s_floored = np.fmax(np.where(np.isfinite(s), s, pooled), pooled)
    var = s_floored**2 / counts

    # 2. tau^2 per group and nationally (groups as fixed effects).
    keys, index = np.unique(labels, return_inverse=True)
    index = index.ravel()
    k, q, denominator = _dl_parts(y, var, index, len(keys))
    national_tau2 = _moment(q.sum(), float(np.sum(k - 1)), float(denominator.sum()), tau2_min)
    own = k >= min_group
    tau2_group = np.array([
        _moment(q[g], k[g] - 1, denominator[g], tau2_min) if own[g] else national_tau2 for g in range(len(keys))
    ])

    # 3. Precision-weighted means: per group, and nationally for the groups too small to have their own.
    v_national = 1.0 / (var + national_tau2)
    national_mean = float(np.sum(v_national * y) / np.sum(v_national))
    tau2 = tau2_group[index]
    v = 1.0 / (var + tau2)
    mu_group = np.bincount(index, weights=v * y, minlength=len(keys)) / np.bincount(index, weights=v,
                                                                                      minlength=len(keys))
    mu_group = np.where(own, mu_group, national_mean)
    mu = mu_group[index]

    # 4. Shrinkage, posterior SD and interval.
    weight = var / (var + tau2)
    adjusted = weight * mu + (1 - weight) * y
    posterior_sd = np.sqrt((1 - weight) * var)
    z = float(norm.ppf((1 + level) / 2))
    return Shrinkage(
        raw=y, n=counts, group=labels, se=np.sqrt(var), group_mean=mu, tau2=tau2, weight=weight,
        adjusted=adjusted, posterior_sd=posterior_sd, low=adjusted - z * posterior_sd,
        high=adjusted + z * posterior_sd, level=level, pooled_sd=pooled, national_tau2=national_tau2,
        national_mean=national_mean,
        group_tau2={_plain(key): (float(tau2_group[g]) if own[g] else None) for g, key in enumerate(keys)},
    )


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value

"""Competition ranking ("1, 2, 2, 4"), vectorised across draws.

Scores are compared after rounding to ``scale.decimals`` (UNDP ranks countries by the published,
rounded HDI, so equal rounded values share a rank) or, when no decimals are set, to 10 decimals, so that
values differing only by floating-point noise tie. A unit's rank is 1 plus the number of units with a
strictly higher key. Units without a score (NaN) come last and share the last rank.
"""

from __future__ import annotations

import numpy as np

DEFAULT_DECIMALS = 10


def rank_keys(scores: np.ndarray, decimals: int | None) -> np.ndarray:
    """The values ranks and score thresholds are decided on."""
    keys = np.round(scores, DEFAULT_DECIMALS if decimals is None else decimals)
    return np.where(np.isnan(keys), -np.inf, keys)


def competition_ranks(keys: np.ndarray) -> np.ndarray:
    """Ranks along the last axis, higher key = better; ``keys`` is ``(units,)`` or ``(draws, units)``."""
    keys = np.asarray(keys, dtype=float)
    single = keys.ndim == 1
    batch = keys[None, :] if single else keys
    n = batch.shape[1]
    if n == 0:
        return np.zeros(keys.shape, dtype=np.int64)
    order = np.argsort(-batch, axis=1, kind="stable")
    ordered = np.take_along_axis(batch, order, axis=1)
    starts_run = np.ones(ordered.shape, dtype=bool)
    starts_run[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    positions = np.broadcast_to(np.arange(n), ordered.shape)
    first_of_run = np.maximum.accumulate(np.where(starts_run, positions, 0), axis=1)
    ranks = np.empty(batch.shape, dtype=np.int64)
    np.put_along_axis(ranks, order, first_of_run + 1, axis=1)
    return ranks[0] if single else ranks

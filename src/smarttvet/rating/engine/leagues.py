"""Leagues: ordered rules evaluated from the top; the last league takes the rest.

A league's rule holds for a unit when every condition it states holds:
  * ``min_score``: the unit's score (rounded as for ranking, see ``ranking``) is at least the threshold,
    on the output scale;
  * ``top_share q``: the unit is in the top ``q`` of the rated units, i.e. fewer than ``q * n`` units
    rank strictly ahead of it (``rank - 1 < q * n``; ties are all in or all out);
  * ``gates``: each named indicator's *raw* value is at least ``at_least`` and/or at most ``at_most``;
    a missing value fails a gate (a leader must show the value, not have it imputed).
A unit belongs to the first league whose rule holds. Vectorised across draws: gates depend on the raw
data only, scores and ranks change from draw to draw.
"""

from __future__ import annotations

import numpy as np

from smarttvet.rating.engine.methodology import League, Methodology


def gate_passes(methodology: Methodology, raw: np.ndarray) -> np.ndarray:
    """``(leagues, units)``: whether each unit passes all gates of each league (``raw`` is units x indicators)."""
    codes = methodology.indicator_codes
    passes = np.ones((len(methodology.leagues), raw.shape[0]), dtype=bool)
    for position, league in enumerate(methodology.leagues):
        for gate in league.gates:
            column = raw[:, codes.index(gate.indicator)]
            ok = ~np.isnan(column)
            with np.errstate(invalid="ignore"):
                if gate.at_least is not None:
                    ok &= column >= gate.at_least
                if gate.at_most is not None:
                    ok &= column <= gate.at_most
            passes[position] &= ok
    return passes


def assign_leagues(leagues: tuple[League, ...], keys: np.ndarray, ranks: np.ndarray, n_rated: int,
                   gates: np.ndarray) -> np.ndarray:
    """League index per unit (and draw): ``keys`` and ``ranks`` are ``(..., units)``, ``gates`` ``(leagues, units)``."""
    result = np.full(keys.shape, len(leagues) - 1, dtype=np.int64)
    # From the bottom up, so that the highest league whose rule holds is written last.
    for position in range(len(leagues) - 2, -1, -1):
        league = leagues[position]
        holds = np.broadcast_to(gates[position], keys.shape).copy()
        if league.min_score is not None:
            holds &= keys >= league.min_score
        if league.top_share is not None:
            holds &= (ranks - 1) < league.top_share * n_rated
        result[holds] = position
    return result

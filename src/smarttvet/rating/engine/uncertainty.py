"""Uncertainty and sensitivity: Monte Carlo over the methodology's choices, vectorised across draws.

Each draw is a ``Scenario``:
  * weights - within every group of two or more members, a Dirichlet draw with parameters
    ``concentration * w`` around the nominal weights ``w`` (mean ``w``; the larger the concentration,
    the closer to ``w``: the variance of a weight is ``w (1 - w) / (concentration + 1)``);
  * a normalisation from ``uncertainty.normalisations`` (``nominal`` keeps each indicator's own) and a
    missing-data policy from ``uncertainty.missing``, each uniformly at random;
  * with ``leave_one_out``, one indicator (or none) uniformly at random, whose weight is set to 0.
All draws come from one ``numpy.random.Generator`` seeded with ``seed`` and are made before any
computation, so the result is a pure function of (methodology, data, number of draws, seed) and does
not depend on the chunk size.

Vectorisation. The normalised, imputed values depend on the normalisation and missing-data choices
only: they are prepared once per combination (a handful). The draws of one combination are processed in
chunks of ``chunk_size``: aggregation works on ``(draws, units)`` arrays (``aggregate``), ranks are
computed by one sort per chunk (``ranking``) and leagues by masks (``leagues``). Memory is bounded by
the chunk, not by the number of draws: ranks are accumulated in a ``units x units`` histogram and
leagues in ``units x leagues`` counts.

Per unit: the rank quantiles are read off the rank histogram as the inverse of the empirical
distribution function - the ``q``-quantile is the ``ceil(q N)``-th smallest of the ``N`` ranks (the
median is the lower median for even ``N``); the probability of a league is the share of draws placing
the unit in it.

Per indicator (sensitivity): leaving it out of the nominal computation (weight 0, its group's other
members re-weighted) - the mean and largest absolute rank shift and the share of units changing league;
and, when the Monte Carlo leaves indicators out, the mean absolute shift from the nominal rank over the
draws that left it out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from smarttvet.rating.engine.compute import Dataset, Pipeline, Scenario
from smarttvet.rating.engine.methodology import Methodology, UncertaintySettings

RANK_QUANTILES = (0.05, 0.5, 0.95)


@dataclass(frozen=True, eq=False)
class Draws:
    """The random choices of a Monte Carlo run, one row per draw."""

    weights: np.ndarray              # (N, p+g)
    normalisation: np.ndarray        # (N,) index into normalisation_options
    missing: np.ndarray              # (N,) index into missing_options
    left_out: np.ndarray             # (N,) indicator index, -1 for none
    normalisation_options: tuple[str, ...]
    missing_options: tuple[str, ...]

    def __len__(self) -> int:
        return int(self.weights.shape[0])

    def scenario(self, draw: int) -> Scenario:
        left_out = int(self.left_out[draw])
        return Scenario(
            weights=self.weights[draw],
            normalisation=self.normalisation_options[int(self.normalisation[draw])],
            missing=self.missing_options[int(self.missing[draw])],
            left_out=None if left_out < 0 else left_out,
        )


def sample_draws(pipeline: Pipeline, n_draws: int, seed: int | None,
                 settings: UncertaintySettings | None = None) -> Draws:
    settings = settings or pipeline.methodology.uncertainty
    structure = pipeline.structure
    rng = np.random.default_rng(seed)
    weights = np.tile(structure.nominal_weights, (n_draws, 1))
    if settings.perturb_weights:
        for node in structure.evaluation_order:
            members = structure.group_members(node)
            if members.size > 1:
                alpha = settings.concentration * structure.nominal_weights[members]
                weights[:, members] = rng.dirichlet(alpha, size=n_draws)

    def pick(options: tuple[str, ...]) -> np.ndarray:
        if len(options) == 1:
            return np.zeros(n_draws, dtype=np.int64)
        return rng.integers(len(options), size=n_draws)

    normalisation = pick(settings.normalisations)
    missing = pick(settings.missing)
    if settings.leave_one_out:
        left_out = rng.integers(-1, structure.n_indicators, size=n_draws)
    else:
        left_out = np.full(n_draws, -1, dtype=np.int64)
    return Draws(weights, normalisation, missing, left_out, settings.normalisations, settings.missing)


@dataclass(frozen=True)
class IndicatorSensitivity:
    indicator: str
    left_out_mean_rank_shift: float       # nominal run without it: mean |rank change|
    left_out_max_rank_shift: int
    left_out_league_changes: float        # share of rated units whose league changes
    monte_carlo_mean_rank_shift: float    # over the draws that left it out (NaN if none did)


@dataclass(frozen=True, eq=False)
class UncertaintyResult:
    """Arrays indexed like ``units``; NaN (probabilities too) for units that are not rated."""

    methodology: Methodology
    units: tuple[str, ...]
    n_draws: int
    seed: int | None
    rated: np.ndarray
    nominal_rank: np.ndarray           # (n,) float
    rank_p05: np.ndarray
    rank_median: np.ndarray
    rank_p95: np.ndarray
    rank_mean: np.ndarray
    league_probabilities: np.ndarray   # (n, leagues)
    indicators: tuple[IndicatorSensitivity, ...]
    draws: Draws
    # With keep_draws: (N, rated units) per draw, rated units in data order.
    draw_scores: np.ndarray | None = None
    draw_ranks: np.ndarray | None = None
    draw_leagues: np.ndarray | None = None


def monte_carlo(methodology: Methodology, dataset: Dataset, n_draws: int, seed: int | None, *,
                settings: UncertaintySettings | None = None, chunk_size: int | None = None,
                keep_draws: bool = False, pipeline: Pipeline | None = None) -> UncertaintyResult:
    """Sample ``n_draws`` scenarios with ``seed`` and evaluate them (see the module docstring)."""
    if n_draws < 1:
        raise ValueError("the Monte Carlo needs at least one draw")
    pipeline = pipeline or Pipeline(methodology, dataset)
    draws = sample_draws(pipeline, n_draws, seed, settings)
    settings = settings or methodology.uncertainty
    return run_draws(pipeline, draws, seed=seed, chunk_size=chunk_size or settings.chunk_size,
                     keep_draws=keep_draws)


def run_draws(pipeline: Pipeline, draws: Draws, *, seed: int | None = None, chunk_size: int = 128,
              keep_draws: bool = False) -> UncertaintyResult:
    """Evaluate given draws, chunk by chunk."""
    methodology, structure = pipeline.methodology, pipeline.structure
    n_rated, n_leagues, p = pipeline.n_rated, len(methodology.leagues), structure.n_indicators
    n_draws = len(draws)
    nominal_leaves, _ = pipeline.leaves()
    nominal_scores = pipeline.scores(structure.nominal_weights[None, :], nominal_leaves)
    nominal_ranks, nominal_leagues = pipeline.rank_and_league(nominal_scores)

    rank_histogram = np.zeros(n_rated * n_rated, dtype=np.int64)
    league_counts = np.zeros(n_rated * n_leagues, dtype=np.int64)
    rank_offsets = (np.arange(n_rated) * n_rated - 1)[None, :]
    league_offsets = (np.arange(n_rated) * n_leagues)[None, :]
    shift_sum = np.zeros(p)
    shift_count = np.zeros(p)
    if keep_draws:
        kept_scores = np.empty((n_draws, n_rated))
        kept_ranks = np.empty((n_draws, n_rated), dtype=np.int64)
        kept_leagues = np.empty((n_draws, n_rated), dtype=np.int64)

    combination = draws.normalisation * len(draws.missing_options) + draws.missing
    for key in np.unique(combination):
        selected = np.flatnonzero(combination == key)
        normalisation = draws.normalisation_options[int(key) // len(draws.missing_options)]
        missing = draws.missing_options[int(key) % len(draws.missing_options)]
        leaves, _ = pipeline.leaves(normalisation, missing)
        for start in range(0, selected.size, chunk_size):
            rows = selected[start:start + chunk_size]
            weights = draws.weights[rows].copy()
            left_out = draws.left_out[rows]
            dropped = np.flatnonzero(left_out >= 0)
            weights[dropped, left_out[dropped]] = 0.0
            scores = pipeline.scores(weights, leaves)
            ranks, leagues = pipeline.rank_and_league(scores)
            rank_histogram += np.bincount((ranks + rank_offsets).ravel(), minlength=rank_histogram.size)
            league_counts += np.bincount((leagues + league_offsets).ravel(), minlength=league_counts.size)
            if dropped.size:
                shifts = np.abs(ranks - nominal_ranks).sum(axis=1)
                np.add.at(shift_sum, left_out[dropped], shifts[dropped])
                np.add.at(shift_count, left_out[dropped], n_rated)
            if keep_draws:
                kept_scores[rows], kept_ranks[rows], kept_leagues[rows] = scores, ranks, leagues

    histogram = rank_histogram.reshape(n_rated, n_rated)
    cumulative = np.cumsum(histogram, axis=1)
    quantiles = []
    for q in RANK_QUANTILES:
        k = max(1, math.ceil(q * n_draws - 1e-9))
        quantiles.append(np.argmax(cumulative >= k, axis=1) + 1 if n_rated else np.zeros(0, dtype=np.int64))
    rank_mean = (histogram * np.arange(1, n_rated + 1)).sum(axis=1) / n_draws
    probabilities = league_counts.reshape(n_rated, n_leagues) / n_draws

    n = len(pipeline.dataset.units)
    rows = pipeline.rated_index

    def full(values: np.ndarray) -> np.ndarray:
        result = np.full((n, *values.shape[1:]), np.nan)
        result[rows] = values
        return result

    return UncertaintyResult(
        methodology=methodology,
        units=pipeline.dataset.units,
        n_draws=n_draws,
        seed=seed,
        rated=pipeline.rated.copy(),
        nominal_rank=full(nominal_ranks[0].astype(float)),
        rank_p05=full(quantiles[0].astype(float)),
        rank_median=full(quantiles[1].astype(float)),
        rank_p95=full(quantiles[2].astype(float)),
        rank_mean=full(rank_mean),
        league_probabilities=full(probabilities),
        indicators=_leave_one_out(pipeline, nominal_ranks[0], nominal_leagues[0], shift_sum, shift_count),
        draws=draws,
        draw_scores=kept_scores if keep_draws else None,
        draw_ranks=kept_ranks if keep_draws else None,
        draw_leagues=kept_leagues if keep_draws else None,
    )


def _leave_one_out(pipeline: Pipeline, nominal_ranks: np.ndarray, nominal_leagues: np.ndarray,
                   shift_sum: np.ndarray, shift_count: np.ndarray) -> tuple[IndicatorSensitivity, ...]:
    """All ``p`` leave-one-out computations as one batch of ``p`` draws."""
    structure = pipeline.structure
    p = structure.n_indicators
    weights = np.tile(structure.nominal_weights, (p, 1))
    weights[np.arange(p), np.arange(p)] = 0.0
    leaves, _ = pipeline.leaves()
    ranks, leagues = pipeline.rank_and_league(pipeline.scores(weights, leaves))
    shifts = np.abs(ranks - nominal_ranks[None, :])
    n_rated = max(pipeline.n_rated, 1)
    result = []
    for j, code in enumerate(pipeline.methodology.indicator_codes):
        result.append(IndicatorSensitivity(
            indicator=code,
            left_out_mean_rank_shift=float(shifts[j].sum() / n_rated),
            left_out_max_rank_shift=int(shifts[j].max()) if shifts.shape[1] else 0,
            left_out_league_changes=float((leagues[j] != nominal_leagues).sum() / n_rated),
            monte_carlo_mean_rank_shift=float(shift_sum[j] / shift_count[j]) if shift_count[j] else float("nan"),
        ))
    return tuple(result)

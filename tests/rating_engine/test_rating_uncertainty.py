"""Monte Carlo: seeded, chunk-independent, equal to a loop of single computations, sensible summaries."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from smarttvet.rating.engine.compute import Dataset, Pipeline, compute
from smarttvet.rating.engine.methodology import parse_methodology
from smarttvet.rating.engine.uncertainty import monte_carlo, sample_draws

NAMES = {"kk": "атауы", "ru": "название", "en": "name"}


def build_methodology(**uncertainty):
    indicators = []
    for j in range(6):
        indicators.append({
            "code": f"i{j}", "names": NAMES, "unit": "u", "direction": "negative" if j == 4 else "positive",
            "normalisation": {"method": "goalposts", "min": 0, "max": 100} if j % 2 else {"method": "minmax"},
            "missing": ("mean", "reweight", "zero")[j % 3],
        })
    return parse_methodology({
        "code": "mc", "names": NAMES, "scale": {"min": 0, "max": 100},
        "coverage": {"minimum": 0.5},
        "indicators": indicators,
        "groups": [
            {"code": "p1", "names": NAMES, "aggregation": "arithmetic",
             "members": [{"code": "i0", "weight": 2}, {"code": "i1", "weight": 1}, "i2"]},
            {"code": "p2", "names": NAMES, "aggregation": "geometric", "members": ["i3", "i4"]},
            {"code": "p3", "names": NAMES, "aggregation": "arithmetic", "members": ["i5"]},
        ],
        "index": {"aggregation": "geometric", "members": ["p1", "p2", {"code": "p3", "weight": 0.5}]},
        "leagues": [
            {"code": "gold", "names": NAMES, "rule": {"top_share": 0.2}},
            {"code": "silver", "names": NAMES,
             "rule": {"min_score": 45, "gates": [{"indicator": "i1", "at_least": 20}]}},
            {"code": "bronze", "names": NAMES},
        ],
        "uncertainty": {"concentration": 20, "normalisations": ["nominal", "minmax", "rank"],
                        "missing": ["nominal", "mean", "reweight", "zero"], "leave_one_out": True,
                        "chunk_size": 16, **uncertainty},
    })


def build_dataset(methodology, n_units=40, seed=11):
    rng = np.random.default_rng(seed)
    values = rng.uniform(1, 99, size=(n_units, len(methodology.indicators)))
    values[rng.random(values.shape) < 0.08] = np.nan
    values[0, :4] = np.nan  # below the coverage minimum: not rated
    return Dataset(tuple(f"u{k:02d}" for k in range(n_units)), methodology.indicator_codes, values)


@pytest.fixture(scope="module")
def methodology():
    return build_methodology()


@pytest.fixture(scope="module")
def dataset(methodology):
    return build_dataset(methodology)


def test_the_same_seed_gives_the_same_result_and_another_seed_does_not(methodology, dataset):
    first = monte_carlo(methodology, dataset, 300, seed=42)
    second = monte_carlo(methodology, dataset, 300, seed=42)
    other = monte_carlo(methodology, dataset, 300, seed=43)
    for name in ("rank_p05", "rank_median", "rank_p95", "rank_mean", "league_probabilities"):
        assert np.array_equal(getattr(first, name), getattr(second, name), equal_nan=True)
    assert np.array_equal(first.draws.weights, second.draws.weights)
    assert not np.array_equal(first.draws.weights, other.draws.weights)
    assert not np.array_equal(first.rank_mean, other.rank_mean, equal_nan=True)


def test_the_result_does_not_depend_on_the_chunk_size(methodology, dataset):
    small = monte_carlo(methodology, dataset, 200, seed=5, chunk_size=3)
    large = monte_carlo(methodology, dataset, 200, seed=5, chunk_size=1000)
    assert np.array_equal(small.league_probabilities, large.league_probabilities, equal_nan=True)
    assert np.array_equal(small.rank_median, large.rank_median, equal_nan=True)


def test_vectorised_draws_equal_single_computations_bit_for_bit(methodology, dataset):
    result = monte_carlo(methodology, dataset, 120, seed=9, chunk_size=7, keep_draws=True)
    draws = result.draws
    assert len(set(draws.normalisation.tolist())) == 3 and len(set(draws.missing.tolist())) == 4
    assert (draws.left_out >= 0).any() and (draws.left_out < 0).any()
    for draw in range(len(draws)):
        single = compute(methodology, dataset, draws.scenario(draw))
        rated = single.rated
        assert np.array_equal(single.scores[rated], result.draw_scores[draw])
        assert np.array_equal(single.ranks[rated], result.draw_ranks[draw])
        assert np.array_equal(single.league_index[rated], result.draw_leagues[draw])


def test_league_probabilities_sum_to_one_and_match_the_draws(methodology, dataset):
    result = monte_carlo(methodology, dataset, 500, seed=1, keep_draws=True)
    rated = result.rated
    probabilities = result.league_probabilities[rated]
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-12)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    counted = np.stack([(result.draw_leagues == k).mean(axis=0) for k in range(3)], axis=1)
    assert np.allclose(probabilities, counted)
    assert np.isnan(result.league_probabilities[~rated]).all() and not rated[0]


def test_rank_quantiles_are_order_statistics_of_the_draws(methodology, dataset):
    n_draws = 401
    result = monte_carlo(methodology, dataset, n_draws, seed=2, keep_draws=True)
    ranks = np.sort(result.draw_ranks, axis=0)
    for q, summary in ((0.05, result.rank_p05), (0.5, result.rank_median), (0.95, result.rank_p95)):
        k = math.ceil(q * n_draws)
        assert np.array_equal(summary[result.rated], ranks[k - 1])
    assert np.allclose(result.rank_mean[result.rated], result.draw_ranks.mean(axis=0))
    assert (result.rank_p05[result.rated] <= result.rank_median[result.rated]).all()
    assert (result.rank_median[result.rated] <= result.rank_p95[result.rated]).all()


def test_dirichlet_weights_centre_on_the_nominal_weights(methodology, dataset):
    pipeline = Pipeline(methodology, dataset)
    draws = sample_draws(pipeline, 20_000, seed=3)
    nominal = pipeline.structure.nominal_weights
    assert np.allclose(draws.weights.mean(axis=0), nominal, atol=0.01)
    p1 = pipeline.structure.group_members(6)  # first group node after the 6 indicators
    assert np.allclose(draws.weights[:, p1].sum(axis=1), 1.0)
    concentrated = sample_draws(pipeline, 2_000, seed=3, settings=replace(methodology.uncertainty, concentration=2000))
    assert concentrated.weights.std(axis=0).max() < draws.weights.std(axis=0).max() / 5
    fixed = sample_draws(pipeline, 10, seed=3, settings=replace(methodology.uncertainty, perturb_weights=False))
    assert (fixed.weights == nominal).all()


def test_without_any_perturbation_every_draw_is_the_nominal_run(methodology, dataset):
    settings = replace(methodology.uncertainty, perturb_weights=False, normalisations=("nominal",),
                       missing=("nominal",), leave_one_out=False)
    result = monte_carlo(methodology, dataset, 50, seed=0, settings=settings)
    nominal = compute(methodology, dataset)
    rated = nominal.rated
    assert np.array_equal(result.rank_p05[rated], nominal.ranks[rated])
    assert np.array_equal(result.rank_p95[rated], nominal.ranks[rated])
    assert np.array_equal(np.argmax(result.league_probabilities[rated], axis=1), nominal.league_index[rated])
    assert set(np.unique(result.league_probabilities[rated])) <= {0.0, 1.0}


def test_leaving_out_an_indicator_that_does_not_discriminate_moves_nobody():
    methodology = build_methodology()
    dataset = build_dataset(methodology)
    values = dataset.values.copy()
    values[:, 5] = 50.0  # i5 alone in p3 and the same for every unit: no information
    values[:, 1] = np.where(np.isnan(values[:, 1]), 30.0, values[:, 1])
    dataset = Dataset(dataset.units, dataset.indicators, values)
    result = monte_carlo(methodology, dataset, 100, seed=4)
    by_code = {s.indicator: s for s in result.indicators}
    assert by_code["i5"].left_out_mean_rank_shift == 0.0 and by_code["i5"].left_out_max_rank_shift == 0
    assert by_code["i0"].left_out_mean_rank_shift > 0
    assert 0 <= by_code["i0"].left_out_league_changes <= 1
    assert all(np.isfinite(s.monte_carlo_mean_rank_shift) for s in result.indicators)

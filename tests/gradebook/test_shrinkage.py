"""Empirical-Bayes shrinkage (pure): its properties, and that it finds the truly weakest organisations better
than the raw means do on simulated organisations with known latent effects and very unequal sizes."""

from __future__ import annotations

import numpy as np
import pytest

from smarttvet.gradebook.shrinkage import shrink


def _organisations(rng, k=40, n=200, tau=0.05, sigma=0.2, mean=0.6):
    theta = rng.normal(mean, tau, k)
    return theta, np.full(k, n), np.full(k, sigma)


def test_a_very_large_organisation_keeps_its_raw_mean():
    rng = np.random.default_rng(1)
    theta, n, sd = _organisations(rng)
    raw = theta + rng.normal(0, sd / np.sqrt(n))
    n[0], raw[0] = 1_000_000, 0.30
    result = shrink(raw, sd, n)
    assert result.weight[0] < 1e-3
    assert result.adjusted[0] == pytest.approx(0.30, abs=1e-3)


def test_a_tiny_organisation_is_pulled_to_its_group_mean():
    rng = np.random.default_rng(2)
    theta, n, sd = _organisations(rng)
    raw = theta + rng.normal(0, sd / np.sqrt(n))
    n[0], raw[0], sd[0] = 1, 0.05, 0.2
    result = shrink(raw, sd, n)
    assert result.weight[0] > 0.9
    assert abs(result.adjusted[0] - result.group_mean[0]) < 0.1 * abs(raw[0] - result.group_mean[0])
    assert result.group_mean[0] == pytest.approx(np.mean(raw[1:]), abs=0.02)


def test_identical_marks_of_three_pupils_are_not_certain():
    rng = np.random.default_rng(3)
    theta, n, sd = _organisations(rng)
    raw = theta + rng.normal(0, sd / np.sqrt(n))
    n[0], sd[0], raw[0] = 3, 0.0, 0.2
    result = shrink(raw, sd, n)
    assert result.pooled_sd == pytest.approx(0.2, rel=1e-3)
    assert result.se[0] == pytest.approx(result.pooled_sd / np.sqrt(3))
    assert result.weight[0] > 0.5 and result.adjusted[0] > 0.4
    # A missing SD counts as the pooled one too.
    sd_missing = sd.copy()
    sd_missing[0] = np.nan
    missing = shrink(raw, sd_missing, n)
    assert missing.se[0] == pytest.approx(missing.pooled_sd / np.sqrt(3))


def test_intervals_contain_the_adjusted_measure_and_narrow_with_size():
    rng = np.random.default_rng(4)
    k = 60
    n = rng.integers(3, 3000, k)
    raw = rng.normal(0.6, 0.08, k)
    result = shrink(raw, np.full(k, 0.2), n, level=0.9)
    assert np.all(result.low < result.adjusted) and np.all(result.adjusted < result.high)
    width = result.high - result.low
    order = np.argsort(n)
    assert np.all(np.diff(width[order]) <= 1e-12)  # larger organisation, narrower interval
    wider = shrink(raw, np.full(k, 0.2), n, level=0.95)
    assert np.all(wider.high - wider.low > width)
    assert np.allclose(wider.adjusted, result.adjusted)


def test_monotone_in_the_raw_mean_and_in_the_size():
    rng = np.random.default_rng(5)
    k = 50
    raw = np.sort(rng.normal(0.6, 0.05, k))
    same = shrink(raw, np.full(k, 0.2), np.full(k, 25))
    assert np.all(np.diff(same.adjusted) > 0)  # same size: the order of the raw means is kept
    sizes = np.arange(1, k + 1) * 10
    varied = shrink(rng.normal(0.6, 0.05, k), np.full(k, 0.2), sizes)
    assert np.all(np.diff(varied.weight) < 0)  # more students, less shrinkage


def test_groups_have_their_own_means_and_small_groups_use_the_national_values():
    rng = np.random.default_rng(6)
    labels = np.array(["61"] * 30 + ["75"] * 30 + ["11"] * 2)
    theta = np.where(labels == "61", 0.5, 0.7) + rng.normal(0, 0.04, len(labels))
    n = np.full(len(labels), 100)
    raw = theta + rng.normal(0, 0.2 / 10, len(labels))
    result = shrink(raw, np.full(len(labels), 0.2), n, labels)
    assert result.group_mean[labels == "61"][0] == pytest.approx(0.5, abs=0.03)
    assert result.group_mean[labels == "75"][0] == pytest.approx(0.7, abs=0.03)
    assert result.group_tau2["11"] is None and result.group_tau2["61"] is not None
    assert np.all(result.tau2[labels == "11"] == result.national_tau2)
    assert np.all(result.group_mean[labels == "11"] == result.national_mean)
    # The national tau^2 is the within-region spread (0.04^2), not inflated by the regions' difference.
    assert result.national_tau2 == pytest.approx(0.04**2, rel=0.5)


def test_dersimonian_laird_recovers_the_between_variance_and_the_intervals_cover():
    rng = np.random.default_rng(7)
    k, tau = 3000, 0.05
    n = rng.integers(5, 500, k)
    theta = rng.normal(0.6, tau, k)
    raw = theta + rng.normal(0, 0.2 / np.sqrt(n))
    result = shrink(raw, np.full(k, 0.2), n, level=0.9)
    assert result.national_tau2 == pytest.approx(tau**2, rel=0.15)
    coverage = np.mean((result.low <= theta) & (theta <= result.high))
    assert 0.87 <= coverage <= 0.93


def test_no_spread_between_organisations_shrinks_everything_to_the_mean():
    rng = np.random.default_rng(8)
    k = 200
    n = np.full(k, 30)
    raw = 0.6 + rng.normal(0, 0.2 / np.sqrt(30), k) * 0.5  # less spread than sampling noise alone
    result = shrink(raw, np.full(k, 0.2), n)
    assert result.national_tau2 == pytest.approx(1e-6)
    assert np.all(result.weight > 0.99)


@pytest.mark.parametrize(("raw", "sd", "n"), [
    ([0.5, 0.6], [0.1], [10, 10]), ([0.5, np.nan], [0.1, 0.1], [10, 10]), ([0.5, 0.6], [0.1, 0.1], [10, 0]),
    ([0.5, 0.6], [0.1, -0.1], [10, 10]),
])
def test_bad_input_is_refused(raw, sd, n):
    with pytest.raises(ValueError):
        shrink(raw, sd, n)


def test_empty_input_gives_an_empty_result():
    result = shrink([], [], [])
    assert len(result.adjusted) == 0 and result.frame().empty


# ---------------------------------------------------------------------------------- recovery simulation
SMALL, MEDIUM, LARGE = 0, 1, 2


def simulate(seed: int, organisations: int = 2000, regions: int = 10, tau: float = 0.04, sigma: float = 0.25):
    """Schools with a latent effect (region effect + own effect) and very unequal sizes: 60 % have 10-30
    pupils, 30 % 100-500, 10 % 1,000-3,000. Each pupil's composite is the latent effect plus noise; the
    organisations' raw mean and SD are computed from the pupils, as the pipeline does."""
    rng = np.random.default_rng(seed)
    size_class = rng.choice(3, size=organisations, p=[0.6, 0.3, 0.1])
    low = np.array([10, 100, 1000])[size_class]
    high = np.array([31, 501, 3001])[size_class]
    n = rng.integers(low, high)
    region = rng.integers(0, regions, organisations)
    theta = 0.6 + rng.normal(0, 0.03, regions)[region] + rng.normal(0, tau, organisations)
    owner = np.repeat(np.arange(organisations), n)
    pupils = theta[owner] + rng.normal(0, sigma, len(owner))
    mean = np.bincount(owner, weights=pupils) / n
    sd = np.sqrt(np.bincount(owner, weights=(pupils - mean[owner]) ** 2) / (n - 1))
    return theta, mean, sd, n, region.astype(str), size_class


def _lowest(values, k=100) -> set[int]:
    return set(np.argsort(values, kind="stable")[:k].tolist())


def recovery(seed: int) -> dict:
    theta, raw, sd, n, region, size_class = simulate(seed)
    adjusted = shrink(raw, sd, n, region).adjusted
    truly, by_raw, by_adjusted = _lowest(theta), _lowest(raw), _lowest(adjusted)
    small = size_class == SMALL
    return {
        "raw": len(truly & by_raw), "adjusted": len(truly & by_adjusted),
        "small_raw": small[list(by_raw)].mean(), "small_adjusted": small[list(by_adjusted)].mean(),
        "small_population": small.mean(),
    }


def test_the_adjusted_ranking_recovers_the_truly_weakest_better_than_the_raw_one():
    results = [recovery(seed) for seed in range(5)]
    raw = np.array([r["raw"] for r in results])
    adjusted = np.array([r["adjusted"] for r in results])
    # Better on every seed, and by a wide margin on average (about 36 vs 52 of the truly weakest 100).
    assert np.all(adjusted > raw), (raw, adjusted)
    assert adjusted.mean() - raw.mean() >= 10, (raw, adjusted)
    for r in results:
        # Raw means flag small schools far beyond their share (noise); the adjusted ranking does not.
        assert r["small_raw"] >= 0.8, r
        assert r["small_adjusted"] <= r["small_population"], r

"""Benchmark of the rating engine's Monte Carlo: vectorised draws against a loop of single computations.

    python benchmarks/bench_rating_engine.py [--units 1000] [--indicators 40] [--draws 10000] [--loop 200]

Synthetic data: units x indicators in 6 pillars (arithmetic pillars, geometric index, 0-100 scale),
a mix of goalposts and minmax normalisations, negative indicators, about 3% missing values handled by
mean, zero or reweight, three leagues (a rank quantile, a score threshold with a gate, the rest). The
Monte Carlo perturbs the weights (Dirichlet), switches normalisations and missing-data policies and
leaves indicators out. The same draws are then computed one by one with ``compute`` (the single
computation the platform runs) for a sample of draws, and the time is extrapolated to all draws; the
required ratio is at least 20x. For context it also times a lean loop that reuses the prepared data.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from smarttvet.rating.engine.compute import Dataset, Pipeline, compute  # noqa: E402
from smarttvet.rating.engine.methodology import Methodology, parse_methodology  # noqa: E402
from smarttvet.rating.engine.uncertainty import monte_carlo  # noqa: E402

PILLARS = 6
NAMES = {"kk": "көрсеткіш", "ru": "показатель", "en": "indicator"}


def synthetic_methodology(n_indicators: int) -> Methodology:
    indicators = []
    for j in range(n_indicators):
        negative = j % 7 == 0
        indicators.append({
            "code": f"i{j:02d}",
            "names": NAMES,
            "unit": "%",
            "direction": "negative" if negative else "positive",
            "normalisation": {"method": "goalposts", "min": 0, "max": 100} if j % 3 == 0 else {"method": "minmax"},
            "missing": ("mean", "reweight", "zero")[j % 3],
        })
    pillars = [{
        "code": f"pillar{k}",
        "names": NAMES,
        "aggregation": "arithmetic",
        "members": [{"code": f"i{j:02d}", "weight": 1 + j % 3} for j in range(n_indicators) if j % PILLARS == k],
    } for k in range(PILLARS)]
    return parse_methodology({
        "code": "bench",
        "names": NAMES,
        "scale": {"min": 0, "max": 100},
        "indicators": indicators,
        "groups": pillars,
        "index": {"aggregation": "geometric", "members": [p["code"] for p in pillars]},
        "leagues": [
            {"code": "leaders", "names": NAMES, "rule": {"top_share": 0.1}},
            {"code": "strong", "names": NAMES,
             "rule": {"min_score": 50, "gates": [{"indicator": "i01", "at_least": 20}]}},
            {"code": "others", "names": NAMES},
        ],
        "uncertainty": {"concentration": 50, "normalisations": ["nominal", "minmax", "rank"],
                        "missing": ["nominal", "mean", "reweight"], "leave_one_out": True, "chunk_size": 128},
    })


def synthetic_data(methodology: Methodology, n_units: int, seed: int = 2025) -> Dataset:
    rng = np.random.default_rng(seed)
    quality = rng.normal(size=(n_units, 1))
    values = np.clip(50 + 15 * quality + 10 * rng.normal(size=(n_units, len(methodology.indicators))), 1, 100)
    values[rng.random(values.shape) < 0.03] = np.nan
    return Dataset(tuple(f"college-{i:04d}" for i in range(n_units)), methodology.indicator_codes, values)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--indicators", type=int, default=40)
    parser.add_argument("--draws", type=int, default=10_000)
    parser.add_argument("--loop", type=int, default=200, help="draws computed one by one")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    methodology = synthetic_methodology(args.indicators)
    dataset = synthetic_data(methodology, args.units)
    print(f"data: {args.units} units x {args.indicators} indicators in {PILLARS} pillars, "
          f"{np.isnan(dataset.values).mean():.1%} missing")

    started = time.perf_counter()
    pipeline = Pipeline(methodology, dataset)
    result = monte_carlo(methodology, dataset, args.draws, args.seed, pipeline=pipeline)
    vectorised = time.perf_counter() - started
    print(f"vectorised Monte Carlo: {args.draws} draws in {vectorised:.2f} s "
          f"({vectorised / args.draws * 1e6:.0f} us per draw)")
    width = result.rank_p95 - result.rank_p05
    print(f"  median width of the 5-95% rank interval: {np.nanmedian(width):.0f} ranks")

    sample = min(args.loop, args.draws)
    started = time.perf_counter()
    for draw in range(sample):
        compute(methodology, dataset, result.draws.scenario(draw))
    looped = time.perf_counter() - started
    per_draw = looped / sample
    extrapolated = per_draw * args.draws
    print(f"single computation in a loop: {sample} draws in {looped:.2f} s ({per_draw * 1e3:.1f} ms per draw), "
          f"{args.draws} draws extrapolated to {extrapolated:.0f} s")
    ratio = extrapolated / vectorised
    print(f"vectorised vs loop: {ratio:.0f}x")

    # For context: a lean loop that reuses the prepared data and only aggregates, ranks and assigns
    # leagues one draw at a time - the gain of vectorising across draws alone.
    started = time.perf_counter()
    for draw in range(sample):
        scenario = result.draws.scenario(draw)
        leaves, _ = pipeline.leaves(scenario.normalisation, scenario.missing)
        pipeline.rank_and_league(pipeline.scores(scenario.effective_weights(pipeline.structure)[None, :], leaves))
    lean = (time.perf_counter() - started) / sample * args.draws
    print(f"lean loop (prepared data reused, aggregation + ranks + leagues only): {lean:.1f} s extrapolated, "
          f"vectorised vs lean loop: {lean / vectorised:.1f}x")
    if ratio < 20:
        print("FAIL: the vectorised Monte Carlo should be at least 20x faster than the loop")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

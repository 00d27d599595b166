"""The bridge between stored runs and the pure engine.

* ``dataset_from_values``: the engine's ``Dataset`` from ``{organization id: {code: value | None}}`` -
  units are organisation ids as text, in ascending id order, so the same snapshot always gives the same
  dataset (and the same bits);
* ``result_rows``: what is stored per organisation, as plain JSON-able values (no NaN: ``None``);
* ``load_run``: the methodology, dataset and nominal result of a stored run, recomputed from its
  snapshot and kept in a small per-process cache (a run's inputs never change once stored);
* ``inputs_hash``: SHA-256 of the canonical snapshot, to tell whether two runs saw the same data.

Floats survive the database exactly: JSON is written with ``repr`` (the shortest text that reads back as
the same double), and FloatField is an IEEE double on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import math
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from smarttvet.rating.engine import Dataset, Methodology, RunResult, UncertaintyResult, compute, loads_methodology

CACHE_SIZE = 8


@lru_cache(maxsize=32)
def parsed_methodology(hash_: str, text: str) -> Methodology:
    return loads_methodology(text)


def optional_float(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def dataset_from_values(methodology: Methodology, values: Mapping[int, Mapping[str, float | None]]) -> Dataset:
    ids = sorted(values)
    codes = methodology.indicator_codes
    matrix = np.full((len(ids), len(codes)), np.nan)
    for i, organization_id in enumerate(ids):
        row = values[organization_id]
        for j, code in enumerate(codes):
            value = row.get(code)
            if value is not None:
                matrix[i, j] = float(value)
    return Dataset(tuple(str(i) for i in ids), codes, matrix)


def snapshot_values(dataset: Dataset) -> dict[int, dict[str, float | None]]:
    """``{organization id: {code: value | None}}`` of a dataset built by ``dataset_from_values``."""
    return {
        int(unit): {code: optional_float(dataset.values[i, j]) for j, code in enumerate(dataset.indicators)}
        for i, unit in enumerate(dataset.units)
    }


def inputs_hash(dataset: Dataset) -> str:
    canonical = [[unit, [optional_float(v) for v in dataset.values[i]]] for i, unit in enumerate(dataset.units)]
    text = json.dumps({"indicators": list(dataset.indicators), "rows": canonical}, separators=(",", ":"),
                      allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def result_rows(result: RunResult, uncertainty: UncertaintyResult | None) -> list[dict]:
    """One dict per unit (organisation), exactly the fields a ``RatingResult`` stores."""
    methodology = result.methodology
    codes = methodology.indicator_codes
    groups = methodology.group_codes
    leagues = methodology.league_codes
    rows = []
    for row, unit in enumerate(result.units):
        rated = bool(result.rated[row])
        item = {
            "organization_id": int(unit),
            "rated": rated,
            "coverage": float(result.coverage[row]),
            "score": optional_float(result.scores[row]) if rated else None,
            "rank": int(result.ranks[row]) if rated else None,
            "league": result.league(row),
            "groups": {code: optional_float(result.group_scores[row, k]) for k, code in enumerate(groups)},
            "normalised": {code: optional_float(result.normalised[row, j]) for j, code in enumerate(codes)},
            "imputed": [code for j, code in enumerate(codes) if bool(result.imputed[row, j])],
            "contributions": {code: optional_float(result.contributions[row, j]) for j, code in enumerate(codes)},
            "rank_p05": None,
            "rank_median": None,
            "rank_p95": None,
            "league_probabilities": None,
        }
        if uncertainty is not None and rated:
            item["rank_p05"] = int(uncertainty.rank_p05[row])
            item["rank_median"] = int(uncertainty.rank_median[row])
            item["rank_p95"] = int(uncertainty.rank_p95[row])
            item["league_probabilities"] = {
                code: float(uncertainty.league_probabilities[row, k]) for k, code in enumerate(leagues)
            }
        rows.append(item)
    return rows


def summary(result: RunResult, uncertainty: UncertaintyResult | None) -> dict:
    """The run's statistics as stored in ``RatingRun.summary``."""
    methodology = result.methodology
    stats = result.statistics
    codes = methodology.indicator_codes
    counts = {code: 0 for code in methodology.league_codes}
    for row in range(len(result.units)):
        league = result.league(row)
        if league is not None:
            counts[league] += 1
    present = ~np.isnan(result.dataset.values)
    data = {
        "n_units": int(stats.n_units),
        "n_rated": int(stats.n_rated),
        "not_rated": int(stats.n_units - stats.n_rated),
        "league_counts": counts,
        "statistics": {key: optional_float(value) for key, value in stats.summary.items()},
        "histogram": {"counts": [int(c) for c in stats.histogram_counts],
                      "edges": [float(e) for e in stats.histogram_edges]},
        "redundant_pairs": [{"first": p.first, "second": p.second, "correlation": p.correlation}
                            for p in stats.redundant_pairs],
        "correlation": {"codes": list(codes),
                        "matrix": [[optional_float(v) for v in row] for row in stats.correlation]},
        "availability": {code: (float(present[:, j].mean()) if present.shape[0] else 0.0)
                         for j, code in enumerate(codes)},
    }
    if uncertainty is not None:
        data["sensitivity"] = [
            {
                "indicator": s.indicator,
                "left_out_mean_rank_shift": optional_float(s.left_out_mean_rank_shift),
                "left_out_max_rank_shift": int(s.left_out_max_rank_shift),
                "left_out_league_changes": optional_float(s.left_out_league_changes),
                "monte_carlo_mean_rank_shift": optional_float(s.monte_carlo_mean_rank_shift),
            }
            for s in uncertainty.indicators
        ]
    return data


# ---------------------------------------------------------------------------------------- run cache
@dataclass(frozen=True, eq=False)
class LoadedRun:
    methodology: Methodology
    dataset: Dataset
    result: RunResult
    units: frozenset[str]

    def unit(self, organization_id: int) -> str | None:
        """The engine's unit code of an organisation, or None when the run did not include it."""
        unit = str(organization_id)
        return unit if unit in self.units else None


_cache: OrderedDict[tuple, LoadedRun] = OrderedDict()
_lock = threading.Lock()


def load_run(run) -> LoadedRun:
    """Methodology, dataset and nominal result of a stored run (from its snapshot; cached)."""
    from smarttvet.rating.models import RatingInput

    key = (run.pk, run.created_at.isoformat() if run.created_at else "", run.inputs_hash)
    with _lock:
        loaded = _cache.get(key)
        if loaded is not None:
            _cache.move_to_end(key)
            return loaded
    methodology = run.methodology.methodology
    values = dict(RatingInput.objects.filter(run=run).values_list("organization_id", "values"))
    dataset = dataset_from_values(methodology, values)
    loaded = LoadedRun(methodology, dataset, compute(methodology, dataset), frozenset(dataset.units))
    with _lock:
        _cache[key] = loaded
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return loaded


def clear_cache() -> None:
    with _lock:
        _cache.clear()

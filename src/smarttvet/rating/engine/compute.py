"""One computation of a rating: data in, scores, ranks, leagues, decomposition and statistics out.

The pipeline, for the units whose coverage reaches the minimum (the *rated* units):

1. transform (``log``) and winsorise each indicator column (``normalise``);
2. normalise each column to [0, 1], 1 best (``normalise``);
3. apply the missing-data policies (``missing``);
4. aggregate up the tree of groups with the weights (``aggregate``);
5. map to the output scale: ``score = scale.min + (scale.max - scale.min) * S``; group scores likewise;
6. rank (competition ranking on rounded scores, ``ranking``) and assign leagues (``leagues``);
7. decompose each score into indicator contributions (and log-contributions inside geometric groups,
   see ``aggregate``) and compute the run statistics.

A ``Scenario`` replaces the nominal choices (weights, normalisation, missing-data policy, an indicator
left out) - the Monte Carlo draws are scenarios, and ``compute`` with a draw's scenario gives exactly what
the vectorised Monte Carlo gives for that draw. The computation is a pure function of its inputs:
nothing random, nothing stored, the same bits every time.

Contributions are on the output scale and add up to ``score - scale.min`` (the score itself on the
usual 0-based scales).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from smarttvet.rating.engine import statistics as stats
from smarttvet.rating.engine.aggregate import (
    LeafValues,
    Structure,
    aggregate,
    compile_structure,
    contributions,
    log_contributions,
)
from smarttvet.rating.engine.errors import DataError
from smarttvet.rating.engine.leagues import assign_leagues, gate_passes
from smarttvet.rating.engine.methodology import Methodology, methodology_hash
from smarttvet.rating.engine.missing import coverage, impute, rated_mask
from smarttvet.rating.engine.normalise import normalise, transform, winsorise
from smarttvet.rating.engine.ranking import competition_ranks, rank_keys


# ---------------------------------------------------------------------------------------- inputs
@dataclass(frozen=True, eq=False)
class Dataset:
    """Raw values ``(units, indicators)`` in the methodology's indicator order; NaN is missing."""

    units: tuple[str, ...]
    indicators: tuple[str, ...]
    values: np.ndarray

    @classmethod
    def from_columns(cls, methodology: Methodology, units: Sequence[str],
                     columns: Mapping[str, Sequence[float | None]]) -> Dataset:
        codes = methodology.indicator_codes
        unknown = sorted(set(columns) - set(codes))
        if unknown:
            raise DataError(f"unknown indicator {unknown[0]!r}", indicator=unknown[0])
        values = np.full((len(units), len(codes)), np.nan)
        for j, code in enumerate(codes):
            if code not in columns:
                raise DataError(f"no column for indicator {code!r}", indicator=code)
            column = columns[code]
            if len(column) != len(units):
                raise DataError(f"indicator {code!r} has {len(column)} values for {len(units)} units", indicator=code)
            values[:, j] = [np.nan if v is None else float(v) for v in column]
        return cls(tuple(str(u) for u in units), codes, values)

    def row(self, unit: str) -> int:
        try:
            return self.units.index(unit)
        except ValueError:
            raise DataError(f"unknown unit {unit!r}", unit=unit) from None

    def with_values(self, unit: str, changes: Mapping[str, float | None]) -> Dataset:
        """A copy with some raw values of one unit replaced (``None`` makes a value missing)."""
        row = self.row(unit)
        values = self.values.copy()
        for code, value in changes.items():
            if code not in self.indicators:
                raise DataError(f"unknown indicator {code!r}", indicator=code)
            values[row, self.indicators.index(code)] = np.nan if value is None else float(value)
        return Dataset(self.units, self.indicators, values)

    def permuted(self, order: Sequence[int]) -> Dataset:
        order = list(order)
        return Dataset(tuple(self.units[i] for i in order), self.indicators, self.values[order])


def check_dataset(methodology: Methodology, dataset: Dataset) -> None:
    """Raise ``DataError`` for data the engine cannot use (naming the unit and indicator)."""
    if dataset.indicators != methodology.indicator_codes:
        raise DataError("the data's indicators do not match the methodology's")
    if dataset.values.shape != (len(dataset.units), len(dataset.indicators)):
        raise DataError("the data's values do not match its units and indicators")
    seen: set[str] = set()
    for unit in dataset.units:
        if not unit:
            raise DataError("a unit has no code", unit=unit)
        if unit in seen:
            raise DataError(f"duplicate unit {unit!r}", unit=unit)
        seen.add(unit)
    infinite = np.isinf(dataset.values)
    if infinite.any():
        row, column = (int(x) for x in np.argwhere(infinite)[0])
        raise DataError(f"unit {dataset.units[row]!r}: indicator {dataset.indicators[column]!r} is not finite",
                        unit=dataset.units[row], indicator=dataset.indicators[column])
    for j, indicator in enumerate(methodology.indicators):
        if indicator.missing == "fail" and np.isnan(dataset.values[:, j]).any():
            unit = dataset.units[int(np.flatnonzero(np.isnan(dataset.values[:, j]))[0])]
            raise DataError(f"unit {unit!r} has no value for indicator {indicator.code!r}, whose missing-data "
                            "policy is 'fail'", unit=unit, indicator=indicator.code)
        if indicator.transform != "log":
            continue
        column = dataset.values[:, j]
        bad = np.flatnonzero(~np.isnan(column) & (column <= 0))
        if bad.size:
            unit = dataset.units[int(bad[0])]
            raise DataError(f"unit {unit!r}: indicator {indicator.code!r} is {column[bad[0]]:g}, but it is "
                            "log-transformed and must be positive", unit=unit, indicator=indicator.code)


@dataclass(frozen=True, eq=False)
class Scenario:
    """Choices that replace the nominal ones (a Monte Carlo draw is one)."""

    weights: np.ndarray | None = None   # (p+g,) weights within groups; None = nominal
    normalisation: str = "nominal"      # "nominal" or a method applied to every indicator
    missing: str = "nominal"            # "nominal" or a policy applied to every indicator
    left_out: int | None = None         # an indicator whose weight is set to 0

    def effective_weights(self, structure: Structure) -> np.ndarray:
        weights = (structure.nominal_weights if self.weights is None else np.asarray(self.weights, float)).copy()
        if self.left_out is not None:
            weights[self.left_out] = 0.0
        return weights


NOMINAL = Scenario()


# ---------------------------------------------------------------------------------------- pipeline
class Pipeline:
    """The prepared data of one methodology and dataset, shared by compute, Monte Carlo and explanation."""

    def __init__(self, methodology: Methodology, dataset: Dataset, structure: Structure | None = None):
        check_dataset(methodology, dataset)
        self.methodology = methodology
        self.dataset = dataset
        self.structure = structure or compile_structure(methodology)
        self.coverage = coverage(dataset.values)
        self.rated = rated_mask(self.coverage, methodology.minimum_coverage)
        self.rated_index = np.flatnonzero(self.rated)
        self.raw = dataset.values[self.rated_index]
        self.transformed = np.empty(self.raw.shape)
        for j in range(self.raw.shape[1]):
            self.transformed[:, j] = self._prepare_column(j, self.raw[:, j])
        self.gates = gate_passes(methodology, self.raw)
        self._normalised: dict[str, np.ndarray] = {}
        self._leaves: dict[tuple[str, str], tuple[LeafValues, np.ndarray]] = {}

    def _prepare_column(self, j: int, raw_column: np.ndarray) -> np.ndarray:
        indicator = self.methodology.indicators[j]
        return winsorise(transform(raw_column, indicator), indicator.winsorisation)

    @property
    def n_rated(self) -> int:
        return int(self.rated_index.size)

    @cached_property
    def rated_units(self) -> tuple[str, ...]:
        return tuple(self.dataset.units[i] for i in self.rated_index)

    def copy(self) -> Pipeline:
        """An independent copy (its arrays and caches can be changed by ``set_value``)."""
        twin = object.__new__(Pipeline)
        twin.__dict__.update(self.__dict__)
        twin.raw, twin.transformed, twin.gates = self.raw.copy(), self.transformed.copy(), self.gates.copy()
        twin._normalised = {method: matrix.copy() for method, matrix in self._normalised.items()}
        twin._leaves = {key: (leaves.copy(), imputed.copy()) for key, (leaves, imputed) in self._leaves.items()}
        return twin

    def with_value(self, rated_row: int, j: int, value: float) -> Pipeline:
        """A copy with one raw value of one rated unit replaced (the unit stays rated)."""
        twin = self.copy()
        twin.set_value(rated_row, j, value)
        return twin

    def set_value(self, rated_row: int, j: int, value: float) -> None:
        """Replace one raw value of a rated unit in place, preparing, normalising and imputing column ``j`` again.

        The result equals a new ``Pipeline`` on the changed data; the explanation's search calls this on
        a private copy many times, so nothing else is copied or recomputed.
        """
        indicator = self.methodology.indicators[j]
        self.raw[rated_row, j] = value
        self.transformed[:, j] = self._prepare_column(j, self.raw[:, j])
        self.gates = gate_passes(self.methodology, self.raw)
        for method, matrix in self._normalised.items():
            matrix[:, j] = normalise(self.transformed[:, j], indicator, None if method == "nominal" else method)
        for (method, missing), (leaves, imputed) in self._leaves.items():
            policy = indicator.missing if missing == "nominal" else missing
            normalised = self._normalised[method][:, [j]]
            values, available = impute(normalised, [policy], units=self.rated_units, indicators=(indicator.code,))
            imputed[:, j] = available[:, 0] & np.isnan(normalised[:, 0])
            leaves.set_column(j, values[:, 0], available[:, 0])

    def normalised(self, method: str = "nominal") -> np.ndarray:
        """Normalised values ``(rated units, indicators)``, NaN where missing."""
        if method not in self._normalised:
            columns = [normalise(self.transformed[:, j], indicator, None if method == "nominal" else method)
                       for j, indicator in enumerate(self.methodology.indicators)]
            self._normalised[method] = (np.stack(columns, axis=1) if columns
                                        else np.zeros((self.n_rated, 0)))
        return self._normalised[method]

    def leaves(self, normalisation: str = "nominal", missing: str = "nominal") -> tuple[LeafValues, np.ndarray]:
        """Aggregation-ready values after the missing-data policies, and which values were imputed."""
        key = (normalisation, missing)
        if key not in self._leaves:
            normalised = self.normalised(normalisation)
            policies = [indicator.missing if missing == "nominal" else missing
                        for indicator in self.methodology.indicators]
            values, available = impute(normalised, policies, units=self.rated_units,
                                       indicators=self.methodology.indicator_codes)
            imputed = available & np.isnan(normalised)
            self._leaves[key] = (LeafValues.build(values, available), imputed)
        return self._leaves[key]

    def scores(self, weights: np.ndarray, leaves: LeafValues) -> np.ndarray:
        """Index scores on the output scale ``(draws, rated units)``; NaN where nothing was available."""
        internal, present, _ = aggregate(self.structure, leaves, weights)
        return self.to_scale(internal, present)

    def to_scale(self, internal: np.ndarray, present: np.ndarray) -> np.ndarray:
        scale = self.methodology.scale
        return np.where(present, scale.min + scale.span * internal, np.nan)

    def rank_and_league(self, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = rank_keys(scores, self.methodology.scale.decimals)
        ranks = competition_ranks(keys)
        leagues = assign_leagues(self.methodology.leagues, keys, ranks, self.n_rated, self.gates)
        return ranks, leagues

    def league_of(self, rated_row: int, scenario: Scenario = NOMINAL) -> int:
        """League index of one rated unit under a scenario (used by the explanation's search)."""
        leaves, _ = self.leaves(scenario.normalisation, scenario.missing)
        scores = self.scores(scenario.effective_weights(self.structure)[None, :], leaves)
        _, leagues = self.rank_and_league(scores)
        return int(leagues[0, rated_row])


# ---------------------------------------------------------------------------------------- results
@dataclass(frozen=True)
class UnitResult:
    unit: str
    rated: bool
    coverage: float
    score: float | None
    rank: int | None
    league: str | None
    groups: dict[str, float | None]
    normalised: dict[str, float | None]
    imputed: dict[str, bool]
    contributions: dict[str, float | None]
    log_contributions: dict[str, float]    # members of geometric groups only


@dataclass(frozen=True, eq=False)
class RunResult:
    """Everything one computation produces; arrays are indexed like ``units`` (all units, rated or not)."""

    methodology: Methodology
    dataset: Dataset
    scenario: Scenario
    coverage: np.ndarray          # (n,)
    rated: np.ndarray             # (n,) bool
    scores: np.ndarray            # (n,) NaN if not rated
    ranks: np.ndarray             # (n,) 0 if not rated
    league_index: np.ndarray      # (n,) -1 if not rated
    group_scores: np.ndarray      # (n, groups) output scale, NaN if not rated or unavailable
    normalised: np.ndarray        # (n, indicators) values used, NaN if unavailable
    imputed: np.ndarray           # (n, indicators) bool
    contributions: np.ndarray     # (n, indicators) output scale; NaN if not rated
    log_contributions: np.ndarray  # (n, indicators + groups) members of geometric groups; NaN otherwise
    statistics: stats.RunStatistics
    pipeline: Pipeline = field(repr=False)

    @property
    def units(self) -> tuple[str, ...]:
        return self.dataset.units

    @cached_property
    def methodology_hash(self) -> str:
        return methodology_hash(self.methodology)

    def league(self, row: int) -> str | None:
        index = int(self.league_index[row])
        return None if index < 0 else self.methodology.leagues[index].code

    def unit(self, unit: str) -> UnitResult:
        row = self.dataset.row(unit)
        rated = bool(self.rated[row])
        codes = self.methodology.indicator_codes
        return UnitResult(
            unit=unit,
            rated=rated,
            coverage=float(self.coverage[row]),
            score=float(self.scores[row]) if rated else None,
            rank=int(self.ranks[row]) if rated else None,
            league=self.league(row),
            groups={code: _optional(self.group_scores[row, k]) for k, code in enumerate(self.methodology.group_codes)},
            normalised={code: _optional(self.normalised[row, j]) for j, code in enumerate(codes)},
            imputed={code: bool(self.imputed[row, j]) for j, code in enumerate(codes)},
            contributions={code: _optional(self.contributions[row, j]) for j, code in enumerate(codes)},
            log_contributions={code: float(self.log_contributions[row, k])
                               for k, code in enumerate(self.pipeline.structure.node_codes[:-1])
                               if not math.isnan(self.log_contributions[row, k])},
        )


def _optional(value: float) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def compute(methodology: Methodology, dataset: Dataset, scenario: Scenario = NOMINAL, *,
            pipeline: Pipeline | None = None) -> RunResult:
    """One computation (see the module docstring)."""
    pipeline = pipeline or Pipeline(methodology, dataset)
    structure = pipeline.structure
    n, p, g = len(dataset.units), structure.n_indicators, structure.n_groups
    leaves, imputed_rated = pipeline.leaves(scenario.normalisation, scenario.missing)
    weights = scenario.effective_weights(structure)
    internal, present, nodes = aggregate(structure, leaves, weights[None, :], keep_groups=True)
    rated_scores = pipeline.to_scale(internal, present)
    ranks_rated, leagues_rated = pipeline.rank_and_league(rated_scores)

    rows = pipeline.rated_index
    scores = np.full(n, np.nan)
    scores[rows] = rated_scores[0]
    ranks = np.zeros(n, dtype=np.int64)
    ranks[rows] = ranks_rated[0]
    league_index = np.full(n, -1, dtype=np.int64)
    league_index[rows] = leagues_rated[0]
    group_scores = np.full((n, g), np.nan)
    for k in range(g):
        node_score, node_present = nodes[p + k]
        group_scores[rows, k] = pipeline.to_scale(node_score, node_present)[0]
    normalised = np.full((n, p), np.nan)
    normalised[rows] = np.where(leaves.available > 0, leaves.values, np.nan)
    imputed = np.zeros((n, p), dtype=bool)
    imputed[rows] = imputed_rated
    contribution = np.full((n, p), np.nan)
    contribution[rows] = contributions(structure, leaves, weights, nodes) * methodology.scale.span
    log_contribution = np.full((n, structure.n_nodes - 1), np.nan)
    log_contribution[rows] = log_contributions(structure, leaves, weights, nodes)

    observed = pipeline.normalised(scenario.normalisation)
    correlation = stats.correlation_matrix(observed)
    finite_scores = rated_scores[0][~np.isnan(rated_scores[0])]
    counts, edges = stats.histogram(finite_scores, methodology.scale.min, methodology.scale.max,
                                    methodology.histogram_bins)
    run_statistics = stats.RunStatistics(
        n_units=n,
        n_rated=pipeline.n_rated,
        summary=stats.summarise(finite_scores),
        correlation=correlation,
        redundant_pairs=stats.redundant_pairs(correlation, methodology.indicator_codes,
                                              methodology.correlation_threshold),
        histogram_counts=counts,
        histogram_edges=edges,
    )
    return RunResult(methodology, dataset, scenario, pipeline.coverage, pipeline.rated, scores, ranks, league_index,
                     group_scores, normalised, imputed, contribution, log_contribution, run_statistics,
                     pipeline)

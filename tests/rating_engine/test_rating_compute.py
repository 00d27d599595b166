"""One computation: normalisations, aggregations, missing data, coverage, ranks, leagues, decomposition."""

from __future__ import annotations

import math

import numpy as np
import pytest

from smarttvet.rating.engine.compute import Dataset, compute
from smarttvet.rating.engine.errors import DataError
from smarttvet.rating.engine.methodology import parse_methodology
from smarttvet.rating.engine.ranking import competition_ranks

NAMES = {"kk": "атауы", "ru": "название", "en": "name"}


def indicator(code, method="minmax", direction="positive", missing="fail", transform="none", winsorise="none",
              **parameters):
    return {"code": code, "names": NAMES, "unit": "u", "direction": direction, "transform": transform,
            "winsorise": winsorise, "missing": missing, "normalisation": {"method": method, **parameters}}


def methodology(indicators, groups=None, index=None, leagues=None, **top):
    if groups is None:
        groups = [{"code": "g", "names": NAMES, "aggregation": "arithmetic",
                   "members": [i["code"] for i in indicators]}]
    index = index or {"aggregation": "arithmetic", "members": [g["code"] for g in groups]}
    leagues = leagues or [{"code": "all", "names": NAMES}]
    return parse_methodology({"code": "t", "names": NAMES, "indicators": indicators, "groups": groups,
                              "index": index, "leagues": leagues, **top})


def run(m, rows: dict[str, list]):
    values = np.array([[np.nan if v is None else v for v in row] for row in rows.values()], dtype=float)
    return compute(m, Dataset(tuple(rows), m.indicator_codes, values.reshape(len(rows), len(m.indicators))))


def normalised(m, column: list) -> list[float]:
    result = run(m, {f"u{k}": [v] for k, v in enumerate(column)})
    return [None if math.isnan(x) else round(float(x), 12) for x in result.normalised[:, 0]]


# ---------------------------------------------------------------- normalisations
def test_minmax_uses_the_data_and_mirrors_negative_indicators():
    assert normalised(methodology([indicator("a")]), [10, 20, 30, 25]) == [0.0, 0.5, 1.0, 0.75]
    assert normalised(methodology([indicator("a", direction="negative")]), [10, 20, 30]) == [1.0, 0.5, 0.0]
    assert normalised(methodology([indicator("a")]), [7, 7]) == [0.5, 0.5]  # a constant column


def test_goalposts_are_raw_units_clipped_and_transformed_with_the_value():
    m = methodology([indicator("a", "goalposts", min=0, max=20)])
    assert normalised(m, [-5, 10, 25, 5]) == [0.0, 0.5, 1.0, 0.25]
    m = methodology([indicator("a", "goalposts", transform="log", min=1, max=100)])
    assert normalised(m, [10, 1000, 0.5]) == [0.5, 1.0, 0.0]
    m = methodology([indicator("a", "goalposts", direction="negative", min=0, max=20)])
    assert normalised(m, [5, 30]) == [0.75, 0.0]


def test_zscore_uses_the_sample_standard_deviation():
    m = methodology([indicator("a", "zscore")])
    assert normalised(m, [1, 2, 3]) == [-1.0, 0.0, 1.0]
    assert normalised(methodology([indicator("a", "zscore", direction="negative")]), [1, 2, 3]) == [1.0, 0.0, -1.0]
    result = run(m, {"x": [1], "y": [2], "z": [3]})
    assert result.scores.tolist() == pytest.approx([-1.0, 0.0, 1.0])  # z-scores are not bounded


def test_rank_gives_percentiles_with_average_ranks_for_ties():
    m = methodology([indicator("a", "rank")])
    assert normalised(m, [5, 1, 5, 9]) == [0.5, 0.0, 0.5, 1.0]
    assert normalised(methodology([indicator("a", "rank", direction="negative")]), [5, 1, 9]) == [0.5, 1.0, 0.0]


def test_target_scores_the_distance_from_floor_to_target():
    assert normalised(methodology([indicator("a", "target", target=80, floor=40)]), [20, 60, 100]) == [0.0, 0.5, 1.0]
    m = methodology([indicator("a", "target", direction="negative", target=2, floor=10)])
    assert normalised(m, [1, 6, 12]) == [1.0, 0.5, 0.0]


def test_quantile_winsorisation_clamps_before_minmax():
    m = methodology([indicator("a", winsorise={"lower": 0.0, "upper": 0.9})])
    values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]
    high = float(np.quantile(values, 0.9))  # 10.0
    result = normalised(m, values)
    assert result[-1] == 1.0 and result[-2] == round((10 - 1) / (high - 1), 12)
    assert normalised(methodology([indicator("a")]), values)[-2] == round(9 / 99, 12)  # without: squeezed


def test_auto_winsorisation_pulls_in_the_outlier_only_when_skew_and_kurtosis_are_high():
    m = methodology([indicator("a", winsorise="auto")])
    skewed = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1000]
    result = normalised(m, skewed)
    assert result[-1] == 1.0 and result[-2] == 1.0  # 1000 became 10
    assert result[4] == round(4 / 9, 12)
    symmetric = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert normalised(m, symmetric) == normalised(methodology([indicator("a")]), symmetric)


# ---------------------------------------------------------------- aggregation
def test_arithmetic_aggregation_normalises_the_weights_within_the_group():
    m = methodology([indicator("a", "goalposts", min=0, max=1), indicator("b", "goalposts", min=0, max=1)],
                    groups=[{"code": "g", "names": NAMES, "aggregation": "arithmetic",
                             "members": [{"code": "a", "weight": 1}, {"code": "b", "weight": 3}]}],
                    scale={"min": 0, "max": 100})
    result = run(m, {"x": [0.2, 0.6], "y": [1.0, 0.0]})
    assert result.scores.tolist() == pytest.approx([100 * (0.2 + 3 * 0.6) / 4, 25.0])
    assert result.group_scores[:, 0].tolist() == pytest.approx(result.scores.tolist())


def test_geometric_aggregation_and_a_zero_member():
    m = methodology([indicator("a", "goalposts", min=0, max=1), indicator("b", "goalposts", min=0, max=1)],
                    groups=[{"code": "g", "names": NAMES, "aggregation": "geometric",
                             "members": [{"code": "a", "weight": 1}, {"code": "b", "weight": 2}]}])
    result = run(m, {"x": [0.8, 0.4], "y": [0.0, 0.9], "z": [1.0, 1.0]})
    assert result.scores[0] == pytest.approx(0.8 ** (1 / 3) * 0.4 ** (2 / 3), abs=1e-15)
    assert result.scores[1] == 0.0
    assert result.scores[2] == 1.0


def test_nested_groups_aggregate_bottom_up():
    inds = [indicator(c, "goalposts", min=0, max=10) for c in "abc"]
    groups = [{"code": "g1", "names": NAMES, "aggregation": "arithmetic", "members": ["a", "b"]},
              {"code": "g2", "names": NAMES, "aggregation": "geometric",
               "members": [{"code": "g1", "weight": 1}, {"code": "c", "weight": 1}]}]
    m = methodology(inds, groups=groups, index={"aggregation": "arithmetic", "members": ["g2"]})
    result = run(m, {"x": [2, 6, 9]})
    g1 = (0.2 + 0.6) / 2
    assert result.group_scores[0].tolist() == pytest.approx([g1, math.sqrt(g1 * 0.9)])
    assert result.scores[0] == pytest.approx(math.sqrt(g1 * 0.9))


# ---------------------------------------------------------------- missing data
def two_indicators(policy, **top):
    return methodology([indicator("a", "goalposts", min=0, max=10),
                        indicator("b", "goalposts", min=0, max=10, missing=policy)], **top)


def test_missing_fail_names_the_unit_and_indicator():
    with pytest.raises(DataError) as caught:
        run(two_indicators("fail"), {"x": [5, 5], "y": [4, None]})
    assert caught.value.unit == "y" and caught.value.indicator == "b"


def test_missing_zero_counts_the_worst_normalised_value():
    result = run(two_indicators("zero"), {"x": [6, 8], "y": [4, None]})
    assert result.scores[1] == pytest.approx((0.4 + 0.0) / 2)
    assert bool(result.imputed[1, 1]) and not result.imputed[0, 1]


def test_missing_mean_takes_the_mean_of_the_rated_units():
    result = run(two_indicators("mean"), {"x": [6, 8], "y": [4, None], "z": [1, 2]})
    assert result.normalised[1, 1] == pytest.approx((0.8 + 0.2) / 2)
    assert result.scores[1] == pytest.approx((0.4 + 0.5) / 2)


def test_missing_reweight_shares_the_weight_among_present_members():
    result = run(two_indicators("reweight"), {"x": [6, 8], "y": [4, None]})
    assert result.scores[1] == pytest.approx(0.4)
    assert math.isnan(result.normalised[1, 1]) and result.contributions[1, 1] == 0.0


def test_a_group_with_nothing_present_is_reweighted_in_its_parent():
    inds = [indicator("a", "goalposts", min=0, max=10), indicator("b", "goalposts", min=0, max=10, missing="reweight")]
    groups = [{"code": "ga", "names": NAMES, "aggregation": "arithmetic", "members": ["a"]},
              {"code": "gb", "names": NAMES, "aggregation": "geometric", "members": ["b"]}]
    m = methodology(inds, groups=groups, index={"aggregation": "geometric", "members": ["ga", "gb"]})
    result = run(m, {"x": [6, 9], "y": [4, None]})
    assert result.scores[1] == pytest.approx(0.4)
    assert math.isnan(result.group_scores[1, 1])


def test_units_below_the_coverage_minimum_are_not_rated_and_do_not_move_the_others():
    inds = [indicator(c, missing="reweight") for c in "abcd"]
    m = methodology(inds, coverage={"minimum": 0.75},
                    leagues=[{"code": "top", "names": NAMES, "rule": {"min_score": 0.5}},
                             {"code": "rest", "names": NAMES}])
    rows = {"x": [1, 2, 3, 4], "y": [2, 3, 4, None], "z": [3, 1, 2, 1], "w": [1000, None, None, 9]}
    result = run(m, rows)
    assert result.rated.tolist() == [True, True, True, False]
    assert result.coverage.tolist() == [1.0, 0.75, 1.0, 0.5]
    assert math.isnan(result.scores[3]) and result.ranks[3] == 0 and result.league(3) is None
    assert result.unit("w").score is None and result.unit("w").rank is None
    without = run(m, {k: v for k, v in rows.items() if k != "w"})
    assert result.scores[:3].tolist() == without.scores.tolist()  # w's 1000 does not stretch the minmax
    assert result.statistics.n_rated == 3


# ---------------------------------------------------------------- ranks and leagues
def test_competition_ranking_shares_the_lowest_rank():
    assert competition_ranks(np.array([0.5, 0.7, 0.7, 0.2])).tolist() == [3, 1, 1, 4]
    assert competition_ranks(np.array([[1.0, 1.0, 1.0], [3.0, 2.0, 1.0]])).tolist() == [[1, 1, 1], [1, 2, 3]]


def test_ranks_tie_on_the_rounded_score():
    m = methodology([indicator("a", "goalposts", min=0, max=1)], scale={"min": 0, "max": 1, "decimals": 3})
    result = run(m, {"p": [0.8004], "q": [0.8001], "r": [0.9], "s": [0.7996]})
    assert result.ranks.tolist() == [2, 2, 1, 2]  # 0.800, 0.800, 0.900, 0.800
    unrounded = methodology([indicator("a", "goalposts", min=0, max=1)])
    assert run(unrounded, {"p": [0.8004], "q": [0.8001], "r": [0.9], "s": [0.7996]}).ranks.tolist() == [2, 3, 1, 4]


def league_methodology(leagues):
    return methodology([indicator("a", "goalposts", min=0, max=100), indicator("b", "goalposts", min=0, max=100)],
                       scale={"min": 0, "max": 100}, leagues=leagues)


def test_score_threshold_leagues_are_evaluated_from_the_top():
    m = league_methodology([{"code": "gold", "names": NAMES, "rule": {"min_score": 80}},
                            {"code": "silver", "names": NAMES, "rule": {"min_score": 50}},
                            {"code": "bronze", "names": NAMES}])
    result = run(m, {"a": [90, 90], "b": [80, 80], "c": [60, 40], "d": [10, 20]})
    assert [result.league(i) for i in range(4)] == ["gold", "gold", "silver", "bronze"]
    assert result.scores[1] == 80.0  # at the threshold is in


def test_rank_quantile_league_takes_the_top_share_with_ties_all_in():
    m = league_methodology([{"code": "top", "names": NAMES, "rule": {"top_share": 0.25}},
                            {"code": "rest", "names": NAMES}])
    rows = {f"u{k}": [v, v] for k, v in enumerate([10, 20, 30, 40, 50, 60, 70, 80])}
    result = run(m, rows)
    assert [result.league(i) for i in range(8)] == ["rest"] * 6 + ["top"] * 2
    rows["u5"] = [70, 70]  # ties with u6 at rank 2: still fewer than 2 ahead of each
    result = run(m, rows)
    assert result.ranks.tolist()[5:] == [2, 2, 1]
    assert [result.league(i) for i in range(5, 8)] == ["top", "top", "top"]


def test_both_conditions_must_hold_when_a_rule_has_a_threshold_and_a_quantile():
    m = league_methodology([{"code": "top", "names": NAMES, "rule": {"top_share": 0.5, "min_score": 50}},
                            {"code": "rest", "names": NAMES}])
    result = run(m, {"a": [40, 40], "b": [45, 45], "c": [60, 60], "d": [10, 10]})
    assert [result.league(i) for i in range(4)] == ["rest", "rest", "top", "rest"]


def test_a_gate_keeps_a_high_scorer_out_and_a_missing_value_fails_the_gate():
    inds = [indicator("a", "goalposts", min=0, max=100),
            indicator("b", "goalposts", min=0, max=100, missing="reweight")]
    m = methodology(inds, scale={"min": 0, "max": 100}, leagues=[
        {"code": "leaders", "names": NAMES, "rule": {"min_score": 60, "gates": [{"indicator": "b", "at_least": 50}]}},
        {"code": "good", "names": NAMES, "rule": {"gates": [{"indicator": "a", "at_most": 95}]}},
        {"code": "rest", "names": NAMES}])
    result = run(m, {"ok": [70, 60], "gated": [100, 40], "missing": [90, None], "low": [20, 90]})
    assert [result.league(i) for i in range(4)] == ["leaders", "rest", "good", "good"]


# ---------------------------------------------------------------- decomposition and statistics
def test_contributions_add_up_to_the_score_and_log_contributions_to_its_logarithm():
    rng = np.random.default_rng(3)
    inds = [indicator(c, "goalposts", min=0, max=1, missing="reweight") for c in "abcde"]
    groups = [{"code": "g1", "names": NAMES, "aggregation": "arithmetic",
               "members": [{"code": "a", "weight": 2}, {"code": "b", "weight": 1}]},
              {"code": "g2", "names": NAMES, "aggregation": "geometric",
               "members": [{"code": "c", "weight": 1}, {"code": "d", "weight": 3}]},
              {"code": "g3", "names": NAMES, "aggregation": "arithmetic", "members": ["e", "g2"]}]
    for aggregation in ("arithmetic", "geometric"):
        m = methodology(inds, groups=groups, index={"aggregation": aggregation, "members": ["g1", "g3"]},
                        scale={"min": 10, "max": 60})
        values = rng.uniform(0.05, 1, size=(30, 5))
        values[rng.random(values.shape) < 0.1] = np.nan
        result = compute(m, Dataset(tuple(f"u{k}" for k in range(30)), m.indicator_codes, values))
        assert np.allclose(result.contributions.sum(axis=1), result.scores - 10, atol=1e-12)
        assert (result.contributions >= 0).all()
        unit = result.unit("u0")
        if aggregation == "geometric":
            assert set(unit.log_contributions) >= {"g1", "g3", "c", "d"}
            internal = (unit.score - 10) / 50
            assert unit.log_contributions["g1"] + unit.log_contributions["g3"] == pytest.approx(math.log(internal))


def test_statistics_flag_redundant_pairs_and_count_the_histogram():
    m = methodology([indicator("a"), indicator("b"), indicator("c")],
                    statistics={"correlation_threshold": 0.9, "histogram_bins": 4})
    rng = np.random.default_rng(1)
    a = rng.uniform(0, 1, 40)
    values = np.column_stack([a, 2 * a + 0.001 * rng.uniform(0, 1, 40), rng.uniform(0, 1, 40)])
    result = compute(m, Dataset(tuple(f"u{k}" for k in range(40)), m.indicator_codes, values))
    pairs = {(p.first, p.second) for p in result.statistics.redundant_pairs}
    assert pairs == {("a", "b")}
    assert result.statistics.correlation[0, 1] > 0.99 and abs(result.statistics.correlation[0, 2]) < 0.9
    assert result.statistics.histogram_counts.sum() == 40 and len(result.statistics.histogram_counts) == 4
    assert result.statistics.summary["max"] == pytest.approx(float(np.nanmax(result.scores)))


def test_log_transform_refuses_non_positive_values():
    m = methodology([indicator("a", "minmax", transform="log")])
    with pytest.raises(DataError) as caught:
        run(m, {"x": [3], "y": [0]})
    assert caught.value.unit == "y" and caught.value.indicator == "a"


def test_duplicate_units_are_refused():
    m = methodology([indicator("a")])
    with pytest.raises(DataError, match="duplicate unit 'x'"):
        compute(m, Dataset(("x", "x"), ("a",), np.array([[1.0], [2.0]])))

"""Explanation of one unit: helps and hurts, the smallest change that lifts it a league, what-if."""

from __future__ import annotations

import numpy as np
import pytest

from smarttvet.rating.engine.compute import Dataset, compute
from smarttvet.rating.engine.errors import DataError
from smarttvet.rating.engine.explain import explain, format_explanation, what_if
from smarttvet.rating.engine.methodology import parse_methodology

NAMES = {"kk": "атауы", "ru": "название", "en": "name"}


def build(indicators, leagues, weights, minimum_coverage=0.0):
    return parse_methodology({
        "code": "ex", "names": NAMES, "scale": {"min": 0, "max": 100}, "coverage": {"minimum": minimum_coverage},
        "indicators": indicators,
        "groups": [{"code": "all", "names": NAMES, "aggregation": "arithmetic",
                    "members": [{"code": i["code"], "weight": w} for i, w in zip(indicators, weights, strict=True)]}],
        "index": {"aggregation": "arithmetic", "members": ["all"]},
        "leagues": leagues,
    })


def goalposts(code, direction="positive", missing="fail"):
    return {"code": code, "names": NAMES, "unit": "%", "direction": direction, "missing": missing,
            "normalisation": {"method": "goalposts", "min": 0, "max": 100}}


LEAGUES = [
    {"code": "gold", "names": NAMES, "rule": {"min_score": 70, "gates": [{"indicator": "a", "at_least": 60}]}},
    {"code": "silver", "names": NAMES, "rule": {"min_score": 50}},
    {"code": "bronze", "names": NAMES},
]
# score = (2a + b + (100 - c) + 0.1 d) / 4.1 on 0-100
METHODOLOGY = build([goalposts("a"), goalposts("b"), goalposts("c", "negative"), goalposts("d", missing="mean")],
                    LEAGUES, [2, 1, 1, 0.1])
DATA = Dataset(("star", "climber", "gated", "low", "lost"), ("a", "b", "c", "d"), np.array([
    [90.0, 80, 10, 50],   # 86.6: gold
    [65.0, 60, 40, 50],   # (130 + 60 + 60 + 5) / 4.1 = 62.2: silver
    [55.0, 90, 5, 50],    # 73.2, but a is below the gate: silver
    [20.0, 30, 70, 50],   # bronze
    [10.0, 10, 90, np.nan],
]))


def league_if(unit, indicator, value):
    return what_if(METHODOLOGY, DATA, unit, {indicator: value}).after.league


def test_the_minimal_change_lifts_the_unit_and_a_slightly_smaller_one_does_not():
    explanation = explain(METHODOLOGY, DATA, "climber")
    assert (explanation.league, explanation.next_league) == ("silver", "gold")
    changes = {c.indicator: c for c in explanation.changes}
    # by hand: 2a + 125 >= 287 -> a >= 81;  b + 195 >= 287 -> b >= 92;  295 - c >= 287 -> c <= 8
    assert changes["a"].required == pytest.approx(81, abs=1e-6)
    assert changes["b"].required == pytest.approx(92, abs=1e-6)
    assert changes["c"].required == pytest.approx(8, abs=1e-6) and changes["c"].change < 0
    for code in ("a", "b", "c"):
        change = changes[code]
        assert change.reachable and change.current == DATA.values[1, "abcd".index(code)]
        assert change.required - change.current == change.change
        assert league_if("climber", code, change.required) == "gold"
        assert league_if("climber", code, change.current + change.change * (1 - 1e-9)) == "silver"


def test_an_indicator_that_cannot_lift_the_unit_alone_is_reported_as_such():
    changes = {c.indicator: c for c in explain(METHODOLOGY, DATA, "climber").changes}
    assert not changes["d"].reachable and changes["d"].required is None  # would need d = 370 > 100
    assert league_if("climber", "d", 100) == "silver"
    gated = {c.indicator: c for c in explain(METHODOLOGY, DATA, "gated").changes}
    assert not gated["b"].reachable and not gated["c"].reachable  # the gate on a blocks them
    assert gated["a"].required == pytest.approx(60, abs=1e-9)  # a = 60 passes the gate and scores 75.6
    assert league_if("gated", "a", gated["a"].required) == "gold"
    assert league_if("gated", "a", np.nextafter(gated["a"].required, 0)) == "silver"


def test_a_missing_value_is_searched_from_the_worst_end():
    lost = {c.indicator: c for c in explain(METHODOLOGY, DATA, "lost").changes}
    assert lost["d"].current is None and not lost["d"].reachable
    assert lost["a"].required == pytest.approx(((50 * 4.1) - 10 - 10 - 0.1 * 50) / 2, abs=1e-6)


def test_helps_and_hurts_compare_with_the_median_of_the_leagues():
    explanation = explain(METHODOLOGY, DATA, "climber")
    own, above = explanation.own, explanation.above
    assert own.league == "silver" and own.n_units == 2 and above.league == "gold" and above.n_units == 1
    # against the star (gold): every indicator but d is worse, a (weight 2) the most
    assert [gap.indicator for gap in above.hurts] == ["a", "c", "b"]
    assert above.hurts[0].impact == pytest.approx(2 * (65 - 90) / 4.1)
    assert above.helps == ()
    # against the silver median (climber and gated): c helps less than it, a helps
    helps = {gap.indicator: gap for gap in own.helps}
    assert "a" in helps and helps["a"].impact > 0
    assert all(gap.impact < 0 for gap in own.hurts)


def test_the_top_league_has_nothing_to_reach():
    explanation = explain(METHODOLOGY, DATA, "star")
    assert explanation.league == "gold" and explanation.next_league is None
    assert explanation.changes == () and explanation.above is None
    assert "Already in the top league." in format_explanation(explanation, METHODOLOGY)


def test_a_rank_quantile_league_is_reached_through_the_data():
    indicators = [{"code": c, "names": NAMES, "unit": "u", "direction": "positive", "missing": "fail",
                   "normalisation": {"method": "minmax"}} for c in ("x", "y")]
    leagues = [{"code": "top", "names": NAMES, "rule": {"top_share": 0.25}}, {"code": "rest", "names": NAMES}]
    methodology = build(indicators, leagues, [1, 1])
    rng = np.random.default_rng(8)
    dataset = Dataset(tuple(f"u{k}" for k in range(8)), ("x", "y"), rng.uniform(0, 10, size=(8, 2)))
    result = compute(methodology, dataset)
    unit = dataset.units[int(np.flatnonzero(result.ranks == 5)[0])]
    changes = {c.indicator: c for c in explain(methodology, dataset, unit, result=result).changes}
    for change in changes.values():
        if change.reachable:
            assert what_if(methodology, dataset, unit, {change.indicator: change.required}).after.league == "top"
            smaller = change.current + change.change * (1 - 1e-9)
            assert what_if(methodology, dataset, unit, {change.indicator: smaller}).after.league == "rest"
    assert any(change.reachable for change in changes.values())


def test_what_if_recomputes_without_storing_anything():
    before = DATA.values.copy()
    outcome = what_if(METHODOLOGY, DATA, "climber", {"b": 95})
    assert outcome.before.league == "silver" and outcome.after.league == "gold"
    assert outcome.after.score == pytest.approx((130 + 95 + 60 + 5) / 4.1)
    assert outcome.before.rank == 3 and outcome.after.rank == 3  # 70.7, still behind gated's 73.2
    outcome = what_if(METHODOLOGY, DATA, "climber", {"a": 90, "c": 20})
    assert outcome.after.score == pytest.approx((180 + 60 + 80 + 5) / 4.1) and outcome.after.rank == 2
    assert np.array_equal(DATA.values, before, equal_nan=True)
    assert compute(METHODOLOGY, DATA).unit("climber").league == "silver"
    missing = what_if(METHODOLOGY, DATA, "climber", {"d": None})  # mean-imputed d
    assert missing.after.score == pytest.approx((130 + 60 + 60 + 0.1 * 50) / 4.1)
    with pytest.raises(DataError):
        what_if(METHODOLOGY, DATA, "climber", {"zzz": 1})
    with pytest.raises(DataError):
        what_if(METHODOLOGY, DATA, "nobody", {"a": 1})


def test_what_if_takes_data_derived_parameters_from_the_changed_data():
    indicators = [{"code": "x", "names": NAMES, "unit": "u", "direction": "positive", "missing": "fail",
                   "normalisation": {"method": "minmax"}}]
    methodology = build(indicators, [{"code": "all", "names": NAMES}], [1])
    dataset = Dataset(("p", "q", "r"), ("x",), np.array([[0.0], [5.0], [10.0]]))
    outcome = what_if(methodology, dataset, "r", {"x": 20})
    assert outcome.after.score == 100.0
    assert outcome.result.unit("q").score == pytest.approx(25.0)  # the maximum moved from 10 to 20
    assert compute(methodology, dataset).unit("q").score == pytest.approx(50.0)


def test_a_unit_that_is_not_rated_is_explained_as_such():
    methodology = build([goalposts("a", missing="reweight"), goalposts("b", missing="reweight")], LEAGUES[1:], [1, 1],
                        minimum_coverage=1.0)
    dataset = Dataset(("full", "half"), ("a", "b"), np.array([[50.0, 60], [40, np.nan]]))
    explanation = explain(methodology, dataset, "half")
    assert not explanation.rated and explanation.score is None and explanation.coverage == 0.5
    assert "Not rated" in format_explanation(explanation, methodology)


def test_the_text_names_the_required_values():
    text = format_explanation(explain(METHODOLOGY, DATA, "climber"), METHODOLOGY)
    assert "rank 3 of 5" in text and "league name (silver)" in text
    assert "a: from 65 to 81 %" in text
    assert "d: not reachable by this indicator alone" in text


def test_the_search_shortcut_equals_a_fresh_computation():
    """``Pipeline.with_value`` recomputes one column only; it must agree with the whole pipeline."""
    indicators = [
        {"code": "w", "names": NAMES, "unit": "u", "direction": "positive", "missing": "mean",
         "winsorise": {"lower": 0.1, "upper": 0.9}, "normalisation": {"method": "minmax"}},
        {"code": "x", "names": NAMES, "unit": "u", "direction": "negative", "missing": "reweight",
         "normalisation": {"method": "rank"}},
        {"code": "y", "names": NAMES, "unit": "u", "direction": "positive", "missing": "zero",
         "transform": "log", "normalisation": {"method": "goalposts", "min": 1, "max": 100}},
    ]
    gate = {"indicator": "y", "at_least": 5}
    leagues = [{"code": "top", "names": NAMES, "rule": {"top_share": 0.3, "gates": [gate]}},
               {"code": "rest", "names": NAMES}]
    methodology = build(indicators, leagues, [1, 2, 1])
    rng = np.random.default_rng(4)
    values = rng.uniform(1, 50, size=(12, 3))
    values[rng.random(values.shape) < 0.2] = np.nan
    dataset = Dataset(tuple(f"u{k}" for k in range(12)), ("w", "x", "y"), values)
    pipeline = compute(methodology, dataset).pipeline
    for _ in range(25):
        row, j, value = int(rng.integers(pipeline.n_rated)), int(rng.integers(3)), float(rng.uniform(1, 80))
        changed = values.copy()
        changed[pipeline.rated_index[row], j] = value
        fresh = compute(methodology, Dataset(dataset.units, dataset.indicators, changed)).pipeline
        shortcut = pipeline.with_value(row, j, value)
        for mine, theirs in zip(shortcut.leaves(), fresh.leaves(), strict=True):
            if isinstance(mine, np.ndarray):
                assert np.array_equal(mine, theirs)
            else:
                assert np.array_equal(mine.values, theirs.values) and np.array_equal(mine.logs, theirs.logs)
        assert np.array_equal(shortcut.gates, fresh.gates)
        assert all(shortcut.league_of(r) == fresh.league_of(r) for r in range(pipeline.n_rated))

"""Property tests: monotonicity, order invariance, minmax scale invariance, scores within the scale."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smarttvet.rating.engine.compute import Dataset, compute
from smarttvet.rating.engine.methodology import parse_methodology

NAMES = {"kk": "атауы", "ru": "название", "en": "name"}
BOUNDED = ("minmax", "goalposts", "rank", "target")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def normalisation(method: str, direction: str) -> dict:
    if method == "goalposts":
        return {"method": "goalposts", "min": 10, "max": 90}
    if method == "target":
        return {"method": "target", "target": 90, "floor": 10} if direction == "positive" else \
            {"method": "target", "target": 10, "floor": 90}
    return {"method": method}


@st.composite
def methodologies(draw, methods=BOUNDED, policies=("mean", "reweight", "zero")):
    p = draw(st.integers(2, 5))
    indicators = []
    for j in range(p):
        direction = draw(st.sampled_from(["positive", "negative"]))
        indicators.append({"code": f"i{j}", "names": NAMES, "unit": "u", "direction": direction,
                           "missing": draw(st.sampled_from(policies)),
                           "normalisation": normalisation(draw(st.sampled_from(methods)), direction)})
    split = draw(st.integers(1, p - 1))
    weight = st.floats(0.1, 10)
    groups = [
        {"code": "g1", "names": NAMES, "aggregation": draw(st.sampled_from(["arithmetic", "geometric"])),
         "members": [{"code": f"i{j}", "weight": draw(weight)} for j in range(split)]},
        {"code": "g2", "names": NAMES, "aggregation": draw(st.sampled_from(["arithmetic", "geometric"])),
         "members": [{"code": f"i{j}", "weight": draw(weight)} for j in range(split, p)]},
    ]
    low = draw(st.floats(-100, 100))
    span = draw(st.floats(0.5, 1000))
    return parse_methodology({
        "code": "prop", "names": NAMES, "scale": {"min": low, "max": low + span},
        "indicators": indicators, "groups": groups,
        "index": {"aggregation": draw(st.sampled_from(["arithmetic", "geometric"])),
                  "members": [{"code": "g1", "weight": draw(weight)}, {"code": "g2", "weight": draw(weight)}]},
        "leagues": [{"code": "top", "names": NAMES, "rule": {"top_share": 0.3}}, {"code": "rest", "names": NAMES}],
    })


@st.composite
def cases(draw, methods=BOUNDED, policies=("mean", "reweight", "zero"), missing=True):
    methodology = draw(methodologies(methods, policies))
    n = draw(st.integers(2, 8))
    p = len(methodology.indicators)
    value = st.floats(0.5, 100, allow_nan=False)
    cell = st.one_of(value, st.none()) if missing else value
    rows = [[draw(cell) for _ in range(p)] for _ in range(n)]
    rows[0] = [draw(value) for _ in range(p)]  # unit 0 has every value
    values = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)
    return methodology, Dataset(tuple(f"u{k}" for k in range(n)), methodology.indicator_codes, values)


@FAST
@given(cases(), st.data())
def test_improving_an_indicator_never_lowers_the_score(case, data):
    methodology, dataset = case
    j = data.draw(st.integers(0, len(methodology.indicators) - 1))
    step = data.draw(st.floats(0.01, 50))
    before = compute(methodology, dataset).scores[0]
    values = dataset.values.copy()
    values[0, j] += step  # more of it: better if positive, worse if negative
    after = compute(methodology, Dataset(dataset.units, dataset.indicators, values)).scores[0]
    tolerance = 1e-9 * methodology.scale.span
    if methodology.indicators[j].direction == "positive":
        assert after >= before - tolerance
    else:
        assert after <= before + tolerance


@FAST
@given(cases(policies=("reweight", "zero")), st.randoms(use_true_random=False))
def test_the_order_of_the_units_does_not_matter(case, random):
    methodology, dataset = case
    order = list(range(len(dataset.units)))
    random.shuffle(order)
    original = compute(methodology, dataset)
    shuffled = compute(methodology, dataset.permuted(order))
    assert np.array_equal(shuffled.scores, original.scores[order], equal_nan=True)
    assert np.array_equal(shuffled.ranks, original.ranks[order])
    assert np.array_equal(shuffled.league_index, original.league_index[order])


@FAST
@given(cases(methods=("minmax",)), st.lists(st.floats(1e-3, 1e3), min_size=5, max_size=5))
def test_minmax_does_not_depend_on_the_unit_of_measurement(case, factors):
    methodology, dataset = case
    p = len(methodology.indicators)
    rescaled = Dataset(dataset.units, dataset.indicators, dataset.values * np.array(factors[:p]))
    original, changed = compute(methodology, dataset), compute(methodology, rescaled)
    assert np.allclose(changed.normalised, original.normalised, rtol=0, atol=1e-12, equal_nan=True)
    assert np.allclose(changed.scores, original.scores, rtol=1e-12, atol=1e-9 * methodology.scale.span,
                       equal_nan=True)


@FAST
@given(cases())
def test_scores_stay_within_the_output_scale_and_contributions_add_up(case):
    methodology, dataset = case
    result = compute(methodology, dataset)
    scale = methodology.scale
    slack = 1e-9 * scale.span
    scores = result.scores[result.rated]
    assert ((scores >= scale.min - slack) & (scores <= scale.max + slack)).all()
    groups = result.group_scores[~np.isnan(result.group_scores)]
    assert ((groups >= scale.min - slack) & (groups <= scale.max + slack)).all()
    assert np.allclose(result.contributions[result.rated].sum(axis=1), scores - scale.min, atol=slack)

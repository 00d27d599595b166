"""The shipped HDI methodology reproduces UNDP's Human Development Index.

Inputs from UNDP's Human Development Report 2021/22, Table 1 (data year 2021): life expectancy at birth,
expected and mean years of schooling, GNI per capita (2017 PPP $), and the published HDI.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from smarttvet.rating.engine.compute import Dataset, compute
from smarttvet.rating.engine.methodology import load_methodology

HDI = Path(__file__).resolve().parents[2] / "src" / "smarttvet" / "rating" / "methodologies" / "hdi.yaml"

# country: (life expectancy, expected schooling, mean schooling, GNI per capita), published HDI
PUBLISHED_2021 = {
    "Norway": ((83.2, 18.2, 13.0, 64_660), 0.961),
    "Germany": ((80.6, 17.0, 14.1, 54_534), 0.942),
    "Kazakhstan": ((69.4, 15.8, 12.3, 23_943), 0.811),
    "Chad": ((52.5, 8.0, 2.6, 1_364), 0.394),
}
# The published inputs are rounded and UNDP computes from unrounded ones, so for some countries the
# rounded inputs land on the other side of a rounding boundary: Switzerland's give 0.96258 (published
# 0.962), Niger's 0.40076 (published 0.400). They are checked against the hand computation only.
HAND_ONLY_2021 = {
    "Switzerland": (84.0, 16.5, 13.9, 66_933),
    "Niger": (61.6, 7.0, 2.1, 1_240),
}
COUNTRIES = {**{name: inputs for name, (inputs, _) in PUBLISHED_2021.items()}, **HAND_ONLY_2021}


def dimension_indices(le: float, eys: float, mys: float, gni: float) -> tuple[float, float, float]:
    """UNDP's technical note 1, by hand."""
    health = (min(le, 85) - 20) / (85 - 20)
    education = (min(eys, 18) / 18 + min(mys, 15) / 15) / 2
    income = (math.log(min(gni, 75_000)) - math.log(100)) / (math.log(75_000) - math.log(100))
    return health, education, income


def hand_hdi(*inputs: float) -> float:
    health, education, income = dimension_indices(*inputs)
    return (health * education * income) ** (1 / 3)


@pytest.fixture(scope="module")
def result():
    methodology = load_methodology(HDI)
    dataset = Dataset(tuple(COUNTRIES), methodology.indicator_codes, np.array(list(COUNTRIES.values()), dtype=float))
    return compute(methodology, dataset)


@pytest.mark.parametrize("country", list(COUNTRIES))
def test_the_engine_reproduces_the_hand_computation(result, country):
    inputs = COUNTRIES[country]
    unit = result.unit(country)
    # the dimension indices are the same arithmetic, bit for bit
    assert (unit.groups["health"], unit.groups["education"], unit.groups["income"]) == dimension_indices(*inputs)
    # the geometric mean is exp of the mean logarithm instead of a cube root: equal to rounding error
    assert unit.score == pytest.approx(hand_hdi(*inputs), abs=1e-15)


@pytest.mark.parametrize("country", list(PUBLISHED_2021))
def test_the_engine_reproduces_the_published_hdi(result, country):
    assert round(result.unit(country).score, 3) == PUBLISHED_2021[country][1]


def test_the_hand_only_countries_round_as_explained(result):
    assert round(result.unit("Switzerland").score, 5) == 0.96258
    assert round(result.unit("Niger").score, 5) == 0.40076


def test_truncation_at_the_upper_goalposts_matters():
    """Norway's 18.2 expected years are capped at 18: without the cap the HDI would be 0.963, not 0.961."""
    le, eys, mys, gni = PUBLISHED_2021["Norway"][0]
    untruncated = ((le - 20) / 65 * (eys / 18 + mys / 15) / 2
                   * (math.log(gni) - math.log(100)) / (math.log(75_000) - math.log(100))) ** (1 / 3)
    assert round(untruncated, 3) == 0.963
    methodology = load_methodology(HDI)
    rich = compute(methodology, Dataset(("rich",), methodology.indicator_codes, np.array([[86.0, 20, 16, 120_000]])))
    assert rich.unit("rich").score == 1.0


def test_ranks_and_hdi_groups(result):
    order = ("Switzerland", "Norway", "Germany", "Kazakhstan", "Niger", "Chad")
    assert [result.unit(c).rank for c in order] == [1, 2, 3, 4, 5, 6]
    assert [result.unit(c).league for c in order] == ["very_high"] * 4 + ["low"] * 2
    assert sum(result.unit("Norway").contributions.values()) == pytest.approx(result.unit("Norway").score)

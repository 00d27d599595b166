"""Recommendations on constructed cases (``smarttvet.labour.recommend``)."""

import math

import pandas as pd
import pytest

from smarttvet.labour import demand, recommend
from tests.labour import factories as f

NAN = float("nan")


def case(code, demand_, supply_, providers, rate=NAN, n=0, years=1):
    return dict(specialty_code=code, specialty_name=f"Specialty {code}", demand=demand_ * years,
                supply=supply_ * years, gap=(demand_ - supply_) * years,
                ratio=supply_ / demand_ if demand_ else NAN, providers=providers, employment_rate_12m=rate,
                employment_n=n)


def classify(*cases, years=1):
    table = recommend.recommend_from_summary(pd.DataFrame(list(cases)), years)
    return table.set_index("specialty_code")


@pytest.mark.parametrize(("row", "expected", "rule"), [
    (case("A", 60, 0, 0), "open", "open_unmet_demand"),                            # demand, no provider
    (case("B", 10, 0, 0), "keep", "not_offered_small_demand"),                     # too little to open
    (case("C", 100, 40, 2, 75.0, 40), "expand", "deficit_good_employment"),         # deficit, employment good
    (case("D", 100, 40, 1, NAN, 3), "expand", "deficit_good_employment"),           # new: employment unknown
    (case("E", 100, 40, 1, 35.0, 40), "keep", "deficit_low_employment"),            # deficit, employment low
    (case("F", 20, 80, 3, 30.0, 60), "reduce", "surplus_low_employment"),           # oversupply, employment low
    (case("G", 0, 30, 1, 20.0, 25), "reduce", "surplus_low_employment"),            # no demand at all
    (case("H", 20, 80, 3, 70.0, 60), "keep", "surplus_employed"),                   # oversupply, graduates work
    (case("I", 20, 80, 3, NAN, 2), "keep", "surplus_employed"),                     # oversupply, unknown
    (case("J", 50, 50, 2, 40.0, 30), "keep", "balanced"),                           # balanced
    (case("K", 12, 5, 1, 90.0, 30), "keep", "balanced"),                            # a deficit of 7: too small
])
def test_constructed_cases(row, expected, rule):
    result = classify(row).loc[row["specialty_code"]]
    assert (result["recommendation"], result["rule"]) == (expected, rule)
    assert result["reason"]


def test_thresholds_are_per_year_and_reasons_carry_the_figures():
    table = classify(case("A", 30, 0, 0, years=3), case("C", 100, 40, 2, 75.0, 40, years=3),
                     case("F", 20, 80, 3, 30.0, 60, years=3), years=3)
    assert table.loc["A", "recommendation"] == "open" and table.loc["A", "demand"] == 90
    assert table.loc["A", "demand_per_year"] == 30
    assert "No provider" in table.loc["A", "reason"] and "demand 30 a year" in table.loc["A", "reason"]
    assert "Deficit of 60 a year" in table.loc["C", "reason"] and "75%" in table.loc["C", "reason"]
    assert "Oversupply of 60 a year" in table.loc["F", "reason"] and "30% of 60 graduates" in table.loc["F", "reason"]
    assert list(table.reset_index().columns) == recommend.RECOMMENDATION_COLUMNS
    assert table.index.tolist() == ["A", "C", "F"]  # open, expand, keep, reduce


def test_boundaries():
    at_open = case("A", recommend.OPEN_MIN_DEMAND, 0, 0)
    below_open = case("B", recommend.OPEN_MIN_DEMAND - 0.5, 0, 0)
    good = case("C", 100, 40, 1, recommend.GOOD_EMPLOYMENT, 10)
    low = case("D", 20, 80, 1, recommend.LOW_EMPLOYMENT, 10)  # not below: keep
    table = classify(at_open, below_open, good, low)
    assert table["recommendation"].to_dict() == {"A": "open", "B": "keep", "C": "expand", "D": "keep"}
    assert recommend.recommend_from_summary(pd.DataFrame(columns=list(case("A", 1, 1, 1))), 3).empty


@pytest.mark.django_db
def test_a_region_with_demand_and_no_provider_gets_open():
    """End to end from the database: Turkistan has 30 welding postings a month and no college teaching
    welding; Almaty teaches it. Turkistan also has a specialty with plenty of graduates, 2 of 10 employed
    and no vacancy."""
    f.clear_mappings()
    turkistan, almaty = f.region("61"), f.region("75")
    welding, surplus = f.specialties(2)
    welder = f.occupation("7212")
    f.link(welding, welder)
    f.vacancies(turkistan, welder, [30] * 24, start="2024-01")
    f.offer(f.organization(almaty), welding)
    college = f.organization(turkistan)
    f.offer(college, surplus)
    graduates = f.students(college, surplus, 10, cohort=2021, status="graduated", status_year=2024)
    f.outcomes(graduates, {"employed": 2, "not_employed": 8})
    for cohort in (2023, 2024, 2025):
        f.students(college, surplus, 25, cohort=cohort)
    table = recommend.recommend(turkistan, horizon=3).set_index("specialty_code")
    open_row = table.loc[welding.code]
    assert open_row["recommendation"] == "open" and open_row["providers"] == 0
    assert open_row["demand_per_year"] == pytest.approx(12 * 30 * demand.FILL_FACTOR)
    reduce_row = table.loc[surplus.code]
    assert reduce_row["recommendation"] == "reduce" and reduce_row["employment_rate_12m"] == 20.0
    assert reduce_row["supply"] == pytest.approx(75) and reduce_row["demand"] == 0
    assert math.isnan(reduce_row["ratio"])
    # In Almaty welding is offered but has no demand data and no graduates: nothing to reduce on.
    almaty_table = recommend.recommend(almaty, horizon=3).set_index("specialty_code")
    assert almaty_table.loc[welding.code, "recommendation"] == "keep"

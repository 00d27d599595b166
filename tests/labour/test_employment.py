"""Graduates' employment rates at 6 and 12 months (``smarttvet.labour.employment``)."""

import math

import pytest

from smarttvet.labour import employment
from smarttvet.rating import indicators
from tests.labour import factories as f


@pytest.fixture
def graduates(db):
    """College A (Turkistan): 10 graduates of 2024 of specialty 1 (6 employed, 4 of them in field, 2 continuing,
    1 military, 1 not employed at 12 months); 8 graduates of 2023 (4 employed). College B (Almaty): 3
    graduates of 2024, all employed (too few for a rate). At 6 months, college A's 2024 graduates: 3 employed,
    7 not employed (survey)."""
    turkistan, almaty = f.region("61"), f.region("75")
    college_a, college_b = f.organization(turkistan), f.organization(almaty)
    spec1, spec2 = f.specialties(2)
    a2024 = f.students(college_a, spec1, 10, cohort=2021, status="graduated", status_year=2024)
    f.outcomes(a2024, {"employed": 6, "continuing": 2, "military": 1, "not_employed": 1}, in_field=4)
    f.outcomes(a2024, {"employed": 3, "not_employed": 7}, months_after=6, in_field=1, source="survey")
    a2023 = f.students(college_a, spec2, 8, cohort=2020, status="graduated", status_year=2023)
    f.outcomes(a2023[:4], {"employed": 4}, in_field=4, source="employer")
    f.outcomes(a2023[4:], {"not_employed": 4}, source="college")
    b2024 = f.students(college_b, spec1, 3, cohort=2021, status="graduated", status_year=2024)
    f.outcomes(b2024, {"employed": 3}, in_field=3)
    # an expelled student's stray outcome is not a graduate's
    expelled = f.students(college_b, spec1, 1, cohort=2021, status="expelled", status_year=2022)
    f.outcomes(expelled, {"employed": 1})
    return dict(turkistan=turkistan, almaty=almaty, a=college_a, b=college_b, spec1=spec1, spec2=spec2)


def test_rates_by_organisation_at_12_months(graduates, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        outcomes = employment.load_outcomes()
    table = employment.rates(outcomes, "organization", 12, [2024])
    a = table.loc[graduates["a"].pk]
    assert a["n"] == 10 and a["employed"] == 6 and a["employed_in_field"] == 4
    assert a["employed_rate"] == 60.0 and a["in_field_rate"] == 40.0
    assert a["in_field_of_employed"] == pytest.approx(100 * 4 / 6)
    assert (a["continuing_rate"], a["military_rate"], a["not_employed_rate"], a["positive_rate"]) == (20, 10, 10, 90)
    assert a["source_pension"] == 10 and a["source_pension_share"] == 100.0 and a["source_survey"] == 0
    b = table.loc[graduates["b"].pk]
    assert b["n"] == 3 and b["employed"] == 3 and math.isnan(b["employed_rate"])  # fewer than 5 observed


def test_rates_at_6_months_by_region_specialty_cohort(graduates):
    outcomes = employment.load_outcomes()
    six = employment.rates(outcomes, "organization", 6)
    assert six.loc[graduates["a"].pk, "employed_rate"] == 30.0
    assert six.loc[graduates["a"].pk, "source_survey_share"] == 100.0
    by_region = employment.rates(outcomes, "region")
    assert by_region.loc[graduates["turkistan"].pk, "n"] == 18
    assert by_region.loc[graduates["turkistan"].pk, "employed_rate"] == pytest.approx(100 * 10 / 18)
    assert by_region.loc[graduates["almaty"].pk, "n"] == 3  # the expelled student's outcome is left out
    by_cohort = employment.rates(outcomes, "cohort")
    assert by_cohort.loc[2023, "employed_rate"] == 50.0 and by_cohort.loc[2024, "n"] == 13
    assert by_cohort.loc[2023, "source_employer"] == 4 and by_cohort.loc[2023, "source_college"] == 4
    both = employment.rates(outcomes, ["region", "specialty"])
    assert both.loc[(graduates["turkistan"].pk, graduates["spec1"].pk), "employed"] == 6
    assert employment.recent_cohorts(outcomes) == [2023, 2024]
    assert employment.recent_cohorts(outcomes, count=1) == [2024]
    with pytest.raises(ValueError, match="group"):
        employment.rates(outcomes, "teacher")
    with pytest.raises(ValueError, match="6 or 12"):
        employment.rates(outcomes, "region", 9)


def test_the_same_definitions_as_the_rating(graduates):
    """The rating's employment indicators of year Y are these rates for the graduates of Y-1."""
    table = employment.employment_rates("organization", 12, [2024])
    data = indicators.SourceData(2025)
    for code, column in (("employment_12m", "employed_rate"), ("employment_in_field_12m", "in_field_of_employed"),
                         ("positive_destinations_12m", "positive_rate")):
        rating = indicators.INDICATORS[code](data)
        for college in (graduates["a"], graduates["b"]):
            ours = table[column].get(college.pk, float("nan"))
            theirs = rating[college.pk]
            assert (math.isnan(ours) and math.isnan(theirs)) or ours == pytest.approx(theirs), (code, college)


def test_region_filter_and_empty(graduates, db):
    outcomes = employment.load_outcomes(graduates["almaty"])
    assert set(outcomes["organization_id"]) == {graduates["b"].pk}
    empty = employment.rates(outcomes.iloc[0:0], "organization")
    assert empty.empty and list(empty.columns) == employment.COUNT_COLUMNS + employment.RATE_COLUMNS

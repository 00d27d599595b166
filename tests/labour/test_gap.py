"""The gap between demand and supply per region × specialty (``smarttvet.labour.gap``)."""

import math

import pytest

from smarttvet.labour import demand, gap
from tests.labour import factories as f


@pytest.fixture
def market(db):
    """Turkistan (61): specialty 1 taught at college A (20 admitted a year, 3 years, no expulsion; 65% of 20
    graduates employed at 12 months), 20 postings a month for it (a flat 24-month history: 120 people a year)
    and 30 people declared for 2026; specialty 2 (another broad field) with 10 postings a month and no
    provider. Almaty (75): specialty 1 at college B, 5 students, no vacancies."""
    f.clear_mappings()
    turkistan, almaty = f.region("61"), f.region("75")
    spec1, spec2 = f.specialties(2, distinct_broad=True)
    college_a, college_b = f.organization(turkistan), f.organization(almaty)
    f.offer(college_a, spec1)
    for cohort in (2019, 2020, 2021):
        f.students(college_a, spec1, 10, cohort=cohort, status="graduated", status_year=cohort + 3)
    grads_2023 = list(college_a.students.filter(status_year=2023))
    grads_2024 = list(college_a.students.filter(status_year=2024))
    f.outcomes(grads_2023, {"employed": 5, "not_employed": 5})
    f.outcomes(grads_2024, {"employed": 8, "continuing": 2})
    for cohort in (2023, 2024, 2025):
        f.students(college_a, spec1, 20, cohort=cohort)
    f.students(college_b, spec1, 5, cohort=2023)
    occ1, occ2 = f.occupation("7212"), f.occupation("7411")
    f.link(spec1, occ1)
    f.link(spec2, occ2)
    f.vacancies(turkistan, occ1, [20] * 24, start="2024-01")
    f.vacancies(turkistan, occ2, [10] * 24, start="2024-01")
    f.need(f.enterprise(turkistan), spec1, 2026, 30)
    return dict(turkistan=turkistan, almaty=almaty, spec1=spec1, spec2=spec2, a=college_a, b=college_b)


PEOPLE_1 = 12 * 20 * demand.FILL_FACTOR  # specialty 1's postings converted, per year
PEOPLE_2 = 12 * 10 * demand.FILL_FACTOR


def test_gap_by_year(market):
    data = gap.load(market["turkistan"])
    assert data.base_year == 2025
    table = gap.gap_by_year(data, horizon=4)
    assert list(table.columns) == gap.BY_YEAR_COLUMNS
    spec1 = table[table["specialty_id"] == market["spec1"].pk].set_index("year")
    assert spec1.index.tolist() == [2026, 2027, 2028, 2029] and spec1["horizon"].tolist() == [1, 2, 3, 4]
    assert spec1["supply"].tolist() == pytest.approx([20, 20, 20, 20])  # 2029: next year's intake
    assert spec1["demand"].tolist() == pytest.approx([PEOPLE_1 + 30, PEOPLE_1, PEOPLE_1, PEOPLE_1])
    assert spec1.loc[2026, "declared"] == 30 and spec1.loc[2027, "from_vacancies"] == pytest.approx(PEOPLE_1)
    assert spec1.loc[2027, "gap"] == pytest.approx(PEOPLE_1 - 20)
    assert spec1.loc[2027, "ratio"] == pytest.approx(20 / PEOPLE_1)
    assert set(spec1["model"]) == {"flat"}
    spec2 = table[table["specialty_id"] == market["spec2"].pk]
    assert (spec2["supply"] == 0).all() and spec2["demand"].tolist() == pytest.approx([PEOPLE_2] * 4)
    assert set(table["region_id"]) == {market["turkistan"].pk}
    with pytest.raises(ValueError, match="horizon"):
        gap.gap_by_year(data, horizon=0)


def test_gap_summary_and_table(market):
    data = gap.load(market["turkistan"])
    summary = gap.gap_summary(data, horizon=3).set_index("specialty_id")
    assert list(gap.gap_summary(data, 3).columns) == gap.SUMMARY_COLUMNS
    s1 = summary.loc[market["spec1"].pk]
    assert s1["demand"] == pytest.approx(3 * PEOPLE_1 + 30) and s1["supply"] == pytest.approx(60)
    assert s1["gap"] == pytest.approx(3 * PEOPLE_1 + 30 - 60) and s1["ratio"] == pytest.approx(60 / (3 * PEOPLE_1 + 30))
    assert s1["providers"] == 1 and s1["employment_rate_12m"] == 65.0 and s1["employment_n"] == 20
    s2 = summary.loc[market["spec2"].pk]
    assert s2["providers"] == 0 and s2["supply"] == 0 and math.isnan(s2["employment_rate_12m"])
    assert s2["employment_n"] == 0
    table = gap.gap_table(market["turkistan"], 3, "en", data)
    assert table.columns[:8].tolist() == gap.GAP_TABLE_COLUMNS
    assert table["specialty_code"].tolist() == sorted([market["spec1"].code, market["spec2"].code])
    assert market["spec1"].name_en in table["specialty_name"].tolist()


def test_national_and_regional_loads_agree(market):
    national = gap.gap_summary(gap.load(), 3)
    regional = gap.gap_summary(gap.load(market["turkistan"]), 3)
    turkistan = national[national["region_id"] == market["turkistan"].pk].reset_index(drop=True)
    assert turkistan.equals(regional)
    almaty = national[national["region_id"] == market["almaty"].pk].set_index("specialty_id")
    assert almaty.loc[market["spec1"].pk, "supply"] == pytest.approx(5)
    assert almaty.loc[market["spec1"].pk, "demand"] == 0 and math.isnan(almaty.loc[market["spec1"].pk, "ratio"])


def test_heatmap_and_drill_downs(market):
    data = gap.load()
    summary = gap.gap_summary(data, 3)
    heat = gap.heatmap(summary)
    assert heat["demand"].sum() == pytest.approx(summary["demand"].sum())
    assert heat["supply"].sum() == pytest.approx(summary["supply"].sum())
    broad1 = market["spec1"].field.code[:2]
    cell = heat[(heat["region_id"] == market["turkistan"].pk) & (heat["broad_field"] == broad1)].iloc[0]
    assert cell["specialties"] == 1 and cell["employment_rate_12m"] == 65.0 and cell["employment_n"] == 20
    assert cell["gap"] == pytest.approx(cell["demand"] - cell["supply"])
    assert len(heat) == 3  # Turkistan x 2 fields, Almaty x 1
    specialties = gap.drill_specialties(summary, market["turkistan"].pk, broad1, data)
    assert specialties["specialty_code"].tolist() == [market["spec1"].code]
    organisations = gap.drill_organisations(data, market["turkistan"].pk, market["spec1"].pk, 3)
    row = organisations.iloc[0]
    assert len(organisations) == 1 and row["organization_id"] == market["a"].pk and row["offers"] == 1
    assert row["supply"] == pytest.approx(60) and row["employment_rate_12m"] == 65.0 and row["bin"] == market["a"].bin
    nobody = gap.drill_organisations(data, market["turkistan"].pk, market["spec2"].pk, 3)
    assert nobody.empty


def test_load_makes_a_constant_number_of_queries(market, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        gap.load()
    with django_assert_max_num_queries(10):
        data = gap.load(market["turkistan"])
    with django_assert_max_num_queries(0):
        gap.gap_summary(data, 5)
    for _ in range(3):
        college = f.organization(market["turkistan"])
        f.offer(college, market["spec2"])
        f.students(college, market["spec2"], 7, cohort=2024)
    with django_assert_max_num_queries(10):
        data = gap.load()
    assert gap.gap_summary(data, 3).set_index(["region_id", "specialty_id"]).loc[
        (market["turkistan"].pk, market["spec2"].pk), "providers"] == 3

"""Demand: vacancies per specialty, the Holt-Winters forecast, its backtest, declared needs
(``smarttvet.labour.demand``)."""

import numpy as np
import pandas as pd
import pytest

from smarttvet.labour import demand
from tests.labour import factories as f


def panel_of(*series, start="2019-01", region=1):
    """A panel of monthly series (specialties 1, 2, ... of one region)."""
    months = pd.period_range(start, periods=len(series[0]), freq="M", name="month")
    columns = pd.MultiIndex.from_tuples([(region, i + 1) for i in range(len(series))],
                                        names=["region_id", "specialty_id"])
    return pd.DataFrame(np.column_stack(series).astype(float), index=months, columns=columns)


def test_forecast_recovers_the_seasonal_pattern():
    values = f.seasonal_counts(72, level=100, amplitude=30, peak_month=7, noise=2, seed=3)
    forecast, model = demand.forecast_series(values, 12)
    assert model == "holt-winters" and forecast.shape == (12,)
    # the history ends in December: the forecast's months are January..December
    assert int(np.argmax(forecast)) + 1 == 7 and int(np.argmin(forecast)) + 1 == 1
    amplitude = (forecast.max() - forecast.min()) / 2
    assert amplitude == pytest.approx(30, rel=0.15)
    assert forecast.mean() == pytest.approx(100, rel=0.05)


def test_annual_forecast_shape_and_models():
    trended = f.seasonal_counts(84, level=50, trend=0.5, amplitude=10, noise=2)
    small = f.seasonal_counts(84, level=5, trend=0.05, amplitude=1, noise=1, seed=2)
    sparse = np.where(np.arange(84) % 12 == 0, 6.0, 0.0)  # half a posting a month on average
    panel = pd.concat([panel_of(trended, small, np.zeros(84)), panel_of(sparse, region=2)], axis=1)
    table = demand.annual_postings(panel, range(2026, 2031))
    assert list(table.columns) == demand.FORECAST_COLUMNS and len(table) == 4 * 5
    models = table.groupby(["region_id", "specialty_id"])["model"].first().to_dict()
    assert models == {(1, 1): "holt-winters", (1, 2): "holt-winters", (1, 3): "none", (2, 1): "flat"}
    region1 = table[table["region_id"] == 1].pivot(index="year", columns="specialty_id", values="postings")
    assert region1[1].loc[2026] > 12 * 50 and region1[1].is_monotonic_increasing  # damped, but still growing
    # top-down: each specialty keeps its share of the region's last 24 months
    share = small[-24:].sum() / (small[-24:].sum() + trended[-24:].sum())
    assert (region1[2] / (region1[1] + region1[2])).tolist() == pytest.approx([share] * 5)
    assert (region1[3] == 0).all()
    assert table.loc[table["region_id"] == 2, "postings"].tolist() == pytest.approx([6.0] * 5)
    assert (table["observed_months"] == 0).all()
    # a year inside the history is the observed total
    observed = demand.annual_postings(panel, [2024]).set_index(["region_id", "specialty_id"])
    assert observed.loc[(1, 1), "postings"] == trended[60:72].sum() and observed.loc[(1, 1), "model"] == "observed"


def test_a_partly_observed_year_adds_the_observed_months_to_the_forecast():
    values = np.full(42, 10.0)  # January 2019 .. June 2022: 3.5 years, flat
    table = demand.annual_postings(panel_of(values), [2022, 2023]).set_index("year")
    assert table.loc[2022, "observed_months"] == 6
    assert table.loc[2022, "postings"] == pytest.approx(120, abs=1.0)
    assert table.loc[2023, "postings"] == pytest.approx(120, abs=2.0)


def test_short_series_fall_back_to_the_flat_model():
    values = np.arange(20, dtype=float)  # 20 months: too short for Holt-Winters
    table = demand.annual_postings(panel_of(values), [2020, 2021])  # history: January 2019 to August 2020
    assert set(table["model"]) == {"flat"}
    postings = table.set_index("year")["postings"]
    assert postings.loc[2021] == pytest.approx(12 * values.mean())
    # 2020: January to August observed + four months at the mean
    assert postings.loc[2020] == pytest.approx(values[12:].sum() + 4 * values.mean())
    assert demand.forecast_series(values, 3)[1] == "flat"
    values, model = demand.forecast_series(np.zeros(50), 3)
    assert model == "none" and values.tolist() == [0, 0, 0]


def test_backtest_matches_or_beats_the_naive_forecast_on_a_trended_seasonal_series():
    panel = panel_of(f.seasonal_counts(96, level=40, trend=0.8, amplitude=12, noise=3, seed=7),
                     f.seasonal_counts(96, level=80, trend=0.4, amplitude=20, noise=4, seed=8))
    table = demand.backtest(panel, origins=3)
    assert list(table.columns) == demand.BACKTEST_COLUMNS and len(table) == 2 * 3
    assert sorted(table["origin"].unique()) == ["2024-01", "2025-01", "2026-01"]
    summary = demand.backtest_summary(table)
    assert summary["wape"] <= summary["naive_wape"] and summary["mape"] <= summary["naive_mape"]
    assert summary["wape"] < 5 and summary["origins"] == 3 and summary["series"] == 2
    regional = demand.backtest_summary(table, "region")
    assert regional["series"] == 1 and regional["wape"] <= regional["naive_wape"]
    text = demand.format_backtest(table)
    assert "WAPE" in text and "naive" in text and "region total" in text
    # a history of under two years cannot be backtested
    assert demand.backtest(panel.iloc[:20]).empty
    assert "shorter than 24 months" in demand.format_backtest(demand.backtest(panel.iloc[:20]))


@pytest.fixture
def occupations(db):
    f.clear_mappings()
    turkistan = f.region("61")
    spec1, spec2 = f.specialties(2)
    welder, fitter = f.occupation("7212"), f.occupation("7233")
    f.link(spec1, welder, 0.6)
    f.link(spec2, welder, 0.4)
    f.link(spec2, fitter, 1.0)
    return dict(region=turkistan, spec1=spec1, spec2=spec2, welder=welder, fitter=fitter)


def test_vacancies_are_shared_between_specialties(occupations, django_assert_max_num_queries):
    o = occupations
    f.vacancies(o["region"], o["welder"], [10, 0, 20], start="2024-01")
    f.vacancies(o["region"], o["fitter"], [5], start="2024-02")
    f.vacancies(f.region("75"), o["welder"], [100], start="2024-03")
    with django_assert_max_num_queries(2):
        vacancies, mapping = demand.load_vacancies(o["region"]), demand.load_mapping()
    panel = demand.specialty_panel(vacancies, mapping)
    assert [str(month) for month in panel.index] == ["2024-01", "2024-02", "2024-03"]
    r = o["region"].pk
    assert panel[(r, o["spec1"].pk)].tolist() == pytest.approx([6, 0, 12])
    assert panel[(r, o["spec2"].pk)].tolist() == pytest.approx([4, 5, 8])
    assert len(demand.load_vacancies()) == 4


def test_demand_converts_postings_and_adds_declared_needs(occupations, django_assert_max_num_queries):
    o = occupations
    f.vacancies(o["region"], o["fitter"], [20] * 24, start="2024-01")  # 240 postings a year, flat
    ent = f.enterprise(o["region"])
    f.need(ent, o["spec2"], 2026, 15)
    f.need(f.enterprise(o["region"]), o["spec2"], 2026, 5)
    f.need(ent, o["spec1"], 2027, 7)
    f.need(f.enterprise(f.region("75")), o["spec1"], 2026, 99)
    with django_assert_max_num_queries(1):
        needs = demand.load_needs(o["region"])
    assert needs["people"].sum() == 27
    panel = demand.specialty_panel(demand.load_vacancies(o["region"]), demand.load_mapping())
    table = demand.project_demand(panel, needs, [2026, 2027])
    assert list(table.columns) == demand.DEMAND_COLUMNS and set(table["region_id"]) == {o["region"].pk}
    table = table.set_index(["specialty_id", "year"])
    spec2 = table.loc[o["spec2"].pk]
    assert spec2.loc[2026, "postings"] == pytest.approx(240)
    assert spec2.loc[2026, "from_vacancies"] == pytest.approx(240 * demand.FILL_FACTOR)
    assert spec2.loc[2026, "declared"] == 20 and spec2.loc[2026, "demand"] == pytest.approx(120 + 20)
    assert spec2.loc[2027, "demand"] == pytest.approx(120)
    spec1 = table.loc[o["spec1"].pk]  # no vacancy of its own occupations: declared needs only
    assert spec1.loc[2027, "demand"] == 7 and spec1.loc[2027, "model"] == "none"


def test_backtest_from_the_database(occupations):
    o = occupations
    f.vacancies(o["region"], o["fitter"], f.seasonal_counts(60, level=30, amplitude=8, trend=0.3, noise=1))
    table = demand.backtest_from_database(o["region"], origins=2)
    assert len(table) == 2 and set(table["model"]) == {"holt-winters"}

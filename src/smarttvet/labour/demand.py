"""Demand for graduates: vacancy history per region × specialty, its forecast, the forecast's backtest, the
conversion of postings into people, and employers' declared needs.

Everything here is pure pandas/NumPy/statsmodels on frames read by a constant number of queries
(:func:`load_vacancies`, :func:`load_mapping`, :func:`load_needs`); the methodology is
``docs/methodology/labour.en.md``.

From occupations to specialties
-------------------------------
A vacancy is posted for an occupation (4-digit NKZ / ISCO-08 unit group). A specialty's monthly postings
in a region are ``sum over its occupations of share × postings`` (:class:`~smarttvet.labour.models.
SpecialtyOccupation`: ``share`` is the part of the occupation's vacancies the specialty fills). Months
without a vacancy row count 0; the month grid runs from the first to the last month of the whole
vacancy history, the same for every series.

The forecast model
------------------
A specialty's monthly postings in a region are small and noisy (in the demo, half the series have under
one posting a month), so the forecast is **top-down**: each region's monthly total of the specialties'
postings is forecast, and every specialty keeps its share of the region's postings over the last
``SHARE_MONTHS`` months.

The region's total is fitted with **Holt-Winters exponential smoothing** (statsmodels
``ExponentialSmoothing``): additive damped trend, additive seasonality of 12 months, initial states and
smoothing parameters estimated together by maximum likelihood, the level's smoothing α bounded by
``MAX_LEVEL_SMOOTHING`` (0.3) so that the level averages several months: left free, the likelihood chose
α ≈ 1 on the demo's series and anchored the whole forecast on the last month's noise. Monthly forecasts
below zero are cut to zero.

A total that cannot carry that model uses a **flat** forecast instead: the mean monthly postings of its
last ``FLAT_MONTHS`` months every month ahead. That is a total with fewer than ``HW_MIN_MONTHS`` months
of history or under ``HW_MIN_MEAN`` postings a month on average. A series without postings forecasts 0.
The model used is reported per series (``model``: ``holt-winters``, ``flat`` or ``none``).

Postings are not people
-----------------------
A vacancy count is a flow of postings, not of people hired: the same job is reposted, posted on several
sites or never filled. People needed per year = annual postings × ``FILL_FACTOR`` (0.5: one person hired
for every two postings), one stated constant to replace once the labour portal's hire records can be
matched.

Declared needs
--------------
:class:`~smarttvet.labour.models.EmployerNeed` rows are summed per region (the enterprise's) × specialty
× year and added to the converted postings (an enterprise that also posts vacancies may be counted
twice: see the methodology).

The backtest
------------
:func:`backtest` holds out the last 12 months, fits everything (the regions' parameters included) on the
months before, forecasts the held-out year and compares its total with the actual total; with
``origins > 1`` the origin rolls back 12 months at a time. The **naive** baseline forecasts "the same as the
previous 12 months". :func:`backtest_summary` reports WAPE (Σ|F−A| / ΣA, the headline: large series weigh
more) and MAPE (mean |F−A|/A over series with A > 0) for the model and the baseline, over the
region × specialty series or over the regional totals.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import numpy as np
import pandas as pd
from django.db.models import F, Sum

from smarttvet.labour.models import EmployerNeed, SpecialtyOccupation, Vacancy

FILL_FACTOR = 0.5
SEASON = 12
HW_MIN_MONTHS = 36
HW_MIN_MEAN = 2.0
FLAT_MONTHS = 24
SHARE_MONTHS = 24
MAX_LEVEL_SMOOTHING = 0.3
BACKTEST_ORIGINS = 3

VACANCY_COLUMNS = ["month", "region_id", "occupation_id", "count"]
MAPPING_COLUMNS = ["specialty_id", "occupation_id", "share"]
NEED_COLUMNS = ["region_id", "specialty_id", "year", "people"]
FORECAST_COLUMNS = ["region_id", "specialty_id", "year", "postings", "observed_months", "model"]
DEMAND_COLUMNS = ["region_id", "specialty_id", "year", "postings", "from_vacancies", "declared", "demand", "model"]
BACKTEST_COLUMNS = ["region_id", "specialty_id", "origin", "model", "actual", "forecast", "naive"]


# ---------------------------------------------------------------------------------------------------- loading
def load_vacancies(region=None) -> pd.DataFrame:
    """Vacancy rows (:data:`VACANCY_COLUMNS`; ``month`` a monthly Period). One query."""
    queryset = Vacancy.objects.all()
    if region is not None:
        queryset = queryset.filter(region=region)
    rows = queryset.values_list("month", "region_id", "occupation_id", "count")
    return vacancies_frame(rows)


def vacancies_frame(rows) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(list(rows) if not isinstance(rows, pd.DataFrame) else rows,
                                      columns=VACANCY_COLUMNS)
    frame["month"] = pd.PeriodIndex(pd.to_datetime(frame["month"]), freq="M") if len(frame) else \
        pd.PeriodIndex([], freq="M")
    for column in ("region_id", "occupation_id"):
        frame[column] = frame[column].astype(np.int64)
    frame["count"] = frame["count"].astype(float)
    return frame


def load_mapping() -> pd.DataFrame:
    """The specialty ↔ occupation links with their shares (:data:`MAPPING_COLUMNS`). One query."""
    rows = SpecialtyOccupation.objects.values_list("specialty_id", "occupation_id", "share")
    frame = pd.DataFrame.from_records(list(rows), columns=MAPPING_COLUMNS)
    return frame.astype({"specialty_id": np.int64, "occupation_id": np.int64, "share": float})


def load_needs(region=None) -> pd.DataFrame:
    """Employers' declared needs summed per region × specialty × year (:data:`NEED_COLUMNS`). One query."""
    queryset = EmployerNeed.objects.all()
    if region is not None:
        queryset = queryset.filter(enterprise__region=region)
    rows = (queryset.values("specialty_id", "year", region_id=F("enterprise__region_id"))
            .annotate(people=Sum("people")).order_by())
    frame = pd.DataFrame.from_records(list(rows), columns=NEED_COLUMNS)
    return frame.astype({"region_id": np.int64, "specialty_id": np.int64, "year": np.int64, "people": float})


# ---------------------------------------------------------------------------------------------------- series
def specialty_panel(vacancies: pd.DataFrame, mapping: pd.DataFrame) -> pd.DataFrame:
    """Monthly postings per region × specialty: index a complete monthly PeriodIndex (first to last month of
    the vacancies), columns a (region_id, specialty_id) MultiIndex, values ``share × postings`` summed."""
    empty_columns = pd.MultiIndex.from_arrays([[], []], names=["region_id", "specialty_id"])
    if vacancies.empty:
        return pd.DataFrame(index=pd.PeriodIndex([], freq="M", name="month"), columns=empty_columns, dtype=float)
    months = pd.period_range(vacancies["month"].min(), vacancies["month"].max(), freq="M", name="month")
    joined = vacancies.merge(mapping, on="occupation_id", how="inner")
    if joined.empty:
        return pd.DataFrame(index=months, columns=empty_columns, dtype=float)
    joined["postings"] = joined["count"] * joined["share"]
    panel = joined.pivot_table(index="month", columns=["region_id", "specialty_id"], values="postings",
                               aggfunc="sum", fill_value=0.0)
    return panel.reindex(months, fill_value=0.0).astype(float).sort_index(axis=1)


def _model(series: np.ndarray):
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ExponentialSmoothing(series, trend="add", damped_trend=True, seasonal="add",
                                     seasonal_periods=SEASON, initialization_method="estimated",
                                     bounds={"smoothing_level": (0.0, MAX_LEVEL_SMOOTHING)})
        return model.fit()


def forecast_series(series: np.ndarray, steps: int) -> tuple[np.ndarray, str]:
    """``steps`` monthly forecasts of one monthly series and the model used: ``holt-winters`` (damped additive
    trend, additive seasonality of 12 months), ``flat`` (the mean of the last ``FLAT_MONTHS`` months) for a
    series under ``HW_MIN_MONTHS`` months or ``HW_MIN_MEAN`` a month, or when the fit fails; ``none`` (zeros)
    for a series without postings. Negative forecasts are cut to zero."""
    series = np.asarray(series, dtype=float)
    if steps <= 0:
        return np.zeros(0), "none"
    if len(series) == 0 or not series.any():
        return np.zeros(steps), "none"
    if len(series) >= HW_MIN_MONTHS and series.mean() >= HW_MIN_MEAN:
        try:
            values = np.asarray(_model(series).forecast(steps), dtype=float)
        except (ValueError, np.linalg.LinAlgError):
            values = np.full(steps, np.nan)
        if np.all(np.isfinite(values)):
            return np.maximum(values, 0.0), "holt-winters"
    return np.full(steps, series[-FLAT_MONTHS:].mean()), "flat"


def forecast_panel(panel: pd.DataFrame, steps: int) -> tuple[pd.DataFrame, pd.Series]:
    """Monthly forecasts of every series of ``panel`` for the ``steps`` months after it, and the model of
    each series (its region total's; ``none`` for a series without postings in the share window).

    Top-down: each region's monthly total is forecast by :func:`forecast_series`; a specialty gets its share
    of the region's postings over the last ``SHARE_MONTHS`` months (over the whole history if the region had
    none then)."""
    if panel.empty or steps <= 0:
        return pd.DataFrame(columns=panel.columns, dtype=float), pd.Series(dtype=object)
    last = panel.index[-1]
    future = pd.period_range(last + 1, periods=steps, freq="M", name="month")
    values = np.zeros((steps, panel.shape[1]))
    models = np.full(panel.shape[1], "none", dtype=object)
    regions = panel.columns.get_level_values("region_id")
    for region_id in regions.unique():
        positions = np.flatnonzero(regions == region_id)
        block = panel.iloc[:, positions].to_numpy()
        recent = block[-SHARE_MONTHS:].sum(axis=0)
        if recent.sum() <= 0:
            recent = block.sum(axis=0)
        if recent.sum() <= 0:
            continue
        forecast, model = forecast_series(block.sum(axis=1), steps)
        shares = recent / recent.sum()
        values[:, positions] = forecast[:, None] * shares[None, :]
        models[positions] = np.where(shares > 0, model, "none")
    forecast = pd.DataFrame(values, index=future, columns=panel.columns)
    return forecast, pd.Series(models, index=panel.columns, dtype=object)


def annual_postings(panel: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Postings per region × specialty × calendar year for ``years``: observed months plus the forecast of
    the rest (:data:`FORECAST_COLUMNS`; ``observed_months`` = months of the year in the history)."""
    years = sorted(int(year) for year in years)
    if panel.empty or panel.shape[1] == 0 or not years:
        return pd.DataFrame(columns=FORECAST_COLUMNS)
    last = panel.index[-1]
    steps = max(0, (pd.Period(f"{years[-1]}-12", freq="M") - last).n)
    forecast, models = forecast_panel(panel, steps)
    months = pd.concat([panel, forecast]) if steps else panel
    observed = pd.Series(1, index=panel.index).groupby(panel.index.year).sum()
    by_year = months.groupby(months.index.year).sum().reindex(years, fill_value=0.0)
    table = by_year.stack(["region_id", "specialty_id"], future_stack=True).rename("postings").reset_index()
    table = table.rename(columns={"level_0": "year", "month": "year"})
    table["observed_months"] = table["year"].map(observed).fillna(0).astype(np.int64)
    if len(models):
        table["model"] = [models.get((r, s), "none") for r, s in zip(table["region_id"], table["specialty_id"],
                                                                      strict=True)]
    else:
        table["model"] = "observed"
    table["model"] = np.where(table["observed_months"] >= SEASON, "observed", table["model"])
    return table[FORECAST_COLUMNS].astype({"region_id": np.int64, "specialty_id": np.int64, "year": np.int64,
                                           "postings": float})


def project_demand(panel: pd.DataFrame, needs: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Demand in people per region × specialty × year (:data:`DEMAND_COLUMNS`): ``from_vacancies`` =
    postings × ``FILL_FACTOR``, ``declared`` = employers' declared needs, ``demand`` = their sum."""
    years = sorted(int(year) for year in years)
    postings = annual_postings(panel, years)
    declared = needs[needs["year"].isin(years)].groupby(["region_id", "specialty_id", "year"])["people"].sum()
    table = postings.set_index(["region_id", "specialty_id", "year"])
    index = table.index.union(declared.index)
    table = table.reindex(index)
    table["postings"] = table["postings"].fillna(0.0)
    table["model"] = table["model"].fillna("none")
    table["declared"] = declared.reindex(index).fillna(0.0)
    table["from_vacancies"] = table["postings"] * FILL_FACTOR
    table["demand"] = table["from_vacancies"] + table["declared"]
    table = table.reset_index()
    return table[DEMAND_COLUMNS].sort_values(["region_id", "specialty_id", "year"], ignore_index=True)


# ---------------------------------------------------------------------------------------------------- backtest
def backtest(panel: pd.DataFrame, origins: int = BACKTEST_ORIGINS) -> pd.DataFrame:
    """Rolling-origin backtest of the annual totals (:data:`BACKTEST_COLUMNS`), one row per series × origin.

    Origin ``k`` (1 = latest) holds out the 12 months ending ``12 (k-1)`` months before the last month, fits on
    the months before (at least 12, for the naive baseline) and forecasts the 12 held-out months.
    ``origin`` is the first held-out month (``YYYY-MM``); ``naive`` = the 12 months before it.
    """
    rows = []
    for k in range(1, origins + 1):
        cut = len(panel) - SEASON * k
        if cut < SEASON:
            break
        train, test = panel.iloc[:cut], panel.iloc[cut:cut + SEASON]
        forecast, models = forecast_panel(train, SEASON)
        frame = pd.DataFrame({"actual": test.sum(axis=0), "forecast": forecast.sum(axis=0),
                              "naive": train.iloc[-SEASON:].sum(axis=0), "model": models})
        frame["origin"] = str(test.index[0])
        rows.append(frame.reset_index())
    if not rows:
        return pd.DataFrame(columns=BACKTEST_COLUMNS)
    table = pd.concat(rows, ignore_index=True)
    return table[BACKTEST_COLUMNS]


def _errors(actual: pd.Series, predicted: pd.Series) -> tuple[float, float]:
    error = (predicted - actual).abs()
    total = actual.sum()
    wape = 100.0 * error.sum() / total if total > 0 else np.nan
    positive = actual > 0
    mape = 100.0 * (error[positive] / actual[positive]).mean() if positive.any() else np.nan
    return float(wape), float(mape)


def backtest_summary(table: pd.DataFrame, level: str = "series") -> dict:
    """Forecast errors of a :func:`backtest` table: ``wape``, ``mape`` of the model and ``naive_wape``,
    ``naive_mape`` of the baseline (percent), ``series`` and ``origins`` counted, and ``models`` (series ×
    origins per model). ``level``: ``series`` (region × specialty) or ``region`` (regional totals)."""
    if level not in ("series", "region"):
        raise ValueError(f"level must be 'series' or 'region', not {level!r}")
    if table.empty:
        return {"level": level, "series": 0, "origins": 0, "wape": np.nan, "mape": np.nan, "naive_wape": np.nan,
                "naive_mape": np.nan, "actual": 0.0, "models": {}}
    data = table
    if level == "region":
        data = table.groupby(["region_id", "origin"], as_index=False)[["actual", "forecast", "naive"]].sum()
    wape, mape = _errors(data["actual"], data["forecast"])
    naive_wape, naive_mape = _errors(data["actual"], data["naive"])
    keys = ["region_id", "specialty_id"] if level == "series" else ["region_id"]
    return {"level": level, "series": int(data[keys].drop_duplicates().shape[0]),
            "origins": int(data["origin"].nunique()), "wape": wape, "mape": mape, "naive_wape": naive_wape,
            "naive_mape": naive_mape, "actual": float(data["actual"].sum()),
            "models": table["model"].value_counts().to_dict()}


def format_backtest(table: pd.DataFrame) -> str:
    """The backtest's errors as a few lines of text (the CLI and the docs print this)."""
    lines = []
    if table.empty:
        return "No backtest: the vacancy history is shorter than 24 months."
    origins = sorted(table["origin"].unique())
    lines.append(f"Backtest of annual postings: {len(origins)} origin(s) ({', '.join(origins)}), 12 months "
                 "held out each")
    lines.append(f"{'level':<26} {'series':>6} {'WAPE %':>8} {'MAPE %':>8} {'naive WAPE %':>13} "
                 f"{'naive MAPE %':>13}")
    for level, label in (("series", "region x specialty"), ("region", "region total")):
        s = backtest_summary(table, level)
        lines.append(f"{label:<26} {s['series']:>6} {s['wape']:>8.1f} {s['mape']:>8.1f} {s['naive_wape']:>13.1f} "
                     f"{s['naive_mape']:>13.1f}")
    models = backtest_summary(table)["models"]
    lines.append("models (series x origins): " + ", ".join(f"{k} {v}" for k, v in sorted(models.items())))
    return "\n".join(lines)


def backtest_from_database(region=None, origins: int = BACKTEST_ORIGINS) -> pd.DataFrame:
    """:func:`backtest` on the stored vacancies (two queries)."""
    return backtest(specialty_panel(load_vacancies(region), load_mapping()), origins)

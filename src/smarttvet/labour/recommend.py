"""Recommendations per region: which specialties to open, expand, keep or reduce, with the figures behind
each and a reason built from them.

The input is a :func:`smarttvet.labour.gap.gap_summary` (people over the horizon, summed); the rules
compare **per-year** figures (the horizon's totals divided by its years), in this order:

``open``
    no provider in the region (no organisation offers the specialty or teaches it now) and demand of at
    least ``OPEN_MIN_DEMAND`` people a year (one study group). A specialty without a provider and with
    less demand is ``keep`` (nothing to open).
``expand``
    providers, and a deficit: supply below ``DEFICIT_RATIO`` × demand and a gap of at least ``MIN_GAP``
    people a year; and employment good: the 12-month employment rate at least ``GOOD_EMPLOYMENT`` %, or
    unknown (fewer than 5 graduates observed — a new specialty has no record yet). A deficit with lower
    employment is ``keep``: graduates not finding work despite vacancies points to the fit or the quality of
    training, which more places would not cure.
``reduce``
    oversupply: supply above ``SURPLUS_RATIO`` × demand (or any supply without demand) by at least
    ``MIN_GAP`` people a year; and low employment: the rate below ``LOW_EMPLOYMENT`` %, measured on at least
    5 graduates. Oversupply whose graduates find work (or whose employment is unknown) is ``keep``: the
    vacancy data may miss where they go.
``keep``
    everything else.

Each row carries ``rule`` (a stable code for pages to translate) and ``reason`` (English text with the
figures).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smarttvet.labour import gap as gap_module

OPEN, EXPAND, KEEP, REDUCE = "open", "expand", "keep", "reduce"
CLASSES = (OPEN, EXPAND, KEEP, REDUCE)

#: People a year of unmet demand that justify opening a specialty: one study group.
OPEN_MIN_DEMAND = 25.0
#: A deficit: supply below this share of demand ...
DEFICIT_RATIO = 0.8
#: ... an oversupply: supply above this multiple of demand ...
SURPLUS_RATIO = 1.25
#: ... and either by at least this many people a year.
MIN_GAP = 10.0
#: Employment rate at 12 months (%) at or above which graduates are taken to find work (≈ the national 60%).
GOOD_EMPLOYMENT = 60.0
#: Employment rate at 12 months (%) below which employment is low.
LOW_EMPLOYMENT = 50.0

RECOMMENDATION_COLUMNS = ["specialty_code", "specialty_name", "recommendation", "rule", "demand", "supply", "gap",
                          "ratio", "demand_per_year", "supply_per_year", "gap_per_year", "providers",
                          "employment_rate_12m", "employment_n", "reason"]


def _employment_text(rate: float, n: int) -> str:
    if np.isnan(rate):
        return f"employment at 12 months unknown ({n} graduates observed)"
    return f"employment at 12 months {rate:.0f}% of {n} graduates"


def classify(row, years: int) -> tuple[str, str, str]:
    """The recommendation, its rule code and reason for one summary row (``demand``, ``supply``,
    ``providers``, ``employment_rate_12m``, ``employment_n``) over ``years`` years."""
    demand = float(row["demand"]) / years
    supply = float(row["supply"]) / years
    gap = demand - supply
    providers = int(row["providers"])
    rate = float(row["employment_rate_12m"]) if pd.notna(row["employment_rate_12m"]) else float("nan")
    n = int(row["employment_n"])
    known = not np.isnan(rate)
    figures = f"demand {demand:.0f} a year, expected graduates {supply:.0f} a year"
    employment_text = _employment_text(rate, n)

    if providers == 0:
        if demand >= OPEN_MIN_DEMAND:
            return OPEN, "open_unmet_demand", (f"No provider in the region; {figures}: unmet demand of "
                                               f"{demand:.0f} a year reaches {OPEN_MIN_DEMAND:.0f} (one group).")
        return KEEP, "not_offered_small_demand", (f"No provider in the region; {figures}: below the "
                                                  f"{OPEN_MIN_DEMAND:.0f} a year needed to open.")

    deficit = supply < DEFICIT_RATIO * demand and gap >= MIN_GAP
    surplus = (supply > SURPLUS_RATIO * demand or demand == 0) and -gap >= MIN_GAP
    if deficit:
        if not known or rate >= GOOD_EMPLOYMENT:
            return EXPAND, "deficit_good_employment", (
                f"Deficit of {gap:.0f} a year ({figures}, {providers} provider(s)); {employment_text}"
                + ("." if not known else f" ≥ {GOOD_EMPLOYMENT:.0f}%."))
        return KEEP, "deficit_low_employment", (
            f"Deficit of {gap:.0f} a year ({figures}) but {employment_text} < {GOOD_EMPLOYMENT:.0f}%: "
            "improve the fit of training before adding places.")
    if surplus:
        if known and rate < LOW_EMPLOYMENT:
            return REDUCE, "surplus_low_employment", (
                f"Oversupply of {-gap:.0f} a year ({figures}, {providers} provider(s)); {employment_text} "
                f"< {LOW_EMPLOYMENT:.0f}%.")
        return KEEP, "surplus_employed", (
            f"Oversupply of {-gap:.0f} a year ({figures}) but {employment_text}"
            + (": too few to judge." if not known else f" ≥ {LOW_EMPLOYMENT:.0f}%: graduates find work."))
    return KEEP, "balanced", f"Balanced: {figures}; {employment_text}."


def recommend_from_summary(table: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Recommendations for the rows of a :func:`smarttvet.labour.gap.gap_table` (or any frame with its
    columns) over ``horizon`` years (:data:`RECOMMENDATION_COLUMNS`)."""
    result = table.copy()
    results = [classify(row, horizon) for _, row in result.iterrows()]
    result["recommendation"] = [r[0] for r in results]
    result["rule"] = [r[1] for r in results]
    result["reason"] = [r[2] for r in results]
    result["demand_per_year"] = result["demand"] / horizon
    result["supply_per_year"] = result["supply"] / horizon
    result["gap_per_year"] = result["gap"] / horizon
    order = {name: position for position, name in enumerate(CLASSES)}
    result["_order"] = result["recommendation"].map(order)
    result = result.sort_values(["_order", "gap_per_year", "specialty_code"], ascending=[True, False, True],
                                ignore_index=True)
    return result[RECOMMENDATION_COLUMNS] if len(result) else pd.DataFrame(columns=RECOMMENDATION_COLUMNS)


def recommend(region, horizon: int = gap_module.DEFAULT_HORIZON, language: str = "en",
              data: gap_module.LabourData | None = None) -> pd.DataFrame:
    """Recommendations for every specialty of a region (see the module's rules), open first."""
    table = gap_module.gap_table(region, horizon, language, data)
    return recommend_from_summary(table, horizon)

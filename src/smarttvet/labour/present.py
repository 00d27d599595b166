"""Labour-market figures turned into what the pages and the API show (no database access).

Demand, supply and gaps are people over the horizon (fractions of a person are expected values: shown
rounded); the ratio is supply / demand (1 = balanced, below 1 a deficit of graduates, above 1 a surplus);
rates are percentages with their counts. NaN becomes ``None``.
"""

from __future__ import annotations

import math

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smarttvet.core.i18n import pick
from smarttvet.labour import recommend
from smarttvet.labour.employment import SOURCES

# Ratio bands, the recommendations' thresholds: below DEFICIT_RATIO a deficit, above SURPLUS_RATIO a surplus.
STRONG_DEFICIT = 0.5
DEFICIT = recommend.DEFICIT_RATIO
SURPLUS = recommend.SURPLUS_RATIO
STRONG_SURPLUS = 2.0
RATIO_CAP = 3.0  # the heatmap's colour scale stops here

BANDS = (
    ("deficit-strong", gettext_lazy("Strong deficit"), f"< {STRONG_DEFICIT:g}"),
    ("deficit", gettext_lazy("Deficit"), f"{STRONG_DEFICIT:g}–{DEFICIT:g}"),
    ("balanced", gettext_lazy("Balanced"), f"{DEFICIT:g}–{SURPLUS:g}"),
    ("surplus", gettext_lazy("Surplus"), f"{SURPLUS:g}–{STRONG_SURPLUS:g}"),
    ("surplus-strong", gettext_lazy("Strong surplus"), f"> {STRONG_SURPLUS:g}"),
    ("no-demand", gettext_lazy("Supply without demand"), "—"),
)

ACTIONS = {
    recommend.OPEN: gettext_lazy("Open"),
    recommend.EXPAND: gettext_lazy("Expand"),
    recommend.KEEP: gettext_lazy("Keep"),
    recommend.REDUCE: gettext_lazy("Reduce"),
}

STATUS_KEYS = ("employed", "employed_in_field", "continuing", "military", "not_employed")


def number(value) -> float | None:
    """A float, or None for NaN, None and non-numbers."""
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) or math.isinf(value) else value


def rounded(value, digits: int = 1) -> float | None:
    value = number(value)
    return None if value is None else round(value, digits)


def band(ratio, supply=None) -> str:
    """The CSS class and legend key of a ratio (supply / demand)."""
    ratio = number(ratio)
    if ratio is None:
        return "no-demand" if (number(supply) or 0) > 0 else "empty"
    if ratio < STRONG_DEFICIT:
        return "deficit-strong"
    if ratio < DEFICIT:
        return "deficit"
    if ratio <= SURPLUS:
        return "balanced"
    if ratio <= STRONG_SURPLUS:
        return "surplus"
    return "surplus-strong"


def legend() -> list[dict]:
    return [{"key": key, "label": str(label), "range": span} for key, label, span in BANDS]


def _name(row, language: str | None) -> str:
    return pick({"kk": row.get("name_kk") or "", "ru": row.get("name_ru") or "", "en": row.get("name_en") or ""},
                language)


# ---------------------------------------------------------------------------------------- heatmap
def heatmap_view(hm, language: str | None, region_url, field_names: dict | None = None) -> dict:
    """The heatmap's regions (rows), fields (columns), cells and the chart's data.

    ``region_url(kato, field_code)`` gives a cell's drill-down address."""
    cells = hm.cells
    regions = hm.regions.sort_values("kato")
    used_fields = sorted(set(cells["broad_field"].dropna())) if len(cells) else []
    fields = []
    for code in used_fields:
        row = hm.fields.loc[code].to_dict() if code in hm.fields.index else {}
        fields.append({"code": code, "name": _name(row, language) if row else code})
    by_cell = {(int(c["region_id"]), c["broad_field"]): c for c in cells.to_dict("records")}
    rows, data, empty = [], [], []
    region_rows = [(int(region_id), r) for region_id, r in regions.iterrows()]
    for y, (region_id, region) in enumerate(region_rows):
        name = _name(region.to_dict(), language)
        kato = region["kato"]
        out_cells = []
        for x, f in enumerate(fields):
            cell = by_cell.get((region_id, f["code"]))
            if cell is None:
                out_cells.append(None)
                continue
            view = _cell(cell)
            view["url"] = region_url(kato, f["code"])
            out_cells.append(view)
            point = {"value": [x, y, view["ratio_capped"] if view["ratio"] is not None else "-"],
                     "ratio": view["ratio"], "demand": view["demand"], "supply": view["supply"],
                     "gap": view["gap"], "specialties": view["specialties"], "url": view["url"],
                     "employment": view["employment_rate"], "employment_n": view["employment_n"]}
            (data if view["ratio"] is not None else empty).append(point)
        rows.append({"kato": kato, "name": name, "url": region_url(kato, None), "cells": out_cells})
    chart = {
        "regions": [r["name"] for r in rows],
        "fields": [f["code"] for f in fields],
        "field_names": [f"{f['code']} {f['name']}" for f in fields],
        "cells": data, "no_demand": empty, "cap": RATIO_CAP,
        "bands": [STRONG_DEFICIT, DEFICIT, SURPLUS, STRONG_SURPLUS],
    }
    return {"rows": rows, "fields": fields, "chart": chart, "legend": legend()}


def _cell(cell: dict) -> dict:
    ratio = number(cell.get("ratio"))
    return {
        "demand": rounded(cell.get("demand"), 0), "supply": rounded(cell.get("supply"), 0),
        "gap": rounded(cell.get("gap"), 0), "ratio": rounded(ratio, 2),
        "ratio_capped": rounded(min(ratio, RATIO_CAP), 2) if ratio is not None else None,
        "band": band(ratio, cell.get("supply")), "specialties": int(cell.get("specialties") or 0),
        "providers": int(cell.get("providers") or 0),
        "employment_rate": rounded(cell.get("employment_rate_12m")), "employment_n": int(cell.get("employment_n") or 0),
    }


def heatmap_cells_api(hm, language: str | None = None) -> list[dict]:
    """The heatmap's cells for the API: region KATO, broad field and the figures."""
    regions = hm.regions
    out = []
    for cell in hm.cells.sort_values(["region_id", "broad_field"]).to_dict("records"):
        region = regions.loc[int(cell["region_id"])]
        out.append({"region": region["kato"], "region_name": _name(region.to_dict(), language),
                    "broad_field": cell["broad_field"],
                    "demand": number(cell["demand"]), "supply": number(cell["supply"]), "gap": number(cell["gap"]),
                    "ratio": number(cell["ratio"]), "specialties": int(cell["specialties"]),
                    "providers": int(cell["providers"]),
                    "employment_rate_12m": number(cell["employment_rate_12m"]),
                    "employment_n": int(cell["employment_n"])})
    return out


# ---------------------------------------------------------------------------------------- gap and recommendations
def gap_rows(table: pd.DataFrame) -> list[dict]:
    """One row per specialty of a ``gap.gap_table`` (largest deficit first)."""
    rows = []
    for r in table.to_dict("records"):
        rows.append({
            "specialty_code": r["specialty_code"], "specialty_name": r["specialty_name"],
            "broad_field": r.get("broad_field"),
            "demand": number(r["demand"]), "from_vacancies": number(r.get("from_vacancies")),
            "declared": number(r.get("declared")), "supply": number(r["supply"]), "gap": number(r["gap"]),
            "ratio": number(r["ratio"]), "band": band(r["ratio"], r["supply"]), "providers": int(r["providers"]),
            "employment_rate_12m": number(r["employment_rate_12m"]), "employment_n": int(r["employment_n"]),
        })
    rows.sort(key=lambda row: (-(row["gap"] or 0), row["specialty_code"]))
    return rows


def reason(row: dict) -> str:
    """The recommendation's reason in the reader's language, from its rule and figures (the English text of
    :mod:`~smarttvet.labour.recommend` is kept in ``reason_en``)."""
    figures = {
        "demand": _fmt(row["demand_per_year"]), "supply": _fmt(row["supply_per_year"]),
        "gap": _fmt(abs(row["gap_per_year"] or 0)), "providers": row["providers"], "n": row["employment_n"],
        "rate": _fmt(row["employment_rate_12m"]), "open": _fmt(recommend.OPEN_MIN_DEMAND),
        "good": _fmt(recommend.GOOD_EMPLOYMENT), "low": _fmt(recommend.LOW_EMPLOYMENT),
    }
    known = row["employment_rate_12m"] is not None
    employment = (_("employment at 12 months %(rate)s%% of %(n)s graduates") % figures if known else
                  _("employment at 12 months unknown (%(n)s graduates observed)") % figures)
    figures["employment"] = employment
    texts = {
        "open_unmet_demand": _("No provider in the region; demand %(demand)s a year, expected graduates "
                               "%(supply)s a year: unmet demand reaches %(open)s a year (one group)."),
        "not_offered_small_demand": _("No provider in the region; demand %(demand)s a year: below the %(open)s "
                                      "a year needed to open."),
        "deficit_good_employment": _("Deficit of %(gap)s a year (demand %(demand)s, expected graduates "
                                     "%(supply)s, providers: %(providers)s); %(employment)s."),
        "deficit_low_employment": _("Deficit of %(gap)s a year (demand %(demand)s, expected graduates "
                                    "%(supply)s) but %(employment)s, below %(good)s%%: improve the fit of "
                                    "training before adding places."),
        "surplus_low_employment": _("Oversupply of %(gap)s a year (demand %(demand)s, expected graduates "
                                    "%(supply)s, providers: %(providers)s); %(employment)s, below %(low)s%%."),
        "surplus_employed": _("Oversupply of %(gap)s a year (demand %(demand)s, expected graduates %(supply)s) "
                              "but %(employment)s: graduates find work or too few to judge."),
        "balanced": _("Balanced: demand %(demand)s a year, expected graduates %(supply)s a year; "
                      "%(employment)s."),
    }
    text = texts.get(row["rule"])
    return text % figures if text else row["reason_en"]


def _fmt(value) -> str:
    value = number(value)
    return "—" if value is None else f"{value:.0f}"


def recommendation_rows(table: pd.DataFrame) -> list[dict]:
    rows = []
    for r in table.to_dict("records"):
        row = {
            "specialty_code": r["specialty_code"], "specialty_name": r["specialty_name"],
            "recommendation": r["recommendation"], "label": str(ACTIONS.get(r["recommendation"], r["recommendation"])),
            "rule": r["rule"], "demand": number(r["demand"]), "supply": number(r["supply"]), "gap": number(r["gap"]),
            "ratio": number(r["ratio"]), "band": band(r["ratio"], r["supply"]),
            "demand_per_year": number(r["demand_per_year"]), "supply_per_year": number(r["supply_per_year"]),
            "gap_per_year": number(r["gap_per_year"]), "providers": int(r["providers"]),
            "employment_rate_12m": number(r["employment_rate_12m"]), "employment_n": int(r["employment_n"]),
            "reason_en": r["reason"],
        }
        row["reason"] = reason(row)
        rows.append(row)
    return rows


def recommendation_counts(rows: list[dict]) -> list[dict]:
    counts = {key: 0 for key in recommend.CLASSES}
    for row in rows:
        counts[row["recommendation"]] = counts.get(row["recommendation"], 0) + 1
    return [{"key": key, "label": str(ACTIONS[key]), "count": counts[key]} for key in recommend.CLASSES]


# ---------------------------------------------------------------------------------------- vacancies
def vacancy_chart(outlook) -> dict | None:
    """Monthly history and forecast for the line chart: one month axis, the forecast joined to the last
    observed month so that the two lines meet."""
    history, forecast = outlook.history, outlook.forecast
    if history is None or not len(history):
        return None
    months = [str(p) for p in history.index] + [str(p) for p in forecast.index]
    observed = [rounded(v, 1) for v in history.to_numpy()] + [None] * len(forecast)
    ahead: list = [None] * len(history) + [rounded(v, 1) for v in forecast.to_numpy()]
    if len(forecast):
        ahead[len(history) - 1] = observed[len(history) - 1]
    return {"months": months, "history": observed, "forecast": ahead, "first_forecast": str(forecast.index[0])
            if len(forecast) else None}


def backtest_view(outlook) -> dict | None:
    region, series = outlook.backtest_region, outlook.backtest_series
    if not region or not region.get("origins"):
        return None
    return {"origins": region["origins"], "wape": rounded(region["wape"]), "mape": rounded(region["mape"]),
            "naive_wape": rounded(region["naive_wape"]), "series": series.get("series", 0),
            "series_wape": rounded(series.get("wape")), "series_naive_wape": rounded(series.get("naive_wape")),
            "models": ", ".join(f"{k} {v}" for k, v in sorted(outlook.models.items()))}


# ---------------------------------------------------------------------------------------- employment
def _rates(table: pd.DataFrame, key) -> dict | None:
    if key not in table.index:
        return None
    return rate_view(table.loc[key].to_dict())


def rate_view(r: dict | None) -> dict | None:
    """Counts and rates of one group at one horizon; the source mix as shares."""
    if not r:
        return None
    n = int(r["n"])
    sources = [{"key": s, "count": int(r[f"source_{s}"]), "share": rounded(r[f"source_{s}_share"], 0)}
               for s in SOURCES if int(r[f"source_{s}"])]
    return {
        "n": n, "employed": int(r["employed"]), "employed_in_field": int(r["employed_in_field"]),
        "continuing": int(r["continuing"]), "military": int(r["military"]), "not_employed": int(r["not_employed"]),
        "employed_rate": rounded(r["employed_rate"]), "in_field_rate": rounded(r["in_field_rate"]),
        "in_field_of_employed": rounded(r["in_field_of_employed"]), "continuing_rate": rounded(r["continuing_rate"]),
        "military_rate": rounded(r["military_rate"]), "not_employed_rate": rounded(r["not_employed_rate"]),
        "positive_rate": rounded(r["positive_rate"]), "sources": sources,
    }


def employment_rows(table, language: str | None = None) -> list[dict]:
    """One row per group: its label and code, the rates at 6 and 12 months."""
    rows = []
    for key, obj in table.labels.items():
        rows.append({"key": key, **_label(table.by, key, obj, language), "six": _rates(table.six, key),
                     "twelve": _rates(table.twelve, key)})
    rows.sort(key=lambda r: r["sort"])
    return rows


def _label(by: str, key, obj, language: str | None) -> dict:
    if by == "cohort" or obj is None:
        return {"code": str(key), "label": str(key), "sort": (str(key),), "object": obj}
    if by == "organization":
        return {"code": obj.bin, "label": obj.name, "sort": (obj.region.kato, obj.name), "object": obj,
                "region": obj.region}
    if by == "specialty":
        return {"code": obj.code, "label": obj.name, "sort": (obj.code,), "object": obj}
    return {"code": obj.kato, "label": obj.name, "sort": (obj.kato,), "object": obj}


EXPORT_COLUMNS = ["group", "code", "name", "months_after", "n", "employed", "employed_in_field", "continuing",
                  "military", "not_employed", "employed_rate", "in_field_rate", "in_field_of_employed",
                  "continuing_rate", "military_rate", "not_employed_rate", "positive_rate",
                  *[f"source_{s}" for s in SOURCES]]


def employment_export(by: str, rows: list[dict]):
    """The header, then one line per group and horizon (6, then 12 months)."""
    yield EXPORT_COLUMNS
    for row in rows:
        for months, rates in ((6, row["six"]), (12, row["twelve"])):
            if rates is None:
                continue
            by_source = {s["key"]: s["count"] for s in rates["sources"]}
            yield [by, row["code"], row["label"], months, rates["n"], rates["employed"], rates["employed_in_field"],
                   rates["continuing"], rates["military"], rates["not_employed"],
                   *[_cell_text(rates[k]) for k in ("employed_rate", "in_field_rate", "in_field_of_employed",
                                                     "continuing_rate", "military_rate", "not_employed_rate",
                                                     "positive_rate")],
                   *[by_source.get(s, 0) for s in SOURCES]]


def _cell_text(value) -> str:
    return "" if value is None else f"{value:.1f}"


def employment_chart(rows: list[dict], limit: int = 40) -> dict | None:
    """Employment at 12 months of the groups (at most ``limit``, those with a rate), for a bar chart."""
    shown = [r for r in rows if r["twelve"] and r["twelve"]["employed_rate"] is not None][:limit]
    if not shown:
        return None
    return {"labels": [r["label"] for r in shown],
            "series": [{"key": key, "data": [r["twelve"][key] for r in shown]}
                       for key in ("employed_rate", "continuing_rate", "military_rate", "not_employed_rate")],
            "n": [r["twelve"]["n"] for r in shown]}

"""Graduates' employment: where graduates were 6 and 12 months after graduating, as rates with their counts.

Definitions (the same as the rating's graduate-outcome indicators in ``smarttvet.rating.indicators``):

* the graduates are enrolments with ``status = graduated``; their **cohort** here is the graduation year
  (``status_year``); the **observed** ``n`` at a horizon (6 or 12 months) are those with an outcome
  recorded at that horizon;
* ``employed_rate`` = 100 × employed / observed: military service and further study count as not employed
  (the rating's ``employment_12m`` for organisation ``o`` and rating year ``Y`` is exactly
  ``rates(..., by="organization", months_after=12, graduation_years=[Y-1])["employed_rate"]``);
* ``in_field_rate`` = 100 × employed in their field / observed; ``in_field_of_employed`` = 100 × employed in
  their field / employed (the rating's ``employment_in_field_12m``);
* ``continuing_rate``, ``military_rate``, ``not_employed_rate`` = 100 × each status / observed;
  ``positive_rate`` = 100 × (employed + continuing + military) / observed (the rating's
  ``positive_destinations_12m``);
* a rate over fewer than ``MIN_GRADUATES`` (5) observed graduates is NaN, and ``in_field_of_employed`` over
  fewer than ``MIN_EMPLOYED`` (5) employed is NaN — the rating's minimum denominators, imported from it;
  the counts are always given;
* the **source mix**: ``source_<source>`` counts (pension records, survey, college report, employer
  confirmation) and ``source_<source>_share`` (% of the observed, whatever ``n``).

:func:`load_outcomes` reads every outcome in one grouped query; :func:`rates` aggregates it by any of
organisation, specialty, region and cohort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db.models import Count, F

from smarttvet.people.models import GraduateOutcome, Student
from smarttvet.rating.indicators import MIN_EMPLOYED, MIN_GRADUATES

#: Graduation years pooled for the employment rate shown beside the gap (the latest years with outcomes).
POOLED_COHORTS = 3

OUTCOME_COLUMNS = ["organization_id", "region_id", "specialty_id", "graduation_year", "months_after", "status",
                   "in_field", "source", "n"]
DIMENSIONS = {"organization": "organization_id", "specialty": "specialty_id", "region": "region_id",
              "cohort": "graduation_year"}
STATUSES = [choice.value for choice in GraduateOutcome.Status]
SOURCES = [choice.value for choice in GraduateOutcome.Source]
COUNT_COLUMNS = ["n", "employed", "employed_in_field", "continuing", "military", "not_employed",
                 *[f"source_{source}" for source in SOURCES]]
RATE_COLUMNS = ["employed_rate", "in_field_rate", "in_field_of_employed", "continuing_rate", "military_rate",
                "not_employed_rate", "positive_rate", *[f"source_{source}_share" for source in SOURCES]]


def load_outcomes(region=None) -> pd.DataFrame:
    """Outcomes of graduated enrolments grouped by organisation, specialty, graduation year, horizon, status,
    in-field flag and source, with their number ``n`` (:data:`OUTCOME_COLUMNS`). One query; ``region`` (a
    Region or its id) narrows to the organisations of one region."""
    queryset = GraduateOutcome.objects.filter(student__status=Student.Status.GRADUATED)
    if region is not None:
        queryset = queryset.filter(student__organization__region=region)
    rows = (queryset.values("months_after", "status", "in_field", "source",
                            organization_id=F("student__organization_id"),
                            region_id=F("student__organization__region_id"),
                            specialty_id=F("student__specialty_id"), graduation_year=F("student__status_year"))
            .annotate(n=Count("id")).order_by())
    return outcomes_frame(rows)


def outcomes_frame(rows) -> pd.DataFrame:
    """Grouped outcome rows (dicts or a frame with :data:`OUTCOME_COLUMNS`) as a typed frame."""
    frame = pd.DataFrame.from_records(list(rows) if not isinstance(rows, pd.DataFrame) else rows,
                                      columns=OUTCOME_COLUMNS)
    for column in ("organization_id", "region_id", "specialty_id", "graduation_year", "months_after", "n"):
        frame[column] = frame[column].astype(np.int64)
    frame["in_field"] = frame["in_field"].astype(bool)
    frame["status"] = frame["status"].astype(str)
    frame["source"] = frame["source"].astype(str)
    return frame


def _keys(by) -> list[str]:
    names = [by] if isinstance(by, str) else list(by)
    keys = []
    for name in names:
        if name in DIMENSIONS:
            keys.append(DIMENSIONS[name])
        elif name in DIMENSIONS.values():
            keys.append(name)
        else:
            raise ValueError(f"cannot group outcomes by {name!r}: use {', '.join(DIMENSIONS)}")
    return keys


def _share(numerator, denominator, minimum: float) -> np.ndarray:
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((denominator >= minimum) & (denominator > 0), 100.0 * numerator / denominator, np.nan)


def rates(outcomes: pd.DataFrame, by="organization", months_after: int = 12,
          graduation_years=None) -> pd.DataFrame:
    """Counts (:data:`COUNT_COLUMNS`) and rates in % (:data:`RATE_COLUMNS`) per group.

    ``by``: one of or a list of ``organization``, ``specialty``, ``region``, ``cohort`` (or their column
    names); the index holds those columns. ``months_after``: 6 or 12. ``graduation_years``: keep only these
    cohorts (default: all).
    """
    if months_after not in (6, 12):
        raise ValueError(f"outcomes are observed at 6 or 12 months, not {months_after}")
    keys = _keys(by)
    frame = outcomes[outcomes["months_after"] == months_after]
    if graduation_years is not None:
        frame = frame[frame["graduation_year"].isin(list(graduation_years))]
    n = frame["n"]
    status = frame["status"]
    parts = pd.DataFrame({
        "n": n,
        "employed": n.where(status == GraduateOutcome.Status.EMPLOYED, 0),
        "employed_in_field": n.where((status == GraduateOutcome.Status.EMPLOYED) & frame["in_field"], 0),
        "continuing": n.where(status == GraduateOutcome.Status.CONTINUING, 0),
        "military": n.where(status == GraduateOutcome.Status.MILITARY, 0),
        "not_employed": n.where(status == GraduateOutcome.Status.NOT_EMPLOYED, 0),
        **{f"source_{source}": n.where(frame["source"] == source, 0) for source in SOURCES},
    }, index=frame.index)
    for key in keys:
        parts[key] = frame[key]
    table = parts.groupby(keys)[COUNT_COLUMNS].sum().astype(np.int64)
    table["employed_rate"] = _share(table["employed"], table["n"], MIN_GRADUATES)
    table["in_field_rate"] = _share(table["employed_in_field"], table["n"], MIN_GRADUATES)
    table["in_field_of_employed"] = _share(table["employed_in_field"], table["employed"], MIN_EMPLOYED)
    table["continuing_rate"] = _share(table["continuing"], table["n"], MIN_GRADUATES)
    table["military_rate"] = _share(table["military"], table["n"], MIN_GRADUATES)
    table["not_employed_rate"] = _share(table["not_employed"], table["n"], MIN_GRADUATES)
    table["positive_rate"] = _share(table["employed"] + table["continuing"] + table["military"], table["n"],
                                    MIN_GRADUATES)
    for source in SOURCES:
        table[f"source_{source}_share"] = _share(table[f"source_{source}"], table["n"], 1)
    return table[COUNT_COLUMNS + RATE_COLUMNS]


def recent_cohorts(outcomes: pd.DataFrame, months_after: int = 12, count: int = POOLED_COHORTS) -> list[int]:
    """The latest ``count`` graduation years that have outcomes at ``months_after`` months (oldest first)."""
    years = outcomes.loc[outcomes["months_after"] == months_after, "graduation_year"].unique()
    return sorted(int(year) for year in years)[-count:]


def pooled_rates(outcomes: pd.DataFrame, by, months_after: int = 12, count: int = POOLED_COHORTS) -> pd.DataFrame:
    """:func:`rates` over the latest ``count`` cohorts with outcomes at that horizon (the rate shown beside
    the gap: one cohort of a specialty in a region is often too few graduates)."""
    return rates(outcomes, by, months_after, recent_cohorts(outcomes, months_after, count))


def employment_rates(by="organization", months_after: int = 12, graduation_years=None, region=None) -> pd.DataFrame:
    """:func:`rates` straight from the database (one query)."""
    return rates(load_outcomes(region), by, months_after, graduation_years)

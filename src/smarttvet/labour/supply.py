"""Supply of graduates: enrolment and graduates per organisation × specialty × year, and the graduates to
expect in the next years from the students studying now.

Everything here is pure pandas/NumPy on one grouped frame of enrolments (:func:`load_students`, one query
whatever the number of students); the methodology is ``docs/methodology/labour.en.md``.

Years
-----
* The **base year** ``T`` is the academic year in progress: studying students carry ``status_year = T``
  (``T`` = 2025 for the 2025-26 academic year). :func:`base_year` takes the largest ``status_year`` of the
  studying students.
* An academic year is labelled by the calendar year in which it **starts** (2024 = 2024-25). A student of
  cohort ``c`` who graduates in June ``G`` is on the roll in the academic years ``c .. G-1``; a student
  expelled in calendar year ``e`` is on the roll in ``c .. e`` and leaves in academic year ``e``; a student
  studying or on leave in ``T`` is on the roll in ``c .. T``.
* Graduates of year ``G`` are those who graduate in June ``G`` (``status = graduated``, ``status_year = G``),
  as in the rating (its "graduates of June Y").

History (:func:`history`)
-------------------------
Per organisation × specialty × year ``y``: ``admitted`` (``cohort_year = y``), ``enrolled`` (on the roll in
the academic year beginning in September ``y``), ``graduated`` (in June ``y``), ``expelled`` (in ``y``).
``enrolled`` differs from the rating's student count ``S(y+1)`` only in counting students expelled in
calendar year ``y`` itself.

Programme length (:func:`programme_lengths`)
--------------------------------------------
The length ``L`` of a programme is derived from the data, never assumed: the median of
``status_year - cohort_year`` over the graduates (weighted by their numbers) of the same specialty,
qualification and entry (after grade 9 / grade 11 / other). A group with fewer than
``LENGTH_MIN_GRADUATES`` graduates falls back to the same qualification level (worker / specialist /
applied bachelor, the qualification code's letter) and entry, then to the entry alone, then to all graduates,
and finally to ``DEFAULT_LENGTH`` years when no one has graduated yet.

Dropout (:func:`dropout_hazards`)
---------------------------------
The annual expulsion hazard ``h`` of a region × specialty = students expelled in the last
``DROPOUT_YEARS`` complete academic years (``T-3 .. T-1``) / student-years on the roll in those years.
A region × specialty with fewer than ``DROPOUT_MIN_EXPOSURE`` student-years falls back to its region (all
specialties), then to the country.

Expected graduates (:func:`project_graduates`)
----------------------------------------------
For ``h = 1 .. horizon`` (year ``T + h``):

* **current students** (``from_current``): a student studying in ``T`` graduates in
  ``G = max(cohort_year + L, T + 1)`` (an overdue student graduates next June); a student on academic leave
  one year later. Each counts ``(1 - h) ** (G - T - 1)``: the chance of not being expelled in the academic
  years ``T+1 .. G-1`` still ahead (the year in progress is taken as already decided).
* **future intake** (``from_intake``, optional): the admission of ``T`` (every enrolment of cohort ``T``,
  whatever its status since) is assumed to repeat every year, per organisation × specialty ×
  qualification × entry; a cohort admitted in ``T + j`` graduates in ``T + j + L`` and counts
  ``(1 - h) ** L``. With programmes of 2 to 4 years it first matters in ``T + 3``.

``expected = from_current + from_intake``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from django.db.models import Count, F

from smarttvet.people.models import Student

LENGTH_MIN_GRADUATES = 5
DEFAULT_LENGTH = 3
DROPOUT_YEARS = 3
DROPOUT_MIN_EXPOSURE = 100.0
MAX_HORIZON = 5

STUDENT_COLUMNS = ["organization_id", "region_id", "specialty_id", "qualification_id", "qualification_code",
                   "entry", "cohort_year", "status", "status_year", "n"]
PROJECTION_COLUMNS = ["organization_id", "region_id", "specialty_id", "year", "horizon", "from_current",
                      "from_intake", "expected"]

GRADUATED, EXPELLED, STUDYING, LEAVE = (Student.Status.GRADUATED.value, Student.Status.EXPELLED.value,
                                        Student.Status.STUDYING.value, Student.Status.LEAVE.value)


# ---------------------------------------------------------------------------------------------------- loading
def load_students(region=None) -> pd.DataFrame:
    """Enrolments grouped by organisation, specialty, qualification, entry, cohort, status and status year,
    with their number ``n`` (:data:`STUDENT_COLUMNS`). One query; ``region`` (a Region or its id) narrows
    to the organisations of one region."""
    queryset = Student.objects.all()
    if region is not None:
        queryset = queryset.filter(organization__region=region)
    rows = (queryset.values("organization_id", "specialty_id", "qualification_id", "entry", "cohort_year",
                            "status", "status_year", region_id=F("organization__region_id"),
                            qualification_code=F("qualification__code"))
            .annotate(n=Count("id")).order_by())
    return students_frame(rows)


def students_frame(rows) -> pd.DataFrame:
    """Grouped enrolment rows (dicts or a frame with :data:`STUDENT_COLUMNS`) as a typed frame."""
    frame = pd.DataFrame.from_records(list(rows) if not isinstance(rows, pd.DataFrame) else rows,
                                      columns=STUDENT_COLUMNS)
    for column in ("organization_id", "region_id", "specialty_id", "cohort_year", "status_year", "n"):
        frame[column] = frame[column].astype(np.int64)
    frame["qualification_id"] = frame["qualification_id"].astype("Int64")
    frame["qualification_code"] = frame["qualification_code"].fillna("").astype(str)
    frame["entry"] = frame["entry"].astype(str)
    frame["status"] = frame["status"].astype(str)
    return frame


def base_year(students: pd.DataFrame) -> int | None:
    """The academic year in progress: the largest status year of the studying students (else of all)."""
    studying = students.loc[students["status"] == STUDYING, "status_year"]
    if len(studying):
        return int(studying.max())
    if len(students):
        return int(students["status_year"].max())
    return None


def _last_year_on_roll(students: pd.DataFrame) -> np.ndarray:
    """The last academic year each group is on the roll: ``G - 1`` for graduates, the status year otherwise."""
    return np.where(students["status"] == GRADUATED, students["status_year"] - 1, students["status_year"])


# ---------------------------------------------------------------------------------------------------- history
def history(students: pd.DataFrame) -> pd.DataFrame:
    """Per organisation × specialty × year: ``admitted``, ``enrolled``, ``graduated``, ``expelled``
    (see the module's conventions). Columns: organization_id, region_id, specialty_id, year and the four."""
    keys = ["organization_id", "region_id", "specialty_id"]
    out_columns = [*keys, "year", "admitted", "enrolled", "graduated", "expelled"]
    if students.empty:
        return pd.DataFrame(columns=out_columns)
    first = students["cohort_year"].to_numpy()
    last = _last_year_on_roll(students)
    span = np.maximum(last - first + 1, 0)
    position = np.repeat(np.arange(len(students)), span)
    offset = np.arange(span.sum()) - np.repeat(np.cumsum(span) - span, span)
    enrolled = students.iloc[position][keys].reset_index(drop=True)
    enrolled["year"] = first[position] + offset
    enrolled["enrolled"] = students["n"].to_numpy()[position]
    admitted = students[keys].assign(year=students["cohort_year"], admitted=students["n"])
    graduated = students.loc[students["status"] == GRADUATED, keys].assign(
        year=students["status_year"], graduated=students["n"])
    expelled = students.loc[students["status"] == EXPELLED, keys].assign(
        year=students["status_year"], expelled=students["n"])
    parts = [part.groupby([*keys, "year"]).sum() for part in (admitted, enrolled, graduated, expelled)]
    table = pd.concat(parts, axis=1).fillna(0).astype(np.int64).reset_index()
    return table[out_columns].sort_values([*keys, "year"], ignore_index=True)


# ---------------------------------------------------------------------------------------------------- lengths
def _level(codes: pd.Series) -> pd.Series:
    """The qualification level from its code (``3W…`` worker, ``4S…`` specialist, ``5AB…`` applied bachelor)."""
    return codes.str.extract(r"^\d(W|S|AB)", expand=False).fillna("")


def _weighted_median(frame: pd.DataFrame, keys: list[str], value: str, weight: str) -> pd.DataFrame:
    """The weighted (lower) median of ``value`` per ``keys``, with the total weight ``count``."""
    ordered = frame.sort_values([*keys, value])
    total = ordered.groupby(keys, dropna=False)[weight].transform("sum")
    cumulative = ordered.groupby(keys, dropna=False)[weight].cumsum()
    medians = ordered[cumulative >= total / 2.0].groupby(keys, dropna=False).first()[[value]]
    medians["count"] = ordered.groupby(keys, dropna=False)[weight].sum()
    return medians


def programme_lengths(students: pd.DataFrame) -> pd.DataFrame:
    """The programme length in years for every (specialty, qualification, entry) of ``students``.

    Columns: specialty_id, qualification_id, entry, length, basis (``specialty``, ``level``, ``entry``,
    ``all`` or ``default``: which fallback gave the length, see the module's docstring).
    """
    keys = ["specialty_id", "qualification_id", "entry"]
    wanted = students[[*keys, "qualification_code"]].drop_duplicates(keys).copy()
    wanted["level"] = _level(wanted["qualification_code"])
    graduates = students[students["status"] == GRADUATED].copy()
    graduates["span"] = graduates["status_year"] - graduates["cohort_year"]
    graduates["level"] = _level(graduates["qualification_code"])
    wanted["length"] = np.nan
    wanted["basis"] = "default"
    fallbacks = [("specialty", keys), ("level", ["level", "entry"]), ("entry", ["entry"])]
    for basis, group_keys in fallbacks:
        if graduates.empty:
            break
        medians = _weighted_median(graduates, group_keys, "span", "n")
        medians = medians[medians["count"] >= LENGTH_MIN_GRADUATES]["span"].rename("candidate")
        candidate = wanted.join(medians, on=group_keys)["candidate"]
        take = wanted["length"].isna() & candidate.notna()
        wanted.loc[take, "length"] = candidate[take]
        wanted.loc[take, "basis"] = basis
    if len(graduates):
        overall = _weighted_median(graduates.assign(one=0), ["one"], "span", "n")["span"].iloc[0]
        take = wanted["length"].isna()
        wanted.loc[take, "length"] = overall
        wanted.loc[take, "basis"] = "all"
    wanted["length"] = wanted["length"].fillna(DEFAULT_LENGTH).clip(lower=1).astype(np.int64)
    return wanted[[*keys, "length", "basis"]].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------- dropout
def dropout_hazards(students: pd.DataFrame, base: int | None = None) -> pd.DataFrame:
    """The annual expulsion hazard per region × specialty present in ``students``.

    Columns: region_id, specialty_id, expelled, exposure (student-years), hazard, basis (``specialty``,
    ``region``, ``country`` or ``none``). The window is the ``DROPOUT_YEARS`` complete academic years before
    the base year.
    """
    base = base_year(students) if base is None else base
    columns = ["region_id", "specialty_id", "expelled", "exposure", "hazard", "basis"]
    if base is None or students.empty:
        return pd.DataFrame(columns=columns)
    start, end = base - DROPOUT_YEARS, base - 1
    first = np.maximum(students["cohort_year"].to_numpy(), start)
    last = np.minimum(_last_year_on_roll(students), end)
    n = students["n"].to_numpy()
    frame = students[["region_id", "specialty_id"]].copy()
    frame["exposure"] = np.maximum(last - first + 1, 0) * n
    in_window = (students["status"] == EXPELLED) & students["status_year"].between(start, end)
    frame["expelled"] = np.where(in_window, n, 0)
    by_specialty = frame.groupby(["region_id", "specialty_id"])[["expelled", "exposure"]].sum()
    by_region = frame.groupby("region_id")[["expelled", "exposure"]].sum()
    national = frame[["expelled", "exposure"]].sum()

    def rate(table) -> pd.Series:
        return table["expelled"] / table["exposure"].where(table["exposure"] > 0)

    table = by_specialty.reset_index()
    table["hazard"] = np.nan
    table["basis"] = "none"
    own = table["exposure"] >= DROPOUT_MIN_EXPOSURE
    table.loc[own, "hazard"] = rate(table[own])
    table.loc[own, "basis"] = "specialty"
    regional = by_region[by_region["exposure"] >= DROPOUT_MIN_EXPOSURE]
    fill = table["hazard"].isna() & table["region_id"].isin(regional.index)
    table.loc[fill, "hazard"] = rate(regional).reindex(table.loc[fill, "region_id"]).to_numpy()
    table.loc[fill, "basis"] = "region"
    if national["exposure"] > 0:
        fill = table["hazard"].isna()
        table.loc[fill, "hazard"] = national["expelled"] / national["exposure"]
        table.loc[fill, "basis"] = "country"
    table["hazard"] = table["hazard"].fillna(0.0).astype(float)
    return table[columns]


# ---------------------------------------------------------------------------------------------------- projection
def project_graduates(students: pd.DataFrame, horizon: int = 4, base: int | None = None, *,
                      intake: bool = True) -> pd.DataFrame:
    """Expected graduates per organisation × specialty for the years ``T+1 .. T+horizon``.

    Columns (:data:`PROJECTION_COLUMNS`): organization_id, region_id, specialty_id, year, horizon (1..),
    from_current, from_intake, expected (floats: expected numbers of people). Every organisation ×
    specialty with current students or an admission in ``T`` has a row for every year.
    """
    if not 1 <= horizon <= MAX_HORIZON:
        raise ValueError(f"the horizon must be 1 to {MAX_HORIZON} years, not {horizon}")
    base = base_year(students) if base is None else base
    if base is None or students.empty:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    lengths = programme_lengths(students)
    hazards = dropout_hazards(students, base)
    frame = students.merge(lengths[["specialty_id", "qualification_id", "entry", "length"]],
                           on=["specialty_id", "qualification_id", "entry"], how="left")
    frame = frame.merge(hazards[["region_id", "specialty_id", "hazard"]], on=["region_id", "specialty_id"],
                        how="left")
    frame["hazard"] = frame["hazard"].fillna(0.0)
    keys = ["organization_id", "region_id", "specialty_id"]

    current = frame[frame["status"].isin([STUDYING, LEAVE]) & (frame["cohort_year"] <= base)].copy()
    due = np.maximum(current["cohort_year"] + current["length"], base + 1)
    current["year"] = due + (current["status"] == LEAVE).astype(np.int64)
    current["from_current"] = current["n"] * (1.0 - current["hazard"]) ** (current["year"] - base - 1)
    parts = [current[[*keys, "year", "from_current"]]]

    if intake:
        admitted = frame[frame["cohort_year"] == base]
        admitted = admitted.groupby([*keys, "length", "hazard"], as_index=False)["n"].sum()
        for j in range(1, horizon + 1):
            cohort = admitted.copy()
            cohort["year"] = base + j + cohort["length"]
            cohort["from_intake"] = cohort["n"] * (1.0 - cohort["hazard"]) ** cohort["length"]
            parts.append(cohort[[*keys, "year", "from_intake"]])

    rows = pd.concat(parts, ignore_index=True).reindex(columns=[*keys, "year", "from_current", "from_intake"])
    pairs = rows[keys].drop_duplicates()
    years = pd.DataFrame({"year": np.arange(base + 1, base + horizon + 1)})
    grid = pairs.merge(years, how="cross")
    rows = rows[rows["year"].between(base + 1, base + horizon)]
    sums = rows.groupby([*keys, "year"])[["from_current", "from_intake"]].sum()
    table = grid.join(sums, on=[*keys, "year"])
    table[["from_current", "from_intake"]] = table[["from_current", "from_intake"]].fillna(0.0).astype(float)
    table["horizon"] = table["year"] - base
    table["expected"] = table["from_current"] + table["from_intake"]
    return table[PROJECTION_COLUMNS].sort_values([*keys, "year"], ignore_index=True)


def supply_by_region(projection: pd.DataFrame) -> pd.DataFrame:
    """Expected graduates summed over the organisations: region_id, specialty_id, year, horizon, expected,
    providers (organisations with a row)."""
    grouped = projection.groupby(["region_id", "specialty_id", "year", "horizon"])
    table = grouped.agg(expected=("expected", "sum"), from_current=("from_current", "sum"),
                        from_intake=("from_intake", "sum"), providers=("organization_id", "nunique"))
    return table.reset_index()

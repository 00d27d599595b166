"""The learning measures, written once with Ibis and run by whichever backend holds the marks.

For each level — region, organisation, subject, class or group, term — and a school year:

=====================  ==============================================================================
``students``           distinct students with at least one mark (within the organisation)
``marks``              marks counted
``mean_mark``          mean of ``mark / scale_max`` over the marks (0-1)
``knowledge_quality``  share of marks that are good or excellent (``mark / scale_max >= 0.7``)
``success_rate``       share of passing marks (``mark / scale_max >= 0.5``)
``lessons``            lessons timetabled (attendance); subject level has no attendance
``attendance_rate``    ``1 - (excused + unexcused) / lessons``
``unexcused_rate``     ``unexcused / lessons``
``term_students``      students with at least one term mark
``failing_students``   students with at least one failing term mark (``mark / scale_max < 0.5``)
``composite``          mean over students of each student's (mean mark + quality + success) / 3
``composite_sd``       the sample standard deviation of those student composites
``change_*``           this year's mean mark, quality and composite minus the previous year's (null when the
                       previous year has no marks at that level)
=====================  ==============================================================================

Marks of every kind count (current, term, year, summative); the rates are per mark, the composite per student.
A student is an (organisation, pseudonym) pair. Rows come back with ``organization`` (BIN; null at region
level), ``region`` (2-digit prefix) and ``key`` (subject code, group, or term number as text; empty otherwise).
"""

from __future__ import annotations

import ibis
import pandas as pd

from smarttvet.gradebook import contract
from smarttvet.gradebook.backends import Source

LEVELS = ("region", "organization", "subject", "group", "term")
COLUMNS = (
    "organization", "region", "key", "students", "marks", "mean_mark", "knowledge_quality", "success_rate",
    "lessons", "attendance_rate", "unexcused_rate", "term_students", "failing_students", "composite",
    "composite_sd", "change_mean_mark", "change_knowledge_quality", "change_composite",
)
_KEYS = {
    "region": ("region",),
    "organization": ("region", "organization"),
    "subject": ("region", "organization", "subject"),
    "group": ("region", "organization", "group"),
    "term": ("region", "organization", "term"),
}


def _term(date) -> ibis.Value:
    month = date.month()
    return ibis.cases((month.isin([9, 10]), 1), (month.isin([11, 12]), 2), (month <= 3, 3), else_=4)


def _marks(source: Source, years: list[int]) -> ibis.Table:
    m = source.marks
    m = m.filter(m.year.isin(years))
    share = m.mark.cast("float64") / m.scale_max.cast("float64")
    return m.mutate(
        share=share,
        # ifelse, not cast: PostgreSQL does not cast booleans to numbers
        good=(share >= contract.GOOD_SHARE).ifelse(1.0, 0.0),
        passing=(share >= contract.PASS_SHARE).ifelse(1.0, 0.0),
        failing_term=((m.kind == "term") & (share < contract.PASS_SHARE)).ifelse(1, 0),
        is_term=(m.kind == "term").ifelse(1, 0),
        term=_term(m.date),
    )


def _marks_measures(source: Source, level: str, years: list[int]) -> ibis.Table:
    keys = ["year", *_KEYS[level]]
    m = _marks(source, years)
    # Stage 1: one row per student (an organisation's pseudonym) at the level's key.
    per_student = m.group_by(list(dict.fromkeys([*keys, "organization", "student"]))).aggregate(
        n=m.count(),
        sum_share=m.share.sum(),
        sum_good=m.good.sum(),
        sum_pass=m.passing.sum(),
        has_term=m.is_term.max(),
        has_failing=m.failing_term.max(),
    )
    s = per_student
    s = s.mutate(student_composite=(s.sum_share + s.sum_good + s.sum_pass) / (3.0 * s.n.cast("float64")))
    # Stage 2: the level's key.
    return s.group_by(keys).aggregate(
        students=s.count(),
        marks=s.n.sum(),
        mean_mark=s.sum_share.sum() / s.n.sum().cast("float64"),
        knowledge_quality=s.sum_good.sum() / s.n.sum().cast("float64"),
        success_rate=s.sum_pass.sum() / s.n.sum().cast("float64"),
        term_students=s.has_term.sum(),
        failing_students=s.has_failing.sum(),
        composite=s.student_composite.mean(),
        composite_sd=s.student_composite.std(how="sample"),
    )


def _attendance_measures(source: Source, level: str, years: list[int]) -> ibis.Table | None:
    if level == "subject":
        return None
    a = source.attendance
    a = a.filter(a.year.isin(years)).mutate(term=_term(a.date))
    keys = ["year", *_KEYS[level]]
    agg = a.group_by(keys).aggregate(
        lessons=a.lessons.cast("int64").sum(),
        absent=(a.absent_excused + a.absent_unexcused).cast("int64").sum(),
        unexcused=a.absent_unexcused.cast("int64").sum(),
    )
    return agg.mutate(
        attendance_rate=1.0 - agg.absent.cast("float64") / agg.lessons.cast("float64"),
        unexcused_rate=agg.unexcused.cast("float64") / agg.lessons.cast("float64"),
    ).drop("absent", "unexcused")


def measures(source: Source, year: int, level: str) -> ibis.Table:
    """The Ibis expression of ``level``'s measures for ``year`` (with the change from ``year - 1``)."""
    if level not in _KEYS:
        raise ValueError(f"unknown level {level!r}: use one of {', '.join(LEVELS)}")
    keys = list(_KEYS[level])
    both = _marks_measures(source, level, [year - 1, year])
    attendance = _attendance_measures(source, level, [year])
    current = both.filter(both.year == year)
    previous = both.filter(both.year == year - 1).select(
        *keys,
        prev_mean_mark=both.mean_mark,
        prev_knowledge_quality=both.knowledge_quality,
        prev_composite=both.composite,
    )
    joined = current.left_join(previous, keys).select(
        current,
        change_mean_mark=current.mean_mark - previous.prev_mean_mark,
        change_knowledge_quality=current.knowledge_quality - previous.prev_knowledge_quality,
        change_composite=current.composite - previous.prev_composite,
    )
    if attendance is not None:
        att = attendance.filter(attendance.year == year).drop("year")
        joined = joined.left_join(att, keys).select(
            joined, att.lessons, att.attendance_rate, att.unexcused_rate
        )
    else:
        joined = joined.mutate(
            lessons=ibis.literal(None, "int64"),
            attendance_rate=ibis.literal(None, "float64"),
            unexcused_rate=ibis.literal(None, "float64"),
        )
    key_column = joined[level].cast("string") if level in ("subject", "group", "term") else None
    return joined.select(
        organization=joined.organization if "organization" in keys else ibis.literal(None, "string"),
        region=joined.region,
        key=key_column if key_column is not None else ibis.literal("", "string"),
        students=joined.students.cast("int64"),
        marks=joined.marks.cast("int64"),
        mean_mark=joined.mean_mark,
        knowledge_quality=joined.knowledge_quality,
        success_rate=joined.success_rate,
        lessons=joined.lessons.cast("int64"),
        attendance_rate=joined.attendance_rate,
        unexcused_rate=joined.unexcused_rate,
        term_students=joined.term_students.cast("int64"),
        failing_students=joined.failing_students.cast("int64"),
        composite=joined.composite,
        composite_sd=joined.composite_sd,
        change_mean_mark=joined.change_mean_mark,
        change_knowledge_quality=joined.change_knowledge_quality,
        change_composite=joined.change_composite,
    )


def compute(source: Source, year: int, levels: tuple[str, ...] = LEVELS) -> dict[str, pd.DataFrame]:
    """Execute each level's measures on the source's backend; one pandas DataFrame per level, sorted by key."""
    out = {}
    for level in levels:
        frame = measures(source, year, level).to_pandas()
        out[level] = frame.sort_values(["region", "organization", "key"], na_position="first").reset_index(drop=True)
    return out

"""Learning measures and monitoring entries turned into what the pages show (no database access).

Rates are stored as shares (0-1) and shown as percentages; changes as percentage points. Counts travel with
every rate, and a rate over fewer than ``SMALL_COUNT`` students is marked as small.
"""

from __future__ import annotations

import math

from django.utils.translation import gettext as _

from smarttvet.gradebook.subjects import subject_name

SMALL_COUNT = 30  # students: below this a rate is shown greyed, with a note
BAR_WIDTH = 160  # SVG user units of the interval bar of a monitoring entry
SPARK_WIDTH, SPARK_HEIGHT = 80, 20  # the trend sparkline
HISTOGRAM_BINS = 20


def percent(value: float | None) -> float | None:
    """A share (0-1) as a percentage; a change of a share as percentage points. None stays None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return 100.0 * float(value)


def is_small(students: int | None) -> bool:
    return students is not None and students < SMALL_COUNT


def measure_row(measure, label: str | None = None) -> dict:
    """One row of a measures table: the label, the counts and the rates in percent."""
    failing_share = (measure.failing_students / measure.term_students) if measure.term_students else None
    return {
        "key": measure.key,
        "label": label if label is not None else measure.key,
        "year": measure.year,
        "students": measure.students,
        "marks": measure.marks,
        "lessons": measure.lessons,
        "small": is_small(measure.students),
        "composite": percent(measure.composite),
        "mean_mark": percent(measure.mean_mark),
        "knowledge_quality": percent(measure.knowledge_quality),
        "success_rate": percent(measure.success_rate),
        "attendance_rate": percent(measure.attendance_rate),
        "unexcused_rate": percent(measure.unexcused_rate),
        "term_students": measure.term_students,
        "failing_students": measure.failing_students,
        "failing_share": percent(failing_share),
        "change_mean_mark": percent(measure.change_mean_mark),
        "change_knowledge_quality": percent(measure.change_knowledge_quality),
        "change_composite": percent(measure.change_composite),
    }


def subject_rows(measures, language: str | None = None) -> list[dict]:
    rows = [measure_row(m, subject_name(m.key, language)) for m in measures]
    rows.sort(key=lambda r: r["label"].lower())
    return rows


def group_rows(measures) -> list[dict]:
    return [measure_row(m) for m in measures]


def term_rows(measures) -> list[dict]:
    return [measure_row(m, _("Term %(n)s") % {"n": m.key}) for m in measures]


def trend_chart(trend) -> dict:
    """The organisation's measures over the years, for the line chart (percentages; gaps are null)."""
    series = [
        ("composite", _("Composite learning measure")), ("knowledge_quality", _("Knowledge quality")),
        ("success_rate", _("Success rate")), ("attendance_rate", _("Attendance rate")),
    ]
    return {
        "years": [str(m.year) for m in trend],
        "series": [{"key": key, "name": str(name), "data": [_rounded(percent(getattr(m, key))) for m in trend]}
                   for key, name in series],
        "students": [m.students for m in trend],
    }


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def histogram(values: list[tuple[int, float | None]], flagged: set[int], bins: int = HISTOGRAM_BINS) -> dict:
    """Organisations' composites (raw, in percent) counted in ``bins`` equal bins, flagged ones apart.

    ``values`` is ``[(organization id, composite share)]``; missing composites are left out."""
    points = [(oid, 100.0 * v) for oid, v in values if v is not None and not math.isnan(v)]
    if not points:
        return {"labels": [], "edges": [], "other": [], "flagged": [], "total": 0, "flagged_total": 0}
    low = math.floor(min(v for _, v in points))
    high = math.ceil(max(v for _, v in points))
    if high <= low:
        high = low + 1
    width = (high - low) / bins
    edges = [round(low + i * width, 2) for i in range(bins + 1)]
    other, marked = [0] * bins, [0] * bins
    for oid, value in points:
        index = min(int((value - low) / width), bins - 1)
        (marked if oid in flagged else other)[index] += 1
    labels = [f"{edges[i]:.1f}–{edges[i + 1]:.1f}" for i in range(bins)]
    return {"labels": labels, "edges": edges, "other": other, "flagged": marked, "total": len(points),
            "flagged_total": sum(marked)}


def region_rows(measures) -> list[dict]:
    rows = []
    for m in measures:
        row = measure_row(m, m.region.name if m.region_id else m.key)
        row["region"] = m.region
        rows.append(row)
    return rows


def region_chart(rows: list[dict]) -> dict:
    """Region-level measures for the bar chart of the ministry's overview."""
    return {
        "labels": [row["label"] for row in rows],
        "series": [
            {"key": key, "name": str(name), "data": [_rounded(row[key]) for row in rows]}
            for key, name in (("composite", _("Composite learning measure")),
                              ("knowledge_quality", _("Knowledge quality")),
                              ("success_rate", _("Success rate")))
        ],
    }


# ---------------------------------------------------------------------------------------- monitoring entries
def _weak(items, label_key: str, *, subjects: bool, language: str | None) -> list[dict]:
    out = []
    for item in items or []:
        if isinstance(item, dict):
            key = str(item.get(label_key) or item.get("key") or "")
            students = item.get("students")
            value = item.get("composite") if item.get("composite") is not None else item.get("mean_mark")
        else:
            key, students, value = str(item), None, None
        if not key:
            continue
        out.append({"key": key, "label": subject_name(key, language) if subjects else key, "students": students,
                    "small": is_small(students), "composite": percent(value)})
    return out


def details_view(details: dict | None, language: str | None = None) -> dict:
    """The weakest subjects and classes, the trend and the change kept in ``MonitoringEntry.details``."""
    details = details if isinstance(details, dict) else {}
    trend = []
    raw_trend = details.get("trend") or []
    if isinstance(raw_trend, dict):
        raw_trend = [{"year": year, "composite": value} for year, value in sorted(raw_trend.items())]
    for point in raw_trend:
        if isinstance(point, dict) and point.get("year") is not None:
            trend.append({"year": int(point["year"]), "composite": percent(point.get("composite")),
                          "students": point.get("students")})
    return {
        "weakest_subjects": _weak(details.get("weakest_subjects"), "subject", subjects=True, language=language),
        "weakest_groups": _weak(details.get("weakest_groups"), "group", subjects=False, language=language),
        "trend": trend,
        "change": percent(details.get("change")),
        "weight": details.get("weight"),
        "group_mean": percent(details.get("group_mean")),
        "sparkline": sparkline([t["composite"] for t in trend]),
    }


def sparkline(values: list[float | None]) -> str:
    """SVG polyline points of a small trend line (empty when fewer than two values)."""
    known = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(v for _, v in known), max(v for _, v in known)
    span = (high - low) or 1.0
    step = SPARK_WIDTH / max(len(values) - 1, 1)
    return " ".join(f"{round(i * step, 1)},{round(SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4), 1)}"
                    for i, v in known)


def interval_scale(entries) -> tuple[float, float]:
    """The common range (shares) of the interval bars: every entry's interval and raw measure fit."""
    lows = [min(e.interval_low, e.raw_measure, e.adjusted_measure) for e in entries]
    highs = [max(e.interval_high, e.raw_measure, e.adjusted_measure) for e in entries]
    if not lows:
        return 0.0, 1.0
    low, high = min(lows), max(highs)
    if high <= low:
        high = low + 0.01
    pad = (high - low) * 0.03
    return low - pad, high + pad


def entry_row(entry, *, size: int, scale: tuple[float, float], plan_id: int | None = None,
              language: str | None = None) -> dict:
    """A flagged organisation: its numbers in percent, the SVG geometry of its interval, its details."""
    low, high = scale
    span = high - low

    def x(value: float) -> float:
        return round(min(max((value - low) / span, 0.0), 1.0) * BAR_WIDTH, 2)

    x1, x2 = x(entry.interval_low), x(entry.interval_high)
    return {
        "entry": entry,
        "organization": entry.organization,
        "rank": entry.rank,
        "naive_rank": entry.naive_rank,
        "naive_flagged": entry.naive_rank <= size,
        "students": entry.students,
        "small": is_small(entry.students),
        "raw": percent(entry.raw_measure),
        "adjusted": percent(entry.adjusted_measure),
        "low": percent(entry.interval_low),
        "high": percent(entry.interval_high),
        "bar": {"x": x1, "width": round(max(x2 - x1, 2.0), 2), "dot": x(entry.adjusted_measure),
                "raw": x(entry.raw_measure)},
        "details": details_view(entry.details, language),
        "plan_id": plan_id,
    }


def entry_rows(entries, *, size: int, plans: dict[int, int] | None = None, language: str | None = None) -> list[dict]:
    entries = list(entries)
    scale = interval_scale(entries)
    plans = plans or {}
    return [entry_row(e, size=size, scale=scale, plan_id=plans.get(e.pk), language=language) for e in entries]


def kind_label(kind: str) -> str:
    return {"school": _("Schools"), "college": _("Colleges"), "": _("Schools and colleges")}.get(kind, kind)


# ---------------------------------------------------------------------------------------- export
# The columns of ``smarttvet gradebook lowest --format csv``, so that the page's CSV is the command's CSV.
EXPORT_COLUMNS = (
    "organization", "region", "raw_measure", "adjusted_measure", "interval_low", "interval_high", "rank",
    "name", "kind", "students", "naive_rank", "weakest_subjects", "weakest_groups", "change", "trend",
)


def _measure(value) -> str:
    return "" if value is None else f"{value:.4f}"


def _parts(items, label: str) -> str:
    out = []
    for item in items or []:
        if not isinstance(item, dict):
            out.append(str(item))
            continue
        value = item.get("composite") if item.get("composite") is not None else item.get("mean_mark")
        out.append(f"{item.get(label, '')} {_measure(value)} (n={item.get('students')})")
    return "; ".join(out)


def export_rows(entries):
    """The header, then one row per entry (entries with their organisation and its region)."""
    yield list(EXPORT_COLUMNS)
    for entry in entries:
        details = entry.details if isinstance(entry.details, dict) else {}
        organization = entry.organization
        trend = details.get("trend") or []
        yield [
            organization.bin, organization.region.prefix, _measure(entry.raw_measure),
            _measure(entry.adjusted_measure), _measure(entry.interval_low), _measure(entry.interval_high),
            str(entry.rank), organization.name, organization.kind, str(entry.students), str(entry.naive_rank),
            _parts(details.get("weakest_subjects"), "subject"), _parts(details.get("weakest_groups"), "group"),
            "" if details.get("change") is None else f"{details['change']:+.4f}",
            "; ".join(f"{t.get('year')} {_measure(t.get('composite'))}" for t in trend if isinstance(t, dict)),
        ]

"""The gradebook data contract: the columns of marks and attendance, and the rules of the school year.

Pure module (no Django): the importer, the analytics, the demo generator and the documentation all
read it, so the contract is written down once.

* A school year is named by the calendar year in which it ends: 2024-2025 is ``2025``. It runs from
  1 September of the year before to 31 August (summer practice and resits included).
* Terms are the school quarters, taken from the date: 1 = September-October, 2 = November-December,
  3 = January-March, 4 = April-August. Colleges' semesters are terms 1-2 and 3-4.
* Marks are compared on their own scale: ``mark / scale_max`` is the normalised mark (0-1).
  A mark is *passing* at half the scale or more and *good or excellent* at 70 % or more: 3, 4, 5 pass
  and 4, 5 are good on the five-point scale; 5-10 pass and 7-10 are good on the ten-point scale;
  50-100 pass and 70-100 are good on the hundred-point scale of colleges.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pyarrow as pa

PASS_SHARE = 0.5
GOOD_SHARE = 0.7
SCALES = (5, 10, 100)
KINDS = ("current", "term", "year", "summative")
FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True)
class Field:
    name: str
    type: pa.DataType
    description: str
    required: bool = True


MARK_FIELDS: tuple[Field, ...] = (
    Field("organization", pa.string(), "BIN of the school or college (12 digits), known to the registry"),
    Field("student", pa.string(), "Pseudonymous student identifier (never the IIN), at most 64 characters"),
    Field("group", pa.string(), "Class (for example 9A) or college group, at most 20 characters"),
    Field("subject", pa.string(), "Subject code, at most 20 characters (see the subject list in the docs)"),
    Field("date", pa.date32(), "Date of the mark (ISO 8601), inside the school year"),
    Field("mark", pa.int16(), "The mark, an integer from 0 to scale_max"),
    Field("scale_max", pa.int16(), "The scale's maximum: 5, 10 or 100"),
    Field("kind", pa.string(), "current, term, year or summative"),
)
ATTENDANCE_FIELDS: tuple[Field, ...] = (
    Field("organization", pa.string(), "BIN of the school or college (12 digits), known to the registry"),
    Field("student", pa.string(), "Pseudonymous student identifier, as in the marks"),
    Field("group", pa.string(), "Class or group, as in the marks"),
    Field("date", pa.date32(), "Date (ISO 8601), inside the school year"),
    Field("lessons", pa.int16(), "Lessons timetabled for the student that day, 1 to 20"),
    Field("absent_excused", pa.int16(), "Lessons missed with a valid reason, 0 to lessons"),
    Field("absent_unexcused", pa.int16(), "Lessons missed without a valid reason; excused + unexcused <= lessons"),
)
# Partition columns of the store (and accepted in input folders as year=YYYY/region=PP).
PARTITION_FIELDS: tuple[Field, ...] = (
    Field("year", pa.int16(), "School year, named by the calendar year in which it ends (2024-2025 is 2025)"),
    Field("region", pa.string(), "Region: the first two digits of its KATO code (61 is Turkistan)"),
)

DATASETS = {"marks": MARK_FIELDS, "attendance": ATTENDANCE_FIELDS}
# What makes a row unique (a second row with the same key is a duplicate).
KEYS = {
    "marks": ("organization", "student", "group", "subject", "date", "kind"),
    "attendance": ("organization", "student", "date"),
}


def schema(dataset: str, *, partitions: bool = True) -> pa.Schema:
    fields = DATASETS[dataset] + (PARTITION_FIELDS if partitions else ())
    return pa.schema([pa.field(f.name, f.type, nullable=False) for f in fields])


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of school year ``year`` (1 September of year-1 to 31 August of year)."""
    return dt.date(year - 1, 9, 1), dt.date(year, 8, 31)


def school_year(day: dt.date) -> int:
    """The school year a date belongs to."""
    return day.year + 1 if day.month >= 9 else day.year


def term(day: dt.date) -> int:
    return {9: 1, 10: 1, 11: 2, 12: 2, 1: 3, 2: 3, 3: 3}.get(day.month, 4)

"""The kinds of portfolio records and the schema of each: which fields it has, their types and limits.

One ``Record`` table holds every kind (see ``models.Record``). A few values every rule or list needs are
columns (``title``, ``code``, ``start_date``, ``end_date``, ``hours``, ``related_teacher``); the rest of a
kind's fields are kept in ``details`` (JSON), validated here. The same schema validates the web forms, the API
import and the demo data, and draws the forms (``fields_of``).

``clean(kind, data)`` turns raw input (strings from a form, values from JSON) into typed values and returns the
errors by field; nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

COLUMNS = ("title", "code", "start_date", "end_date", "hours")
CATEGORY_ORDER = ("none", "intern", "teacher", "moderator", "expert", "researcher", "master")
CATEGORIES = (
    ("intern", _("Teacher-intern")), ("teacher", _("Teacher")), ("moderator", _("Teacher-moderator")),
    ("expert", _("Teacher-expert")), ("researcher", _("Teacher-researcher")), ("master", _("Teacher-master")),
)
LEVELS = (("organization", _("Organisation")), ("city", _("City or district")), ("region", _("Region")),
          ("national", _("National")), ("international", _("International")))


@dataclass(frozen=True)
class Field:
    name: str
    label: object
    type: str = "text"  # text, int, date, bool, choice, teacher
    required: bool = False
    choices: tuple = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 300

    @property
    def column(self) -> bool:
        return self.name in COLUMNS


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    fields: tuple[Field, ...]
    help: object = ""
    certifiable: bool = False  # a verified record of this kind can be issued as a credential

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


def _title(label, **kw) -> Field:
    return Field("title", label, required=True, **kw)


START = Field("start_date", _("Start date"), "date", required=True)
END = Field("end_date", _("End date"), "date")
HOURS = Field("hours", _("Hours"), "int", required=True, minimum=1, maximum=2000)

KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("education", _("Education"), (
        _title(_("Educational institution")),
        Field("code", _("Level"), "choice", required=True, choices=(
            ("tvet", _("Technical and vocational")), ("bachelor", _("Bachelor")), ("master", _("Master")),
            ("doctorate", _("Doctorate (PhD)")), ("other", _("Other")))),
        Field("specialty", _("Specialty"), required=True),
        START, Field("end_date", _("Graduated on"), "date"),
        Field("diploma_no", _("Diploma number")),
    )),
    Kind("category", _("Qualification category"), (
        Field("code", _("Category"), "choice", required=True, choices=CATEGORIES),
        Field("start_date", _("Awarded on"), "date", required=True),
        Field("end_date", _("Valid until"), "date"),
        _title(_("Order (number and body)")),
    ), help=_("Awarded at attestation; valid for 5 years unless the order says otherwise.")),
    Kind("test", _("Qualification test"), (
        _title(_("Test (name or centre)")),
        Field("start_date", _("Taken on"), "date", required=True),
        Field("score", _("Score, %"), "int", required=True, minimum=0, maximum=100),
        Field("code", _("Category tested for"), "choice", choices=CATEGORIES),
    )),
    Kind("course", _("Professional development course"), (
        _title(_("Course")), Field("provider", _("Provider"), required=True), HOURS, START, END,
        Field("certificate_no", _("Certificate number")),
        Field("new_format", _("New-format professional development programme"), "bool"),
    )),
    Kind("internship", _("Industry internship"), (
        _title(_("Enterprise")), HOURS, START, END, Field("position", _("Position or area")),
    )),
    Kind("certification", _("Certification"), (
        _title(_("Certificate")),
        Field("code", _("Scheme"), "choice", required=True, choices=(
            ("new_format", _("New-format teacher certification")), ("international", _("International")),
            ("worldskills_expert", _("WorldSkills expert")), ("professional", _("Professional (industry)")),
            ("other", _("Other")))),
        Field("issuer", _("Issued by"), required=True),
        Field("start_date", _("Issued on"), "date", required=True), Field("end_date", _("Valid until"), "date"),
        Field("certificate_no", _("Certificate number")),
    ), certifiable=True),
    Kind("publication", _("Publication or methodological work"), (
        _title(_("Title")),
        Field("code", _("Type"), "choice", required=True, choices=(
            ("article", _("Article")), ("textbook", _("Textbook or study guide")),
            ("methodological", _("Methodological work")), ("summary", _("Summary of teaching experience")))),
        Field("outlet", _("Journal, publisher or collection")),
        Field("start_date", _("Published on"), "date", required=True),
    )),
    Kind("open_lesson", _("Open lesson"), (
        _title(_("Topic")), Field("code", _("Level"), "choice", required=True, choices=LEVELS),
        Field("start_date", _("Held on"), "date", required=True), Field("group", _("Group or audience")),
    )),
    Kind("award", _("Award"), (
        _title(_("Award")), Field("code", _("Level"), "choice", required=True, choices=LEVELS),
        Field("start_date", _("Awarded on"), "date", required=True), Field("awarded_by", _("Awarded by")),
    )),
    Kind("student_result", _("Students' competition result"), (
        _title(_("Competition")), Field("code", _("Level"), "choice", required=True, choices=LEVELS),
        Field("start_date", _("Date"), "date", required=True),
        Field("place", _("Place (1-3; 0 for a participant)"), "int", required=True, minimum=0, maximum=100),
        Field("student", _("Student or team (no ID numbers)")),
    )),
    Kind("mobility", _("Academic mobility"), (
        _title(_("Host or partner institution")),
        Field("code", _("Direction"), "choice", required=True, choices=(
            ("out", _("Outbound")), ("in", _("Inbound")))),
        Field("country", _("Country"), required=True, max_length=60), START, Field("end_date", _("End date"), "date",
                                                                                      required=True),
        Field("purpose", _("Purpose")),
    )),
    Kind("mentoring", _("Mentoring"), (
        Field("code", _("Role"), "choice", required=True, choices=(
            ("mentor", _("Mentor")), ("mentee", _("Mentee")))),
        Field("mentoring_type", _("Type"), "choice", required=True, choices=(
            ("new_teacher", _("Young teacher")), ("production", _("Specialist from production entering teaching")),
            ("intergenerational", _("Intergenerational")), ("other", _("Other")))),
        _title(_("The other person")),
        Field("related_teacher", _("The other person's teacher ID on the platform (optional)"), "teacher"),
        START, END,
    )),
    Kind("language", _("Language proficiency"), (
        _title(_("Language name")),
        Field("code", _("Level"), "choice", required=True, choices=(
            ("A1", "A1"), ("A2", "A2"), ("B1", "B1"), ("B2", "B2"), ("C1", "C1"), ("C2", "C2"),
            ("native", _("Native")))),
        Field("start_date", _("Confirmed on"), "date", required=True), Field("certificate", _("Certificate")),
    )),
)}


@dataclass
class Cleaned:
    columns: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _convert(f: Field, value):
    """The typed value or raise ValueError with a readable message."""
    if f.type == "bool":
        if value is None or isinstance(value, bool):
            return bool(value)
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(_("Enter yes or no."))
    if f.type == "date":
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(_("Enter a date as YYYY-MM-DD.")) from None
    if f.type in ("int", "teacher"):
        if isinstance(value, bool):
            raise ValueError(_("Enter a whole number."))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError(_("Enter a whole number.")) from None
        if f.minimum is not None and number < f.minimum:
            raise ValueError(_("Enter at least %(n)s.") % {"n": f.minimum})
        if f.maximum is not None and number > f.maximum:
            raise ValueError(_("Enter at most %(n)s.") % {"n": f.maximum})
        return number
    if f.type == "choice":
        text = str(value).strip()
        if text not in {c for c, _label in f.choices}:
            raise ValueError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(c for c, _l in f.choices)})
        return text
    if not isinstance(value, str | int | float):
        raise ValueError(_("Enter text."))
    text = str(value).strip()
    if len(text) > f.max_length:
        raise ValueError(_("At most %(n)s characters.") % {"n": f.max_length})
    return text


def clean(kind_key: str, data: dict, *, today: dt.date | None = None) -> Cleaned:
    """Typed values of a record of ``kind_key`` from ``data`` (unknown keys are ignored), or errors by field."""
    result = Cleaned()
    kind = KINDS.get(kind_key)
    if kind is None:
        result.errors["kind"] = [str(_("Unknown record type: %(kind)s.") % {"kind": kind_key})]
        return result
    for f in kind.fields:
        raw = data.get(f.name)
        if _blank(raw) and f.type != "bool":
            if f.required:
                result.errors[f.name] = [str(_("This field is required."))]
            value = None
        else:
            try:
                value = _convert(f, raw)
            except ValueError as error:
                result.errors[f.name] = [str(error)]
                continue
        if f.name == "related_teacher":
            result.columns["related_teacher_id"] = value
        elif f.column:
            result.columns[f.name] = value if value is not None else ("" if f.name in ("title", "code") else None)
        elif value is not None and value != "":
            result.details[f.name] = value
    start, end = result.columns.get("start_date"), result.columns.get("end_date")
    if start and end and end < start:
        result.errors["end_date"] = [str(_("The end date is before the start date."))]
    today = today or timezone.localdate()
    if start and start > today + dt.timedelta(days=366):
        result.errors["start_date"] = [str(_("The date is more than a year ahead."))]
    if start and start.year < 1950:
        result.errors["start_date"] = [str(_("The date is before 1950."))]
    if kind_key == "category" and start and not end and "start_date" not in result.errors:
        result.columns["end_date"] = add_years(start, 5)
    return result


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def choice_label(kind_key: str, field_name: str, value) -> str:
    kind = KINDS.get(kind_key)
    f = kind.field(field_name) if kind else None
    if f is None or not f.choices:
        return "" if value is None else str(value)
    return str(dict(f.choices).get(value, value))


def fields_of(kind_key: str) -> tuple[Field, ...]:
    return KINDS[kind_key].fields

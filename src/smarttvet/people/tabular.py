"""File formats of people: teachers, students, graduates' outcomes (documented in docs/data-formats.md).

A person is identified by ``iin`` (hashed on reading, never stored) or by ``person_key`` (the hash
itself, as exports write it). Exactly one of the two is given per row.
"""

from __future__ import annotations

from smarttvet.core import tabular as t
from smarttvet.core.identifiers import PERSON_KEY_PATTERN, person_key, twelve_digit_problem
from smarttvet.people.models import Gender, GraduateOutcome, Student, Teacher
from smarttvet.registry.models import Enterprise, Organization, Qualification, Specialty
from smarttvet.registry.tabular import bin_cell


def iin_cell(raw: str) -> str:
    if not raw:
        return ""
    problem = twelve_digit_problem(raw, "IIN")
    if problem:
        # Never echo a national ID number back into reports or logs.
        raise ValueError("is not a valid IIN (12 digits with a valid check digit)")
    return person_key(raw)


def person_key_cell(raw: str) -> str:
    if not raw:
        return ""
    if not PERSON_KEY_PATTERN.match(raw):
        raise ValueError("must be 64 lowercase hexadecimal characters")
    return raw


def identity(cells) -> str:
    """The person key from exactly one of iin / person_key; empty when neither or both are given."""
    given = [cells[c] for c in ("iin", "person_key") if cells.get(c)]
    return given[0] if len(given) == 1 else ""


IDENTITY_PROBLEM = ("person_key", "give exactly one of iin and person_key")

IDENTITY = (
    t.Column("iin", iin_cell, "IIN, 12 digits: hashed on import, never stored", required=False, pad=12),
    t.Column("person_key", person_key_cell, "Pseudonymous key (as exported), instead of iin", required=False),
)


class PersonSpec(t.TableSpec):
    """Shared by the people files: an identity column pair resolved to ``person_key``."""

    def fields_from_row(self, cells, ids):
        fields = self.person_fields(cells, ids)
        fields["person_key"] = identity(cells)
        return fields

    def check_row(self, fields):
        if not fields["person_key"]:
            return [IDENTITY_PROBLEM]
        return self.extra_checks(fields)

    def extra_checks(self, fields):
        return []

    def person_fields(self, cells, ids):
        raise NotImplementedError


class TeacherSpec(PersonSpec):
    """Teaching staff of an organisation: teachers, masters of industrial training, directors, methodists."""

    kind = "teachers"
    model = Teacher
    key = ("organization_id", "person_key")
    select_related = ("organization",)
    columns = (
        t.Column("organization_bin", bin_cell, "BIN of the employing organisation", pad=12),
        *IDENTITY,
        t.Column("full_name", t.text(200), "Full name"),
        t.Column("gender", t.choice(Gender.values), "f or m"),
        t.Column("birth_year", t.integer(minimum=1940, maximum=2010), "Year of birth"),
        t.Column("position", t.choice(Teacher.Position.values), "teacher, master, director, deputy, methodist"),
        t.Column("subjects", t.text(300, required=False), "Subjects taught, ';'-separated", required=False),
        t.Column("category", t.choice(Teacher.Category.values),
                 "none, intern, teacher, moderator, expert, researcher, master"),
        t.Column("employed_from", t.date(), "First day of employment, YYYY-MM-DD"),
        t.Column("employed_until", t.date(required=False), "Last day, if left", required=False),
        t.Column("from_production", t.boolean, "1 if the teacher came from production", required=False),
    )
    references = (t.Reference("organization_bin", Organization, "bin", "organization_id"),)

    def person_fields(self, cells, ids):
        return {
            "organization_id": ids["organization_id"], "full_name": cells["full_name"],
            "gender": cells["gender"], "birth_year": cells["birth_year"], "position": cells["position"],
            "subjects": cells.get("subjects") or "", "category": cells["category"],
            "employed_from": cells["employed_from"], "employed_until": cells.get("employed_until"),
            "from_production": bool(cells.get("from_production", False)),
        }

    def extra_checks(self, fields):
        if fields["employed_until"] and fields["employed_until"] < fields["employed_from"]:
            return [("employed_until", "employed_until is before employed_from")]
        return []

    def export_row(self, x: Teacher):
        return [
            x.organization.bin, "", x.person_key, x.full_name, x.gender, x.birth_year, x.position, x.subjects,
            x.category, x.employed_from, x.employed_until, x.from_production,
        ]


class StudentSpec(PersonSpec):
    """One enrolment per row: a person admitted to a specialty at an organisation in a year. Students carry
    no names. A target order (`funding` = target) names the ordering enterprise in `sponsor_bin`."""

    kind = "students"
    model = Student
    key = ("organization_id", "person_key", "cohort_year")
    select_related = ("organization", "specialty", "qualification", "sponsor")
    columns = (
        t.Column("organization_bin", bin_cell, "BIN of the organisation", pad=12),
        *IDENTITY,
        t.Column("gender", t.choice(Gender.values), "f or m"),
        t.Column("birth_year", t.integer(minimum=1940, maximum=2015), "Year of birth"),
        t.Column("specialty_code", t.text(8), "8-digit specialty code"),
        t.Column("qualification_code", t.text(11, required=False), "Qualification code", required=False),
        t.Column("cohort_year", t.integer(minimum=1990, maximum=2100), "Year of admission"),
        t.Column("entry", t.choice(Student.Entry.values), "grade9, grade11 or other"),
        t.Column("study_form", t.choice(["full_time", "evening", "dual"]), "full_time, evening or dual"),
        t.Column("language", t.choice(["kk", "ru", "en"]), "Language of study"),
        t.Column("funding", t.choice(Student.Funding.values), "state, target or paid"),
        t.Column("sponsor_bin", t.text(12, required=False), "BIN of the enterprise for a target order",
                 required=False, pad=12),
        t.Column("status", t.choice(Student.Status.values), "studying, graduated, expelled or leave"),
        t.Column("status_year", t.integer(minimum=1990, maximum=2100), "Year the status took effect"),
    )
    references = (
        t.Reference("organization_bin", Organization, "bin", "organization_id"),
        t.Reference("specialty_code", Specialty, "code", "specialty_id"),
        t.Reference("qualification_code", Qualification, "code", "qualification_id", required=False),
        t.Reference("sponsor_bin", Enterprise, "bin", "sponsor_id", required=False),
    )

    def person_fields(self, cells, ids):
        return {
            "organization_id": ids["organization_id"], "gender": cells["gender"],
            "birth_year": cells["birth_year"], "specialty_id": ids["specialty_id"],
            "qualification_id": ids.get("qualification_id"), "cohort_year": cells["cohort_year"],
            "entry": cells["entry"], "study_form": cells["study_form"], "language": cells["language"],
            "funding": cells["funding"], "sponsor_id": ids.get("sponsor_id"), "status": cells["status"],
            "status_year": cells["status_year"],
        }

    def extra_checks(self, fields):
        problems = []
        if fields["funding"] == "target" and not fields["sponsor_id"]:
            problems.append(("sponsor_bin", "a target order needs the ordering enterprise's sponsor_bin"))
        if fields["status_year"] < fields["cohort_year"]:
            problems.append(("status_year", "status_year is before cohort_year"))
        return problems

    def export_row(self, x: Student):
        return [
            x.organization.bin, "", x.person_key, x.gender, x.birth_year, x.specialty.code,
            x.qualification.code if x.qualification else "", x.cohort_year, x.entry, x.study_form, x.language,
            x.funding, x.sponsor.bin if x.sponsor else "", x.status, x.status_year,
        ]


class GraduateSpec(t.TableSpec):
    """Where graduates were 6 and 12 months after graduating. The graduate is found by organisation, identity
    and `graduation_year` among the students with status graduated; `in_field` only for the employed."""

    kind = "graduates"
    model = GraduateOutcome
    key = ("student_id", "months_after")
    select_related = ("student", "student__organization", "employer")
    columns = (
        t.Column("organization_bin", bin_cell, "BIN of the organisation", pad=12),
        *IDENTITY,
        t.Column("graduation_year", t.integer(minimum=1990, maximum=2100), "Year of graduation"),
        t.Column("months_after", t.choice(["6", "12"]), "6 or 12"),
        t.Column("observed_on", t.date(), "Date of the observation, YYYY-MM-DD"),
        t.Column("status", t.choice(GraduateOutcome.Status.values),
                 "employed, continuing, military or not_employed"),
        t.Column("in_field", t.boolean, "1 if employed in the field of study", required=False),
        t.Column("employer_bin", t.text(12, required=False), "BIN of the employer", required=False, pad=12),
        t.Column("source", t.choice(GraduateOutcome.Source.values), "pension, survey, college or employer"),
    )
    references = (
        t.Reference("organization_bin", Organization, "bin", "organization_id"),
        t.Reference("employer_bin", Enterprise, "bin", "employer_id", required=False),
    )

    def fields_from_row(self, cells, ids):
        return {
            "_organization_id": ids["organization_id"],
            "_person_key": identity(cells),
            "_graduation_year": cells["graduation_year"],
            "months_after": int(cells["months_after"]), "observed_on": cells["observed_on"],
            "status": cells["status"], "in_field": bool(cells.get("in_field", False)),
            "employer_id": ids.get("employer_id"), "source": cells["source"],
        }

    def export_row(self, x: GraduateOutcome):
        s = x.student
        return [
            s.organization.bin, "", s.person_key, s.status_year, x.months_after, x.observed_on, x.status,
            x.in_field, x.employer.bin if x.employer else "", x.source,
        ]

    def check_row(self, fields):
        problems = [] if fields["_person_key"] else [IDENTITY_PROBLEM]
        if fields["status"] != "employed" and fields["in_field"]:
            problems.append(("in_field", "in_field can be 1 only for an employed graduate"))
        return problems

    def resolve(self, rows: list[dict]) -> list[tuple[str, str] | None]:
        """Replace the graduate's identity with ``student_id``; returns the rows' problems, in order."""
        wanted = {(r["_organization_id"], r["_person_key"], r["_graduation_year"]) for r in rows}
        organizations = sorted({w[0] for w in wanted})
        found: dict[tuple, int] = {}
        for start in range(0, len(organizations), t.IN_CHUNK):
            chunk = organizations[start:start + t.IN_CHUNK]
            for pk, org, key, year in Student.objects.filter(
                organization_id__in=chunk, status=Student.Status.GRADUATED
            ).values_list("pk", "organization_id", "person_key", "status_year"):
                found[(org, key, year)] = pk
        problems = []
        for r in rows:
            student_id = found.get((r.pop("_organization_id"), r.pop("_person_key"), r.pop("_graduation_year")))
            r["student_id"] = student_id
            problems.append(("person_key", "no graduate of this organisation with this identity and year")
                            if student_id is None else None)
        return problems


TEACHERS = TeacherSpec()
STUDENTS = StudentSpec()
GRADUATES = GraduateSpec()

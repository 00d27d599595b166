"""Teachers, students and graduates' outcomes.

People are pseudonymous: a national ID number (IIN) is turned into ``person_key``, a keyed hash,
on import and never stored. Students carry no names at all; teachers carry their name because
their portfolio and the leadership reserve are personal by nature.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.registry.models import Enterprise, Organization, Qualification, Specialty

person_key_validator = RegexValidator(r"^[0-9a-f]{64}$", _("A person key is 64 lowercase hex characters."))


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class Teacher(models.Model):
    class Position(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        MASTER = "master", _("Master of industrial training")
        DIRECTOR = "director", _("Director")
        DEPUTY = "deputy", _("Deputy director")
        METHODIST = "methodist", _("Methodist")

    class Category(models.TextChoices):
        NONE = "none", _("No category")
        INTERN = "intern", _("Teacher-intern")
        TEACHER = "teacher", _("Teacher")
        MODERATOR = "moderator", _("Teacher-moderator")
        EXPERT = "expert", _("Teacher-expert")
        RESEARCHER = "researcher", _("Teacher-researcher")
        MASTER = "master", _("Teacher-master")

    HIGHER_CATEGORIES = (Category.EXPERT, Category.RESEARCHER, Category.MASTER)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="teachers")
    person_key = models.CharField(_("person key"), max_length=64, validators=[person_key_validator])
    full_name = models.CharField(_("full name"), max_length=200)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), validators=[MinValueValidator(1940), MaxValueValidator(2010)]
    )
    position = models.CharField(_("position"), max_length=20, choices=Position.choices, db_index=True)
    subjects = models.CharField(_("subjects"), max_length=300, blank=True)
    category = models.CharField(_("qualification category"), max_length=20, choices=Category.choices)
    employed_from = models.DateField(_("employed from"))
    employed_until = models.DateField(_("employed until"), null=True, blank=True)
    from_production = models.BooleanField(_("came from production"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    scope = ScopePaths(region="organization__region", organization="organization", teacher="pk")

    class Meta:
        ordering = ["organization_id", "full_name"]
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")
        constraints = [
            models.UniqueConstraint(fields=["organization", "person_key"], name="teacher_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.full_name


class Student(models.Model):
    """One enrolment of a person in a specialty at an organisation."""

    class Funding(models.TextChoices):
        STATE = "state", _("State order")
        TARGET = "target", _("Target order by an enterprise")
        PAID = "paid", _("Paid")

    class Status(models.TextChoices):
        STUDYING = "studying", _("Studying")
        GRADUATED = "graduated", _("Graduated")
        EXPELLED = "expelled", _("Expelled")
        LEAVE = "leave", _("Academic leave")

    class Entry(models.TextChoices):
        GRADE9 = "grade9", _("After grade 9")
        GRADE11 = "grade11", _("After grade 11")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="students")
    person_key = models.CharField(_("person key"), max_length=64, validators=[person_key_validator])
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("birth year"))
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="students")
    qualification = models.ForeignKey(
        Qualification, null=True, blank=True, on_delete=models.PROTECT, related_name="students"
    )
    cohort_year = models.PositiveSmallIntegerField(_("admission year"), db_index=True)
    entry = models.CharField(_("admitted after"), max_length=10, choices=Entry.choices)
    study_form = models.CharField(_("study form"), max_length=10, choices=[
        ("full_time", _("Full-time")), ("evening", _("Evening")), ("dual", _("Dual")),
    ])
    language = models.CharField(_("language"), max_length=2)
    funding = models.CharField(_("funding"), max_length=10, choices=Funding.choices)
    sponsor = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="sponsored_students",
        verbose_name=_("ordering enterprise (target order)"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, db_index=True)
    status_year = models.PositiveSmallIntegerField(
        _("year of the status"), help_text=_("Year of graduation, expulsion or leave; the current year if studying.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    scope = ScopePaths(region="organization__region", organization="organization", enterprise="sponsor")

    class Meta:
        ordering = ["organization_id", "cohort_year", "id"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "person_key", "cohort_year"], name="student_unique_enrolment"
            )
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.person_key[:10]}… {self.cohort_year}"


class GraduateOutcome(models.Model):
    """Where a graduate was 6 or 12 months after graduating, and how we know."""

    class Status(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        CONTINUING = "continuing", _("Continuing education")
        MILITARY = "military", _("Military service")
        NOT_EMPLOYED = "not_employed", _("Not employed")

    class Source(models.TextChoices):
        PENSION = "pension", _("Pension contribution records")
        SURVEY = "survey", _("Graduate survey")
        COLLEGE = "college", _("College report")
        EMPLOYER = "employer", _("Employer confirmation")

    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="outcomes")
    months_after = models.PositiveSmallIntegerField(_("months after graduation"), choices=[(6, "6"), (12, "12")])
    observed_on = models.DateField(_("observed on"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices)
    in_field = models.BooleanField(_("in the field of study"), default=False)
    employer = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="graduate_outcomes"
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    scope = ScopePaths(
        region="student__organization__region", organization="student__organization", enterprise="employer"
    )

    class Meta:
        ordering = ["student_id", "months_after"]
        verbose_name = _("graduate outcome")
        verbose_name_plural = _("graduate outcomes")
        constraints = [
            models.UniqueConstraint(fields=["student", "months_after"], name="outcome_unique_per_horizon")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} +{self.months_after}m: {self.status}"

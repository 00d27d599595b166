"""The cadre-reserve selection pipeline, the reserve registry, appointments and vacancy matching.

Programme ("1000 leaders in education") -> cohorts (a year, national or one region) -> stages in order (testing,
training, internship, final assessment, interview by default; each with a maximum score, a pass mark, a weight,
an optional number of seats and the spread that flags a score for review).

An application is screened by the eligibility rules (``leadership/data/eligibility.yaml``); an eligible one
*enters* the first stage: a ``StageResult`` row. Assessors (``Assessor``, affiliated to an organisation) are
assigned by the committee to candidates at a stage (``Assignment``) and each gives one ``Score``; the stage
result is the mean of the assessors' scores (``leadership.scoring``). Passing a stage creates the result row of
the next stage, so "entered stage k" is exactly "has a result at stage k". An appeal can reopen a candidate's
stage. The candidates who pass every stage are ranked by their weighted total and enter the reserve
(``ReserveEntry``, valid for some years); reserve members are appointed (``Appointment``).

Services write (``leadership.services``), in transactions, with an audit row each; the admin is read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import TrilingualName
from smarttvet.people.models import Teacher, person_key_validator

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
# Who reads the pipeline through the generic scoping rule (the committee and assessors through
# ``leadership.access``): the ministry everything, a region its region's candidates, a teacher their own.
CANDIDATE_SCOPE = ScopePaths(region="region", teacher="teacher", write_roles=frozenset({"ministry"}))


class Programme(TrilingualName):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    description = models.TextField(_("description"), blank=True)

    scope = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["code"]
        verbose_name = _("reserve programme")
        verbose_name_plural = _("reserve programmes")


class Cohort(TrilingualName):
    class Status(models.TextChoices):
        OPEN = "open", _("Selection under way")
        CLOSED = "closed", _("Selection finished")

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts",
                                  verbose_name=_("programme"))
    code = models.SlugField(_("code"), max_length=64, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    region = models.ForeignKey("registry.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("region (empty: national)"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    applications_until = models.DateField(_("applications until"), null=True, blank=True)
    reserve_years = models.PositiveSmallIntegerField(_("years in the reserve"), default=3,
                                                     validators=[MinValueValidator(1), MaxValueValidator(10)])
    eligibility = models.JSONField(_("eligibility rules"), default=list, blank=True,
                                   help_text=_("A copy of the rules file's rules when the cohort was made."))

    scope = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    @property
    def is_national(self) -> bool:
        return self.region_id is None


class Stage(TrilingualName):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        OPEN = "open", _("Open for scoring")
        CLOSED = "closed", _("Closed")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(_("code"), max_length=32)
    order = models.PositiveSmallIntegerField(_("order"), validators=[MinValueValidator(1)])
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2,
                                    validators=[MinValueValidator(1)])
    pass_mark = models.DecimalField(_("pass mark"), max_digits=7, decimal_places=2,
                                    validators=[MinValueValidator(0)])
    weight = models.DecimalField(_("weight in the total"), max_digits=5, decimal_places=2, default=1,
                                 validators=[MinValueValidator(0)])
    capacity = models.PositiveIntegerField(
        _("seats"), null=True, blank=True,
        help_text=_("At most this many candidates enter the stage: the best of those above the previous stage's "
                    "pass mark. Empty: everyone who passes."))
    spread_threshold = models.DecimalField(
        _("spread that flags a score"), max_digits=4, decimal_places=3, default=0.2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Share of the maximum score: when the assessors' scores differ by more, the result waits for "
                    "the committee's review."))
    min_assessors = models.PositiveSmallIntegerField(_("assessors per candidate"), default=2,
                                                     validators=[MinValueValidator(1)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)

    scope = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["cohort_id", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "order"], name="leadership_stage_order_unique"),
            models.UniqueConstraint(fields=["cohort", "code"], name="leadership_stage_code_unique"),
            models.CheckConstraint(condition=Q(pass_mark__lte=models.F("max_score")),
                                   name="leadership_stage_pass_mark_within_max"),
        ]


class Application(models.Model):
    """One person's application to a cohort: a teacher or manager on the staff (``teacher``) or an external
    applicant (name and pseudonymous person key only; never a national ID)."""

    class Kind(models.TextChoices):
        TEACHER = "teacher", _("Teacher")
        MANAGER = "manager", _("Manager")
        EXTERNAL = "external", _("External applicant")

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        INELIGIBLE = "ineligible", _("Not eligible")
        IN_SELECTION = "in_selection", _("In selection")
        DROPPED = "dropped", _("Dropped out")
        COMPLETED = "completed", _("Passed every stage")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class OrgKind(models.TextChoices):
        ANY = "any", _("Any")
        COLLEGE = "college", _("College")
        SCHOOL = "school", _("School")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="applications")
    kind = models.CharField(_("applicant"), max_length=10, choices=Kind.choices)
    teacher = models.ForeignKey(Teacher, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="reserve_applications", verbose_name=_("staff record"))
    person_key = models.CharField(_("person key"), max_length=64, validators=[person_key_validator])
    full_name = models.CharField(_("full name"), max_length=200)
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("region"))
    organization = models.ForeignKey("registry.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("current organisation"))
    position = models.CharField(_("current position"), max_length=200, blank=True)
    experience_years = models.PositiveSmallIntegerField(_("teaching experience, years"),
                                                        validators=[MaxValueValidator(60)])
    management_years = models.PositiveSmallIntegerField(_("management experience, years"), default=0,
                                                        validators=[MaxValueValidator(60)])
    category = models.CharField(_("qualification category"), max_length=20, choices=Teacher.Category.choices)
    record_date = models.DateField(_("profile confirmed on"),
                                   help_text=_("When the personnel record or portfolio was last confirmed."))
    field_codes = models.JSONField(_("fields of education"), default=list, blank=True,
                                   help_text=_("4-digit codes of the fields the applicant knows."))
    preferred_kind = models.CharField(_("wants to lead"), max_length=10, choices=OrgKind.choices,
                                      default=OrgKind.ANY)
    willing_to_move = models.BooleanField(_("willing to move to another region"), default=False)
    applied_on = models.DateField(_("applied on"))
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.APPLIED,
                              db_index=True)
    refusals = models.JSONField(_("reasons of ineligibility"), default=list, blank=True)
    total_score = models.FloatField(_("weighted total"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)

    scope = CANDIDATE_SCOPE

    class Meta:
        ordering = ["cohort_id", "full_name", "id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(fields=["cohort", "person_key"], name="leadership_one_application_per_cohort"),
            models.CheckConstraint(condition=Q(kind="external") | Q(teacher__isnull=False),
                                   name="leadership_staff_application_has_teacher"),
        ]
        indexes = [models.Index(fields=["cohort", "status"]), models.Index(fields=["cohort", "region"])]

    def __str__(self) -> str:
        return self.full_name


class Assessor(models.Model):
    """A user who scores candidates, with the organisation they belong to (never scores its candidates)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reserve_assessor")
    full_name = models.CharField(_("full name"), max_length=200)
    organization = models.ForeignKey("registry.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("affiliation"))
    scope = ScopePaths(write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = _("assessor")
        verbose_name_plural = _("assessors")

    def __str__(self) -> str:
        return self.full_name


class StageResult(models.Model):
    """A candidate at a stage: the row exists once the candidate entered the stage."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Being assessed")
        REVIEW = "review", _("Spread flagged for review")
        PASSED = "passed", _("Passed")
        DROPPED = "dropped", _("Dropped")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="results")
    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="results")
    score = models.FloatField(_("stage score"), null=True, blank=True)
    spread = models.FloatField(_("spread between assessors"), null=True, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    review_cleared = models.BooleanField(_("review cleared by the committee"), default=False)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    reopened = models.BooleanField(_("reopened on appeal"), default=False)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    scope = ScopePaths(region="application__region", teacher="application__teacher",
                       write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["stage__order", "application_id"]
        verbose_name = _("stage result")
        verbose_name_plural = _("stage results")
        constraints = [models.UniqueConstraint(fields=["application", "stage"], name="leadership_one_result")]
        indexes = [models.Index(fields=["stage", "outcome"])]

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.stage_id}: {self.outcome}"

    @property
    def is_decided(self) -> bool:
        return self.outcome in (self.Outcome.PASSED, self.Outcome.DROPPED)


class Assignment(models.Model):
    """The committee gives an assessor a candidate to score at one stage."""

    stage = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="assignments")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(Assessor, on_delete=models.PROTECT, related_name="assignments")
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)

    class Meta:
        ordering = ["stage__order", "application_id", "assessor_id"]
        verbose_name = _("assessor assignment")
        verbose_name_plural = _("assessor assignments")
        constraints = [models.UniqueConstraint(fields=["stage", "application", "assessor"],
                                               name="leadership_assignment_unique")]

    def __str__(self) -> str:
        return f"{self.assessor_id} → {self.application_id} @ {self.stage_id}"


class Score(models.Model):
    """One assessor's score of one candidate at one stage (changed only while the stage result is open)."""

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="score")
    value = models.DecimalField(_("score"), max_digits=7, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="leadership_score_not_negative")]

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.value}"


class Appeal(models.Model):
    class Decision(models.TextChoices):
        PENDING = "pending", _("Pending")
        UPHELD = "upheld", _("Upheld: the stage is reopened")
        REJECTED = "rejected", _("Rejected")

    result = models.ForeignKey(StageResult, on_delete=models.CASCADE, related_name="appeals")
    grounds = models.TextField(_("grounds"))
    filed_on = models.DateField(_("filed on"))
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING)
    decision_note = models.TextField(_("reasons for the decision"), blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)

    scope = ScopePaths(region="result__application__region", teacher="result__application__teacher",
                       write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["-filed_on", "-id"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.result_id}: {self.decision}"


class ReserveEntry(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("In the reserve")
        APPOINTED = "appointed", _("Appointed")
        EXPIRED = "expired", _("Validity ended")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="reserve_entry")
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    total_score = models.FloatField(_("weighted total"))
    rank = models.PositiveIntegerField(_("rank in the cohort"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE,
                              db_index=True)

    scope = ScopePaths(region="application__region", teacher="application__teacher",
                       write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["application__cohort_id", "rank"]
        verbose_name = _("reserve entry")
        verbose_name_plural = _("reserve registry")
        constraints = [models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")),
                                              name="leadership_reserve_valid_period")]

    def __str__(self) -> str:
        return f"{self.application} #{self.rank}"


class Appointment(models.Model):
    class Position(models.TextChoices):
        DIRECTOR = "director", _("Director")
        DEPUTY = "deputy", _("Deputy director")

    class Route(models.TextChoices):
        COMPETITION = "competition", _("By competition")
        OUTSIDE = "outside", _("Outside competition")

    entry = models.ForeignKey(ReserveEntry, on_delete=models.PROTECT, related_name="appointments")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("organisation"))
    position = models.CharField(_("position"), max_length=10, choices=Position.choices)
    appointed_on = models.DateField(_("appointed on"))
    route = models.CharField(_("appointed"), max_length=12, choices=Route.choices)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = ScopePaths(region="organization__region", organization="organization",
                       teacher="entry__application__teacher", write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["-appointed_on", "-id"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")

    def __str__(self) -> str:
        return f"{self.get_position_display()}, {self.organization_id}, {self.appointed_on}"

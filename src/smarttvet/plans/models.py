"""Plans of every level: the national roadmap, regional roadmaps, organisations' development plans and the
targeted support plans made from a gradebook monitoring list.

Plan -> strategic goals -> objectives -> indicators and activities. An indicator has a baseline, a target per
year and actuals: entered (``IndicatorActual``, with evidence) or computed from the platform's data by a named
measure (``plans.measures``; computed actuals are read live, never stored). Progress is derived
(``plans.progress``), never stored.

Invariants kept here: a plan's owner matches its level (national: none; regional: a region; organisation and
support plans: an organisation, with the organisation's region copied to ``region`` so that one scope path
serves every level); only a support plan links to a monitoring entry; an indicator's and an activity's
objective belongs to their plan. Services write; the admin is read-only.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import pick

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
OPEN_ACTIVITY = ("planned", "in_progress")


class TrilingualTitle(models.Model):
    """Abstract: a title in up to three languages. Seeded and template text carries all three; text a user
    writes may carry one, and ``title`` falls back to another language (``core.i18n.pick``)."""

    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return pick({"kk": self.title_kk, "ru": self.title_ru, "en": self.title_en})

    def clean(self) -> None:
        super().clean()
        if not (self.title_kk or self.title_ru or self.title_en):
            raise ValidationError({"title_ru": _("A title is needed in at least one language.")})


class Plan(TrilingualTitle):
    class Level(models.TextChoices):
        NATIONAL = "national", _("National roadmap")
        REGIONAL = "regional", _("Regional roadmap")
        ORGANIZATION = "organization", _("Organisation development plan")
        SUPPORT = "support", _("Targeted support plan")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ARCHIVED = "archived", _("Archived")

    ORGANIZATION_LEVELS = (Level.ORGANIZATION, Level.SUPPORT)
    CLOSED = (Status.COMPLETED, Status.ARCHIVED)

    code = models.SlugField(_("code"), max_length=120, unique=True,
                            help_text=_("A stable identifier, for example national-roadmap-2025-2027"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    region = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="plans",
        verbose_name=_("region"),
        help_text=_("The owner of a regional roadmap; for an organisation's plan, the organisation's region"),
    )
    organization = models.ForeignKey(
        "registry.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="plans",
        verbose_name=_("organisation"),
    )
    start_year = models.PositiveSmallIntegerField(_("first year"), validators=YEAR_VALIDATORS)
    end_year = models.PositiveSmallIntegerField(_("last year"), validators=YEAR_VALIDATORS)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    description = models.TextField(_("description"), blank=True)
    approval_body = models.CharField(_("approved by"), max_length=300, blank=True,
                                     help_text=_("For example the pedagogical council or the akimat"))
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    board_agreed = models.BooleanField(_("agreed with the board of trustees"), default=False)
    board_agreed_on = models.DateField(_("agreed with the board on"), null=True, blank=True)
    monitoring_entry = models.OneToOneField(
        "gradebook.MonitoringEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="support_plan",
        verbose_name=_("monitoring list entry"),
        help_text=_("The entry of the monitoring list this support plan was made for"),
    )
    mentors = models.ManyToManyField("registry.Organization", through="PlanMentor", related_name="mentored_plans",
                                     verbose_name=_("mentor organisations"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The national roadmap (and its progress) is public; other plans are not. The ministry sees every plan, a
    # region its own roadmap and its organisations' plans, an organisation its own. Who may change which plan
    # beyond that (a support plan is the region's and the ministry's, an organisation may only move its
    # activities) is in ``plans.access``. Writes never use the public part.
    scope = ScopePaths(region="region", organization="organization", public=Q(level="national"))

    class Meta:
        ordering = ["-start_year", "level", "code"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=models.F("start_year")), name="plan_years_ordered"),
            models.CheckConstraint(
                condition=(Q(level="national", region__isnull=True, organization__isnull=True)
                           | Q(level="regional", region__isnull=False, organization__isnull=True)
                           | Q(level__in=["organization", "support"], region__isnull=False,
                               organization__isnull=False)),
                name="plan_owner_matches_level",
            ),
            models.CheckConstraint(condition=Q(monitoring_entry__isnull=True) | Q(level="support"),
                                   name="plan_monitoring_entry_only_for_support"),
        ]
        indexes = [models.Index(fields=["level", "status"]), models.Index(fields=["organization", "level"])]

    def save(self, *args, **kwargs):
        if self.organization_id and self.level in self.ORGANIZATION_LEVELS:
            self.region_id = self.organization.region_id
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.level == self.Level.NATIONAL:
            if self.region_id or self.organization_id:
                errors["region"] = _("The national roadmap belongs to the ministry: no region or organisation.")
        elif self.level == self.Level.REGIONAL:
            if not self.region_id:
                errors["region"] = _("A regional roadmap needs its region.")
            if self.organization_id:
                errors["organization"] = _("A regional roadmap belongs to a region, not to an organisation.")
        elif self.level in self.ORGANIZATION_LEVELS:
            if not self.organization_id:
                errors["organization"] = _("This plan needs its organisation.")
            elif self.region_id and self.region_id != self.organization.region_id:
                errors["region"] = _("The region must be the organisation's region.")
        if self.monitoring_entry_id and self.level != self.Level.SUPPORT:
            errors["monitoring_entry"] = _("Only a support plan is made from a monitoring list entry.")
        if (self.board_agreed or self.board_agreed_on) and self.level != self.Level.ORGANIZATION:
            errors["board_agreed"] = _("Only an organisation's development plan is agreed with its board.")
        if self.start_year and self.end_year and self.end_year < self.start_year:
            errors["end_year"] = _("The last year cannot be before the first year.")
        if errors:
            raise ValidationError(errors)

    @property
    def owner(self):
        """The region or organisation the plan belongs to (None: the ministry)."""
        return self.organization if self.organization_id else self.region

    @property
    def is_closed(self) -> bool:
        return self.status in self.CLOSED

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class _PlanPart(TrilingualTitle):
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=60, blank=True,
                            help_text=_("Optional; template and seeded parts carry one"))

    class Meta:
        abstract = True


class Goal(_PlanPart):
    """A strategic goal of a plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))

    scope = ScopePaths(region="plan__region", organization="plan__organization", public=Q(plan__level="national"))

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("strategic goal")
        verbose_name_plural = _("strategic goals")


class Objective(_PlanPart):
    """An objective (task) under a strategic goal; indicators and activities hang on it."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("goal"))

    scope = ScopePaths(region="goal__plan__region", organization="goal__plan__organization",
                       public=Q(goal__plan__level="national"))

    class Meta:
        ordering = ["goal", "order", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")


class _InPlan(_PlanPart):
    """Abstract: a part that carries its plan (for scoping and plan-wide reads) and optionally an objective."""

    class Meta:
        abstract = True

    def _check_objective(self) -> None:
        if self.objective_id and self.plan_id and self.objective.goal.plan_id != self.plan_id:
            raise ValidationError({"objective": _("The objective belongs to another plan.")})


class Indicator(_InPlan):
    """A measurable result: baseline, a target per year (``IndicatorTarget``) and actuals.

    ``source`` entered: actuals are typed in with their evidence (``IndicatorActual``); computed: actuals come
    from the named measure (``measure``, a key of ``plans.measures.MEASURES``) for the plan's owner.
    """

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Higher is better")
        DECREASE = "decrease", _("Lower is better")

    class Source(models.TextChoices):
        ENTERED = "entered", _("Entered, with evidence")
        COMPUTED = "computed", _("Computed from the platform's data")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan"))
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="indicators", verbose_name=_("objective"))
    unit_kk = models.CharField(_("unit (Kazakh)"), max_length=60, blank=True)
    unit_ru = models.CharField(_("unit (Russian)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices,
                                 default=Direction.INCREASE)
    decimals = models.PositiveSmallIntegerField(_("decimals shown"), default=0, validators=[MaxValueValidator(6)])
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True,
                                                     validators=YEAR_VALIDATORS)
    baseline_value = models.FloatField(_("baseline value"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.ENTERED)
    measure = models.CharField(_("measure"), max_length=64, blank=True,
                               help_text=_("The named measure that computes the actuals (computed indicators)"))
    evidence = models.TextField(_("evidence"), blank=True)

    scope = ScopePaths(region="plan__region", organization="plan__organization", public=Q(plan__level="national"))

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(condition=Q(source="entered", measure="") | (Q(source="computed") & ~Q(measure="")),
                                   name="indicator_measure_iff_computed"),
        ]

    @property
    def unit(self) -> str:
        return pick({"kk": self.unit_kk, "ru": self.unit_ru, "en": self.unit_en})

    @property
    def is_computed(self) -> bool:
        return self.source == self.Source.COMPUTED

    def clean(self) -> None:
        super().clean()
        self._check_objective()
        if self.source == self.Source.COMPUTED:
            from smarttvet.plans.measures import MEASURES

            if self.measure not in MEASURES:
                raise ValidationError({"measure": _("Unknown measure %(key)s.") % {"key": self.measure or "-"}})
        elif self.measure:
            raise ValidationError({"measure": _("An entered indicator has no measure.")})
        if self.baseline_value is not None and self.baseline_year is None:
            raise ValidationError({"baseline_year": _("A baseline value needs its year.")})


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.FloatField(_("target"))

    scope = ScopePaths(region="indicator__plan__region", organization="indicator__plan__organization",
                       public=Q(indicator__plan__level="national"))

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.value:g}"


class IndicatorActual(models.Model):
    """An entered actual value of an indicator for a year (computed indicators are read from their measure)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals",
                                  verbose_name=_("indicator"))
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    value = models.FloatField(_("actual"))
    evidence = models.TextField(_("evidence"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    scope = ScopePaths(region="indicator__plan__region", organization="indicator__plan__organization",
                       public=Q(indicator__plan__level="national"))

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator actual")
        verbose_name_plural = _("indicator actuals")
        constraints = [models.UniqueConstraint(fields=["indicator", "year"], name="indicator_actual_unique_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.value:g}"


class Activity(_InPlan):
    class Kind(models.TextChoices):
        METHODOLOGICAL = "methodological", _("Methodological help")
        MANAGEMENT = "management", _("Management help")
        TEACHER_TRAINING = "teacher_training", _("Teacher training")
        MENTORING = "mentoring", _("Mentoring")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities", verbose_name=_("plan"))
    objective = models.ForeignKey(Objective, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="activities", verbose_name=_("objective"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    responsible_kk = models.CharField(_("responsible (Kazakh)"), max_length=300, blank=True)
    responsible_ru = models.CharField(_("responsible (Russian)"), max_length=300, blank=True)
    responsible_en = models.CharField(_("responsible (English)"), max_length=300, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    budget = models.DecimalField(_("budget, tenge"), max_digits=16, decimal_places=2, null=True, blank=True,
                                 validators=[MinValueValidator(0)])
    evidence = models.TextField(_("evidence"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # Write roles include the organisation: it reports the status of its own plan's activities.
    scope = ScopePaths(region="plan__region", organization="plan__organization", public=Q(plan__level="national"))

    class Meta:
        ordering = ["plan", "order", "deadline", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["plan", "status", "deadline"])]

    @property
    def responsible(self) -> str:
        return pick({"kk": self.responsible_kk, "ru": self.responsible_ru, "en": self.responsible_en})

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in OPEN_ACTIVITY and self.deadline is not None and self.deadline < today

    def clean(self) -> None:
        super().clean()
        self._check_objective()
        if self.done_on and self.status != self.Status.DONE:
            raise ValidationError({"done_on": _("Only a done activity has a completion date.")})


class PlanMentor(models.Model):
    """A mentor organisation suggested (or chosen) for a plan, with why and how far."""

    class Reason(models.TextChoices):
        HIGHER_LEAGUE = "higher_league", _("In a higher league of the latest published rating")
        TOP_QUARTILE = "top_quartile", _("In the top quartile of the composite learning measure")
        CHOSEN = "chosen", _("Chosen by the region")

    class Basis(models.TextChoices):
        DISTANCE = "distance", _("Nearest by distance")
        SAME_REGION = "same_region", _("Same region (no coordinates)")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="mentor_links", verbose_name=_("plan"))
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("mentor organisation"))
    rank = models.PositiveSmallIntegerField(_("order"), default=1)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    league = models.CharField(_("league"), max_length=64, blank=True)
    measure_value = models.FloatField(_("score or measure"), null=True, blank=True,
                                      help_text=_("The rating score, or the composite learning measure"))
    basis = models.CharField(_("chosen by"), max_length=12, choices=Basis.choices, default=Basis.DISTANCE)
    distance_km = models.FloatField(_("distance, km"), null=True, blank=True)

    scope = ScopePaths(region="plan__region", organization="plan__organization", public=Q(plan__level="national"))

    class Meta:
        ordering = ["plan", "rank", "id"]
        verbose_name = _("plan mentor")
        verbose_name_plural = _("plan mentors")
        constraints = [models.UniqueConstraint(fields=["plan", "organization"], name="plan_mentor_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} ← {self.organization_id}"


class SwotItem(models.Model):
    """One item of an organisation plan's environment analysis (SWOT), optionally linked to the objectives
    that answer it. Text a user writes is in one language; a generated draft fills all three."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("Strength")
        WEAKNESS = "weakness", _("Weakness")
        OPPORTUNITY = "opportunity", _("Opportunity")
        THREAT = "threat", _("Threat")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="swot_items", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    text_kk = models.CharField(_("text (Kazakh)"), max_length=1000, blank=True)
    text_ru = models.CharField(_("text (Russian)"), max_length=1000, blank=True)
    text_en = models.CharField(_("text (English)"), max_length=1000, blank=True)
    objectives = models.ManyToManyField(Objective, blank=True, related_name="swot_items",
                                        verbose_name=_("objectives"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    scope = ScopePaths(region="plan__region", organization="plan__organization", public=Q(plan__level="national"))

    class Meta:
        ordering = ["plan", "kind", "order", "id"]
        verbose_name = _("SWOT item")
        verbose_name_plural = _("SWOT items")
        indexes = [models.Index(fields=["plan", "kind"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        return pick({"kk": self.text_kk, "ru": self.text_ru, "en": self.text_en})

    def clean(self) -> None:
        super().clean()
        if not (self.text_kk or self.text_ru or self.text_en):
            raise ValidationError({"text_ru": _("A text is needed in at least one language.")})

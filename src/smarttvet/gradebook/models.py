"""What the gradebook analytics keep in the database: measures per level, monitoring lists and their entries.

The marks themselves live in the analytic store (Parquet files, or PostgreSQL tables): see ``store``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths

ANALYST_ROLES = frozenset({"ministry", "region"})


class LearningMeasure(models.Model):
    """One row of learning measures: an organisation (or region) in a year, optionally by subject, group or term.

    Every rate comes with the counts it was computed from, so that small numbers are visible as small.
    """

    class Level(models.TextChoices):
        REGION = "region", _("Region")
        ORGANIZATION = "organization", _("Organisation")
        SUBJECT = "subject", _("Subject")
        GROUP = "group", _("Class or group")
        TERM = "term", _("Term")

    year = models.PositiveSmallIntegerField(_("school year"), db_index=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    region = models.ForeignKey("registry.Region", on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(
        "registry.Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="learning_measures"
    )
    key = models.CharField(_("subject, group or term"), max_length=20, blank=True, default="")
    students = models.PositiveIntegerField(_("students"))
    marks = models.PositiveIntegerField(_("marks"))
    mean_mark = models.FloatField(_("normalised mean mark"), null=True)
    knowledge_quality = models.FloatField(_("knowledge quality"), null=True)
    success_rate = models.FloatField(_("success rate"), null=True)
    lessons = models.PositiveBigIntegerField(_("lessons"), default=0)
    attendance_rate = models.FloatField(_("attendance rate"), null=True)
    unexcused_rate = models.FloatField(_("unexcused absence rate"), null=True)
    term_students = models.PositiveIntegerField(_("students with term marks"), default=0)
    failing_students = models.PositiveIntegerField(_("students with a failing term mark"), default=0)
    composite = models.FloatField(_("composite learning measure"), null=True)
    composite_sd = models.FloatField(_("standard deviation of students' composite"), null=True)
    change_mean_mark = models.FloatField(_("change of the mean mark from the previous year"), null=True)
    change_knowledge_quality = models.FloatField(_("change of knowledge quality from the previous year"), null=True)
    change_composite = models.FloatField(_("change of the composite from the previous year"), null=True)

    scope = ScopePaths(region="region", organization="organization", write_roles=frozenset())

    class Meta:
        verbose_name = _("learning measure")
        verbose_name_plural = _("learning measures")
        constraints = [
            models.UniqueConstraint(fields=["year", "level", "region", "organization", "key"], name="measure_unique"),
        ]
        indexes = [models.Index(fields=["organization", "level", "year"]), models.Index(fields=["year", "level"])]

    def __str__(self) -> str:
        return f"{self.year} {self.level} {self.organization_id or self.region_id} {self.key}".strip()


class MonitoringList(models.Model):
    """A year's list of the lowest-performing organisations (national, or of one region), ranked fairly."""

    year = models.PositiveSmallIntegerField(_("school year"))
    region = models.ForeignKey(
        "registry.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty for a national list"),
    )
    kind = models.CharField(_("kind of organisation"), max_length=20, blank=True, default="",
                            help_text=_("school or college; empty for both"))
    size = models.PositiveIntegerField(_("organisations flagged"))
    method = models.CharField(_("method"), max_length=40)
    candidates = models.PositiveIntegerField(_("organisations ranked"))
    naive_differences = models.PositiveIntegerField(
        _("flagged that the naive ranking of raw means would not flag"), default=0
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    scope = ScopePaths(region="region", write_roles=ANALYST_ROLES)

    class Meta:
        ordering = ["-year", "region__kato", "kind"]
        verbose_name = _("monitoring list")
        verbose_name_plural = _("monitoring lists")
        constraints = [
            models.UniqueConstraint(fields=["year", "region", "kind"], name="monitoring_list_unique",
                                    nulls_distinct=False),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.region or '-'} {self.kind or '-'}"


class MonitoringEntry(models.Model):
    """One flagged organisation on a monitoring list, with what the ranking saw."""

    monitoring_list = models.ForeignKey(MonitoringList, on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(_("rank (1 = lowest)"))
    naive_rank = models.PositiveIntegerField(_("rank by the raw measure"))
    students = models.PositiveIntegerField(_("students"))
    raw_measure = models.FloatField(_("raw measure"))
    adjusted_measure = models.FloatField(_("adjusted measure"))
    interval_low = models.FloatField(_("interval, low"))
    interval_high = models.FloatField(_("interval, high"))
    details = models.JSONField(_("weakest subjects and classes, trend"), default=dict)

    scope = ScopePaths(region="organization__region", organization="organization", write_roles=ANALYST_ROLES)

    class Meta:
        ordering = ["monitoring_list", "rank"]
        verbose_name = _("monitoring entry")
        verbose_name_plural = _("monitoring entries")
        constraints = [
            models.UniqueConstraint(fields=["monitoring_list", "organization"], name="monitoring_entry_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.organization}"

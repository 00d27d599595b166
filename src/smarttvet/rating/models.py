"""Rating methodology versions, runs, their input snapshots and results.

Invariants kept here (the services keep the rest):

* a ``MethodologyVersion`` is the exact YAML text of one (code, version); it is never changed - a file
  that changed without a new version is refused by ``services.methodology_version_store``;
* a published ``RatingRun`` and its inputs and results never change and are never deleted: ``save`` and
  ``delete`` of the models, and ``update``/``delete`` of their querysets, refuse them with
  ``PublishedRunError``. Only ``services.rating_run_publish`` turns a draft into a published run.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import TrilingualName


class PublishedRunError(Exception):
    """An attempt to change or delete a published rating run, its inputs or its results."""

    def __init__(self, message: str = "A published rating run cannot be changed or deleted."):
        super().__init__(message)


class MethodologyVersion(TrilingualName):
    """One version of a methodology: the YAML text that computed a run, and its stable hash."""

    code = models.CharField(_("code"), max_length=64)
    version = models.CharField(_("version"), max_length=64, blank=True)
    yaml_text = models.TextField(_("methodology (YAML)"))
    hash = models.CharField(_("hash"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("stored at"), auto_now_add=True)

    scope = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["code", "-created_at", "-id"]
        verbose_name = _("methodology version")
        verbose_name_plural = _("methodology versions")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="methodology_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.version}".strip()

    @cached_property
    def methodology(self):
        """The validated engine methodology (parsed once per process and hash)."""
        from smarttvet.rating.snapshot import parsed_methodology

        return parsed_methodology(self.hash, self.yaml_text)


class RunQuerySet(models.QuerySet):
    def _refuse_published(self, published: Q) -> None:
        if self.filter(published).exists():
            raise PublishedRunError()

    def delete(self):
        self._refuse_published(self.model.PUBLISHED_Q)
        return super().delete()

    def update(self, **kwargs):
        # The one allowed update of a published run is none at all; publishing is a save() of a draft.
        self._refuse_published(self.model.PUBLISHED_Q)
        return super().update(**kwargs)


class RatingRun(models.Model):
    """One computation of a methodology version on one year's indicators; immutable once published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    PUBLISHED_Q = Q(status="published")

    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    methodology = models.ForeignKey(MethodologyVersion, on_delete=models.PROTECT, related_name="runs",
                                    verbose_name=_("methodology version"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    seed = models.BigIntegerField(_("seed"))
    uncertainty_draws = models.PositiveIntegerField(_("Monte Carlo draws"), default=0)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("created by"))
    created_by_label = models.CharField(_("created by"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("published by"))
    summary = models.JSONField(_("summary"), default=dict, blank=True)

    objects = RunQuerySet.as_manager()

    # Published runs are public; drafts are seen by the ministry only.
    scope = ScopePaths(public=PUBLISHED_Q, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rating run")
        verbose_name_plural = _("rating runs")
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.year} #{self.pk} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        if self._stored_status() == self.Status.PUBLISHED:
            raise PublishedRunError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._stored_status() == self.Status.PUBLISHED:
            raise PublishedRunError()
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def _stored_status(self) -> str | None:
        if self.pk is None:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()

    @property
    def league_counts(self) -> dict[str, int]:
        return dict(self.summary.get("league_counts", {}))


class _RunPartQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(run__status="published").exists():
            raise PublishedRunError()
        return super().delete()

    def update(self, **kwargs):
        if self.filter(run__status="published").exists():
            raise PublishedRunError()
        return super().update(**kwargs)


class _RunPart(models.Model):
    """Inputs and results: written once, in bulk, while their run is a draft."""

    objects = _RunPartQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._run_published():
            raise PublishedRunError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._run_published():
            raise PublishedRunError()
        return super().delete(*args, **kwargs)

    def _run_published(self) -> bool:
        return RatingRun.objects.filter(pk=self.run_id, status=RatingRun.Status.PUBLISHED).exists()


class RatingInput(_RunPart):
    """The raw indicator values of one organisation as the run used them (``None`` = missing)."""

    run = models.ForeignKey(RatingRun, on_delete=models.CASCADE, related_name="inputs")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    values = models.JSONField(_("indicator values"), default=dict)

    scope = ScopePaths(public=Q(run__status="published"), write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["run", "organization"]
        verbose_name = _("rating input")
        verbose_name_plural = _("rating inputs")
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="rating_input_unique")]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.organization_id}"


class RatingResult(_RunPart):
    """One organisation's outcome in one run. Not rated (coverage below the minimum): no score, no league."""

    run = models.ForeignKey(RatingRun, on_delete=models.CASCADE, related_name="results")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT,
                                     related_name="rating_results", verbose_name=_("organisation"))
    rated = models.BooleanField(_("rated"), default=False)
    coverage = models.FloatField(_("data coverage"))
    score = models.FloatField(_("score"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    # NULL, not "", for "not rated": a league code is never empty, and NULL sorts and filters apart.
    league = models.CharField(_("league"), max_length=64, null=True, blank=True)  # noqa: DJ001
    groups = models.JSONField(_("group scores"), default=dict)
    normalised = models.JSONField(_("normalised values"), default=dict)
    imputed = models.JSONField(_("imputed values"), default=list)
    contributions = models.JSONField(_("contributions"), default=dict)
    rank_p05 = models.PositiveIntegerField(_("rank, 5th percentile"), null=True, blank=True)
    rank_median = models.PositiveIntegerField(_("rank, median"), null=True, blank=True)
    rank_p95 = models.PositiveIntegerField(_("rank, 95th percentile"), null=True, blank=True)
    league_probabilities = models.JSONField(_("league probabilities"), null=True, blank=True)

    scope = ScopePaths(public=Q(run__status="published"), write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["run", "rank", "organization"]
        verbose_name = _("rating result")
        verbose_name_plural = _("rating results")
        constraints = [models.UniqueConstraint(fields=["run", "organization"], name="rating_result_unique")]
        indexes = [models.Index(fields=["run", "league"]), models.Index(fields=["run", "rank"])]

    def __str__(self) -> str:
        return f"{self.run_id}/{self.organization_id}: {self.league or '-'}"

    @property
    def has_interval(self) -> bool:
        return self.rank_p05 is not None and self.rank_p95 is not None

    def probability_items(self) -> list[tuple[str, float]]:
        return [(code, p) for code, p in (self.league_probabilities or {}).items()
                if p is not None and not math.isnan(p)]

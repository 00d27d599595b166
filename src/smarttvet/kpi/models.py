"""Director KPI sets, yearly scorecards computed from platform data, and KPI-based incentive funding.

* ``KpiSet`` / ``KpiIndicator``: a versioned KPI set, loaded from ``kpi/data/*.yaml`` (the YAML text is kept; the
  same code and version with other content is refused). Public reference data.
* ``Scorecard``: one director's (organisation's) KPI attainment for a year, computed by
  ``services.scorecards_compute`` - never typed in - with every input it used (``inputs``: values, sources, the
  rating run) so that anyone can compute it again. Versions: a signed-off scorecard is locked; a recomputation
  that gives another result makes the next version, which needs its own sign-off.
* ``ScorecardEvent``: the history (computed, recomputed, signed off, returned) with who and when.
* ``IncentiveScenario``: named parameters of the incentive allocation of a year (pool, league pools, threshold,
  cap); the payments are computed from the scorecards when asked (``services.scenario_allocation``).

Scope: the ministry sees and signs off every scorecard, a region's department its organisations', an
organisation reads its own. Scenarios are the ministry's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import TrilingualName, pick


class KpiSet(TrilingualName):
    code = models.SlugField(_("code"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    methodology_code = models.CharField(_("rating methodology"), max_length=64)
    leagues = models.JSONField(_("leagues"), default=list)
    kpi_cap = models.FloatField(_("attainment cap per KPI"), default=1.2)
    min_coverage = models.FloatField(_("minimum weight with data"), default=0.6)
    yaml_text = models.TextField(_("definition (YAML)"))
    hash = models.CharField(_("hash"), max_length=64)
    created_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    scope = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["code", "-created_at", "-id"]
        verbose_name = _("KPI set")
        verbose_name_plural = _("KPI sets")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="kpi_set_code_version_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"


class KpiIndicator(TrilingualName):
    kpi_set = models.ForeignKey(KpiSet, on_delete=models.CASCADE, related_name="indicators",
                                verbose_name=_("KPI set"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(_("code"), max_length=64)
    source = models.CharField(_("source"), max_length=120)
    unit_kk = models.CharField(_("unit (Kazakh)"), max_length=60, blank=True)
    unit_ru = models.CharField(_("unit (Russian)"), max_length=60, blank=True)
    unit_en = models.CharField(_("unit (English)"), max_length=60, blank=True)
    direction = models.CharField(_("direction"), max_length=8)
    threshold = models.FloatField(_("threshold"))
    target = models.FloatField(_("target"))
    weight = models.FloatField(_("weight"))

    scope = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["kpi_set", "order", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [models.UniqueConstraint(fields=["kpi_set", "code"], name="kpi_indicator_code_unique")]

    @property
    def unit(self) -> str:
        return pick({"kk": self.unit_kk, "ru": self.unit_ru, "en": self.unit_en})


class Scorecard(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting sign-off")
        SIGNED_OFF = "signed_off", _("Signed off")
        RETURNED = "returned", _("Returned")

    kpi_set = models.ForeignKey(KpiSet, on_delete=models.PROTECT, related_name="scorecards",
                                verbose_name=_("KPI set"))
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="kpi_scorecards",
                                     verbose_name=_("organisation"))
    director = models.ForeignKey("people.Teacher", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("director"))
    director_name = models.CharField(_("director"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    league = models.CharField(_("league"), max_length=64)
    rating_run = models.ForeignKey("rating.RatingRun", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("rating run"))
    attainment = models.FloatField(_("attainment"), null=True, blank=True)
    coverage = models.FloatField(_("weight with data"))
    inputs = models.JSONField(_("inputs"), default=list)
    inputs_hash = models.CharField(_("inputs hash"), max_length=64)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING,
                              db_index=True)
    computed_at = models.DateTimeField(_("computed at"))
    computed_by = models.CharField(_("computed by"), max_length=200)
    signed_off_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+", verbose_name=_("signed off by"))
    signed_off_label = models.CharField(_("signed off by"), max_length=200, blank=True)
    signed_off_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    scope = ScopePaths(region="organization__region", organization="organization",
                       write_roles=frozenset({"ministry", "region"}))

    class Meta:
        ordering = ["-year", "organization_id", "-version"]
        verbose_name = _("KPI scorecard")
        verbose_name_plural = _("KPI scorecards")
        constraints = [models.UniqueConstraint(fields=["organization", "year", "version"],
                                               name="kpi_scorecard_version_unique")]
        indexes = [models.Index(fields=["year", "status"]), models.Index(fields=["organization", "year"])]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} v{self.version}"

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.SIGNED_OFF

    @property
    def attainment_percent(self) -> float | None:
        return None if self.attainment is None else round(100 * self.attainment, 1)


class ScorecardEvent(models.Model):
    class Action(models.TextChoices):
        COMPUTED = "computed", _("Computed")
        RECOMPUTED = "recomputed", _("Recomputed")
        SIGNED_OFF = "signed_off", _("Signed off")
        RETURNED = "returned", _("Returned for review")

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="events",
                                  verbose_name=_("scorecard"))
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(_("by"), max_length=200)
    role = models.CharField(_("role"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    scope = ScopePaths(region="scorecard__organization__region", organization="scorecard__organization",
                       write_roles=frozenset({"ministry", "region"}))

    class Meta:
        ordering = ["scorecard", "at", "id"]
        verbose_name = _("scorecard event")
        verbose_name_plural = _("scorecard events")

    def __str__(self) -> str:
        return f"{self.scorecard_id}: {self.action}"


class IncentiveScenario(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    name = models.CharField(_("name"), max_length=100)
    pool = models.BigIntegerField(_("pool, tenge"))
    league_pools = models.JSONField(_("pools per league, tenge"), default=dict, blank=True)
    threshold = models.FloatField(_("attainment threshold"))
    cap = models.BigIntegerField(_("cap per organisation, tenge"), null=True, blank=True)
    include_unsigned = models.BooleanField(_("include scorecards not signed off"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_by_label = models.CharField(_("created by"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope = ScopePaths(write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("incentive scenario")
        verbose_name_plural = _("incentive scenarios")
        constraints = [models.UniqueConstraint(fields=["year", "name"], name="incentive_scenario_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.name}"

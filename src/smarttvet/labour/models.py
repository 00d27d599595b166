"""The labour market: occupations, their link to specialties, vacancies, employers' declared needs, growth
sectors, and state-order allocations computed from them.

Supply (enrolment, graduates) and graduates' employment are read from the people app; agreements, clusters
and infrastructure live in the partnership app.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import TrilingualName

REFERENCE = ScopePaths(public=True, write_roles=frozenset({"ministry"}))
PLANNERS = frozenset({"ministry", "region"})


class Occupation(TrilingualName):
    """A unit group of the national classifier of occupations (NKZ, built on ISCO-08): 4 digits."""

    code = models.CharField(_("code"), max_length=4, unique=True, validators=[RegexValidator(r"^\d{4}$")])
    illustrative = models.BooleanField(_("illustrative entry"), default=False)

    scope = REFERENCE

    class Meta:
        ordering = ["code"]
        verbose_name = _("occupation")
        verbose_name_plural = _("occupations")

    @property
    def major_group(self) -> str:
        return self.code[0]


class SpecialtyOccupation(models.Model):
    """Which occupations a specialty's graduates go into, and what share of the occupation's demand it serves."""

    specialty = models.ForeignKey("registry.Specialty", on_delete=models.CASCADE, related_name="occupation_links")
    occupation = models.ForeignKey(Occupation, on_delete=models.CASCADE, related_name="specialty_links")
    share = models.FloatField(
        _("share of the occupation's demand"), default=1.0, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("When several specialties lead to one occupation, the part of its vacancies this one fills."),
    )

    scope = REFERENCE

    class Meta:
        ordering = ["specialty__code", "occupation__code"]
        verbose_name = _("specialty and occupation")
        verbose_name_plural = _("specialties and occupations")
        constraints = [models.UniqueConstraint(fields=["specialty", "occupation"], name="specialty_occupation_unique")]

    def __str__(self) -> str:
        return f"{self.specialty_id} → {self.occupation_id} ({self.share:g})"


class Vacancy(models.Model):
    """Vacancies posted in one month, region and occupation (an aggregate of the labour portal's export)."""

    month = models.DateField(_("month"), help_text=_("The first day of the month"))
    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="vacancies")
    count = models.PositiveIntegerField(_("vacancies"))
    median_wage = models.PositiveIntegerField(_("median offered wage, tenge"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=40, default="enbek.kz")

    scope = ScopePaths(region="region", public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["month", "region", "occupation"]
        verbose_name = _("vacancies")
        verbose_name_plural = _("vacancies")
        constraints = [models.UniqueConstraint(fields=["month", "region", "occupation"], name="vacancy_unique")]
        indexes = [models.Index(fields=["region", "month"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id} {self.occupation_id}: {self.count}"


class EmployerNeed(models.Model):
    """People an enterprise declares it will need from a specialty (optionally one qualification) in a year."""

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="needs")
    specialty = models.ForeignKey("registry.Specialty", on_delete=models.PROTECT, related_name="+")
    qualification = models.ForeignKey("registry.Qualification", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    people = models.PositiveIntegerField(_("people needed"), validators=[MinValueValidator(1)])
    declared_on = models.DateField(_("declared on"))
    comment = models.CharField(_("comment"), max_length=300, blank=True)

    scope = ScopePaths(region="enterprise__region", enterprise="enterprise",
                       write_roles=frozenset({"ministry", "region", "employer"}))

    class Meta:
        ordering = ["year", "enterprise", "specialty"]
        verbose_name = _("employer's declared need")
        verbose_name_plural = _("employers' declared needs")
        constraints = [models.UniqueConstraint(fields=["enterprise", "specialty", "qualification", "year"],
                                               name="employer_need_unique", nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.specialty_id} {self.year}: {self.people}"


class GrowthSector(models.Model):
    """A sector the region's development programme names as a growth sector."""

    region = models.ForeignKey("registry.Region", on_delete=models.CASCADE, related_name="+")
    sector = models.ForeignKey("registry.EconomicSector", on_delete=models.PROTECT, related_name="+")
    since_year = models.PositiveSmallIntegerField(_("since"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = ScopePaths(region="region", public=True, write_roles=PLANNERS)

    class Meta:
        ordering = ["region", "sector"]
        verbose_name = _("growth sector")
        verbose_name_plural = _("growth sectors")
        constraints = [models.UniqueConstraint(fields=["region", "sector"], name="growth_sector_unique")]

    def __str__(self) -> str:
        return f"{self.region_id} {self.sector_id}"


class Allocation(models.Model):
    """A computed allocation of a region's state-order places for an admission year (a scenario until adopted)."""

    class Status(models.TextChoices):
        SCENARIO = "scenario", _("Scenario")
        ADOPTED = "adopted", _("Adopted")

    region = models.ForeignKey("registry.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("admission year"))
    places = models.PositiveIntegerField(_("places to allocate"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCENARIO)
    parameters = models.JSONField(_("constraints and weights"), default=dict)
    unmet_demand = models.FloatField(_("weighted unmet demand"), null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    scope = ScopePaths(region="region", write_roles=PLANNERS)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("state-order allocation")
        verbose_name_plural = _("state-order allocations")

    def __str__(self) -> str:
        return f"{self.region_id} {self.year}: {self.places}"


class AllocationLine(models.Model):
    """Places for one offer (organisation × specialty × qualification) in an allocation, beside last year's."""

    allocation = models.ForeignKey(Allocation, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey("registry.Offer", on_delete=models.CASCADE, related_name="+")
    places = models.PositiveIntegerField(_("places"))
    previous_places = models.PositiveIntegerField(_("places last year"), default=0)

    scope = ScopePaths(region="allocation__region", organization="offer__organization", write_roles=PLANNERS)

    class Meta:
        ordering = ["allocation", "offer"]
        verbose_name = _("allocation line")
        verbose_name_plural = _("allocation lines")
        constraints = [models.UniqueConstraint(fields=["allocation", "offer"], name="allocation_line_unique")]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.places}"

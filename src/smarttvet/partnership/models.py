"""Partnership, infrastructure, international links, finance and independent qualification assessment.

These are the source records of the rating indicators that the registry and the people apps do not
hold (see :mod:`smarttvet.rating.indicators`): agreements with employers (partnership, dual training,
target orders, sponsorship), WorldSkills results, international partnerships (joint programmes,
exchanges, accreditation), the organisation's infrastructure (Fab Lab, IT hub, workshops, ...), its
finance by year and the independent assessment of its graduates' qualification.

Every record belongs to one organisation and is public (ratings are published); writes follow the
organisation's scope.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.registry.models import Enterprise, Organization, Specialty

ORGANIZATION_SCOPE = ScopePaths(region="organization__region", organization="organization", public=True)

year_validators = [MinValueValidator(1990), MaxValueValidator(2100)]


class EmployerAgreement(models.Model):
    """An agreement between an organisation and an enterprise, valid from ``signed_on`` to ``expires_on``."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", _("Social partnership")
        DUAL_TRAINING = "dual_training", _("Dual training")
        TARGET_ORDER = "target_order", _("Target order")
        SPONSORSHIP = "sponsorship", _("Sponsorship")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="employer_agreements",
                                     verbose_name=_("organisation"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="agreements",
                                   verbose_name=_("enterprise"))
    kind = models.CharField(_("kind of agreement"), max_length=20, choices=Kind.choices)
    signed_on = models.DateField(_("signed on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True,
                                  help_text=_("Empty for an agreement without an end date."))

    scope = ScopePaths(region="organization__region", organization="organization", enterprise="enterprise",
                       public=True)

    class Meta:
        ordering = ["organization_id", "-signed_on", "id"]
        verbose_name = _("employer agreement")
        verbose_name_plural = _("employer agreements")
        constraints = [
            models.CheckConstraint(condition=Q(expires_on__isnull=True) | Q(expires_on__gte=F("signed_on")),
                                   name="agreement_expires_after_signing"),
        ]
        indexes = [models.Index(fields=["organization", "signed_on"]), models.Index(fields=["organization", "kind"])]

    def __str__(self) -> str:
        until = self.expires_on.isoformat() if self.expires_on else "…"
        return f"{self.get_kind_display()}: {self.enterprise} ({self.signed_on.isoformat()} – {until})"

    def is_active_on(self, day) -> bool:
        return self.signed_on <= day and (self.expires_on is None or self.expires_on >= day)


class WorldSkillsResult(models.Model):
    """One contestant's (or team's) result at a WorldSkills championship."""

    class Level(models.TextChoices):
        REGIONAL = "regional", _("Regional championship")
        NATIONAL = "national", _("National championship")
        INTERNATIONAL = "international", _("International championship")

    class Award(models.TextChoices):
        GOLD = "gold", _("Gold medal")
        SILVER = "silver", _("Silver medal")
        BRONZE = "bronze", _("Bronze medal")
        MEDALLION = "medallion", _("Medallion for excellence")
        PARTICIPANT = "participant", _("Participant")

    MEDALS = (Award.GOLD, Award.SILVER, Award.BRONZE)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="worldskills_results",
                                     verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    competence_code = models.CharField(_("competence code"), max_length=10)
    competence_name = models.CharField(_("competence"), max_length=200)
    level = models.CharField(_("level"), max_length=15, choices=Level.choices)
    award = models.CharField(_("award"), max_length=15, choices=Award.choices)

    scope = ORGANIZATION_SCOPE

    class Meta:
        ordering = ["-year", "organization_id", "competence_code", "id"]
        verbose_name = _("WorldSkills result")
        verbose_name_plural = _("WorldSkills results")
        indexes = [models.Index(fields=["organization", "year"]), models.Index(fields=["year", "level"])]

    def __str__(self) -> str:
        return (f"{self.year} {self.get_level_display()}: {self.competence_code} {self.competence_name} — "
                f"{self.get_award_display()}")


class InternationalPartnership(models.Model):
    """A link with a foreign partner: a joint programme, an exchange, an international accreditation, ..."""

    class Kind(models.TextChoices):
        JOINT_PROGRAMME = "joint_programme", _("Joint educational programme")
        EXCHANGE = "exchange", _("Academic exchange")
        ACCREDITATION = "accreditation", _("International accreditation")
        OTHER = "other", _("Other cooperation")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="international_partnerships", verbose_name=_("organisation"))
    country = models.CharField(_("country"), max_length=2, validators=[RegexValidator(r"^[A-Z]{2}$")],
                               help_text=_("ISO 3166-1 alpha-2 code, for example DE"))
    partner_name = models.CharField(_("partner"), max_length=300)
    kind = models.CharField(_("kind of partnership"), max_length=20, choices=Kind.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True,
                             help_text=_("Empty while the partnership (or accreditation) is in force."))

    scope = ORGANIZATION_SCOPE

    class Meta:
        ordering = ["organization_id", "-since", "id"]
        verbose_name = _("international partnership")
        verbose_name_plural = _("international partnerships")
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="partnership_country_iso"),
            models.CheckConstraint(condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                                   name="partnership_until_after_since"),
        ]
        indexes = [models.Index(fields=["organization", "kind"])]

    def __str__(self) -> str:
        return f"{self.partner_name} ({self.country}): {self.get_kind_display()}"


class Infrastructure(models.Model):
    """A facility of an organisation: a Fab Lab, an IT hub, a workshop, a business-startup centre, ..."""

    class Kind(models.TextChoices):
        FAB_LAB = "fab_lab", _("Fab Lab")
        IT_HUB = "it_hub", _("IT hub")
        WORKSHOP = "workshop", _("Training workshop")
        BUSINESS_STARTUP_CENTRE = "business_startup_centre", _("Business Startup centre")
        MINI_ENTERPRISE = "mini_enterprise", _("Mini-enterprise")
        TECHNOPARK = "technopark", _("Technopark")

    # The innovative kinds the roadmap counts (workshops are ordinary equipment).
    INNOVATIVE = (Kind.FAB_LAB, Kind.IT_HUB, Kind.BUSINESS_STARTUP_CENTRE, Kind.MINI_ENTERPRISE, Kind.TECHNOPARK)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="infrastructure",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind of facility"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300, blank=True)
    opened_year = models.PositiveSmallIntegerField(
        _("year opened"), validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    area_m2 = models.PositiveIntegerField(_("area, m²"), null=True, blank=True)

    scope = ORGANIZATION_SCOPE

    class Meta:
        ordering = ["organization_id", "kind", "opened_year", "id"]
        verbose_name = _("infrastructure facility")
        verbose_name_plural = _("infrastructure facilities")
        indexes = [models.Index(fields=["organization", "kind"]), models.Index(fields=["kind", "opened_year"])]

    def __str__(self) -> str:
        label = self.name or self.get_kind_display()
        return f"{label} ({self.opened_year})"


class FinanceYear(models.Model):
    """An organisation's money in one calendar year, in tenge."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="finance_years",
                                     verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    state_funding_tenge = models.PositiveBigIntegerField(_("state funding, tenge"))
    extra_budgetary_income_tenge = models.PositiveBigIntegerField(
        _("extra-budgetary income, tenge"),
        help_text=_("Paid education, services, production of workshops and mini-enterprises, sponsorship."),
    )
    endowment_assets_tenge = models.PositiveBigIntegerField(_("endowment fund assets, tenge"), default=0)

    scope = ORGANIZATION_SCOPE

    class Meta:
        ordering = ["organization_id", "-year"]
        verbose_name = _("finance year")
        verbose_name_plural = _("finance years")
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="finance_unique_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.total_income_tenge:,} ₸"

    @property
    def total_income_tenge(self) -> int:
        return self.state_funding_tenge + self.extra_budgetary_income_tenge

    @property
    def extra_budgetary_share(self) -> float | None:
        """Extra-budgetary income as a percentage of all income (None when there is no income)."""
        total = self.total_income_tenge
        return 100.0 * self.extra_budgetary_income_tenge / total if total else None


class QualificationAssessment(models.Model):
    """The independent assessment of graduates' qualification: one specialty of one organisation in one year."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE,
                                     related_name="qualification_assessments", verbose_name=_("organisation"))
    year = models.PositiveSmallIntegerField(_("year"), validators=year_validators)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="qualification_assessments",
                                  verbose_name=_("specialty"))
    assessed = models.PositiveIntegerField(_("graduates assessed"))
    passed = models.PositiveIntegerField(_("graduates who passed"))

    scope = ORGANIZATION_SCOPE

    class Meta:
        ordering = ["-year", "organization_id", "specialty__code"]
        verbose_name = _("independent qualification assessment")
        verbose_name_plural = _("independent qualification assessments")
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "specialty"], name="assessment_unique"),
            models.CheckConstraint(condition=Q(passed__lte=F("assessed")), name="assessment_passed_le_assessed"),
        ]
        indexes = [models.Index(fields=["organization", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.specialty.code}: {self.passed}/{self.assessed}"

    @property
    def pass_rate(self) -> float | None:
        return 100.0 * self.passed / self.assessed if self.assessed else None

"""Partnership, infrastructure, international links, finance and independent qualification assessment.

These are the source records of the rating indicators that the registry and the people apps do not
hold (see :mod:`smarttvet.rating.indicators`): agreements with employers (partnership, dual training,
target orders, internship bases, equipment, mentoring, sponsorship), WorldSkills competencies and results,
international partnerships (joint programmes, exchanges, accreditation) and academic mobility, the
organisation's infrastructure (Fab Lab, IT hub, workshops, WorldSkills competence centres, ...), its
finance by year and the independent assessment of its graduates' qualification.

Beside them, the business side of training: dual-training places an enterprise offers an organisation
(and the students placed in them), target orders (an enterprise funds N students of a specialty) and
regional educational-production clusters (anchor enterprises, colleges, schools with profile classes,
specialties), whose pipeline from school to employment :mod:`smarttvet.partnership.selectors` computes.

Published records (agreements, WorldSkills, international links, mobility, infrastructure, finance,
assessments, clusters) are public; dual-training places and target orders are contracts read only within
the organisation's, its region's or the enterprise's scope. Writes follow the organisation's scope.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import TrilingualName
from smarttvet.registry.models import EconomicSector, Enterprise, Organization, Region, Specialty

ORGANIZATION_SCOPE = ScopePaths(region="organization__region", organization="organization", public=True)
# Contracts between an organisation and an enterprise: read by the organisation, its region, the enterprise.
CONTRACT_SCOPE = ScopePaths(region="organization__region", organization="organization", enterprise="enterprise")
iso_country_validator = RegexValidator(r"^[A-Z]{2}$", _("Use the ISO 3166-1 alpha-2 code in capitals, e.g. DE."))

year_validators = [MinValueValidator(1990), MaxValueValidator(2100)]


class EmployerAgreement(models.Model):
    """An agreement between an organisation and an enterprise, valid from ``signed_on`` to ``expires_on``."""

    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", _("Social partnership")
        DUAL_TRAINING = "dual_training", _("Dual training")
        TARGET_ORDER = "target_order", _("Target order")
        INTERNSHIP_BASE = "internship_base", _("Internship base")
        EQUIPMENT = "equipment", _("Equipment supply")
        MENTORING = "mentoring", _("Mentoring")
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


class WorldSkillsCompetency(TrilingualName):
    """A WorldSkills Kazakhstan competency (skill): WorldSkills International's number, or ``KZ..`` for the
    national ones, its names and the economic sector it serves.

    Results keep their competence code and name as text (the rating counts distinct codes, and older
    results name competencies that have since been renamed); ``WorldSkillsResult.competency`` links a result
    to this list where the code is known.
    """

    code = models.CharField(_("code"), max_length=10, unique=True,
                            validators=[RegexValidator(r"^(KZ)?[0-9]{1,3}[A-Z]?$", _("Use a WorldSkills number "
                                                                                      "such as 10 or KZ01."))])
    sector = models.ForeignKey(EconomicSector, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="worldskills_competencies", verbose_name=_("economic sector"))
    since_year = models.PositiveSmallIntegerField(_("held since"), null=True, blank=True,
                                                  validators=year_validators)

    scope = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["code"]
        verbose_name = _("WorldSkills competency")
        verbose_name_plural = _("WorldSkills competencies")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


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
    competency = models.ForeignKey(WorldSkillsCompetency, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="results", verbose_name=_("competency in the list"))
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

    def clean_fields(self, exclude=None) -> None:
        """A linked competency supplies an empty code and name (before they are checked)."""
        if self.competency_id is not None:
            if not self.competence_code:
                self.competence_code = self.competency.code
            if not self.competence_name:
                self.competence_name = self.competency.name_en
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """A linked competency must agree with the result's code."""
        if self.competency_id is None:
            return
        competency = self.competency
        if self.competence_code != competency.code:
            raise ValidationError({"competence_code": _("The code %(code)s is not the linked competency's code "
                                                        "%(linked)s.") % {"code": self.competence_code,
                                                                          "linked": competency.code}})


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
        WORLDSKILLS_CENTRE = "worldskills_centre", _("WorldSkills competence centre")

    # The innovative kinds the roadmap counts (workshops are ordinary equipment; a WorldSkills competence
    # centre is counted by the WorldSkills pages, not by the rating's innovation indicator).
    INNOVATIVE = (Kind.FAB_LAB, Kind.IT_HUB, Kind.BUSINESS_STARTUP_CENTRE, Kind.MINI_ENTERPRISE, Kind.TECHNOPARK)

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="infrastructure",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("kind of facility"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=300, blank=True)
    opened_year = models.PositiveSmallIntegerField(
        _("year opened"), validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    area_m2 = models.PositiveIntegerField(_("area, m²"), null=True, blank=True)
    competency = models.ForeignKey(WorldSkillsCompetency, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="centres", verbose_name=_("WorldSkills competency"),
                                   help_text=_("Only for a WorldSkills competence centre: the competency it trains."))

    scope = ORGANIZATION_SCOPE

    class Meta:
        ordering = ["organization_id", "kind", "opened_year", "id"]
        verbose_name = _("infrastructure facility")
        verbose_name_plural = _("infrastructure facilities")
        indexes = [models.Index(fields=["organization", "kind"]), models.Index(fields=["kind", "opened_year"])]
        constraints = [
            models.CheckConstraint(condition=Q(competency__isnull=True) | Q(kind="worldskills_centre"),
                                   name="infrastructure_competency_only_for_centres"),
        ]

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


# ---------------------------------------------------------------------------------------- academic mobility
class AcademicMobility(models.Model):
    """A group of an organisation's students or teachers going abroad (outbound), or of foreign ones coming to
    it (inbound), for a stay that starts on ``start_date`` and lasts ``duration_days``."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")

    class Participant(models.TextChoices):
        STUDENT = "student", _("Students")
        TEACHER = "teacher", _("Teachers")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="academic_mobility",
                                     verbose_name=_("organisation"))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    participant = models.CharField(_("participants"), max_length=10, choices=Participant.choices)
    country = models.CharField(_("country"), max_length=2, validators=[iso_country_validator],
                               help_text=_("ISO 3166-1 alpha-2 code of the partner's country, for example DE"))
    institution = models.CharField(_("partner institution"), max_length=300)
    partnership = models.ForeignKey(InternationalPartnership, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="mobility", verbose_name=_("international partnership"))
    start_date = models.DateField(_("start date"))
    duration_days = models.PositiveSmallIntegerField(_("duration, days"),
                                                     validators=[MinValueValidator(1), MaxValueValidator(730)])
    people = models.PositiveIntegerField(_("people"), validators=[MinValueValidator(1)])

    scope = ORGANIZATION_SCOPE

    class Meta:
        ordering = ["organization_id", "-start_date", "id"]
        verbose_name = _("academic mobility")
        verbose_name_plural = _("academic mobility")
        constraints = [
            models.CheckConstraint(condition=Q(country__regex=r"^[A-Z]{2}$"), name="mobility_country_iso"),
            models.CheckConstraint(condition=Q(duration_days__gte=1), name="mobility_duration_positive"),
            models.CheckConstraint(condition=Q(people__gte=1), name="mobility_people_positive"),
        ]
        indexes = [models.Index(fields=["organization", "start_date"])]

    def __str__(self) -> str:
        return (f"{self.get_direction_display()} {self.get_participant_display()} × {self.people}: "
                f"{self.institution} ({self.country}), {self.start_date.isoformat()}")

    def clean(self) -> None:
        if self.partnership_id and self.organization_id and self.partnership.organization_id != self.organization_id:
            raise ValidationError({"partnership": _("The partnership belongs to another organisation.")})


# ---------------------------------------------------------------------------------------- dual training
class _UnderAgreement(models.Model):
    """Abstract: a contract made under an agreement takes the agreement's parties where it names none."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None) -> None:
        agreement = self.agreement if self.agreement_id else None
        if agreement is not None:
            if self.organization_id is None:
                self.organization_id = agreement.organization_id
            if self.enterprise_id is None:
                self.enterprise_id = agreement.enterprise_id
        super().clean_fields(exclude=exclude)


def _check_agreement(record, kinds: tuple[str, ...]) -> None:
    """Check that the agreement is between the record's organisation and enterprise, and of a fitting kind."""
    agreement = record.agreement if record.agreement_id else None
    if agreement is None:
        return
    errors = {}
    if agreement.organization_id != record.organization_id or agreement.enterprise_id != record.enterprise_id:
        errors["agreement"] = _("The agreement is between another organisation and enterprise.")
    elif agreement.kind not in kinds:
        errors["agreement"] = _("The agreement is of another kind (%(kind)s).") % {
            "kind": agreement.get_kind_display()}
    if errors:
        raise ValidationError(errors)


class DualTrainingPlace(_UnderAgreement):
    """Places an enterprise offers an organisation's students of one specialty for dual training in one
    academic year (beginning in September of ``year``), and how many students were placed.

    The students placed may also be linked one by one (``students``); the count is what the figures use,
    so that places can be reported before the enrolments are linked.
    """

    agreement = models.ForeignKey(EmployerAgreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="dual_places", verbose_name=_("agreement"))
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="dual_places",
                                     verbose_name=_("organisation"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="dual_places",
                                   verbose_name=_("enterprise"))
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="dual_places",
                                  verbose_name=_("specialty"))
    year = models.PositiveSmallIntegerField(_("academic year"), validators=year_validators,
                                            help_text=_("The year in which the academic year begins."))
    places_offered = models.PositiveIntegerField(_("places offered"), validators=[MinValueValidator(1)])
    students_placed = models.PositiveIntegerField(_("students placed"), default=0)
    students = models.ManyToManyField("people.Student", blank=True, related_name="dual_places",
                                      verbose_name=_("students placed (linked)"))

    scope = CONTRACT_SCOPE

    class Meta:
        ordering = ["-year", "organization_id", "enterprise_id", "specialty_id"]
        verbose_name = _("dual-training places")
        verbose_name_plural = _("dual-training places")
        constraints = [
            models.UniqueConstraint(fields=["organization", "enterprise", "specialty", "year"],
                                    name="dual_place_unique"),
            models.CheckConstraint(condition=Q(students_placed__lte=F("places_offered")),
                                   name="dual_place_placed_le_offered"),
            models.CheckConstraint(condition=Q(places_offered__gte=1), name="dual_place_offered_positive"),
        ]
        indexes = [models.Index(fields=["organization", "year"]), models.Index(fields=["enterprise", "year"])]

    def __str__(self) -> str:
        return f"{self.year}: {self.students_placed}/{self.places_offered}"

    def clean(self) -> None:
        _check_agreement(self, (EmployerAgreement.Kind.DUAL_TRAINING, EmployerAgreement.Kind.PARTNERSHIP))
        if self.students_placed is not None and self.places_offered is not None \
                and self.students_placed > self.places_offered:
            raise ValidationError({"students_placed": _("More students placed than places offered.")})


class TargetOrder(_UnderAgreement):
    """An enterprise's order to fund ``places`` students of a specialty at an organisation, admitted in
    ``admission_year``. The students it funds are the enrolments with funding "target" and this enterprise
    as sponsor (:class:`~smarttvet.people.models.Student`); the selectors compare the two."""

    agreement = models.ForeignKey(EmployerAgreement, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="target_orders", verbose_name=_("agreement"))
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="target_orders",
                                     verbose_name=_("organisation"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="target_orders",
                                   verbose_name=_("enterprise"))
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="target_orders",
                                  verbose_name=_("specialty"))
    admission_year = models.PositiveSmallIntegerField(_("admission year"), validators=year_validators)
    places = models.PositiveIntegerField(_("students funded"), validators=[MinValueValidator(1)])
    cost_per_student_tenge = models.PositiveBigIntegerField(_("cost per student a year, tenge"), null=True,
                                                            blank=True)

    scope = CONTRACT_SCOPE

    class Meta:
        ordering = ["-admission_year", "organization_id", "enterprise_id", "specialty_id"]
        verbose_name = _("target order")
        verbose_name_plural = _("target orders")
        constraints = [
            models.UniqueConstraint(fields=["organization", "enterprise", "specialty", "admission_year"],
                                    name="target_order_unique"),
            models.CheckConstraint(condition=Q(places__gte=1), name="target_order_places_positive"),
        ]
        indexes = [models.Index(fields=["organization", "admission_year"]),
                   models.Index(fields=["enterprise", "admission_year"])]

    def __str__(self) -> str:
        return f"{self.admission_year}: {self.places}"

    def clean(self) -> None:
        _check_agreement(self, (EmployerAgreement.Kind.TARGET_ORDER, EmployerAgreement.Kind.SPONSORSHIP,
                                EmployerAgreement.Kind.PARTNERSHIP))


# ---------------------------------------------------------------------------------------- clusters
CLUSTER_SCOPE = ScopePaths(region="region", public=True, write_roles=frozenset({"ministry", "region"}))


class Cluster(TrilingualName):
    """A regional educational-production cluster: anchor enterprises, colleges and schools with profile classes
    training people for one sector, in a set of specialties.

    Its pipeline (school profile classes → college students of its specialties at its colleges → graduates →
    employed, at its enterprises or elsewhere) is computed by :func:`smarttvet.partnership.selectors.
    cluster_results`; graduates count from ``year_founded`` on.
    """

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="clusters", verbose_name=_("region"))
    sector = models.ForeignKey(EconomicSector, on_delete=models.PROTECT, related_name="clusters",
                               verbose_name=_("sector"))
    year_founded = models.PositiveSmallIntegerField(_("year founded"), validators=year_validators)
    description = models.TextField(_("description"), blank=True)
    anchor_enterprises = models.ManyToManyField(Enterprise, related_name="clusters",
                                                verbose_name=_("anchor enterprises"))
    colleges = models.ManyToManyField(Organization, related_name="clusters", verbose_name=_("colleges"),
                                      limit_choices_to={"kind__in": Organization.TVET_KINDS})
    schools = models.ManyToManyField(Organization, through="ClusterSchool", related_name="profile_clusters",
                                     verbose_name=_("schools with profile classes"))
    specialties = models.ManyToManyField(Specialty, related_name="clusters", verbose_name=_("specialties"))

    scope = CLUSTER_SCOPE

    class Meta:
        ordering = ["region__kato", "name_ru", "id"]
        verbose_name = _("educational-production cluster")
        verbose_name_plural = _("educational-production clusters")


class ClusterSchool(models.Model):
    """A school of a cluster and the profile of its classes."""

    class Profile(models.TextChoices):
        ENGINEERING = "engineering", _("Engineering and technology")
        MINING = "mining", _("Mining and metallurgy")
        OIL_GAS = "oil_gas", _("Oil and gas")
        AGRICULTURE = "agriculture", _("Agriculture")
        IT = "it", _("Information technology")
        SCIENCE = "science", _("Natural sciences and mathematics")
        OTHER = "other", _("Other")

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="cluster_schools",
                                verbose_name=_("cluster"))
    school = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="cluster_memberships",
                               verbose_name=_("school"), limit_choices_to={"kind": Organization.Kind.SCHOOL})
    profile = models.CharField(_("profile of the classes"), max_length=20, choices=Profile.choices)
    note = models.CharField(_("note"), max_length=300, blank=True,
                            help_text=_("For example the partner enterprise's name of the class."))

    scope = ScopePaths(region="cluster__region", organization="school", public=True,
                       write_roles=frozenset({"ministry", "region"}))

    class Meta:
        ordering = ["cluster_id", "school_id"]
        verbose_name = _("school of a cluster")
        verbose_name_plural = _("schools of a cluster")
        constraints = [models.UniqueConstraint(fields=["cluster", "school"], name="cluster_school_unique")]

    def __str__(self) -> str:
        return f"{self.school}: {self.get_profile_display()}"

    def clean(self) -> None:
        if self.school_id and self.school.kind != Organization.Kind.SCHOOL:
            raise ValidationError({"school": _("Only a school can have profile classes.")})


class ProfileClassYear(models.Model):
    """Pupils in a cluster school's profile classes in one school year (beginning in September of ``year``)."""

    cluster_school = models.ForeignKey(ClusterSchool, on_delete=models.CASCADE, related_name="years",
                                       verbose_name=_("school of a cluster"))
    year = models.PositiveSmallIntegerField(_("school year"), validators=year_validators,
                                            help_text=_("The year in which the school year begins."))
    pupils = models.PositiveIntegerField(_("pupils in profile classes"))

    scope = ScopePaths(region="cluster_school__cluster__region", organization="cluster_school__school",
                       public=True, write_roles=frozenset({"ministry", "region", "organization"}))

    class Meta:
        ordering = ["cluster_school_id", "year"]
        verbose_name = _("profile-class pupils")
        verbose_name_plural = _("profile-class pupils")
        constraints = [models.UniqueConstraint(fields=["cluster_school", "year"], name="profile_class_year_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.pupils}"

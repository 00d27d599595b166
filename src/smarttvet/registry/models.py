"""The national registry: regions, organisations, the specialty classifier, enterprises, offers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from smarttvet.accounts.scoping import ScopePaths
from smarttvet.core.i18n import TrilingualName
from smarttvet.core.identifiers import twelve_digit_problem

REFERENCE = ScopePaths(public=True, write_roles=frozenset({"ministry"}))

INSTRUCTION_LANGUAGES = {"kk": _("Kazakh"), "ru": _("Russian"), "en": _("English")}


def validate_bin(value: str) -> None:
    problem = twelve_digit_problem(value, "BIN")
    if problem:
        raise ValidationError(problem)


def validate_languages(value: str) -> None:
    codes = [c for c in value.split(";") if c]
    unknown = [c for c in codes if c not in INSTRUCTION_LANGUAGES]
    if not codes or unknown:
        raise ValidationError(f"languages must be ';'-separated codes from kk, ru, en, got {value!r}")


class Region(TrilingualName):
    """A first-level administrative unit: 17 oblasts and 3 cities of republican significance."""

    class Kind(models.TextChoices):
        OBLAST = "oblast", _("Oblast")
        CITY = "city", _("City of republican significance")

    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[RegexValidator(r"^\d{9}$")])
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=5, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    centre_en = models.CharField(_("administrative centre"), max_length=100)
    population_millions = models.DecimalField(_("population, millions"), max_digits=5, decimal_places=2)

    scope = ScopePaths(region="pk", public=True, write_roles=frozenset({"ministry"}))

    class Meta:
        ordering = ["kato"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    @property
    def prefix(self) -> str:
        return self.kato[:2]


class FieldOfEducation(TrilingualName):
    """ISCED-F 2013 fields: broad (2 digits), narrow (3) and detailed (4)."""

    code = models.CharField(_("code"), max_length=4, unique=True, validators=[RegexValidator(r"^\d{2,4}$")])
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    scope = REFERENCE

    class Meta:
        ordering = ["code"]
        verbose_name = _("field of education")
        verbose_name_plural = _("fields of education")

    @property
    def level(self) -> str:
        return {2: "broad", 3: "narrow", 4: "detailed"}[len(self.code)]


class Specialty(TrilingualName):
    """A TVET specialty: 8-digit code whose first 4 digits are the detailed ISCED-F field."""

    code = models.CharField(_("code"), max_length=8, unique=True, validators=[RegexValidator(r"^\d{8}$")])
    field = models.ForeignKey(FieldOfEducation, on_delete=models.PROTECT, related_name="specialties")
    legacy_code = models.CharField(_("former 7-digit code"), max_length=7, blank=True)
    illustrative = models.BooleanField(
        _("illustrative entry"), default=False, help_text=_("Invented for the demo classifier, not official.")
    )

    scope = REFERENCE

    class Meta:
        ordering = ["code"]
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")


class Qualification(TrilingualName):
    """A qualification within a specialty: level letter + the specialty's first 6 digits + 2 digits."""

    class Level(models.TextChoices):
        WORKER = "W", _("Worker qualification")
        SPECIALIST = "S", _("Mid-level specialist")
        APPLIED_BACHELOR = "AB", _("Applied bachelor")

    code = models.CharField(
        _("code"), max_length=11, unique=True, validators=[RegexValidator(r"^\d(W|S|AB)\d{8}$")]
    )
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="qualifications")
    level = models.CharField(_("level"), max_length=2, choices=Level.choices)
    illustrative = models.BooleanField(_("illustrative entry"), default=False)

    scope = REFERENCE

    class Meta:
        ordering = ["code"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")

    def clean(self) -> None:
        if self.specialty_id and self.code[-8:-2] != self.specialty.code[:6]:
            raise ValidationError({"code": _("The qualification code must repeat the specialty's first 6 digits.")})


class EconomicSector(TrilingualName):
    """A section of the general classifier of economic activities (OKED, NACE-based): A..U."""

    code = models.CharField(_("code"), max_length=1, unique=True)

    scope = REFERENCE

    class Meta:
        ordering = ["code"]
        verbose_name = _("economic sector")
        verbose_name_plural = _("economic sectors")


class Organization(TrilingualName):
    """An educational organisation: college, higher college, school, university or other."""

    class Kind(models.TextChoices):
        COLLEGE = "college", _("College")
        HIGHER_COLLEGE = "higher_college", _("Higher college")
        SCHOOL = "school", _("School")
        UNIVERSITY = "university", _("University")
        OTHER = "other", _("Other")

    class Ownership(models.TextChoices):
        PUBLIC = "public", _("Public")
        PRIVATE = "private", _("Private")

    class Settlement(models.TextChoices):
        URBAN = "urban", _("Urban")
        RURAL = "rural", _("Rural")

    TVET_KINDS = (Kind.COLLEGE, Kind.HIGHER_COLLEGE)

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, db_index=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organizations")
    settlement = models.CharField(_("settlement type"), max_length=10, choices=Settlement.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="branches",
        verbose_name=_("parent organisation (for a branch)"),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(40), MaxValueValidator(56)],
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True,
        validators=[MinValueValidator(46), MaxValueValidator(88)],
    )
    languages = models.CharField(
        _("languages of instruction"), max_length=20, default="kk", validators=[validate_languages],
        help_text=_("Codes separated by ';', for example kk;ru"),
    )
    founded_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1800), MaxValueValidator(2100)]
    )
    capacity = models.PositiveIntegerField(_("design capacity, students"), null=True, blank=True)
    has_board_of_trustees = models.BooleanField(_("board of trustees"), default=False)
    has_supervisory_board = models.BooleanField(_("supervisory board"), default=False)
    has_endowment_fund = models.BooleanField(_("endowment fund"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    scope = ScopePaths(region="region", organization="pk", public=True)

    class Meta:
        ordering = ["region__kato", "name_ru"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [models.Index(fields=["region", "kind"])]

    @property
    def language_list(self) -> list[str]:
        return [c for c in self.languages.split(";") if c]

    @property
    def language_names(self) -> str:
        return ", ".join(str(INSTRUCTION_LANGUAGES.get(c, c)) for c in self.language_list)

    @property
    def is_tvet(self) -> bool:
        return self.kind in self.TVET_KINDS


class Enterprise(models.Model):
    """An employer: a partner, a source of vacancies, dual training and target orders."""

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro")
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    name = models.CharField(_("name"), max_length=300)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="enterprises")
    sector = models.ForeignKey(EconomicSector, on_delete=models.PROTECT, related_name="enterprises")
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope = ScopePaths(
        region="region", enterprise="pk", public=True,
        write_roles=frozenset({"ministry", "region", "employer"}),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")

    def __str__(self) -> str:
        return self.name


class Offer(models.Model):
    """What an organisation teaches: a qualification in a language and a form, with its capacity."""

    class Form(models.TextChoices):
        FULL_TIME = "full_time", _("Full-time")
        EVENING = "evening", _("Evening")
        DUAL = "dual", _("Dual")

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="offers")
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT, related_name="offers")
    qualification = models.ForeignKey(Qualification, on_delete=models.PROTECT, related_name="offers")
    language = models.CharField(_("language"), max_length=2, choices=list(INSTRUCTION_LANGUAGES.items()))
    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    licensed_capacity = models.PositiveIntegerField(_("licensed capacity"))

    scope = ScopePaths(region="organization__region", organization="organization", public=True)

    class Meta:
        ordering = ["specialty__code", "qualification__code", "language", "form"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "qualification", "language", "form"], name="offer_unique_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.qualification_id} {self.language} {self.form}"


class StateOrder(models.Model):
    """State-order places funded for one offer in one admission year."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="state_orders")
    year = models.PositiveSmallIntegerField(_("year"))
    places = models.PositiveIntegerField(_("places"))

    scope = ScopePaths(
        region="offer__organization__region", organization="offer__organization", public=True,
        write_roles=frozenset({"ministry", "region"}),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("state-order places")
        verbose_name_plural = _("state-order places")
        constraints = [models.UniqueConstraint(fields=["offer", "year"], name="state_order_unique_year")]

    def __str__(self) -> str:
        return f"{self.year}: {self.places}"

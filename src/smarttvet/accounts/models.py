"""Users, their scoped roles, and the audit trail."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    REGION = "region", _("Regional education department")
    ORGANIZATION = "organization", _("Organisation administration")
    TEACHER = "teacher", _("Teacher")
    EMPLOYER = "employer", _("Employer")
    # An organisation's methodist or HR officer: verifies its teachers' portfolio records.
    VERIFIER = "verifier", _("Methodist or HR officer (portfolio verification)")
    # The cadre-reserve selection: the committee runs cohorts, assessors score the candidates given to them.
    COMMITTEE = "committee", _("Reserve selection committee")
    ASSESSOR = "assessor", _("Reserve assessor")


# Which scope field each role needs; the ministry's scope is the whole country.
ROLE_SCOPE_FIELD = {
    Role.MINISTRY: None,
    Role.REGION: "region",
    Role.ORGANIZATION: "organization",
    Role.TEACHER: "teacher",
    Role.EMPLOYER: "enterprise",
    Role.VERIFIER: "organization",
    Role.COMMITTEE: None,
    Role.ASSESSOR: None,
}


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user within one scope: the country, a region, an organisation, an enterprise or self."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey("registry.Region", null=True, blank=True, on_delete=models.CASCADE)
    organization = models.ForeignKey("registry.Organization", null=True, blank=True, on_delete=models.CASCADE)
    enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.CASCADE)
    teacher = models.ForeignKey("people.Teacher", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        scope = self.region or self.organization or self.enterprise or self.teacher
        return f"{self.get_role_display()}: {scope}" if scope else str(self.get_role_display())

    def clean(self) -> None:
        needed = ROLE_SCOPE_FIELD[Role(self.role)]
        for field in ("region", "organization", "enterprise", "teacher"):
            has_value = getattr(self, f"{field}_id") is not None
            if field == needed and not has_value:
                raise ValidationError({field: _("This role needs its scope.")})
            if field != needed and has_value:
                raise ValidationError({field: _("This role does not take this scope.")})


class AuditEntry(models.Model):
    """Who did what to which record, and what changed. Written by services in the same transaction."""

    class Action(models.TextChoices):
        CREATE = "create", _("Created")
        UPDATE = "update", _("Updated")
        DELETE = "delete", _("Deleted")
        IMPORT = "import", _("Imported")
        GENERATE = "generate", _("Generated")

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("actor"), max_length=200)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("record"), max_length=64, blank=True)
    target_label = models.CharField(_("record name"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # Scope of the record, so a region or organisation sees its own trail.
    region_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    organization_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        at = timezone.localtime(self.at)
        return f"{at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type} {self.target_id}"

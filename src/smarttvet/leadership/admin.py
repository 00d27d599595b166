"""Read-only admin of the cadre reserve: services write (with their audit rows), the admin only shows."""

from django.contrib import admin

from smarttvet.leadership.models import (
    Appeal,
    Application,
    Appointment,
    Assessor,
    Cohort,
    Programme,
    ReserveEntry,
    Stage,
)
from smarttvet.plans.admin import ReadOnly


@admin.register(Programme)
class ProgrammeAdmin(ReadOnly):
    list_display = ("code", "name_en")


@admin.register(Cohort)
class CohortAdmin(ReadOnly):
    list_display = ("code", "year", "region", "status")


@admin.register(Stage)
class StageAdmin(ReadOnly):
    list_display = ("cohort", "order", "code", "max_score", "pass_mark", "weight", "capacity", "status")


@admin.register(Application)
class ApplicationAdmin(ReadOnly):
    list_display = ("full_name", "cohort", "kind", "region", "status", "rank")
    list_filter = ("cohort", "status", "kind")
    search_fields = ("full_name",)
    exclude = ("person_key",)


@admin.register(Assessor)
class AssessorAdmin(ReadOnly):
    list_display = ("full_name", "organization")


@admin.register(Appeal)
class AppealAdmin(ReadOnly):
    list_display = ("result", "filed_on", "decision")


@admin.register(ReserveEntry)
class ReserveEntryAdmin(ReadOnly):
    list_display = ("application", "rank", "total_score", "valid_from", "valid_until", "status")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnly):
    list_display = ("entry", "organization", "position", "appointed_on", "route")

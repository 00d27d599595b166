"""Read-only admin of the KPI app: services compute and sign off scorecards (with their audit rows); the admin
only shows them."""

from django.contrib import admin

from smarttvet.kpi.models import IncentiveScenario, KpiIndicator, KpiSet, Scorecard, ScorecardEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class IndicatorInline(ReadOnlyInline):
    model = KpiIndicator
    fields = ("order", "code", "source", "direction", "threshold", "target", "weight")


class EventInline(ReadOnlyInline):
    model = ScorecardEvent
    fields = ("at", "action", "actor_label", "role", "comment")
    readonly_fields = ("at",)


@admin.register(KpiSet)
class KpiSetAdmin(ReadOnly):
    list_display = ("code", "version", "methodology_code", "created_at")
    inlines = [IndicatorInline]


@admin.register(Scorecard)
class ScorecardAdmin(ReadOnly):
    list_display = ("organization", "year", "version", "league", "director_name", "attainment", "status")
    list_filter = ("year", "status", "league")
    search_fields = ("organization__name_ru", "organization__bin", "director_name")
    list_select_related = ("organization",)
    inlines = [EventInline]


@admin.register(IncentiveScenario)
class IncentiveScenarioAdmin(ReadOnly):
    list_display = ("year", "name", "pool", "threshold", "cap", "updated_at")

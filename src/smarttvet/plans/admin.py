"""Read-only admin of plans: services write them (with their audit rows), the admin only shows them."""

from django.contrib import admin

from smarttvet.plans.models import (
    Activity,
    Goal,
    Indicator,
    IndicatorActual,
    IndicatorTarget,
    Objective,
    Plan,
    PlanMentor,
    SwotItem,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GoalInline(ReadOnlyInline):
    model = Goal
    fields = ("order", "code", "title_kk", "title_ru", "title_en")


class MentorInline(ReadOnlyInline):
    model = PlanMentor
    fields = ("rank", "organization", "reason", "league", "measure_value", "basis", "distance_km")
    raw_id_fields = ("organization",)


@admin.register(Plan)
class PlanAdmin(ReadOnly):
    list_display = ("code", "level", "title_ru", "region", "organization", "start_year", "end_year", "status")
    list_filter = ("level", "status", "start_year")
    list_select_related = ("region", "organization")
    search_fields = ("code", "title_kk", "title_ru", "title_en", "organization__bin", "organization__name_ru")
    raw_id_fields = ("region", "organization", "monitoring_entry", "created_by")
    inlines = (GoalInline, MentorInline)


@admin.register(Objective)
class ObjectiveAdmin(ReadOnly):
    list_display = ("goal", "order", "code", "title_ru")
    list_select_related = ("goal",)
    raw_id_fields = ("goal",)


class TargetInline(ReadOnlyInline):
    model = IndicatorTarget
    fields = ("year", "value")


class ActualInline(ReadOnlyInline):
    model = IndicatorActual
    fields = ("year", "value", "evidence", "entered_by", "entered_at")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnly):
    list_display = ("plan", "code", "title_ru", "source", "measure", "baseline_year", "baseline_value")
    list_filter = ("source", "measure", "plan__level")
    list_select_related = ("plan",)
    raw_id_fields = ("plan", "objective")
    inlines = (TargetInline, ActualInline)


@admin.register(Activity)
class ActivityAdmin(ReadOnly):
    list_display = ("plan", "title_ru", "kind", "deadline", "status", "done_on")
    list_filter = ("kind", "status", "plan__level")
    list_select_related = ("plan",)
    raw_id_fields = ("plan", "objective")


@admin.register(SwotItem)
class SwotItemAdmin(ReadOnly):
    list_display = ("plan", "kind", "order", "text_ru")
    list_filter = ("kind",)
    list_select_related = ("plan",)
    raw_id_fields = ("plan",)

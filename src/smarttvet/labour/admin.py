from django.contrib import admin

from smarttvet.labour import models


class SpecialtyLinkInline(admin.TabularInline):
    model = models.SpecialtyOccupation
    extra = 0
    raw_id_fields = ("specialty",)


@admin.register(models.Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_en", "illustrative")
    list_filter = ("illustrative",)
    search_fields = ("code", "name_kk", "name_ru", "name_en")
    inlines = [SpecialtyLinkInline]


@admin.register(models.SpecialtyOccupation)
class SpecialtyOccupationAdmin(admin.ModelAdmin):
    list_display = ("specialty", "occupation", "share")
    list_editable = ("share",)
    search_fields = ("specialty__code", "specialty__name_ru", "occupation__code", "occupation__name_ru")
    raw_id_fields = ("specialty", "occupation")
    list_select_related = ("specialty", "occupation")


@admin.register(models.Vacancy)
class VacancyAdmin(admin.ModelAdmin):
    list_display = ("month", "region", "occupation", "count", "median_wage", "source")
    list_filter = ("region", "source")
    search_fields = ("occupation__code", "occupation__name_ru")
    raw_id_fields = ("occupation",)
    list_select_related = ("region", "occupation")
    date_hierarchy = "month"


@admin.register(models.EmployerNeed)
class EmployerNeedAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "specialty", "qualification", "year", "people", "declared_on")
    list_filter = ("year",)
    search_fields = ("enterprise__name", "enterprise__bin", "specialty__code", "specialty__name_ru")
    raw_id_fields = ("enterprise", "specialty", "qualification")
    list_select_related = ("enterprise", "specialty", "qualification")


@admin.register(models.GrowthSector)
class GrowthSectorAdmin(admin.ModelAdmin):
    list_display = ("region", "sector", "since_year", "note")
    list_filter = ("region", "sector")
    list_select_related = ("region", "sector")


class AllocationLineInline(admin.TabularInline):
    model = models.AllocationLine
    extra = 0
    fields = ("offer", "places", "previous_places")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(models.Allocation)
class AllocationAdmin(admin.ModelAdmin):
    """Allocations are computed by the allocation service: shown, never edited here."""

    list_display = ("region", "year", "places", "status", "unmet_demand", "created_at", "created_by")
    list_filter = ("status", "year", "region")
    list_select_related = ("region", "created_by")
    inlines = [AllocationLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

"""Read-only admin of the rating records: runs are created and published by the services only, and a
published run (with its inputs and results) can never be changed or deleted."""

from django.contrib import admin

from smarttvet.rating.models import MethodologyVersion, RatingInput, RatingResult, RatingRun


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MethodologyVersion)
class MethodologyVersionAdmin(ReadOnly):
    list_display = ("code", "version", "name_en", "hash", "created_at")
    search_fields = ("code", "version", "hash")


@admin.register(RatingRun)
class RatingRunAdmin(ReadOnly):
    list_display = ("id", "year", "methodology", "status", "uncertainty_draws", "seed", "created_at", "published_at")
    list_filter = ("status", "year", "methodology__code")
    list_select_related = ("methodology",)


@admin.register(RatingResult)
class RatingResultAdmin(ReadOnly):
    list_display = ("run", "organization", "rank", "score", "league", "coverage")
    list_filter = ("run", "league")
    list_select_related = ("run", "run__methodology", "organization")
    raw_id_fields = ("run", "organization")
    search_fields = ("organization__bin", "organization__name_ru", "organization__name_kk", "organization__name_en")


@admin.register(RatingInput)
class RatingInputAdmin(ReadOnly):
    list_display = ("run", "organization")
    list_select_related = ("run", "run__methodology", "organization")
    raw_id_fields = ("run", "organization")

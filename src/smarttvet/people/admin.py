from django.contrib import admin

from smarttvet.people import models


@admin.register(models.Teacher)
class TeacherAdmin(admin.ModelAdmin):
    list_display = ("full_name", "organization", "position", "category", "employed_from", "employed_until")
    list_filter = ("position", "category", "from_production")
    search_fields = ("full_name",)
    raw_id_fields = ("organization",)
    list_select_related = ("organization",)


@admin.register(models.Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("person_key", "organization", "specialty", "cohort_year", "funding", "status")
    list_filter = ("status", "funding", "study_form", "cohort_year")
    raw_id_fields = ("organization", "specialty", "qualification", "sponsor")
    list_select_related = ("organization", "specialty")
    show_full_result_count = False


@admin.register(models.GraduateOutcome)
class GraduateOutcomeAdmin(admin.ModelAdmin):
    list_display = ("student", "months_after", "status", "in_field", "source")
    list_filter = ("months_after", "status", "source")
    raw_id_fields = ("student", "employer")
    show_full_result_count = False

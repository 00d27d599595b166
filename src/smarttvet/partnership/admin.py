from django.contrib import admin

from smarttvet.partnership import models


@admin.register(models.EmployerAgreement)
class EmployerAgreementAdmin(admin.ModelAdmin):
    list_display = ("organization", "enterprise", "kind", "signed_on", "expires_on")
    list_filter = ("kind",)
    search_fields = ("organization__name_ru", "organization__bin", "enterprise__name", "enterprise__bin")
    raw_id_fields = ("organization", "enterprise")
    list_select_related = ("organization", "enterprise")
    date_hierarchy = "signed_on"


@admin.register(models.WorldSkillsCompetency)
class WorldSkillsCompetencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "name_ru", "name_kk", "sector")
    list_filter = ("sector",)
    search_fields = ("code", "name_kk", "name_ru", "name_en")
    list_select_related = ("sector",)


@admin.register(models.WorldSkillsResult)
class WorldSkillsResultAdmin(admin.ModelAdmin):
    list_display = ("year", "organization", "competence_code", "competence_name", "level", "award")
    list_filter = ("year", "level", "award")
    search_fields = ("organization__name_ru", "organization__bin", "competence_code", "competence_name")
    raw_id_fields = ("organization", "competency")
    list_select_related = ("organization",)


@admin.register(models.InternationalPartnership)
class InternationalPartnershipAdmin(admin.ModelAdmin):
    list_display = ("organization", "partner_name", "country", "kind", "since", "until")
    list_filter = ("kind", "country")
    search_fields = ("organization__name_ru", "organization__bin", "partner_name")
    raw_id_fields = ("organization",)
    list_select_related = ("organization",)


@admin.register(models.Infrastructure)
class InfrastructureAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "name", "opened_year", "area_m2", "competency")
    list_filter = ("kind",)
    search_fields = ("organization__name_ru", "organization__bin", "name")
    raw_id_fields = ("organization", "competency")
    list_select_related = ("organization",)


@admin.register(models.FinanceYear)
class FinanceYearAdmin(admin.ModelAdmin):
    list_display = ("organization", "year", "state_funding_tenge", "extra_budgetary_income_tenge",
                    "endowment_assets_tenge")
    list_filter = ("year",)
    search_fields = ("organization__name_ru", "organization__bin")
    raw_id_fields = ("organization",)
    list_select_related = ("organization",)


@admin.register(models.QualificationAssessment)
class QualificationAssessmentAdmin(admin.ModelAdmin):
    list_display = ("organization", "year", "specialty", "assessed", "passed")
    list_filter = ("year",)
    search_fields = ("organization__name_ru", "organization__bin", "specialty__code")
    raw_id_fields = ("organization", "specialty")
    list_select_related = ("organization", "specialty")


@admin.register(models.AcademicMobility)
class AcademicMobilityAdmin(admin.ModelAdmin):
    list_display = ("organization", "direction", "participant", "country", "institution", "start_date",
                    "duration_days", "people")
    list_filter = ("direction", "participant", "country")
    search_fields = ("organization__name_ru", "organization__bin", "institution")
    raw_id_fields = ("organization", "partnership")
    list_select_related = ("organization",)
    date_hierarchy = "start_date"


@admin.register(models.DualTrainingPlace)
class DualTrainingPlaceAdmin(admin.ModelAdmin):
    list_display = ("year", "organization", "enterprise", "specialty", "places_offered", "students_placed")
    list_filter = ("year",)
    search_fields = ("organization__name_ru", "organization__bin", "enterprise__name", "enterprise__bin",
                     "specialty__code")
    raw_id_fields = ("agreement", "organization", "enterprise", "specialty", "students")
    list_select_related = ("organization", "enterprise", "specialty")


@admin.register(models.TargetOrder)
class TargetOrderAdmin(admin.ModelAdmin):
    list_display = ("admission_year", "organization", "enterprise", "specialty", "places",
                    "cost_per_student_tenge")
    list_filter = ("admission_year",)
    search_fields = ("organization__name_ru", "organization__bin", "enterprise__name", "enterprise__bin",
                     "specialty__code")
    raw_id_fields = ("agreement", "organization", "enterprise", "specialty")
    list_select_related = ("organization", "enterprise", "specialty")


class ClusterSchoolInline(admin.TabularInline):
    model = models.ClusterSchool
    raw_id_fields = ("school",)
    extra = 0


@admin.register(models.Cluster)
class ClusterAdmin(admin.ModelAdmin):
    list_display = ("name_ru", "region", "sector", "year_founded")
    list_filter = ("region", "sector")
    search_fields = ("name_kk", "name_ru", "name_en")
    raw_id_fields = ("anchor_enterprises", "colleges")
    filter_horizontal = ("specialties",)
    list_select_related = ("region", "sector")
    inlines = [ClusterSchoolInline]


@admin.register(models.ProfileClassYear)
class ProfileClassYearAdmin(admin.ModelAdmin):
    list_display = ("cluster_school", "year", "pupils")
    list_filter = ("year",)
    search_fields = ("cluster_school__school__name_ru", "cluster_school__cluster__name_ru")
    raw_id_fields = ("cluster_school",)
    list_select_related = ("cluster_school__school", "cluster_school__cluster")

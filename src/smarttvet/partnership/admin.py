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


@admin.register(models.WorldSkillsResult)
class WorldSkillsResultAdmin(admin.ModelAdmin):
    list_display = ("year", "organization", "competence_code", "competence_name", "level", "award")
    list_filter = ("year", "level", "award")
    search_fields = ("organization__name_ru", "organization__bin", "competence_code", "competence_name")
    raw_id_fields = ("organization",)
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
    list_display = ("organization", "kind", "name", "opened_year", "area_m2")
    list_filter = ("kind",)
    search_fields = ("organization__name_ru", "organization__bin", "name")
    raw_id_fields = ("organization",)
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

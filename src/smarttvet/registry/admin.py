from django.contrib import admin

from smarttvet.registry import models


@admin.register(models.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("kato", "iso_code", "name_kk", "name_ru", "name_en", "kind")


@admin.register(models.FieldOfEducation)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "parent")
    search_fields = ("code", "name_kk", "name_ru", "name_en")


class QualificationInline(admin.TabularInline):
    model = models.Qualification
    extra = 0


@admin.register(models.Specialty)
class SpecialtyAdmin(admin.ModelAdmin):
    list_display = ("code", "name_ru", "name_en", "illustrative")
    search_fields = ("code", "name_kk", "name_ru", "name_en")
    inlines = [QualificationInline]


@admin.register(models.EconomicSector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en")


@admin.register(models.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("bin", "name_ru", "kind", "ownership", "region", "settlement")
    list_filter = ("kind", "ownership", "settlement", "region")
    search_fields = ("bin", "name_kk", "name_ru", "name_en")
    list_select_related = ("region",)
    raw_id_fields = ("parent",)


@admin.register(models.Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ("bin", "name", "region", "sector", "size")
    list_filter = ("size", "sector", "region")
    search_fields = ("bin", "name")
    list_select_related = ("region", "sector")


@admin.register(models.Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("organization", "qualification", "language", "form", "licensed_capacity")
    raw_id_fields = ("organization", "specialty", "qualification")
    list_select_related = ("organization", "qualification")

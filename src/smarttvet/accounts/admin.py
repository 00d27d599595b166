from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from smarttvet.accounts.models import AuditEntry, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("organization", "enterprise", "teacher")


@admin.register(User)
class SmartTvetUserAdmin(UserAdmin):
    inlines = [RoleInline]
    fieldsets = (*UserAdmin.fieldsets, ("SMART TVET", {"fields": ("full_name",)}))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "target_type", "target_id", "target_label")
    list_filter = ("action", "target_type")
    search_fields = ("actor_label", "target_label", "target_id")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

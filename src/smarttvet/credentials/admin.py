from django.contrib import admin

from smarttvet.credentials.models import IssuedCredential


@admin.register(IssuedCredential)
class IssuedCredentialAdmin(admin.ModelAdmin):
    """Read-only: credentials are issued and revoked by the services (with their audit rows), never edited."""

    list_display = ("public_id", "kind", "teacher", "issued_at", "revoked_at")
    list_filter = ("kind",)
    search_fields = ("public_id",)
    raw_id_fields = ("teacher",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

from django.contrib import admin

from smarttvet.portfolio.models import ApiToken, Evidence, Record, Transition


@admin.register(Record)
class RecordAdmin(admin.ModelAdmin):
    list_display = ("teacher", "kind", "title", "status", "version", "start_date", "is_demo")
    list_filter = ("kind", "status", "is_demo")
    search_fields = ("title", "teacher__full_name")
    raw_id_fields = ("teacher", "related_teacher", "verified_by")
    readonly_fields = ("lineage", "version", "status", "verified_at", "verified_by", "submitted_at", "superseded_at")


@admin.register(Transition)
class TransitionAdmin(admin.ModelAdmin):
    list_display = ("record", "from_status", "to_status", "actor_label", "at")
    raw_id_fields = ("record", "actor")


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("record", "name", "content_type", "size", "uploaded_at")
    raw_id_fields = ("record", "uploaded_by")
    exclude = ("file",)  # served through portfolio:evidence with its access check only


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("digest", "hint")
    raw_id_fields = ("user",)

from django.contrib import admin

from cbec_supervision.models import Attachment, AuditEvent, Heartbeat


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only."""

    list_display = ("id", "created_at", "actor_label", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")
    search_fields = ("actor_label", "object_repr", "object_id")
    list_select_related = ("content_type",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "object_id", "mime_type", "size", "sha256", "uploaded_at")
    readonly_fields = [f.name for f in Attachment._meta.fields]

    def has_add_permission(self, request):
        return False


admin.site.register(Heartbeat)

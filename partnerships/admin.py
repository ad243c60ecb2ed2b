from django.contrib import admin

from partnerships.models import Partnership


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    """Read-only: partnerships change through their services, on the record."""

    list_display = ("operator", "kind", "partner", "status", "requested_at", "decided_at")
    list_filter = ("kind", "status")
    search_fields = ("operator__name", "partner__name")
    list_select_related = ("operator", "partner")
    raw_id_fields = ("operator", "partner", "requested_by", "decided_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from filings.models import EnterpriseFiling


@admin.register(EnterpriseFiling)
class EnterpriseFilingAdmin(admin.ModelAdmin):
    """Read-only here: filings change only through their services, so every change is audited."""

    list_display = ("name", "uscc", "bureau", "status", "filing_no", "supervision_level")
    list_filter = ("status", "supervision_level", "bureau")
    search_fields = ("name", "uscc", "filing_no")
    list_select_related = ("bureau",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

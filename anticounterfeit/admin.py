"""The admin site shows anti-counterfeit records read-only: every change goes through the services (so
it is audited and the procedure's rules hold), and evidence and its custody log are never deleted,
not even here."""

from django.contrib import admin

from anticounterfeit.models import (
    CaseAssignment,
    CaseDocument,
    CounterfeitCase,
    CounterfeitLead,
    CustodyEvent,
    Evidence,
    EvidencePack,
    RightsHolder,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # No "delete selected" either.
        return {}


@admin.register(CounterfeitLead)
class CounterfeitLeadAdmin(ReadOnlyAdmin):
    list_display = ("id", "title", "channel", "brand", "bureau", "status", "received_at")
    list_filter = ("status", "channel")
    search_fields = ("title", "brand")
    list_select_related = ("bureau",)


@admin.register(CounterfeitCase)
class CounterfeitCaseAdmin(ReadOnlyAdmin):
    list_display = ("case_no", "title", "bureau", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("case_no", "title", "brand")
    list_select_related = ("bureau",)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("case", "number", "version", "kind", "original_name", "sha256", "collected_at")
    search_fields = ("sha256", "original_name")
    list_select_related = ("case",)


@admin.register(CustodyEvent)
class CustodyEventAdmin(ReadOnlyAdmin):
    list_display = ("case", "seq", "evidence", "action", "from_party", "to_party", "at")
    list_select_related = ("case", "evidence")


admin.site.register(RightsHolder, ReadOnlyAdmin)
admin.site.register(CaseAssignment, ReadOnlyAdmin)
admin.site.register(CaseDocument, ReadOnlyAdmin)
admin.site.register(EvidencePack, ReadOnlyAdmin)

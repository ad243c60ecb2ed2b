from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau, BureauRegion, User


class BureauRegionInline(admin.TabularInline):
    model = BureauRegion
    extra = 0


@admin.register(Bureau)
class BureauAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name", "name_en")
    list_select_related = ("parent",)
    inlines = [BureauRegionInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "role", "bureau", "enterprise", "is_active", "last_login")
    list_filter = ("role", "is_active", "bureau")
    list_select_related = ("bureau", "enterprise")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("Affiliation"),
            {"fields": ("role", "bureau", "enterprise", "is_enterprise_admin", "must_change_password", "phone")},
        ),
    )
    raw_id_fields = ("enterprise",)

"""The columns of the bureau list."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import F
from django.db.models.functions import Collate
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau, User
from cbec_supervision.collation import ZH_COLLATION
from cbec_supervision.tables import BaseTable, DateTimeColumn, MonoColumn


class BureauTable(BaseTable):
    export_name = "bureaus"

    code = MonoColumn(verbose_name=_("Code"), orderable=True)
    name = tables.Column(verbose_name=_("Name"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    name_en = tables.Column(verbose_name=_("English name"), orderable=True)
    level = tables.Column(verbose_name=_("Level"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    parent = tables.Column(verbose_name=_("Parent bureau"), accessor="parent", order_by=("parent__code",))
    regions = tables.Column(verbose_name=_("Regions"), accessor="pk", empty_values=())

    class Meta(BaseTable.Meta):
        model = Bureau
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "bureau-table"}
        empty_text = _("No bureaus match these filters.")

    def render_parent(self, value):
        return value.local_name

    def value_parent(self, value):
        return value.local_name if value else ""

    def order_name(self, queryset, is_descending):
        """The Chinese names by pinyin (ICU collation), not by code point."""
        name = Collate(F("name"), ZH_COLLATION)
        return queryset.order_by(name.desc() if is_descending else name.asc(), "code"), True

    def render_regions(self, record):
        regions = list(record.regions.all())
        if not regions:
            return mark_safe('<span class="text-body-secondary">—</span>')  # noqa: S308 - a constant
        return format_html_join(
            " ",
            '<span class="badge text-bg-light border fw-normal"><span class="font-monospace">{}</span> {}</span>',
            ((region.prefix, region.name) for region in regions),
        )

    def value_regions(self, record):
        return "; ".join(f"{region.prefix} {region.name}" for region in record.regions.all())


class UserTable(BaseTable):
    """The accounts an administrator manages."""

    export_name = "accounts"

    username = tables.Column(
        verbose_name=_("Username"), linkify=("accounts:user_detail", {"pk": tables.A("pk")}), orderable=True
    )
    name = tables.Column(
        verbose_name=_("Name"), accessor="last_name", order_by=("last_name", "first_name"), orderable=True
    )
    email = tables.Column(verbose_name=_("Email"), orderable=True)
    role = tables.Column(
        verbose_name=_("Role"), accessor="role", orderable=True, attrs={"td": {"class": "text-nowrap"}}
    )
    affiliation = tables.Column(verbose_name=_("Bureau or enterprise"), accessor="pk", empty_values=())
    is_active = tables.Column(verbose_name=_("Status"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    last_login = DateTimeColumn(verbose_name=_("Last sign-in"), orderable=True)

    class Meta(BaseTable.Meta):
        model = User
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "user-table"}
        empty_text = _("No accounts match these filters.")

    def render_name(self, record):
        return record.get_full_name() or "—"

    def value_name(self, record):
        return record.get_full_name()

    def render_role(self, record):
        return record.account_role_label

    def value_role(self, record):
        return record.account_role_label

    def render_affiliation(self, record):
        if record.bureau_id:
            return record.bureau.name
        return record.enterprise.name if record.enterprise_id else "—"

    def value_affiliation(self, record):
        return self.render_affiliation(record)

    def render_is_active(self, record):
        if not record.is_active:
            return format_html('<span class="badge text-bg-secondary">{}</span>', _("Inactive"))
        if record.must_change_password:
            return format_html('<span class="badge text-bg-warning">{}</span>', _("Password to change"))
        return format_html('<span class="badge text-bg-success">{}</span>', _("Active"))

    def value_is_active(self, record):
        return str(_("Active") if record.is_active else _("Inactive"))

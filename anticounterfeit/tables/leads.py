"""The columns of the lead and rights-holder lists."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from anticounterfeit.models import CounterfeitLead, RightsHolder
from cbec_supervision.tables import BaseTable, DateColumn, DateTimeColumn, StatusColumn


class CounterfeitLeadTable(BaseTable):
    export_name = "counterfeit-leads"

    received_at = DateTimeColumn(verbose_name=_("Received"), orderable=True)
    title = tables.Column(verbose_name=_("Title"), orderable=True)
    channel = tables.Column(verbose_name=_("Channel"), orderable=True)
    brand = tables.Column(verbose_name=_("Brand"), orderable=True)
    enterprise = tables.Column(
        verbose_name=_("Enterprise or seller"), accessor="pk", order_by=("enterprise__name", "seller_name")
    )
    goods = tables.Column(verbose_name=_("Goods"), accessor="pk", order_by=("product__name", "product_name"))
    bureau = tables.Column(verbose_name=_("Bureau"), order_by=("bureau__code",), orderable=True)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    duplicate_count = tables.Column(verbose_name=_("Duplicates"), orderable=True, attrs={"td": {"class": "text-end"}})

    class Meta(BaseTable.Meta):
        model = CounterfeitLead
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "lead-table"}
        row_attrs = {"data-testid": "lead-row"}
        empty_text = _("No leads match these filters.")

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_channel(self, record, value):
        return record.get_channel_display()

    def value_channel(self, record, value):
        return record.get_channel_display()

    def _enterprise(self, record) -> str:
        return str(record.enterprise.name if record.enterprise_id else record.seller_name)

    def render_enterprise(self, record):
        return self._enterprise(record) or "—"

    def value_enterprise(self, record):
        return self._enterprise(record)

    def _goods(self, record) -> str:
        return str(record.product.name if record.product_id else record.product_name)

    def render_goods(self, record):
        return self._goods(record) or "—"

    def value_goods(self, record):
        return self._goods(record)

    def render_bureau(self, record, value):
        return format_html('<span title="{}">{}</span>', value.local_name, value.code)

    def value_bureau(self, record, value):
        return value.code

    def render_duplicate_count(self, record, value):
        if not value:
            return "0"
        url = reverse("anticounterfeit:lead_list")
        return format_html('<a href="{}?group={}" data-testid="lead-duplicates">{}</a>', url, record.group_key, value)

    def value_duplicate_count(self, record, value):
        return value or 0


class RightsHolderTable(BaseTable):
    export_name = "rights-holders"

    name = tables.Column(verbose_name=_("Name"), orderable=True)
    country = tables.Column(verbose_name=_("Country"), orderable=True)
    brands = tables.Column(verbose_name=_("Brands"), orderable=False)
    authorised_agent = tables.Column(verbose_name=_("Authorised agent"), orderable=True)
    authorisation_valid_until = DateColumn(verbose_name=_("Authorisation valid until"), orderable=True)

    class Meta(BaseTable.Meta):
        model = RightsHolder
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "rights-holder-table"}
        row_attrs = {"data-testid": "rights-holder-row"}
        empty_text = _("No rights holders match these filters.")

    def render_name(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_country(self, record, value):
        return record.country.name if record.country else "—"

    def value_country(self, record, value):
        return record.country.code if record.country else ""

    def render_brands(self, record, value):
        return ", ".join(value) if value else "—"

    def value_brands(self, record, value):
        return ", ".join(value or [])

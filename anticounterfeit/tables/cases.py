"""The table of the counterfeit case list."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anticounterfeit.models import CounterfeitCase
from cbec_supervision.tables import BaseTable, DateTimeColumn


class CounterfeitCaseTable(BaseTable):
    export_name = "counterfeit-cases"

    case_no = tables.Column(verbose_name=_("Case number"), orderable=True)
    title = tables.Column(verbose_name=_("Title"), orderable=True)
    brand = tables.Column(verbose_name=_("Brand"), orderable=True)
    party = tables.Column(
        verbose_name=pgettext_lazy("counterfeit case", "Party"),
        accessor="party_name",
        order_by=("party_name",),
        orderable=True,
        empty_values=(),
    )
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    opened_at = DateTimeColumn(verbose_name=pgettext_lazy("counterfeit case", "Opened"), orderable=True)

    class Meta(BaseTable.Meta):
        model = CounterfeitCase
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "case-table"}
        row_attrs = {"data-testid": "case-row"}
        empty_text = _("No counterfeit cases match these filters.")

    def render_case_no(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_party(self, record, value):
        return record.enterprise.name if record.enterprise_id else (value or "—")

    def value_party(self, record, value):
        return record.enterprise.name if record.enterprise_id else value

    def render_status(self, record, value):
        return format_html(
            '<span class="badge text-bg-{}" data-testid="case-status">{}</span>',
            record.status_colour,
            record.get_status_display(),
        )

    def value_status(self, record, value):
        return record.get_status_display()

"""The columns of the inter-bureau notice list."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import BaseTable, DateTimeColumn
from traceability.models import InterBureauNotice


class InterBureauNoticeTable(BaseTable):
    export_name = "inter-bureau-notices"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    subject = tables.Column(verbose_name=_("Subject"), orderable=True)
    from_bureau = tables.Column(verbose_name=_("From"), order_by=("from_bureau__code",), orderable=True)
    to_bureau = tables.Column(verbose_name=_("To"), order_by=("to_bureau__code",), orderable=True)
    object_type = tables.Column(verbose_name=_("About"), orderable=False)
    sent_at = DateTimeColumn(verbose_name=_("Sent"), orderable=True)
    due_at = DateTimeColumn(verbose_name=_("Due"), orderable=True)
    state = tables.Column(verbose_name=_("Status"), accessor="pk", orderable=False)

    class Meta(BaseTable.Meta):
        model = InterBureauNotice
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "notice-table"}
        row_attrs = {"data-testid": "notice-row"}
        empty_text = _("No notices match these filters.")

    def render_subject(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_from_bureau(self, record, value):
        return format_html('<span title="{}">{}</span>', value.local_name, value.code)

    def render_to_bureau(self, record, value):
        return format_html('<span title="{}">{}</span>', value.local_name, value.code)

    def render_object_type(self, record):
        url = record.object_url
        if url:
            return format_html('<a href="{}">{}</a>', url, record.object_label)
        return record.object_label

    def value_object_type(self, record):
        return record.object_label

    def render_state(self, record):
        return format_html(
            '<span class="badge text-bg-{}" data-testid="notice-state">{}</span>',
            record.state_colour,
            record.state_label,
        )

    def value_state(self, record):
        return record.state_label

    def value_from_bureau(self, record, value):
        return value.code

    def value_to_bureau(self, record, value):
        return value.code

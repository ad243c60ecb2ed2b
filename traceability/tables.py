"""The columns of the inter-bureau notice list."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import BaseTable, DateTimeColumn
from traceability.models import InterBureauNotice, Investigation, Measure


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


class InvestigationTable(BaseTable):
    export_name = "investigations"

    case_no = tables.Column(verbose_name=_("Case number"), orderable=True)
    title = tables.Column(verbose_name=_("Title"), orderable=True)
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    platform = tables.Column(verbose_name=_("Platform"), order_by=("platform__name",), orderable=True)
    lead_bureau = tables.Column(verbose_name=_("Lead bureau"), order_by=("lead_bureau__code",), orderable=True)
    notifying_bureau = tables.Column(
        verbose_name=_("Notifying bureau"), order_by=("notifying_bureau__code",), orderable=True
    )
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    created_at = DateTimeColumn(verbose_name=_("Opened"), orderable=True)

    class Meta(BaseTable.Meta):
        model = Investigation
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "investigation-table"}
        row_attrs = {"data-testid": "investigation-row"}
        empty_text = _("No investigations match these filters.")

    def render_case_no(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_title(self, record, value):
        if record.major:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', value, _("Major"))
        return value

    def render_enterprise(self, record, value):
        return value.name

    def render_platform(self, record, value):
        return value.name

    def render_lead_bureau(self, record, value):
        return format_html('<span title="{}">{}</span>', value.local_name, value.code)

    def render_notifying_bureau(self, record, value):
        return format_html('<span title="{}">{}</span>', value.local_name, value.code)

    def value_lead_bureau(self, record, value):
        return value.code

    def value_notifying_bureau(self, record, value):
        return value.code

    def render_status(self, record, value):
        return format_html(
            '<span class="badge text-bg-{}" data-testid="investigation-status">{}</span>',
            record.status_colour,
            record.get_status_display(),
        )

    def value_status(self, record, value):
        return record.get_status_display()


class MeasureTable(BaseTable):
    export_name = "measures"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    type = tables.Column(verbose_name=_("Measure"), orderable=True)
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    investigation = tables.Column(verbose_name=_("Case"), order_by=("investigation__case_no",), orderable=True)
    deadline = DateTimeColumn(verbose_name=_("Deadline"), orderable=True)
    status = tables.Column(verbose_name=_("Status"), orderable=True)

    class Meta(BaseTable.Meta):
        model = Measure
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "measure-table"}
        row_attrs = {"data-testid": "measure-row"}
        empty_text = _("No measures match these filters.")

    def render_type(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.get_type_display())

    def value_type(self, record, value):
        return record.get_type_display()

    def render_enterprise(self, record, value):
        return value.name

    def value_enterprise(self, record, value):
        return value.name

    def render_investigation(self, record, value):
        if value is None:
            return _("Voluntary recall")
        return value.case_no

    def value_investigation(self, record, value):
        return value.case_no if value is not None else ""

    def render_status(self, record, value):
        badge = format_html(
            '<span class="badge text-bg-{}" data-testid="measure-status">{}</span>',
            record.status_colour,
            record.get_status_display(),
        )
        if record.voluntary and record.review_status and record.review_status != "accepted":
            badge = format_html(
                '{} <span class="badge text-bg-{}">{}</span>',
                badge,
                record.review_colour,
                record.get_review_status_display(),
            )
        return badge

    def value_status(self, record, value):
        return record.get_status_display()

"""The columns of the risk-signal list."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import BaseTable, DateTimeColumn, StatusColumn
from risk_monitoring.models import RiskSignal


class RiskSignalTable(BaseTable):
    export_name = "risk-signals"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    title = tables.Column(verbose_name=_("Title"), orderable=True)
    source = tables.Column(verbose_name=_("Source"), orderable=True)
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    hazard = tables.Column(verbose_name=_("Hazard"), orderable=True)
    severity = tables.Column(verbose_name=_("Severity"), orderable=True)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    created_at = DateTimeColumn(verbose_name=_("Received"), orderable=True)

    class Meta(BaseTable.Meta):
        model = RiskSignal
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "signal-table"}
        row_attrs = {"data-testid": "signal-row"}
        empty_text = _("No risk signals match these filters.")

    def __init__(self, *args, for_enterprise_user: bool = False, **kwargs):
        if for_enterprise_user:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "enterprise", "source")
        super().__init__(*args, **kwargs)

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_severity(self, record, value):
        return format_html(
            '<span class="badge text-bg-{}">{}</span>', record.severity_colour, record.get_severity_display()
        )

"""The columns of the risk-signal list."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import BaseTable, DateTimeColumn, StatusColumn
from risk_monitoring.models import RiskSignal, SamplingPlan


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


class SamplingPlanTable(BaseTable):
    """The columns of the sampling-plan list (the queryset annotates ``item_count`` and ``sampled_count``)."""

    export_name = "sampling-plans"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    month = tables.Column(verbose_name=_("Month"), orderable=True)
    bureau = tables.Column(verbose_name=_("Bureau"), order_by=("bureau__code",), orderable=True)
    item_count = tables.Column(verbose_name=_("Goods"), orderable=True)
    sampled_count = tables.Column(verbose_name=_("Sampled"), orderable=True)
    random_share = tables.Column(verbose_name=_("Random share"), orderable=False)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    created_at = DateTimeColumn(verbose_name=_("Generated"), orderable=True)

    class Meta(BaseTable.Meta):
        model = SamplingPlan
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "plan-table"}
        row_attrs = {"data-testid": "plan-row"}
        empty_text = _("No sampling plans match these filters.")

    def render_month(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)

    def render_bureau(self, record, value):
        return record.bureau.name

    def render_random_share(self, record, value):
        return f"{value * 100:.0f}%"

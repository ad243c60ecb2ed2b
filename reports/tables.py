"""The table of the half-yearly report list."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cbec_supervision.tables import BaseTable, DateTimeColumn
from reports.choices import ReportFormat, ReportStatus
from reports.models import HalfYearReport


class HalfYearReportTable(BaseTable):
    export_name = "half-yearly-reports"

    period = tables.Column(verbose_name=_("Period"), orderable=True)
    bureau = tables.Column(verbose_name=_("Bureau"), accessor="bureau__code", orderable=True, empty_values=())
    revision = tables.Column(verbose_name=_("Revision"), orderable=True)
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    requested_at = DateTimeColumn(verbose_name=_("Requested at"), orderable=True)
    finished_at = DateTimeColumn(verbose_name=_("Finished at"), orderable=True)
    downloads = tables.Column(verbose_name=_("Download"), accessor="pk", orderable=False, exclude_from_export=True)

    class Meta(BaseTable.Meta):
        model = HalfYearReport
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "report-table"}
        row_attrs = {"data-testid": "report-row"}
        empty_text = _("No reports yet.")

    def render_bureau(self, record, value):
        return f"{record.bureau.code} {record.bureau.local_short_name}" if record.bureau_id else _("National")

    def value_bureau(self, record, value):
        return record.bureau.code if record.bureau_id else "national"

    def render_status(self, record, value):
        label = record.get_status_display()
        if record.status == ReportStatus.RUNNING:
            label = f"{label} {record.progress}%"
        return format_html(
            '<span class="badge text-bg-{}" data-testid="report-status" title="{}">{}</span>',
            record.status_colour,
            record.error,
            label,
        )

    def value_status(self, record, value):
        return record.get_status_display()

    def render_downloads(self, record, value):
        if record.status != ReportStatus.DONE:
            return "—"
        url = reverse("api:report-download", args=[record.pk])
        return format_html_join(
            " ",
            '<a class="btn btn-sm btn-outline-secondary py-0" href="{}?format={}" '
            'data-testid="report-download-{}">{}</a>',
            ((url, fmt, fmt, label) for fmt, label in ReportFormat.choices),
        )

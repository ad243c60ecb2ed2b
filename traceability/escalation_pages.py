"""The FilterSets, tables and forms of the strict-supervision proposal and consumer risk notice pages
(the HTML lists and the public notices page share the FilterSet)."""

from __future__ import annotations

import django_filters
import django_tables2 as tables
from django import forms
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from cbec_supervision.filters import PageFiltersMixin
from cbec_supervision.forms import ServiceErrorsMixin
from cbec_supervision.tables import BaseTable, DateTimeColumn
from risk_monitoring.choices import Hazard
from traceability.choices import ConsumerNoticeStatus, ProposalStatus
from traceability.models import ConsumerNotice, StrictSupervisionProposal

# --- strict supervision proposals ------------------------------------------------------------------


class StrictSupervisionProposalFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    status = django_filters.ChoiceFilter(choices=ProposalStatus.choices, label=_("Status"))

    page_fields = ("q", "status")

    class Meta:
        model = StrictSupervisionProposal
        fields = ["q", "status"]

    def filter_q(self, queryset, name, value):
        """The enterprise's name or USCC."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(enterprise__name__icontains=value) | Q(enterprise__uscc__iexact=value))


class StrictSupervisionProposalTable(BaseTable):
    export_name = "strict-supervision-proposals"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    counted = tables.Column(verbose_name=_("Investigations counted"), accessor="counted", orderable=False)
    proposed_at = DateTimeColumn(verbose_name=_("Proposed"), orderable=True)
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    decided_at = DateTimeColumn(verbose_name=_("Decided"), orderable=True)

    class Meta(BaseTable.Meta):
        model = StrictSupervisionProposal
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "proposal-table"}
        row_attrs = {"data-testid": "proposal-row"}
        empty_text = _("No proposals match these filters.")

    def render_enterprise(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value.name)

    def value_enterprise(self, record, value):
        return value.name

    def render_status(self, record, value):
        return format_html(
            '<span class="badge text-bg-{}" data-testid="proposal-status">{}</span>',
            record.status_colour,
            record.get_status_display(),
        )

    def value_status(self, record, value):
        return record.get_status_display()


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))


class OptionalReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("By default, the investigations counted."),
    )


# --- consumer risk notices -------------------------------------------------------------------------


class ConsumerNoticeFilterSet(PageFiltersMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label=_("Search"))
    hazard = django_filters.ChoiceFilter(choices=Hazard.choices, label=_("Hazard"))
    status = django_filters.ChoiceFilter(choices=ConsumerNoticeStatus.choices, label=_("Status"))

    page_fields = ("q", "hazard", "status")

    class Meta:
        model = ConsumerNotice
        fields = ["q", "hazard", "status"]

    def filter_q(self, queryset, name, value):
        """The titles (both languages) and the product."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(title_zh__icontains=value) | Q(title_en__icontains=value) | Q(product_text__icontains=value)
        )


class PublicConsumerNoticeFilterSet(ConsumerNoticeFilterSet):
    """The public page's filters: no status (only published notices are shown)."""

    page_fields = ("q", "hazard")

    class Meta:
        model = ConsumerNotice
        fields = ["q", "hazard"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("status", None)


class ConsumerNoticeTable(BaseTable):
    export_name = "consumer-risk-notices"

    id = tables.Column(verbose_name=_("No."), orderable=True)
    title = tables.Column(verbose_name=_("Title"), accessor="pk", orderable=False)
    product_text = tables.Column(verbose_name=_("Product"), orderable=True)
    hazard = tables.Column(verbose_name=_("Hazard"), orderable=True)
    issuer = tables.Column(verbose_name=_("Issued by"), accessor="pk", orderable=False)
    status = tables.Column(verbose_name=_("Status"), orderable=True)
    published_at = DateTimeColumn(verbose_name=_("Published"), orderable=True)

    class Meta(BaseTable.Meta):
        model = ConsumerNotice
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "consumer-notice-table"}
        row_attrs = {"data-testid": "consumer-notice-row"}
        empty_text = _("No notices match these filters.")

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), record.title or f"#{record.pk}")

    def value_title(self, record):
        return record.title

    def render_issuer(self, record):
        return record.enterprise.name if record.enterprise_id else record.bureau.local_name

    def value_issuer(self, record):
        return self.render_issuer(record)

    def render_status(self, record, value):
        return format_html(
            '<span class="badge text-bg-{}" data-testid="consumer-notice-status">{}</span>',
            record.status_colour,
            record.get_status_display(),
        )

    def value_status(self, record, value):
        return record.get_status_display()


class ConsumerNoticeForm(ServiceErrorsMixin, forms.Form):
    """A draft notice: both languages' title, description and advice, the product, the hazard, an image."""

    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=300, required=False)
    title_en = forms.CharField(label=_("Title (English)"), max_length=300, required=False)
    product_text = forms.CharField(label=_("Product"), max_length=300)
    hazard = forms.ChoiceField(label=_("Hazard"), choices=Hazard.choices)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_do_zh = forms.CharField(
        label=_("What to do (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    what_to_do_en = forms.CharField(
        label=_("What to do (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    product = forms.IntegerField(label=_("Filed product (id, optional)"), required=False, min_value=1)
    investigation = forms.IntegerField(label=_("Investigation (id, optional)"), required=False, min_value=1)
    signal = forms.IntegerField(label=_("Risk signal (id, optional)"), required=False, min_value=1)
    image = forms.FileField(label=_("Image (optional)"), required=False)

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("image"):
            data.pop("image", None)
        return data

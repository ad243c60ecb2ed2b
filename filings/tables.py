"""The columns of the filing lists: enterprise and product filings, and the review queues."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogues.choices import TIER_COLOURS, Tier
from cbec_supervision.tables import (
    BaseTable,
    DateColumn,
    DateTimeColumn,
    MonoColumn,
    OwnerColumn,
    StatusColumn,
    TierColumn,
)
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling

TIER_LABELS = dict(Tier.choices)


def _overdue_row(record) -> str:
    return "table-danger" if record.is_overdue else ""


def _bureau_name(bureau) -> str:
    return bureau.local_short_name if bureau else ""


class WaitingColumn(tables.Column):
    """Days since submission, with the overdue badge; the number of days in exports."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"td": {"class": "text-nowrap"}})
        super().__init__(*args, **kwargs)

    def _days(self, record) -> int:
        since = record.created_at if isinstance(record, ChangeRequest) else record.submitted_at
        return (timezone.now() - since).days if since else 0

    def render(self, record):
        record.days_waiting = self._days(record)
        if isinstance(record, ChangeRequest):
            # The same deadline as for filings, counted from the request.
            record.is_overdue = _change_overdue(record)
        return render_to_string("filings/includes/waiting.html", {"row": record})

    def value(self, record):
        return self._days(record)


class EnterpriseTypesColumn(tables.Column):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("verbose_name", _("Enterprise type"))
        super().__init__(*args, **kwargs)

    def render(self, record):
        return render_to_string("filings/includes/enterprise_types.html", {"filing": record})

    def value(self, record):
        labels = (
            (record.is_operator, gettext("Operator")),
            (record.is_platform, gettext("Platform")),
            (record.is_logistics, gettext("Logistics and warehousing enterprise")),
        )
        return "; ".join(label for on, label in labels if on)


class EnterpriseFilingTable(BaseTable):
    export_name = "enterprise-filings"

    name = tables.Column(verbose_name=_("Enterprise name"), linkify=True, orderable=True)
    uscc = MonoColumn(verbose_name=_("Unified social credit code"), orderable=True)
    types = EnterpriseTypesColumn()
    bureau = tables.Column(verbose_name=_("Competent bureau"), order_by=("bureau__code",), orderable=True)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    filing_no = MonoColumn(verbose_name=_("Filing number"), orderable=True)
    supervision_level = tables.Column(verbose_name=_("Supervision level"), orderable=True, visible=False)
    created_at = DateColumn(verbose_name=_("Created"), orderable=True)

    class Meta(BaseTable.Meta):
        model = EnterpriseFiling
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "enterprise-table"}
        empty_text = _("No enterprise filings match these filters.")

    def render_bureau(self, value):
        return _bureau_name(value)

    def value_bureau(self, value):
        return _bureau_name(value)


class ProductFilingTable(BaseTable):
    export_name = "product-filings"

    # render_name links the name itself (with the English name beneath): no linkify, or the link nests in a link.
    name = tables.Column(verbose_name=_("Product name"), orderable=True)
    name_en = tables.Column(verbose_name=_("English name"), visible=False)
    brand = tables.Column(verbose_name=_("Brand"), orderable=True)
    model = tables.Column(verbose_name=_("Model"))
    hs_code = MonoColumn(verbose_name=_("HS code"), orderable=True)
    category = tables.Column(verbose_name=_("Category"), empty_values=(), order_by=("category", "subcategory"))
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    tier = TierColumn(verbose_name=_("Tier"), labels=TIER_LABELS, colours=TIER_COLOURS, orderable=True)
    filing_no = MonoColumn(verbose_name=_("Filing number"), orderable=True)
    created_at = DateColumn(verbose_name=_("Created"), orderable=True)

    class Meta(BaseTable.Meta):
        model = ProductFiling
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "product-table"}
        row_attrs = {"class": _overdue_row, "data-testid": "product-row"}
        empty_text = _("No products match these filters.")

    def __init__(self, *args, for_enterprise_user: bool = False, **kwargs):
        if for_enterprise_user:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "enterprise")
        super().__init__(*args, **kwargs)

    def render_name(self, record, value):
        english = (
            format_html('<div class="small text-body-secondary">{}</div>', record.name_en) if record.name_en else ""
        )
        return format_html('<a href="{}">{}</a>{}', record.get_absolute_url(), value, english)

    def value_name(self, value):
        return value

    def render_category(self, record):
        return record.get_subcategory_display() or record.get_category_display() or "—"

    def value_category(self, record):
        return record.get_subcategory_display() or record.get_category_display()

    def render_enterprise(self, value):
        return format_html(
            '<a href="{}">{}</a><div class="small text-body-secondary">{}</div>',
            value.get_absolute_url(),
            value.name,
            _bureau_name(value.bureau),
        )

    def value_enterprise(self, value):
        return value.name

    def render_status(self, record, bound_column):
        badge = StatusColumn.render(self.columns["status"].column, record, bound_column)
        if record.is_overdue:
            return format_html('{} <span class="badge text-bg-danger">{}</span>', badge, gettext("overdue"))
        return badge

    def value_status(self, record, bound_column):
        return StatusColumn.value(self.columns["status"].column, record, bound_column)


# --- the review queues -------------------------------------------------------------------------------


class EnterpriseQueueTable(EnterpriseFilingTable):
    """Submitted enterprise filings, oldest first; overdue rows stand out."""

    export_name = "review-queue-enterprises"
    submitted_at = DateTimeColumn(verbose_name=_("Submitted"), orderable=True)
    waiting = WaitingColumn(verbose_name=_("Waiting"))
    owner = OwnerColumn()

    class Meta(EnterpriseFilingTable.Meta):
        sequence = ("submitted_at", "waiting", "...")
        exclude = ("filing_no", "created_at")
        attrs = {**BaseTable.Meta.attrs, "data-testid": "queue-enterprises"}
        row_attrs = {
            "class": _overdue_row,
            "data-testid": "queue-row",
            "data-overdue": lambda record: "1" if record.is_overdue else "0",
        }
        empty_text = _("No enterprise filings are waiting.")


class ProductQueueTable(ProductFilingTable):
    export_name = "review-queue-products"
    submitted_at = DateTimeColumn(verbose_name=_("Submitted"), orderable=True)
    waiting = WaitingColumn(verbose_name=_("Waiting"))
    owner = OwnerColumn()

    class Meta(ProductFilingTable.Meta):
        sequence = ("submitted_at", "waiting", "name", "brand", "hs_code", "enterprise", "tier", "status", "...")
        exclude = ("model", "category", "filing_no", "created_at")
        attrs = {**BaseTable.Meta.attrs, "data-testid": "queue-products"}
        row_attrs = EnterpriseQueueTable.Meta.row_attrs
        empty_text = _("No product filings are waiting.")

    def render_status(self, record, bound_column):
        return StatusColumn.render(self.columns["status"].column, record, bound_column)


def _change_overdue(record) -> bool:
    from django.conf import settings

    return record.created_at + dt.timedelta(days=settings.FILING_REVIEW_DAYS) < timezone.now()


class ChangeRequestQueueTable(BaseTable):
    export_name = "review-queue-changes"

    created_at = DateTimeColumn(verbose_name=_("Requested"), orderable=True)
    waiting = WaitingColumn(verbose_name=_("Waiting"))
    number = tables.Column(verbose_name="#", accessor="pk", linkify=True, orderable=True, order_by=("pk",))
    filing = tables.Column(verbose_name=_("Filing"), accessor="product", empty_values=())
    enterprise = tables.Column(verbose_name=_("Enterprise"), accessor="enterprise__name", orderable=True)
    fields_changed = tables.Column(
        verbose_name=_("Fields"), accessor="changes", attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )
    submitted_by = tables.Column(verbose_name=_("Submitted by"), accessor="submitted_by__username")
    owner = OwnerColumn()

    class Meta(BaseTable.Meta):
        model = ChangeRequest
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "queue-changes"}
        row_attrs = {
            "class": lambda record: "table-danger" if _change_overdue(record) else "",
            "data-testid": "queue-row",
            "data-overdue": lambda record: "1" if _change_overdue(record) else "0",
        }
        empty_text = _("No change requests are waiting.")

    def render_number(self, value):
        return f"#{value}"

    def render_filing(self, record):
        if record.product_id:
            return format_html(
                '<i class="bi bi-box-seam text-body-secondary" aria-hidden="true"></i> {}', record.product.name
            )
        return format_html(
            '<i class="bi bi-building text-body-secondary" aria-hidden="true"></i> {}', gettext("Enterprise filing")
        )

    def value_filing(self, record):
        return record.product.name if record.product_id else gettext("Enterprise filing")

    def render_fields_changed(self, value):
        return len(value or {})

    def value_fields_changed(self, value):
        return len(value or {})

"""The columns of the import lists: batches, on-site verifications and export declarations."""

from __future__ import annotations

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

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
from imports.choices import BatchStatus
from imports.models import ExportDeclaration, ImportBatch, VerificationTask

TIER_LABELS = dict(Tier.choices)


def _bureau_name(bureau) -> str:
    return bureau.short_name or bureau.name if bureau else ""


def _with_credit_code(enterprise):
    return format_html(
        '{}<div class="small text-body-secondary font-monospace">{}</div>', enterprise.name, enterprise.uscc
    )


class BatchTierColumn(TierColumn):
    """A batch's tier; a batch prohibited only on a suspicion, still under verification, is shown as
    suspected (not the red badge) until an inspector decides: certain tier-1 lines are refused, so a
    tier-1 batch still awaiting verification with nothing refused rests on a suspicion."""

    def render(self, record, bound_column):
        if record.tier == 1 and record.status == BatchStatus.VERIFICATION_REQUIRED:
            return format_html(
                '<span class="badge text-bg-warning" data-testid="suspected-badge">{}</span>',
                _("Suspected, awaiting verification"),
            )
        return super().render(record, bound_column)


class ImportBatchTable(BaseTable):
    export_name = "import-batches"

    batch_no = MonoColumn(verbose_name=_("Batch number"), orderable=True)
    enterprise = tables.Column(verbose_name=_("Operator"), order_by=("enterprise__name",), orderable=True)
    mode = tables.Column(verbose_name=_("Mode"), orderable=True, attrs={"td": {"class": "text-nowrap"}})
    port_bureau = tables.Column(verbose_name=_("Port bureau"), order_by=("port_bureau__code",), orderable=True)
    item_count = MonoColumn(verbose_name=_("Lines"), numeric=True, orderable=True)
    total_value_cny = MonoColumn(verbose_name=_("Value (CNY)"), numeric=True, orderable=True)
    tier = BatchTierColumn(verbose_name=_("Tier"), labels=TIER_LABELS, colours=TIER_COLOURS, orderable=True)
    status = StatusColumn(verbose_name=_("Status"), orderable=True)
    arrival_date = DateColumn(verbose_name=_("Arrival"), orderable=True)
    created_at = DateTimeColumn(verbose_name=_("Declared"), orderable=True)

    class Meta(BaseTable.Meta):
        model = ImportBatch
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "batch-table"}
        row_attrs = {
            "data-testid": "batch-row",
            "class": lambda record: "table-danger" if record.status == "refused" else "",
        }
        empty_text = _("No import batches match these filters.")

    def __init__(self, *args, for_enterprise_user: bool = False, **kwargs):
        if for_enterprise_user:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "enterprise")
        super().__init__(*args, **kwargs)

    def render_batch_no(self, record, value):
        link = format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_enterprise_user and record.enterprise_id != user.enterprise_id:
            # A platform's or warehouse's view of another operator's batch.
            return format_html(
                '{}<div class="small text-body-secondary font-sans">{}</div>', link, record.enterprise.name
            )
        return link

    def value_batch_no(self, value):
        return value

    def render_enterprise(self, value):
        return _with_credit_code(value)

    def value_enterprise(self, value):
        return value.name

    def render_port_bureau(self, value):
        return _bureau_name(value)

    def value_port_bureau(self, value):
        return _bureau_name(value)

    def render_total_value_cny(self, value):
        return f"{value:,.2f}"

    def value_total_value_cny(self, value):
        return value


class VerificationTaskTable(BaseTable):
    export_name = "on-site-verifications"

    created_at = DateTimeColumn(verbose_name=_("Opened"), orderable=True)
    waiting = tables.Column(verbose_name=_("Waiting"), accessor="created_at", attrs={"td": {"class": "text-nowrap"}})
    batch_no = MonoColumn(verbose_name=_("Batch number"), accessor="batch__batch_no", orderable=True)
    operator = tables.Column(verbose_name=_("Operator"), accessor="batch__enterprise__name", orderable=True)
    bureau = tables.Column(verbose_name=_("Port bureau"), order_by=("bureau__code",), orderable=True)
    lines = MonoColumn(verbose_name=_("Lines"), accessor="batch__item_count", numeric=True, orderable=True)
    key_lines = MonoColumn(verbose_name=_("Key supervision"), numeric=True, orderable=True)
    pending_lines = MonoColumn(verbose_name=_("Awaiting confirmation"), numeric=True, orderable=True)
    arrival = DateColumn(verbose_name=_("Arrival"), accessor="batch__arrival_date", orderable=True)
    owner = OwnerColumn()

    class Meta(BaseTable.Meta):
        model = VerificationTask
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "verification-table"}
        row_attrs = {"data-testid": "verification-row"}
        empty_text = _("No on-site verification is waiting.")

    def _days(self, value) -> int:
        return (timezone.now() - value).days

    def render_waiting(self, value):
        days = self._days(value)
        return ngettext("%(counter)d day", "%(counter)d days", days) % {"counter": days}

    def value_waiting(self, value):
        return self._days(value)

    def render_batch_no(self, record, value):
        return format_html('<a href="{}#verification">{}</a>', record.batch.get_absolute_url(), value)

    def value_batch_no(self, value):
        return value

    def render_bureau(self, value):
        return _bureau_name(value)

    def value_bureau(self, value):
        return _bureau_name(value)

    def render_pending_lines(self, value):
        return format_html('<span class="badge text-bg-warning">{}</span>', value) if value else "0"

    def value_pending_lines(self, value):
        return value


class ExportDeclarationTable(BaseTable):
    export_name = "export-declarations"

    order_no = MonoColumn(verbose_name=_("Order number"), orderable=True)
    enterprise = tables.Column(verbose_name=_("Enterprise"), order_by=("enterprise__name",), orderable=True)
    goods = tables.Column(verbose_name=_("Goods"), accessor="description", empty_values=())
    hs_code = MonoColumn(verbose_name=_("HS code"), orderable=True)
    destination_country = tables.Column(verbose_name=_("Destination"), orderable=True)
    quantity = MonoColumn(verbose_name=_("Quantity"), numeric=True, orderable=True)
    value_cny = MonoColumn(verbose_name=_("Value (CNY)"), numeric=True, orderable=True)
    created_at = DateTimeColumn(verbose_name=_("Declared"), orderable=True)

    class Meta(BaseTable.Meta):
        model = ExportDeclaration
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "export-table"}
        row_attrs = {"data-testid": "export-row"}
        empty_text = _("No export declarations match these filters.")

    def __init__(self, *args, for_enterprise_user: bool = False, **kwargs):
        if for_enterprise_user:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "enterprise")
        super().__init__(*args, **kwargs)

    def render_enterprise(self, value):
        return _with_credit_code(value)

    def value_enterprise(self, value):
        return value.name

    def render_goods(self, record):
        if record.product_id:
            return format_html(
                '{} <span class="small text-body-secondary font-monospace">{}</span>',
                record.product.name,
                record.product.filing_no or "",
            )
        return record.description or "—"

    def value_goods(self, record):
        return record.product.name if record.product_id else record.description

    def render_destination_country(self, record):
        country = record.destination_country
        return format_html(
            '{} <span class="text-body-secondary font-monospace small">{}</span>', country.name, country.code
        )

    def value_destination_country(self, record):
        return record.destination_country.code

    def render_quantity(self, value):
        return f"{value.normalize():f}"

    def value_quantity(self, value):
        return value

    def render_value_cny(self, value):
        return f"{value:,.2f}"

    def value_value_cny(self, value):
        return value

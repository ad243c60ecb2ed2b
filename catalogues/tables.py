"""The columns of a catalogue edition's entries, one table per file layout."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from catalogues.files import CHEMICAL, DANGEROUS
from catalogues.models import CatalogueEntry
from cbec_supervision.tables import BaseTable, MonoColumn


class CatalogueEntryTable(BaseTable):
    """HS-based lists: prefix, name, remark."""

    export_name = "catalogue-entries"

    hs_prefix = MonoColumn(verbose_name=_("HS code prefix"), orderable=True)
    name = tables.Column(verbose_name=_("Name"), orderable=True)
    remark = tables.Column(verbose_name=_("Remark"), attrs={"td": {"class": "small"}})
    row = MonoColumn(verbose_name=_("Row in the file"), numeric=True, orderable=True)

    class Meta(BaseTable.Meta):
        model = CatalogueEntry
        fields = ()
        attrs = {**BaseTable.Meta.attrs, "data-testid": "entry-table"}
        row_attrs = {"data-testid": "entry-row", "id": lambda record: f"entry-{record.pk}"}
        empty_text = _("No entries match.")


class ChemicalEntryTable(CatalogueEntryTable):
    seq = MonoColumn(verbose_name=_("No."), numeric=True, orderable=True, order_by=("row",))
    aliases = tables.Column(verbose_name=_("Aliases"), attrs={"td": {"class": "small"}})
    cas = MonoColumn(verbose_name=_("CAS number"), orderable=True)

    class Meta(CatalogueEntryTable.Meta):
        sequence = ("seq", "name", "aliases", "cas", "remark", "row")
        exclude = ("hs_prefix",)

    def render_name(self, record, value):
        if record.highly_toxic:
            return format_html(
                '{} <span class="badge text-bg-danger" title="{}" data-testid="highly-toxic">剧毒</span>',
                value,
                gettext("Highly toxic"),
            )
        return value

    def value_name(self, value):
        return value

    def render_aliases(self, value):
        return "；".join(str(alias) for alias in value)

    def value_aliases(self, value):
        return "；".join(str(alias) for alias in value)


class DangerousEntryTable(CatalogueEntryTable):
    un_number = MonoColumn(verbose_name=_("UN number"), orderable=True)
    category = tables.Column(verbose_name=_("Class"), orderable=True, attrs={"td": {"class": "text-nowrap"}})

    class Meta(CatalogueEntryTable.Meta):
        sequence = ("un_number", "name", "category", "row")
        exclude = ("hs_prefix", "remark")

    def render_un_number(self, value):
        return f"UN{value}"

    def value_un_number(self, value):
        return f"UN{value}"


TABLE_OF_LAYOUT = {CHEMICAL: ChemicalEntryTable, DANGEROUS: DangerousEntryTable}

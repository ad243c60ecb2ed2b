"""Forms of the import pages: import batches, on-site verification, exports, the dry run.

They check the shape of the input; the services (``imports.services``)
decide the rest. Line values stay text here, so that every line error comes from the same checks
the API and file uploads meet.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.collation import by_name
from cbec_supervision.forms import ServiceErrorsMixin
from cbec_supervision.widgets import PickerWidget
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling, ProductTestReport
from imports.choices import BatchMode

DATE_WIDGET = forms.DateInput(attrs={"type": "date"})
#: most lines entered on the page; longer batches are uploaded as a file
MAX_FORM_LINES = 200


def _partner_field(flag: str, label) -> forms.ModelChoiceField:
    """An approved platform or logistics enterprise: filings are shared nationwide.

    A type-ahead picker, not a ``<select>`` of every approved enterprise; the choice is checked
    against the same queryset (one indexed lookup by id).
    """
    from filings.pickers import enterprise_picker_widget

    partners = EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED, **{flag: True}).order_by(by_name())
    field = forms.ModelChoiceField(
        label=label,
        queryset=partners,
        required=False,
        empty_label="—",
        # The label of a value is looked up among the partners offered, never among every filing.
        widget=enterprise_picker_widget(partners, type="platform" if flag == "is_platform" else "logistics"),
    )
    field.label_from_instance = lambda e: f"{e.name} ({e.filing_no})" if e.filing_no else e.name
    return field


class BatchHeaderForm(ServiceErrorsMixin, forms.Form):
    """What a batch declares once: mode, port bureau, partners, arrival; and its file, when uploaded."""

    mode = forms.ChoiceField(label=_("Mode"), choices=BatchMode.choices, initial=BatchMode.BONDED)
    port_bureau = forms.ModelChoiceField(label=_("Port bureau"), queryset=Bureau.objects.none(), empty_label="—")
    platform = _partner_field("is_platform", _("Platform"))
    warehouse = _partner_field("is_logistics", _("Warehouse (logistics enterprise)"))
    arrival_date = forms.DateField(label=_("Arrival date"), widget=DATE_WIDGET, required=False)
    file = forms.FileField(label=_("Batch file"), required=False)

    def __init__(self, *args, enterprise: EnterpriseFiling, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["port_bureau"].queryset = (
            Bureau.objects.filter(is_active=True).exclude(level="hq").order_by(by_name("name", "name_en"), "code")
        )
        self.fields["port_bureau"].label_from_instance = lambda b: f"{b.local_short_name} ({b.code})"
        if not self.is_bound:
            self.initial.setdefault("port_bureau", enterprise.bureau_id)

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "mode": data["mode"],
            "port_bureau": data["port_bureau"],
            "platform": data["platform"],
            "warehouse": data["warehouse"],
            "arrival_date": data["arrival_date"],
        }


def _hs_code_widget() -> PickerWidget:
    """Type-ahead over the China Customs table (code and name); a full code may be typed without picking."""
    return PickerWidget(reverse_lazy("catalogues:hs_code_picker"), free_text=True)


class ImportLineForm(ServiceErrorsMixin, forms.Form):
    """One line of the lines table: a filed product, or a free description with its HS code."""

    product = forms.TypedChoiceField(label=_("Product filing"), coerce=int, empty_value=None, required=False)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    hs_code = forms.CharField(label=_("HS code"), max_length=16, required=False, widget=_hs_code_widget())
    cas_numbers = forms.CharField(label=_("CAS numbers"), max_length=500, required=False)
    un_number = forms.CharField(label=_("UN number"), max_length=10, required=False)
    used = forms.BooleanField(label=_("Used"), required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=20, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    value_cny = forms.CharField(label=_("Value (CNY)"), max_length=20, required=False)
    origin_country = forms.CharField(
        label=_("Origin"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "country-codes", "size": 4, "autocomplete": "off"}),
    )

    FIELDS = ("product", "description", "hs_code", "cas_numbers", "un_number", "used", "quantity", "unit", "value_cny")

    def __init__(self, *args, products: list[tuple[Any, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "—"), *products]
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"
        self.fields["value_cny"].widget.attrs["inputmode"] = "decimal"

    def line(self) -> dict[str, Any] | None:
        """The raw line for the service; None for a row left empty."""
        data = getattr(self, "cleaned_data", None) or {}
        line = {name: data.get(name) for name in (*self.FIELDS, "origin_country")}
        if not any(value not in (None, "", False) for value in line.values()):
            return None
        if line["product"] is None:
            del line["product"]
        return line


class _LinesFormSet(forms.BaseFormSet):
    def lines(self) -> tuple[list[dict[str, Any]], list[int], list[int]]:
        """(lines, their numbers in the table, the indexes of their forms): empty rows left out."""
        lines, numbers, indexes = [], [], []
        for index, form in enumerate(self.forms):
            line = form.line()
            if line is not None:
                lines.append(line)
                numbers.append(index + 1)
                indexes.append(index)
        return lines, numbers, indexes


ImportLineFormSet = forms.formset_factory(
    ImportLineForm,
    formset=_LinesFormSet,
    extra=3,
    max_num=MAX_FORM_LINES,
    absolute_max=MAX_FORM_LINES,
    validate_max=True,
)


class ClassifyLineForm(ServiceErrorsMixin, forms.Form):
    """One line of the dry run: what the engine looks at."""

    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    hs_code = forms.CharField(label=_("HS code"), max_length=16, required=False, widget=_hs_code_widget())
    cas_numbers = forms.CharField(label=_("CAS numbers"), max_length=500, required=False)
    un_number = forms.CharField(label=_("UN number"), max_length=10, required=False)
    used = forms.BooleanField(label=_("Used"), required=False)

    FIELDS = ("description", "hs_code", "cas_numbers", "un_number", "used")

    def line(self) -> dict[str, Any] | None:
        data = getattr(self, "cleaned_data", None) or {}
        line = {name: data.get(name) for name in self.FIELDS}
        if not any(line[k] for k in ("description", "hs_code", "cas_numbers", "un_number")):
            return None
        return line


class _ClassifyFormSet(forms.BaseFormSet):
    def lines(self) -> list[dict[str, Any]]:
        return [line for form in self.forms if (line := form.line()) is not None]


ClassifyFormSet = forms.formset_factory(
    ClassifyLineForm,
    formset=_ClassifyFormSet,
    extra=3,
    max_num=MAX_FORM_LINES,
    absolute_max=MAX_FORM_LINES,
    validate_max=True,
)


class ClassifyPasteForm(ServiceErrorsMixin, forms.Form):
    """Lines pasted from a spreadsheet: description, HS code, CAS numbers, UN number, used."""

    text = forms.CharField(
        label=_("Paste lines"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "氰化钠\t2837111000\t143-33-9\t\t否"}),
        max_length=100_000,
        required=False,
        help_text=_(
            "One line a row, columns separated by tabs (as copied from a spreadsheet) or commas: "
            "description, HS code, CAS numbers, UN number, used (yes/no)."
        ),
    )

    def lines(self) -> list[dict[str, Any]]:
        text = (self.cleaned_data.get("text") or "").strip()
        if not text:
            return []
        delimiter = "\t" if "\t" in text else ","
        found = []
        for cells in csv.reader(io.StringIO(text), delimiter=delimiter):
            cells = [c.strip() for c in cells] + [""] * 5
            if not any(cells):
                continue
            found.append(
                {
                    "description": cells[0],
                    "hs_code": cells[1],
                    "cas_numbers": cells[2],
                    "un_number": cells[3],
                    "used": cells[4].casefold() in ("是", "yes", "y", "true", "1"),
                }
            )
        return found[:MAX_FORM_LINES]


class ItemConfirmForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(choices=(("confirm", _("Confirm")), ("dismiss", _("Dismiss"))))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class VerificationPassForm(ServiceErrorsMixin, forms.Form):
    """Pass: the third-party results accepted, and what the inspector found."""

    accepted_reports = forms.ModelMultipleChoiceField(
        label=_("Third-party results accepted"),
        queryset=ProductTestReport.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, required=False
    )

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        if reports is not None:
            self.fields["accepted_reports"].queryset = reports


class VerificationFailForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ExportUploadForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("XLSX or CSV (UTF-8 or GB18030) in the template's columns."))


def product_choices(enterprise: EnterpriseFiling) -> list[tuple[int, str]]:
    """The enterprise's approved products, for the lines table (one query for all rows)."""
    rows = (
        ProductFiling.objects.filter(enterprise=enterprise, status=FilingStatus.APPROVED)
        .order_by("name", "pk")
        .values_list("pk", "filing_no", "name", "model")
    )
    return [(pk, " ".join(filter(None, (filing_no, name, model)))) for pk, filing_no, name, model in rows]

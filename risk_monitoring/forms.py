"""Forms of the risk-signal pages: intake (staff, enterprise) and triage. The services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cbec_supervision.forms import ServiceErrorsMixin
from filings.choices import FilingStatus, GoodsCategory
from filings.models import ProductFiling
from risk_monitoring.choices import (
    STAFF_SOURCES,
    Hazard,
    ResultVerdict,
    SamplingChannel,
    SamplingPurpose,
    Severity,
    SignalSource,
)

_OPTIONAL = [("", "---------")]


class SignalFormBase(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    hazard = forms.ChoiceField(label=_("Hazard"), choices=Hazard.choices, initial=Hazard.OTHER)
    category = forms.ChoiceField(label=_("Category"), choices=_OPTIONAL + list(GoodsCategory.choices), required=False)
    gtin = forms.CharField(label=_("GTIN"), max_length=14, required=False)
    brand = forms.CharField(label=_("Brand"), max_length=200, required=False)
    model = forms.CharField(label=_("Model"), max_length=200, required=False)
    origin_country = forms.CharField(label=_("Country of origin (ISO code)"), max_length=2, required=False)
    file = forms.FileField(label=_("File (a photo, a test report, the notice)"), required=False)


class StaffSignalForm(SignalFormBase):
    """A signal entered by bureau staff: any source but an enterprise's report; any approved filing by id."""

    source = forms.ChoiceField(
        label=_("Source"), choices=[(s.value, s.label) for s in SignalSource if s in STAFF_SOURCES]
    )
    enterprise = forms.IntegerField(label=_("Enterprise filing id"), required=False, min_value=1)
    product = forms.IntegerField(label=_("Product filing id"), required=False, min_value=1)
    severity = forms.ChoiceField(label=_("Severity"), choices=_OPTIONAL + list(Severity.choices), required=False)
    overseas_reference = forms.CharField(label=_("Overseas reference"), max_length=100, required=False)
    error_fields = {"products": "product"}

    field_order = ["source", "title", "description", "enterprise", "product", "hazard", "severity"]


class EnterpriseReportForm(SignalFormBase):
    """A risk an enterprise reports about its own goods."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=ProductFiling.objects.none(), required=False)
    error_fields = {"products": "product"}

    field_order = ["title", "product", "description", "hazard"]

    def __init__(self, *args, enterprise_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = ProductFiling.objects.filter(  # type: ignore[attr-defined]
            enterprise_id=enterprise_id, status=FilingStatus.APPROVED
        ).order_by("name")


class AssessForm(ServiceErrorsMixin, forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class AttachForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("File"))


# --- sampling --------------------------------------------------------------------------------------


class SamplingForm(ServiceErrorsMixin, forms.Form):
    """A sample taken (bureau staff): online (bought on the platform) or offline (in a warehouse).
    The filings are named by id, as on the signal form; the service checks them."""

    channel = forms.ChoiceField(label=_("Channel"), choices=SamplingChannel.choices)
    product = forms.IntegerField(label=_("Product filing id"), min_value=1, max_value=2**63 - 1)
    sampled_at = forms.DateTimeField(
        label=_("Sampled (purchased) at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    lab = forms.CharField(label=_("Laboratory"), max_length=200)
    platform = forms.IntegerField(label=_("Platform filing id"), required=False, min_value=1, max_value=2**63 - 1)
    url = forms.CharField(label=_("Listing URL"), max_length=1000, required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=100, required=False)
    price_paid = forms.DecimalField(label=_("Price paid (CNY)"), required=False, max_digits=12, decimal_places=2)
    screenshot = forms.FileField(label=_("Screenshot of the listing and the order (image or PDF)"), required=False)
    warehouse = forms.IntegerField(label=_("Warehouse filing id"), required=False, min_value=1, max_value=2**63 - 1)
    location = forms.CharField(label=_("Location in the warehouse"), max_length=300, required=False)
    batch = forms.IntegerField(label=_("Import batch id"), required=False, min_value=1, max_value=2**63 - 1)
    quantity = forms.CharField(label=_("Quantity sampled"), max_length=100, required=False)
    lab_report_no = forms.CharField(label=_("Lab report number"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=SamplingPurpose.choices, initial=SamplingPurpose.ROUTINE)
    report = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


class ResultForm(ServiceErrorsMixin, forms.Form):
    test_item = forms.CharField(label=_("Test item"), max_length=200, required=False)
    standard = forms.CharField(label=_("Standard"), max_length=200, required=False)
    value = forms.CharField(label=_("Measured value"), max_length=100, required=False)
    limit = forms.CharField(label=_("Limit"), max_length=100, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=30, required=False)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=_OPTIONAL + list(ResultVerdict.choices), required=False)

    def row(self) -> dict | None:
        """The result as the service takes it; None for an empty row (skipped)."""
        data = getattr(self, "cleaned_data", None) or {}
        if not any(data.get(name) for name in self.fields):
            return None
        return {name: data.get(name) or "" for name in self.fields}


class _ResultFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        return [row for row in (form.row() for form in self.forms) if row is not None]


ResultFormSet = forms.formset_factory(
    ResultForm, formset=_ResultFormSet, extra=3, max_num=200, absolute_max=200, validate_max=True
)


class ResultsMetaForm(ServiceErrorsMixin, forms.Form):
    lab_report_no = forms.CharField(label=_("Lab report number"), max_length=100, required=False)


class SendToLabForm(ServiceErrorsMixin, forms.Form):
    lab = forms.CharField(label=_("Laboratory (if it changes)"), max_length=200, required=False)
    lab_report_no = forms.CharField(label=_("Lab report number"), max_length=100, required=False)


class TakeForm(ServiceErrorsMixin, forms.Form):
    sampled_at = forms.DateTimeField(
        label=_("Sampled at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    lab = forms.CharField(label=_("Laboratory"), max_length=200, required=False)


class SamplingCloseForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LabRestoreForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportAcceptForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class VerificationOrderForm(ServiceErrorsMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=SamplingChannel.choices, initial=SamplingChannel.OFFLINE)
    lab = forms.CharField(label=_("Laboratory testing the sample"), max_length=200, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

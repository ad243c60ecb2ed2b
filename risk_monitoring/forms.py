"""Forms of the risk-signal pages: intake (staff, enterprise) and triage. The services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.choices import BureauLevel
from accounts.models import Bureau
from cbec_supervision.forms import ServiceErrorsMixin
from filings.choices import FilingStatus, GoodsCategory
from filings.models import EnterpriseFiling, ProductFiling
from filings.pickers import enterprise_picker_widget, product_picker_widget
from risk_monitoring.choices import (
    STAFF_SOURCES,
    Hazard,
    OverseasFeed,
    ResultVerdict,
    SamplingChannel,
    SamplingPurpose,
    Severity,
    SignalSource,
)
from risk_monitoring.figures import DEFAULT_MONTHS, PERIOD_CHOICES
from risk_monitoring.models import Lab

_OPTIONAL = [("", "---------")]


# What the pickers offer staff: any approved filing of any bureau (filings are shared nationally once
# approved); the services check the value again.
_APPROVED_PRODUCTS = ProductFiling.objects.filter(status=FilingStatus.APPROVED)
_APPROVED_ENTERPRISES = EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED)
_APPROVED_PLATFORMS = _APPROVED_ENTERPRISES.filter(is_platform=True)
_APPROVED_WAREHOUSES = _APPROVED_ENTERPRISES.filter(is_logistics=True)


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
    enterprise = forms.IntegerField(
        label=_("Enterprise"),
        required=False,
        min_value=1,
        widget=enterprise_picker_widget(_APPROVED_ENTERPRISES),
    )
    product = forms.IntegerField(
        label=_("Product"),
        required=False,
        min_value=1,
        widget=product_picker_widget(_APPROVED_PRODUCTS, kind="approved"),
    )
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


class DashboardForm(forms.Form):
    """The risk dashboard's filters: the view (a bureau's jurisdiction or national), the period and,
    for headquarters, the bureau. Every field is optional: an empty form is the default view."""

    view = forms.ChoiceField(
        label=_("View"),
        required=False,
        choices=[("bureau", _("My bureau's jurisdiction")), ("national", _("National"))],
    )
    months = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=DEFAULT_MONTHS,
        initial=DEFAULT_MONTHS,
        choices=[],
    )
    bureau = forms.ModelChoiceField(
        label=_("Bureau"),
        required=False,
        queryset=Bureau.objects.exclude(level=BureauLevel.HQ).filter(is_active=True).order_by("code"),
        to_field_name="code",
        empty_label=_("All bureaus (national)"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [  # type: ignore[attr-defined]
            (n, ngettext("Last %(months)d month", "Last %(months)d months", n) % {"months": n}) for n in PERIOD_CHOICES
        ]
        if user.is_hq:
            del self.fields["view"]
        else:
            del self.fields["bureau"]


class OverseasImportForm(ServiceErrorsMixin, forms.Form):
    """An overseas feed file to import (bureau administrators, headquarters); the service checks it."""

    source = forms.ChoiceField(label=_("Feed"), choices=OverseasFeed.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("Safety Gate: CSV or JSON as exported; CPSC: Recalls API JSON."),
        allow_empty_file=True,
    )
    error_fields = {"feed": "source"}


class ProposalDecisionForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000)


# --- the public complaint form ---------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; cleaned to a list (empty when none). Their content is checked by
    the service (``cbec_supervision.attachments.check_upload``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class ComplaintForm(ServiceErrorsMixin, forms.Form):
    """A consumer's complaint (public, no login). The service checks every value; ``website`` is a
    trap for robots: hidden from people (and from screen readers), a robot fills it in."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    contact = forms.CharField(
        label=_("Mobile number or e-mail"),
        max_length=254,
        help_text=_("A mainland mobile number (11 digits) or an e-mail address, for the bureau to reach you."),
    )
    platform = forms.ModelChoiceField(
        label=_("Platform you bought on"),
        queryset=EnterpriseFiling.objects.none(),
        required=False,
        empty_label=_("Not in the list"),
    )
    platform_name = forms.CharField(label=_("Platform, if not in the list"), max_length=200, required=False)
    listing_url = forms.CharField(
        label=_("Listing URL"),
        max_length=1000,
        required=False,
        widget=forms.URLInput(attrs={"inputmode": "url", "placeholder": "https://"}),
    )
    order_no = forms.CharField(label=_("Order number"), max_length=100, required=False)
    product = forms.CharField(
        label=_("Product"), max_length=300, help_text=_("Its name, brand and model as on the listing or the package.")
    )
    what_happened = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 5}))
    occurred_on = forms.DateField(
        label=_("When it happened"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    photos = MultipleFileField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    consent = forms.BooleanField(
        label=_("The bureau may use these details, my name and contact included, to handle this complaint."),
        required=True,
    )
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, photo_help: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["platform"].queryset = EnterpriseFiling.objects.filter(  # type: ignore[attr-defined]
            is_platform=True, status=FilingStatus.APPROVED
        ).order_by("name", "pk")
        self.fields["photos"].help_text = photo_help
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["name"].widget.attrs["autocomplete"] = "name"


# --- sampling plans --------------------------------------------------------------------------------

#: how many laboratory rows the generate form offers
PLAN_LAB_ROWS = 5


class PlanGenerateForm(ServiceErrorsMixin, forms.Form):
    """A monthly plan's parameters, with up to ``PLAN_LAB_ROWS`` laboratories and their capacities."""

    month = forms.CharField(label=_("Month (YYYY-MM)"), max_length=7)
    size = forms.IntegerField(label=_("Goods to sample"), min_value=1, max_value=1000, initial=20)
    random_share = forms.DecimalField(
        label=_("Random share"),
        min_value=Decimal("0"),
        max_value=Decimal("1"),
        decimal_places=2,
        initial=Decimal("0.20"),
        help_text=_("At least this share is drawn uniformly at random, so low-risk goods are checked too."),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=SamplingChannel.choices, initial=SamplingChannel.ONLINE)
    seed = forms.IntegerField(
        label=_("Random seed"),
        required=False,
        min_value=0,
        max_value=2**63 - 1,
        help_text=_("Leave empty for a new draw; give a stored plan's seed to draw it again."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labs = Lab.objects.order_by("name")
        for row in range(1, PLAN_LAB_ROWS + 1):
            self.fields[f"lab_{row}"] = forms.ModelChoiceField(
                label=_("Laboratory %(n)d") % {"n": row}, queryset=labs, required=row == 1
            )
            self.fields[f"capacity_{row}"] = forms.IntegerField(
                label=_("Samples a month"), min_value=1, max_value=1000, required=row == 1
            )
        self.style_fields()

    def lab_rows(self) -> list[tuple[BoundField, BoundField]]:
        return [(self[f"lab_{row}"], self[f"capacity_{row}"]) for row in range(1, PLAN_LAB_ROWS + 1)]

    def clean(self):
        data = super().clean()
        for row in range(1, PLAN_LAB_ROWS + 1):
            lab, capacity = data.get(f"lab_{row}"), data.get(f"capacity_{row}")
            if lab is not None and capacity is None:
                self.add_error(f"capacity_{row}", _("Give the laboratory's capacity."))
            elif lab is None and capacity is not None:
                self.add_error(f"lab_{row}", _("Choose the laboratory."))
        return data

    def labs(self) -> list[tuple[Lab, int]]:
        data = self.cleaned_data
        return [
            (data[f"lab_{row}"], data[f"capacity_{row}"])
            for row in range(1, PLAN_LAB_ROWS + 1)
            if data.get(f"lab_{row}") is not None and data.get(f"capacity_{row}") is not None
        ]


class PlanItemAddForm(ServiceErrorsMixin, forms.Form):
    product = forms.IntegerField(
        label=_("Product"),
        min_value=1,
        max_value=2**63 - 1,
        widget=product_picker_widget(_APPROVED_PRODUCTS, kind="approved"),
    )
    lab = forms.ModelChoiceField(label=_("Laboratory"), queryset=Lab.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Lab.objects.filter(pk__in=list(plan.lab_capacities()))  # type: ignore[attr-defined]


class PlanItemLabForm(ServiceErrorsMixin, forms.Form):
    lab = forms.ModelChoiceField(label=_("Laboratory"), queryset=Lab.objects.none())
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lab"].queryset = Lab.objects.filter(pk__in=list(plan.lab_capacities()))  # type: ignore[attr-defined]


class PlanCloseForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- sampling --------------------------------------------------------------------------------------


class SamplingForm(ServiceErrorsMixin, forms.Form):
    """A sample taken (bureau staff): online (bought on the platform) or offline (in a warehouse).
    The filings are named by id, as on the signal form; the service checks them."""

    channel = forms.ChoiceField(label=_("Channel"), choices=SamplingChannel.choices)
    product = forms.IntegerField(
        label=_("Product"),
        min_value=1,
        max_value=2**63 - 1,
        widget=product_picker_widget(_APPROVED_PRODUCTS, kind="approved"),
    )
    sampled_at = forms.DateTimeField(
        label=_("Sampled (purchased) at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    lab = forms.CharField(label=_("Laboratory"), max_length=200)
    platform = forms.IntegerField(
        label=_("Platform"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=enterprise_picker_widget(_APPROVED_PLATFORMS, type="platform"),
    )
    url = forms.CharField(label=_("Listing URL"), max_length=1000, required=False)
    order_no = forms.CharField(label=_("Order number"), max_length=100, required=False)
    price_paid = forms.DecimalField(label=_("Price paid (CNY)"), required=False, max_digits=12, decimal_places=2)
    screenshot = forms.FileField(label=_("Screenshot of the listing and the order (image or PDF)"), required=False)
    warehouse = forms.IntegerField(
        label=_("Warehouse"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=enterprise_picker_widget(_APPROVED_WAREHOUSES, type="logistics"),
    )
    location = forms.CharField(label=_("Location in the warehouse"), max_length=300, required=False)
    batch = forms.IntegerField(label=_("Import batch id"), required=False, min_value=1, max_value=2**63 - 1)
    quantity = forms.CharField(label=_("Quantity sampled"), max_length=100, required=False)
    lab_report_no = forms.CharField(label=_("Lab report number"), max_length=100, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    purpose = forms.ChoiceField(label=_("Purpose"), choices=SamplingPurpose.choices, initial=SamplingPurpose.ROUTINE)
    report = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    plan_item = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)


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

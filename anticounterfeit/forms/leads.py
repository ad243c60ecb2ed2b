"""Forms of the lead and rights-holder pages: filing and correcting a lead, triage, rights holders.
The services validate again and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from anticounterfeit.choices import DismissalReason, LeadChannel
from cbec_supervision.forms import ServiceErrorsMixin
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from filings.pickers import enterprise_picker_widget, product_picker_widget

# What the pickers offer staff: any approved filing of any bureau; the services check the value again.
_APPROVED_ENTERPRISES = EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED)
_APPROVED_PRODUCTS = ProductFiling.objects.filter(status=FilingStatus.APPROVED)

#: the id of the ``<datalist>`` of recorded rights holders' names on the lead form
HOLDER_DATALIST = "rights-holder-names"


class LinesField(forms.CharField):
    """One value per line of a textarea, as a list (blank lines dropped)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return "\n".join(str(v) for v in value)
        return value


class LeadForm(ServiceErrorsMixin, forms.Form):
    """A lead: where it came from, what it is about, who reported it. ``bureau`` is offered to
    headquarters (which names the bureau) and to staff with branch bureaus, on filing only."""

    bureau = forms.ChoiceField(label=_("Bureau"), choices=(), required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[("", "---------"), *LeadChannel.choices])
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    brand = forms.CharField(label=_("Brand"), required=False, max_length=100)
    rights_holder = forms.CharField(
        label=_("Rights holder"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"list": HOLDER_DATALIST, "autocomplete": "off"}),
        help_text=_("Pick a recorded holder or type a new name: it is recorded."),
    )
    enterprise = forms.IntegerField(
        label=_("Enterprise"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=enterprise_picker_widget(_APPROVED_ENTERPRISES),
        help_text=_("A filed enterprise selling the goods; by default the product's enterprise."),
    )
    seller_name = forms.CharField(
        label=_("Seller or shop"),
        required=False,
        max_length=200,
        help_text=_("As the lead names it, when it is not a filed enterprise."),
    )
    product = forms.IntegerField(
        label=_("Product"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=product_picker_widget(_APPROVED_PRODUCTS, kind="approved"),
    )
    product_name = forms.CharField(
        label=_("Goods"),
        required=False,
        max_length=200,
        help_text=_("As the lead describes them, when they are not a filed product."),
    )
    urls = LinesField(label=_("Listing URLs"), required=False, help_text=_("One web address per line (at most 20)."))
    reporter_name = forms.CharField(label=_("Reported by"), required=False, max_length=100)
    reporter_contact = forms.CharField(label=_("Reporter's contact"), required=False, max_length=100)
    source_reference = forms.CharField(
        label=_("Source reference"),
        required=False,
        max_length=100,
        help_text=_("The reporter's own reference: a complaint number, a letter number."),
    )
    signal = forms.IntegerField(label=_("Risk signal (number)"), required=False, min_value=1, max_value=2**63 - 1)
    sampling = forms.IntegerField(label=_("Sampling (id)"), required=False, min_value=1, max_value=2**63 - 1)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"],
        help_text=_("Now, if left empty."),
    )

    def __init__(self, *args, bureaus: list[tuple[str, str]] | None = None, bureau_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if bureaus:
            self.fields["bureau"].choices = [("", "---------"), *bureaus]  # type: ignore[attr-defined]
            self.fields["bureau"].required = bureau_required
        else:
            del self.fields["bureau"]

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as the services take them (the bureau apart)."""
        data = {name: value for name, value in self.cleaned_data.items() if name != "bureau"}
        if data.get("received_at") is None:
            data.pop("received_at", None)
        return data


class LeadDismissForm(ServiceErrorsMixin, forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=[("", "---------"), *DismissalReason.choices])
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the reason is Other."),
    )


class LeadReopenForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )


class LeadMergeForm(ServiceErrorsMixin, forms.Form):
    """Merge into one of the cases the user may add leads to (``services.leads.merge_candidates``)."""

    case = forms.TypedChoiceField(label=_("Case"), coerce=int, choices=())
    note = forms.CharField(label=_("Note"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))
    with_duplicates = forms.BooleanField(label=_("With its duplicates awaiting triage"), required=False)

    def __init__(self, *args, cases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["case"].choices = [
            ("", "---------"),
            *((case.pk, f"{case.case_no} {case.title}") for case in cases),
        ]


class RightsHolderForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False, choices=())
    brands = LinesField(label=_("Brands"), required=False, help_text=_("One brand per line, as written on goods."))
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=50)
    contact_email = forms.CharField(label=_("Contact email"), required=False, max_length=254)
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    authorised_agent = forms.CharField(
        label=_("Authorised agent"),
        required=False,
        max_length=200,
        help_text=_("The law firm or brand-protection company acting for the holder in China."),
    )
    authorisation_valid_until = forms.DateField(
        label=_("Authorisation valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "---------"), *countries]


class AuthorisationForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("Authorisation document"))
    description = forms.CharField(label=_("Description"), required=False, max_length=255)


class LeadAttachmentForm(ServiceErrorsMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    description = forms.CharField(label=_("What the file shows"), required=False, max_length=255)

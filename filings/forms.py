"""Forms of the filing pages. They check the shape of the input; the services decide the rest.

A service refuses with ``ValidationError({field: [messages]})``; ``add_service_errors`` puts each
message on the form field of that name, or at the top of the form when no field has it.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.urls import reverse_lazy
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.collation import by_name
from cbec_supervision.countries import country_choices
from cbec_supervision.forms import ServiceErrorsMixin
from cbec_supervision.widgets import PickerWidget
from filings.choices import (
    PLEDGE_KIND,
    SUBCATEGORY_CATEGORY,
    EnterpriseSystem,
    EnterpriseType,
    GoodsCategory,
    ProductSubcategory,
    TestVerdict,
)
from filings.models import EnterpriseFiling, ProductFiling, ProductTestReport
from filings.services import ENTERPRISE_EDITABLE_FIELDS, PRODUCT_FIELDS
from filings.validators import validate_phone, validate_uscc

region_code_validator = RegexValidator(r"^[0-9]{6}$", _("A region code has six digits (GB/T 2260), e.g. 330106."))


def _label(model, name: str):
    return capfirst(model._meta.get_field(name).verbose_name)


class EnterpriseFilingForm(ServiceErrorsMixin, forms.Form):
    """Every field an enterprise fills in on its own filing, with the documents of its declared systems."""

    name = forms.CharField(label=_label(EnterpriseFiling, "name"), max_length=200)
    legal_representative = forms.CharField(
        label=_label(EnterpriseFiling, "legal_representative"), max_length=100, required=False
    )
    contact_name = forms.CharField(label=_label(EnterpriseFiling, "contact_name"), max_length=100, required=False)
    contact_phone = forms.CharField(label=_label(EnterpriseFiling, "contact_phone"), max_length=30, required=False)
    email = forms.CharField(label=_label(EnterpriseFiling, "email"), max_length=254, required=False)
    address = forms.CharField(label=_label(EnterpriseFiling, "address"), max_length=300, required=False)
    region_code = forms.CharField(
        label=_label(EnterpriseFiling, "region_code"),
        max_length=6,
        validators=[region_code_validator],
        help_text=_("Six digits (GB/T 2260): the competent bureau follows from it."),
    )
    types = forms.MultipleChoiceField(
        label=_("Enterprise type"),
        choices=EnterpriseType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    main_categories = forms.MultipleChoiceField(
        label=_label(EnterpriseFiling, "main_categories"),
        choices=GoodsCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    platform_name = forms.CharField(label=_label(EnterpriseFiling, "platform_name"), max_length=200, required=False)
    platform_url = forms.CharField(
        label=_label(EnterpriseFiling, "platform_url"),
        max_length=200,
        required=False,
        help_text=_("Platforms only."),
    )
    systems = forms.MultipleChoiceField(
        label=_label(EnterpriseFiling, "systems"),
        choices=EnterpriseSystem.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pledge_signed = forms.BooleanField(
        label=_("We have signed the quality-integrity pledge and will operate by it."), required=False
    )
    pledge_document = forms.FileField(label=_("Signed pledge (scan, optional)"), required=False)

    def __init__(self, *args, with_documents: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_documents = with_documents
        if with_documents:
            for value, label in EnterpriseSystem.choices:
                self.fields[self.document_field(value)] = forms.FileField(label=label, required=False)
            self.style_fields()
        else:
            del self.fields["pledge_document"]

    @staticmethod
    def document_field(system: str) -> str:
        return f"document_{system}"

    @classmethod
    def initial_for(cls, filing: EnterpriseFiling) -> dict:
        initial = {name: getattr(filing, name) for name in ENTERPRISE_EDITABLE_FIELDS}
        initial["types"] = filing.types
        return initial

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ENTERPRISE_EDITABLE_FIELDS}

    def system_fields(self):
        """(system value, its checkbox, its document field) for the template."""
        checkboxes = {str(box.data["value"]): box for box in self["systems"]}
        for value, _label_text in EnterpriseSystem.choices:
            document = self[self.document_field(value)] if self.with_documents else None
            yield value, checkboxes[value], document

    def uploads(self) -> list[tuple[str, str, object]]:
        """(form field, attachment kind, uploaded file) for each document given."""
        found = []
        if not self.with_documents:
            return found
        for value in EnterpriseSystem.values:
            upload = self.cleaned_data.get(self.document_field(value))
            if upload:
                found.append((self.document_field(value), value, upload))
        if self.cleaned_data.get("pledge_document"):
            found.append(("pledge_document", PLEDGE_KIND, self.cleaned_data["pledge_document"]))
        return found


class EnterpriseChangeRequestForm(EnterpriseFilingForm):
    """Proposed values for an approved enterprise filing; unchanged fields are left out by the service."""

    explanation = forms.CharField(
        label=_("Why the change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, **kwargs):
        kwargs["with_documents"] = False
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        return {**self.service_fields(), "types": self.cleaned_data["types"]}


def _subcategory_choices():
    groups = [("", "—")]
    for category, category_label in GoodsCategory.choices:
        subs = [
            (value, label) for value, label in ProductSubcategory.choices if SUBCATEGORY_CATEGORY[value] == category
        ]
        groups.append((category_label, subs))
    return groups


class ProductFilingForm(ServiceErrorsMixin, forms.Form):
    """Every field of a product filing (services.PRODUCT_FIELDS)."""

    name = forms.CharField(label=_label(ProductFiling, "name"), max_length=200)
    name_en = forms.CharField(label=_label(ProductFiling, "name_en"), max_length=200, required=False)
    listed_name = forms.CharField(label=_label(ProductFiling, "listed_name"), max_length=300, required=False)
    brand = forms.CharField(label=_label(ProductFiling, "brand"), max_length=100, required=False)
    model = forms.CharField(label=_label(ProductFiling, "model"), max_length=100, required=False)
    hs_code = forms.CharField(
        label=_label(ProductFiling, "hs_code"),
        max_length=16,
        required=False,
        help_text=_("10 digits; the first 8 are a China Customs commodity code, e.g. 9503008900."),
        widget=PickerWidget(reverse_lazy("catalogues:hs_code_picker"), free_text=True),
    )
    origin_country = forms.ChoiceField(label=_label(ProductFiling, "origin_country"), required=False)
    manufacturer = forms.CharField(label=_label(ProductFiling, "manufacturer"), max_length=200, required=False)
    manufacturer_address = forms.CharField(
        label=_label(ProductFiling, "manufacturer_address"), max_length=300, required=False
    )
    supplier = forms.CharField(label=_label(ProductFiling, "supplier"), max_length=200, required=False)
    category = forms.ChoiceField(
        label=_label(ProductFiling, "category"), choices=[("", "—"), *GoodsCategory.choices], required=False
    )
    subcategory = forms.ChoiceField(label=_label(ProductFiling, "subcategory"), required=False)
    materials = forms.CharField(
        label=_label(ProductFiling, "materials"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    contains_hazardous_substances = forms.BooleanField(
        label=_label(ProductFiling, "contains_hazardous_substances"), required=False
    )
    cas_numbers = forms.CharField(
        label=_label(ProductFiling, "cas_numbers"),
        max_length=2000,
        required=False,
        help_text=_("Separated by semicolons, e.g. 117-81-7; 84-74-2."),
    )
    un_number = forms.CharField(label=_label(ProductFiling, "un_number"), max_length=10, required=False)
    gtin = forms.CharField(label=_label(ProductFiling, "gtin"), max_length=20, required=False)
    used = forms.BooleanField(label=_label(ProductFiling, "used"), required=False)
    ccc_certificate = forms.CharField(label=_label(ProductFiling, "ccc_certificate"), max_length=50, required=False)
    label_text = forms.CharField(
        label=_label(ProductFiling, "label_text"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Or upload a photo or scan of the label on the product page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Built per form so that country names follow the reader's language.
        self.fields["origin_country"].choices = [("", "—"), *country_choices()]
        self.fields["subcategory"].choices = _subcategory_choices()

    @classmethod
    def initial_for(cls, product: ProductFiling) -> dict:
        initial = {name: getattr(product, name) for name in PRODUCT_FIELDS}
        initial["origin_country"] = product.origin_country.code if product.origin_country else ""
        initial["cas_numbers"] = "; ".join(product.cas_numbers or [])
        return initial

    #: shown once the same goods seem filed already: the enterprise confirms this is another product
    confirm_duplicate = forms.BooleanField(
        label=_("This is another product: save it anyway"), required=False, widget=forms.CheckboxInput
    )

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PRODUCT_FIELDS}


class ProductChangeRequestForm(ProductFilingForm):
    explanation = forms.CharField(
        label=_("Why the change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def changes(self) -> dict:
        return self.service_fields()


class DecisionForm(ServiceErrorsMixin, forms.Form):
    """The reason for a decision; whether one is needed is the service's call."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000, required=False
    )


class BureauCorrectionForm(ServiceErrorsMixin, forms.Form):
    bureau = forms.ModelChoiceField(label=_("Competent bureau"), queryset=Bureau.objects.none())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )

    def __init__(self, *args, filing: EnterpriseFiling, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bureau"].queryset = (
            Bureau.objects.filter(is_active=True)
            .exclude(level="hq")
            .exclude(pk=filing.bureau_id)
            .order_by(by_name("name", "name_en"), "code")
        )
        self.fields["bureau"].label_from_instance = lambda b: f"{b.local_name} ({b.code})"


class ColleagueForm(ServiceErrorsMixin, forms.Form):
    """A new user account for a colleague of the same enterprise."""

    username = forms.CharField(label=_("Username"), max_length=150)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False), strip=False)
    password_confirm = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", _("The two passwords differ."))
        return data


class TestReportForm(ServiceErrorsMixin, forms.Form):
    lab = forms.CharField(label=_label(ProductTestReport, "lab"), max_length=200)
    report_no = forms.CharField(label=_label(ProductTestReport, "report_no"), max_length=100)
    issued_on = forms.DateField(
        label=_label(ProductTestReport, "issued_on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    standard = forms.CharField(label=_label(ProductTestReport, "standard"), max_length=200, required=False)
    verdict = forms.ChoiceField(label=_label(ProductTestReport, "verdict"), choices=[("", "—"), *TestVerdict.choices])
    file = forms.FileField(label=_label(ProductTestReport, "attachment"), required=False)
    error_fields = {"upload": "file"}

    # Not a test case, whatever pytest's collector thinks of the name.
    __test__ = False


class UploadForm(ServiceErrorsMixin, forms.Form):
    """One file: a label photo, or a bulk-upload sheet."""

    file = forms.FileField(label=_("File"))
    error_fields = {"upload": "file"}


# --- enterprise self-registration: the form checks the input's shape, ``enterprise_signup`` the rest


def _uscc(value: str) -> None:
    validate_uscc(value)


def _phone(value: str) -> None:
    validate_phone(value)


class SignupForm(ServiceErrorsMixin, forms.Form):
    uscc = forms.CharField(
        label=_("Unified social credit code"),
        max_length=30,
        validators=[_uscc],
        help_text=_("18 characters, as on the business licence."),
    )
    name = forms.CharField(label=_("Enterprise name"), max_length=200)
    region_code = forms.CharField(
        label=_("Region code"),
        max_length=6,
        required=False,
        validators=[region_code_validator],
        help_text=_(
            "Six digits (GB/T 2260) of where the enterprise is registered; the competent bureau follows from it. "
            "Left empty, characters 3 to 8 of the credit code are used."
        ),
    )
    contact_name = forms.CharField(label=_("Contact"), max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, validators=[_phone])
    email = forms.EmailField(label=_("Email"), max_length=254)
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password_confirm = forms.CharField(
        label=_("Password (again)"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_confirm") and data["password"] != data["password_confirm"]:
            self.add_error("password_confirm", ValidationError(_("The two passwords differ.")))
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "uscc": data["uscc"],
            "name": data["name"],
            "region_code": data["region_code"],
            "contact_name": data["contact_name"],
            "contact_phone": data["contact_phone"],
            "email": data["email"],
            "username": data["username"],
            "password": data["password"],
        }

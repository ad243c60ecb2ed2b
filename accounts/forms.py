"""Enterprise self-registration: the form checks the input's shape, ``enterprise_signup`` the rest."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cbec_supervision.forms import ServiceErrorsMixin
from filings.forms import region_code_validator
from filings.validators import validate_phone, validate_uscc


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

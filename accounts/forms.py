"""The account pages' forms: they check the input's shape; ``accounts.services`` decides the rest."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.utils.translation import gettext_lazy as _

from accounts.choices import AccountRole
from accounts.services import assignable_bureaus, assignable_roles
from cbec_supervision.forms import ServiceErrorsMixin


def _role_choices(actor) -> list[tuple[str, str]]:
    return [(role, AccountRole(role).label) for role in assignable_roles(actor)]


def _bureau_field(actor, required: bool) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        label=_("Bureau"), queryset=assignable_bureaus(actor).order_by("code"), required=required
    )
    field.label_from_instance = lambda b: f"{b.code} {b.name}"
    return field


class AccountCreateForm(ServiceErrorsMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    last_name = forms.CharField(label=_("Family name"), max_length=150, required=False)
    first_name = forms.CharField(label=_("Given name"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor)
        if not actor.is_enterprise_user:
            self.fields["bureau"] = _bureau_field(actor, required=False)
            self.fields["bureau"].help_text = _("Headquarters accounts need none.")
            if actor.role == "bureau_admin":
                self.fields["bureau"].required = True
                self.fields["bureau"].initial = actor.bureau_id
        self.style_fields()


class AccountRoleForm(ServiceErrorsMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"))
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)

    def __init__(self, *args, actor, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = _role_choices(actor)
        self.fields["role"].initial = account.account_role
        if not account.is_enterprise_user:
            self.fields["bureau"] = _bureau_field(actor, required=False)
            self.fields["bureau"].initial = account.bureau_id
            self.order_fields(["role", "bureau", "reason"])
        self.style_fields()


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class StyledPasswordChangeForm(ServiceErrorsMixin, PasswordChangeForm):
    """Django's form (old password, new password twice, the validators), in the house style."""

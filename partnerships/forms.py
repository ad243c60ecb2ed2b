"""The operator's request for a partnership: a platform, or a warehouse, picked among approved ones."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cbec_supervision.forms import ServiceErrorsMixin
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from filings.pickers import enterprise_picker_widget
from partnerships.choices import PARTNER_FLAGS, PartnershipKind

#: the enterprise picker's ``type=`` for each kind of partner
_PICKER_TYPES = {PartnershipKind.PLATFORM: "platform", PartnershipKind.WAREHOUSE: "logistics"}


class PartnershipRequestForm(ServiceErrorsMixin, forms.Form):
    """One kind of partner (the form's prefix is the kind): the partner, and a note for it."""

    partner = forms.ModelChoiceField(label=_("Platform or warehouse"), queryset=EnterpriseFiling.objects.none())
    note = forms.CharField(
        label=_("Note to the partner"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, kind: str, **kwargs):
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        self.kind = kind
        # Approved partners are shared nationwide; a type-ahead picker, checked against the same queryset.
        partners = EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED, **{PARTNER_FLAGS[kind]: True})
        field = self.fields["partner"]
        field.queryset = partners  # type: ignore[attr-defined]  # fields[] is typed Field; "partner" is the ModelChoiceField above
        field.label = _("Platform") if kind == PartnershipKind.PLATFORM else _("Warehouse (logistics enterprise)")
        field.widget = enterprise_picker_widget(partners, type=_PICKER_TYPES[PartnershipKind(kind)])

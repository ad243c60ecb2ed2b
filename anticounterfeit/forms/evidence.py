"""Forms of the evidence pages: an item (a file or a physical item), its correction, a custody event."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from anticounterfeit.choices import CustodyAction, EvidenceKind
from anticounterfeit.custody import instant_problem
from anticounterfeit.services.custody import AUTOMATIC_ACTIONS
from cbec_supervision.forms import ServiceErrorsMixin

_LOCAL = {"type": "datetime-local", "step": "1"}


def _instant(value):
    """A date and time from 1 January 2000 on (the services check "not in the future")."""
    if value is not None and (problem := instant_problem(value)):
        raise forms.ValidationError(problem)
    return value


class _ItemFields(ServiceErrorsMixin, forms.Form):
    collected_at = forms.DateTimeField(
        label=_("Collected at"),
        required=False,
        help_text=_("Beijing time. Empty: now."),
        widget=forms.DateTimeInput(attrs=_LOCAL, format="%Y-%m-%dT%H:%M:%S"),
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    method = forms.CharField(
        label=_("Method"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"list": "evidence-methods"}),
    )
    description = forms.CharField(
        label=_("Description"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 3})
    )
    witnesses = forms.CharField(label=_("Others present"), max_length=300, required=False)
    quantity = forms.IntegerField(label=_("Quantity (physical item)"), min_value=1, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    storage_location = forms.CharField(label=_("Storage location"), max_length=200, required=False)
    seal_no = forms.CharField(label=_("Seal number"), max_length=60, required=False)

    def clean_collected_at(self):
        return _instant(self.cleaned_data.get("collected_at"))


class EvidenceForm(_ItemFields):
    kind = forms.ChoiceField(label=_("Kind"), choices=EvidenceKind.choices, initial=EvidenceKind.FILE)
    file = forms.FileField(label=_("File"), required=False, allow_empty_file=True)
    field_order = ["kind", "file", "collected_at", "place", "method", "description", "witnesses"]


class EvidenceCorrectForm(_ItemFields):
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(
        label=_("New file"), required=False, allow_empty_file=True, help_text=_("Empty: the file stays the same.")
    )
    field_order = ["reason", "file", "collected_at", "place", "method", "description", "witnesses"]


class CustodyForm(ServiceErrorsMixin, forms.Form):
    evidence = forms.TypedChoiceField(label=_("Item"), coerce=int)
    action = forms.ChoiceField(
        label=_("Action"), choices=[c for c in CustodyAction.choices if c[0] not in AUTOMATIC_ACTIONS]
    )
    at = forms.DateTimeField(
        label=_("At"),
        help_text=_("Beijing time."),
        widget=forms.DateTimeInput(attrs=_LOCAL, format="%Y-%m-%dT%H:%M:%S"),
    )
    from_party = forms.CharField(label=_("From"), max_length=200, required=False)
    to_party = forms.CharField(label=_("To"), max_length=200, required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    note = forms.CharField(label=_("Note"), max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_at(self):
        return _instant(self.cleaned_data.get("at"))

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].choices = [(item.pk, str(item)) for item in items]

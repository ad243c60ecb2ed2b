"""Forms of the inter-bureau notice pages: sending and acknowledging. The services decide."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.forms import ServiceErrorsMixin
from traceability import workdays


class BureauChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Bureau) -> str:  # type: ignore[override]
        return f"{obj.code} {obj.local_name}"


class NoticeForm(ServiceErrorsMixin, forms.Form):
    """Notify another bureau about an object: the bureau, a subject, a message, a due date."""

    to_bureau = BureauChoiceField(label=_("To bureau"), queryset=Bureau.objects.none(), to_field_name="code")
    subject = forms.CharField(label=_("Subject"), max_length=300)
    body = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    due_date = forms.DateField(
        label=_("Acknowledge by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The end of that day (Beijing time); by default the fifth working day from today."),
    )
    error_fields = {"due_at": "due_date"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bureaus = Bureau.objects.filter(is_active=True).order_by("code")
        if user.is_bureau_staff:
            bureaus = bureaus.exclude(pk__in=user.jurisdiction().values("pk"))
        elif user.bureau_id is not None:
            bureaus = bureaus.exclude(pk=user.bureau_id)
        self.fields["to_bureau"].queryset = bureaus  # type: ignore[attr-defined]

    def clean_due_date(self) -> dt.date | None:
        day = self.cleaned_data.get("due_date")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The due date is to be in the future."))
        return day

    def due_at(self) -> dt.datetime | None:
        day = self.cleaned_data.get("due_date")
        return workdays.end_of_day(day) if day else None


class AcknowledgeForm(ServiceErrorsMixin, forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )

"""Forms of the inter-bureau notice pages: sending and acknowledging. The services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.forms import ServiceErrorsMixin
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from filings.pickers import enterprise_picker_widget, product_picker_widget
from traceability import workdays
from traceability.choices import (
    INVESTIGATION_TRANSITIONS,
    InvestigationStatus,
    MeasureType,
    ProofKind,
    RecallChannel,
    ResponsibleParty,
)


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


# --- investigations --------------------------------------------------------------------------------

# What the pickers offer staff: any approved filing of any bureau; the services check the value again.
_APPROVED_ENTERPRISES = EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED)
_APPROVED_PLATFORMS = _APPROVED_ENTERPRISES.filter(is_platform=True)
_APPROVED_PRODUCTS = ProductFiling.objects.filter(status=FilingStatus.APPROVED)


class IdListField(forms.CharField):
    """Numbers separated by commas or spaces (``12, 15``), as a list of ids."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value)
        ids: list[int] = []
        for part in text.replace(",", " ").replace("#", " ").split():
            if not part.isdigit() or not 0 < int(part) < 2**63:
                raise forms.ValidationError(_("Give numbers separated by commas."))
            if int(part) not in ids:
                ids.append(int(part))
        return ids

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value


class InvestigationOpenForm(ServiceErrorsMixin, forms.Form):
    """Open an investigation: from signals and/or samplings, or the enterprise, platform and product."""

    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    signals = IdListField(
        label=_("Risk signals"), required=False, help_text=_("Numbers of assessed signals, separated by commas.")
    )
    samplings = IdListField(
        label=_("Samplings"), required=False, help_text=_("Ids of failed samplings, separated by commas.")
    )
    enterprise = forms.IntegerField(
        label=_("Enterprise"),
        required=False,
        min_value=1,
        widget=enterprise_picker_widget(_APPROVED_ENTERPRISES),
        help_text=_("The operator; by default that of the first signal or sampling."),
    )
    platform = forms.IntegerField(
        label=_("Platform"),
        required=False,
        min_value=1,
        widget=enterprise_picker_widget(_APPROVED_PLATFORMS, type="platform"),
        help_text=_("Its competent bureau leads the case; without a platform, the operator's bureau does."),
    )
    product = forms.IntegerField(
        label=_("Product"),
        required=False,
        min_value=1,
        widget=product_picker_widget(_APPROVED_PRODUCTS, kind="approved"),
    )
    error_fields = {"products": "product"}


class InvestigationAdvanceForm(ServiceErrorsMixin, forms.Form):
    status = forms.ChoiceField(label=_("Move to"), choices=())
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, InvestigationStatus(value).label)
            for value in INVESTIGATION_TRANSITIONS.get(current, ())
            if value != InvestigationStatus.CLOSED
        ]


class InvestigationCloseForm(ServiceErrorsMixin, forms.Form):
    """The findings: the root cause, the responsible party and enterprise, a confirmed quality problem."""

    root_cause = forms.CharField(label=_("Root cause"), widget=forms.Textarea(attrs={"rows": 3}))
    responsible_party = forms.ChoiceField(label=_("Responsible party"), choices=ResponsibleParty.choices)
    responsible_enterprise = forms.IntegerField(
        label=_("Responsible enterprise"), min_value=1, widget=enterprise_picker_widget(_APPROVED_ENTERPRISES)
    )
    quality_problem_confirmed = forms.BooleanField(
        label=_("A quality problem of its goods is confirmed"),
        required=False,
        help_text=_("Counts towards proposing strict supervision of the enterprise."),
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InvestigationReassignForm(ServiceErrorsMixin, forms.Form):
    lead_bureau = BureauChoiceField(label=_("New lead bureau"), queryset=Bureau.objects.none(), to_field_name="code")
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, current_bureau_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_bureau"].queryset = (  # type: ignore[attr-defined]
            Bureau.objects.filter(is_active=True).exclude(pk=current_bureau_id).order_by("code")
        )


class InvestigationMajorForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Why it is a major case"), widget=forms.Textarea(attrs={"rows": 2}))


class InvestigationNoteForm(ServiceErrorsMixin, forms.Form):
    message = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}))


class InvestigationLinkForm(ServiceErrorsMixin, forms.Form):
    signals = IdListField(label=_("Risk signals"), required=False, help_text=_("Numbers of assessed signals."))
    samplings = IdListField(label=_("Samplings"), required=False, help_text=_("Ids of failed samplings."))


# --- measures --------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the service checks each one's size and type)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _deadline(day: dt.date | None) -> dt.datetime | None:
    return workdays.end_of_day(day) if day else None


class MeasureIssueForm(ServiceErrorsMixin, forms.Form):
    """Order a measure on an investigation: its type, target, legal basis, deadline (the end of that day)."""

    type = forms.ChoiceField(label=_("Measure"), choices=MeasureType.choices)
    enterprise = forms.IntegerField(
        label=_("Addressed to (enterprise)"), min_value=1, widget=enterprise_picker_widget(_APPROVED_ENTERPRISES)
    )
    product = forms.IntegerField(
        label=_("Product"),
        required=False,
        min_value=1,
        widget=product_picker_widget(_APPROVED_PRODUCTS, kind="approved"),
    )
    batch = forms.IntegerField(label=_("Import batch (id)"), required=False, min_value=1)
    platform = forms.IntegerField(
        label=_("Platform concerned (delisting, recall)"),
        required=False,
        min_value=1,
        widget=enterprise_picker_widget(_APPROVED_PLATFORMS, type="platform"),
    )
    listing_urls = forms.CharField(
        label=_("Listings to take down (one URL a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}))
    deadline_date = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    error_fields = {"deadline": "deadline_date"}

    def deadline(self) -> dt.datetime | None:
        return _deadline(self.cleaned_data.get("deadline_date"))


class VoluntaryRecallForm(ServiceErrorsMixin, forms.Form):
    """An enterprise opens a recall of one of its own products."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=ProductFiling.objects.none())
    platform = forms.IntegerField(
        label=_("Platform concerned"),
        required=False,
        min_value=1,
        widget=enterprise_picker_widget(_APPROVED_PLATFORMS, type="platform"),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}))
    deadline_date = forms.DateField(label=_("Recall by"), widget=forms.DateInput(attrs={"type": "date"}))
    error_fields = {"deadline": "deadline_date"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _APPROVED_PRODUCTS.filter(  # type: ignore[attr-defined]
            enterprise_id=user.enterprise_id
        ).order_by("name")

    def deadline(self) -> dt.datetime | None:
        return _deadline(self.cleaned_data.get("deadline_date"))


class MeasureRespondForm(ServiceErrorsMixin, forms.Form):
    """The enterprise's response, with files per kind of proof."""

    response = forms.CharField(label=_("Response"), max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, proof_kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        for kind in (*proof_kinds, ProofKind.OTHER):
            self.fields[kind] = MultipleFileField(label=ProofKind(kind).label)
        self.style_fields()

    def files_by_kind(self) -> dict[str, list]:
        return {
            kind: list(self.cleaned_data.get(kind) or [])
            for kind in ProofKind.values
            if kind in self.fields and self.cleaned_data.get(kind)
        }


class RecallProgressForm(ServiceErrorsMixin, forms.Form):
    reported_on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    units_sold = forms.IntegerField(label=_("Units sold"), min_value=1)
    units_recovered = forms.IntegerField(label=_("Units recovered so far"), min_value=0)
    channels = forms.MultipleChoiceField(
        label=_("Channels used to reach buyers"),
        choices=RecallChannel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))


class VerifyForm(ServiceErrorsMixin, forms.Form):
    recheck_passed = forms.TypedChoiceField(
        label=_("Re-check"),
        required=False,
        choices=[("", "---------"), ("true", _("Passed")), ("false", _("Failed"))],
        coerce=lambda value: value == "true",
        empty_value=None,
    )
    recheck_note = forms.CharField(
        label=_("Re-check note"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(ServiceErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=10000, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(ServiceErrorsMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (required to return)"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

"""Forms of the counterfeit case pages: proposing a case, each step of the procedure, assigning people.
The services decide; the forms only take the values."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from accounts.models import User
from anticounterfeit.choices import CaseDuty, DecisionKind, ServiceMethod
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead
from cbec_supervision.forms import ServiceErrorsMixin
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from filings.pickers import enterprise_picker_widget

_APPROVED_ENTERPRISES = EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED)
_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class IdListField(forms.CharField):
    """Numbers separated by commas or spaces (``12, 15``), as a list of ids."""

    def to_python(self, value: Any) -> list[int]:  # type: ignore[override]
        text = super().to_python(value) or ""
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


def _text(label: Any, *, rows: int = 4, required: bool = True, help_text: Any = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


def _number() -> forms.CharField:
    return forms.CharField(label=_("Document number"), required=False, max_length=60)


def _upload() -> forms.FileField:
    return forms.FileField(label=_("Signed copy (optional)"), required=False)


def _amount(label) -> forms.CharField:
    return forms.CharField(
        label=label, required=False, max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )


class LeadChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: CounterfeitLead) -> str:
        return f"#{obj.pk} {obj.title}" + (f" ({obj.brand})" if obj.brand else "")


class CaseCreateForm(ServiceErrorsMixin, forms.Form):
    """Propose a case: the leads it comes from (awaiting triage), a title (by default the first lead's),
    the party, the request to open it."""

    leads = LeadChoiceField(
        label=_("Leads"), required=False, queryset=CounterfeitLead.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    title = forms.CharField(
        label=_("Title"), required=False, max_length=300, help_text=_("By default the title of the first lead.")
    )
    description = _text(_("Description"), required=False)
    brand = forms.CharField(label=_("Brand"), required=False, max_length=100)
    enterprise = forms.IntegerField(
        label=_("Party (filed enterprise)"),
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        widget=enterprise_picker_widget(_APPROVED_ENTERPRISES),
    )
    party_name = forms.CharField(label=_("Party (if not filed)"), required=False, max_length=200)
    products = IdListField(label=_("Products"), required=False, help_text=_("Ids of approved product filings."))
    signals = IdListField(label=_("Risk signals"), required=False, help_text=_("Numbers of risk signals."))
    investigations = IdListField(label=_("Investigations"), required=False, help_text=_("Ids of investigations."))
    goods_value_cny = _amount(_("Value of the goods (CNY)"))
    opening_text = _text(
        _("Request to open the case"),
        required=False,
        help_text=_("The facts and the legal basis; by default the description."),
    )
    opening_number = forms.CharField(label=_("Document number"), required=False, max_length=60)
    upload = _upload()

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        leads = CounterfeitLead.objects.visible_to(user).filter(status="new").order_by("-received_at", "-id")
        selected = self.initial.get("leads") or []
        if selected:
            # The leads named in the link come first, then the bureau's newest.
            leads = leads.filter(Q(pk__in=selected) | Q(pk__in=leads.values("pk")[:50]))
        else:
            leads = leads.filter(pk__in=leads.values("pk")[:50])
        self.fields["leads"].queryset = leads  # type: ignore[attr-defined]


def _officer_label(obj: User) -> str:
    name = obj.get_full_name()
    return f"{name} ({obj.username})" if name else obj.username


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _officer_label(obj)


class OfficerMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return _officer_label(obj)


class CaseApproveForm(ServiceErrorsMixin, forms.Form):
    text = _text(_("Approval"))
    number = _number()
    handlers = OfficerMultipleChoiceField(
        label=_("More handlers"), required=False, queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    reviewer = OfficerChoiceField(label=_("Reviewer"), required=False, queryset=User.objects.none())
    decider = OfficerChoiceField(label=_("Deciding officer"), required=False, queryset=User.objects.none())
    upload = _upload()


class CaseReasonForm(ServiceErrorsMixin, forms.Form):
    reason = _text(_("Reason"), rows=3)
    number = _number()
    upload = _upload()


class CaseReportForm(ServiceErrorsMixin, forms.Form):
    report_text = _text(_("Investigation report"), rows=5)
    number = _number()
    upload = _upload()


class CaseOpinionForm(ServiceErrorsMixin, forms.Form):
    opinion = _text(_("Review opinion"), rows=5)
    number = _number()
    upload = _upload()


def _now() -> Any:
    return timezone.localtime().replace(second=0, microsecond=0)


class CaseNoticeForm(ServiceErrorsMixin, forms.Form):
    served_at = forms.DateTimeField(label=_("Notice served at"), widget=_DATETIME, initial=_now)
    text = _text(_("Notice of the proposed penalty"))
    hearing_requested = forms.BooleanField(label=_("The party asked for a hearing"), required=False)
    hearing_waived = forms.BooleanField(label=_("The party waived the hearing"), required=False)
    number = _number()
    upload = _upload()


class CaseHearingForm(ServiceErrorsMixin, forms.Form):
    held_at = forms.DateTimeField(label=_("Hearing held at"), widget=_DATETIME, initial=_now)
    text = _text(_("Hearing record"))
    number = _number()
    upload = _upload()


class CaseDecideForm(ServiceErrorsMixin, forms.Form):
    decision_kind = forms.ChoiceField(label=_("Decision"), choices=DecisionKind.choices)
    decision_no = forms.CharField(label=_("Decision number"), max_length=60)
    text = _text(_("Decision text"), rows=5)
    fine_amount_cny = _amount(_("Fine (CNY)"))
    illegal_gains_cny = _amount(_("Illegal gains confiscated (CNY)"))
    goods_value_cny = _amount(_("Value of the goods (CNY)"))
    confiscated_quantity = forms.CharField(label=_("Items confiscated"), required=False, max_length=20)
    upload = _upload()


class CaseServeForm(ServiceErrorsMixin, forms.Form):
    served_at = forms.DateTimeField(label=_("Served at"), widget=_DATETIME, initial=_now)
    method = forms.ChoiceField(label=_("Service method"), choices=ServiceMethod.choices)
    text = _text(_("Proof of service"), rows=3)
    number = _number()
    upload = _upload()


class CaseEnforceForm(ServiceErrorsMixin, forms.Form):
    fine_paid_cny = _amount(_("Fine paid (CNY)"))
    text = _text(_("Enforcement record"), rows=3)
    number = _number()
    upload = _upload()


class CaseTransferForm(ServiceErrorsMixin, forms.Form):
    transferred_to = forms.CharField(
        label=_("Transferred to"), max_length=200, help_text=_("The public security organ or procuratorate.")
    )
    text = _text(_("Transfer letter"), rows=3)
    number = _number()
    upload = _upload()


class CaseCloseForm(ServiceErrorsMixin, forms.Form):
    summary = _text(_("Closing report"), rows=4)
    number = _number()
    upload = _upload()


def officers_of(case: CounterfeitCase):
    """Active officers who may be assigned to the case: staff of its bureau or of its parent bureau."""
    bureaus = [case.bureau_id, case.bureau.parent_id]
    return User.objects.filter(
        is_active=True, role__in=(Role.INSPECTOR, Role.BUREAU_ADMIN), bureau_id__in=[b for b in bureaus if b]
    ).order_by("username")


class CaseAssignForm(ServiceErrorsMixin, forms.Form):
    user = OfficerChoiceField(label=_("Officer"), queryset=User.objects.none())
    duty = forms.ChoiceField(label=_("Duty"), choices=CaseDuty.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)
    replace = forms.BooleanField(
        label=_("Replace the current reviewer or deciding officer"),
        required=False,
        help_text=_("Ends their assignment with the reason given."),
    )

    def __init__(self, *args, case: CounterfeitCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = officers_of(case)  # type: ignore[attr-defined]


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CaseAssignment) -> str:
        return f"{obj.user.get_full_name() or obj.user.username} · {obj.get_duty_display()}"


class CaseUnassignForm(ServiceErrorsMixin, forms.Form):
    assignment = AssignmentChoiceField(label=_("Assignment"), queryset=CaseAssignment.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, case: CounterfeitCase, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = (  # type: ignore[attr-defined]
            CaseAssignment.objects.filter(case=case, ended_at__isnull=True).select_related("user").order_by("id")
        )


def approve_form(case: CounterfeitCase, data=None, files=None) -> CaseApproveForm:
    form = CaseApproveForm(data, files, prefix="approve")
    officers = officers_of(case)
    for name in ("handlers", "reviewer", "decider"):
        form.fields[name].queryset = officers  # type: ignore[attr-defined]
    return form


#: the form of each step, by action name
STEP_FORMS: dict[str, type[forms.Form]] = {
    "approve": CaseApproveForm,
    "refuse": CaseReasonForm,
    "submit-for-review": CaseReportForm,
    "review": CaseOpinionForm,
    "return": CaseReasonForm,
    "notice": CaseNoticeForm,
    "hearing": CaseHearingForm,
    "decide": CaseDecideForm,
    "serve": CaseServeForm,
    "enforce": CaseEnforceForm,
    "transfer": CaseTransferForm,
    "close": CaseCloseForm,
}


def step_form(action: str, case: CounterfeitCase, data=None, files=None) -> forms.Form:
    if action == "approve":
        return approve_form(case, data, files)
    # Each step's form has its own prefix: several are on one page, and their field ids stay apart.
    return STEP_FORMS[action](data, files, prefix=action)


class CaseLinkForm(ServiceErrorsMixin, forms.Form):
    """Link more of what the case involves (ids, as on the case-opening form)."""

    products = IdListField(label=_("Products"), required=False, help_text=_("Ids of approved product filings."))
    enterprises = IdListField(
        label=_("Enterprises involved"), required=False, help_text=_("Ids of approved enterprise filings.")
    )
    signals = IdListField(label=_("Risk signals"), required=False, help_text=_("Numbers of risk signals."))
    investigations = IdListField(label=_("Investigations"), required=False, help_text=_("Ids of investigations."))
    rights_holders = IdListField(label=_("Rights holders"), required=False, help_text=_("Ids of rights holders."))

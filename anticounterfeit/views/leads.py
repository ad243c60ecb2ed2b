"""Lead and rights-holder pages: the lists (filters, sorting, export), a lead with its duplicates, its
history and the triage controls, the forms that file and correct a lead, and the rights holders with
their authorisation documents.

Thin views over ``anticounterfeit.services``; staff and headquarters only (anyone else: 404); every
lead is looked up through ``visible_to(request.user)`` (outside it: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Bureau
from anticounterfeit.choices import LeadStatus
from anticounterfeit.filtersets.leads import CounterfeitLeadFilterSet, RightsHolderFilterSet
from anticounterfeit.forms.leads import (
    HOLDER_DATALIST,
    AuthorisationForm,
    LeadAttachmentForm,
    LeadDismissForm,
    LeadForm,
    LeadMergeForm,
    LeadReopenForm,
    RightsHolderForm,
)
from anticounterfeit.models import CounterfeitCase, CounterfeitLead, RightsHolder
from anticounterfeit.services import leads as lead_services
from anticounterfeit.services import rights_holders as holder_services
from anticounterfeit.tables.leads import CounterfeitLeadTable, RightsHolderTable
from cbec_supervision.lists import list_page
from cbec_supervision.webui import act_on_form, show_refusal, staff_only

# --- leads -----------------------------------------------------------------------------------------


def _lead(request, pk: int) -> CounterfeitLead:
    """The lead, among those the reader may see (404 otherwise), with what its page shows."""
    staff_only(request.user)
    return get_object_or_404(
        lead_services.leads_visible_to(request.user).select_related(
            "bureau",
            "rights_holder",
            "enterprise",
            "product",
            "signal",
            "sampling",
            "triaged_by",
            "created_by",
        ),
        pk=pk,
    )


def _bureau_choices(user) -> tuple[list[tuple[str, str]], bool]:
    """The bureaus a lead may be filed for by ``user`` and whether one must be named: headquarters names
    one; staff choose within their jurisdiction (their own by default) when it has branch bureaus."""
    if user.is_bureau_staff:
        bureaus = list(user.jurisdiction().filter(is_active=True).order_by("code"))
        if len(bureaus) < 2:
            return [], False
        return [(b.code, f"{b.code} {b.local_name}") for b in bureaus], False
    bureaus = list(Bureau.objects.filter(is_active=True).exclude(level="hq").order_by("code"))
    return [(b.code, f"{b.code} {b.local_name}") for b in bureaus], True


def _holder_names() -> list[str]:
    return list(RightsHolder.objects.order_by("name").values_list("name", flat=True)[:500])


@login_required
@require_GET
def lead_list(request):
    user = request.user
    staff_only(user)
    queryset = lead_services.leads_visible_to(user).select_related("bureau", "enterprise", "product")
    group = request.GET.get("group", "")
    return list_page(
        request,
        queryset=queryset,
        table_class=CounterfeitLeadTable,
        filterset_class=CounterfeitLeadFilterSet,
        template="anticounterfeit/leads/lead_list.html",
        context={
            "title": _("Duplicate group") if group else _("Counterfeit leads"),
            "breadcrumbs": [{"url": request.path, "label": _("Counterfeit leads")}] if group else [],
            "search_placeholder": _("Title, seller, goods or brand"),
            "may_file": lead_services.may_file(user),
            "group": group,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_create(request):
    user = request.user
    staff_only(user)
    if not lead_services.may_file(user):
        raise PermissionDenied
    bureaus, bureau_required = _bureau_choices(user)
    posted = request.method == "POST"
    form = LeadForm(
        request.POST if posted else None,
        bureaus=bureaus,
        bureau_required=bureau_required,
        initial={"bureau": "" if bureau_required else getattr(user.bureau, "code", "")},
    )
    if posted and form.is_valid():
        try:
            lead = lead_services.lead_create(
                actor=user, bureau=form.cleaned_data.get("bureau") or None, **form.service_data()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The lead is filed."))
            return redirect(lead)
    return render(
        request,
        "anticounterfeit/leads/lead_form.html",
        {
            "form": form,
            "title": _("File a counterfeit lead"),
            "holder_names": _holder_names(),
            "holder_datalist": HOLDER_DATALIST,
            "submit_testid": "lead-create-submit",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lead_edit(request, pk: int):
    user = request.user
    lead = _lead(request, pk)
    if not lead_services.may_edit(user, lead):
        raise PermissionDenied
    posted = request.method == "POST"
    initial = {
        "channel": lead.channel,
        "title": lead.title,
        "description": lead.description,
        "brand": lead.brand,
        "rights_holder": lead.rights_holder.name if lead.rights_holder else "",
        "enterprise": lead.enterprise_id,
        "seller_name": lead.seller_name,
        "product": lead.product_id,
        "product_name": lead.product_name,
        "urls": lead.urls,
        "reporter_name": lead.reporter_name,
        "reporter_contact": lead.reporter_contact,
        "source_reference": lead.source_reference,
        "signal": lead.signal_id,
        "sampling": lead.sampling_id,
        "received_at": lead.received_at,
    }
    form = LeadForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            lead_services.lead_update(actor=user, lead=lead, **form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The lead is corrected."))
            return redirect(lead)
    return render(
        request,
        "anticounterfeit/leads/lead_form.html",
        {
            "form": form,
            "lead": lead,
            "title": _("Correct the lead"),
            "holder_names": _holder_names(),
            "holder_datalist": HOLDER_DATALIST,
            "submit_testid": "lead-edit-submit",
        },
    )


@login_required
@require_GET
def lead_detail(request, pk: int):
    user = request.user
    lead = _lead(request, pk)
    may_triage = lead_services.may_triage(user, lead)
    may_merge = lead_services.may_merge(user, lead)
    duplicates = list(lead_services.lead_duplicates(user, lead))
    cases = list(lead_services.merge_candidates(user)) if may_merge else []
    # The case a lead was merged into is named only to whoever may see that case (its people, its
    # bureau's administrators, headquarters): the rest of the bureau reads "merged into a case".
    merged_case = (
        CounterfeitCase.objects.visible_to(user).filter(pk=lead.case_id).only("pk", "case_no", "title").first()
        if lead.case_id is not None
        else None
    )
    return render(
        request,
        "anticounterfeit/leads/lead_detail.html",
        {
            "lead": lead,
            "merged_case": merged_case,
            "duplicates": duplicates,
            "new_duplicates": sum(1 for d in duplicates if d.status == LeadStatus.NEW),
            "may_triage": may_triage,
            "may_edit": lead_services.may_edit(user, lead),
            "may_dismiss": lead_services.may_dismiss(user, lead),
            "may_reopen": lead_services.may_reopen(user, lead),
            "may_merge": may_merge,
            "merge_cases": cases,
            # Several forms on one page: ids of their own (the posted names stay the same).
            "dismiss_form": LeadDismissForm(auto_id="id_dismiss_%s"),
            "reopen_form": LeadReopenForm(auto_id="id_reopen_%s"),
            "merge_form": LeadMergeForm(cases=cases, auto_id="id_merge_%s"),
            "attachments": list(lead_services.lead_attachments(lead)),
            "attachment_form": LeadAttachmentForm(auto_id="id_attachment_%s"),
        },
    )


@login_required
@require_POST
def lead_attachment(request, pk: int):
    """Attach a file to the lead (multipart ``file``)."""
    lead = _lead(request, pk)
    form = LeadAttachmentForm(request.POST, request.FILES)
    return act_on_form(
        request,
        form,
        lambda data: lead_services.lead_attach(
            actor=request.user, lead=lead, upload=data["file"], description=data["description"]
        ),
        done=_("The file is attached."),
        then=lead,
    )


def _lead_action(request, pk: int, form, act, done: str):
    """Run ``act(lead, cleaned_data)`` on a valid form; show the refusal or ``done``."""
    lead = _lead(request, pk)
    return act_on_form(request, form, lambda data: act(lead, data), done=done, then=lead)


@login_required
@require_POST
def lead_dismiss(request, pk: int):
    return _lead_action(
        request,
        pk,
        LeadDismissForm(request.POST),
        lambda lead, data: lead_services.lead_dismiss(
            actor=request.user, lead=lead, reason=data["reason"], note=data["note"]
        ),
        _("The lead is dismissed."),
    )


@login_required
@require_POST
def lead_reopen(request, pk: int):
    return _lead_action(
        request,
        pk,
        LeadReopenForm(request.POST),
        lambda lead, data: lead_services.lead_reopen(actor=request.user, lead=lead, reason=data["reason"]),
        _("The lead is reopened: it awaits triage again."),
    )


@login_required
@require_POST
def lead_merge(request, pk: int):
    user = request.user
    cases = lead_services.merge_candidates(user)
    merged: list[CounterfeitLead] = []

    def act(lead: CounterfeitLead, data: dict) -> None:
        case = CounterfeitCase.objects.visible_to(user).filter(pk=data["case"]).first()
        if case is None:
            raise ValidationError({"case": [_("No such case.")]})
        merged.extend(
            lead_services.lead_triage_merge(
                actor=user, lead=lead, case=case, note=data["note"], with_duplicates=data["with_duplicates"]
            )
        )

    response = _lead_action(
        request, pk, LeadMergeForm(request.POST, cases=cases), act, _("The lead is merged into the case.")
    )
    if len(merged) > 1:
        messages.info(
            request,
            ngettext(
                "%(count)d duplicate was merged with it.", "%(count)d duplicates were merged with it.", len(merged) - 1
            )
            % {"count": len(merged) - 1},
        )
    return response


# --- rights holders --------------------------------------------------------------------------------


def _holder(request, pk: int) -> RightsHolder:
    staff_only(request.user)
    holder: RightsHolder = get_object_or_404(
        RightsHolder.objects.visible_to(request.user).select_related("created_by"), pk=pk
    )
    return holder


@login_required
@require_GET
def rights_holder_list(request):
    user = request.user
    staff_only(user)
    return list_page(
        request,
        queryset=RightsHolder.objects.visible_to(user),
        table_class=RightsHolderTable,
        filterset_class=RightsHolderFilterSet,
        template="anticounterfeit/rights_holders/rights_holder_list.html",
        context={
            "title": _("Rights holders"),
            "search_placeholder": _("Name, agent or brand"),
            "may_add": holder_services.may_add(user),
        },
    )


@login_required
@require_GET
def rights_holder_detail(request, pk: int):
    user = request.user
    holder = _holder(request, pk)
    leads = (
        lead_services.leads_visible_to(user)
        .filter(rights_holder=holder)
        .select_related("bureau")
        .order_by("-received_at", "-id")[:20]
    )
    return render(
        request,
        "anticounterfeit/rights_holders/rights_holder_detail.html",
        {
            "holder": holder,
            "attachments": list(holder_services.rights_holder_authorisations(holder)),
            "leads": list(leads),
            "may_change": holder_services.may_change(user),
            "upload_form": AuthorisationForm(),
        },
    )


def _holder_initial(holder: RightsHolder) -> dict:
    return {
        "name": holder.name,
        "country": getattr(holder.country, "code", "") or "",
        "brands": holder.brands,
        "contact_name": holder.contact_name,
        "contact_phone": holder.contact_phone,
        "contact_email": holder.contact_email,
        "address": holder.address,
        "authorised_agent": holder.authorised_agent,
        "authorisation_valid_until": holder.authorisation_valid_until,
        "notes": holder.notes,
    }


@login_required
@require_http_methods(["GET", "POST"])
def rights_holder_create(request):
    user = request.user
    staff_only(user)
    if not holder_services.may_add(user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = RightsHolderForm(request.POST if posted else None)
    if posted and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            holder = holder_services.rights_holder_create(actor=user, name=data.pop("name"), **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The rights holder is recorded."))
            return redirect(holder)
    return render(
        request,
        "anticounterfeit/rights_holders/rights_holder_form.html",
        {"form": form, "title": _("Record a rights holder"), "submit_testid": "rights-holder-create-submit"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def rights_holder_edit(request, pk: int):
    user = request.user
    holder = _holder(request, pk)
    if not holder_services.may_change(user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = RightsHolderForm(request.POST if posted else None, initial=_holder_initial(holder))
    if posted and form.is_valid():
        try:
            holder_services.rights_holder_update(actor=user, holder=holder, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The rights holder is corrected."))
            return redirect(holder)
    return render(
        request,
        "anticounterfeit/rights_holders/rights_holder_form.html",
        {
            "form": form,
            "holder": holder,
            "title": _("Correct the rights holder"),
            "submit_testid": "rights-holder-edit-submit",
        },
    )


@login_required
@require_POST
def rights_holder_authorisation(request, pk: int):
    """Add an authorisation document to the holder (multipart ``file``)."""
    user = request.user
    holder = _holder(request, pk)
    form = AuthorisationForm(request.POST, request.FILES)
    return act_on_form(
        request,
        form,
        lambda data: holder_services.rights_holder_attach(
            actor=user, holder=holder, upload=data["file"], description=data["description"]
        ),
        done=_("The authorisation document is added."),
        then=holder,
    )
    try:
        holder_services.rights_holder_attach(
            actor=user, holder=holder, upload=form.cleaned_data["file"], description=form.cleaned_data["description"]
        )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The authorisation document is added."))
    return redirect(holder)

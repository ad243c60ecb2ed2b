"""Inter-bureau notice pages: the list (incoming, outgoing, overdue), a notice with its acknowledge
button, and the form that notifies another bureau about an object (a risk signal).

Thin views over ``traceability.services``; every notice is looked up through
``visible_to(request.user)`` (outside it: 404). Enterprises have no notices: 404.

The investigation pages follow; the measure pages are in ``views_measures``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import act_on_form, file_response, show_refusal, staff_only
from risk_monitoring.models import RiskSignal, Sampling
from traceability import notice_objects, selectors, services
from traceability.filtersets import InterBureauNoticeFilterSet, InvestigationFilterSet
from traceability.forms import (
    AcknowledgeForm,
    InvestigationAdvanceForm,
    InvestigationCloseForm,
    InvestigationLinkForm,
    InvestigationMajorForm,
    InvestigationNoteForm,
    InvestigationOpenForm,
    InvestigationReassignForm,
    NoticeForm,
)
from traceability.models import InterBureauNotice, Investigation
from traceability.reports import major_report_pdf
from traceability.tables import InterBureauNoticeTable, InvestigationTable
from traceability.trace import investigation_traces


@login_required
@require_GET
def notice_list(request):
    user = request.user
    staff_only(user)
    queryset = InterBureauNotice.objects.visible_to(user).select_related("from_bureau", "to_bureau")
    return list_page(
        request,
        queryset=queryset,
        table_class=InterBureauNoticeTable,
        filterset_class=InterBureauNoticeFilterSet,
        template="traceability/notice_list.html",
        context={
            "title": _("Inter-bureau notices"),
            "search_placeholder": _("Subject, bureau code or name"),
        },
    )


@login_required
@require_GET
def notice_detail(request, pk: int):
    staff_only(request.user)
    notice = get_object_or_404(
        InterBureauNotice.objects.visible_to(request.user).select_related(
            "from_bureau", "to_bureau", "sent_by", "acknowledged_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "traceability/notice_detail.html",
        {
            "notice": notice,
            "may_acknowledge": services.may_acknowledge(request.user, notice),
            "acknowledge_form": AcknowledgeForm(),
        },
    )


@login_required
@require_POST
def notice_acknowledge(request, pk: int):
    staff_only(request.user)
    notice = get_object_or_404(InterBureauNotice.objects.visible_to(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    return act_on_form(
        request,
        form,
        lambda data: services.notice_acknowledge(actor=request.user, notice=notice, note=data["note"]),
        done=_("The notice was acknowledged."),
        then=notice,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request, object_type: str, object_id: int):
    """Notify another bureau about an object the user may see (``/traceability/notices/new/risk_signal/5/``)."""
    user = request.user
    staff_only(user)
    if not services.may_send(user):
        raise PermissionDenied
    obj = notice_objects.resolve(object_type, object_id, user)
    if obj is None:
        raise Http404
    posted = request.method == "POST"
    initial = {"subject": str(getattr(obj, "title", "") or obj)[:300], "due_date": services.default_due_at().date()}
    form = NoticeForm(request.POST if posted else None, initial=initial, user=user)
    if posted and form.is_valid():
        try:
            notice = services.notice_send(
                actor=user,
                to_bureau=form.cleaned_data["to_bureau"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                obj=obj,
                due_at=form.due_at(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The notice was sent."))
            return redirect(notice)
    entry = notice_objects.get(object_type)
    return render(
        request,
        "traceability/notice_form.html",
        {
            "form": form,
            "obj": obj,
            "object_label": f"{entry.label} #{obj.pk}" if entry else str(obj),
            "object_url": entry.url(obj.pk) if entry else "",
            "title": _("Notify another bureau"),
            "now": timezone.now(),
        },
    )


# --- investigations --------------------------------------------------------------------------------


def _investigation(request, pk: int) -> Investigation:
    """The case, among those the reader may see (404 otherwise), with what its page shows."""
    staff_only(request.user)
    return get_object_or_404(
        Investigation.objects.visible_to(request.user).select_related(
            "lead_bureau", "notifying_bureau", "enterprise", "platform", "responsible_enterprise", "opened_by"
        ),
        pk=pk,
    )


@login_required
@require_GET
def investigation_list(request):
    user = request.user
    staff_only(user)
    queryset = Investigation.objects.visible_to(user).select_related(
        "lead_bureau", "notifying_bureau", "enterprise", "platform"
    )
    return list_page(
        request,
        queryset=queryset,
        table_class=InvestigationTable,
        filterset_class=InvestigationFilterSet,
        template="traceability/investigation_list.html",
        context={
            "title": _("Investigations"),
            "search_placeholder": _("Case number, title or enterprise"),
            "may_open": services.may_open(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def investigation_open(request):
    """Open a case: blank, or from a signal (``?signal=5``) or a failed sampling (``?sampling=7``)."""
    user = request.user
    staff_only(user)
    if not services.may_open(user):
        raise PermissionDenied
    posted = request.method == "POST"
    initial: dict = {}
    signal = sampling = None
    if not posted:
        if request.GET.get("signal", "").isdigit():
            signal = RiskSignal.objects.visible_to(user).filter(pk=int(request.GET["signal"])).first()
        if request.GET.get("sampling", "").isdigit():
            sampling = (
                Sampling.objects.visible_to(user)
                .select_related("product")
                .filter(pk=int(request.GET["sampling"]))
                .first()
            )
        if signal is not None:
            initial.update(signals=[signal.pk], title=signal.title, description=signal.description)
        if sampling is not None:
            initial.update(samplings=[sampling.pk])
            initial.setdefault(
                "title",
                _("Failed sampling %(number)s: %(product)s")
                % {"number": sampling.sampling_no, "product": sampling.product.name},
            )
    form = InvestigationOpenForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            investigation = services.investigation_open(
                actor=user,
                title=data["title"],
                description=data["description"],
                signals=data["signals"],
                samplings=data["samplings"],
                enterprise=data["enterprise"],
                platform=data["platform"],
                products=[data["product"]] if data["product"] else [],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(
                request,
                _("Investigation %(case_no)s is open; %(bureau)s leads it.")
                % {"case_no": investigation.case_no, "bureau": investigation.lead_bureau.local_name},
            )
            return redirect(investigation)
    return render(
        request,
        "traceability/investigation_form.html",
        {"form": form, "title": _("Open an investigation"), "signal": signal, "sampling": sampling},
    )


@login_required
@require_GET
def investigation_detail(request, pk: int):
    user = request.user
    investigation = _investigation(request, pk)
    measures = selectors.investigation_measures(investigation.pk, user)
    may_lead = services.may_lead(user, investigation)
    return render(
        request,
        "traceability/investigation_detail.html",
        {
            "investigation": investigation,
            "events": investigation.events.select_related("actor").order_by("at", "id"),
            "signals": investigation.signals.select_related("competent_bureau").order_by("pk"),
            "samplings": investigation.samplings.select_related("product", "bureau").order_by("pk"),
            "products": investigation.products.order_by("pk"),
            "traces": investigation_traces(investigation, user),
            "measures": measures,
            "may_issue": services.may_issue(user, investigation),
            "may_advance": may_lead and investigation.is_open,
            "may_close": may_lead and investigation.is_open,
            "may_reassign": services.may_reassign(user, investigation),
            "may_flag_major": services.may_flag_major(user, investigation),
            "may_take_part": services.may_take_part(user, investigation),
            "advance_form": InvestigationAdvanceForm(current=investigation.status),
            "close_form": InvestigationCloseForm(),
            "reassign_form": InvestigationReassignForm(current_bureau_id=investigation.lead_bureau_id),
            "major_form": InvestigationMajorForm(),
            "note_form": InvestigationNoteForm(),
            "link_form": InvestigationLinkForm(),
        },
    )


def _investigation_action(request, pk: int, form, act, done: str):
    """Run ``act(investigation, cleaned_data)`` on a valid form; show the refusal or ``done``."""
    investigation = _investigation(request, pk)
    return act_on_form(request, form, lambda data: act(investigation, data), done=done, then=investigation)


@login_required
@require_POST
def investigation_advance(request, pk: int):
    current = _investigation(request, pk).status
    return _investigation_action(
        request,
        pk,
        InvestigationAdvanceForm(request.POST, current=current),
        lambda inv, data: services.investigation_advance(
            actor=request.user, investigation=inv, status=data["status"], note=data["note"]
        ),
        _("The investigation moved on."),
    )


@login_required
@require_POST
def investigation_close(request, pk: int):
    return _investigation_action(
        request,
        pk,
        InvestigationCloseForm(request.POST),
        lambda inv, data: services.investigation_close(actor=request.user, investigation=inv, **data),
        _("The investigation is closed with its findings."),
    )


@login_required
@require_POST
def investigation_reassign(request, pk: int):
    current = _investigation(request, pk).lead_bureau_id
    return _investigation_action(
        request,
        pk,
        InvestigationReassignForm(request.POST, current_bureau_id=current),
        lambda inv, data: services.investigation_reassign(
            actor=request.user, investigation=inv, lead_bureau=data["lead_bureau"], reason=data["reason"]
        ),
        _("The investigation was reassigned; the new lead bureau was notified."),
    )


@login_required
@require_POST
def investigation_major(request, pk: int):
    return _investigation_action(
        request,
        pk,
        InvestigationMajorForm(request.POST),
        lambda inv, data: services.investigation_flag_major(
            actor=request.user, investigation=inv, reason=data["reason"]
        ),
        _("The major case was reported to headquarters."),
    )


@login_required
@require_POST
def investigation_note(request, pk: int):
    return _investigation_action(
        request,
        pk,
        InvestigationNoteForm(request.POST),
        lambda inv, data: services.investigation_note(actor=request.user, investigation=inv, message=data["message"]),
        _("The note was added."),
    )


@login_required
@require_POST
def investigation_link(request, pk: int):
    return _investigation_action(
        request,
        pk,
        InvestigationLinkForm(request.POST),
        lambda inv, data: services.investigation_add_signals(
            actor=request.user, investigation=inv, signals=data["signals"], samplings=data["samplings"]
        ),
        _("The signals and samplings were linked."),
    )


@login_required
@require_GET
def investigation_major_report(request, pk: int):
    """The one-page immediate report of a major case (PDF), for whoever reads the case."""
    investigation = _investigation(request, pk)
    if not investigation.major:
        raise Http404
    investigation = (
        Investigation.objects.select_related("lead_bureau", "notifying_bureau", "enterprise", "platform")
        .prefetch_related("events", "signals", "samplings", "products")
        .get(pk=investigation.pk)
    )
    return file_response(major_report_pdf(investigation), "application/pdf", f"{investigation.case_no}.pdf")

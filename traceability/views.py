"""Inter-bureau notice pages: the list (incoming, outgoing, overdue), a notice with its acknowledge
button, and the form that notifies another bureau about an object (a risk signal).

Thin views over ``traceability.services``; every notice is looked up through
``visible_to(request.user)`` (outside it: 404). Enterprises have no notices: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import file_response, show_refusal
from risk_monitoring.models import RiskSignal, Sampling
from traceability import notice_objects, selectors, services
from traceability.choices import MeasureStatus, MeasureType, ProofKind
from traceability.filtersets import InterBureauNoticeFilterSet, InvestigationFilterSet, MeasureFilterSet
from traceability.forms import (
    AcknowledgeForm,
    InvestigationAdvanceForm,
    InvestigationCloseForm,
    InvestigationLinkForm,
    InvestigationMajorForm,
    InvestigationNoteForm,
    InvestigationOpenForm,
    InvestigationReassignForm,
    MeasureIssueForm,
    MeasureRespondForm,
    NoticeForm,
    ReasonForm,
    RecallProgressForm,
    ReviewForm,
    VerifyForm,
    VoluntaryRecallForm,
)
from traceability.models import InterBureauNotice, Investigation, Measure
from traceability.reports import major_report_pdf
from traceability.tables import InterBureauNoticeTable, InvestigationTable, MeasureTable
from traceability.trace import investigation_traces


def _staff_only(user) -> None:
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404


@login_required
@require_GET
def notice_list(request):
    user = request.user
    _staff_only(user)
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
    _staff_only(request.user)
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
    _staff_only(request.user)
    notice = get_object_or_404(InterBureauNotice.objects.visible_to(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(notice)
    try:
        services.notice_acknowledge(actor=request.user, notice=notice, note=form.cleaned_data["note"])
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The notice was acknowledged."))
    return redirect(notice)


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request, object_type: str, object_id: int):
    """Notify another bureau about an object the user may see (``/traceability/notices/new/risk_signal/5/``)."""
    user = request.user
    _staff_only(user)
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
    _staff_only(request.user)
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
    _staff_only(user)
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
    _staff_only(user)
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
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(investigation)
    try:
        act(investigation, form.cleaned_data)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect(investigation)


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


# --- measures --------------------------------------------------------------------------------------


def _measures_for(user):
    return Measure.objects.visible_to(user).select_related("enterprise", "investigation", "platform")


@login_required
@require_GET
def measure_list(request):
    """Staff: their bureaus' measures; an enterprise: the measures addressed to it ("My measures"), and a
    platform those naming it."""
    user = request.user
    return list_page(
        request,
        queryset=_measures_for(user),
        table_class=MeasureTable,
        filterset_class=MeasureFilterSet,
        template="traceability/measure_list.html",
        context={
            "title": _("My measures") if user.is_enterprise_user else _("Measures"),
            "search_placeholder": _("Description, enterprise or case number"),
        },
    )


def _investigation_url(investigation: Investigation | None) -> str:
    """The investigation's page, where the investigation pages are installed."""
    if investigation is None:
        return ""
    try:
        return investigation.get_absolute_url()
    except NoReverseMatch:
        return ""


def _detail_context(request, measure: Measure) -> dict:
    user = request.user
    enterprise = services.may_act_as_enterprise(user, measure) and not measure.awaits_review
    open_for_enterprise = measure.status in (MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED, MeasureStatus.OVERDUE)
    verifier = services.may_verify(user, measure) and not user.is_enterprise_user
    progress = list(measure.progress_reports.all())
    confirmed = {c.url: c for c in measure.delistings.select_related("confirmed_by")}
    return {
        "measure": measure,
        "investigation_url": _investigation_url(measure.investigation),
        "attachments": selectors.measure_attachments(measure),
        "progress": progress,
        "recovery_chart": selectors.recovery_chart(progress),
        "min_rate": services.recall_min_rate(),
        "listings": [(url, confirmed.get(url)) for url in measure.listing_urls],
        "missing_proof": services.missing_proof(measure) if enterprise and open_for_enterprise else {},
        "may_acknowledge": enterprise and measure.acknowledged_at is None and open_for_enterprise,
        "may_respond": enterprise
        and measure.acknowledged_at is not None
        and measure.status in (MeasureStatus.ACKNOWLEDGED, MeasureStatus.OVERDUE),
        "may_report_progress": enterprise and measure.type == MeasureType.RECALL and open_for_enterprise,
        "may_confirm": services.may_confirm_delisting(user, measure) and open_for_enterprise,
        "may_verify": verifier and measure.status == MeasureStatus.COMPLETED,
        "may_review": not user.is_enterprise_user and services.may_review_voluntary(user, measure),
        "respond_form": MeasureRespondForm(proof_kinds=[p for p in measure.required_proof if p in ProofKind.values]),
        "progress_form": RecallProgressForm(),
        "verify_form": VerifyForm(),
        "reject_form": ReasonForm(),
        "review_form": ReviewForm(),
    }


def _visible_measure(request, pk: int) -> Measure:
    return get_object_or_404(
        Measure.objects.visible_to(request.user).select_related(
            "enterprise__bureau",
            "platform",
            "product",
            "batch",
            "investigation__lead_bureau",
            "issued_by",
            "verified_by",
        ),
        pk=pk,
    )


@login_required
@require_GET
def measure_detail(request, pk: int):
    measure = _visible_measure(request, pk)
    return render(request, "traceability/measure_detail.html", _detail_context(request, measure))


def _act(request, measure: Measure, call, success: str):
    try:
        call()
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect(measure)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@login_required
@require_POST
def measure_acknowledge(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda: services.measure_acknowledge(actor=request.user, measure=measure),
        _("The measure was acknowledged."),
    )


@login_required
@require_POST
def measure_respond(request, pk: int):
    measure = _visible_measure(request, pk)
    form = MeasureRespondForm(
        request.POST, request.FILES, proof_kinds=[p for p in measure.required_proof if p in ProofKind.values]
    )
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(measure)
    return _act(
        request,
        measure,
        lambda: services.measure_respond(
            actor=request.user, measure=measure, response=form.cleaned_data["response"], files=form.files_by_kind()
        ),
        _("Your response and proof were submitted."),
    )


@login_required
@require_POST
def measure_progress(request, pk: int):
    measure = _visible_measure(request, pk)
    form = RecallProgressForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(measure)
    return _act(
        request,
        measure,
        lambda: services.measure_report_progress(actor=request.user, measure=measure, **form.cleaned_data),
        _("The progress was reported."),
    )


@login_required
@require_POST
def measure_delisting(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda: services.measure_confirm_delisting(
            actor=request.user, measure=measure, url=request.POST.get("url", "")
        ),
        _("The listing was confirmed taken down."),
    )


@login_required
@require_POST
def measure_verify(request, pk: int):
    measure = _visible_measure(request, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(measure)
    return _act(
        request,
        measure,
        lambda: services.measure_verify(actor=request.user, measure=measure, **form.cleaned_data),
        _("The verification was recorded."),
    )


@login_required
@require_POST
def measure_reject(request, pk: int):
    measure = _visible_measure(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(measure)
    return _act(
        request,
        measure,
        lambda: services.measure_reject(actor=request.user, measure=measure, reason=form.cleaned_data["reason"]),
        _("The measure was sent back to the enterprise."),
    )


@login_required
@require_POST
def measure_review(request, pk: int):
    measure = _visible_measure(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(measure)
    return _act(
        request,
        measure,
        lambda: services.measure_review(
            actor=request.user,
            measure=measure,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        ),
        _("The review was recorded."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_issue(request, pk: int):
    """Order a measure on an investigation (``traceability:measure_issue``, the investigation's pk)."""
    user = request.user
    _staff_only(user)
    investigation = get_object_or_404(Investigation.objects.visible_to(user).select_related("lead_bureau"), pk=pk)
    if not services.may_issue(user, investigation):
        raise PermissionDenied
    posted = request.method == "POST"
    initial = {"enterprise": investigation.enterprise_id, "platform": investigation.platform_id}
    form = MeasureIssueForm(request.POST if posted else None, initial=initial)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            measure = services.measure_issue(
                actor=user,
                investigation=investigation,
                type=data["type"],
                enterprise=data["enterprise"],
                product=data["product"],
                batch=data["batch"],
                platform=data["platform"],
                listing_urls=data["listing_urls"],
                description=data["description"],
                legal_basis=data["legal_basis"],
                deadline=form.deadline(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The measure was issued."))
            return redirect(measure)
    return render(
        request,
        "traceability/measure_form.html",
        {
            "form": form,
            "investigation": investigation,
            "investigation_url": _investigation_url(investigation),
            "title": _("Issue a measure"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_voluntary(request):
    """An enterprise opens a voluntary recall of one of its own products."""
    user = request.user
    if not user.is_enterprise_user:
        raise Http404
    posted = request.method == "POST"
    form = VoluntaryRecallForm(request.POST if posted else None, user=user)
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            measure = services.measure_voluntary_open(
                actor=user,
                product=data["product"],
                platform=data["platform"],
                description=data["description"],
                deadline=form.deadline(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The recall was opened; your competent bureau reviews it."))
            return redirect(measure)
    return render(
        request,
        "traceability/measure_form.html",
        {"form": form, "investigation": None, "title": _("Open a voluntary recall")},
    )

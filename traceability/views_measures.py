"""Measure pages: the list, a measure with the actions of each side (the enterprise acknowledges,
responds with its proof, reports a recall's progress; the platform confirms a delisting's listings; the
lead bureau verifies, rejects back, reviews a voluntary recall), the bureau's form that issues a
measure on an investigation and the enterprise's voluntary recall.

Thin views over ``traceability.services``; every measure is looked up through
``visible_to(request.user)`` (outside it: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import show_refusal, staff_only
from traceability import selectors, services
from traceability.choices import MeasureStatus, MeasureType, ProofKind
from traceability.filtersets import MeasureFilterSet
from traceability.forms import (
    MeasureIssueForm,
    MeasureRespondForm,
    ReasonForm,
    RecallProgressForm,
    ReviewForm,
    VerifyForm,
    VoluntaryRecallForm,
)
from traceability.models import Investigation, Measure
from traceability.tables import MeasureTable


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


def _act(request, measure: Measure, call, success: str, form=None):
    """Run ``call(data)`` (``data``: the form's cleaned data, or ``{}`` without a form) on a valid form,
    then back to the measure: the service's refusal or ``success`` shown as a message."""
    if form is not None and not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(measure)
    try:
        call(form.cleaned_data if form is not None else {})
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect(measure)


@login_required
@require_POST
def measure_acknowledge(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda _data: services.measure_acknowledge(actor=request.user, measure=measure),
        _("The measure was acknowledged."),
    )


@login_required
@require_POST
def measure_respond(request, pk: int):
    measure = _visible_measure(request, pk)
    form = MeasureRespondForm(
        request.POST, request.FILES, proof_kinds=[p for p in measure.required_proof if p in ProofKind.values]
    )
    return _act(
        request,
        measure,
        lambda data: services.measure_respond(
            actor=request.user, measure=measure, response=data["response"], files=form.files_by_kind()
        ),
        _("Your response and proof were submitted."),
        form,
    )


@login_required
@require_POST
def measure_progress(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda data: services.measure_report_progress(actor=request.user, measure=measure, **data),
        _("The progress was reported."),
        RecallProgressForm(request.POST),
    )


@login_required
@require_POST
def measure_delisting(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda _data: services.measure_confirm_delisting(
            actor=request.user, measure=measure, url=request.POST.get("url", "")
        ),
        _("The listing was confirmed taken down."),
    )


@login_required
@require_POST
def measure_verify(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda data: services.measure_verify(actor=request.user, measure=measure, **data),
        _("The verification was recorded."),
        VerifyForm(request.POST),
    )


@login_required
@require_POST
def measure_reject(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda data: services.measure_reject(actor=request.user, measure=measure, reason=data["reason"]),
        _("The measure was sent back to the enterprise."),
        ReasonForm(request.POST),
    )


@login_required
@require_POST
def measure_review(request, pk: int):
    measure = _visible_measure(request, pk)
    return _act(
        request,
        measure,
        lambda data: services.measure_review(
            actor=request.user, measure=measure, accept=data["decision"] == "accept", reason=data["reason"]
        ),
        _("The review was recorded."),
        ReviewForm(request.POST),
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_issue(request, pk: int):
    """Order a measure on an investigation (``traceability:measure_issue``, the investigation's pk)."""
    user = request.user
    staff_only(user)
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

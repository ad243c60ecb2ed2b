"""Overseas notices pages: the feed upload (bureau administrators and headquarters) with its runs, and
the inspector's decision on a signal's match proposals. Thin views over the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.choices import Role
from cbec_supervision.webui import show_refusal
from risk_monitoring.choices import ProposalStatus
from risk_monitoring.forms import OverseasImportForm, ProposalDecisionForm
from risk_monitoring.models import OverseasImport, RiskSignal, SignalMatchProposal
from risk_monitoring.services.matching import match_proposal_confirm, match_proposal_reject, may_decide_proposal
from risk_monitoring.services.overseas import check_size, max_bytes, overseas_import

#: the runs listed on the upload page
RECENT_RUNS = 20


def may_import(user) -> bool:
    """Bureau administrators and headquarters import overseas feeds."""
    return bool(user.is_hq or (user.is_bureau_staff and user.role == Role.BUREAU_ADMIN))


def _importer(request) -> None:
    if not may_import(request.user):
        raise PermissionDenied(_("Only bureau administrators and headquarters import overseas notices."))


@login_required
@require_http_methods(["GET", "POST"])
def overseas_import_page(request):
    _importer(request)
    status = 200
    if request.method == "POST":
        form = OverseasImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_size(upload.size or 0)
                run = overseas_import(
                    actor=request.user,
                    feed=form.cleaned_data["source"],
                    content=upload.read(max_bytes() + 1),
                    filename=upload.name or "",
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, run.summary)
                return redirect(run)
        status = 400
    else:
        form = OverseasImportForm()
    runs = OverseasImport.objects.visible_to(request.user).select_related("created_by")[:RECENT_RUNS]
    return render(
        request,
        "risk_monitoring/overseas_import.html",
        {"form": form, "runs": runs, "title": _("Import overseas notices")},
        status=status,
    )


@login_required
@require_GET
def overseas_import_detail(request, pk: int):
    _importer(request)
    run = get_object_or_404(OverseasImport.objects.visible_to(request.user).select_related("created_by"), pk=pk)
    return render(request, "risk_monitoring/overseas_import_detail.html", {"run": run})


@login_required
@require_GET
def overseas_import_file(request, pk: int):
    _importer(request)
    run = get_object_or_404(OverseasImport.objects.visible_to(request.user), pk=pk)
    if not run.file:
        raise Http404
    return FileResponse(run.file.open("rb"), as_attachment=True, filename=run.original_name or "feed")


def _decide(request, pk: int, proposal_pk: int, act):
    signal = get_object_or_404(RiskSignal.objects.visible_to(request.user), pk=pk)
    proposal = get_object_or_404(SignalMatchProposal.objects.filter(signal=signal), pk=proposal_pk)
    form = ProposalDecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(signal)
    try:
        act(proposal, form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The proposal was decided."))
    return redirect(signal)


@login_required
@require_POST
def proposal_confirm(request, pk: int, proposal_pk: int):
    return _decide(
        request,
        pk,
        proposal_pk,
        lambda proposal, reason: match_proposal_confirm(actor=request.user, proposal=proposal, reason=reason),
    )


@login_required
@require_POST
def proposal_reject(request, pk: int, proposal_pk: int):
    return _decide(
        request,
        pk,
        proposal_pk,
        lambda proposal, reason: match_proposal_reject(actor=request.user, proposal=proposal, reason=reason),
    )


def proposals_of(user, signal: RiskSignal) -> list[SignalMatchProposal]:
    """The signal's match proposals for its detail page, each with ``may_decide`` for ``user``."""
    if user.is_enterprise_user:
        return []
    proposals = list(
        SignalMatchProposal.objects.filter(signal=signal).select_related("product__enterprise__bureau", "decided_by")
    )
    for proposal in proposals:
        proposal.signal = signal
        proposal.may_decide = proposal.status == ProposalStatus.PROPOSED and may_decide_proposal(user, proposal)  # type: ignore[attr-defined]
    return proposals

"""Strict-supervision proposal pages: the list (bureau staff of the enterprise's jurisdiction and
headquarters), a proposal with its investigations, and the bureau administrator's confirm and dismiss.

Thin views over ``traceability.escalation``; every proposal is looked up through ``visible_to``
(outside it: 404). Enterprises have no proposals: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import show_refusal, staff_only
from traceability.escalation_pages import (
    OptionalReasonForm,
    ReasonForm,
    StrictSupervisionProposalFilterSet,
    StrictSupervisionProposalTable,
)
from traceability.models import StrictSupervisionProposal
from traceability.services import escalation


@login_required
@require_GET
def escalation_list(request):
    user = request.user
    staff_only(user)
    queryset = (
        StrictSupervisionProposal.objects.visible_to(user)
        .select_related("enterprise")
        .annotate(counted=Count("investigations"))
    )
    return list_page(
        request,
        queryset=queryset,
        table_class=StrictSupervisionProposalTable,
        filterset_class=StrictSupervisionProposalFilterSet,
        template="object_list.html",
        context={
            "title": _("Strict supervision proposals"),
            "search_placeholder": _("Enterprise name or USCC"),
        },
    )


@login_required
@require_GET
def escalation_detail(request, pk: int):
    staff_only(request.user)
    proposal = get_object_or_404(
        StrictSupervisionProposal.objects.visible_to(request.user).select_related("enterprise__bureau", "decided_by"),
        pk=pk,
    )
    investigations = proposal.investigations.select_related("lead_bureau").order_by("closed_at", "pk")
    return render(
        request,
        "traceability/escalation_detail.html",
        {
            "proposal": proposal,
            "investigations": investigations,
            "may_decide": escalation.may_decide(request.user, proposal),
            "confirm_form": OptionalReasonForm(),
            "dismiss_form": ReasonForm(),
        },
    )


def _decide(request, pk: int, *, confirm: bool):
    staff_only(request.user)
    proposal = get_object_or_404(
        StrictSupervisionProposal.objects.visible_to(request.user).select_related("enterprise__bureau"), pk=pk
    )
    form = (OptionalReasonForm if confirm else ReasonForm)(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(proposal)
    try:
        if confirm:
            escalation.proposal_confirm(actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"])
        else:
            escalation.proposal_dismiss(actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("The enterprise is now under strict supervision.") if confirm else _("The proposal was dismissed."),
        )
    return redirect(proposal)


@login_required
@require_POST
def escalation_confirm(request, pk: int):
    return _decide(request, pk, confirm=True)


@login_required
@require_POST
def escalation_dismiss(request, pk: int):
    return _decide(request, pk, confirm=False)

"""The partnerships page: the operator's platforms and warehouses, the partner's sellers, the bureau's view.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal is shown as a message and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import show_refusal
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from partnerships import services
from partnerships.choices import PartnershipAction, PartnershipKind
from partnerships.filtersets import PartnershipFilterSet
from partnerships.forms import PartnershipRequestForm
from partnerships.models import Partnership
from partnerships.tables import PartnershipTable

_DONE = {
    PartnershipAction.CONFIRM: gettext_lazy("Confirmed: %(operator)s may name %(partner)s on its batches."),
    PartnershipAction.REFUSE: gettext_lazy("Refused: %(operator)s was told why."),
    PartnershipAction.SUSPEND: gettext_lazy(
        "Suspended: %(operator)s may not name %(partner)s on its batches meanwhile."
    ),
    PartnershipAction.REINSTATE: gettext_lazy("Reinstated: %(operator)s may name %(partner)s on its batches again."),
    PartnershipAction.WITHDRAW: gettext_lazy("Your request to %(partner)s is withdrawn."),
}


def _requesting_operator(user) -> EnterpriseFiling | None:
    """The user's enterprise when it may ask for partnerships (an approved operator), else None."""
    if not user.is_enterprise_user or not user.enterprise_id:
        return None
    return EnterpriseFiling.objects.filter(
        pk=user.enterprise_id, status=FilingStatus.APPROVED, is_operator=True
    ).first()


@login_required
def partnership_list(request):
    """Operators see their platforms and warehouses and ask for new ones; partners see their sellers
    and decide; staff see those of their jurisdiction."""
    user = request.user
    queryset = Partnership.objects.visible_to(user).select_related("operator", "partner")
    operator = _requesting_operator(user)
    forms = [PartnershipRequestForm(kind=kind) for kind in PartnershipKind] if operator is not None else []
    return list_page(
        request,
        queryset=queryset,
        table_class=PartnershipTable,
        filterset_class=PartnershipFilterSet,
        template="partnerships/partnership_list.html",
        context={
            "title": _("Partnerships"),
            "search_placeholder": _("Enterprise name or credit code"),
            "request_forms": forms,
        },
        for_staff=not user.is_enterprise_user,
    )


@login_required
@require_POST
def partnership_request(request, kind: str):
    """The operator asks a platform or a warehouse (``kind``) to confirm it."""
    if kind not in PartnershipKind.values:
        raise Http404
    form = PartnershipRequestForm(request.POST, kind=kind)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("partnerships:partnership_list")
    try:
        partnership = services.partnership_request(
            actor=request.user, kind=kind, partner=form.cleaned_data["partner"], note=form.cleaned_data["note"]
        )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("Your request was sent to %(partner)s.") % {"partner": partnership.partner.name})
    return redirect("partnerships:partnership_list")


@login_required
@require_POST
def partnership_act(request, pk: int, action: str):
    """Confirm, refuse, suspend, reinstate (the partner) or withdraw (the operator), with the reason posted."""
    if action not in PartnershipAction.values:
        raise Http404
    partnership = get_object_or_404(
        Partnership.objects.visible_to(request.user).select_related("operator", "partner"), pk=pk
    )
    try:
        partnership = services.partnership_act(
            actor=request.user, partnership=partnership, action=action, reason=request.POST.get("reason", "")
        )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _DONE[PartnershipAction(action)]
            % {"operator": partnership.operator.name, "partner": partnership.partner.name},
        )
    return redirect("partnerships:partnership_list")

"""The review queue and change requests.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cbec_supervision.assignment import with_owner
from cbec_supervision.lists import build_table
from cbec_supervision.tables import COUNT_CAP, EXPORT_FORMATS, EXPORT_LIMIT
from cbec_supervision.webui import show_refusal
from cbec_supervision.workflow import may_review
from filings import services
from filings.choices import (
    FILING_DECISIONS,
    ChangeRequestStatus,
    FilingStatus,
)
from filings.forms import (
    DecisionForm,
)
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from filings.tables import ChangeRequestQueueTable, EnterpriseQueueTable, ProductQueueTable
from filings.views.common import (
    Decision,
    _days_waiting,
    _display,
    _field_label,
    _is_own,
)
from filings.views.enterprises import decision_bulk_actions

# --- review queue and change requests -----------------------------------------------------------


@login_required
def review_queue(request):
    """What the competent bureau has to decide, oldest first; overdue rows stand out.

    Three tables of the list pattern (sortable, paginated, exportable; prefixes ``e-``, ``p-``, ``c-``),
    with bulk approve/return on the two filing queues.
    """
    user = request.user
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404
    # Oldest first unless a column is sorted.
    enterprises = build_table(
        request,
        EnterpriseQueueTable,
        with_owner(
            EnterpriseFiling.objects.visible_to(user)
            .filter(status=FilingStatus.SUBMITTED)
            .select_related("bureau")
            .order_by("submitted_at", "id")
        ),
        prefix="e-",
        selectable=user.is_bureau_staff,
    )
    products = build_table(
        request,
        ProductQueueTable,
        with_owner(
            ProductFiling.objects.visible_to(user)
            .filter(status=FilingStatus.SUBMITTED)
            .select_related("enterprise__bureau")
            .order_by("submitted_at", "id")
        ),
        prefix="p-",
        selectable=user.is_bureau_staff,
    )
    changes = build_table(
        request,
        ChangeRequestQueueTable,
        with_owner(
            ChangeRequest.objects.visible_to(user)
            .filter(status=ChangeRequestStatus.PENDING)
            .select_related("enterprise__bureau", "product", "submitted_by")
            .order_by("created_at", "id")
        ),
        prefix="c-",
    )
    prefix = request.GET.get("export_table", "")
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS:
        table_class, table = {"p-": (ProductQueueTable, products), "c-": (ChangeRequestQueueTable, changes)}.get(
            prefix, (EnterpriseQueueTable, enterprises)
        )
        return table_class(table.data.data, request=request, prefix=table.prefix).export_response(fmt)
    rows = {name: table.page_records for name, table in (("e", enterprises), ("p", products), ("c", changes))}
    review_days = dt.timedelta(days=settings.FILING_REVIEW_DAYS)
    now = timezone.now()
    for row in rows["e"] + rows["p"]:
        row.days_waiting = _days_waiting(row.submitted_at)
    for row in rows["c"]:
        row.days_waiting = _days_waiting(row.created_at)
        # The same deadline as for filings, counted from the request.
        row.is_overdue = row.created_at + review_days < now
    return render(
        request,
        "filings/review_queue.html",
        {
            "title": _("Review queue"),
            "enterprise_table": enterprises,
            "product_table": products,
            "change_table": changes,
            "enterprises": rows["e"],
            "products": rows["p"],
            "changes": rows["c"],
            "enterprise_actions": decision_bulk_actions("enterprise") if user.is_bureau_staff else [],
            "product_actions": decision_bulk_actions("product") if user.is_bureau_staff else [],
            "review_days": settings.FILING_REVIEW_DAYS,
            "export_limit": EXPORT_LIMIT,
            "count_cap": COUNT_CAP,
        },
    )


@login_required
def change_request_detail(request, pk: int):
    queryset = ChangeRequest.objects.visible_to(request.user).select_related(
        "enterprise__bureau", "product", "submitted_by", "decided_by"
    )
    change = get_object_or_404(queryset, pk=pk)
    model = ProductFiling if change.product_id else EnterpriseFiling
    rows = [
        {
            "field": field,
            "label": _field_label(model, field),
            "original": _display(field, (change.original or {}).get(field)),
            "proposed": _display(field, value),
        }
        for field, value in change.changes.items()
    ]
    pending = change.status == ChangeRequestStatus.PENDING
    return render(
        request,
        "filings/change_request_detail.html",
        {
            "change": change,
            "rows": rows,
            "can_review": pending
            and may_review(request.user, change.enterprise.bureau, change.target.review_permission),
            "can_withdraw": pending and _is_own(request.user, change.enterprise_id),
            "form": DecisionForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def change_request_decide(request, pk: int, action: str):
    change = get_object_or_404(ChangeRequest.objects.visible_to(request.user).select_related("enterprise"), pk=pk)
    statuses = {"approve": ChangeRequestStatus.APPROVED, "reject": ChangeRequestStatus.REJECTED}
    if action not in statuses:
        raise Http404
    if request.method == "GET" and not request.user.is_bureau_staff:
        raise Http404
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_request_decide(
                actor=request.user, request=change, status=statuses[action], reason=form.cleaned_data["reason"]
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(change)
        except ValidationError as exc:
            if "reason" not in exc.message_dict:
                show_refusal(request, exc)
                return redirect(change)
            form.add_service_errors(exc)
        else:
            done = {
                "approve": _("The change request was approved; the changes are in force."),
                "reject": _("The change request was rejected; the enterprise has been notified."),
            }
            messages.success(request, done[action])
            return redirect(change)
    look = FILING_DECISIONS[action]  # a change request's approve and reject look like a filing's
    decision = Decision(action, statuses[action], look.label, look.colour, look.icon, action == "reject")
    return render(
        request,
        "filings/decision_form.html",
        {"object": change, "decision": decision, "form": form, "kind": _("Change request")},
    )


@login_required
@require_POST
def change_request_withdraw(request, pk: int):
    change = get_object_or_404(ChangeRequest.objects.visible_to(request.user), pk=pk)
    try:
        services.change_request_withdraw(actor=request.user, request=change)
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The change request was withdrawn."))
    return redirect(change)

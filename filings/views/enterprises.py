"""Enterprise filing pages: list, detail, edit, submit, decide, competent bureau, strict supervision,
colleagues, changes.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cbec_supervision.attachments import attachment_create
from cbec_supervision.lists import BulkAction, bulk_page, list_page
from cbec_supervision.models import Attachment
from cbec_supervision.webui import show_refusal
from cbec_supervision.workflow import may_review
from filings import services
from filings.choices import (
    FILING_DECISIONS,
    FILING_EDITABLE,
    FILING_ENDED,
    PLATFORM_SYSTEMS,
    PLEDGE_KIND,
    ChangeRequestStatus,
    EnterpriseSystem,
    FilingAction,
    FilingStatus,
    SupervisionLevel,
)
from filings.filtersets import EnterpriseFilingFilterSet
from filings.forms import (
    BureauCorrectionForm,
    ColleagueForm,
    DecisionForm,
    EnterpriseChangeRequestForm,
    EnterpriseFilingForm,
)
from filings.models import EnterpriseFiling, ProductFiling
from filings.selectors import next_in_review_queue
from filings.services.supervision import SUPERVISABLE_STATUSES
from filings.tables import EnterpriseFilingTable
from filings.views.common import (
    _DECISION_DONE,
    _attachments,
    _change_requests,
    _checks_missing,
    _decision_or_404,
    _decisions,
    _display,
    _is_own,
    _own_enterprise_or_404,
)

# --- enterprise filings -------------------------------------------------------------------------


def _is_reviewer(user) -> bool:
    return user.is_bureau_staff


#: the decisions taken on selected rows, and their buttons' labels (colour, icon and whether a comment
#: is required come from ``FILING_DECISIONS``)
BULK_DECISION_LABELS = {
    FilingAction.APPROVE: gettext_lazy("Approve selected"),
    FilingAction.RETURN: gettext_lazy("Return selected for correction"),
}


def decision_bulk_actions(kind: str) -> list[BulkAction]:
    """Approve or return the selected submitted filings (``kind`` "enterprise" or "product"), one comment for all."""
    url = "filings:enterprise_bulk_decide" if kind == "enterprise" else "filings:product_bulk_decide"
    return [
        BulkAction(
            str(action),
            label,
            reverse(url, args=[str(action)]),
            colour=FILING_DECISIONS[action].colour,
            icon=FILING_DECISIONS[action].icon,
            comment=True,
            comment_required=FILING_DECISIONS[action].reason_required,
            allowed=_is_reviewer,
        )
        for action, label in BULK_DECISION_LABELS.items()
    ]


@login_required
def enterprise_list(request):
    if request.user.is_enterprise_user and request.user.enterprise_id:
        return redirect("filings:enterprise_detail", request.user.enterprise_id)
    queryset = EnterpriseFiling.objects.visible_to(request.user).select_related("bureau")
    return list_page(
        request,
        queryset=queryset,
        table_class=EnterpriseFilingTable,
        filterset_class=EnterpriseFilingFilterSet,
        template="filings/enterprise_list.html",
        context={"title": _("Enterprise filings"), "search_placeholder": _("Name, credit code or filing number")},
        bulk_actions=decision_bulk_actions("enterprise"),
    )


@login_required
@require_POST
def enterprise_bulk_decide(request, action: str):
    """Approve or return the selected enterprise filings, each through ``filing_decide``: a row whose
    status the decision does not accept (a suspended filing is not approved again) is refused."""
    actions = {a.name: a for a in decision_bulk_actions("enterprise")}
    if action not in actions:
        raise Http404
    user = request.user
    return bulk_page(
        request,
        action=actions[action],
        queryset=EnterpriseFiling.objects.visible_to(user).select_related("bureau"),
        table_class=EnterpriseFilingTable,
        act=lambda filing, comment: services.filing_decide(actor=user, filing=filing, action=action, reason=comment),
        back_url=reverse("filings:enterprise_list"),
        title=str(actions[action].label),
    )


def _enterprise_context(request, filing: EnterpriseFiling, **forms_given) -> dict:
    user = request.user
    own = _is_own(user, filing.pk)
    reviewer = may_review(user, filing.bureau, EnterpriseFiling.review_permission)
    # The enterprise, its competent bureau and headquarters; others read an approved filing only,
    # without its accounts and change requests.
    in_charge = own or user.is_hq or user.has_jurisdiction_over(filing.bureau)
    attachments = _attachments(filing)
    by_kind: dict[str, list[Attachment]] = {}
    for attachment in attachments:
        by_kind.setdefault(attachment.kind, []).append(attachment)
    declared = set(filing.systems or [])
    systems = [
        {
            "value": value,
            "label": label,
            "declared": value in declared,
            "platform_only": value in PLATFORM_SYSTEMS,
            "documents": by_kind.get(value, []),
        }
        for value, label in EnterpriseSystem.choices
        if value in declared or value not in PLATFORM_SYSTEMS or filing.is_platform
    ]
    # Over the products the reader may see: another bureau reads an approved enterprise, not its drafts.
    products = (
        ProductFiling.objects.visible_to(user)
        .filter(enterprise=filing)
        .aggregate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(status=FilingStatus.APPROVED)),
            submitted=Count("pk", filter=Q(status=FilingStatus.SUBMITTED)),
        )
    )
    editable = filing.status in FILING_EDITABLE
    visible = EnterpriseFiling.objects.visible_to(user)
    change_requests = list(_change_requests(filing.change_requests.filter(product__isnull=True), user))
    return {
        "filing": filing,
        "attachments": attachments,
        "systems": systems,
        "pledge_documents": by_kind.get(PLEDGE_KIND, []),
        "main_categories": _display("main_categories", filing.main_categories),
        "missing": services.enterprise_missing(filing) if _checks_missing(filing) else {},
        "show_missing": _checks_missing(filing),
        "editable": editable,
        "is_own": own,
        "can_review": reviewer,
        "decisions": _decisions(filing) if reviewer else [],
        "can_supervise": services.may_supervise(user, filing) and filing.status in SUPERVISABLE_STATUSES,
        "decision_form": DecisionForm(),
        "bureau_form": forms_given.get("bureau_form") or (BureauCorrectionForm(filing=filing) if reviewer else None),
        "colleagues": list(filing.users.order_by("date_joined", "pk")) if in_charge else [],
        "in_charge": in_charge,
        "colleague_form": forms_given.get("colleague_form")
        or (ColleagueForm() if own and user.is_enterprise_admin else None),
        "change_requests": change_requests,
        "has_pending_change": any(c.status == ChangeRequestStatus.PENDING for c in change_requests),
        "products": products,
        "decision_url_name": "filings:enterprise_decide",
        "may_refile": own and filing.status in FILING_ENDED and filing.followed_by is None,
        # the filings before and after it under the same credit code, where the reader may see them
        "previous_filing": visible.filter(pk=filing.previous_id).first() if filing.previous_id else None,
        "next_filing": visible.filter(previous=filing).first(),
    }


@login_required
def enterprise_detail(request, pk: int):
    queryset = EnterpriseFiling.objects.visible_to(request.user).select_related(
        "bureau", "decided_by", "supervision_decided_by"
    )
    filing = get_object_or_404(queryset, pk=pk)
    return render(request, "filings/enterprise_detail.html", _enterprise_context(request, filing))


class _Rollback(Exception):
    """Undo the edit when one of its documents is refused."""


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    filing = _own_enterprise_or_404(request, pk)
    if filing.status not in FILING_EDITABLE:
        messages.info(request, _("An approved filing is changed by a change request."))
        return redirect(filing)
    if request.method == "POST":
        form = EnterpriseFilingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.enterprise_update(
                        actor=request.user, filing=filing, types=form.cleaned_data["types"], **form.service_fields()
                    )
                    for field, kind, upload in form.uploads():
                        try:
                            attachment_create(owner=filing, upload=upload, actor=request.user, kind=kind)
                        except ValidationError as exc:
                            form.add_error(field, exc.message_dict.get("file", exc.messages))
                    if form.errors:
                        raise _Rollback
            except _Rollback:
                pass
            except ValidationError as exc:
                form.add_service_errors(exc)
            except PermissionDenied as exc:
                show_refusal(request, exc)
                return redirect(filing)
            else:
                messages.success(request, _("The filing was saved."))
                return redirect(filing)
    else:
        form = EnterpriseFilingForm(initial=EnterpriseFilingForm.initial_for(filing))
    documents: dict[str, list[Attachment]] = {}
    for attachment in _attachments(filing):
        documents.setdefault(attachment.kind, []).append(attachment)
    systems = [
        {"value": value, "checkbox": box, "upload": upload, "documents": documents.get(value, [])}
        for value, box, upload in form.system_fields()
    ]
    return render(
        request,
        "filings/enterprise_form.html",
        {
            "filing": filing,
            "form": form,
            "systems": systems,
            "pledge_documents": documents.get(PLEDGE_KIND, []),
            "platform_systems": [str(s) for s in PLATFORM_SYSTEMS],
        },
    )


@login_required
@require_POST
def enterprise_submit(request, pk: int):
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user), pk=pk)
    try:
        filing = services.enterprise_submit(actor=request.user, filing=filing)
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
    else:
        messages.success(
            request,
            _("The filing was submitted to %(bureau)s for review.") % {"bureau": filing.bureau.local_name},
        )
    return redirect(filing)


@login_required
@require_POST
def enterprise_refile(request, pk: int):
    """The enterprise's own users file again after a rejection or revocation; they go to the new draft."""
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user), pk=pk)
    try:
        new = services.enterprise_refile(actor=request.user, filing=filing)
    except (ValidationError, PermissionDenied) as exc:
        show_refusal(request, exc)
        return redirect(filing)
    messages.success(request, _("A new draft filing was made; complete it and submit it for review."))
    return redirect(new)


def _decide(request, obj, action: str, decide, kind: str):
    """The decision page of a filing: GET shows the reason form (the modal's no-JS fallback), POST
    calls ``decide(action, reason)``.

    A decision taken on a filing under review leads to the next filing of the review queue (the
    decided one is named in the message); any other returns to the filing. A refused decision shows
    the decision page again with the reason or comment as typed, and why it was refused.
    """
    decision = _decision_or_404(action)
    form = DecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "GET" and not request.user.is_bureau_staff:
        raise Http404
    if request.method == "POST" and form.is_valid():
        was_under_review = obj.status == FilingStatus.SUBMITTED
        try:
            obj = decide(decision.action, form.cleaned_data["reason"])
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(obj)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{obj}: " + _DECISION_DONE[action] % {"filing_no": obj.filing_no or "—"})
            following = next_in_review_queue(request.user, obj) if was_under_review else None
            if following is not None:
                messages.info(request, _("Next in the review queue: %(name)s.") % {"name": following})
                return redirect(following)
            return redirect(obj)
    return render(
        request, "filings/decision_form.html", {"object": obj, "decision": decision, "form": form, "kind": kind}
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_decide(request, pk: int, action: str):
    """A decision of the competent bureau on an enterprise filing."""
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    return _decide(
        request,
        filing,
        action,
        lambda action, reason: services.filing_decide(actor=request.user, filing=filing, action=action, reason=reason),
        _("Enterprise filing"),
    )


@login_required
@require_POST
def enterprise_supervision(request, pk: int):
    """Place the enterprise under strict supervision or lift it (``level``), with the reason posted."""
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    level = request.POST.get("level", "")
    try:
        filing = services.enterprise_supervision_set(
            actor=request.user, filing=filing, level=level, reason=request.POST.get("reason", "")
        )
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        if filing.supervision_level == SupervisionLevel.STRICT:
            messages.success(request, _("%(name)s is under strict supervision.") % {"name": filing.name})
        else:
            messages.success(request, _("Strict supervision of %(name)s is lifted.") % {"name": filing.name})
    return redirect(filing)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_set_bureau(request, pk: int):
    filing = get_object_or_404(EnterpriseFiling.objects.visible_to(request.user).select_related("bureau"), pk=pk)
    if not request.user.is_bureau_staff:
        raise Http404
    form = BureauCorrectionForm(request.POST if request.method == "POST" else None, filing=filing)
    if request.method == "POST" and form.is_valid():
        try:
            filing = services.enterprise_set_bureau(
                actor=request.user,
                filing=filing,
                bureau=form.cleaned_data["bureau"],
                reason=form.cleaned_data["reason"],
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(filing)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(name)s is now under %(bureau)s.") % {"name": filing.name, "bureau": filing.bureau.local_name},
            )
            # The filing may have left this inspector's jurisdiction.
            if EnterpriseFiling.objects.visible_to(request.user).filter(pk=filing.pk).exists():
                return redirect(filing)
            return redirect("filings:review_queue")
    return render(request, "filings/bureau_form.html", {"filing": filing, "form": form})


@login_required
@require_POST
def colleague_add(request, pk: int):
    filing = _own_enterprise_or_404(request, pk)
    form = ColleagueForm(request.POST)
    if form.is_valid():
        try:
            user = services.enterprise_user_add(
                actor=request.user,
                enterprise=filing,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                email=form.cleaned_data["email"],
            )
        except PermissionDenied as exc:
            show_refusal(request, exc)
            return redirect(filing)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(username)s can now sign in for %(name)s.") % {"username": user.username, "name": filing.name},
            )
            return redirect(f"{filing.get_absolute_url()}#colleagues")
    context = _enterprise_context(request, filing, colleague_form=form)
    return render(request, "filings/enterprise_detail.html", context)


def _change_request(request, *, enterprise, product, form_class, edit_form_class):
    """Propose changes to an approved enterprise or product filing (the change request form)."""
    target = product or enterprise
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            try:
                services.change_request_submit(
                    actor=request.user,
                    enterprise=enterprise,
                    product=product,
                    changes=form.changes(),
                    explanation=form.cleaned_data["explanation"],
                )
            except PermissionDenied as exc:
                show_refusal(request, exc)
                return redirect(target)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Your change request was sent to the competent bureau."))
                return redirect(target)
    else:
        form = form_class(initial=edit_form_class.initial_for(target))
    return render(
        request,
        "filings/change_request_form.html",
        {"target": target, "enterprise": enterprise, "form": form, "is_product": product is not None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_change_request(request, pk: int):
    filing = _own_enterprise_or_404(request, pk)
    return _change_request(
        request,
        enterprise=filing,
        product=None,
        form_class=EnterpriseChangeRequestForm,
        edit_form_class=EnterpriseFilingForm,
    )

"""Counterfeit case pages: the list, proposing a case (from leads: ``?leads=1,2``), a case with its people,
links, documents, evidence, the forms of the steps the reader may take now and its history; one POST
endpoint per step (``case_action``), assigning and releasing people.

Thin views over ``anticounterfeit.services.cases``; every case is looked up through
``visible_to(request.user)`` (outside it: 404). Staff and headquarters only; enterprises get 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from anticounterfeit import services
from anticounterfeit.choices import CASE_PROCEDURE, HEARING_REQUEST_DAYS, MIN_HANDLERS, CaseDuty, CaseStatus
from anticounterfeit.filtersets.cases import CounterfeitCaseFilterSet
from anticounterfeit.forms.cases import CaseAssignForm, CaseCreateForm, CaseLinkForm, CaseUnassignForm, step_form
from anticounterfeit.models import CaseAssignment, CaseDocument, CounterfeitCase, Evidence
from anticounterfeit.tables.cases import CounterfeitCaseTable
from anticounterfeit.views.evidence import _download, case_panel_context
from cbec_supervision.lists import list_page
from cbec_supervision.webui import act_on_form, show_refusal, staff_only

#: each step: its heading, its button, the button's colour, and the service call from the form's data
_Act = Callable[[Any, CounterfeitCase, dict[str, Any]], Any]
STEPS: dict[str, tuple[Any, Any, str, _Act]] = {
    "approve": (
        gettext_lazy("Approve the opening"),
        gettext_lazy("Approve"),
        "success",
        lambda u, c, d: services.case_approve_opening(
            actor=u,
            case=c,
            text=d["text"],
            number=d["number"],
            handlers=list(d["handlers"]),
            reviewer=d["reviewer"],
            decider=d["decider"],
            upload=d["upload"],
        ),
    ),
    "refuse": (
        gettext_lazy("Decide not to open the case"),
        gettext_lazy("Do not open"),
        "outline-danger",
        lambda u, c, d: services.case_refuse_opening(actor=u, case=c, **d),
    ),
    "submit-for-review": (
        gettext_lazy("Submit for review"),
        gettext_lazy("Submit for review"),
        "primary",
        lambda u, c, d: services.case_submit_for_review(actor=u, case=c, **d),
    ),
    "review": (
        gettext_lazy("Complete the review"),
        gettext_lazy("Complete the review"),
        "success",
        lambda u, c, d: services.case_review(actor=u, case=c, **d),
    ),
    "return": (
        gettext_lazy("Return for further investigation"),
        gettext_lazy("Return"),
        "outline-warning",
        lambda u, c, d: services.case_return(actor=u, case=c, **d),
    ),
    "notice": (
        gettext_lazy("Record the notice of the proposed penalty"),
        gettext_lazy("Record the notice"),
        "primary",
        lambda u, c, d: services.case_record_notice(actor=u, case=c, **d),
    ),
    "hearing": (
        gettext_lazy("Record the hearing"),
        gettext_lazy("Record the hearing"),
        "primary",
        lambda u, c, d: services.case_record_hearing(actor=u, case=c, **d),
    ),
    "decide": (
        gettext_lazy("Record the penalty decision"),
        gettext_lazy("Record the decision"),
        "danger",
        lambda u, c, d: services.case_decide(actor=u, case=c, **d),
    ),
    "serve": (
        gettext_lazy("Record the service of the decision"),
        gettext_lazy("Record the service"),
        "primary",
        lambda u, c, d: services.case_record_service(actor=u, case=c, **d),
    ),
    "enforce": (
        gettext_lazy("Record the enforcement"),
        gettext_lazy("Record the enforcement"),
        "primary",
        lambda u, c, d: services.case_record_enforcement(actor=u, case=c, **d),
    ),
    "transfer": (
        gettext_lazy("Transfer to the judiciary"),
        gettext_lazy("Transfer"),
        "outline-dark",
        lambda u, c, d: services.case_transfer(actor=u, case=c, **d),
    ),
    "close": (
        gettext_lazy("Close the case"),
        gettext_lazy("Close the case"),
        "outline-secondary",
        lambda u, c, d: services.case_close(actor=u, case=c, **d),
    ),
}


def _case(request, pk: int) -> CounterfeitCase:
    """The case, among those the reader may see (404 otherwise), with its people prefetched."""
    staff_only(request.user)
    queryset = CounterfeitCase.objects.visible_to(request.user).select_related(
        "bureau", "enterprise", "proposed_by", "opened_by", "reviewed_by", "decided_by", "closed_by"
    )
    queryset = queryset.prefetch_related(
        Prefetch("assignments", queryset=CaseAssignment.objects.select_related("user", "assigned_by").order_by("id")),
        Prefetch(
            "evidence",
            queryset=Evidence.objects.current().only("id", "case_id"),
            to_attr="current_evidence",
        ),
    )
    case: CounterfeitCase = get_object_or_404(queryset, pk=pk)
    return case


@login_required
@require_GET
def case_list(request):
    user = request.user
    staff_only(user)
    queryset = CounterfeitCase.objects.visible_to(user).select_related("bureau", "enterprise")
    return list_page(
        request,
        queryset=queryset,
        table_class=CounterfeitCaseTable,
        filterset_class=CounterfeitCaseFilterSet,
        template="anticounterfeit/cases/case_list.html",
        context={
            "title": _("Counterfeit cases"),
            "search_placeholder": _("Case number, title, brand or party"),
            "may_create": services.may_create(user),
            "duties": CaseDuty.choices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request):
    """Propose a case: blank, or from leads (``?leads=1,2``, the leads page links here)."""
    user = request.user
    staff_only(user)
    if not services.may_create(user):
        raise PermissionDenied
    posted = request.method == "POST"
    initial: dict[str, Any] = {}
    if not posted:
        wanted = [int(p) for p in request.GET.get("leads", "").split(",") if p.strip().isdigit() and len(p) < 19]
        if wanted:
            initial["leads"] = wanted
    form = CaseCreateForm(
        request.POST if posted else None, request.FILES if posted else None, initial=initial, user=user
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_create(
                actor=user,
                title=data["title"],
                description=data["description"],
                brand=data["brand"],
                enterprise=data["enterprise"],
                party_name=data["party_name"],
                leads=list(data["leads"]),
                products=data["products"],
                signals=data["signals"],
                investigations=data["investigations"],
                goods_value_cny=data["goods_value_cny"],
                opening_text=data["opening_text"],
                opening_number=data["opening_number"],
                upload=data["upload"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(
                request,
                _("Case %(case_no)s is proposed; an administrator of your bureau approves its opening.")
                % {"case_no": case.case_no},
            )
            return redirect(case)
    return render(request, "anticounterfeit/cases/case_form.html", {"form": form, "title": _("Propose a case")})


@login_required
@require_GET
def case_detail(request, pk: int):
    user = request.user
    case = _case(request, pk)
    evidence_count = len(case.current_evidence)  # type: ignore[attr-defined]
    allowed = services.allowed_actions(case, user, evidence_count=evidence_count)
    my_duties, _ever = services.case_duties(case, user)
    steps = [
        {"action": action, "heading": heading, "button": button, "colour": colour, "form": step_form(action, case)}
        for action, (heading, button, colour, _act) in STEPS.items()
        if action in allowed
    ]
    procedure: list[str] = list(CASE_PROCEDURE)
    position = procedure.index(case.status) if case.status in procedure else -1
    context: dict[str, Any] = {
        "case": case,
        "assignments": list(case.assignments.all()),
        "documents": CaseDocument.objects.filter(case=case).select_related("written_by").order_by("written_at", "id"),
        "leads": case.leads.order_by("pk"),
        "products": case.products.order_by("pk"),
        "enterprises": case.enterprises.order_by("pk"),
        "signals": case.signals.order_by("pk"),
        "investigations": case.investigations.order_by("pk"),
        "rights_holders": case.rights_holders.order_by("name"),
        "procedure": [
            {"status": s, "label": CaseStatus(s).label, "done": i < position, "current": i == position}
            for i, s in enumerate(procedure)
        ],
        "progress": round(100 * (position + 1) / len(procedure)) if position >= 0 else 100,
        "steps": steps,
        "my_duties": [CaseDuty(d).label for d in sorted(my_duties)],
        "may_assign": "assign" in allowed,
        "link_form": CaseLinkForm(prefix="links") if "links" in allowed else None,
        "assign_form": CaseAssignForm(case=case, prefix="assign") if "assign" in allowed else None,
        "unassign_form": CaseUnassignForm(case=case, prefix="unassign") if "unassign" in allowed else None,
        "evidence_count": evidence_count,
        "has_active_assignments": any(a.ended_at is None for a in case.assignments.all()),
        "hearing_days": HEARING_REQUEST_DAYS,
        "min_handlers": MIN_HANDLERS,
    }
    context.update(case_panel_context(case, user))
    return render(request, "anticounterfeit/cases/case_detail.html", context)


@login_required
@require_GET
def case_document_download(request, pk: int, document_pk: int):
    """The signed copy of a procedure document of a case the reader may see, as an attachment (404 otherwise,
    or for a document of another case)."""
    staff_only(request.user)
    case = get_object_or_404(CounterfeitCase.objects.visible_to(request.user), pk=pk)
    document = get_object_or_404(CaseDocument.objects.filter(case=case), pk=document_pk)
    if not document.file:
        raise Http404
    return _download(
        document.file,
        filename=document.original_name or "document",
        content_type=document.mime_type or "application/octet-stream",
    )


@login_required
@require_POST
def case_action(request, pk: int, action: str):
    """One step of the procedure, from its form on the case page."""
    if action not in STEPS:
        raise Http404
    case = _case(request, pk)
    form = step_form(action, case, request.POST, request.FILES)
    _heading, _button, _colour, act = STEPS[action]

    def done() -> str:
        case.refresh_from_db()
        return _("Done: the case is now %(status)s.") % {"status": case.get_status_display().lower()}

    return act_on_form(request, form, lambda data: act(request.user, case, data), done=done, then=case)


@login_required
@require_POST
def case_links(request, pk: int):
    """Link more products, enterprises, risk signals, investigations or rights holders to the case."""
    case = _case(request, pk)
    form = CaseLinkForm(request.POST, prefix="links")
    return act_on_form(
        request,
        form,
        lambda data: services.case_link(actor=request.user, case=case, **data),
        done=_("The links were added."),
        then=case,
    )


@login_required
@require_POST
def case_assign(request, pk: int):
    case = _case(request, pk)
    form = CaseAssignForm(request.POST, case=case, prefix="assign")
    return act_on_form(
        request,
        form,
        lambda data: services.case_assign(
            actor=request.user,
            case=case,
            user=data["user"],
            duty=data["duty"],
            reason=data["reason"],
            replace=data["replace"],
        ),
        done=_("The officer was assigned."),
        then=case,
    )


@login_required
@require_POST
def case_unassign(request, pk: int):
    case = _case(request, pk)
    form = CaseUnassignForm(request.POST, case=case, prefix="unassign")
    response = act_on_form(
        request,
        form,
        lambda data: services.case_unassign(actor=request.user, assignment=data["assignment"], reason=data["reason"]),
        done=_("The assignment has ended."),
        then=case,
    )
    if not CounterfeitCase.objects.visible_to(request.user).filter(pk=case.pk).exists():
        return redirect("anticounterfeit:case_list")  # their own assignment ended: the case is gone for them
    return response

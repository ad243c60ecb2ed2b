"""Sampling-plan pages: the list, the generate form, a plan with its items and their adjustment.

Thin views over ``risk_monitoring.services``; a plan is looked up through ``visible_to(request.user)``
(its bureau's staff and headquarters; outside it, enterprises included: 404). The list and the
generate form answer enterprises 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import show_refusal
from risk_monitoring import services
from risk_monitoring.filtersets import SamplingPlanFilterSet
from risk_monitoring.forms import PlanCloseForm, PlanGenerateForm, PlanItemAddForm, PlanItemLabForm
from risk_monitoring.models import Lab, SamplingPlan, SamplingPlanItem
from risk_monitoring.tables import SamplingPlanTable

#: the sampling form a plan item links to (the sampling pages' URL name)
SAMPLING_CREATE_URL_NAME = "risk_monitoring:sampling_create"


def _staff_only(user) -> None:
    if not (user.is_bureau_staff or user.is_hq):
        raise PermissionDenied


def sampling_create_url() -> str:
    """The sampling form's address, or "" while no such page exists (the link is then not shown)."""
    try:
        return reverse(SAMPLING_CREATE_URL_NAME)
    except NoReverseMatch:
        return ""


@login_required
@require_GET
def plan_list(request):
    user = request.user
    _staff_only(user)
    queryset = (
        SamplingPlan.objects.visible_to(user)
        .defer("candidates")
        .select_related("bureau")
        .annotate(
            item_count=Count("items", filter=Q(items__removed=False)),
            sampled_count=Count("items", filter=Q(items__removed=False, items__sampling__isnull=False)),
        )
    )
    return list_page(
        request,
        queryset=queryset,
        table_class=SamplingPlanTable,
        filterset_class=SamplingPlanFilterSet,
        template="risk_monitoring/plan_list.html",
        context={
            "title": _("Sampling plans"),
            "may_generate": services.may_plan(user, user.bureau) if user.is_bureau_staff else False,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_generate(request):
    user = request.user
    _staff_only(user)
    if not (user.is_bureau_staff and services.may_plan(user, user.bureau)):
        raise PermissionDenied
    form = PlanGenerateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_generate(
                actor=user,
                month=data["month"],
                size=data["size"],
                random_share=data["random_share"],
                seed=data["seed"],
                channel=data["channel"],
                labs=form.labs(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The sampling plan was drawn."))
            return redirect(plan)
    return render(request, "risk_monitoring/plan_form.html", {"form": form, "title": _("Generate a sampling plan")})


def _visible_plan(request, pk: int) -> SamplingPlan:
    """The plan if the user may see it (its bureau's staff, headquarters); 404 for anyone else."""
    plans = SamplingPlan.objects.visible_to(request.user).defer("candidates").select_related("bureau", "created_by")
    return get_object_or_404(plans, pk=pk)


@login_required
@require_GET
def plan_detail(request, pk: int):
    plan = _visible_plan(request, pk)
    items = list(
        plan.items.select_related("product", "enterprise", "lab", "sampling").order_by("removed", "position", "pk")
    )
    active = [item for item in items if not item.removed]
    capacities = plan.lab_capacities()
    load: dict[int, int] = {}
    for item in active:
        if item.lab_id is not None:
            load[item.lab_id] = load.get(item.lab_id, 0) + 1
    labs = {lab.pk: lab for item in items if (lab := item.lab) is not None}
    missing = [lab_id for lab_id in capacities if lab_id not in labs]
    if missing:
        labs.update(Lab.objects.in_bulk(missing))
    lab_rows = [
        {"lab": labs.get(lab_id), "capacity": capacity, "used": load.get(lab_id, 0)}
        for lab_id, capacity in capacities.items()
    ]
    may_adjust = plan.is_draft and services.may_plan(request.user, plan.bureau)
    return render(
        request,
        "risk_monitoring/plan_detail.html",
        {
            "plan": plan,
            "items": items,
            "active_count": len(active),
            "lab_rows": lab_rows,
            "shortfalls": plan.parameters.get("shortfalls", []),
            "may_plan": services.may_plan(request.user, plan.bureau),
            "may_adjust": may_adjust,
            "sampling_create_url": sampling_create_url() if plan.status == "published" else "",
            "add_form": PlanItemAddForm(plan=plan) if may_adjust else None,
            "lab_form": PlanItemLabForm(plan=plan) if may_adjust else None,
            "close_form": PlanCloseForm(),
        },
    )


def _act(request, plan: SamplingPlan, act, success: str):
    try:
        act()
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, success)
    return redirect(plan)


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


@login_required
@require_POST
def plan_publish(request, pk: int):
    plan = _visible_plan(request, pk)
    return _act(
        request, plan, lambda: services.plan_publish(actor=request.user, plan=plan), _("The plan was published.")
    )


@login_required
@require_POST
def plan_close(request, pk: int):
    plan = _visible_plan(request, pk)
    form = PlanCloseForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    return _act(
        request,
        plan,
        lambda: services.plan_close(actor=request.user, plan=plan, reason=reason),
        _("The plan was closed."),
    )


@login_required
@require_POST
def plan_item_add(request, pk: int):
    plan = _visible_plan(request, pk)
    form = PlanItemAddForm(request.POST, plan=plan)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(plan)
    data = form.cleaned_data
    return _act(
        request,
        plan,
        lambda: services.plan_item_add(
            actor=request.user, plan=plan, product=data["product"], lab=data["lab"], reason=data["reason"]
        ),
        _("The product was added to the plan."),
    )


def _visible_item(request, pk: int, item_pk: int) -> SamplingPlanItem:
    plan = _visible_plan(request, pk)
    item = get_object_or_404(SamplingPlanItem.objects.filter(plan=plan), pk=item_pk)
    item.plan = plan
    return item


@login_required
@require_POST
def plan_item_remove(request, pk: int, item_pk: int):
    item = _visible_item(request, pk, item_pk)
    form = PlanCloseForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    return _act(
        request,
        item.plan,
        lambda: services.plan_item_remove(actor=request.user, item=item, reason=reason),
        _("The item was removed from the plan."),
    )


@login_required
@require_POST
def plan_item_lab(request, pk: int, item_pk: int):
    item = _visible_item(request, pk, item_pk)
    form = PlanItemLabForm(request.POST, plan=item.plan)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(item.plan)
    data = form.cleaned_data
    return _act(
        request,
        item.plan,
        lambda: services.plan_item_change_lab(actor=request.user, item=item, lab=data["lab"], note=data["note"]),
        _("The item's laboratory was changed."),
    )

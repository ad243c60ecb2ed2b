"""Sampling and lab pages: the sampling list, a sampling with its results and history, a new sample with
its results, the lifecycle actions; the labs with their trust records; third-party reports accepted
or verified from the product review page (linked there by URL name).

Thin views over ``risk_monitoring.services``; every sampling is looked up through
``visible_to(request.user)`` (outside it: 404); labs and report decisions are for bureau staff.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.models import Attachment
from cbec_supervision.webui import show_refusal
from filings.models import ProductTestReport
from risk_monitoring import services
from risk_monitoring.choices import SamplingPurpose, SamplingStatus
from risk_monitoring.filtersets import LabFilterSet, SamplingFilterSet
from risk_monitoring.forms import (
    AttachForm,
    LabRestoreForm,
    ReportAcceptForm,
    ResultFormSet,
    ResultsMetaForm,
    SamplingCloseForm,
    SamplingForm,
    SendToLabForm,
    TakeForm,
    VerificationOrderForm,
)
from risk_monitoring.models import Lab, LabCheck, Sampling
from risk_monitoring.tables import LabTable, SamplingTable


def _require_staff(user) -> None:
    if not (user.is_bureau_staff or user.is_hq):
        raise PermissionDenied


def _form_errors(request, form) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, message)


# --- samplings ---------------------------------------------------------------------------------


@login_required
@require_GET
def sampling_list(request):
    user = request.user
    if not (user.is_bureau_staff or user.is_hq or user.is_enterprise_user):
        raise PermissionDenied
    queryset = Sampling.objects.visible_to(user).select_related("product", "enterprise", "lab", "bureau")
    return list_page(
        request,
        queryset=queryset,
        table_class=SamplingTable,
        filterset_class=SamplingFilterSet,
        template="risk_monitoring/sampling_list.html",
        context={
            "title": _("Samplings"),
            "search_placeholder": _("Sampling number, product, enterprise, lab or order number"),
        },
        for_enterprise_user=user.is_enterprise_user,
    )


@login_required
@require_GET
def sampling_detail(request, pk: int):
    sampling = get_object_or_404(
        Sampling.objects.visible_to(request.user).select_related(
            "product", "enterprise", "platform", "warehouse", "batch", "lab", "bureau", "signal", "report", "created_by"
        ),
        pk=pk,
    )
    user = request.user
    may_act = not user.is_enterprise_user and services.may_act(user, sampling)
    return render(
        request,
        "risk_monitoring/sampling_detail.html",
        {
            "sampling": sampling,
            "results": sampling.results.all(),
            "attachments": Attachment.objects.for_object(sampling).select_related("uploaded_by"),
            "lab_check": LabCheck.objects.filter(sampling=sampling).first() if not user.is_enterprise_user else None,
            "may_act": may_act,
            "signal_visible": sampling.signal_id is not None and not user.is_enterprise_user,
            "take_form": TakeForm(),
            "send_form": SendToLabForm(),
            "close_form": SamplingCloseForm(),
            "attach_form": AttachForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sampling_create(request):
    """A new sample with its results (bureau staff); ``?product=&report=`` prefill a verification,
    ``?product=&plan_item=`` a sampling that fulfils an item of a published sampling plan."""
    user = request.user
    if not user.is_bureau_staff:
        raise PermissionDenied
    posted = request.method == "POST"
    initial = {}
    for name in ("product", "report", "purpose", "channel", "plan_item"):
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = SamplingForm(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    formset = ResultFormSet(request.POST if posted else None, prefix="result")
    if posted and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        data["results"] = formset.rows()
        try:
            sampling = services.sampling_create(actor=user, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Sampling %(no)s was recorded.") % {"no": sampling.sampling_no})
            return redirect(sampling)
    return render(
        request,
        "risk_monitoring/sampling_form.html",
        {"form": form, "formset": formset, "title": _("New sampling")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def sampling_results(request, pk: int):
    """Enter (or correct) the results of a sampling: they replace the ones before."""
    sampling = get_object_or_404(Sampling.objects.visible_to(request.user).select_related("bureau", "lab"), pk=pk)
    if request.user.is_enterprise_user or not services.may_act(request.user, sampling):
        raise PermissionDenied
    posted = request.method == "POST"
    existing = [
        {name: getattr(r, name) for name in ("test_item", "standard", "value", "limit", "unit", "verdict")}
        for r in sampling.results.all()
    ]
    # The results entered before fill the rows on GET only: a posted row equal to its initial value
    # would count as unchanged, and be skipped.
    formset = ResultFormSet(request.POST if posted else None, prefix="result", initial=None if posted else existing)
    meta = ResultsMetaForm(request.POST if posted else None, initial={"lab_report_no": sampling.lab_report_no})
    if posted and formset.is_valid() and meta.is_valid():
        try:
            services.sampling_enter_results(
                actor=request.user,
                sampling=sampling,
                results=formset.rows(),
                lab_report_no=meta.cleaned_data["lab_report_no"],
            )
        except ValidationError as exc:
            meta.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The results were entered."))
            return redirect(sampling)
    return render(
        request,
        "risk_monitoring/sampling_results.html",
        {"sampling": sampling, "formset": formset, "meta": meta, "title": _("Enter the results")},
    )


def _act(request, pk: int, form_class, act, done: str):
    sampling = get_object_or_404(Sampling.objects.visible_to(request.user), pk=pk)
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(sampling)
    try:
        act(sampling, form.cleaned_data)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect(sampling)


@login_required
@require_POST
def sampling_take(request, pk: int):
    return _act(
        request,
        pk,
        TakeForm,
        lambda sampling, data: services.sampling_take(actor=request.user, sampling=sampling, **data),
        _("The sample was taken."),
    )


@login_required
@require_POST
def sampling_send_to_lab(request, pk: int):
    return _act(
        request,
        pk,
        SendToLabForm,
        lambda sampling, data: services.sampling_send_to_lab(actor=request.user, sampling=sampling, **data),
        _("The sample was sent to the lab."),
    )


@login_required
@require_POST
def sampling_close(request, pk: int):
    return _act(
        request,
        pk,
        SamplingCloseForm,
        lambda sampling, data: services.sampling_close(actor=request.user, sampling=sampling, **data),
        _("The sampling was closed."),
    )


@login_required
@require_POST
def sampling_attach(request, pk: int):
    return _act(
        request,
        pk,
        AttachForm,
        lambda sampling, data: services.sampling_attach_screenshot(
            actor=request.user, sampling=sampling, upload=data["file"]
        ),
        _("The file was added."),
    )


# --- labs --------------------------------------------------------------------------------------


@login_required
@require_GET
def lab_list(request):
    _require_staff(request.user)
    return list_page(
        request,
        queryset=Lab.objects.visible_to(request.user).with_trust(),
        table_class=LabTable,
        filterset_class=LabFilterSet,
        template="object_list.html",
        context={"title": _("Laboratories"), "search_placeholder": _("Name")},
    )


@login_required
@require_GET
def lab_detail(request, pk: int):
    _require_staff(request.user)
    lab = get_object_or_404(Lab.objects.visible_to(request.user).with_trust(), pk=pk)
    checks = (
        LabCheck.objects.visible_to(request.user)
        .filter(lab=lab)
        .select_related("product", "report", "sampling", "decided_by", "bureau")[:200]
    )
    return render(
        request,
        "risk_monitoring/lab_detail.html",
        {
            "lab": lab,
            "checks": checks,
            "verified": lab.consistent_count + lab.inconsistent_count,  # type: ignore[attr-defined]
            "may_restore": lab.verify_only and services.may_restore(request.user),
            "restore_form": LabRestoreForm(),
            "samplings": lab.samplings.select_related("product").order_by("-created_at")[:20],
        },
    )


@login_required
@require_POST
def lab_restore(request, pk: int):
    _require_staff(request.user)
    lab = get_object_or_404(Lab.objects.visible_to(request.user), pk=pk)
    form = LabRestoreForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return redirect(lab)
    try:
        services.lab_trust_restore(actor=request.user, lab=lab, reason=form.cleaned_data["reason"])
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The lab's trust was restored: its reports may be accepted again."))
    return redirect(lab)


# --- third-party reports: accepted or verified (from the product review page) -------------------


def _report(request, pk: int) -> ProductTestReport:
    if not request.user.is_bureau_staff:
        raise PermissionDenied
    report = ProductTestReport.objects.visible_to(request.user).select_related("product").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


@login_required
@require_http_methods(["GET", "POST"])
def report_decide(request, pk: int):
    """Accept a third-party report as it is, or order a verification sampling of the same product."""
    report = _report(request, pk)
    lab = Lab.objects.filter(name_key=Lab.key_of(report.lab)).with_trust().first()
    accept_form = ReportAcceptForm(request.POST if request.method == "POST" else None)
    order_form = VerificationOrderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "accept" and accept_form.is_valid():
                services.lab_reports_accept(
                    actor=request.user,
                    reports=[report],
                    context="product_review",
                    note=accept_form.cleaned_data["note"],
                )
                messages.success(request, _("The report was accepted: it counts on the lab's trust record."))
                return redirect(f"{report.product.get_absolute_url()}#test-reports")
            if action == "verify" and order_form.is_valid():
                sampling = services.lab_verification_order(actor=request.user, report=report, **order_form.cleaned_data)
                messages.success(
                    request,
                    _("Verification sampling %(no)s was ordered: take the sample, then enter its results.")
                    % {"no": sampling.sampling_no},
                )
                return redirect(sampling)
        except ValidationError as exc:
            show_refusal(request, exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
    return render(
        request,
        "risk_monitoring/report_decide.html",
        {
            "report": report,
            "lab": lab,
            "refusal": services.accept_refusal(report),
            "accept_form": accept_form,
            "order_form": order_form,
            "checks": LabCheck.objects.filter(report=report).select_related("decided_by", "sampling"),
            "samplings": report.verification_samplings.order_by("-created_at"),
            "title": _("Third-party report %(no)s") % {"no": report.report_no},
            "verification": SamplingPurpose.VERIFICATION,
            "closed": SamplingStatus.CLOSED,
        },
    )

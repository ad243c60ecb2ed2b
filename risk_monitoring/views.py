"""Risk-signal pages: the list, a signal with its triage forms, intake by staff and by enterprises;
risk-score pages: the riskiest subjects, and one subject's score explained with its history.

Thin views over ``risk_monitoring.services``; every signal is looked up through
``visible_to(request.user)`` (outside it: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.models import Attachment
from cbec_supervision.webui import show_refusal
from risk_monitoring import services
from risk_monitoring.choices import ScoreSubject
from risk_monitoring.explanations import factor_rows
from risk_monitoring.filtersets import RiskScoreFilterSet, RiskSignalFilterSet
from risk_monitoring.forms import AssessForm, AttachForm, CloseForm, EnterpriseReportForm, StaffSignalForm
from risk_monitoring.models import RiskScore, RiskSignal
from risk_monitoring.tables import RiskScoreTable, RiskSignalTable, subject_name


@login_required
@require_GET
def signal_list(request):
    user = request.user
    if not (user.is_bureau_staff or user.is_hq or user.is_enterprise_user):
        raise PermissionDenied
    queryset = RiskSignal.objects.visible_to(user).select_related("enterprise")
    return list_page(
        request,
        queryset=queryset,
        table_class=RiskSignalTable,
        filterset_class=RiskSignalFilterSet,
        template="risk_monitoring/signal_list.html",
        context={
            "title": _("My risk reports") if user.is_enterprise_user else _("Risk signals"),
            "search_placeholder": _("Title, enterprise, brand, GTIN or reference"),
        },
        for_enterprise_user=user.is_enterprise_user,
    )


@login_required
@require_GET
def signal_detail(request, pk: int):
    signal = get_object_or_404(
        RiskSignal.objects.visible_to(request.user).select_related(
            "enterprise", "product", "platform", "reported_by", "competent_bureau", "duplicate_of"
        ),
        pk=pk,
    )
    return render(
        request,
        "risk_monitoring/signal_detail.html",
        {
            "signal": signal,
            "products": signal.products.order_by("pk"),
            "may_triage": not request.user.is_enterprise_user and services.may_triage(request.user, signal),
            "may_attach": signal.is_open and services.may_attach(request.user, signal),
            "attachments": Attachment.objects.for_object(signal).select_related("uploaded_by"),
            "assess_form": AssessForm(),
            "close_form": CloseForm(),
            "attach_form": AttachForm(),
        },
    )


def _triage(request, pk: int, form_class, act):
    signal = get_object_or_404(RiskSignal.objects.visible_to(request.user), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(signal)
    try:
        act(signal, form.cleaned_data)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The signal was updated."))
    return redirect(signal)


@login_required
@require_POST
def signal_assess(request, pk: int):
    return _triage(
        request,
        pk,
        AssessForm,
        lambda signal, data: services.risk_signal_assess(actor=request.user, signal=signal, **data),
    )


@login_required
@require_POST
def signal_close(request, pk: int):
    return _triage(
        request,
        pk,
        CloseForm,
        lambda signal, data: services.risk_signal_close(actor=request.user, signal=signal, **data),
    )


@login_required
@require_POST
def signal_attach(request, pk: int):
    signal = get_object_or_404(RiskSignal.objects.visible_to(request.user), pk=pk)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(signal)
    try:
        services.risk_signal_attach(actor=request.user, signal=signal, upload=form.cleaned_data["file"])
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The file was added."))
    return redirect(signal)


@login_required
@require_http_methods(["GET", "POST"])
def signal_create(request):
    """A new signal (staff) or a risk report (enterprise users): the same page, its own form."""
    user = request.user
    posted = request.method == "POST"
    if user.is_enterprise_user and user.enterprise_id:
        form = EnterpriseReportForm(
            request.POST if posted else None, request.FILES if posted else None, enterprise_id=user.enterprise_id
        )
        title = _("Report a risk")
    elif user.is_bureau_staff or user.is_hq:
        form = StaffSignalForm(request.POST if posted else None, request.FILES if posted else None)
        title = _("New risk signal")
    else:
        raise PermissionDenied
    if posted and form.is_valid():
        data = dict(form.cleaned_data)
        product = data.pop("product", None)
        products = [product] if product else []
        upload = data.pop("file", None)
        data["uploads"] = [upload] if upload else []
        try:
            if isinstance(form, EnterpriseReportForm):
                signal = services.risk_signal_report(actor=user, products=products, **data)
            else:
                signal = services.risk_signal_create(actor=user, products=products, **data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The risk signal was recorded."))
            return redirect(signal)
    return render(request, "risk_monitoring/signal_form.html", {"form": form, "title": title})


# --- risk scores -----------------------------------------------------------------------------------


def _may_read_scores(user) -> bool:
    return user.is_bureau_staff or user.is_hq or (user.is_enterprise_user and bool(user.enterprise_id))


@login_required
@require_GET
def score_list(request):
    """Current scores, the riskiest first (staff: every enterprise, product and sub-category; an
    enterprise: its own score and its products')."""
    user = request.user
    if not _may_read_scores(user):
        raise PermissionDenied
    queryset = RiskScore.objects.visible_to(user).select_related("enterprise", "product").order_by("-score", "id")
    if request.GET.get("history", "").lower() not in ("true", "1", "on"):
        queryset = queryset.current()  # as the FilterSet does when the list is filtered
    return list_page(
        request,
        queryset=queryset,
        table_class=RiskScoreTable,
        filterset_class=RiskScoreFilterSet,
        template="risk_monitoring/score_list.html",
        context={
            "title": _("My risk scores") if user.is_enterprise_user else _("Risk scores"),
            "top_enterprises": _top(user, ScoreSubject.ENTERPRISE),
            "top_products": _top(user, ScoreSubject.PRODUCT),
        },
    )


def _top(user, subject_type: str, n: int = 10) -> list[RiskScore]:
    """The ``n`` riskiest current scores of a subject type that the user may read."""
    if user.is_enterprise_user:
        return []
    return list(
        RiskScore.objects.visible_to(user)
        .current()
        .filter(subject_type=subject_type)
        .select_related("enterprise", "product")
        .order_by("-score", "id")[:n]
    )


@login_required
@require_GET
def score_detail(request, subject_type: str, subject_id: str):
    """One subject's score explained (its factors, each with its share of the score) and its history."""
    if not _may_read_scores(request.user):
        raise PermissionDenied
    visible = RiskScore.objects.visible_to(request.user).filter(subject_type=subject_type, subject_id=subject_id)
    score = get_object_or_404(visible.current().select_related("enterprise", "product"))
    history = list(visible.order_by("-computed_at", "-id").only("score", "level", "computed_at", "is_current")[:50])
    return render(
        request,
        "risk_monitoring/score_detail.html",
        {
            "score": score,
            "name": subject_name(score),
            "factors": factor_rows(score.factors),
            "history": history,
        },
    )

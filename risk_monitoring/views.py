"""Risk-signal pages: the list, a signal with its triage forms, intake by staff and by enterprises.

Thin views over ``risk_monitoring.services``; every signal is looked up through
``visible_to(request.user)`` (outside it: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.models import Attachment
from cbec_supervision.webui import show_refusal
from risk_monitoring import services
from risk_monitoring.choices import ScoreSubject, SignalSource
from risk_monitoring.dashboard import may_view as risk_dashboard_may_view
from risk_monitoring.dashboard import risk_dashboard
from risk_monitoring.dashboard import scope_for as risk_dashboard_scope
from risk_monitoring.explanations import factor_rows
from risk_monitoring.figures import DEFAULT_MONTHS
from risk_monitoring.filtersets import RiskScoreFilterSet, RiskSignalFilterSet
from risk_monitoring.forms import (
    AssessForm,
    AttachForm,
    CloseForm,
    DashboardForm,
    EnterpriseReportForm,
    StaffSignalForm,
)
from risk_monitoring.models import ConsumerComplaint, RiskScore, RiskSignal
from risk_monitoring.overseas_views import proposals_of
from risk_monitoring.services.complaints import PHOTO_KIND
from risk_monitoring.services.signals import ATTACHMENT_KIND
from risk_monitoring.tables import RiskScoreTable, RiskSignalTable, subject_name

_KIND_LABELS = {
    ATTACHMENT_KIND: gettext_lazy("Evidence"),
    PHOTO_KIND: gettext_lazy("Consumer's photo"),
}


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
    attachments = list(Attachment.objects.for_object(signal).select_related("uploaded_by"))
    for attachment in attachments:
        attachment.kind_label = _KIND_LABELS.get(attachment.kind, "")
    # the consumer behind a complaint: bureau staff and headquarters only (visible_to follows the signal)
    complaint = (
        ConsumerComplaint.objects.visible_to(request.user).select_related("platform").filter(signal=signal).first()
        if signal.source == SignalSource.COMPLAINT and not request.user.is_enterprise_user
        else None
    )
    return render(
        request,
        "risk_monitoring/signal_detail.html",
        {
            "signal": signal,
            "complaint": complaint,
            "photos": [a for a in attachments if a.kind == PHOTO_KIND] if complaint else [],
            "products": signal.products.order_by("pk"),
            "may_triage": not request.user.is_enterprise_user and services.may_triage(request.user, signal),
            "may_attach": signal.is_open and services.may_attach(request.user, signal),
            "attachments": attachments,
            "assess_form": AssessForm(),
            "close_form": CloseForm(),
            "attach_form": AttachForm(),
            "proposals": proposals_of(request.user, signal),
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


@login_required
@require_GET
def dashboard(request):
    """The risk dashboard: a bureau's jurisdiction or the national network (bureau staff and headquarters)."""
    user = request.user
    if not risk_dashboard_may_view(user):
        raise PermissionDenied
    form = DashboardForm(request.GET or None, user=user)
    if form.is_bound and not form.is_valid():
        return render(request, "risk_monitoring/dashboard.html", {"form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    scope, bureau = risk_dashboard_scope(
        user,
        national=data.get("view") == "national",
        bureau=data.get("bureau"),
        months=data.get("months") or DEFAULT_MONTHS,
    )
    return render(
        request,
        "risk_monitoring/dashboard.html",
        {"form": form, "board": risk_dashboard(user, scope, bureau), "scope": scope},
    )


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

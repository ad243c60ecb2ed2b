"""Inter-bureau notice pages: the list (incoming, outgoing, overdue), a notice with its acknowledge
button, and the form that notifies another bureau about an object (a risk signal).

Thin views over ``traceability.services``; every notice is looked up through
``visible_to(request.user)`` (outside it: 404). Enterprises have no notices: 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import show_refusal
from traceability import notice_objects, services
from traceability.filtersets import InterBureauNoticeFilterSet
from traceability.forms import AcknowledgeForm, NoticeForm
from traceability.models import InterBureauNotice
from traceability.tables import InterBureauNoticeTable


def _staff_only(user) -> None:
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404


@login_required
@require_GET
def notice_list(request):
    user = request.user
    _staff_only(user)
    queryset = InterBureauNotice.objects.visible_to(user).select_related("from_bureau", "to_bureau")
    return list_page(
        request,
        queryset=queryset,
        table_class=InterBureauNoticeTable,
        filterset_class=InterBureauNoticeFilterSet,
        template="traceability/notice_list.html",
        context={
            "title": _("Inter-bureau notices"),
            "search_placeholder": _("Subject, bureau code or name"),
        },
    )


@login_required
@require_GET
def notice_detail(request, pk: int):
    _staff_only(request.user)
    notice = get_object_or_404(
        InterBureauNotice.objects.visible_to(request.user).select_related(
            "from_bureau", "to_bureau", "sent_by", "acknowledged_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "traceability/notice_detail.html",
        {
            "notice": notice,
            "may_acknowledge": services.may_acknowledge(request.user, notice),
            "acknowledge_form": AcknowledgeForm(),
        },
    )


@login_required
@require_POST
def notice_acknowledge(request, pk: int):
    _staff_only(request.user)
    notice = get_object_or_404(InterBureauNotice.objects.visible_to(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(notice)
    try:
        services.notice_acknowledge(actor=request.user, notice=notice, note=form.cleaned_data["note"])
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, _("The notice was acknowledged."))
    return redirect(notice)


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request, object_type: str, object_id: int):
    """Notify another bureau about an object the user may see (``/traceability/notices/new/risk_signal/5/``)."""
    user = request.user
    _staff_only(user)
    if not services.may_send(user):
        raise PermissionDenied
    obj = notice_objects.resolve(object_type, object_id, user)
    if obj is None:
        raise Http404
    posted = request.method == "POST"
    initial = {"subject": str(getattr(obj, "title", "") or obj)[:300], "due_date": services.default_due_at().date()}
    form = NoticeForm(request.POST if posted else None, initial=initial, user=user)
    if posted and form.is_valid():
        try:
            notice = services.notice_send(
                actor=user,
                to_bureau=form.cleaned_data["to_bureau"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                obj=obj,
                due_at=form.due_at(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The notice was sent."))
            return redirect(notice)
    entry = notice_objects.get(object_type)
    return render(
        request,
        "traceability/notice_form.html",
        {
            "form": form,
            "obj": obj,
            "object_label": f"{entry.label} #{obj.pk}" if entry else str(obj),
            "object_url": entry.url(obj.pk) if entry else "",
            "title": _("Notify another bureau"),
            "now": timezone.now(),
        },
    )

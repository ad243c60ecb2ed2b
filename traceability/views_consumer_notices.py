"""Consumer risk notice management pages (``/traceability/consumer-notices/``): the list, writing and
editing a draft, submitting it (enterprises), reviewing and publishing (bureau staff), withdrawing.

Thin views over ``traceability.services.consumer_notices``; every notice is looked up through ``visible_to``
(outside it: 404, so an enterprise never sees another's drafts).
"""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cbec_supervision.lists import list_page
from cbec_supervision.webui import show_refusal
from traceability.escalation_pages import ConsumerNoticeFilterSet, ConsumerNoticeForm, ConsumerNoticeTable, ReasonForm
from traceability.models import ConsumerNotice
from traceability.services import consumer_notices as services


def _managers_only(user) -> None:
    if not (user.is_bureau_staff or user.is_hq or user.is_enterprise_user):
        raise Http404


def _visible(request, pk: int) -> ConsumerNotice:
    _managers_only(request.user)
    return get_object_or_404(
        ConsumerNotice.objects.visible_to(request.user).select_related(
            "bureau", "enterprise", "product", "reviewed_by", "investigation", "signal"
        ),
        pk=pk,
    )


@login_required
@require_GET
def consumer_notice_list(request):
    user = request.user
    _managers_only(user)
    queryset = ConsumerNotice.objects.visible_to(user).select_related("bureau", "enterprise")
    return list_page(
        request,
        queryset=queryset,
        table_class=ConsumerNoticeTable,
        filterset_class=ConsumerNoticeFilterSet,
        template="traceability/consumer_notice_list.html",
        context={
            "title": _("Consumer risk notices"),
            "search_placeholder": _("Title or product"),
            "may_create": services.may_create(user),
        },
    )


@login_required
@require_GET
def consumer_notice_detail(request, pk: int):
    notice = _visible(request, pk)
    user = request.user
    return render(
        request,
        "traceability/consumer_notice_detail.html",
        {
            "notice": notice,
            "may_edit": services.may_edit(user, notice),
            "may_submit": services.may_submit(user, notice),
            "may_publish": services.may_publish(user, notice),
            "may_return": services.may_return(user, notice),
            "may_withdraw": services.may_withdraw(user, notice),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consumer_notice_create(request):
    user = request.user
    _managers_only(user)
    if not services.may_create(user):
        raise PermissionDenied
    posted = request.method == "POST"
    form = ConsumerNoticeForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        try:
            notice = services.consumer_notice_create(actor=user, **form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The draft notice was saved."))
            return redirect(notice)
    return render(
        request, "traceability/consumer_notice_form.html", {"form": form, "title": _("New consumer risk notice")}
    )


@login_required
@require_http_methods(["GET", "POST"])
def consumer_notice_edit(request, pk: int):
    notice = _visible(request, pk)
    user = request.user
    if not services.may_edit(user, notice):
        raise PermissionDenied
    posted = request.method == "POST"
    initial = {name: getattr(notice, name) for name in services.TEXT_FIELDS}
    initial.update(product=notice.product_id, investigation=notice.investigation_id, signal=notice.signal_id)
    form = ConsumerNoticeForm(request.POST if posted else None, request.FILES if posted else None, initial=initial)
    if posted and form.is_valid():
        try:
            notice = services.consumer_notice_update(actor=user, notice=notice, **form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc)
        except PermissionDenied as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("The draft notice was saved."))
            return redirect(notice)
    return render(
        request,
        "traceability/consumer_notice_form.html",
        {"form": form, "notice": notice, "title": _("Edit consumer risk notice")},
    )


def _act(request, pk: int, action: str):
    notice = _visible(request, pk)
    user = request.user
    reason = ""
    if action in ("return", "withdraw"):
        form = ReasonForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect(notice)
        reason = form.cleaned_data["reason"]
    try:
        if action == "submit":
            services.consumer_notice_submit(actor=user, notice=notice)
            done = _("The notice was submitted for review.")
        elif action == "publish":
            services.consumer_notice_publish(actor=user, notice=notice, note=request.POST.get("note", ""))
            done = _("The notice is published.")
        elif action == "return":
            services.consumer_notice_return(actor=user, notice=notice, reason=reason)
            done = _("The notice was returned to its author.")
        else:
            services.consumer_notice_withdraw(actor=user, notice=notice, reason=reason)
            done = _("The notice was withdrawn.")
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done)
    return redirect(notice)


@login_required
@require_POST
def consumer_notice_submit(request, pk: int):
    return _act(request, pk, "submit")


@login_required
@require_POST
def consumer_notice_publish(request, pk: int):
    return _act(request, pk, "publish")


@login_required
@require_POST
def consumer_notice_return(request, pk: int):
    return _act(request, pk, "return")


@login_required
@require_POST
def consumer_notice_withdraw(request, pk: int):
    return _act(request, pk, "withdraw")


def image_response(notice: ConsumerNotice) -> FileResponse:
    """The notice's image, inline (its type from its name: uploads are checked by content)."""
    if not notice.image:
        raise Http404
    content_type = mimetypes.guess_type(notice.image.name)[0] or "application/octet-stream"
    response = FileResponse(notice.image.open("rb"), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def consumer_notice_image(request, pk: int):
    return image_response(_visible(request, pk))

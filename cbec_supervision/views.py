"""Pages every role shares: the home page, the notifications inbox, the health check and attachment downloads."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import F
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from cbec_supervision import assignment as work
from cbec_supervision.attachments import attachment_visible_to
from cbec_supervision.dashboard import bureau_table, panels, weekly_trend
from cbec_supervision.home import work_queues
from cbec_supervision.lists import list_page
from cbec_supervision.models import Attachment, Notification
from cbec_supervision.notifications import notifications_mark_read
from cbec_supervision.search import SearchQuery, search
from cbec_supervision.tables import NotificationTable

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Each role's start page: the figures it acts on, each a link to the list behind it.

    Headquarters and bureau staff: their work queues, the per-bureau table (national, or the
    jurisdiction's) and the weekly trend; enterprise users: what needs their action, their filings
    by status and their batches by outcome.
    """
    user = request.user
    if user.is_enterprise_user:
        context = {"panels": panels(user)}
    else:
        context = {"queues": work_queues(user), "bureau_table": bureau_table(user), "trend": weekly_trend(user)}
    return render(request, "home.html", context)


@login_required
@require_GET
def notification_list(request):
    """The user's inbox: unread first, then newest first (or sorted by time)."""
    queryset = Notification.objects.visible_to(request.user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-id"
    )
    return list_page(
        request,
        queryset=queryset,
        table_class=NotificationTable,
        template="notifications/list.html",
        context={"title": _("Notifications")},
        exportable=False,
    )


@login_required
@require_GET
def notification_open(request, pk: int):
    """Follow a notification's link, marking it read (only the reader's own, and only local links)."""
    notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=pk)
    if notification.read_at is None:
        notifications_mark_read(user=request.user, ids=[notification.pk])
    url = notification.url
    if not url or not url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return redirect("notification_list")
    return redirect(url)


@login_required
@require_POST
def notification_mark_read(request):
    """Mark all (or the ``id`` given) of the user's notifications read; htmx gets the new row back."""
    ids = [int(i) for i in request.POST.getlist("id") if i.isascii() and i.isdigit() and len(i) < 19] or None
    count = notifications_mark_read(user=request.user, ids=ids)
    if request.headers.get("HX-Request") and ids:
        row = get_object_or_404(Notification.objects.visible_to(request.user), pk=ids[0])
        table = NotificationTable([row], request=request)
        return render(request, "includes/table_row.html", {"row": table.rows[0]})
    if request.headers.get("HX-Request"):
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    if ids is None:
        messages.success(
            request,
            ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
            % {"count": count},
        )
    return redirect("notification_list")


def _broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from cbec_supervision.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001 - any failure to reach the broker is "error"
        logger.warning("health check: broker unreachable", exc_info=True)
        return "error"


@never_cache
@require_GET
def healthz(request):  # noqa: ARG001 - a view
    """200 with {"database": "ok", "broker": "ok"|"eager"} when healthy, else 503."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # noqa: BLE001
        logger.warning("health check: database unreachable", exc_info=True)
        database = "error"
    broker = _broker_status()
    healthy = database == "ok" and broker in ("ok", "eager")
    return JsonResponse({"database": database, "broker": broker}, status=200 if healthy else 503)


@login_required
@require_GET
def attachment_download(request, pk: int):
    """Serve a file only to a user who may see the object it belongs to; 404 otherwise."""
    attachment = get_object_or_404(Attachment.objects.select_related("content_type"), pk=pk)
    if not attachment_visible_to(attachment, request.user):
        raise Http404
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=attachment.original_name,
        content_type=attachment.mime_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def api_start(request):
    """Getting started with the API: token, first list, pages, first declaration, errors, language;
    written in each language (one template per language), with this site's address in the examples."""
    language = "en" if (request.LANGUAGE_CODE or "").startswith("en") else "zh-hans"
    return render(
        request,
        "api/start.html",
        {"body": f"api/start.{language}.html", "base": request.build_absolute_uri("/").rstrip("/")},
    )


@login_required
@require_GET
def my_work(request):
    """The items assigned to me that still wait, overdue first, then oldest first; for a bureau
    administrator, also the open items per person of the bureau. A fixed number of queries."""
    user = request.user
    if not user.is_bureau_staff:
        raise PermissionDenied(_("Only bureau staff have assigned work."))
    context = {"items": work.my_work(user), "kinds": work.queue_kinds()}
    if work.may_see_workload(user):
        context["workload"], context["unassigned"] = work.workload(user)
    return render(request, "work/my_work.html", context)


@login_required
@require_POST
def assign_item(request, content_type_id: int, pk: int):
    """Assign (``action=assign``, ``assignee``, ``reason`` for a reassignment) or release an item."""
    kind = work.kind_for_content_type(content_type_id)
    if kind is None:
        raise Http404
    manager = kind.model._default_manager
    obj = get_object_or_404(manager.visible_to(request.user), pk=pk)  # type: ignore[attr-defined]
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("action") == "release":
            work.unassign(actor=request.user, obj=obj, reason=reason)
            messages.success(request, _("The item is no longer assigned."))
        else:
            raw = request.POST.get("assignee", "")
            assignee = get_user_model().objects.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 19 else None
            if assignee is None:
                raise ValidationError({"assignee": [_("Choose a person.")]})
            work.assign(actor=request.user, obj=obj, assignee=assignee, reason=reason)
            messages.success(
                request,
                _("Assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.get_username()},
            )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = kind.url_of(obj)
    return redirect(target)


@login_required
@require_GET
def search_page(request):
    """The navigation bar's search box: objects the user may see, by identifier or name, grouped by kind."""
    query = SearchQuery.parse(request.GET.get("q"))
    groups = search(request.user, query)
    return render(request, "search/results.html", {"query": query, "groups": groups})

"""Pages every role shares: the home page, the health check and attachment downloads."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cbec_supervision import selectors
from cbec_supervision.attachments import attachment_visible_to
from cbec_supervision.models import Attachment

logger = logging.getLogger(__name__)


@login_required
def home(request):
    """Each role's start page: its work queues with their counts."""
    return render(request, "home.html", {"queues": selectors.work_queues(request.user)})


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

"""Correlation ids: which request, Celery task or management command made a change.

The id is set once where work enters the system (``RequestIdMiddleware``, the Celery task signals
connected in ``CoreConfig.ready``, ``ProjectCommand``) and read by ``audit_record`` from a context
variable, so services never pass it along. A request gets a new id, echoed in its response's
``X-Request-ID``; a task uses its task id.

An incoming ``X-Request-ID`` is honoured only behind trusted proxies (``settings.NUM_PROXIES`` > 0,
the setting that also makes ``X-Forwarded-*`` trusted), and then the proxy must set it (e.g. nginx's
``proxy_set_header X-Request-ID $request_id``), overwriting whatever the client sent. Without
proxies the header comes from the client, who could reuse another request's id and mix its own
events into that request's when one action is followed (``AuditEvent.correlation_id``): it is
ignored.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
MAX_LENGTH = 64
_current: ContextVar[str] = ContextVar("cbec_correlation_id", default="")
# Letters, digits and . _ : - only, 8 to 64 characters: what proxies and tracing systems send.
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")


def new_id() -> str:
    return uuid.uuid4().hex


def current() -> str:
    """The id of the work in progress; empty outside a request, task or command (a shell, a test)."""
    return _current.get()


def well_formed(value: str | None) -> bool:
    return bool(value) and _WELL_FORMED.fullmatch(value or "") is not None


@contextmanager
def correlated(correlation_id: str | None = None) -> Iterator[str]:
    """Within the block, changes are recorded with ``correlation_id`` (a new one if not given)."""
    value = correlation_id if correlation_id and well_formed(correlation_id) else new_id()
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)


class RequestIdMiddleware:
    """One correlation id per request, echoed in the response's ``X-Request-ID``.

    A new one, unless trusted proxies are in front: then the incoming ``X-Request-ID`` (set by the
    nearest proxy) if well formed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(HEADER) if settings.NUM_PROXIES > 0 else None
        with correlated(incoming) as request_id:
            request.request_id = request_id  # type: ignore[attr-defined]
            response = self.get_response(request)
        response[HEADER] = request_id
        return response


# --- Celery: a task's changes carry its task id ---------------------------------------------------

_task_tokens: dict[str, Token[str]] = {}


def _task_started(task_id: str | None = None, **_kwargs: object) -> None:
    if task_id:
        _task_tokens[task_id] = _current.set(task_id[:MAX_LENGTH])


def _task_finished(task_id: str | None = None, **_kwargs: object) -> None:
    token = _task_tokens.pop(task_id or "", None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # finished in another context than it started: clear it instead
            _current.set("")


def connect_celery_signals() -> None:
    from celery.signals import task_postrun, task_prerun

    task_prerun.connect(_task_started, dispatch_uid="cbec_correlation_task_started")
    task_postrun.connect(_task_finished, dispatch_uid="cbec_correlation_task_finished")

"""Small helpers every app's HTML views share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def show_refusal(request, exc: Exception) -> None:
    """Show a service's refusal (ValidationError or PermissionDenied) as error messages."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        for message in exc.messages:
            messages.error(request, message)


def act_on_form(
    request, form, act: Callable[[dict[str, Any]], object], *, done: str | Callable[[], str], then: Any
) -> HttpResponse:
    """The POST of a small form on an object's page: a valid form's data goes to ``act`` (a service call);
    the form's errors, or the service's refusal, show as error messages, success as ``done`` (text, or a
    function giving it once the service ran); then back to ``then`` (the object, or a URL)."""
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect(then)
    try:
        act(form.cleaned_data)
    except (PermissionDenied, ValidationError) as exc:
        show_refusal(request, exc)
    else:
        messages.success(request, done() if callable(done) else done)
    return redirect(then)


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download with the given name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def staff_only(user) -> None:
    """Pages for bureau staff and headquarters only: to anyone else they do not exist (404)."""
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404

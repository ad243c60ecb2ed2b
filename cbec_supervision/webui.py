"""Small helpers every app's HTML views share."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _


def show_refusal(request, exc: Exception) -> None:
    """Show a service's refusal (ValidationError or PermissionDenied) as error messages."""
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc) or _("You may not do this."))
    else:
        for message in exc.messages:
            messages.error(request, message)


def file_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    """A download with the given name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def staff_only(user) -> None:
    """Pages for bureau staff and headquarters only: to anyone else they do not exist (404)."""
    if not (user.is_bureau_staff or user.is_hq):
        raise Http404

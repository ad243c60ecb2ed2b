"""Helpers the import pages share.

Thin views over ``imports.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import Bureau

#: distinct prohibited entries listed on a refused batch are gathered from at most this many lines
REFUSED_LINES_SCANNED = 2000


# --- helpers ------------------------------------------------------------------------------------


def _in_jurisdiction(user, bureau: Bureau | None) -> bool:
    """Whether the user is staff of ``bureau`` or of its parent direct bureau (who may decide)."""
    return bool(
        bureau is not None
        and user.is_bureau_staff
        and (bureau.pk == user.bureau_id or bureau.parent_id == user.bureau_id)
    )


def _require_enterprise_user(request) -> None:
    if not (request.user.is_enterprise_user and request.user.enterprise_id):
        raise Http404

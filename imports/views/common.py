"""Helpers the import pages share.

Thin views over ``imports.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from django.http import Http404

#: distinct prohibited entries listed on a refused batch are gathered from at most this many lines
REFUSED_LINES_SCANNED = 2000


# --- helpers ------------------------------------------------------------------------------------


def _require_enterprise_user(request) -> None:
    if not (request.user.is_enterprise_user and request.user.enterprise_id):
        raise Http404

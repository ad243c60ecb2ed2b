"""Helpers the import pages share.

Thin views over ``imports.services``.

Every object is looked up through ``visible_to(request.user)`` (outside it: 404). Writes are POSTs
that call one service; a refusal (ValidationError, PermissionDenied) is shown on the form it came
from or as a message, and changes nothing.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext_lazy

from imports.choices import Confirmation, VerificationStatus

CONFIRMATION_COLOURS = {
    Confirmation.PENDING: "warning",
    Confirmation.CONFIRMED: "danger",
    Confirmation.DISMISSED: "secondary",
}
#: the task's status as the batch page says it ("Open" alone reads as a verb in Chinese)
VERIFICATION_LABELS = {
    VerificationStatus.OPEN: gettext_lazy("Awaiting verification"),
    VerificationStatus.PASSED: gettext_lazy("Passed"),
    VerificationStatus.FAILED: gettext_lazy("Failed"),
}
VERIFICATION_COLOURS = {
    VerificationStatus.OPEN: "warning",
    VerificationStatus.PASSED: "success",
    VerificationStatus.FAILED: "danger",
}
#: distinct prohibited entries listed on a refused batch are gathered from at most this many lines
REFUSED_LINES_SCANNED = 2000


# --- helpers ------------------------------------------------------------------------------------


def _require_enterprise_user(request) -> None:
    if not (request.user.is_enterprise_user and request.user.enterprise_id):
        raise Http404

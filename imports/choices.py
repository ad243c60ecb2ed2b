"""Statuses, transitions and labels of import batches, their lines and on-site verification."""

from __future__ import annotations

from collections import Counter

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BatchMode(models.TextChoices):
    BONDED = "bonded", _("Bulk entry, central storage (bonded)")
    DIRECT_MAIL = "direct_mail", _("Direct mail")


class BatchStatus(models.TextChoices):
    """Where a batch stands, summarising its lines (``ItemStatus``): every line refused is ``refused``,
    some ``partially_refused``; otherwise a line awaiting on-site verification holds the batch at
    ``verification_required``, and a batch with every line released is ``released``."""

    SUBMITTED = "submitted", _("Submitted")
    REFUSED = "refused", _("Refused entry")
    PARTIALLY_REFUSED = "partially_refused", _("Partially refused")
    VERIFICATION_REQUIRED = "verification_required", _("On-site verification required")
    RELEASED = "released", _("Released")
    POSTAL = "postal", _("Routed to the express and postal regime")


BATCH_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BatchStatus.SUBMITTED: (
        BatchStatus.REFUSED,
        BatchStatus.PARTIALLY_REFUSED,
        BatchStatus.VERIFICATION_REQUIRED,
        BatchStatus.RELEASED,
        BatchStatus.POSTAL,
    ),
    BatchStatus.VERIFICATION_REQUIRED: (BatchStatus.RELEASED, BatchStatus.REFUSED, BatchStatus.PARTIALLY_REFUSED),
    # refused lines stay refused; the lines still awaiting verification are released or refused
    BatchStatus.PARTIALLY_REFUSED: (BatchStatus.REFUSED,),
    BatchStatus.REFUSED: (),
    BatchStatus.RELEASED: (),
    BatchStatus.POSTAL: (),
}
BATCH_STATUS_COLOURS = {
    BatchStatus.SUBMITTED: "primary",
    BatchStatus.REFUSED: "danger",
    BatchStatus.PARTIALLY_REFUSED: "danger",
    BatchStatus.VERIFICATION_REQUIRED: "warning",
    BatchStatus.RELEASED: "success",
    BatchStatus.POSTAL: "secondary",
}


class ItemStatus(models.TextChoices):
    """Where one declared line stands: the goods are barred line by line, not batch by batch."""

    REFUSED = "refused", _("Refused entry")
    AWAITING_VERIFICATION = "verification_required", _("Awaiting on-site verification")
    RELEASED = "released", _("Released")
    POSTAL = "postal", _("Express and postal regime")


ITEM_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ItemStatus.AWAITING_VERIFICATION: (ItemStatus.RELEASED, ItemStatus.REFUSED),
    ItemStatus.REFUSED: (),
    ItemStatus.RELEASED: (),
    ItemStatus.POSTAL: (),
}
ITEM_STATUS_COLOURS = {
    ItemStatus.REFUSED: "danger",
    ItemStatus.AWAITING_VERIFICATION: "warning",
    ItemStatus.RELEASED: "success",
    ItemStatus.POSTAL: "secondary",
}


def batch_status_of(line_statuses: Counter[str] | dict[str, int]) -> str:
    """The batch's status from how many of its lines stand where (see ``BatchStatus``)."""
    total = sum(line_statuses.values())
    refused = line_statuses.get(ItemStatus.REFUSED, 0)
    if line_statuses.get(ItemStatus.POSTAL, 0) == total and total:
        return BatchStatus.POSTAL
    if refused and refused == total:
        return BatchStatus.REFUSED
    if refused:
        return BatchStatus.PARTIALLY_REFUSED
    if line_statuses.get(ItemStatus.AWAITING_VERIFICATION, 0):
        return BatchStatus.VERIFICATION_REQUIRED
    return BatchStatus.RELEASED


class VerificationStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("verification status", "Open")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")


#: the task's status as the batch page says it ("Open" alone reads as a verb in Chinese)
VERIFICATION_LABELS = {
    VerificationStatus.OPEN: _("Awaiting verification"),
    VerificationStatus.PASSED: _("Passed"),
    VerificationStatus.FAILED: _("Failed"),
}
VERIFICATION_COLOURS = {
    VerificationStatus.OPEN: "warning",
    VerificationStatus.PASSED: "success",
    VerificationStatus.FAILED: "danger",
}
VERIFICATION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    VerificationStatus.OPEN: (VerificationStatus.PASSED, VerificationStatus.FAILED),
    VerificationStatus.PASSED: (),
    VerificationStatus.FAILED: (),
}


class Confirmation(models.TextChoices):
    PENDING = "pending", _("Awaiting an inspector's confirmation")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


CONFIRMATION_COLOURS = {
    Confirmation.PENDING: "warning",
    Confirmation.CONFIRMED: "danger",
    Confirmation.DISMISSED: "secondary",
}

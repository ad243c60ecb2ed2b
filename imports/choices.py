"""Statuses, transitions and labels of import batches, their lines and on-site verification."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BatchMode(models.TextChoices):
    BONDED = "bonded", _("Bulk entry, central storage (bonded)")
    DIRECT_MAIL = "direct_mail", _("Direct mail")


class BatchStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    REFUSED = "refused", _("Refused entry")
    VERIFICATION_REQUIRED = "verification_required", _("On-site verification required")
    RELEASED = "released", _("Released")
    POSTAL = "postal", _("Routed to the express and postal regime")


BATCH_TRANSITIONS: dict[str, tuple[str, ...]] = {
    BatchStatus.SUBMITTED: (
        BatchStatus.REFUSED,
        BatchStatus.VERIFICATION_REQUIRED,
        BatchStatus.RELEASED,
        BatchStatus.POSTAL,
    ),
    BatchStatus.VERIFICATION_REQUIRED: (BatchStatus.RELEASED, BatchStatus.REFUSED),
    BatchStatus.REFUSED: (),
    BatchStatus.RELEASED: (),
    BatchStatus.POSTAL: (),
}
BATCH_STATUS_COLOURS = {
    BatchStatus.SUBMITTED: "primary",
    BatchStatus.REFUSED: "danger",
    BatchStatus.VERIFICATION_REQUIRED: "warning",
    BatchStatus.RELEASED: "success",
    BatchStatus.POSTAL: "secondary",
}


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

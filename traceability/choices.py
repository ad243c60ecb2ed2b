"""Values of traceability, with their labels and colours: the one source of truth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeDirection(models.TextChoices):
    """Which way a notice goes, seen from the reader's bureau."""

    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class NoticeState(models.TextChoices):
    """A notice's state as the lists show it (derived from its dates, not stored)."""

    AWAITING = "awaiting", _("Awaiting acknowledgement")
    OVERDUE = "overdue", _("Overdue")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


NOTICE_STATE_COLOURS = {
    NoticeState.AWAITING: "warning",
    NoticeState.OVERDUE: "danger",
    NoticeState.ACKNOWLEDGED: "success",
}

"""Kinds, statuses, transitions and colours of partnerships: the one source of truth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnershipKind(models.TextChoices):
    PLATFORM = "platform", _("Platform")
    WAREHOUSE = "warehouse", _("Warehouse")


class PartnershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    CONFIRMED = "confirmed", _("Confirmed")
    REFUSED = "refused", _("Refused")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: the enterprise-filing flag the partner of each kind must carry (a warehouse is a logistics enterprise)
PARTNER_FLAGS: dict[str, str] = {
    PartnershipKind.PLATFORM: "is_platform",
    PartnershipKind.WAREHOUSE: "is_logistics",
}

#: status -> statuses it may move to. A refused or withdrawn request ends: the operator may ask
#: again, which is a new partnership.
PARTNERSHIP_TRANSITIONS: dict[str, tuple[str, ...]] = {
    PartnershipStatus.REQUESTED: (PartnershipStatus.CONFIRMED, PartnershipStatus.REFUSED, PartnershipStatus.WITHDRAWN),
    PartnershipStatus.CONFIRMED: (PartnershipStatus.SUSPENDED,),
    PartnershipStatus.SUSPENDED: (PartnershipStatus.CONFIRMED,),
    PartnershipStatus.REFUSED: (),
    PartnershipStatus.WITHDRAWN: (),
}
#: statuses in which a partnership is live: at most one per operator, partner and kind
PARTNERSHIP_LIVE = (PartnershipStatus.REQUESTED, PartnershipStatus.CONFIRMED, PartnershipStatus.SUSPENDED)

PARTNERSHIP_STATUS_COLOURS: dict[str, str] = {
    PartnershipStatus.REQUESTED: "primary",
    PartnershipStatus.CONFIRMED: "success",
    PartnershipStatus.REFUSED: "danger",
    PartnershipStatus.SUSPENDED: "warning",
    PartnershipStatus.WITHDRAWN: "secondary",
}


class PartnershipAction(models.TextChoices):
    """What each side may do: the partner decides, the operator withdraws its own request."""

    CONFIRM = "confirm", _("Confirm")
    REFUSE = "refuse", _("Refuse")
    SUSPEND = "suspend", _("Suspend")
    REINSTATE = "reinstate", _("Reinstate")
    WITHDRAW = "withdraw", _("Withdraw")


#: action -> (statuses it is taken from, status it moves to, reason required, taken by the partner
#: (else by the operator)); each step is one of ``PARTNERSHIP_TRANSITIONS``. Confirming and
#: reinstating both lead to ``confirmed``, from different statuses.
PARTNERSHIP_ACTIONS: dict[str, tuple[tuple[str, ...], str, bool, bool]] = {
    PartnershipAction.CONFIRM: ((PartnershipStatus.REQUESTED,), PartnershipStatus.CONFIRMED, False, True),
    PartnershipAction.REFUSE: ((PartnershipStatus.REQUESTED,), PartnershipStatus.REFUSED, True, True),
    PartnershipAction.SUSPEND: ((PartnershipStatus.CONFIRMED,), PartnershipStatus.SUSPENDED, True, True),
    PartnershipAction.REINSTATE: ((PartnershipStatus.SUSPENDED,), PartnershipStatus.CONFIRMED, False, True),
    PartnershipAction.WITHDRAW: ((PartnershipStatus.REQUESTED,), PartnershipStatus.WITHDRAWN, False, False),
}

#: Bootstrap colour and icon of each action's button
PARTNERSHIP_ACTION_STYLES: dict[str, tuple[str, str]] = {
    PartnershipAction.CONFIRM: ("success", "check2"),
    PartnershipAction.REFUSE: ("danger", "x-lg"),
    PartnershipAction.SUSPEND: ("warning", "pause-circle"),
    PartnershipAction.REINSTATE: ("success", "play-circle"),
    PartnershipAction.WITHDRAW: ("secondary", "arrow-counterclockwise"),
}

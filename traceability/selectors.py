"""Reads of traceability that other parts of the project show: the home queue of incoming notices,
and the notices about an object (on its page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cbec_supervision.home import Queue
from traceability.models import InterBureauNotice

if TYPE_CHECKING:
    from accounts.models import User


def home_queues(user: User) -> list[Queue]:
    """Unacknowledged notices to a bureau of the user's jurisdiction (bureau staff, rank 127)."""
    if not user.is_bureau_staff:
        return []
    count = InterBureauNotice.objects.incoming_for(user).unacknowledged().count()
    return [
        Queue(
            _("Notices to acknowledge"),
            count,
            f"{reverse('traceability:notice_list')}?direction=incoming&acknowledged=false",
            "warning" if count else "secondary",
            _("notices from other bureaus awaiting your bureau's acknowledgement"),
            rank=127,
        )
    ]


def notices_about(obj: models.Model, user: User) -> list[InterBureauNotice]:
    """The notices about ``obj`` that ``user`` may read, newest first."""
    visible = InterBureauNotice.objects.visible_to(user)
    about = InterBureauNotice.objects.about(obj)
    return list((visible & about).select_related("from_bureau", "to_bureau").order_by("-sent_at", "-id"))

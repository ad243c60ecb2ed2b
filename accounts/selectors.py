"""Reads of bureaus and accounts that other parts of the project show: the headquarters' bureau queue."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau, User
from cbec_supervision.home import Queue


def home_queues(user: User) -> list[Queue]:
    """Headquarters see the bureaus last on their home page (rank 800)."""
    if not user.is_hq:
        return []
    return [Queue(_("Bureaus"), Bureau.objects.count(), reverse("accounts:bureau_list"), "secondary", rank=800)]

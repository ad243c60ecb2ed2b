"""The home page's work queues, contributed by the apps that own the work.

The project package names no domain app: each app registers a provider in its ``AppConfig.ready``
(``register_queues(provider)``), a function of the user returning that app's queues. A queue's
``rank`` orders the cards across apps (the port bureau's verifications sit among the filing review
queues); ties keep the registration order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import Notification

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Queue:
    title: str | Promise
    count: int
    url: str
    colour: str = "primary"
    hint: str | Promise = ""
    #: shown instead of the count when set (e.g. the status of my filing)
    display: str | Promise = ""
    #: the card's place on the page, across apps (see the providers for the ranks in use)
    rank: int = 0


QueueProvider = Callable[["User"], Iterable[Queue]]

_providers: list[QueueProvider] = []


def register_queues(provider: QueueProvider) -> None:
    """Add an app's queues to the home page (call it from ``AppConfig.ready``; a second call is a no-op)."""
    if provider not in _providers:
        _providers.append(provider)


def notification_queues(user: User) -> list[Queue]:
    """Enterprise users see their unread notifications last (staff have the badge in the navigation)."""
    if not user.is_enterprise_user:
        return []
    unread = Notification.objects.visible_to(user).unread().count()
    return [Queue(_("Unread notifications"), unread, reverse("notification_list"), "info", rank=900)]


def work_queues(user: User) -> list[Queue]:
    """What is waiting for this user, counted within what the user may see."""
    queues = [queue for provider in _providers for queue in provider(user)]
    return sorted(queues, key=lambda queue: queue.rank)

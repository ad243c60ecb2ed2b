"""Reads that span apps: the work queues on each role's home page."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling


@dataclass(frozen=True)
class Queue:
    title: str
    count: int
    url: str
    colour: str = "primary"
    hint: str = ""


def work_queues(user) -> list[Queue]:
    """What is waiting for this user, counted within what the user may see."""
    filings = EnterpriseFiling.objects.visible_to(user)
    list_url = reverse("filings:enterprise_list")
    if user.is_enterprise_user:
        return [
            Queue(_("My enterprise filing"), filings.count(), list_url, "secondary", _("filings of my enterprise")),
            Queue(
                _("Returned for correction"),
                filings.filter(status=FilingStatus.RETURNED).count(),
                f"{list_url}?status={FilingStatus.RETURNED}",
                "warning",
            ),
        ]
    queues = [
        Queue(
            _("Filings awaiting review"),
            filings.filter(status=FilingStatus.SUBMITTED).count(),
            f"{list_url}?status={FilingStatus.SUBMITTED}",
            "primary",
            _("submitted, oldest first"),
        ),
        Queue(
            _("Approved enterprises"),
            filings.filter(status=FilingStatus.APPROVED).count(),
            f"{list_url}?status={FilingStatus.APPROVED}",
            "success",
        ),
        Queue(_("All enterprise filings"), filings.count(), list_url, "secondary"),
    ]
    if user.is_hq:
        queues.append(Queue(_("Bureaus"), Bureau.objects.count(), reverse("accounts:bureau_list"), "secondary"))
    return queues

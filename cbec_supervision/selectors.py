"""Reads that span apps: the work queues on each role's home page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Bureau
from cbec_supervision.models import Notification
from filings.choices import FILING_STATUS_COLOURS, ChangeRequestStatus, FilingStatus
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from imports.choices import BatchStatus, VerificationStatus
from imports.models import ImportBatch, VerificationTask


@dataclass(frozen=True)
class Queue:
    title: str
    count: int
    url: str
    colour: str = "primary"
    hint: str = ""
    #: shown instead of the count when set (e.g. the status of my filing)
    display: str = ""


def _status_counts(queryset, statuses) -> dict:
    """Counts per status, the total and the overdue submissions, in one query."""
    cutoff = timezone.now() - dt.timedelta(days=settings.FILING_REVIEW_DAYS)
    aggregates = {str(status): Count("pk", filter=Q(status=status)) for status in statuses}
    aggregates["total"] = Count("pk")
    aggregates["overdue"] = Count("pk", filter=Q(status=FilingStatus.SUBMITTED, submitted_at__lt=cutoff))
    return queryset.aggregate(**aggregates)


def _enterprise_queues(user) -> list[Queue]:
    filing = EnterpriseFiling.objects.visible_to(user).filter(pk=user.enterprise_id).first()
    queues = []
    if filing is not None:
        hint = filing.filing_no or (
            _("Complete and submit it") if filing.status in (FilingStatus.DRAFT, FilingStatus.RETURNED) else ""
        )
        queues.append(
            Queue(
                _("My enterprise filing"),
                1,
                filing.get_absolute_url(),
                FILING_STATUS_COLOURS.get(filing.status, "secondary"),
                hint,
                display=filing.get_status_display(),
            )
        )
    list_url = reverse("filings:product_list")
    shown = (FilingStatus.DRAFT, FilingStatus.RETURNED, FilingStatus.SUBMITTED, FilingStatus.APPROVED)
    counts = _status_counts(ProductFiling.objects.visible_to(user), shown)
    hints = {
        FilingStatus.DRAFT: _("not yet submitted"),
        FilingStatus.RETURNED: _("to correct and resubmit"),
        FilingStatus.SUBMITTED: _("awaiting the bureau's review"),
        FilingStatus.APPROVED: _("with a filing number"),
    }
    for status in shown:
        queues.append(
            Queue(
                _("Products: %(status)s") % {"status": FilingStatus(status).label},
                counts[str(status)],
                f"{list_url}?status={status}",
                FILING_STATUS_COLOURS[status],
                hints[status],
            )
        )
    awaiting = ImportBatch.objects.visible_to(user).filter(status=BatchStatus.VERIFICATION_REQUIRED).count()
    queues.append(
        Queue(
            _("Batches awaiting verification"),
            awaiting,
            f"{reverse('imports:batch_list')}?status={BatchStatus.VERIFICATION_REQUIRED}",
            "warning" if awaiting else "secondary",
            _("import batches the port bureau verifies on site"),
        )
    )
    unread = Notification.objects.visible_to(user).unread().count()
    queues.append(Queue(_("Unread notifications"), unread, reverse("notification_list"), "info"))
    return queues


def _staff_queues(user) -> list[Queue]:
    enterprise_url = reverse("filings:enterprise_list")
    product_url = reverse("filings:product_list")
    review_url = reverse("filings:review_queue")
    enterprises = _status_counts(
        EnterpriseFiling.objects.visible_to(user), (FilingStatus.SUBMITTED, FilingStatus.APPROVED)
    )
    products = _status_counts(ProductFiling.objects.visible_to(user), (FilingStatus.SUBMITTED, FilingStatus.APPROVED))
    changes = ChangeRequest.objects.visible_to(user).filter(status=ChangeRequestStatus.PENDING).count()
    overdue = enterprises["overdue"] + products["overdue"]
    submitted = str(FilingStatus.SUBMITTED)
    approved = str(FilingStatus.APPROVED)
    queues = [
        Queue(
            _("Filings awaiting review"),
            enterprises[submitted],
            f"{review_url}#enterprises",
            "primary",
            _("enterprise filings, oldest first"),
        ),
        Queue(
            _("Products awaiting review"),
            products[submitted],
            f"{review_url}#products",
            "primary",
            _("product filings, oldest first"),
        ),
        Queue(
            _("Change requests pending"),
            changes,
            f"{review_url}#changes",
            "info",
            _("changes to approved filings"),
        ),
        Queue(
            _("Overdue reviews"),
            overdue,
            review_url,
            "danger" if overdue else "secondary",
            _("submitted more than %(days)d days ago") % {"days": settings.FILING_REVIEW_DAYS},
        ),
        Queue(
            _("Approved enterprises"),
            enterprises[approved],
            f"{enterprise_url}?status={approved}",
            "success",
        ),
        Queue(_("Approved products"), products[approved], f"{product_url}?status={approved}", "success"),
        Queue(_("All enterprise filings"), enterprises["total"], enterprise_url, "secondary"),
        Queue(_("All product filings"), products["total"], product_url, "secondary"),
    ]
    if user.is_bureau_staff:
        # The port bureau verifies: tasks of the user's bureau and its branch bureaus.
        verifications = (
            VerificationTask.objects.filter(status=VerificationStatus.OPEN)
            .filter(bureau__in=user.jurisdiction())
            .count()
        )
        queues.insert(
            2,
            Queue(
                _("Open on-site verifications"),
                verifications,
                reverse("imports:verification_queue"),
                "warning" if verifications else "secondary",
                _("import batches with key-supervision goods, oldest first"),
            ),
        )
    if user.is_hq:
        queues.append(Queue(_("Bureaus"), Bureau.objects.count(), reverse("accounts:bureau_list"), "secondary"))
    return queues


def work_queues(user) -> list[Queue]:
    """What is waiting for this user, counted within what the user may see."""
    if user.is_enterprise_user:
        return _enterprise_queues(user)
    return _staff_queues(user)

"""Reads of import control that other parts of the project show: the import queues on the home page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cbec_supervision.home import Queue
from imports.choices import VerificationStatus
from imports.models import ImportBatch, VerificationTask

if TYPE_CHECKING:
    from accounts.models import User


def home_queues(user: User) -> list[Queue]:
    """Batches awaiting verification (enterprises, rank 200); open on-site verifications (bureau staff, rank 120)."""
    if user.is_enterprise_user:
        # A partially refused batch may still have lines awaiting verification: the open task tells.
        awaiting = ImportBatch.objects.visible_to(user).filter(verification__status=VerificationStatus.OPEN).count()
        return [
            Queue(
                _("Batches awaiting verification"),
                awaiting,
                f"{reverse('imports:batch_list')}?verification={VerificationStatus.OPEN}",
                "warning" if awaiting else "secondary",
                _("import batches the port bureau verifies on site"),
                rank=200,
            )
        ]
    if not user.is_bureau_staff:
        return []
    # The port bureau verifies: tasks of the user's bureau and its branch bureaus.
    verifications = (
        VerificationTask.objects.filter(status=VerificationStatus.OPEN).filter(bureau__in=user.jurisdiction()).count()
    )
    return [
        Queue(
            _("Open on-site verifications"),
            verifications,
            reverse("imports:verification_queue"),
            "warning" if verifications else "secondary",
            _("import batches with key-supervision goods, oldest first"),
            rank=120,
        )
    ]

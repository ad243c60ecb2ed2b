"""Reads of import control that other parts of the project show: the import queues on the home page."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cbec_supervision.assignment import QueueKind, register_queue_kind
from cbec_supervision.home import Queue
from cbec_supervision.search import Searcher, SearchQuery, list_contains, register_searcher
from imports.choices import VerificationStatus
from imports.models import ImportBatch, ImportItem, VerificationTask

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


#: an on-site verification holds goods at the port: overdue after this many days
VERIFICATION_DUE_DAYS = 2


def register_assignment_kinds() -> None:
    """Open on-site verifications wait in the port bureau's queue: they are assigned."""
    open_ = str(VerificationStatus.OPEN)
    register_queue_kind(
        QueueKind(
            key="imports.verification",
            model_label="imports.VerificationTask",
            label=_("On-site verification"),
            waiting=Q(status=open_),
            is_waiting=lambda task: task.status == open_,
            bureau_path="bureau",
            waiting_since="created_at",
            due_days=lambda: VERIFICATION_DUE_DAYS,
            related=("batch",),
            url=lambda task: task.batch.get_absolute_url(),
        )
    )


def _batch_search(user: User, query: SearchQuery) -> QuerySet[ImportBatch] | None:
    """Batches by number (or its start), or by the HS code prefix or CAS number of one of their lines."""
    parts = []
    if query.is_identifier and not query.is_digits:
        parts.append(Q(batch_no__startswith=query.upper))
    line = []
    if query.is_hs_prefix:
        line.append(Q(hs_code__startswith=query.text))
    if query.is_cas:
        line.append(list_contains("cas_numbers", query.text))
    if line:
        parts.append(Q(Exists(ImportItem.objects.filter(reduce(or_, line), batch=OuterRef("pk")))))
    if not parts:
        return None
    return (
        ImportBatch.objects.visible_to(user)
        .filter(reduce(or_, parts))
        .select_related("enterprise")
        .order_by("-created_at", "-pk")
    )


def _describe_batch(batch: ImportBatch) -> str:
    return " · ".join((batch.enterprise.name, batch.get_mode_display(), batch.get_status_display()))


def register_searchers() -> None:
    """The search box finds import batches by number, and by the HS code or CAS number of a line."""
    register_searcher(Searcher("imports.batch", _("Import batches"), _batch_search, _describe_batch, rank=200))

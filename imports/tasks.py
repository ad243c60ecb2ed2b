"""Imports tasks. Thin: they call the services with the ids they are given."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from cbec_supervision.tasks import RETRYING
from imports.services.recheck import batches_recheck

logger = logging.getLogger(__name__)


@shared_task(name="imports.recheck_batches", bind=True, **RETRYING)
def recheck_batches(
    self: Task, batch_ids: list[int], edition_id: int | None = None, edition: str = ""
) -> dict[str, int]:
    """Classify the pending lines of these batches again under the editions in force (idempotent).

    ``edition_id`` and ``edition`` (its kind and name): the edition whose coming into force asked for it.
    """
    counts = batches_recheck(actor=f"task:{self.name}", batch_ids=batch_ids, edition=edition)
    logger.info("catalogue edition %s: %d batches re-checked: %s", edition_id, len(batch_ids), counts)
    return counts

"""Filings tasks. Thin: they call the services with the ids they are given."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from cbec_supervision.tasks import RETRYING
from filings.services.prohibited import products_reclassify

logger = logging.getLogger(__name__)


@shared_task(name="filings.reclassify_products", bind=True, **RETRYING)
def reclassify_products(self: Task, product_ids: list[int], edition_id: int | None = None) -> dict[str, int]:
    """Classify these product filings again under the editions in force (idempotent: run it twice freely).

    ``edition_id``: the edition whose coming into force asked for it, for the logs.
    """
    counts = products_reclassify(actor=f"task:{self.name}", product_ids=product_ids)
    logger.info("catalogue edition %s: %d product filings re-checked: %s", edition_id, len(product_ids), counts)
    return counts

"""Where import control hands over to the other areas of the roadmap.

Refused prohibited goods are to raise a risk signal in risk monitoring (roadmap 4). That app
has no models yet, so the hand-over records nothing more than the batch's own audit trail and
log line; the risk monitoring issue connects ``items_refused`` to its intake service.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


def items_refused(batch, items) -> None:
    """Called in the declaring transaction when a batch is refused for prohibited lines."""
    logger.info("batch %s refused: %d prohibited line(s)", batch.batch_no, len(items))

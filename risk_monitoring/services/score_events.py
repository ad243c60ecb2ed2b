"""Risk scores, the debounced event path: services whose change moves a score (a signal, a sampling
result, a refused line, a supervision level) call ``risk_scores_schedule``; the ids of one transaction
are handed over once it commits (nothing if it rolls back) and enqueued, debounced
(``RISK_SCORES_DEBOUNCE_S``) so that a burst of events gives one recomputation
(``risk_scores_recompute_pending``, the task's body, recomputing through ``services.scores``). The ids
wait in ``pending``: in Redis (``REDIS_URL``), shared by every process; without it, in this process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction

from cbec_supervision.audit import Actor
from cbec_supervision.handovers import Announcement
from risk_monitoring.models import RiskScoreRun
from risk_monitoring.services.scores import risk_scores_recompute


def debounce_seconds() -> int:
    return max(0, int(getattr(settings, "RISK_SCORES_DEBOUNCE_S", 30)))


class PendingStore:
    """The ids waiting for a recomputation, and whether one is scheduled. In Redis (``REDIS_URL``),
    shared by every process; without it, in this process (tasks then run in it too)."""

    KEY = "cbec:risk_scores:pending:"
    SCHEDULED = "cbec:risk_scores:scheduled"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: dict[str, set[int]] = {"enterprise": set(), "product": set()}
        self._scheduled_until = 0.0

    def _redis(self) -> Any:
        url = getattr(settings, "REDIS_URL", None)
        if not url:
            return None
        import redis

        return redis.Redis.from_url(url)

    def add(self, enterprise_ids: Iterable[int], product_ids: Iterable[int]) -> None:
        enterprises, products = [int(i) for i in enterprise_ids], [int(i) for i in product_ids]
        client = self._redis()
        if client is None:
            with self._lock:
                self._ids["enterprise"].update(enterprises)
                self._ids["product"].update(products)
            return
        with client.pipeline() as pipe:
            if enterprises:
                pipe.sadd(self.KEY + "enterprise", *enterprises)
            if products:
                pipe.sadd(self.KEY + "product", *products)
            pipe.execute()

    def claim(self, ttl: int) -> bool:
        """Mark a recomputation as scheduled; False if one is already (then it will take the ids)."""
        client = self._redis()
        if client is None:
            with self._lock:
                if self._scheduled_until > time.monotonic():
                    return False
                self._scheduled_until = time.monotonic() + ttl
                return True
        return bool(client.set(self.SCHEDULED, "1", nx=True, ex=max(ttl, 1)))

    def drain(self) -> tuple[list[int], list[int]]:
        """Take every pending id (and clear the scheduled mark first: later events schedule again)."""
        client = self._redis()
        if client is None:
            with self._lock:
                self._scheduled_until = 0.0
                enterprises, products = sorted(self._ids["enterprise"]), sorted(self._ids["product"])
                self._ids = {"enterprise": set(), "product": set()}
            return enterprises, products
        client.delete(self.SCHEDULED)
        with client.pipeline() as pipe:  # MULTI/EXEC: read and clear at once
            pipe.smembers(self.KEY + "enterprise")
            pipe.delete(self.KEY + "enterprise")
            pipe.smembers(self.KEY + "product")
            pipe.delete(self.KEY + "product")
            enterprise_set, _e, product_set, _p = pipe.execute()
        return sorted(int(i) for i in enterprise_set), sorted(int(i) for i in product_set)


pending = PendingStore()


def _enqueue() -> None:
    from risk_monitoring.tasks import recompute_pending_risk_scores

    countdown = debounce_seconds()
    # The mark outlives the countdown by a margin: if the task is lost, the next event schedules again.
    if pending.claim(ttl=countdown + 300):
        recompute_pending_risk_scores.apply_async(countdown=countdown)


@dataclass
class _Scheduled:
    """The ids one transaction scheduled: enqueued once when it commits."""

    enterprise_ids: set[int] = field(default_factory=set)
    product_ids: set[int] = field(default_factory=set)

    def __call__(self) -> None:
        pending.add(self.enterprise_ids, self.product_ids)
        _enqueue()


def _registered(conn: Any) -> _Scheduled | None:
    # Django keeps a transaction's on-commit callbacks as (savepoint ids, callable, robust); one rolled
    # back is dropped from the list, so a callable found here belongs to the live transaction.
    for entry in getattr(conn, "run_on_commit", []):
        if isinstance(entry[1], _Scheduled):
            return entry[1]
    return None


def risk_scores_schedule(*, enterprise_ids: Iterable[int | None] = (), product_ids: Iterable[int | None] = ()) -> None:
    """Have the scores of these enterprises and products (and what depends on them) recomputed soon.

    Call it from any service whose change moves a score (a signal, a sampling result, a refused line,
    a supervision level). The ids of one transaction are collected and handed over once it commits
    (nothing if it rolls back); the recomputation waits ``RISK_SCORES_DEBOUNCE_S`` (30 s) for more
    events, so a burst of them gives one task. Outside a transaction they are handed over at once.
    """
    enterprises = {int(i) for i in enterprise_ids if i is not None}
    products = {int(i) for i in product_ids if i is not None}
    if not enterprises and not products:
        return
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _Scheduled(enterprises, products)()
        return
    scheduled = _registered(conn)
    if scheduled is None:
        scheduled = _Scheduled()
        # robust: the change has committed; a broker that is down must not turn it into an error
        # (the nightly run recomputes every score anyway).
        transaction.on_commit(scheduled, robust=True)
    scheduled.enterprise_ids |= enterprises
    scheduled.product_ids |= products


def risk_scores_on_supervision_change(announcement: Announcement) -> None:
    """The receiver of ``handovers.SUPERVISION_LEVEL_CHANGED``: the enterprise's scores (and its
    products') are recomputed once the change commits."""
    risk_scores_schedule(enterprise_ids=[int(announcement.payload["enterprise"])])


def risk_scores_recompute_pending(*, actor: Actor) -> RiskScoreRun | None:
    """Recompute the scores of every id scheduled since the last time (the debounced task's body)."""
    enterprise_ids, product_ids = pending.drain()
    if not enterprise_ids and not product_ids:
        return None
    try:
        return risk_scores_recompute(actor=actor, enterprise_ids=enterprise_ids, product_ids=product_ids)
    except Exception:
        # Put them back for the retry (or the next event) before the task retries.
        pending.add(enterprise_ids, product_ids)
        raise

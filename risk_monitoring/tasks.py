"""Risk-score tasks. Thin: they call ``risk_monitoring.services.scores`` (and ``score_events``);
idempotent (a second run adds the same scores to the history again), acknowledged late, retried with
backoff.

- ``risk_monitoring.recompute_risk_scores`` (nightly, celery beat): every subject, cut in chunks of
  ``RISK_SCORES_CHUNK_SIZE`` run as a Celery group across the workers; when all are done,
  ``risk_monitoring.risk_scores_recorded`` records the run (one audit event) with the counts.
- ``risk_monitoring.compute_risk_score_chunk``: one chunk, in one transaction.
- ``risk_monitoring.recompute_pending_risk_scores``: the debounced recomputation after events
  (``services.score_events.risk_scores_schedule``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from celery import Task, chord, shared_task
from django.utils import timezone

from cbec_supervision.tasks import RETRYING
from risk_monitoring.models import RiskScoreRun
from risk_monitoring.services import score_events, scores


@shared_task(name="risk_monitoring.compute_risk_score_chunk", **RETRYING)
def compute_risk_score_chunk(subject_type: str, ids: list[Any], computed_at: str) -> list[Any]:
    """Score one chunk of subjects as of ``computed_at`` (ISO); returns ``[subject_type, written]``."""
    written = scores.risk_scores_compute_chunk(
        subject_type=subject_type, ids=ids, now=datetime.fromisoformat(computed_at)
    )
    return [subject_type, written]


@shared_task(name="risk_monitoring.risk_scores_recorded", bind=True, **RETRYING)
def risk_scores_recorded(self: Task, written: list[list[Any]], computed_at: str, started: str) -> int:
    """Record the full run once every chunk is done (the chord's callback); returns the run's id."""
    at = datetime.fromisoformat(computed_at)
    seconds = (timezone.now() - datetime.fromisoformat(started)).total_seconds()
    run = scores.risk_scores_run_record(
        actor=f"task:{self.name}",
        kind=RiskScoreRun.KIND_FULL,
        computed_at=at,
        written=[(str(t), int(n)) for t, n in written],
        seconds=seconds,
    )
    return run.pk


@shared_task(name="risk_monitoring.recompute_risk_scores", **RETRYING)
def recompute_risk_scores(size: int | None = None) -> int:
    """Recompute every score: the chunks as a group, then the run recorded. Returns the chunk count."""
    now = timezone.now().isoformat()
    header = [compute_risk_score_chunk.si(t, ids, now) for t, ids in scores.chunks(scores.subjects(), size)]
    if not header:
        return 0
    chord(header)(risk_scores_recorded.s(now, timezone.now().isoformat()))
    return len(header)


@shared_task(name="risk_monitoring.recompute_pending_risk_scores", bind=True, **RETRYING)
def recompute_pending_risk_scores(self: Task) -> int | None:
    """The debounced recomputation: the scores of every id scheduled since the last run."""
    run = score_events.risk_scores_recompute_pending(actor=f"task:{self.name}")
    return run.pk if run is not None else None

"""A real Celery worker, on the Redis broker named by REDIS_URL, computes the risk scores: the nightly
task's chunks as a group, then the run recorded (a chord), and the debounced recomputation after events."""

from __future__ import annotations

import os
import time

import pytest

from cbec_supervision.models import AuditEvent
from risk_monitoring.models import RiskScore, RiskScoreRun
from risk_monitoring.services import score_events
from risk_monitoring.tasks import recompute_pending_risk_scores, recompute_risk_scores

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker to run a worker on"),
]


def _wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_worker_recomputes_every_score_in_chunks(goods, settings):
    from celery.contrib.testing.worker import start_worker

    from cbec_supervision.celery import app

    settings.RISK_SCORES_CHUNK_SIZE = 1  # one subject per chunk: a group of several tasks
    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        chunks = recompute_risk_scores.delay().get(timeout=30)
        assert chunks == 5  # two enterprises, two products, one sub-category
        assert _wait_for(lambda: RiskScoreRun.objects.exists())
    run = RiskScoreRun.objects.get()
    assert run.kind == "full" and run.counts["chunks"] == 5
    assert (run.counts["enterprise"], run.counts["product"], run.counts["subcategory"]) == (2, 2, 1)
    assert RiskScore.objects.current().count() == 5
    event = AuditEvent.objects.for_object(run).get()
    assert event.actor_label == "task:risk_monitoring.risk_scores_recorded"


def test_a_worker_runs_the_debounced_recomputation(goods, monkeypatch):
    from celery.contrib.testing.worker import start_worker

    from cbec_supervision.celery import app

    monkeypatch.setattr(score_events, "pending", score_events.PendingStore())  # Redis-backed: REDIS_URL is set
    score_events.pending.drain()
    score_events.pending.add([goods.alice_co.pk], [goods.alice_toy.pk])
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run_id = recompute_pending_risk_scores.delay().get(timeout=30)
    run = RiskScoreRun.objects.get(pk=run_id)
    assert run.kind == "events" and run.counts["product"] == 1
    assert RiskScore.objects.current().filter(subject_type="enterprise", subject_id=str(goods.alice_co.pk)).exists()
    assert score_events.pending.drain() == ([], [])

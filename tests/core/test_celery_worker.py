"""A real Celery worker, against the Redis broker named by REDIS_URL, runs a real task end to end."""

from __future__ import annotations

import os

import pytest

from cbec_supervision.models import AuditEvent, Heartbeat
from cbec_supervision.tasks import heartbeat


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker to run a worker on")
def test_a_worker_runs_the_heartbeat_task_and_it_is_audited():
    from celery.contrib.testing.worker import start_worker

    from cbec_supervision.celery import app

    assert app.conf.broker_url.startswith("redis://")
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        result = heartbeat.delay()
        value = result.get(timeout=30)

    assert value["task_id"] == result.id
    beat = Heartbeat.objects.get(name="worker")
    assert beat.task_id == result.id
    event = AuditEvent.objects.for_object(beat).last()
    assert event.actor_label == "task:cbec_supervision.heartbeat" and event.actor is None


@pytest.mark.django_db
def test_the_task_runs_in_process_without_a_broker_too():
    """The same task, eagerly: what `make run` does on a fresh machine."""
    result = heartbeat.apply()
    assert result.successful() and Heartbeat.objects.get(name="worker").task_id == result.id

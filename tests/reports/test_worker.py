"""A real Celery worker on the Redis broker generates a report end to end, listening on the "reports"
queue the task is routed to; the task is safe to run again."""

from __future__ import annotations

import os
import time

import pytest

from reports import services
from reports.choices import ReportStatus
from reports.models import HalfYearReport
from reports.tasks import generate


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: no broker to run a worker on")
def test_a_worker_on_the_reports_queue_generates_a_requested_report(world, compute):
    from celery.contrib.testing.worker import start_worker

    from cbec_supervision.celery import app

    assert app.conf.broker_url.startswith("redis://")
    assert app.amqp.router.route({}, "reports.generate")["queue"].name == "reports"
    # Both queues, as the deployed worker (docker-compose) listens: the selection stays on the app afterwards.
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=["default", "reports"]):
        report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")  # commits: queued
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if report.status in (ReportStatus.DONE, ReportStatus.FAILED):
                break
            time.sleep(0.2)

    assert report.status == ReportStatus.DONE, report.error
    assert report.figures["sampling"]["nonconformity_rate"] == 0.068 and report.attempts == 1
    assert compute.calls == [("2026H1", "ZJ", report.computed_at)]


@pytest.mark.django_db
def test_the_task_run_twice_generates_once(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    assert generate.apply(args=[report.pk]).get() == {"id": report.pk, "status": "done"}
    assert generate.apply(args=[report.pk]).get() == {"id": report.pk, "status": "done"}
    assert len(compute.calls) == 1 and HalfYearReport.objects.get().attempts == 1


@pytest.mark.django_db
def test_a_failure_is_kept_and_the_task_run_again_finishes(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    compute.fail = ValueError("division by zero in the sampling figures")
    assert generate.apply(args=[report.pk]).get() == {"id": report.pk, "status": "failed"}
    assert "division by zero" in HalfYearReport.objects.get().error
    assert generate.apply(args=[report.pk]).get()["status"] == "done"

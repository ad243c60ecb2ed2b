"""Report tasks. Thin: they call ``reports.services``. Routed to the "reports" queue
(``CELERY_TASK_ROUTES``); acknowledged late, so a worker that dies mid-run leaves the report running
and the redelivered task takes it up again; a done report is never recomputed."""

from __future__ import annotations

from celery import Task, shared_task
from django.db import OperationalError

from reports.services import report_run


@shared_task(
    name="reports.generate",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OperationalError, ConnectionError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def generate(self: Task, report_id: int) -> dict:
    """Generate one half-yearly report (queued, failed or interrupted); returns its id and status."""
    report = report_run(report_id, actor=f"task:{self.name}")
    return {"id": report.pk, "status": report.status}

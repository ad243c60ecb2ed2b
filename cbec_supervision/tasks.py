"""Tasks shared by the whole project. Tasks are thin: they load rows by id and call services."""

from __future__ import annotations

from celery import shared_task

from cbec_supervision.services import heartbeat_record


@shared_task(
    name="cbec_supervision.heartbeat",
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def heartbeat(self) -> dict:
    """Prove the worker runs and can write: records a heartbeat on the audit trail."""
    return heartbeat_record(actor=f"task:{self.name}", task_id=self.request.id or "")

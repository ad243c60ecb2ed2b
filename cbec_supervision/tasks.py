"""Tasks shared by the whole project. Tasks are thin: they load rows by id and call services."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task

from cbec_supervision import handovers
from cbec_supervision.services import heartbeat_record


@shared_task(
    name="cbec_supervision.heartbeat",
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def heartbeat(self: Task) -> dict:
    """Prove the worker runs and can write: records a heartbeat on the audit trail."""
    return heartbeat_record(actor=f"task:{self.name}", task_id=self.request.id or "")


class _HandoverTask(Task):
    def on_failure(self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        """Called once the delivery gives up (after its last retry): log and record it."""
        receiver = kwargs.get("receiver", args[0] if args else "")
        message = kwargs.get("announcement", args[1] if len(args) > 1 else None)
        if message is not None:
            handovers.delivery_failed(receiver, message, exc)


#: the options of an idempotent task that follows a committed change: any failure is retried, with
#: exponential, jittered backoff (up to 10 minutes apart, 8 times), its cause being usually passing (a
#: lock, a deadlock victim, a worker restart); acknowledged late, so it may run twice and must not mind
RETRYING: dict[str, Any] = {
    "acks_late": True,
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="cbec_supervision.handover_deliver", base=_HandoverTask, **RETRYING)
def handover_deliver(receiver: str, announcement: dict[str, Any]) -> None:
    """Deliver one announcement to one asynchronous receiver (see ``cbec_supervision.handovers``)."""
    handovers.deliver(receiver, announcement)

"""Traceability tasks. Thin: they call the services."""

from __future__ import annotations

from celery import Task, shared_task

from traceability.services import escalation, measures_flag_low_recovery, measures_flag_overdue, notices_flag_overdue


@shared_task(
    name="traceability.flag_overdue_notices",
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def flag_overdue_notices(self: Task) -> list[int]:
    """Periodic (celery beat): flag, once, the inter-bureau notices unacknowledged past due."""
    return notices_flag_overdue(actor=f"task:{self.name}")


@shared_task(
    name="traceability.escalation_check",
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def escalation_check(self: Task) -> list[int]:
    """Daily (celery beat): propose for strict supervision the enterprises that reached the threshold."""
    return [proposal.pk for proposal in escalation.escalation_check(actor=f"task:{self.name}")]


@shared_task(
    name="traceability.flag_overdue_measures",
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def flag_overdue_measures(self: Task) -> dict[str, list[int]]:
    """Periodic (celery beat): flag, once, the measures past their deadline, and the recalls below the
    required recovery rate at theirs."""
    actor = f"task:{self.name}"
    return {
        "overdue": measures_flag_overdue(actor=actor),
        "low_recovery": measures_flag_low_recovery(actor=actor),
    }

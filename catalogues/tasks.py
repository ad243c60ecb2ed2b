"""Catalogue tasks. Thin: they call the services."""

from __future__ import annotations

from celery import Task, shared_task

from catalogues.services import editions_in_force_announce


@shared_task(
    name="catalogues.announce_editions_in_force",
    bind=True,
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def announce_editions_in_force(self: Task) -> list[int]:
    """Daily (celery beat): announce the editions loaded ahead of their date that are now in force."""
    return [edition.pk for edition in editions_in_force_announce(actor=f"task:{self.name}")]

"""Services of the core: the worker heartbeat."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from cbec_supervision.audit import Actor, audit_record
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import Heartbeat


@transaction.atomic
def heartbeat_record(*, actor: Actor, task_id: str = "") -> dict:
    """Store the time a worker last ran a task, audited like any other change."""
    beat, _created = Heartbeat.objects.get_or_create(name="worker")
    before = {"last_seen": beat.last_seen.isoformat() if beat.last_seen else None, "task_id": beat.task_id}
    beat.last_seen = timezone.now()
    beat.task_id = task_id
    beat.save()
    after = {"last_seen": beat.last_seen.isoformat(), "task_id": task_id}
    audit_record(actor=actor, action=AuditAction.HEARTBEAT, obj=beat, before=before, after=after)
    return {"name": beat.name, "last_seen": after["last_seen"], "task_id": task_id}

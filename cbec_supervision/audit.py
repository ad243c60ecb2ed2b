"""The audit trail: every change made through a service is recorded here, in its transaction.

Events form a hash chain. Each event's ``hash`` is SHA-256 over a canonical JSON of its content
and ``prev_hash``; ``verify_chain`` walks the chain and reports the first broken link.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent

if TYPE_CHECKING:
    from accounts.models import User

#: a person, or the name of the task or command acting on its own (``task:...``, ``command:...``)
Actor = Union["User", str]

GENESIS_HASH = "0" * 64
# Arbitrary constant: the advisory lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 0x43424543  # "CBEC"
_SECRET_FIELDS = {"password"}


class _Encoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, FieldFile):
            return o.name or None
        if hasattr(o, "code") and o.__class__.__name__ == "Country":
            return o.code
        return super().default(o)


def _normalise(data: Any) -> Any:
    """Round-trip through JSON so the value hashed is exactly the value stored and read back."""
    return json.loads(json.dumps(data, cls=_Encoder, ensure_ascii=False))


def snapshot(instance: models.Model, *, exclude: Iterable[str] = (), extra: dict | None = None) -> dict:
    """A JSON-ready dict of the instance's concrete fields (foreign keys as their ids)."""
    skip = set(exclude) | _SECRET_FIELDS
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        # auto_now timestamps change on every save; the event's own time records that.
        if field.name in skip or getattr(field, "auto_now", False):
            continue
        data[field.name] = field.value_from_object(instance)
    if extra:
        data.update(extra)
    normalised: dict[str, Any] = _normalise(data)
    return normalised


def _actor_parts(actor: Actor | None) -> tuple[Any, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return actor, actor.get_username()


def _content(event: AuditEvent, content_type_label: str) -> dict:
    return {
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "content_type": content_type_label,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }


def compute_hash(event: AuditEvent, content_type_label: str) -> str:
    canonical = json.dumps(
        _content(event, content_type_label), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (see settings), so writers are already serialised.


@transaction.atomic
def audit_record(
    *,
    actor: Actor | None,
    action: AuditAction | str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event for ``obj`` to the chain. Call it inside the service's transaction.

    ``action`` is an ``AuditAction`` (or its value); anything else raises ValueError.
    """
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}: add it to cbec_supervision.choices.AuditAction")
    action = AuditAction(action).value
    _lock_chain()
    user, label = _actor_parts(actor)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    last_hash = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS_HASH
    event = AuditEvent(
        actor=user,
        actor_label=label[:200],
        action=action,
        content_type=content_type,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_normalise(before) if before is not None else None,
        after=_normalise(after) if after is not None else None,
        reason=reason or "",
        prev_hash=last_hash,
    )
    event.created_at = timezone.now()
    event.hash = compute_hash(event, f"{content_type.app_label}.{content_type.model}")
    event.save()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk the whole chain in order; stop at the first event that does not fit."""
    expected_prev = GENESIS_HASH
    checked = 0
    events = AuditEvent.objects.select_related("content_type").order_by("id").iterator(chunk_size=chunk_size)
    for event in events:
        label = f"{event.content_type.app_label}.{event.content_type.model}"
        if event.prev_hash != expected_prev:
            return ChainReport(
                False,
                checked,
                event.id,
                "its previous-hash does not match the event before it (an event was removed or inserted)",
            )
        if compute_hash(event, label) != event.hash:
            return ChainReport(False, checked, event.id, "its content does not match its hash (it was edited)")
        expected_prev = event.hash
        checked += 1
    return ChainReport(True, checked)

"""Hand-overs between apps: one app announces what happened, the apps concerned receive it.

Every event is declared here, in ``EVENTS``, with its payload. A service announces it inside its own
transaction::

    handovers.announce(handovers.ITEMS_REFUSED, actor=actor, subject=batch, batch_no=..., items=[...])

and the receiving app connects its receivers in its ``AppConfig.ready``::

    handovers.connect(handovers.ITEMS_REFUSED, risk_signal_from_refusal)                    # synchronous
    handovers.connect(handovers.ITEMS_REFUSED, risk_scores_recompute, asynchronous=True)  # a task

A receiver takes one ``Announcement``. Apps reach each other through this registry, not by importing
each other's services, so the announcing app knows nothing of who listens.

Synchronous receivers run at once, in the announcing transaction: what they write commits with the
service's change or not at all, and if one raises, the exception goes up and the whole service call
rolls back (no batch, no audit event). Use it for what must not be missing once the change is
committed: the risk signal raised for refused goods.

Asynchronous receivers run in the Celery task ``cbec_supervision.handover_deliver``, enqueued with
``transaction.on_commit``: nothing is enqueued if the service rolls back, and a slow or failing
receiver neither holds up nor undoes the service. A failing delivery is retried with exponential,
jittered backoff (up to 10 minutes apart, 8 times), because its cause is usually passing (a lock, a
deadlock victim, a worker restart) and the service call it follows has already committed; the task
acknowledges late, so a receiver may run more than once and must be idempotent (``Announcement.id``
names the announcement). Use it for work that may wait: recomputing scores, messages to other systems.

An asynchronous receiver runs under the announcement's correlation id (``correlation.correlated``),
so what it records is found with the request, task or command that announced it.

Every announcement is recorded on its subject's audit trail (action ``handover``; the event, the
receivers connected at the time and the payload in ``after``), in the announcing transaction,
whether anyone receives it or not.

A delivery that gives up (its last retry failed) is logged as an error and recorded on the subject's
trail too, under the announcement's correlation id: action ``handover``, actor ``DELIVERY_ACTOR``,
``after`` = ``{"announcement": <the announcement's audit event id>, "event", "receiver",
"delivered": false, "error"}``. Find them with ``AuditEvent.objects.filter(action="handover",
after__delivered=False)``; ``redeliver(announcement_id, receiver)`` enqueues the delivery again.
A successful delivery is not recorded (the receiver's own changes are, under the same correlation
id). If the broker was down when the announcing transaction committed, the announcement was never
enqueued: that is logged (``transaction.on_commit(robust=True)``) but not recorded on the trail.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from cbec_supervision import correlation
from cbec_supervision.audit import Actor, audit_record
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent

logger = logging.getLogger(__name__)

#: the actor recording a delivery that gave up
DELIVERY_ACTOR = "task:cbec_supervision.handover_deliver"

# --- the events -----------------------------------------------------------------------------------

#: Lines of a bonded batch were refused entry (goods are barred line by line; the rest of the batch
#: goes on), at one of two stages (``stage``):
#:
#: - ``"declaration"``: refused on declaration as prohibited (certain tier-1 lines); ``items`` are
#:   those lines (the reasons are on the ``imports.ImportItem`` rows);
#: - ``"verification"``: during on-site verification, a suspected prohibited line was confirmed
#:   (``items`` is that line), or the verification failed (``items`` are the lines that were awaiting
#:   it); the findings are the ``imports.VerificationTask``'s note and the ``reason`` of the audit
#:   events recording the decision.
#:
#: Subject: the ``imports.ImportBatch``. Payload: ``batch_no`` (str), ``enterprise`` (the enterprise
#: filing's id), ``port_bureau`` (the bureau's code), ``stage`` (str, as above), ``items``: one
#: ``{"id", "line_no", "hs_code"}`` per refused line, in line order.
#:
#: Receivers: risk monitoring, synchronously (``risk_monitoring.services.refusals``): each line
#: raises an ``inspection`` risk signal on its product and operator, or joins the one still open
#: (a line without a product: on the operator), in the refusing transaction.
ITEMS_REFUSED = "imports.items_refused"
STAGE_DECLARATION = "declaration"
STAGE_VERIFICATION = "verification"

#: A catalogue edition came into force: what is pending under the earlier editions is to be
#: classified again under it (rule 10, 「目录调整后，对在审的备案和待核查的货物重新判定」).
#:
#: Announced once per edition (``catalogues.CatalogueEdition.announced_at``): when it is loaded with
#: a date of today or earlier (on ``catalogue_import``'s commit), else by the daily task
#: ``catalogues.announce_editions_in_force`` on its first day in force.
#:
#: Subject: the ``catalogues.CatalogueEdition``. Payload: ``edition_id`` (int), ``kind`` (the
#: catalogue kind, e.g. ``"hazardous_chemicals"``), ``edition`` (its name, e.g. ``"2015"``),
#: ``effective_from`` (ISO date).
#:
#: Receivers: filings re-classifies submitted product filings and flags approved ones it puts in
#: tier 1 (``filings.services.prohibited``); imports re-checks the batch lines awaiting on-site
#: verification (``imports.services.recheck``).
CATALOGUE_EDITION_IN_FORCE = "catalogues.edition_in_force"

#: An enterprise's supervision level changed (placed under strict supervision, or lifted).
#:
#: Subject: the ``filings.EnterpriseFiling``. Payload: ``enterprise`` (its id), ``level`` (the new
#: level, ``normal``/``strict``).
#:
#: Receivers: risk monitoring, synchronously (``risk_monitoring.services.score_events``): the risk scores
#: of the enterprise and its products are recomputed once the change commits (debounced).
SUPERVISION_LEVEL_CHANGED = "filings.supervision_level_changed"

#: every event, and what its payload holds
EVENTS: dict[str, str] = {
    ITEMS_REFUSED: (
        "batch_no, enterprise, port_bureau, stage (declaration|verification), items [{id, line_no, hs_code}]"
    ),
    CATALOGUE_EDITION_IN_FORCE: "edition_id, kind, edition, effective_from (ISO date)",
    SUPERVISION_LEVEL_CHANGED: "enterprise, level (normal|strict)",
}


# --- announcements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Announcement:
    """What a receiver gets: the event, its subject, who acted, and the payload (JSON values)."""

    #: the audit event recording the announcement: the same id on every delivery
    id: int
    event: str
    subject_type: str
    subject_id: str
    actor_id: int | None
    actor_label: str
    #: the request, task or command that announced it
    correlation_id: str
    payload: dict[str, Any]
    _subject: models.Model | None = field(default=None, compare=False, repr=False)

    @property
    def subject(self) -> models.Model:
        """The subject: the announcing service's instance, or loaded by id in a task."""
        if self._subject is not None:
            return self._subject
        app_label, model = self.subject_type.split(".")
        return ContentType.objects.get_by_natural_key(app_label, model).get_object_for_this_type(pk=self.subject_id)

    def message(self) -> dict[str, Any]:
        """The announcement as a task's JSON argument."""
        data = asdict(self)
        data.pop("_subject")
        return data

    @classmethod
    def from_message(cls, data: dict[str, Any]) -> Announcement:
        return cls(**data)


Receiver = Callable[[Announcement], Any]


@dataclass(frozen=True)
class _Connection:
    name: str
    receiver: Receiver
    asynchronous: bool


_registry: dict[str, list[_Connection]] = {}


def _name(receiver: Receiver) -> str:
    return f"{receiver.__module__}.{receiver.__qualname__}"


def _check(event: str) -> None:
    if event not in EVENTS:
        raise ValueError(f"unknown hand-over event {event!r}: declare it in cbec_supervision.handovers.EVENTS")


def connect(event: str, receiver: Receiver, *, asynchronous: bool = False) -> None:
    """Have ``receiver`` receive ``event``: in the announcing transaction, or in a task after it commits."""
    _check(event)
    connections = _registry.setdefault(event, [])
    name = _name(receiver)
    connections[:] = [c for c in connections if c.name != name]
    connections.append(_Connection(name, receiver, asynchronous))


def disconnect(event: str, receiver: Receiver) -> None:
    name = _name(receiver)
    _registry[event] = [c for c in _registry.get(event, []) if c.name != name]


def receivers(event: str) -> list[str]:
    """The names of the receivers connected to ``event``, in the order they run."""
    return [c.name for c in _registry.get(event, [])]


def announce(event: str, *, actor: Actor | None, subject: models.Model, **payload: Any) -> Announcement:
    """Record ``event`` on ``subject``'s audit trail and hand it to its receivers.

    Call it inside the service's transaction. Synchronous receivers run now (their exception rolls
    the service back); asynchronous ones are enqueued when the transaction commits.
    """
    _check(event)
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("announce a hand-over inside the service's transaction")
    connections = list(_registry.get(event, []))
    record = audit_record(
        actor=actor,
        action=AuditAction.HANDOVER,
        obj=subject,
        after={"event": event, "receivers": [c.name for c in connections], "payload": payload},
    )
    recorded: dict[str, Any] = record.after or {}
    announcement = Announcement(
        id=record.pk,
        event=event,
        subject_type=f"{subject._meta.app_label}.{subject._meta.model_name}",
        subject_id=str(subject.pk),
        actor_id=record.actor_id,
        actor_label=record.actor_label,
        correlation_id=record.correlation_id,
        payload=recorded["payload"],  # as JSON gives it back: what a task's receiver gets too
        _subject=subject,
    )
    for connection in connections:
        if connection.asynchronous:
            # robust: the change has committed; a broker that is down must not turn it into an error.
            # The announcement stays on the audit trail, to be delivered again with ``redeliver``.
            transaction.on_commit(_enqueuer(connection.name, announcement.message()), robust=True)
        else:
            connection.receiver(announcement)
    return announcement


def _enqueuer(receiver: str, message: dict[str, Any]) -> Callable[[], None]:
    def enqueue_handover() -> None:
        from cbec_supervision.tasks import handover_deliver

        handover_deliver.delay(receiver, message)

    return enqueue_handover


def deliver(receiver: str, message: dict[str, Any]) -> None:
    """Run one asynchronous receiver on an announcement (the task's body), in a transaction of its own."""
    announcement = Announcement.from_message(message)
    connection = next((c for c in _registry.get(announcement.event, []) if c.name == receiver and c.asynchronous), None)
    if connection is None:
        # Only connected receivers run: a message names a receiver, it does not choose code to import.
        logger.error(
            "hand-over %s #%s: receiver %s is not connected; not delivered",
            announcement.event,
            announcement.id,
            receiver,
        )
        return
    # Under the announcing request's id (the task's own if it had none), so one action is followed across.
    with correlation.correlated(announcement.correlation_id or correlation.current() or None), transaction.atomic():
        connection.receiver(announcement)


def delivery_failed(receiver: str, message: dict[str, Any], error: BaseException) -> None:
    """A delivery gave up (its last retry failed): log it and record it on the subject's audit trail."""
    announcement = Announcement.from_message(message)
    logger.error("hand-over %s #%s: delivery to %s gave up: %r", announcement.event, announcement.id, receiver, error)
    try:
        with correlation.correlated(announcement.correlation_id or None), transaction.atomic():
            audit_record(
                actor=DELIVERY_ACTOR,
                action=AuditAction.HANDOVER,
                obj=announcement.subject,
                after={
                    "announcement": announcement.id,
                    "event": announcement.event,
                    "receiver": receiver,
                    "delivered": False,
                    "error": f"{type(error).__name__}: {error}"[:500],
                },
            )
    except Exception:  # the subject is gone, the database is down: the log line above is what remains
        logger.exception(
            "hand-over %s #%s: the failed delivery could not be recorded", announcement.event, announcement.id
        )


def redeliver(announcement_id: int, receiver: str) -> None:
    """Enqueue the announcement recorded as audit event ``announcement_id`` again, for ``receiver``."""
    from cbec_supervision.tasks import handover_deliver

    record = AuditEvent.objects.select_related("content_type").get(
        pk=announcement_id, action=AuditAction.HANDOVER, after__has_key="payload"
    )
    after: dict[str, Any] = record.after or {}
    content_type = record.content_type
    announcement = Announcement(
        id=record.pk,
        event=after["event"],
        subject_type=f"{content_type.app_label}.{content_type.model}",
        subject_id=record.object_id,
        actor_id=record.actor_id,
        actor_label=record.actor_label,
        correlation_id=record.correlation_id,
        payload=after["payload"],
    )
    handover_deliver.delay(receiver, announcement.message())

"""The audit trail: every change made through a service is recorded here, in its transaction.

Events are hash-chained: each event's ``hash`` is SHA-256 over a canonical JSON of its content
(actor, action, object, before/after, reason, the whole it is part of, the correlation id, its
chain and position) and ``prev_hash``, the hash of the event before it in its chain.
``verify_chain`` walks every chain and reports the first broken link.

Several chains, each locked only by the transaction appending to it
--------------------------------------------------------------------
An event must be linked in its writer's transaction: the link needs the hash of the chain's last
*committed* event, so the chain is locked from the first append until the transaction ends. With
one chain (the first design: one global advisory lock) every audited write of the whole system
queued behind every other for the length of its transaction.

So there are ``AUDIT_CHAINS`` chains (16 unless settings say otherwise), each with a head row in
``AuditChain`` (its last position and hash). ``audit_record`` locks a chain's row with
``SELECT ... FOR UPDATE SKIP LOCKED`` over the chains in order of preference and takes the first
one nobody holds, reading its head in the same statement. Preference: the chain this database
connection used last (so a worker keeps to one chain and its own transaction's events stay on the
chain it already holds, as its own lock is never skipped), then the chain given by a stable hash of
the object (of its whole, when ``related`` is given). A writer waits only when every chain is held,
and then it holds none, so chain locks cannot deadlock each other. With fewer concurrent writers
than chains, nobody waits for anybody.

The usual append is one statement: a connection remembers the head it left and appends there
with a compare-and-swap (lock the head row unless someone holds it, move it on only if its position
and hash are still the remembered ones, insert the event only if it moved). When the chain has moved
on or is held, nothing is written and the writer takes a chain as above (two statements). So an
audited write costs about what a plain insert costs: the rate is bounded by the commit (WAL flush)
and the round trip, as for any row (``make bench``: ``audit_ratio``).

The other design considered, appending unlinked events and linking them in a short separate step,
was not taken: the link would need either an UPDATE of the event (the append-only trigger refuses
it) or a second table, a linker that must keep running, and a window in which a fresh event can be
removed without trace.

What is still detected: an edited event (its content no longer matches its hash: the new fields are
part of it), a removed event (a gap in its chain's positions and a broken link at the next one), the
newest events of a chain removed (the head row is ahead of the last event), an event moved to another
chain, a whole chain removed with its head. The heads of all chains 1..``chain_count()`` are created
together, at a process's first audited write (``_ensure_heads``), so once any chain exists every chain
up to the highest of ``chain_count()``, the highest head and the highest chain with events must have
a head that its events lead to. (Raising ``AUDIT_CHAINS`` makes ``verify_audit`` report the new
chains' heads missing until the next audited write creates them.) Not detected, as before: someone
with write access to the database who rewrites the tail of a chain, its hashes and its head together,
or removes every chain and head at once; anchoring the heads outside the database would close it.

``verify_chain`` reads every chain and head as of one moment: in a REPEATABLE READ transaction of its
own, or inside the caller's transaction if that is REPEATABLE READ or SERIALIZABLE. Inside a READ
COMMITTED one (where each statement sees what has committed since, and a writer committing during the
walk would look like tampering) it locks the heads' table in SHARE mode instead: audited writers wait
until the caller's transaction ends. Run it on its own (``verify_audit`` does) to let writers go on.

Events written before there were chains are on chain 0: linked in id order and hashed as they were.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import weakref
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from cbec_supervision import correlation
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditChain, AuditEvent

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

    from accounts.models import User

#: a person, or the name of the task or command acting on its own (``task:...``, ``command:...``)
Actor = Union["User", str]

GENESIS_HASH = "0" * 64
DEFAULT_CHAINS = 16
_SECRET_FIELDS = {"password"}
#: the head (chain, position, hash) each database connection left behind: tried first next time
_last_head: weakref.WeakKeyDictionary[BaseDatabaseWrapper, tuple[int, int, str]] = weakref.WeakKeyDictionary()


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


def _label(content_type_id: int | None) -> str | None:
    if content_type_id is None:
        return None
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached: no query after the first
    return f"{content_type.app_label}.{content_type.model}"


def _content(event: AuditEvent) -> dict:
    content = {
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "content_type": _label(event.content_type_id),
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }
    if event.chain:  # chain 0: events written before there were chains, hashed as they were
        content.update(
            {
                "chain": event.chain,
                "seq": event.seq,
                "related_type": _label(event.related_content_type_id),
                "related_id": event.related_object_id,
                "correlation_id": event.correlation_id,
            }
        )
    return content


def compute_hash(event: AuditEvent) -> str:
    canonical = json.dumps(_content(event), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def chain_count() -> int:
    return max(1, int(getattr(settings, "AUDIT_CHAINS", DEFAULT_CHAINS)))


def _preference(connection: BaseDatabaseWrapper, key: str) -> list[int]:
    """Chains in the order to try them: this connection's last one, then from a stable hash of ``key``."""
    n = chain_count()
    start = zlib.crc32(key.encode("utf-8")) % n
    order = [(start + i) % n + 1 for i in range(n)]
    last = _last_head.get(connection, (None,))[0]
    if last in order:
        order.remove(last)
        order.insert(0, last)
    return order


#: the databases (by name) whose chain heads this process has made sure of
_heads_ensured: set[str] = set()


def _ensure_heads(connection: BaseDatabaseWrapper) -> None:
    """Create the heads of chains 1..chain_count() that are not there, once per process and database.

    All heads exist from the first audited write on, so a chain removed with its head is missed by
    ``verify_chain`` (and ``AUDIT_CHAINS`` raised takes effect at the next start).
    """
    name = str(connection.settings_dict.get("NAME"))
    if name in _heads_ensured:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(AuditChain._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, seq, head_hash) "
                "SELECT g, 0, %s FROM generate_series(1, %s) AS g ON CONFLICT (id) DO NOTHING",
                [GENESIS_HASH, chain_count()],
            )
    else:
        AuditChain.objects.bulk_create(
            [AuditChain(pk=n, seq=0, head_hash=GENESIS_HASH) for n in range(1, chain_count() + 1)],
            ignore_conflicts=True,
        )
    _heads_ensured.add(name)


def _take_chain(connection: BaseDatabaseWrapper, key: str) -> tuple[int, int, str]:
    """Lock a chain for the rest of the transaction: (chain, its last position, its last hash)."""
    _ensure_heads(connection)
    order = _preference(connection, key)
    table = connection.ops.quote_name(AuditChain._meta.db_table)
    if connection.vendor != "postgresql":
        # SQLite: transactions begin IMMEDIATE (see settings), so writers are already serialised.
        chain, _ = AuditChain.objects.get_or_create(pk=order[0], defaults={"head_hash": GENESIS_HASH})
        return chain.pk, chain.seq, chain.head_hash
    with connection.cursor() as cursor:
        # The first chain nobody else holds; FOR UPDATE returns its newest committed head.
        cursor.execute(
            f"SELECT id, seq, head_hash FROM {table} WHERE id = ANY(%s) "
            "ORDER BY array_position(%s, id) LIMIT 1 FOR UPDATE SKIP LOCKED",
            [order, order],
        )
        row = cursor.fetchone()
        if row is None:
            # Every chain is held by others (this transaction holds none: its own is never skipped),
            # or the chains are not there yet (a new database, a flushed test database): wait for one.
            cursor.execute(
                f"INSERT INTO {table} (id, seq, head_hash) "
                "SELECT g, 0, %s FROM generate_series(1, %s) AS g ON CONFLICT (id) DO NOTHING",
                [GENESIS_HASH, len(order)],
            )
            cursor.execute(f"SELECT id, seq, head_hash FROM {table} WHERE id = %s FOR UPDATE", [order[0]])
            row = cursor.fetchone()
    return row[0], row[1], row[2]


def audit_record(
    *,
    actor: Actor | None,
    action: AuditAction | str,
    obj: models.Model,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    related: models.Model | None = None,
) -> AuditEvent:
    """Append one event for ``obj`` to a chain. Call it inside the service's transaction.

    ``action`` is an ``AuditAction`` (or its value); anything else raises ValueError.
    ``related``: the whole ``obj`` is a part of (an item's batch, a product's enterprise filing),
    whose history then shows this event too. The correlation id of the request, task or command
    at work is taken from ``cbec_supervision.correlation``.
    """
    # Checked before the transaction is touched: a wrong action is a programming error, and it must
    # not leave the caller's transaction marked for rollback.
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}: add it to cbec_supervision.choices.AuditAction")
    return _append(
        actor=actor,
        action=AuditAction(action).value,
        obj=obj,
        before=before,
        after=after,
        reason=reason,
        related=related,
    )


# No savepoint: inside the service's transaction an audit failure fails the whole service anyway,
# and a savepoint would cost two more round trips per event.
@transaction.atomic(savepoint=False)
def _append(
    *,
    actor: Actor | None,
    action: str,
    obj: models.Model,
    before: dict | None,
    after: dict | None,
    reason: str,
    related: models.Model | None,
) -> AuditEvent:
    user, label = _actor_parts(actor)
    content_type = ContentType.objects.get_for_model(obj, for_concrete_model=False)
    related_type = ContentType.objects.get_for_model(related, for_concrete_model=False) if related is not None else None
    # The chain to try first, for a connection that has none yet: the whole's, so its parts go there too.
    whole_key = f"{content_type.pk}:{obj.pk}"
    if related is not None and related_type is not None:
        whole_key = f"{related_type.pk}:{related.pk}"
    connection = connections[DEFAULT_DB_ALIAS]
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
        related_content_type=related_type,
        related_object_id=str(related.pk) if related is not None else "",
        correlation_id=correlation.current()[: correlation.MAX_LENGTH],
    )
    event.created_at = timezone.now()
    if not (connection.vendor == "postgresql" and _append_at_remembered_head(connection, event)):
        event.chain, event.seq, event.prev_hash = _take_chain(connection, whole_key)
        event.seq += 1
        event.hash = compute_hash(event)
        _store(connection, event)
    _last_head[connection] = (event.chain, event.seq, event.hash)
    return event


def _insert_sql(connection: BaseDatabaseWrapper, event: AuditEvent) -> tuple[str, str, list]:
    """(columns, placeholders, values) to insert ``event`` with raw SQL."""
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    values = [f.get_db_prep_save(getattr(event, f.attname), connection) for f in fields]
    return columns, ", ".join(["%s"] * len(fields)), values


def _saved(connection: BaseDatabaseWrapper, event: AuditEvent, pk: int) -> None:
    event.pk = pk
    event._state.adding = False
    event._state.db = connection.alias


def _append_at_remembered_head(connection: BaseDatabaseWrapper, event: AuditEvent) -> bool:
    """The usual case in one statement: append to the chain this connection left, if it is still as left.

    A compare-and-swap on the chain's head: the head row is locked (unless someone else holds it)
    and moved on only if its position and hash are still the ones remembered, and the event is
    inserted only if the head moved. Otherwise nothing is written and the caller takes a chain.
    """
    remembered = _last_head.get(connection)
    if remembered is None:
        return False
    event.chain, seq, event.prev_hash = remembered
    event.seq = seq + 1
    event.hash = compute_hash(event)
    chains = connection.ops.quote_name(AuditChain._meta.db_table)
    columns, placeholders, values = _insert_sql(connection, event)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH head AS (SELECT id FROM {chains} WHERE id = %s AND seq = %s AND head_hash = %s "
            "FOR UPDATE SKIP LOCKED), "
            f"moved AS (UPDATE {chains} SET seq = %s, head_hash = %s WHERE id IN (SELECT id FROM head) RETURNING id) "
            f"INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} ({columns}) "
            f"SELECT {placeholders} FROM moved RETURNING id",
            [event.chain, seq, event.prev_hash, event.seq, event.hash, *values],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    _saved(connection, event, row[0])
    return True


def _store(connection: BaseDatabaseWrapper, event: AuditEvent) -> None:
    """Insert the event and move its chain's head on, in one statement on PostgreSQL."""
    if connection.vendor != "postgresql":
        event.save()
        AuditChain.objects.filter(pk=event.chain).update(seq=event.seq, head_hash=event.hash)
        return
    chains = connection.ops.quote_name(AuditChain._meta.db_table)
    columns, placeholders, values = _insert_sql(connection, event)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH head AS (UPDATE {chains} SET seq = %s, head_hash = %s WHERE id = %s) "
            f"INSERT INTO {connection.ops.quote_name(AuditEvent._meta.db_table)} ({columns}) "
            f"VALUES ({placeholders}) RETURNING id",
            [event.seq, event.hash, event.chain, *values],
        )
        _saved(connection, event, cursor.fetchone()[0])


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_event_id: int | None = None
    problem: str = ""
    #: the chain that is broken; when intact, how many chains were walked
    chain: int | None = None
    chains: int = 0


def _verify_one(chain: int, head: AuditChain | None, chunk_size: int) -> tuple[int, ChainReport | None]:
    expected_prev, expected_seq, checked, last_id = GENESIS_HASH, 1, 0, None
    events = AuditEvent.objects.filter(chain=chain).order_by("seq" if chain else "id")
    for event in events.iterator(chunk_size=chunk_size):
        if (chain and event.seq != expected_seq) or event.prev_hash != expected_prev:
            return checked, ChainReport(
                False,
                checked,
                event.id,
                "its previous-hash or position does not follow the event before it (an event was removed or inserted)",
                chain,
            )
        if compute_hash(event) != event.hash:
            return checked, ChainReport(
                False, checked, event.id, "its content does not match its hash (it was edited)", chain
            )
        expected_prev, expected_seq, last_id = event.hash, expected_seq + 1, event.id
        checked += 1
    if chain and head is None:
        return checked, ChainReport(
            False,
            checked,
            last_id,
            f"the chain has no head, though chains up to {chain} exist "
            "(the chain was removed with its head, or its head was removed)",
            chain,
        )
    if chain and head is not None and (head.seq != expected_seq - 1 or head.head_hash != expected_prev):
        recorded = head.seq
        return checked, ChainReport(
            False,
            checked,
            last_id,
            f"the chain's head records {recorded} events but {expected_seq - 1} follow each other "
            "(its newest events were removed, or its head was changed)",
            chain,
        )
    return checked, None


def verify_chain(chunk_size: int = 2000) -> ChainReport:
    """Walk every chain in order, in one snapshot; stop at the first event that does not fit.

    Inside the caller's READ COMMITTED transaction, audited writers wait until it ends (see above).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _snapshot(connection)
        heads = {head.pk: head for head in AuditChain.objects.all()}
        chains = set(AuditEvent.objects.order_by().values_list("chain", flat=True).distinct())
        if heads or any(chains):
            # Chains 1..n exist together: one missing (head and events) is a chain removed.
            chains |= set(range(1, max(chain_count(), *heads, *chains) + 1))
        total = 0
        for chain in sorted(chains):
            checked, problem = _verify_one(chain, heads.get(chain), chunk_size)
            if problem is not None:
                return ChainReport(False, total + checked, problem.broken_event_id, problem.problem, chain)
            total += checked
    return ChainReport(True, total, chains=len(chains))


def _snapshot(connection: BaseDatabaseWrapper) -> None:
    """Make the current transaction see every chain and head as of one moment (PostgreSQL)."""
    with connection.cursor() as cursor:
        if len(connection.atomic_blocks) == 1 and connection.commit_on_exit:
            # A transaction of our own, nothing read yet: a snapshot, while writers go on.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            return
        cursor.execute("SHOW transaction_isolation")
        row = cursor.fetchone()
        if row is not None and row[0] in ("repeatable read", "serializable"):
            return  # the caller's snapshot
        # READ COMMITTED, probably already begun: no snapshot to be had; hold the heads still instead
        # (every append moves its head in the statement that inserts the event).
        table = connection.ops.quote_name(AuditChain._meta.db_table)
        cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")

"""Audit appends per second with 4 concurrent writers, beside the same writers storing a plain row.

Each writer is a process of its own, as Celery's prefork workers are, with its own database
connection; each of its transactions records one event through ``audit_record`` (one of the
several chains locked, the event linked and stored, the chain's head moved on) and commits. The
baseline (the floor) is the same 4 writers committing one plain row of the same size and the same
indexes per transaction, with no chain: ``bench_audit_floor``, made ``LIKE core_auditevent`` for the
run and dropped after it. Figures: the median of 5 runs after a warm-up, runs of the two kinds
interleaved so both meet the same machine. ``audit_ratio`` is the floor's rate over the audit's.

PostgreSQL only (DATABASE_URL): the chains' row locks are what is measured. The events it records
stay on the audit trail (it is append-only), under the actor ``command:bench``, on worker-heartbeat
rows named ``bench-audit-<n>``: run it against a benchmark database, not one you keep.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
import uuid

from bench.timing import RUNS

WRITERS = 4
FLOOR_TABLE = "bench_audit_floor"

#: what a typical service records: a before and after snapshot of a dozen fields
BEFORE = {
    "status": "submitted",
    "contact_name": "李四",
    "contact_phone": "13812345678",
    "address": "浙江省杭州市西湖区文三路 1 号",
    "main_categories": ["light_industry", "textile"],
    "systems": ["quality_management", "traceability"],
    "decided_at": None,
    "decision_reason": "",
    "filing_no": "",
    "bureau": 3,
    "tier": 2,
    "pledge_signed": True,
}
AFTER = {**BEFORE, "status": "approved", "decided_at": "2026-11-30T08:00:00+08:00", "filing_no": "ZJ2026E0001"}


def _audit_writer(writer: int, count: int, start, done) -> None:
    from django.db import transaction

    from cbec_supervision.audit import audit_record
    from cbec_supervision.models import Heartbeat

    targets = [Heartbeat.objects.get_or_create(name=f"bench-audit-{writer}-{i}")[0] for i in range(8)]
    start.wait()
    for i in range(count):
        with transaction.atomic():
            audit_record(
                actor="command:bench", action="update", obj=targets[i % len(targets)], before=BEFORE, after=AFTER
            )
    done.put(writer)


def _floor_writer(writer: int, count: int, start, done) -> None:
    import json

    from django.db import connection, transaction
    from django.utils import timezone

    start.wait()
    for i in range(count):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {FLOOR_TABLE} (created_at, actor_label, action, content_type_id, object_id, "  # noqa: S608
                "object_repr, before, after, reason, related_object_id, correlation_id, chain, seq, "
                "prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    timezone.now(),
                    "command:bench",
                    "update",
                    1,
                    str(i % 8),
                    f"bench-audit-{writer}-{i % 8}",
                    json.dumps(BEFORE, ensure_ascii=False),
                    json.dumps(AFTER, ensure_ascii=False),
                    "",
                    "",
                    "",
                    0,
                    0,
                    uuid.uuid4().hex * 2,
                    uuid.uuid4().hex * 2,
                ],
            )
    done.put(writer)


def _timed(target, count: int) -> float:
    """Appends per second of WRITERS processes, each making ``count`` transactions."""
    from django.db import connections

    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    start, done = context.Barrier(WRITERS + 1), context.Queue()
    processes = [context.Process(target=target, args=(w, count, start, done)) for w in range(WRITERS)]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    for _ in processes:
        done.get(timeout=600)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
        if process.exitcode:
            raise RuntimeError(f"a benchmark writer failed (exit code {process.exitcode})")
    return WRITERS * count / elapsed


def run(scale: float = 1.0) -> dict[str, float]:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("audit_appends_per_s skipped: it needs PostgreSQL (set DATABASE_URL)")  # noqa: T201
        return {}
    count = max(50, int(500 * scale))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (LIKE core_auditevent INCLUDING ALL)")
    try:
        _timed(_audit_writer, count // 5)  # warm-up: connections, caches, the chains' rows
        _timed(_floor_writer, count // 5)
        audit, floor = [], []
        for _ in range(RUNS):  # the harness's run count (BENCH_RUNS, at least 5)
            audit.append(_timed(_audit_writer, count))
            floor.append(_timed(_floor_writer, count))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
    audit_rate, floor_rate = statistics.median(audit), statistics.median(floor)
    return {
        "audit_appends_per_s": round(audit_rate, 1),
        "audit_floor_appends_per_s": round(floor_rate, 1),
        "audit_ratio": round(floor_rate / audit_rate, 2),
    }

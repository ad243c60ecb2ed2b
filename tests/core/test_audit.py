"""The audit trail: written in the service's transaction, append-only, hash-chained, verifiable."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from cbec_supervision.audit import audit_record, snapshot, verify_chain
from cbec_supervision.models import AppendOnlyError, AuditChain, AuditEvent
from filings.services import enterprise_update

pytestmark = pytest.mark.django_db


def _edit_rows_behind_the_orm(sql: str, params: list) -> None:
    """Tamper as an attacker with database access would: around the append-only trigger."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A superuser can switch user triggers off for the session, as replication does.
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute(sql, params)
            cursor.execute("SET LOCAL session_replication_role = origin")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_append_only")
            cursor.execute(sql, params)


def test_a_service_change_records_who_what_before_and_after(world):
    enterprise_update(actor=world.alice, filing=world.alice_co, contact_name="王五")

    event = AuditEvent.objects.for_object(world.alice_co).last()
    assert event.actor == world.alice and event.actor_label == "alice"
    assert event.action == "update"
    assert event.before["contact_name"] == "李四" and event.after["contact_name"] == "王五"
    assert ("contact_name", "李四", "王五") in event.changed_fields


def test_an_unchanged_save_records_nothing(world):
    count = AuditEvent.objects.count()
    enterprise_update(actor=world.alice, filing=world.alice_co, contact_name=world.alice_co.contact_name)
    assert AuditEvent.objects.count() == count


def test_the_event_rolls_back_with_the_change(world):
    count = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        enterprise_update(actor=world.alice, filing=world.alice_co, contact_name="王五")
        raise RuntimeError("the caller fails after the service")
    world.alice_co.refresh_from_db()
    assert world.alice_co.contact_name == "李四"
    assert AuditEvent.objects.count() == count


def test_tasks_are_recorded_by_name(world):
    event = audit_record(actor="task:risk_monitoring.recompute", action="update", obj=world.alice_co)
    assert event.actor is None and event.actor_label == "task:risk_monitoring.recompute"


def test_each_event_chains_to_the_one_before(world):
    first = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"a": 1})
    second = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"a": 2})
    assert second.prev_hash == first.hash
    assert len(second.hash) == 64 and second.hash != first.hash
    report = verify_chain()
    assert report.ok and report.checked == AuditEvent.objects.count()


def test_events_cannot_be_changed_or_deleted_through_the_orm(world):
    event = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co)
    event.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()


def test_the_database_refuses_updates_to_events(world):
    event = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co)
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["rewritten", event.pk])


def test_editing_an_old_event_in_the_database_is_detected(world):
    old = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"contact_name": "A"})
    audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"contact_name": "B"})
    assert verify_chain().ok

    _edit_rows_behind_the_orm("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"contact_name": "X"}', old.pk])

    report = verify_chain()
    assert not report.ok
    assert report.broken_event_id == old.pk
    assert "edited" in report.problem
    with pytest.raises(CommandError, match=f"broken at event {old.pk}"):
        call_command("verify_audit")


def test_removing_an_event_is_detected_at_the_next_one(world):
    audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"n": 1})
    removed = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"n": 2})
    following = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"n": 3})

    _edit_rows_behind_the_orm("DELETE FROM core_auditevent WHERE id = %s", [removed.pk])

    report = verify_chain()
    assert not report.ok and report.broken_event_id == following.pk
    assert "removed" in report.problem


def test_verify_audit_reports_an_intact_chain(world, capsys):
    audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co)
    call_command("verify_audit")
    assert "audit chain intact" in capsys.readouterr().out


def test_snapshots_leave_out_passwords_and_auto_timestamps(world):
    data = snapshot(world.alice)
    assert "password" not in data
    assert "updated_at" not in snapshot(world.alice_co)
    assert data["username"] == "alice"


def test_history_is_served_by_the_api_in_order(world):
    from tests.conftest import api_as

    enterprise_update(actor=world.alice, filing=world.alice_co, contact_name="王五")
    enterprise_update(actor=world.alice, filing=world.alice_co, contact_name="赵六")
    response = api_as(world.zj_inspector).get(f"/api/v1/enterprises/{world.alice_co.pk}/history/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [r["after"]["contact_name"] for r in rows if r["action"] == "update"] == ["王五", "赵六"]
    assert rows[-1]["actor"] == "alice"
    assert {"field": "contact_name", "before": "王五", "after": "赵六"} in rows[-1]["changes"]


def test_history_is_shown_on_the_detail_page(world, client):
    enterprise_update(actor=world.alice, filing=world.alice_co, contact_name="王五")
    client.force_login(world.zj_inspector)
    page = client.get(f"/filings/enterprises/{world.alice_co.pk}/").content.decode()
    assert "王五" in page and "alice" in page


def test_the_timeline_words_codes_and_structured_values_as_people_read_them(world, client):
    from filings.services import enterprise_update

    enterprise_update(actor=world.alice, filing=world.alice_co, systems=["traceability"], main_categories=["textile"])
    audit_record(
        actor="test",
        action="update",
        obj=world.alice_co,
        before={"classification": None},
        after={"classification": {"tier": 2, "reasons": ["long", "structure"]}},
    )
    client.force_login(world.zj_inspector)
    page = client.get(f"/filings/enterprises/{world.alice_co.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Traceability system" in page and "Textile" in page
    assert "Tier 2" in page and "structure" not in page


# --- the whole an event is part of, and the correlation id --------------------------------------


def test_an_event_names_the_whole_it_is_part_of_and_the_work_that_made_it(world):
    from cbec_supervision.correlation import correlated

    with correlated("req-0000-1111") as request_id:
        event = audit_record(actor=world.alice, action="update", obj=world.alice, related=world.alice_co)
    assert event.related == world.alice_co and event.correlation_id == request_id == "req-0000-1111"
    assert audit_record(actor=world.alice, action="update", obj=world.alice).correlation_id == ""
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("correlation_id", "forged-request-id"),
        ("related_object_id", "999999"),
        ("related_content_type_id", None),
        ("chain", 7),
    ],
)
def test_editing_the_new_fields_behind_the_trigger_is_detected(world, column, value):
    from cbec_supervision.correlation import correlated

    with correlated("req-0000-1111"):
        event = audit_record(actor=world.alice, action="update", obj=world.alice, related=world.alice_co)
    audit_record(actor=world.alice, action="update", obj=world.alice_co)
    assert verify_chain().ok

    _edit_rows_behind_the_orm(f"UPDATE core_auditevent SET {column} = %s WHERE id = %s", [value, event.pk])

    report = verify_chain()
    assert not report.ok and report.broken_event_id == event.pk
    # Moved to another chain, it is also out of place there; any other edit changes its content.
    assert ("removed or inserted" if column == "chain" else "edited") in report.problem


def test_removing_the_newest_event_of_a_chain_is_detected_by_its_head(world):
    audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"n": 1})
    newest = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"n": 2})

    _edit_rows_behind_the_orm("DELETE FROM core_auditevent WHERE id = %s", [newest.pk])

    report = verify_chain()
    assert not report.ok and report.chain == newest.chain and "newest events were removed" in report.problem
    with pytest.raises(CommandError, match=f"audit chain {newest.chain} broken"):
        call_command("verify_audit")


def test_removing_a_whole_chain_with_its_head_is_detected(world):
    event = audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"n": 1})
    audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co, after={"n": 2})
    assert verify_chain().ok

    _edit_rows_behind_the_orm("DELETE FROM core_auditevent WHERE chain = %s", [event.chain])
    _edit_rows_behind_the_orm("DELETE FROM core_auditchain WHERE id = %s", [event.chain])

    report = verify_chain()
    assert not report.ok and report.chain == event.chain and "removed with its head" in report.problem


def test_removing_the_highest_chains_head_is_detected_even_if_it_was_never_used(world, settings):
    from cbec_supervision.audit import chain_count

    audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co)
    last = chain_count()
    assert AuditChain.objects.filter(pk__in=range(1, last + 1)).count() == last  # all heads, from the first write
    _edit_rows_behind_the_orm("DELETE FROM core_auditchain WHERE id = %s", [last])

    report = verify_chain()
    assert not report.ok and report.chain == last and "no head" in report.problem


@pytest.mark.django_db(transaction=True)
def test_verifying_inside_a_read_committed_transaction_is_not_fooled_by_a_writer_meanwhile(world, monkeypatch):
    """A writer committing on a chain not walked yet would leave its head behind the events read later."""
    import threading

    from django.db import connections

    from cbec_supervision import audit

    last = audit.chain_count()
    for chain in (1, last):  # events on the first chain and the last
        monkeypatch.setattr(audit, "_preference", lambda connection, key, chain=chain: [chain])
        audit._last_head.clear()
        audit_record(actor=world.zj_inspector, action="update", obj=world.alice_co)
    verify_one, written, threads = audit._verify_one, threading.Event(), []

    def writer():
        try:
            with transaction.atomic():
                audit_record(actor="task:writer", action="update", obj=world.bob_co)
        finally:
            connections["default"].close()
            written.set()

    def walking(chain, head, chunk_size):
        if not threads:  # the heads are read, chain 1 is walked first: a writer commits on the last chain now
            threads.append(threading.Thread(target=writer))
            threads[0].start()
            written.wait(2)  # it waits for the verification (with the fix) or commits (without it)
        return verify_one(chain, head, chunk_size)

    monkeypatch.setattr(audit, "_verify_one", walking)
    monkeypatch.setattr(audit, "_preference", lambda connection, key: [last])
    try:
        with transaction.atomic():
            AuditEvent.objects.exists()  # the caller's transaction has begun, at READ COMMITTED
            report = verify_chain()
            writer_waited = not written.is_set()
    finally:
        for thread in threads:
            thread.join(10)
    assert report.ok, report
    assert writer_waited
    assert written.is_set() and AuditEvent.objects.filter(actor_label="task:writer", chain=last).exists()
    assert verify_chain().ok


def test_events_of_one_transaction_stay_on_the_chain_it_took(world):
    with transaction.atomic():
        events = [
            audit_record(actor=world.alice, action="update", obj=obj, after={"i": i})
            for i, obj in enumerate([world.alice_co, world.bob_co, world.alice, world.bob, world.zj])
        ]
    assert len({e.chain for e in events}) == 1
    assert [e.seq for e in events] == list(range(events[0].seq, events[0].seq + 5))
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))


def test_events_written_before_there_were_chains_still_verify(world):
    """Chain 0: linked in id order and hashed without the fields added since."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from cbec_supervision.audit import GENESIS_HASH, compute_hash

    assert not AuditEvent.objects.filter(chain=0).exists()
    before = verify_chain()
    prev = GENESIS_HASH
    for n in (1, 2):
        legacy = AuditEvent(
            actor_label="alice",
            action="update",
            content_type=ContentType.objects.get_for_model(world.alice_co),
            object_id=str(world.alice_co.pk),
            object_repr="Alice Co",
            after={"n": n},
            prev_hash=prev,
            created_at=timezone.now(),
        )
        legacy.hash = compute_hash(legacy)
        legacy.save()
        prev = legacy.hash
    audit_record(actor=world.alice, action="update", obj=world.alice_co)
    report = verify_chain()
    assert report.ok and report.checked == before.checked + 3 and report.chains == before.chains + 1

    _edit_rows_behind_the_orm("UPDATE core_auditevent SET after = %s WHERE id = %s", ['{"n": 9}', legacy.pk])
    assert verify_chain().broken_event_id == legacy.pk


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_wait_for_each_others_transactions(world):
    """A transaction holding its chain until it commits does not hold up another writer."""
    import threading

    appended, release, done = threading.Event(), threading.Event(), []

    def slow_service():
        from django.db import connection

        try:
            with transaction.atomic():
                done.append(audit_record(actor="task:slow", action="update", obj=world.alice_co))
                appended.set()
                release.wait(10)
        finally:
            connection.close()

    slow = threading.Thread(target=slow_service)
    slow.start()
    try:
        assert appended.wait(10)
        result = []
        quick = threading.Thread(
            target=lambda: (
                result.append(audit_record(actor="task:quick", action="update", obj=world.alice_co)),
                __import__("django.db").db.connection.close(),
            )
        )
        quick.start()
        quick.join(5)
        assert result, "the second writer waited for the first one's transaction"
    finally:
        release.set()
        slow.join(10)
    assert result[0].chain != done[0].chain
    assert verify_chain().ok


def test_a_writer_whose_chain_moved_on_meanwhile_links_to_the_new_head(world):
    from django.db import connections

    from cbec_supervision import audit

    first = audit_record(actor=world.alice, action="update", obj=world.alice_co)
    # Another writer appended to this chain since: what this connection remembers is behind.
    audit._last_head[connections["default"]] = (first.chain, first.seq - 1, first.prev_hash)
    second = audit_record(actor=world.alice, action="update", obj=world.alice_co)
    assert (second.chain, second.seq, second.prev_hash) == (first.chain, first.seq + 1, first.hash)
    assert verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_a_writer_finding_its_usual_chain_held_takes_another_without_waiting(world):
    import threading
    import time

    from django.db import connections

    from cbec_supervision import audit

    usual = audit_record(actor="task:quick", action="update", obj=world.alice_co)  # this connection's chain
    holding, release, held = threading.Event(), threading.Event(), []

    def slow_service():
        try:
            # This writer happens to take the same chain, and keeps it until it commits.
            audit._last_head[connections["default"]] = (usual.chain, usual.seq, usual.hash)
            with transaction.atomic():
                held.append(audit_record(actor="task:slow", action="update", obj=world.bob_co))
                holding.set()
                release.wait(10)
        finally:
            connections["default"].close()

    slow = threading.Thread(target=slow_service)
    slow.start()
    try:
        assert holding.wait(10) and held[0].chain == usual.chain
        timer = threading.Timer(5, release.set)  # were this one to wait, the slow one lets go after 5 s
        timer.start()
        started = time.monotonic()
        other = audit_record(actor="task:quick", action="update", obj=world.alice_co)
        took = time.monotonic() - started
        timer.cancel()
    finally:
        release.set()
        slow.join(10)
    assert took < 2 and other.chain != usual.chain
    assert verify_chain().ok

"""The audit trail: written in the service's transaction, append-only, hash-chained, verifiable."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from cbec_supervision.audit import audit_record, snapshot, verify_chain
from cbec_supervision.models import AppendOnlyError, AuditEvent
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

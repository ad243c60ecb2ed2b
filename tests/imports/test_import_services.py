"""Import declaration services: the audit trail, the hand-over of refused goods, the postal regime."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cbec_supervision import handovers
from cbec_supervision.models import AuditEvent, Notification
from imports.models import ImportBatch
from imports.services.verification import import_item_confirm, verification_decide
from tests.imports.filed import declare_filed

pytestmark = pytest.mark.django_db

TEE = {"description": "纯棉成人T恤", "hs_code": "6109100021", "quantity": 10, "value_cny": "350.00"}
CYANIDE = {
    "description": "氰化钠",
    "hs_code": "2837111000",
    "cas_numbers": ["143-33-9"],
    "quantity": 1,
    "value_cny": "100",
}


def test_a_declaration_is_one_audit_event_with_its_tier_counts(world, approved_alice_co):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[TEE, TEE, CYANIDE])
    event = AuditEvent.objects.for_object(batch).get(action="submit")
    assert event.actor == world.alice
    assert event.after["tiers"] == {"3": 2, "1": 1} and event.after["status"] == "partially_refused"
    assert event.after["lines"] == {"released": 2, "refused": 1}


@pytest.fixture
def received():
    """A synchronous receiver of refused goods, beside the one risk monitoring connects."""
    seen = []

    def raise_risk_signal(announcement):
        seen.append(announcement)

    handovers.connect(handovers.ITEMS_REFUSED, raise_risk_signal)
    yield seen
    handovers.disconnect(handovers.ITEMS_REFUSED, raise_risk_signal)


def test_refused_goods_are_handed_to_risk_monitoring(world, approved_alice_co, received):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[TEE, CYANIDE])
    (announcement,) = received
    assert announcement.event == "imports.items_refused" and announcement.subject == batch
    assert (announcement.actor_label, announcement.actor_id) == ("alice", world.alice.pk)
    refused = batch.items.get(line_no=2)
    assert announcement.payload == {
        "batch_no": batch.batch_no,
        "enterprise": approved_alice_co.pk,
        "port_bureau": "ZJ",
        "stage": "declaration",
        "items": [{"id": refused.pk, "line_no": 2, "hs_code": "2837111000"}],
    }
    record = AuditEvent.objects.get(pk=announcement.id)
    assert record.action == "handover" and record.after["receivers"] == [
        "risk_monitoring.services.refusals.risk_signal_from_refusal",
        "tests.imports.test_import_services.received.<locals>.raise_risk_signal",
    ]


def test_a_batch_that_is_not_refused_hands_nothing_over(world, approved_alice_co, received):
    declare_filed(actor=world.alice, port_bureau="ZJ", items=[TEE])
    assert (
        received == []
        and not AuditEvent.objects.filter(action="handover", after__event=handovers.ITEMS_REFUSED).exists()
    )


def test_direct_mail_is_recorded_without_tiers(world, approved_alice_co):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", mode="direct_mail", items=[CYANIDE])
    assert (batch.status, batch.tier) == ("postal", None)
    assert list(batch.items.values_list("tier", "follow_up")) == [(None, "postal_regime")]


def test_only_enterprise_users_declare_and_only_when_approved(world):
    with pytest.raises(PermissionDenied):
        declare_filed(actor=world.zj_inspector, port_bureau="ZJ", items=[TEE])
    with pytest.raises(ValidationError) as info:
        declare_filed(actor=world.alice, port_bureau="ZJ", items=[TEE])
    assert "enterprise" in info.value.message_dict
    assert not ImportBatch.objects.exists()


def test_a_bad_line_stops_the_whole_batch_with_its_line_number(world, approved_alice_co):
    with pytest.raises(ValidationError) as info:
        declare_filed(actor=world.alice, port_bureau="ZJ", items=[TEE, {**TEE, "hs_code": "9999999999"}])
    assert info.value.message_dict["items"][0].startswith("Line 2, hs_code")
    assert not ImportBatch.objects.exists()


def test_a_suspected_line_waits_for_the_port_bureau_and_dismissing_it_lets_the_batch_pass(world, approved_alice_co):
    batch = declare_filed(
        actor=world.alice, port_bureau="ZJ", items=[TEE, {**TEE, "description": "含甲醛溶液的清洁剂"}]
    )
    assert (batch.status, batch.tier) == ("verification_required", 1)
    line = batch.items.get(line_no=2)
    assert line.confirmation == "pending"
    with pytest.raises(PermissionDenied):
        import_item_confirm(actor=world.gd_inspector, item=line, confirmed=False)
    with pytest.raises(ValidationError, match="Confirm or dismiss"):
        verification_decide(actor=world.zj_inspector, task=batch.verification, passed=True)
    import_item_confirm(actor=world.zj_inspector, item=line, confirmed=False, note="清洁剂成分表不含甲醛")
    batch.refresh_from_db()
    assert batch.tier == 3
    verification_decide(actor=world.zj_inspector, task=batch.verification, passed=True, note="")
    batch.refresh_from_db()
    assert batch.status == "released"
    assert [e.action for e in AuditEvent.objects.for_object(batch)] == ["submit", "update", "update"]


def test_a_confirmed_prohibited_line_is_refused_and_closes_a_verification_left_with_nothing_to_verify(
    world, approved_alice_co
):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[{**TEE, "description": "含甲醛溶液的清洁剂"}])
    import_item_confirm(actor=world.zj_inspector, item=batch.items.get(), confirmed=True, note="确认含甲醛溶液")
    batch.refresh_from_db()
    task = batch.verification
    assert batch.status == "refused"
    assert (task.status, task.note, task.decided_by) == ("failed", "确认含甲醛溶液", world.zj_inspector)
    assert Notification.objects.filter(recipient=world.alice, kind="batch_refused").exists()
    with pytest.raises(ValidationError):
        verification_decide(actor=world.zj_inspector, task=task, passed=True)


def test_lines_refused_during_verification_are_handed_over_as_they_are_refused(world, approved_alice_co, received):
    toys = {**TEE, "description": "儿童积木玩具", "hs_code": "9503008900"}  # CCC: tier 2, awaits verification
    batch = declare_filed(
        actor=world.alice, port_bureau="ZJ", items=[toys, {**TEE, "description": "含甲醛溶液的清洁剂"}]
    )
    assert received == []
    import_item_confirm(actor=world.zj_inspector, item=batch.items.get(line_no=2), confirmed=True)
    verification_decide(actor=world.zj_inspector, task=batch.verification, passed=False, note="确认含甲醛溶液")
    confirmed, failed = received
    lines = {item.line_no: item for item in batch.items.all()}
    for announcement, n in ((confirmed, 2), (failed, 1)):
        assert announcement.event == "imports.items_refused" and announcement.subject == batch
        assert (announcement.actor_label, announcement.actor_id) == ("zj_inspector", world.zj_inspector.pk)
        assert announcement.payload == {
            "batch_no": batch.batch_no,
            "enterprise": approved_alice_co.pk,
            "port_bureau": "ZJ",
            "stage": "verification",
            "items": [{"id": lines[n].pk, "line_no": n, "hs_code": lines[n].hs_code}],
        }
    assert {item.status for item in lines.values()} == {"refused"}
    batch.refresh_from_db()
    assert batch.status == "refused"
    # In the deciding transaction: recorded on the batch's trail after the decision.
    actions = [e.action for e in AuditEvent.objects.for_object(batch)]
    assert actions[-2:] == ["update", "handover"]


def test_a_failing_receiver_rolls_back_a_refusal_at_verification(world, approved_alice_co):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[{**TEE, "description": "含甲醛溶液的清洁剂"}])

    def broken(announcement):
        raise RuntimeError("risk monitoring is down")

    handovers.connect(handovers.ITEMS_REFUSED, broken)
    try:
        with pytest.raises(RuntimeError):
            verification_decide(actor=world.zj_inspector, task=batch.verification, passed=False, note="不合格")
    finally:
        handovers.disconnect(handovers.ITEMS_REFUSED, broken)
    batch.refresh_from_db()
    batch.verification.refresh_from_db()
    assert batch.status == "verification_required" and batch.verification.status == "open"


def test_a_batch_released_at_verification_hands_nothing_over(world, approved_alice_co, received):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[{**TEE, "description": "含甲醛溶液的清洁剂"}])
    import_item_confirm(actor=world.zj_inspector, item=batch.items.get(), confirmed=False, note="成分表不含甲醛")
    verification_decide(actor=world.zj_inspector, task=batch.verification, passed=True)
    assert (
        received == []
        and not AuditEvent.objects.filter(action="handover", after__event=handovers.ITEMS_REFUSED).exists()
    )

"""Change requests: the approved version stays in force until the bureau approves the change."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cbec_supervision.models import AuditEvent, Notification
from filings import services
from filings.choices import ChangeRequestStatus, FilingStatus
from filings.models import EnterpriseFiling

pytestmark = pytest.mark.django_db


def test_a_change_takes_effect_only_when_approved(world, approved_alice_co):
    request = services.change_request_submit(
        actor=world.alice,
        enterprise=approved_alice_co,
        changes={"contact_phone": "0571-88886666"},
        explanation="联系电话变更",
    )
    assert request.original == {"contact_phone": "13812345678"}
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).contact_phone == "13812345678"

    services.change_request_decide(actor=world.zj_inspector, request=request, status=ChangeRequestStatus.APPROVED)

    filing = EnterpriseFiling.objects.get(pk=approved_alice_co.pk)
    assert filing.contact_phone == "0571-88886666" and filing.status == FilingStatus.APPROVED
    event = AuditEvent.objects.for_object(filing).last()
    assert event.before["contact_phone"] == "13812345678" and f"#{request.pk}" in event.reason
    assert Notification.objects.filter(recipient=world.alice, kind="change_approved").exists()


def test_a_rejected_change_needs_a_reason_and_changes_nothing(world, approved_alice_co):
    request = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"types": ["operator", "platform"]}
    )
    with pytest.raises(ValidationError):
        services.change_request_decide(actor=world.zj_inspector, request=request, status="rejected", reason="")
    services.change_request_decide(actor=world.zj_inspector, request=request, status="rejected", reason="缺少平台信息")
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).types == ["operator"]


def test_only_approved_filings_take_change_requests(world):
    with pytest.raises(ValidationError, match="approved"):
        services.change_request_submit(actor=world.alice, enterprise=world.alice_co, changes={"contact_name": "x"})


def test_one_pending_change_at_a_time(world, approved_alice_co):
    services.change_request_submit(actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"})
    with pytest.raises(ValidationError, match="already awaiting"):
        services.change_request_submit(actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "赵"})


def test_proposed_values_are_validated_and_must_differ(world, approved_alice_co):
    with pytest.raises(ValidationError) as info:
        services.change_request_submit(
            actor=world.alice, enterprise=approved_alice_co, changes={"contact_phone": "123"}
        )
    assert "contact_phone" in info.value.message_dict
    with pytest.raises(ValidationError, match="already in force"):
        services.change_request_submit(
            actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": approved_alice_co.contact_name}
        )
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.change_request_submit(actor=world.alice, enterprise=approved_alice_co, changes={"uscc": "x"})


def test_product_changes_are_reviewed_too(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    toy = services.product_approve(actor=world.zj_inspector, product=toy)
    request = services.change_request_submit(
        actor=world.alice, enterprise=world.alice_co, product=toy, changes={"model": "10699"}
    )
    toy.refresh_from_db()
    assert toy.model == "10698"
    services.change_request_decide(actor=world.zj_inspector, request=request, status="approved")
    toy.refresh_from_db()
    assert toy.model == "10699"


def test_only_the_competent_bureau_decides_and_only_the_owner_withdraws(world, approved_alice_co):
    request = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}
    )
    with pytest.raises(PermissionDenied):
        services.change_request_decide(actor=world.gd_inspector, request=request, status="approved")
    with pytest.raises(PermissionDenied):
        services.change_request_withdraw(actor=world.bob, request=request)
    withdrawn = services.change_request_withdraw(actor=world.alice, request=request)
    assert withdrawn.status == ChangeRequestStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.change_request_decide(actor=world.zj_inspector, request=request, status="approved")

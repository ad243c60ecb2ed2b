"""The partnership services: who may ask, who may decide, each transition audited and notified."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cbec_supervision.models import AuditEvent, Notification
from partnerships.models import Partnership
from partnerships.selectors import confirmed_sellers, partner_confirmed
from partnerships.services import (
    available_actions,
    partnership_confirm,
    partnership_refuse,
    partnership_reinstate,
    partnership_request,
    partnership_suspend,
    partnership_withdraw,
)
from tests.factories import EnterpriseFilingFactory


def _events(partnership) -> list[str]:
    return list(AuditEvent.objects.for_object(partnership).order_by("id").values_list("action", flat=True))


def _notices(user) -> list[str]:
    """The partnership notifications ``user`` received, oldest first (the filing's own are left out)."""
    rows = Notification.objects.filter(recipient=user, kind__startswith="partnership_").order_by("id")
    return list(rows.values_list("kind", flat=True))


def _errors(exc_info) -> dict:
    return exc_info.value.message_dict


# --- asking ------------------------------------------------------------------------------------------


def test_the_operator_asks_and_the_platform_is_told(world, operator, platform):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk, note="店铺 A")
    assert (partnership.operator, partnership.partner, partnership.status) == (operator, platform, "requested")
    assert partnership.requested_by == world.alice
    assert _events(partnership) == ["create"]
    event = AuditEvent.objects.for_object(partnership).get()
    assert (event.related_object_id, event.after["status"]) == (str(operator.pk), "requested")
    assert _notices(world.tmall) == ["partnership_requested"]


def test_a_warehouse_is_a_logistics_enterprise(world, operator, warehouse, platform):
    assert partnership_request(actor=world.alice, kind="warehouse", partner=warehouse).status == "requested"
    with pytest.raises(ValidationError) as refused:
        partnership_request(actor=world.alice, kind="warehouse", partner=platform)
    assert list(_errors(refused)) == ["partner"]


@pytest.mark.parametrize(
    "change",
    [{"status": "submitted"}, {"status": "suspended"}, {"is_operator": False, "is_logistics": True}],
    ids=["not-approved", "suspended", "not-an-operator"],
)
def test_only_an_approved_operator_asks(world, operator, platform, change):
    type(operator).objects.filter(pk=operator.pk).update(**change)
    with pytest.raises(ValidationError) as refused:
        partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    assert list(_errors(refused)) == ["operator"]
    assert not Partnership.objects.exists()


@pytest.mark.parametrize("partner", ["unapproved", "operator-only", "missing", "junk"])
def test_the_partner_is_an_approved_enterprise_of_the_kind(world, operator, partner):
    values = {
        "unapproved": lambda: EnterpriseFilingFactory(is_platform=True, status="submitted").pk,
        "operator-only": lambda: EnterpriseFilingFactory(status="approved").pk,
        "missing": lambda: 2**63 - 1,
        "junk": lambda: "１２",
    }
    with pytest.raises(ValidationError) as refused:
        partnership_request(actor=world.alice, kind="platform", partner=values[partner]())
    assert _errors(refused) == {"partner": ["Give the filing id of an approved platform."]}


def test_no_partnership_with_itself(world, operator):
    type(operator).objects.filter(pk=operator.pk).update(is_platform=True)
    with pytest.raises(ValidationError) as refused:
        partnership_request(actor=world.alice, kind="platform", partner=operator.pk)
    assert list(_errors(refused)) == ["partner"]


def test_an_unknown_kind_is_refused(world, operator, platform):
    with pytest.raises(ValidationError) as refused:
        partnership_request(actor=world.alice, kind="shop", partner=platform.pk)
    assert list(_errors(refused)) == ["kind"]


def test_one_live_partnership_per_partner_and_kind(world, operator, platform):
    partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    with pytest.raises(ValidationError) as refused:
        partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    assert list(_errors(refused)) == ["partner"]
    assert Partnership.objects.count() == 1


@pytest.mark.parametrize("who", ["zj_inspector", "hq", "zj_admin"])
def test_staff_do_not_ask(world, operator, platform, who):
    with pytest.raises(PermissionDenied):
        partnership_request(actor=getattr(world, who), kind="platform", partner=platform.pk)


# --- deciding ----------------------------------------------------------------------------------------


@pytest.fixture
def requested(world, operator, platform):
    return partnership_request(actor=world.alice, kind="platform", partner=platform.pk)


def test_the_platform_confirms_and_the_operator_is_told(world, requested, operator, platform):
    partnership = partnership_confirm(actor=world.tmall, partnership=requested)
    assert (partnership.status, partnership.decided_by) == ("confirmed", world.tmall)
    assert _events(partnership) == ["create", "approve"]
    assert _notices(world.alice) == ["partnership_confirmed"]
    assert partner_confirmed(operator=operator, partner=platform, kind="platform")
    assert not partner_confirmed(operator=operator, partner=platform, kind="warehouse")
    assert list(confirmed_sellers(platform)) == [operator]


def test_refusing_needs_a_reason_and_ends_the_request(world, requested, operator, platform):
    with pytest.raises(ValidationError) as refused:
        partnership_refuse(actor=world.tmall, partnership=requested, reason="  ")
    assert list(_errors(refused)) == ["reason"]
    partnership = partnership_refuse(actor=world.tmall, partnership=requested, reason="资质不全")
    assert (partnership.status, partnership.reason) == ("refused", "资质不全")
    assert _events(partnership) == ["create", "reject"]
    notice = Notification.objects.get(recipient=world.alice, kind__startswith="partnership_")
    assert (notice.kind, notice.params["reason"]) == ("partnership_refused", "资质不全")
    with pytest.raises(ValidationError):
        partnership_confirm(actor=world.tmall, partnership=partnership)
    # The operator may ask again: a new partnership, the refused one stays on record.
    again = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    assert again.pk != partnership.pk and Partnership.objects.count() == 2
    assert not partner_confirmed(operator=operator, partner=platform, kind="platform")


def test_suspending_needs_a_reason_and_reinstating_restores(world, requested, operator, platform):
    confirmed = partnership_confirm(actor=world.tmall, partnership=requested)
    with pytest.raises(ValidationError):
        partnership_suspend(actor=world.tmall, partnership=confirmed, reason="")
    suspended = partnership_suspend(actor=world.tmall, partnership=confirmed, reason="售假投诉")
    assert suspended.status == "suspended"
    assert not partner_confirmed(operator=operator, partner=platform, kind="platform")
    reinstated = partnership_reinstate(actor=world.tmall, partnership=suspended)
    assert reinstated.status == "confirmed"
    assert partner_confirmed(operator=operator, partner=platform, kind="platform")
    assert _events(reinstated) == ["create", "approve", "suspend", "reinstate"]
    assert _notices(world.alice) == ["partnership_confirmed", "partnership_suspended", "partnership_reinstated"]


def test_a_requested_partnership_cannot_be_suspended_nor_reinstated(world, requested):
    with pytest.raises(ValidationError) as refused:
        partnership_suspend(actor=world.tmall, partnership=requested, reason="x")
    assert list(_errors(refused)) == ["status"]
    with pytest.raises(ValidationError):
        partnership_reinstate(actor=world.tmall, partnership=requested)
    requested.refresh_from_db()
    assert requested.status == "requested"


def test_the_operator_withdraws_only_an_unanswered_request(world, requested):
    with pytest.raises(PermissionDenied):
        partnership_withdraw(actor=world.tmall, partnership=requested)
    withdrawn = partnership_withdraw(actor=world.alice, partnership=requested)
    assert withdrawn.status == "withdrawn"
    assert _events(withdrawn) == ["create", "withdraw"]
    assert _notices(world.tmall) == [
        "partnership_requested",
        "partnership_withdrawn",
    ]
    with pytest.raises(ValidationError):
        partnership_withdraw(actor=world.alice, partnership=withdrawn)


@pytest.mark.parametrize("who", ["alice", "bob", "zj_inspector", "hq"])
def test_only_the_partner_decides(world, requested, who):
    for act in (partnership_confirm, partnership_refuse):
        with pytest.raises(PermissionDenied):
            act(actor=getattr(world, who), partnership=requested, reason="x")
    requested.refresh_from_db()
    assert requested.status == "requested"


def test_each_side_is_offered_its_own_actions(world, requested):
    assert available_actions(world.tmall, requested) == ["confirm", "refuse"]
    assert available_actions(world.alice, requested) == ["withdraw"]
    assert available_actions(world.zj_inspector, requested) == []
    confirmed = partnership_confirm(actor=world.tmall, partnership=requested)
    assert available_actions(world.tmall, confirmed) == ["suspend"]
    assert available_actions(world.alice, confirmed) == []


def test_an_enterprise_that_is_itself_the_platform_needs_no_partnership(world, operator, platform):
    assert not partner_confirmed(operator=operator, partner=operator, kind="platform")
    type(operator).objects.filter(pk=operator.pk).update(is_platform=True)
    operator.refresh_from_db()
    assert partner_confirmed(operator=operator, partner=operator, kind="platform")
    assert not partner_confirmed(operator=operator, partner=operator, kind="warehouse")

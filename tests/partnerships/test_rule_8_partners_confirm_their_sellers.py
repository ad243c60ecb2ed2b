"""Rule 8: 「推动电商平台企业加强对电商经营企业的监督管理」. A batch names only a platform and a
warehouse that confirmed its operator; only the platform or warehouse confirms."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partnerships.services import partnership_confirm, partnership_request, partnership_suspend
from tests.conftest import api_as
from tests.imports.filed import declare_filed

TEE = {
    "description": "纯棉成人T恤",
    "hs_code": "6109100021",
    "quantity": 10,
    "unit": "件",
    "value_cny": "350.00",
    "origin_country": "VN",
}


def _declare(world, **partners):
    return declare_filed(actor=world.alice, items=[dict(TEE)], port_bureau="ZJ", **partners)


def test_rule_8_only_partner_confirms(world, operator, platform):
    partnership = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    for user in (world.alice, world.bob, world.zj_inspector, world.zj_admin, world.hq):
        with pytest.raises(PermissionDenied):
            partnership_confirm(actor=user, partnership=partnership)
    assert partnership_confirm(actor=world.tmall, partnership=partnership).status == "confirmed"


def test_rule_8_a_batch_names_only_partners_that_confirmed_its_operator(world, operator, platform, warehouse):
    with pytest.raises(ValidationError) as refused:
        _declare(world, platform=platform.pk, warehouse=warehouse.pk)
    assert refused.value.message_dict == {
        "platform": ["The platform has not confirmed this operator: ask it to confirm the partnership first."],
        "warehouse": ["The warehouse has not confirmed this operator: ask it to confirm the partnership first."],
    }
    on_platform = partnership_request(actor=world.alice, kind="platform", partner=platform.pk)
    in_warehouse = partnership_request(actor=world.alice, kind="warehouse", partner=warehouse.pk)
    with pytest.raises(ValidationError):  # asked, not yet confirmed
        _declare(world, platform=platform.pk)
    partnership_confirm(actor=world.tmall, partnership=on_platform)
    partnership_confirm(actor=world.cainiao, partnership=in_warehouse)
    batch = _declare(world, platform=platform.pk, warehouse=warehouse.pk)
    assert (batch.platform, batch.warehouse) == (platform, warehouse)
    # Suspended: the platform may not be named meanwhile.
    partnership_suspend(actor=world.tmall, partnership=on_platform, reason="售假投诉")
    with pytest.raises(ValidationError) as refused:
        _declare(world, platform=platform.pk, warehouse=warehouse.pk)
    assert set(refused.value.message_dict) == {"platform"}


def test_rule_8_the_api_refuses_on_the_field(world, operator, platform):
    body = {"port_bureau": "ZJ", "mode": "bonded", "platform": platform.pk, "items": [TEE]}
    response = api_as(world.alice).post("/api/v1/import-batches/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == ["platform"]
    assert "has not confirmed this operator" in response.json()["platform"][0]


def test_rule_8_an_enterprise_that_is_its_own_platform_needs_no_partnership(world, operator, platform):
    type(operator).objects.filter(pk=operator.pk).update(is_platform=True)
    batch = _declare(world, platform=operator.pk)
    assert batch.platform_id == operator.pk
    # ...but another operator's confirmation does not carry over to Alice Co.
    with pytest.raises(ValidationError):
        _declare(world, platform=platform.pk)

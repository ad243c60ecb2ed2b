"""Import batches through the API: Alice Co declares, the Zhejiang bureau verifies at the port.

Declaring creates and submits the batch in one step: every line is classified against the
catalogue editions in force, and the batch is refused, sent for on-site verification or released.
This module: who sees a batch, and the three tiers.
"""

from __future__ import annotations

import pytest

from accounts.choices import Role
from filings.models import EnterpriseFiling
from imports.models import ImportBatch, VerificationTask
from tests.builders import approve, confirm_partners
from tests.factories import EnterpriseFilingFactory, UserFactory, bureau
from tests.imports.batch_api import (
    BABY_GARMENTS,
    CONTRACT_ITEM_FIELDS,
    CYANIDE,
    TOYS,
    URL,
    api_as,
    declare,
)
from tests.imports.filed import declare_filed
from tests.scoping import PORT_BUREAU, ScopedAccessTests

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_catalogue_indexes")]


CONTRACT_BATCH_FIELDS = {
    "id",
    "batch_no",
    "enterprise",
    "platform",
    "warehouse",
    "mode",
    "port_bureau",
    "status",
    "tier",
}


CONTRACT_REASON_FIELDS = {"catalogue", "edition", "entry", "matched_on", "value", "certainty"}


def alice_co_approved(world) -> EnterpriseFiling:
    filing = EnterpriseFiling.objects.get(pk=world.alice_co.pk)
    if filing.status != "approved":
        filing = approve(filing, world.alice, world.zj_inspector)
    return filing


# --- who sees a batch -------------------------------------------------------------------------------


class TestImportBatchScope(ScopedAccessTests):
    """Alice Co's batch is seen by Alice, the Zhejiang bureau, its port bureau and headquarters;
    nobody edits its lines."""

    route = "import-batches"
    visible_to = frozenset({"owner", "same_bureau_inspector", "port_bureau_inspector", "hq"})
    editable_by = None

    def make_object(self, world):
        alice_co_approved(world)
        return declare_filed(actor=world.alice, items=[BABY_GARMENTS], port_bureau="ZJ")

    def put_on_a_batch(self, world, obj):
        # The object is the batch: declared at the port bureau's port instead.
        ImportBatch.objects.filter(pk=obj.pk).update(port_bureau=bureau(PORT_BUREAU))

    def make_more_objects(self, world, count):
        # Released and verification-required batches alike, so the page covers the verification too.
        alice_co_approved(world)
        for number in range(count):
            lines = [TOYS, BABY_GARMENTS] if number % 2 else [BABY_GARMENTS]
            declare_filed(actor=world.alice, items=lines, port_bureau="ZJ")


def test_the_platform_the_warehouse_and_the_port_bureau_see_the_batch_too(world, approved_alice_co):
    platform = EnterpriseFilingFactory(name="Tmall Global", is_operator=False, is_platform=True, status="approved")
    warehouse = EnterpriseFilingFactory(name="Cainiao", is_operator=False, is_logistics=True, status="approved")
    platform_user = UserFactory(username="tmall", role=Role.ENTERPRISE, bureau=None, enterprise=platform)
    warehouse_user = UserFactory(username="cainiao", role=Role.ENTERPRISE, bureau=None, enterprise=warehouse)
    confirm_partners(approved_alice_co, platform=platform, warehouse=warehouse)
    body = declare(world, BABY_GARMENTS, port_bureau="GD", platform=platform.pk, warehouse=warehouse.pk)
    assert (body["platform"], body["warehouse"], body["port_bureau"]) == (platform.pk, warehouse.pk, "GD")
    for user in (platform_user, warehouse_user, world.gd_inspector, world.zj_inspector):
        ids = [row["id"] for row in api_as(user).get(URL).json()["results"]]
        assert ids == [body["id"]], user.username
    assert api_as(world.bob).get(f"{URL}{body['id']}/").status_code == 404


def test_a_partner_must_be_an_approved_platform_or_warehouse(world, approved_alice_co):
    body = declare(world, BABY_GARMENTS, platform=world.bob_co.pk, warehouse=world.bob_co.pk, expect=400)
    assert set(body) == {"platform", "warehouse"}


def test_lines_are_never_edited_nor_deleted(world, approved_alice_co):
    batch = declare(world, BABY_GARMENTS)
    client = api_as(world.alice)
    assert client.put(f"{URL}{batch['id']}/", {}, format="json").status_code == 405
    assert client.patch(f"{URL}{batch['id']}/", {"status": "released"}, format="json").status_code == 405
    assert client.delete(f"{URL}{batch['id']}/").status_code == 405


def test_only_enterprise_users_declare(world, approved_alice_co):
    for user in (world.zj_inspector, world.zj_admin, world.hq):
        declare(world, BABY_GARMENTS, user=user, expect=403)
    assert not ImportBatch.objects.exists()


def test_an_enterprise_declares_once_its_filing_is_approved(world):
    body = declare(world, BABY_GARMENTS, user=world.bob, port_bureau="GD", expect=400)
    assert "enterprise" in body


# --- the three tiers ----------------------------------------------------------------------------------


def test_a_bonded_batch_with_a_prohibited_line_refuses_that_line_and_every_reason_names_its_catalogue(
    world, approved_alice_co
):
    batch = declare(world, CYANIDE, TOYS, BABY_GARMENTS, arrival_date="2026-03-01")
    assert set(batch) >= CONTRACT_BATCH_FIELDS
    assert (batch["status"], batch["tier"], batch["mode"], batch["port_bureau"]) == (
        "partially_refused",
        1,
        "bonded",
        "ZJ",
    )
    assert batch["enterprise"] == approved_alice_co.pk and batch["batch_no"].startswith("ZJ")
    assert batch["item_count"] == 3 and batch["total_value_cny"] == "24110.50"
    assert batch["arrival_date"] == "2026-03-01" and batch["verification"]["status"] == "open"
    assert [item["status"] for item in batch["items"]] == ["refused", "verification_required", "released"]

    cyanide, toys, garments = batch["items"]
    assert set(cyanide) >= CONTRACT_ITEM_FIELDS
    assert [item["line_no"] for item in batch["items"]] == [1, 2, 3]
    assert [item["tier"] for item in batch["items"]] == [1, 2, 3]
    assert [item["follow_up"] for item in batch["items"]] == [
        "refuse_entry",
        "onsite_verification",
        "post_market_sampling",
    ]
    (reason,) = [r for r in cyanide["reasons"] if r["matched_on"] == "cas"]
    assert set(reason) >= CONTRACT_REASON_FIELDS
    assert reason["catalogue"] == "hazardous_chemicals" and reason["edition"] == "2015 (excerpt)"
    assert "氰化钠" in reason["entry"] and reason["value"] == "143-33-9" and reason["certainty"] == 1.0
    (reason,) = toys["reasons"]
    assert reason["catalogue"] == "compulsory_certification" and reason["edition"] == "starter"
    assert "玩具" in reason["entry"] and reason["matched_on"] == "hs_code" and reason["certainty"] == 1.0
    assert garments["reasons"] == []
    assert cyanide["cas_numbers"] == ["143-33-9"] and cyanide["quantity"] == "2.000"
    assert garments["value_cny"] == "15000.50" and garments["origin_country"] == "JP"
    assert set(batch["editions"]) == {
        "hazardous_chemicals",
        "precursor_chemicals",
        "dangerous_goods",
        "compulsory_certification",
        "prohibited_goods",
        "out_of_scope",
    }
    assert VerificationTask.objects.get().batch_id == batch["id"]


def test_petrol_by_its_un_number_is_prohibited(world, approved_alice_co):
    petrol = {**BABY_GARMENTS, "description": "燃料补充瓶", "hs_code": "2710121000", "un_number": "UN 1203"}
    batch = declare(world, petrol)
    assert (batch["status"], batch["tier"]) == ("refused", 1)
    item = batch["items"][0]
    assert item["un_number"] == "1203"
    reason = next(r for r in item["reasons"] if r["matched_on"] == "un_number")
    assert reason["catalogue"] == "dangerous_goods" and "PETROL" in reason["entry"] and reason["value"] == "1203"


def test_used_goods_are_prohibited(world, approved_alice_co):
    batch = declare(world, {**BABY_GARMENTS, "used": True})
    assert batch["tier"] == 1 and batch["items"][0]["reasons"][0]["matched_on"] == "used_flag"


def test_general_supervision_goods_are_released(world, approved_alice_co):
    batch = declare(world, BABY_GARMENTS, {**BABY_GARMENTS, "description": "婴儿纯棉袜"})
    assert (batch["status"], batch["tier"], batch["verification"]) == ("released", 3, None)


def test_direct_mail_is_recorded_and_routed_to_the_postal_regime_without_a_tier(world, approved_alice_co):
    batch = declare(world, CYANIDE, TOYS, mode="direct_mail")
    assert (batch["mode"], batch["status"], batch["tier"]) == ("direct_mail", "postal", None)
    assert [item["tier"] for item in batch["items"]] == [None, None]
    assert {item["follow_up"] for item in batch["items"]} == {"postal_regime"}
    assert not VerificationTask.objects.exists()


def test_under_strict_supervision_general_goods_keep_their_tier_and_are_verified_on_site(world, approved_alice_co):
    EnterpriseFiling.objects.filter(pk=approved_alice_co.pk).update(supervision_level="strict")
    batch = declare(world, BABY_GARMENTS)
    assert (batch["status"], batch["tier"], batch["strict_supervision"]) == ("verification_required", 3, True)
    assert batch["items"][0]["tier"] == 3
    assert batch["items"][0]["follow_up"] == "onsite_verification"
    assert batch["verification"]["status"] == "open"

"""Import batches through the API: Alice Co declares, the Zhejiang bureau verifies at the port.

Declaring creates and submits the batch in one step: every line is classified against the
catalogue editions in force, and the batch is refused, sent for on-site verification or released.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.choices import Role
from catalogues.services.editions import invalidate_indexes
from cbec_supervision.models import AuditEvent
from filings import services
from filings.models import EnterpriseFiling, ProductTestReport
from imports.models import ImportBatch, ImportItem, VerificationTask
from imports.services.declarations import import_batch_declare
from tests.builders import TOY, approve
from tests.conftest import api_as as _api_as
from tests.factories import EnterpriseFilingFactory, UserFactory
from tests.scoping import ScopedAccessTests

pytestmark = pytest.mark.django_db

URL = "/api/v1/import-batches/"

#: sodium cyanide by its CAS number: in the Catalogue of Hazardous Chemicals (剧毒)
CYANIDE = {
    "description": "氰化钠 分析纯试剂",
    "hs_code": "2837111000",
    "cas_numbers": ["143-33-9"],
    "quantity": 2,
    "unit": "瓶",
    "value_cny": "120.00",
    "origin_country": "DE",
}
#: toys: compulsory certification (CCC) by HS heading 9503
TOYS = {
    "description": "儿童积木玩具",
    "hs_code": "9503008900",
    "quantity": 100,
    "unit": "套",
    "value_cny": "8990.00",
    "origin_country": "DK",
}
#: baby cotton garments: in no catalogue (6111 is not in the CCC starter list)
BABY_GARMENTS = {
    "description": "婴儿纯棉连体衣",
    "hs_code": "6111200000",
    "quantity": 300,
    "unit": "件",
    "value_cny": "15000.50",
    "origin_country": "JP",
}
#: a cleaner whose description names a hazardous chemical: only a suspected match
SUSPECT_CLEANER = {
    "description": "含甲醛溶液的清洁剂",
    "hs_code": "3402900000",
    "quantity": 50,
    "unit": "瓶",
    "value_cny": "900",
    "origin_country": "US",
}

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
CONTRACT_ITEM_FIELDS = {
    "product",
    "description",
    "hs_code",
    "cas_numbers",
    "un_number",
    "used",
    "quantity",
    "unit",
    "value_cny",
    "origin_country",
    "tier",
    "reasons",
}
CONTRACT_REASON_FIELDS = {"catalogue", "edition", "entry", "matched_on", "value", "certainty"}


@pytest.fixture(autouse=True)
def fresh_catalogue_indexes():
    """Compiled indexes are cached by edition ids, which a rolled-back test may hand out again."""
    invalidate_indexes()
    yield
    invalidate_indexes()


def api_as(user):
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def declare(world, *lines, user=None, expect: int = 201, **fields) -> dict:
    body = {"port_bureau": "ZJ", "mode": "bonded", "items": list(lines), **fields}
    response = api_as(user or world.alice).post(URL, body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def detail(world, batch_id: int, user=None) -> dict:
    response = api_as(user or world.alice).get(f"{URL}{batch_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def alice_co_approved(world) -> EnterpriseFiling:
    filing = EnterpriseFiling.objects.get(pk=world.alice_co.pk)
    if filing.status != "approved":
        filing = approve(filing, world.alice, world.zj_inspector)
    return filing


# --- who sees a batch -------------------------------------------------------------------------------


class TestImportBatchScope(ScopedAccessTests):
    """Alice Co's batch is seen by Alice, the Zhejiang bureau and headquarters; nobody edits its lines."""

    route = "import-batches"
    visible_to = frozenset({"owner", "same_bureau_inspector", "hq"})
    editable_by = None

    def make_object(self, world):
        alice_co_approved(world)
        return import_batch_declare(actor=world.alice, items=[BABY_GARMENTS], port_bureau="ZJ")

    def make_more_objects(self, world, count):
        # Released and verification-required batches alike, so the page covers the verification too.
        alice_co_approved(world)
        for number in range(count):
            lines = [TOYS, BABY_GARMENTS] if number % 2 else [BABY_GARMENTS]
            import_batch_declare(actor=world.alice, items=lines, port_bureau="ZJ")


def test_the_platform_the_warehouse_and_the_port_bureau_see_the_batch_too(world, approved_alice_co):
    platform = EnterpriseFilingFactory(name="Tmall Global", is_operator=False, is_platform=True, status="approved")
    warehouse = EnterpriseFilingFactory(name="Cainiao", is_operator=False, is_logistics=True, status="approved")
    platform_user = UserFactory(username="tmall", role=Role.ENTERPRISE, bureau=None, enterprise=platform)
    warehouse_user = UserFactory(username="cainiao", role=Role.ENTERPRISE, bureau=None, enterprise=warehouse)
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


def test_a_bonded_batch_with_a_prohibited_line_is_refused_and_every_reason_names_its_catalogue(
    world, approved_alice_co
):
    batch = declare(world, CYANIDE, TOYS, BABY_GARMENTS, arrival_date="2026-03-01")
    assert set(batch) >= CONTRACT_BATCH_FIELDS
    assert (batch["status"], batch["tier"], batch["mode"], batch["port_bureau"]) == ("refused", 1, "bonded", "ZJ")
    assert batch["enterprise"] == approved_alice_co.pk and batch["batch_no"].startswith("ZJ")
    assert batch["item_count"] == 3 and batch["total_value_cny"] == "24110.50"
    assert batch["arrival_date"] == "2026-03-01" and batch["verification"] is None

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
    }
    assert not VerificationTask.objects.exists()


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


def test_under_strict_supervision_general_goods_become_key_supervision(world, approved_alice_co):
    EnterpriseFiling.objects.filter(pk=approved_alice_co.pk).update(supervision_level="strict")
    batch = declare(world, BABY_GARMENTS)
    assert (batch["status"], batch["tier"]) == ("verification_required", 2)
    assert batch["items"][0]["follow_up"] == "onsite_verification"
    assert batch["verification"]["status"] == "open"


# --- on-site verification -------------------------------------------------------------------------


def verify(world, batch_id: int, body: dict, user=None, expect: int = 200) -> dict:
    response = api_as(user or world.zj_inspector).post(f"{URL}{batch_id}/verify/", body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def test_key_supervision_goods_wait_for_on_site_verification_at_the_port_bureau(world, approved_alice_co):
    batch = declare(world, TOYS, BABY_GARMENTS)
    assert (batch["status"], batch["tier"]) == ("verification_required", 2)
    task = batch["verification"]
    assert task["status"] == "open" and task["bureau"] == "ZJ" and task["accepted_reports"] == []
    assert VerificationTask.objects.get(pk=task["id"]).batch_id == batch["id"]

    passed = verify(world, batch["id"], {"passed": True, "note": "标识齐全，抽查合格"})
    assert passed["status"] == "released"
    assert passed["verification"]["status"] == "passed" and passed["verification"]["decided_by"] == "zj_inspector"
    assert detail(world, batch["id"])["status"] == "released"
    # Decided once: a second decision is refused and changes nothing.
    verify(world, batch["id"], {"passed": False, "note": "again"}, expect=400)
    assert ImportBatch.objects.get(pk=batch["id"]).status == "released"


def test_a_failed_verification_needs_findings_and_refuses_the_batch(world, approved_alice_co):
    batch = declare(world, TOYS)
    body = verify(world, batch["id"], {"passed": False}, expect=400)
    assert "note" in body
    refused = verify(world, batch["id"], {"passed": False, "note": "无 CCC 证书"})
    assert refused["status"] == "refused" and refused["verification"]["note"] == "无 CCC 证书"


def test_only_staff_of_the_port_bureau_verify(world, approved_alice_co):
    batch = declare(world, TOYS)
    verify(world, batch["id"], {"passed": True}, user=world.alice, expect=403)
    verify(world, batch["id"], {"passed": True}, user=world.hq, expect=403)
    verify(world, batch["id"], {"passed": True}, user=world.gd_inspector, expect=404)
    assert ImportBatch.objects.get(pk=batch["id"]).status == "verification_required"


def test_a_batch_without_verification_cannot_be_verified(world, approved_alice_co):
    batch = declare(world, BABY_GARMENTS)
    body = verify(world, batch["id"], {"passed": True}, expect=400)
    assert "status" in body


def test_accepted_third_party_results_are_recorded_with_the_decision(world, approved_alice_co):
    toy = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    services.product_submit(actor=world.alice, product=toy)
    services.product_approve(actor=world.zj_inspector, product=toy)
    report = ProductTestReport.objects.create(
        product=toy, lab="CTI 华测", report_no="R-2026-001", issued_on=dt.date(2026, 1, 5), verdict="pass"
    )
    batch = declare(world, {"product": toy.pk, "quantity": 10, "value_cny": 990})
    item = batch["items"][0]
    assert item["product"] == toy.pk and item["hs_code"] == "9503008900" and item["description"] == TOY["name"]
    assert item["origin_country"] == "DK" and batch["status"] == "verification_required"

    verify(world, batch["id"], {"passed": True, "accepted_reports": [report.pk + 1000]}, expect=400)
    body = verify(world, batch["id"], {"passed": True, "accepted_reports": [report.pk]})
    assert body["verification"]["accepted_reports"] == [report.pk] and body["status"] == "released"


def test_a_product_of_another_enterprise_cannot_be_declared(world, approved_alice_co):
    approve(world.bob_co, world.bob, UserFactory(username="gd_reviewer", role=Role.INSPECTOR, bureau=world.gd))
    bobs = services.product_create(actor=world.bob, enterprise=world.bob_co, **TOY)
    body = declare(world, {"product": bobs.pk, "quantity": 1, "value_cny": 1}, expect=400)
    assert body["items"] == ["Line 1, product: Only the enterprise's own approved products can be declared."]


# --- suspected matches --------------------------------------------------------------------------------


def confirm(world, batch_id: int, line_no: int, body: dict, user=None, expect: int = 200) -> dict:
    response = api_as(user or world.zj_inspector).post(f"{URL}{batch_id}/items/{line_no}/confirm/", body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def test_a_suspected_name_match_waits_for_an_inspector_and_is_confirmed(world, approved_alice_co):
    batch = declare(world, SUSPECT_CLEANER, BABY_GARMENTS)
    assert (batch["status"], batch["tier"]) == ("verification_required", 1)
    cleaner = batch["items"][0]
    assert cleaner["tier"] == 1 and cleaner["confirmation"] == "pending"
    (reason,) = cleaner["reasons"]
    assert reason["matched_on"] == "name" and reason["value"] == "甲醛溶液" and reason["certainty"] < 1
    assert reason["catalogue"] == "hazardous_chemicals" and reason["edition"] == "2015 (excerpt)"
    assert batch["items"][1]["confirmation"] == ""
    pending = api_as(world.zj_inspector).get(URL, {"pending_confirmation": "true"}).json()
    assert [row["id"] for row in pending["results"]] == [batch["id"]]

    # A batch with a line awaiting confirmation cannot pass.
    verify(world, batch["id"], {"passed": True}, expect=400)
    confirm(world, batch["id"], 1, {"confirmed": True}, user=world.alice, expect=403)
    item = confirm(world, batch["id"], 1, {"confirmed": True, "note": "成分表含甲醛"})
    assert (item["line_no"], item["confirmation"], item["tier"]) == (1, "confirmed", 1)
    confirm(world, batch["id"], 1, {"confirmed": False}, expect=400)  # decided already
    # A confirmed prohibited line cannot pass either: the verification refuses the batch.
    verify(world, batch["id"], {"passed": True}, expect=400)
    assert verify(world, batch["id"], {"passed": False, "note": "含甲醛溶液"})["status"] == "refused"


def test_a_dismissed_suspected_match_no_longer_counts(world, approved_alice_co):
    batch = declare(world, SUSPECT_CLEANER)
    item = confirm(world, batch["id"], 1, {"confirmed": False, "note": "不含甲醛，误报"})
    assert (item["confirmation"], item["tier"], item["reasons"]) == ("dismissed", 3, [])
    assert detail(world, batch["id"])["tier"] == 3
    assert verify(world, batch["id"], {"passed": True})["status"] == "released"


def test_confirming_a_line_that_does_not_exist_is_a_404(world, approved_alice_co):
    batch = declare(world, SUSPECT_CLEANER)
    confirm(world, batch["id"], 2, {"confirmed": True}, expect=404)
    confirm(world, batch["id"], 99999999999, {"confirmed": True}, expect=404)
    confirm(world, batch["id"], "9" * 5000, {"confirmed": True}, expect=404)
    confirm(world, batch["id"], 1, {"confirmed": "perhaps"}, expect=400)
    confirm(world, batch["id"], 1, {"confirmed": True}, user=world.gd_inspector, expect=404)


# --- catalogue editions ----------------------------------------------------------------------------


def test_a_decision_keeps_its_edition_after_a_newer_one_is_loaded(world, approved_alice_co):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = declare(world, BABY_GARMENTS, TOYS)
    assert before["editions"]["compulsory_certification"]["edition"] == "starter"
    # The 2026 list adds infant garments (6111) to the toys.
    content = "HS编码,名称,备注\n9503,玩具,CCC 儿童用品\n6111,婴儿服装,CCC 儿童用品 (test)\n".encode()
    response = api_as(world.zj_admin).post(
        "/api/v1/catalogues/",
        {
            "kind": "compulsory_certification",
            "edition": "2026",
            "effective_from": timezone.localdate().isoformat(),
            "file": SimpleUploadedFile("ccc_2026.csv", content, content_type="text/csv"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content

    kept = detail(world, before["id"])
    assert kept["editions"]["compulsory_certification"]["edition"] == "starter"
    assert kept["items"][0]["tier"] == 3 and kept["items"][1]["reasons"][0]["edition"] == "starter"

    after = declare(world, BABY_GARMENTS, TOYS)
    assert after["editions"]["compulsory_certification"]["edition"] == "2026"
    garments = after["items"][0]
    assert garments["tier"] == 2 and garments["reasons"][0]["edition"] == "2026"
    assert "婴儿服装" in garments["reasons"][0]["entry"]


# --- lists and lines -------------------------------------------------------------------------------


def test_the_list_links_the_lines_instead_of_inlining_them(world, approved_alice_co):
    batch = declare(world, TOYS, BABY_GARMENTS)
    row = api_as(world.alice).get(URL).json()["results"][0]
    assert "items" not in row and row["item_count"] == 2
    assert row["items_url"].endswith(f"/api/v1/import-batches/{batch['id']}/items/")
    assert row["verification"]["status"] == "open"


def test_the_lines_are_paginated_and_filtered_by_tier_and_confirmation(world, approved_alice_co):
    batch = declare(world, TOYS, BABY_GARMENTS, SUSPECT_CLEANER, TOYS)
    client = api_as(world.zj_inspector)
    lines_url = f"{URL}{batch['id']}/items/"
    body = client.get(lines_url, {"page_size": 2}).json()
    assert body["count"] == 4 and [row["line_no"] for row in body["results"]] == [1, 2] and body["next"]
    assert set(body["results"][0]) >= CONTRACT_ITEM_FIELDS
    assert [row["line_no"] for row in client.get(lines_url, {"tier": 2}).json()["results"]] == [1, 4]
    assert [row["line_no"] for row in client.get(lines_url, {"confirmation": "pending"}).json()["results"]] == [3]
    assert client.get(lines_url, {"tier": 9}).status_code == 400
    assert api_as(world.bob).get(lines_url).status_code == 404


def test_the_lines_cost_a_fixed_number_of_queries(world, approved_alice_co):
    small = declare(world, TOYS)
    large = declare(world, *([TOYS, BABY_GARMENTS] * 30))
    client = api_as(world.zj_inspector)
    client.get(f"{URL}{small['id']}/items/")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{URL}{small['id']}/items/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{URL}{large['id']}/items/").status_code == 200
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{URL}{small['id']}/").status_code == 200
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{URL}{large['id']}/").status_code == 200
    assert len(many) == len(few)


def test_the_list_filters_by_status_tier_and_mode(world, approved_alice_co):
    refused = declare(world, CYANIDE)
    released = declare(world, BABY_GARMENTS)
    postal = declare(world, TOYS, mode="direct_mail")
    client = api_as(world.zj_inspector)

    def ids(**params):
        return {row["id"] for row in client.get(URL, params).json()["results"]}

    assert ids(status="refused") == {refused["id"]}
    assert ids(tier=3) == {released["id"]}
    assert ids(mode="direct_mail") == {postal["id"]}
    assert ids(port_bureau="ZJ") == {refused["id"], released["id"], postal["id"]}
    assert client.get(URL, {"tier": "x"}).status_code == 400
    assert client.get(URL, {"enterprise": 10**30}).status_code == 400


def test_the_declaration_is_in_the_batch_history(world, approved_alice_co):
    batch = declare(world, TOYS)
    verify(world, batch["id"], {"passed": True})
    client = api_as(world.alice)
    events = client.get(f"{URL}{batch['id']}/history/").json()["results"]
    # The verification is a part of the batch: its decision is in the batch's history too.
    assert [event["action"] for event in events] == ["submit", "approve", "update"]
    assert events[1]["object_type"] == "imports.verificationtask" and events[1]["related_type"] == "imports.importbatch"
    own = client.get(f"{URL}{batch['id']}/history/", {"parts": "false"}).json()["results"]
    assert [event["action"] for event in own] == ["submit", "update"]


def test_a_thousand_line_batch_is_declared_through_the_api(world, approved_alice_co):
    lines = [
        {**(TOYS if i % 10 == 0 else BABY_GARMENTS), "description": f"货品 {i}", "value_cny": "10.00"}
        for i in range(1000)
    ]
    batch = declare(world, *lines)
    assert batch["item_count"] == 1000 and len(batch["items"]) == 1000
    assert batch["total_value_cny"] == "10000.00" and batch["tier"] == 2
    assert ImportItem.objects.filter(batch_id=batch["id"]).count() == 1000
    assert [item["line_no"] for item in batch["items"]] == list(range(1, 1001))
    assert sum(item["tier"] == 2 for item in batch["items"]) == 100


# --- never a 500 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"port_bureau": "ZJ"},
        {"port_bureau": "ZJ", "items": "lines"},
        {"port_bureau": "ZJ", "items": {"0": BABY_GARMENTS}},
        {"port_bureau": "ZJ", "items": 5},
        {"port_bureau": "ZJ", "items": None},
        {"port_bureau": "ZJ", "items": []},
        {"port_bureau": "ZJ", "items": [1, "two", None, []]},
        {"port_bureau": "XX", "items": [BABY_GARMENTS]},
        {"port_bureau": "HQ", "items": [BABY_GARMENTS]},
        {"port_bureau": ["ZJ"], "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "mode": "sea", "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "platform": 10**30, "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "warehouse": "abc", "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "arrival_date": "2026-13-45", "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "quantity": "1e400"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "quantity": 10**30}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "quantity": 999999999999}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "NaN"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "Infinity"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "abc"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": -1}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": [1]}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": True}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "999999999999.99"}] * 200},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "product": 10**30}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "product": "²"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "product": {"id": 1}}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "cas_numbers": {"a": 1}}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "cas_numbers": ["50-00-1"]}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "un_number": ["1203"]}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "un_number": "١٢٠٣"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "used": "maybe"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "origin_country": "XX"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "hs_code": "12345"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "hs_code": "9999999999"}]},
        {"port_bureau": "ZJ", "items": [{"quantity": 1, "value_cny": 1}]},
        {"port_bureau": "ZJ", "items": [BABY_GARMENTS] * 20_001},
    ],
)
def test_bad_declarations_are_a_400_and_store_nothing(world, approved_alice_co, body):
    response = api_as(world.alice).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', "12", "null"])
def test_a_body_that_is_not_an_object_is_a_400(world, approved_alice_co, raw):
    response = api_as(world.alice).generic("POST", URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content


def test_line_errors_name_their_line(world, approved_alice_co):
    body = declare(world, BABY_GARMENTS, {**BABY_GARMENTS, "origin_country": "XX"}, expect=400)
    assert body == {
        "items": ["Line 2, origin_country: Give the country of origin as an ISO 3166 two-letter code, e.g. DE."]
    }


def test_ids_out_of_range_are_404(world, approved_alice_co):
    client = api_as(world.zj_inspector)
    assert client.get(f"{URL}99999999999999999999999/").status_code == 404
    assert client.get(f"{URL}99999999999999999999999/items/").status_code == 404
    assert client.post(f"{URL}99999999999999999999999/verify/", {"passed": True}, format="json").status_code == 404


def test_nothing_is_audited_for_a_refused_declaration(world, approved_alice_co):
    before = AuditEvent.objects.count()
    declare(world, {**BABY_GARMENTS, "hs_code": "1"}, expect=400)
    assert AuditEvent.objects.count() == before


# --- spreadsheets ----------------------------------------------------------------------------------


def filled_in_csv(world, rows: list[dict]) -> bytes:
    """The CSV template downloaded through the API, with ``rows`` filled in under its headings."""
    import csv
    import io

    template = api_as(world.alice).get(f"{URL}template/", {"format": "csv"})
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    headings = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    fields = [heading.split(" / ")[-1] for heading in headings]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["; ".join(v) if isinstance(v := row.get(f, ""), list) else v for f in fields])
    return out.getvalue().encode()


def upload(world, content: bytes, name: str = "batch.csv", user=None, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"port_bureau": "ZJ", "file": SimpleUploadedFile(name, content), **fields}
    return api_as(user or world.alice).post(f"{URL}upload/", body, format="multipart")


def test_the_template_comes_as_xlsx_or_csv(world):
    client = api_as(world.zj_inspector)
    xlsx = client.get(f"{URL}template/")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    assert client.get(f"{URL}template/", {"format": "pdf"}).status_code == 400
    assert _api_as(None).get(f"{URL}template/").status_code == 401


def test_a_batch_is_declared_from_a_filled_in_spreadsheet(world, approved_alice_co):
    response = upload(world, filled_in_csv(world, [TOYS, BABY_GARMENTS]), arrival_date="2026-03-01")
    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["status"], batch["tier"], batch["item_count"]) == ("verification_required", 2, 2)
    assert [item["hs_code"] for item in batch["items"]] == ["9503008900", "6111200000"]
    assert batch["items"][1]["value_cny"] == "15000.50" and batch["arrival_date"] == "2026-03-01"


def test_a_spreadsheet_with_bad_rows_declares_nothing_and_names_each_row(world, approved_alice_co):
    content = filled_in_csv(world, [TOYS, {**BABY_GARMENTS, "hs_code": "123"}, {**TOYS, "value_cny": "x"}])
    response = upload(world, content)
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert [(row["row"], row["field"]) for row in rows] == [(3, "hs_code"), (4, "value_cny")]
    assert not ImportBatch.objects.exists()


def test_a_spreadsheet_must_be_xlsx_or_csv_and_come_from_an_enterprise(world, approved_alice_co):
    response = upload(world, b"%PDF-1.4", name="batch.pdf")
    assert response.status_code == 400 and "file" in response.json()
    assert upload(world, filled_in_csv(world, [TOYS]), user=world.zj_inspector).status_code == 403
    assert upload(world, filled_in_csv(world, [TOYS]), port_bureau="XX").status_code == 400
    assert api_as(world.alice).post(f"{URL}upload/", {}, format="multipart").status_code == 400
    assert not ImportBatch.objects.exists()


def test_a_page_of_batches_costs_three_queries(world, approved_alice_co):
    for _ in range(3):
        declare(world, TOYS, BABY_GARMENTS)
        declare(world, BABY_GARMENTS)
    client = api_as(world.zj_inspector)
    client.get(URL)  # warm up: the user's permissions are cached after the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).json()["count"] == 6
    assert len(queries) <= 3, [q["sql"] for q in queries.captured_queries]  # count, page, accepted reports

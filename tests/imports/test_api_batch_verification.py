"""Import batches through the API: on-site verification, suspected matches, catalogue editions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.choices import Role
from filings import services
from filings.models import ProductTestReport
from imports.models import ImportBatch, VerificationTask
from tests.builders import TOY, approve
from tests.factories import UserFactory
from tests.imports.batch_api import (
    BABY_GARMENTS,
    SUSPECT_CLEANER,
    TOYS,
    URL,
    api_as,
    declare,
    verify,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_catalogue_indexes")]


def detail(world, batch_id: int, user=None) -> dict:
    response = api_as(user or world.alice).get(f"{URL}{batch_id}/")
    assert response.status_code == 200, response.content
    return response.json()


# --- on-site verification -------------------------------------------------------------------------


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
    assert (item["line_no"], item["confirmation"], item["tier"], item["status"]) == (1, "confirmed", 1, "refused")
    confirm(world, batch["id"], 1, {"confirmed": False}, expect=400)  # decided already
    # The confirmed prohibited line is refused at once; the garments were released on declaration.
    # Nothing is left to verify: the verification closed as failed, with the confirmation's note.
    body = api_as(world.alice).get(f"{URL}{batch['id']}/").json()
    assert body["status"] == "partially_refused"
    assert (body["verification"]["status"], body["verification"]["note"]) == ("failed", "成分表含甲醛")
    assert [line["status"] for line in body["items"]] == ["refused", "released"]
    verify(world, batch["id"], {"passed": True}, expect=400)
    verify(world, batch["id"], {"passed": False, "note": "含甲醛溶液"}, expect=400)


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

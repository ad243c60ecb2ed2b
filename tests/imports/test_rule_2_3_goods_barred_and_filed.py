"""Rules 2 and 3 (issue 8).

Rule 2, the goods are barred, not the whole batch: a bonded batch refuses its certain tier-1 lines;
the other lines proceed by their own tier (released, or awaiting on-site verification); the batch's
status sums its lines up (``refused`` when every line is, ``partially_refused`` when some are) and its
tier stays the most severe line's.

Rule 3, bonded goods are filed goods (「对跨境电商进出口消费品实施备案管理」): a line of a bonded batch
names an approved product filing of the declaring operator, whose HS code, CAS numbers, UN number and
used flag are what is classified; the line adds only quantity, value, unit and origin. Unfiled goods
are a 400 on that line telling to file them first. Direct-mail lines need no filing.
"""

from __future__ import annotations

import pytest

from catalogues.services.editions import catalogue_import, invalidate_indexes
from cbec_supervision.models import AuditEvent
from filings.choices import FilingStatus
from imports.models import ImportBatch, VerificationTask
from imports.services.declarations import import_batch_declare
from imports.services.verification import verification_decide
from tests.factories import ProductFilingFactory
from tests.imports.batch_api import BABY_GARMENTS, CYANIDE, TOYS, declare
from tests.imports.filed import filed_product

pytestmark = pytest.mark.django_db

AMOUNTS = {"quantity": 10, "unit": "件", "value_cny": "100.00", "origin_country": "JP"}


# --- rule 2 -------------------------------------------------------------------------------------


def test_rule_2_a_prohibited_line_is_refused_and_an_ordinary_line_released(world, approved_alice_co):
    batch = declare(world, CYANIDE, BABY_GARMENTS)
    assert (batch["status"], batch["tier"], batch["verification"]) == ("partially_refused", 1, None)
    cyanide, garments = batch["items"]
    assert (cyanide["tier"], cyanide["status"], cyanide["follow_up"]) == (1, "refused", "refuse_entry")
    assert (garments["tier"], garments["status"]) == (3, "released")


def test_rule_2_key_supervision_lines_await_verification_beside_the_refused_line(world, approved_alice_co):
    batch = declare(world, CYANIDE, TOYS, BABY_GARMENTS)
    assert (batch["status"], batch["tier"]) == ("partially_refused", 1)
    assert [i["status"] for i in batch["items"]] == ["refused", "verification_required", "released"]
    task = VerificationTask.objects.get(batch_id=batch["id"])
    verification_decide(actor=world.zj_inspector, task=task, passed=True, note="核查通过")
    stored = ImportBatch.objects.get(pk=batch["id"])
    assert (stored.status, stored.tier) == ("partially_refused", 1)
    assert [i.status for i in stored.items.order_by("line_no")] == ["refused", "released", "released"]


def test_rule_2_a_failed_verification_refuses_only_the_lines_it_verified(world, approved_alice_co):
    batch = declare(world, TOYS, BABY_GARMENTS)
    assert batch["status"] == "verification_required"
    assert [i["status"] for i in batch["items"]] == ["verification_required", "released"]
    task = VerificationTask.objects.get(batch_id=batch["id"])
    verification_decide(actor=world.zj_inspector, task=task, passed=False, note="玩具无CCC证书")
    stored = ImportBatch.objects.get(pk=batch["id"])
    assert stored.status == "partially_refused"
    assert [i.status for i in stored.items.order_by("line_no")] == ["refused", "released"]


def test_rule_2_every_line_refused_refuses_the_batch(world, approved_alice_co):
    batch = declare(world, CYANIDE, {**CYANIDE, "description": "氰化钠 工业级"})
    assert (batch["status"], batch["tier"]) == ("refused", 1)
    assert {i["status"] for i in batch["items"]} == {"refused"}


def test_rule_2_the_declaration_records_where_each_line_went(world, approved_alice_co):
    batch = declare(world, CYANIDE, TOYS, BABY_GARMENTS)
    event = AuditEvent.objects.for_object(ImportBatch.objects.get(pk=batch["id"])).get(action="submit")
    assert event.after["lines"] == {"refused": 1, "verification_required": 1, "released": 1}


def test_rule_2_lines_filter_by_status(world, approved_alice_co):
    from tests.imports.batch_api import URL, api_as

    batch = declare(world, CYANIDE, TOYS, BABY_GARMENTS)
    client = api_as(world.alice)
    refused = client.get(f"{URL}{batch['id']}/items/", {"status": "refused"}).json()
    rows = refused["results"] if isinstance(refused, dict) else refused
    assert [row["line_no"] for row in rows] == [1]
    listed = client.get(URL, {"status": "partially_refused"}).json()["results"]
    assert [row["id"] for row in listed] == [batch["id"]]


def test_rule_2_an_approved_product_a_new_edition_prohibits_is_refused_line_by_line(world, approved_alice_co):
    """The contract's case: a product approved before a new edition puts it in tier 1 stays approved
    (flagged to its bureau), and its bonded lines are refused as tier 1 meanwhile."""
    solvent = ProductFilingFactory(
        enterprise=approved_alice_co,
        name="指甲油稀释剂",
        hs_code="3814000000",
        cas_numbers=["123-86-4"],  # n-butyl acetate: in none of the shipped catalogues
        status=FilingStatus.APPROVED,
    )
    garments = filed_product(approved_alice_co, BABY_GARMENTS)
    lines = [{"product": solvent.pk, **AMOUNTS}, {"product": garments.pk, **AMOUNTS}]
    assert [i.tier for i in import_batch_declare(actor=world.alice, items=lines, port_bureau="ZJ").items.all()][0] != 1
    content = "序号,品名,别名,CAS号,备注\n1,乙酸正丁酯,醋酸丁酯,123-86-4,\n".encode()
    catalogue_import(
        actor="test", kind="precursor_chemicals", edition="2026 增补", effective_from=_today(), content=content
    )
    invalidate_indexes()
    batch = import_batch_declare(actor=world.alice, items=lines, port_bureau="ZJ")
    assert batch.status == "partially_refused"
    assert [(i.tier, i.status) for i in batch.items.order_by("line_no")] == [(1, "refused"), (3, "released")]


def _today():
    from django.utils import timezone

    return timezone.localdate()


# --- rule 3 -------------------------------------------------------------------------------------


def test_rule_3_unfiled_goods_are_refused_on_their_line_until_filed(world, approved_alice_co):
    body = declare(world, BABY_GARMENTS, file_goods=False, expect=400)
    (message,) = body["items"]
    assert message.startswith("Line 1, product:") and "file this product" in message
    assert not ImportBatch.objects.exists()


def test_rule_3_the_filing_is_what_is_classified(world, approved_alice_co):
    toy = filed_product(approved_alice_co, TOYS)
    batch = declare(world, {"product": toy.pk, **AMOUNTS}, file_goods=False)
    (line,) = batch["items"]
    assert (line["product"], line["hs_code"], line["tier"]) == (toy.pk, "9503008900", 2)
    assert line["description"] == toy.name and line["quantity"] == "10.000" and line["origin_country"] == "JP"
    assert [r["catalogue"] for r in line["reasons"]] == ["compulsory_certification"]


def test_rule_3_a_line_may_not_give_other_identifiers_than_its_filing(world, approved_alice_co):
    toy = filed_product(approved_alice_co, TOYS)
    line = {"product": toy.pk, **AMOUNTS}
    for field, value in (
        ("hs_code", "6111200000"),
        ("cas_numbers", ["143-33-9"]),
        ("un_number", "1203"),
        ("used", True),
    ):
        body = declare(world, {**line, field: value}, file_goods=False, expect=400)
        (message,) = body["items"]
        assert message.startswith(f"Line 1, {field}:"), message
    same = declare(world, {**line, "hs_code": "9503008900"}, file_goods=False)
    assert same["items"][0]["tier"] == 2


def test_rule_3_the_filings_cas_numbers_un_number_and_used_flag_are_stored_with_the_line(world, approved_alice_co):
    kit = ProductFilingFactory(
        enterprise=approved_alice_co,
        name="便携式储能电源",
        hs_code="8507600090",
        un_number="3480",
        status=FilingStatus.APPROVED,
    )
    (line,) = declare(world, {"product": kit.pk, **AMOUNTS}, file_goods=False)["items"]
    assert line["un_number"] == "3480" and line["tier"] == 1 and line["status"] == "refused"


def test_rule_3_only_the_operators_own_approved_filings(world, approved_alice_co):
    other = ProductFilingFactory(status=FilingStatus.APPROVED)
    draft = ProductFilingFactory(enterprise=approved_alice_co)
    for product in (other, draft):
        body = declare(world, {"product": product.pk, **AMOUNTS}, file_goods=False, expect=400)
        assert body["items"][0].startswith("Line 1, product:")


def test_rule_3_direct_mail_lines_need_no_filing(world, approved_alice_co):
    batch = declare(world, BABY_GARMENTS, mode="direct_mail", file_goods=False)
    assert (batch["status"], batch["tier"]) == ("postal", None)
    assert batch["items"][0]["product"] is None and batch["items"][0]["status"] == "postal"

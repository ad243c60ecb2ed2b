"""A whole's history shows the events of its parts (a batch's items and verification, a filing's products)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cbec_supervision.models import AuditEvent
from imports.services.verification import import_item_confirm, verification_decide
from tests.conftest import api_as
from tests.imports.filed import declare_filed

pytestmark = pytest.mark.django_db

TEE = {"description": "纯棉成人T恤", "hs_code": "6109100021", "quantity": 10, "value_cny": "350.00"}
SUSPECT = {**TEE, "description": "含甲醛溶液的清洁剂"}


def verified_batch(world, suspects: int):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[TEE] + [SUSPECT] * suspects)
    for item in batch.items.filter(confirmation="pending"):
        import_item_confirm(actor=world.zj_inspector, item=item, confirmed=False, note="成分表不含甲醛")
    verification_decide(actor=world.zj_inspector, task=batch.verification, passed=True, note="现场核查通过")
    return batch


def test_the_batch_page_shows_its_items_and_verification(world, approved_alice_co, client):
    batch = verified_batch(world, suspects=1)
    client.force_login(world.zj_inspector)
    page = client.get(batch.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"import item {batch.pk}/2" in page and "成分表不含甲醛" in page
    assert "现场核查通过" in page and page.count('class="history-part"') == 2


def test_the_history_api_lists_the_parts_with_their_types(world, approved_alice_co):
    batch = verified_batch(world, suspects=1)
    rows = api_as(world.zj_inspector).get(f"/api/v1/import-batches/{batch.pk}/history/").json()["results"]
    assert [(r["object_type"], r["action"]) for r in rows] == [
        ("imports.importbatch", "submit"),
        ("imports.importitem", "update"),
        ("imports.importbatch", "update"),
        ("imports.verificationtask", "approve"),
        ("imports.importbatch", "update"),
    ]
    assert {r["related_object_id"] for r in rows if r["object_type"] != "imports.importbatch"} == {str(batch.pk)}


def test_a_history_costs_the_same_queries_however_many_parts_changed(world, approved_alice_co, client):
    small, large = verified_batch(world, suspects=1), verified_batch(world, suspects=4)
    assert AuditEvent.objects.filter(related_object_id=str(large.pk)).count() == 5
    client.force_login(world.zj_inspector)
    api = api_as(world.zj_inspector)
    api.get(f"/api/v1/import-batches/{small.pk}/history/")  # the user's permissions, cached after the first
    costs = []
    for batch in (small, large):
        with CaptureQueriesContext(connection) as page:
            client.get(batch.get_absolute_url())
        with CaptureQueriesContext(connection) as history:
            api.get(f"/api/v1/import-batches/{batch.pk}/history/")
        costs.append((len(page), len(history)))
    assert costs[0] == costs[1]


def test_a_part_the_reader_may_not_see_stays_out_of_the_whole_s_history(world, toy):
    """The product is a part of Alice Co's filing: its own gate decides who reads its events."""

    def shown(user):
        events = AuditEvent.objects.for_object(world.alice_co, include_related=True, user=user)
        return set(events.values_list("content_type__model", flat=True))

    assert shown(world.alice) == shown(world.zj_inspector) == {"enterprisefiling", "productfiling"}
    assert shown(world.gd_inspector) == {"enterprisefiling"}
    assert shown(world.bob) == {"enterprisefiling"}
    assert set(AuditEvent.objects.for_object(world.alice_co).values_list("content_type__model", flat=True)) == {
        "enterprisefiling"
    }


def test_a_test_report_is_part_of_its_product(world, toy):
    from filings.services import product_test_report_add

    product_test_report_add(
        actor=world.alice, product=toy, lab="SGS", report_no="R-1", issued_on="2026-01-05", verdict="pass"
    )
    rows = api_as(world.alice).get(f"/api/v1/products/{toy.pk}/history/").json()["results"]
    assert [(r["object_type"], r["action"]) for r in rows][-1] == ("filings.producttestreport", "create")

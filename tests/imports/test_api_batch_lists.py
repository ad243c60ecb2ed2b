"""Import batches through the API: lists, lines, filters and query budgets."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imports.models import ImportItem
from tests.imports.batch_api import (
    BABY_GARMENTS,
    CONTRACT_ITEM_FIELDS,
    CYANIDE,
    SUSPECT_CLEANER,
    TOYS,
    URL,
    api_as,
    declare,
    verify,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_catalogue_indexes")]


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


def test_a_page_of_batches_costs_three_queries(world, approved_alice_co):
    for _ in range(3):
        declare(world, TOYS, BABY_GARMENTS)
        declare(world, BABY_GARMENTS)
    client = api_as(world.zj_inspector)
    client.get(URL)  # warm up: the user's permissions are cached after the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).json()["count"] == 6
    assert len(queries) <= 3, [q["sql"] for q in queries.captured_queries]  # count, page, accepted reports

"""The import pages cost a fixed number of queries whatever the row count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalogues.models import CatalogueEdition
from imports.services.declarations import export_declare
from tests.imports.pages import CLEANER, CYANIDE, HAIR_DRYER, TOWEL, declare
from tests.pages import browser_as

pytestmark = pytest.mark.django_db


# --- query budgets ----------------------------------------------------------------------------------


def count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


def test_the_batch_list_costs_the_same_for_many_batches(world, alice_co):
    client = browser_as(world.zj_inspector)
    declare(world, TOWEL)
    few = count_queries(client, reverse("imports:batch_list"))
    for _ in range(8):
        declare(world, TOWEL, HAIR_DRYER)
    assert count_queries(client, reverse("imports:batch_list")) == few
    assert few <= 10


def test_the_batch_page_costs_the_same_for_many_lines(world, approved_toy):
    client = browser_as(world.zj_inspector)
    small = declare(world, HAIR_DRYER, CLEANER)
    big = declare(
        world, CLEANER, *([HAIR_DRYER, TOWEL, {"product": approved_toy.pk, "quantity": 1, "value_cny": 1}] * 40)
    )
    assert count_queries(client, big.get_absolute_url()) == count_queries(client, small.get_absolute_url())
    assert count_queries(client, big.get_absolute_url()) <= 20
    refused = declare(world, *([CYANIDE, TOWEL] * 30))
    assert count_queries(client, refused.get_absolute_url()) <= 20


def test_the_queue_exports_and_catalogue_pages_cost_the_same_for_many_rows(world, alice_co):
    client = browser_as(world.zj_inspector)
    declare(world, HAIR_DRYER)
    export_declare(
        actor=world.alice,
        declarations=[
            {
                "order_no": "A0",
                "description": "围巾",
                "hs_code": "6214100090",
                "destination_country": "FR",
                "value_cny": 1,
            }
        ],
    )
    queue = count_queries(client, reverse("imports:verification_queue"))
    exports = count_queries(client, reverse("imports:export_list"))
    for _ in range(6):
        declare(world, HAIR_DRYER, CLEANER)
    export_declare(
        actor=world.alice,
        declarations=[
            {
                "order_no": f"A{i + 1}",
                "description": "围巾",
                "hs_code": "6214100090",
                "destination_country": "FR",
                "value_cny": 1,
            }
            for i in range(20)
        ],
    )
    assert count_queries(client, reverse("imports:verification_queue")) == queue
    assert count_queries(client, reverse("imports:export_list")) == exports
    dangerous = CatalogueEdition.objects.get(kind="dangerous_goods")
    assert count_queries(client, dangerous.get_absolute_url()) <= 10
    assert count_queries(client, reverse("catalogues:catalogue_list")) <= 10

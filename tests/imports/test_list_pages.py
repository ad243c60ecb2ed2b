"""Import, catalogue, bureau and notification lists in the one list pattern: sort, export, scope, budgets."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from catalogues.models import CatalogueEdition
from cbec_supervision.notifications import notify
from filings.models import EnterpriseFiling
from imports.models import ImportBatch
from imports.services.declarations import export_declare
from tests.builders import approve
from tests.imports.filed import declare_filed

BATCHES = reverse("imports:batch_list")
TOWEL = {"description": "纯棉浴巾", "hs_code": "6302601000", "quantity": 30, "unit": "条", "value_cny": 900}
HAIR_DRYER = {"description": "电吹风机 1800W", "hs_code": "8516310000", "quantity": 20, "value_cny": 4000}


@pytest.fixture
def alice_co(world):
    return approve(world.alice_co, world.alice, world.zj_inspector)


def declare(world, *lines) -> ImportBatch:
    return declare_filed(actor=world.alice, items=[dict(line) for line in lines], port_bureau="ZJ", mode="bonded")


def browser_as(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))


def count_queries(client, url, params=None) -> int:
    client.get(url, params or {})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_the_batch_list_sorts_by_value_and_exports_the_same_columns(world, alice_co):
    small, big = declare(world, TOWEL), declare(world, HAIR_DRYER, TOWEL)
    client = browser_as(world.zj_inspector)
    assert [b.pk for b in client.get(BATCHES, {"sort": "-total_value_cny"}).context["rows"]] == [big.pk, small.pk]
    assert [b.pk for b in client.get(BATCHES, {"sort": "total_value_cny"}).context["rows"]] == [small.pk, big.pk]
    assert client.get(BATCHES, {"sort": "declared_by__password"}).status_code == 200
    rows = csv_rows(client.get(BATCHES, {"export": "csv", "sort": "-total_value_cny"}))
    assert rows[0] == [
        "Batch number",
        "Operator",
        "Mode",
        "Port bureau",
        "Lines",
        "Value (CNY)",
        "Tier",
        "Status",
        "Arrival",
        "Declared",
    ]
    assert [r[0] for r in rows[1:]] == [big.batch_no, small.batch_no]
    assert rows[1][4] == "2" and rows[1][5] == "4900.00"
    sheet = load_workbook(io.BytesIO(client.get(BATCHES, {"export": "xlsx"}).content)).active
    assert sheet.max_row == 3 and sheet["E2"].data_type == "n"


def test_batch_lists_and_exports_stay_within_scope(world, alice_co):
    declare(world, TOWEL)
    assert len(csv_rows(browser_as(world.zj_inspector).get(BATCHES, {"export": "csv"}))) == 2
    assert len(csv_rows(browser_as(world.gd_inspector).get(BATCHES, {"export": "csv"}))) == 1
    assert len(csv_rows(browser_as(world.bob).get(BATCHES, {"export": "csv"}))) == 1
    alice = csv_rows(browser_as(world.alice).get(BATCHES, {"export": "csv"}))
    assert "Operator" not in alice[0] and len(alice) == 2


def test_the_batch_filters_are_one_filterset_for_page_and_api(world, alice_co):
    batch = declare(world, TOWEL)
    page = browser_as(world.zj_inspector)
    assert [b.pk for b in page.get(BATCHES, {"q": "Alice"}).context["rows"]] == [batch.pk]
    assert [b.pk for b in page.get(BATCHES, {"uscc": alice_co.uscc}).context["rows"]] == [batch.pk]
    assert page.get(BATCHES, {"port_bureau": "GD"}).context["rows"] == []
    api = page.get("/api/v1/import-batches/", {"uscc": alice_co.uscc})
    assert api.json()["count"] == 1
    assert page.get("/api/v1/import-batches/", {"q": "Alice"}).json()["count"] == 1
    # The enterprise's form has no credit-code filter: it sees its own batches only.
    assert "uscc" not in browser_as(world.alice).get(BATCHES).context["filter"].form.fields


def test_the_partner_fields_of_the_batch_form_are_pickers_not_selects(world, alice_co):
    EnterpriseFiling.objects.filter(pk=alice_co.pk).update(is_platform=True)
    page = browser_as(world.alice).get(reverse("imports:batch_create")).content.decode()
    assert f"{reverse('filings:enterprise_picker')}?type=platform" in page
    assert f"{reverse('filings:enterprise_picker')}?type=logistics" in page
    for name in ("platform", "warehouse"):
        assert f'<input type="hidden" name="{name}"' in page and f'<select name="{name}"' not in page


def test_the_export_list_exports_its_rows(world, alice_co):
    export_declare(
        actor=world.alice,
        declarations=[
            {
                "order_no": "=A1",
                "description": "围巾",
                "hs_code": "6214100090",
                "destination_country": "FR",
                "value_cny": 1,
            }
        ],
    )
    rows = csv_rows(browser_as(world.zj_inspector).get(reverse("imports:export_list"), {"export": "csv"}))
    assert rows[0][0] == "Order number" and rows[1][0] == "'=A1" and rows[1][4] == "FR"


def test_the_verification_queue_exports(world, alice_co):
    declare(world, HAIR_DRYER)
    rows = csv_rows(browser_as(world.zj_inspector).get(reverse("imports:verification_queue"), {"export": "csv"}))
    assert rows[0][0] == "Opened" and len(rows) == 2


def test_catalogue_entries_sort_and_export_in_their_layout(world):
    dangerous = CatalogueEdition.objects.get(kind="dangerous_goods")
    client = browser_as(world.zj_inspector)
    rows = client.get(dangerous.get_absolute_url(), {"sort": "-un_number"}).context["rows"]
    numbers = [e.un_number for e in rows]
    assert numbers == sorted(numbers, reverse=True)
    exported = csv_rows(client.get(dangerous.get_absolute_url(), {"export": "csv", "q": "UN1203"}))
    assert exported[0] == ["UN number", "Name", "Class", "Row in the file"] and exported[1][0] == "UN1203"


def test_the_bureau_list_sorts_and_exports(world):
    client = browser_as(world.hq)
    codes = [b.code for b in client.get(reverse("accounts:bureau_list"), {"sort": "-code"}).context["rows"]]
    assert codes == sorted(codes, reverse=True)
    rows = csv_rows(client.get(reverse("accounts:bureau_list"), {"export": "csv", "level": "direct"}))
    assert rows[0][0] == "Code" and all(row[3] for row in rows[1:])


def test_the_notifications_inbox_sorts_by_time_and_is_not_exported(world):
    notify(recipients=[world.alice], kind="enterprise_approved", params={"name": "A", "filing_no": "1"})
    notify(recipients=[world.alice], kind="product_approved", params={"name": "B", "filing_no": "2"})
    client = browser_as(world.alice)
    kinds = [n.kind for n in client.get(reverse("notification_list"), {"sort": "created_at"}).context["rows"]]
    assert kinds == ["enterprise_approved", "product_approved"]
    response = client.get(reverse("notification_list"), {"export": "csv"})
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("params", [{}, {"sort": "-total_value_cny"}, {"export": "csv"}, {"export": "xlsx"}])
def test_import_lists_and_exports_cost_the_same_for_more_rows(world, alice_co, params):
    client = browser_as(world.zj_inspector)
    declare(world, HAIR_DRYER)
    urls = [BATCHES, reverse("imports:verification_queue"), reverse("imports:export_list")]
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
    few = [count_queries(client, url, params) for url in urls]
    for n in range(5):
        declare(world, HAIR_DRYER, TOWEL)
        export_declare(
            actor=world.alice,
            declarations=[
                {
                    "order_no": f"B{n}",
                    "description": "围巾",
                    "hs_code": "6214100090",
                    "destination_country": "FR",
                    "value_cny": 1,
                }
            ],
        )
    assert [count_queries(client, url, params) for url in urls] == few
    assert max(few) <= 10


def test_the_lines_of_a_long_batch_are_paged_keeping_the_other_parameters(world):
    from tests.builders import approve
    from tests.imports.pages import TOWEL, declare
    from tests.pages import browser_as

    approve(world.alice_co, world.alice, world.zj_inspector)
    batch = declare(world, *[TOWEL] * 60)
    page = browser_as(world.alice).get(batch.get_absolute_url(), {"show": "all"}).content.decode()
    assert "page=2" in page and "show=all" in page
    second = browser_as(world.alice).get(batch.get_absolute_url(), {"show": "all", "page": 2})
    assert second.status_code == 200 and "page=1" in second.content.decode()

"""Export declarations (全申报) over the API: Alice Co declares its export orders, one or many at a time."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from filings import services
from filings.models import EnterpriseFiling
from imports.models import ExportDeclaration
from imports.services.declarations import export_declare
from tests.builders import TOY, approve
from tests.conftest import api_as as _api_as
from tests.factories import UserFactory
from tests.scoping import ScopedAccessTests

pytestmark = pytest.mark.django_db

URL = "/api/v1/export-declarations/"

ORDER = {
    "order_no": "EX-2026-0001",
    "description": "儿童积木玩具",
    "hs_code": "9503008900",
    "destination_country": "us",
    "quantity": 3,
    "value_cny": "299.70",
}


def api_as(user):
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def declare(user, body, expect: int = 201):
    response = api_as(user).post(URL, body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


class TestExportDeclarationScope(ScopedAccessTests):
    """Alice Co's export orders are seen by Alice, the Zhejiang bureau and headquarters; never edited.

    Not by the port bureau of Alice Co's import batch: exports are no part of that work.
    """

    route = "export-declarations"
    visible_to = frozenset({"owner", "same_bureau_inspector", "hq"})
    editable_by = None
    _orders = 0

    def make_object(self, world):
        filing = EnterpriseFiling.objects.get(pk=world.alice_co.pk)
        if filing.status != "approved":
            approve(filing, world.alice, world.zj_inspector)
        TestExportDeclarationScope._orders += 1
        (row,) = export_declare(
            actor=world.alice, declarations=[{**ORDER, "order_no": f"EX-{TestExportDeclarationScope._orders}"}]
        )
        return row


def test_one_order_is_declared_and_answered_as_an_object(world, approved_alice_co):
    body = declare(world.alice, ORDER)
    assert body == {
        "id": body["id"],
        "enterprise": approved_alice_co.pk,
        "enterprise_name": "Alice Co",
        "product": None,
        "product_name": None,
        "order_no": "EX-2026-0001",
        "description": "儿童积木玩具",
        "hs_code": "9503008900",
        "destination_country": "US",
        "quantity": "3.000",
        "value_cny": "299.70",
        "declared_by": "alice",
        "created_at": body["created_at"],
    }


def test_many_orders_are_declared_at_once_and_answered_as_a_list(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    services.product_submit(actor=world.alice, product=product)
    services.product_approve(actor=world.zj_inspector, product=product)
    body = declare(
        world.alice,
        [
            {**ORDER, "order_no": "EX-1"},
            {"order_no": "EX-2", "product": product.pk, "destination_country": "DE", "value_cny": 99},
        ],
    )
    assert [row["order_no"] for row in body] == ["EX-1", "EX-2"]
    assert body[1]["product"] == product.pk and body[1]["product_name"] == TOY["name"]
    assert body[1]["hs_code"] == TOY["hs_code"] and body[1]["quantity"] == "1.000"
    assert ExportDeclaration.objects.filter(enterprise=approved_alice_co).count() == 2


def test_orders_are_all_or_none(world, approved_alice_co):
    body = declare(world.alice, [{**ORDER, "order_no": "EX-1"}, {**ORDER, "order_no": "EX-1"}], expect=400)
    assert body == {"items": ["Line 2, order_no: Order EX-1 is already declared."]}
    assert not ExportDeclaration.objects.exists()


def test_an_order_number_is_declared_once(world, approved_alice_co):
    declare(world.alice, ORDER)
    declare(world.alice, ORDER, expect=400)


def test_products_of_another_enterprise_cannot_be_declared(world, approved_alice_co):
    gd_reviewer = UserFactory(username="gd_reviewer", role=Role.INSPECTOR, bureau=world.gd)
    approve(world.bob_co, world.bob, gd_reviewer)
    bobs = services.product_create(actor=world.bob, enterprise=world.bob_co, **TOY)
    declare(world.alice, {**ORDER, "product": bobs.pk}, expect=400)


def test_only_enterprise_users_with_an_approved_filing_declare(world, approved_alice_co):
    for user in (world.zj_inspector, world.zj_admin, world.hq):
        declare(user, ORDER, expect=403)
    body = declare(world.bob, ORDER, expect=400)
    assert "enterprise" in body
    assert not ExportDeclaration.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        [],
        "order",
        7,
        None,
        [1, 2],
        [ORDER, "x"],
        {},
        {**ORDER, "destination_country": "XX"},
        {**ORDER, "destination_country": ["US"]},
        {**ORDER, "value_cny": "1e400"},
        {**ORDER, "value_cny": 10**20},
        {**ORDER, "quantity": 0},
        {**ORDER, "order_no": ""},
        {**ORDER, "product": 10**30},
        {**ORDER, "hs_code": "abc"},
        [ORDER] * 20_001,
    ],
)
def test_bad_declarations_are_a_400_and_store_nothing(world, approved_alice_co, body):
    response = api_as(world.alice).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert not ExportDeclaration.objects.exists()


def test_declarations_are_filtered_by_destination_and_product(world, approved_alice_co):
    declare(world.alice, [{**ORDER, "order_no": "EX-1"}, {**ORDER, "order_no": "EX-2", "destination_country": "GB"}])
    client = api_as(world.zj_inspector)
    assert [row["order_no"] for row in client.get(URL, {"destination_country": "gb"}).json()["results"]] == ["EX-2"]
    assert client.get(URL, {"q": "EX-"}).json()["count"] == 2
    assert client.get(URL, {"product": 10**30}).status_code == 400


# --- spreadsheets ----------------------------------------------------------------------------------


def filled_in_csv(world, rows: list[dict]) -> bytes:
    import csv
    import io

    template = api_as(world.alice).get(f"{URL}template/", {"format": "csv"})
    assert template.status_code == 200
    headings = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    fields = [heading.split(" / ")[-1] for heading in headings]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow([row.get(field, "") for field in fields])
    return out.getvalue().encode()


def upload(world, content: bytes, user=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"file": SimpleUploadedFile("orders.csv", content)}
    return api_as(user or world.alice).post(f"{URL}upload/", body, format="multipart")


def test_orders_are_declared_from_a_filled_in_spreadsheet(world, approved_alice_co):
    response = upload(world, filled_in_csv(world, [{**ORDER, "order_no": "EX-1"}, {**ORDER, "order_no": "EX-2"}]))
    assert response.status_code == 201, response.content
    assert [row["order_no"] for row in response.json()] == ["EX-1", "EX-2"]
    assert response.json()[0]["destination_country"] == "US"


def test_a_spreadsheet_with_bad_rows_declares_no_order(world, approved_alice_co):
    content = filled_in_csv(world, [{**ORDER, "order_no": "EX-1"}, {**ORDER, "order_no": "EX-1"}])
    response = upload(world, content)
    assert response.status_code == 400
    assert [(row["row"], row["field"]) for row in response.json()["rows"]] == [(3, "order_no")]
    assert upload(world, content, user=world.zj_inspector).status_code == 403
    assert not ExportDeclaration.objects.exists()


def test_a_page_of_declarations_costs_two_queries(world, approved_alice_co):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    declare(world.alice, [{**ORDER, "order_no": f"EX-{n}"} for n in range(10)])
    client = api_as(world.zj_inspector)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).json()["count"] == 10
    assert len(queries) <= 2, [q["sql"] for q in queries.captured_queries]  # count, page

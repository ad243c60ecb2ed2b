"""Product filings through the API: lists, filters, query budgets, and never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from filings import services
from filings.models import ProductFiling
from tests.builders import TOY
from tests.factories import ProductFilingFactory
from tests.filings.product_api import api_as, url

pytestmark = pytest.mark.django_db


# --- lists --------------------------------------------------------------------------------------


def test_the_review_queue_is_ordered_by_submission(world, approved_alice_co):
    first = services.product_submit(
        actor=world.alice, product=services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    )
    second = services.product_submit(
        actor=world.alice,
        product=services.product_create(actor=world.alice, enterprise=approved_alice_co, **{**TOY, "model": "2"}),
    )
    ProductFiling.objects.filter(pk=first.pk).update(submitted_at=timezone.now() - dt.timedelta(days=1))
    ProductFilingFactory(enterprise=world.alice_co)  # a draft, not in the queue
    client = api_as(world.zj_inspector)
    queue = client.get(url(), {"status": "submitted", "ordering": "submitted_at"}).json()["results"]
    assert [p["id"] for p in queue] == [first.pk, second.pk]
    newest_first = client.get(url(), {"status": "submitted", "ordering": "-submitted_at"}).json()["results"]
    assert [p["id"] for p in newest_first] == [second.pk, first.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"hs_code": "9503"}, {"toy"}),
        ({"q": "battery"}, {"battery"}),
        ({"category": "electrical"}, {"battery"}),
        ({"subcategory": "toys"}, {"toy"}),
        ({"brand": "leg"}, {"toy"}),
        ({"origin_country": "de"}, {"battery"}),
        ({"bureau": "ZJ"}, {"toy", "battery"}),
        ({"bureau": "GD"}, set()),
        ({"ordering": "password"}, {"toy", "battery"}),
    ],
)
def test_lists_take_the_shared_filters(world, query, expected):
    names = {
        ProductFilingFactory(enterprise=world.alice_co).pk: "toy",
        ProductFilingFactory(
            enterprise=world.alice_co,
            name_en="Power bank battery",
            brand="Anker",
            hs_code="8507600000",
            origin_country="DE",
            category="electrical",
            subcategory="power_banks",
        ).pk: "battery",
    }
    response = api_as(world.hq).get(url(), query)
    assert response.status_code == 200
    assert {names[p["id"]] for p in response.json()["results"]} == expected


@pytest.mark.parametrize("query", [{"status": "nonsense"}, {"tier": "x"}, {"enterprise": "x"}, {"category": "food"}])
def test_bad_filters_answer_400(world, query):
    assert api_as(world.hq).get(url(), query).status_code == 400


def test_an_enterprise_sees_only_its_own_products_in_the_list(world):
    ProductFilingFactory(enterprise=world.alice_co)
    ProductFilingFactory(enterprise=world.bob_co)
    assert [p["enterprise"] for p in api_as(world.alice).get(url()).json()["results"]] == [world.alice_co.pk]
    assert api_as(world.alice).get(url(), {"enterprise": world.bob_co.pk}).json()["count"] == 0


# --- never a 500 ----------------------------------------------------------------------------------


REPORT = {"lab": "L", "report_no": "R", "issued_on": "2026-01-01", "verdict": "pass"}


QUERY_PARAMETERS = (
    "enterprise",
    "product",
    "tier",
    "status",
    "ordering",
    "page",
    "page_size",
    "overdue",
    "unread",
    "hs_code",
    "q",
    "origin_country",
    "bureau",
    "format",
)


ODD_VALUES = [None, "", "x", 5, 1.5, True, [1], {"a": 1}, "积" * 400, 99999999999999999999999]


@pytest.mark.parametrize("value", ODD_VALUES)
def test_no_value_in_any_field_answers_500(world, approved_toy, value):
    """Every writable field of every route, given values of every wrong type."""
    alice, inspector = api_as(world.alice), api_as(world.zj_inspector)
    draft = ProductFilingFactory(enterprise=world.alice_co)
    product_fields = [*services.PRODUCT_FIELDS, "enterprise"]
    enterprise_fields = [*services.ENTERPRISE_EDITABLE_FIELDS, "types", "uscc", "bureau"]
    calls = [
        *[(alice, "post", url(), {**TOY, f: value}) for f in product_fields],
        *[(alice, "patch", url(draft), {f: value}) for f in product_fields],
        *[(alice, "patch", f"/api/v1/enterprises/{world.alice_co.pk}/", {f: value}) for f in enterprise_fields],
        *[(alice, "post", url(approved_toy, "change-request"), {"changes": {f: value}}) for f in product_fields],
        *[
            (alice, "post", f"/api/v1/enterprises/{world.alice_co.pk}/change-request/", {"changes": {f: value}})
            for f in enterprise_fields
        ],
        (alice, "post", url(approved_toy, "change-request"), {"changes": value, "explanation": value}),
        *[
            (alice, "post", url(draft, "test-reports"), {**REPORT, f: value})
            for f in ("lab", "report_no", "issued_on", "standard", "verdict", "file")
        ],
        (alice, "post", url(draft, "label"), {"file": value}),
        (alice, "post", f"/api/v1/enterprises/{world.alice_co.pk}/users/", {"username": value, "password": value}),
        (alice, "post", "/api/v1/my-notifications/mark-read/", {"ids": value}),
        (inspector, "post", url(approved_toy, "suspend"), {"reason": value}),
        (inspector, "post", f"/api/v1/enterprises/{world.alice_co.pk}/set-bureau/", {"bureau": value, "reason": "x"}),
    ]
    for client, method, path, body in calls:
        response = getattr(client, method)(path, body, format="json")
        assert response.status_code < 500, (method, path, body, response.status_code)


@pytest.mark.parametrize("value", ["x", "-1", "1.5", "NaN", "Infinity", "1e400", "99999999999999999999999", "", "%00"])
def test_no_query_parameter_answers_500(world, value):
    ProductFilingFactory(enterprise=world.alice_co)
    for route in ("products", "enterprises", "change-requests", "my-notifications"):
        for param in QUERY_PARAMETERS:
            response = api_as(world.hq).get(f"/api/v1/{route}/", {param: value})
            assert response.status_code < 500, (route, param, value)
    for path in ("/api/v1/products/99999999999999999999999/", "/api/v1/change-requests/0/submit/"):
        assert api_as(world.hq).get(path).status_code == 404

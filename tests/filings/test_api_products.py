"""Product filings through the API: Alice Co files its products, the Zhejiang bureau reviews them.

Who sees a product, filing and editing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalogues.models import HSCode
from cbec_supervision.attachments import attachment_create
from filings.models import ProductFiling, ProductTestReport
from tests.builders import TOY
from tests.factories import ProductFilingFactory
from tests.filings.product_api import PNG, api_as, file_as, url
from tests.scoping import ScopedAccessTests, port_batch

pytestmark = pytest.mark.django_db


class TestProductFilingScope(ScopedAccessTests):
    """Alice Co's draft product is seen by Alice, the Zhejiang bureau, headquarters and the port
    bureau of a batch naming it, not another bureau; only Alice edits it."""

    route = "products"
    visible_to = frozenset({"owner", "same_bureau_inspector", "port_bureau_inspector", "hq"})
    editable_by = frozenset({"owner"})
    update_payload = {"brand": "Duplo"}

    def make_object(self, world):
        return ProductFilingFactory(enterprise=world.alice_co)

    def put_on_a_batch(self, world, obj):
        port_batch(world, product=obj)

    def make_more_objects(self, world, count):
        # Each with a test report and two files, so the count covers every related list.
        for product in ProductFilingFactory.create_batch(count, enterprise=world.alice_co):
            label = attachment_create(
                owner=product, upload=SimpleUploadedFile("label.png", PNG), actor=world.alice, kind="chinese_label"
            )
            attachment_create(owner=product, upload=SimpleUploadedFile("notes.txt", b"notes"), actor=world.alice)
            ProductTestReport.objects.create(
                product=product,
                lab="CTI",
                report_no=f"R{product.pk}",
                issued_on=dt.date(2026, 1, 5),
                verdict="pass",
                attachment=label,
            )


# --- the reference table the checks rely on -------------------------------------------------------


def test_the_customs_table_holds_the_codes_these_tests_use():
    assert set(HSCode.objects.filter(code__in=["95030089", "85076000", "61112000"]).values_list("code", flat=True)) == {
        "95030089",
        "85076000",
        "61112000",
    }


# --- filing and editing -----------------------------------------------------------------------------


def test_an_enterprise_files_a_draft_product_for_itself_by_default(world):
    body = file_as(world)
    assert body["enterprise"] == world.alice_co.pk
    assert body["status"] == "draft" and body["filing_no"] is None
    assert body["hs_code"] == "9503008900" and body["origin_country"] == "DK"
    assert body["cas_numbers"] == [] and body["used"] is False and body["tier"] is None
    assert body["missing"] == {} and body["test_reports"] == [] and body["attachments"] == []
    contract = {
        "id",
        "enterprise",
        "name",
        "name_en",
        "brand",
        "model",
        "hs_code",
        "origin_country",
        "manufacturer",
        "category",
        "cas_numbers",
        "un_number",
        "gtin",
        "used",
        "ccc_certificate",
        "status",
        "tier",
        "classification",
    }
    assert contract <= set(body)


def test_codes_are_normalised_by_the_service(world):
    body = file_as(
        world,
        {
            **TOY,
            "hs_code": "9503.0089.00",
            "origin_country": "dk",
            "un_number": "UN3480",
            "cas_numbers": ["50-00-0", "50-00-0", "64-17-5"],
        },
    )
    assert body["hs_code"] == "9503008900" and body["origin_country"] == "DK" and body["un_number"] == "3480"
    assert body["cas_numbers"] == ["50-00-0", "64-17-5"]


def test_a_product_is_never_filed_for_another_enterprise(world):
    response = api_as(world.alice).post(url(), {**TOY, "enterprise": world.bob_co.pk}, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()
    assert not ProductFiling.objects.exists()


def test_naming_its_own_enterprise_is_allowed(world):
    assert file_as(world, {**TOY, "enterprise": world.alice_co.pk})["enterprise"] == world.alice_co.pk


@pytest.mark.parametrize("user", ["zj_inspector", "zj_admin", "hq"])
def test_staff_do_not_file_products(world, user):
    response = api_as(getattr(world, user)).post(url(), {**TOY, "enterprise": world.alice_co.pk}, format="json")
    assert response.status_code == 403
    assert not ProductFiling.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hs_code", "9999999999", "99999999 is not a China Customs commodity code."),
        ("hs_code", "95030089", "An HS code has 10 digits."),
        ("cas_numbers", ["50-00-1"], "50-00-1 is not a valid CAS number."),
        ("gtin", "6901234567891", "6901234567891 is not a valid GTIN: check its length and check digit."),
        ("origin_country", "XX", "Give the country of origin as an ISO 3166 two-letter code, e.g. DE."),
        ("un_number", "12", "A UN number has four digits, e.g. 1203."),
        ("subcategory", "power_banks", "This sub-category does not belong to the category chosen."),
        ("name", "", "This field may not be blank."),
    ],
)
def test_each_bad_value_is_named_with_its_field(world, field, value, message):
    response = api_as(world.alice).post(url(), {**TOY, field: value}, format="json")
    assert response.status_code == 400
    assert message in response.json()[field]
    assert not ProductFiling.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        {"cas_numbers": 5},
        {"cas_numbers": "50-00-0"},
        {"cas_numbers": [{"a": 1}]},
        {"used": "maybe"},
        {"contains_hazardous_substances": [1]},
        {"name": {"zh": "积木"}},
        {"name": None},
        {"name": "积" * 201},
        {"hs_code": ["9503008900"]},
        {"category": "food"},
        {"enterprise": "abc"},
        {"enterprise": 99999999999999999999},
        {"enterprise": [1]},
    ],
)
def test_wrong_types_answer_400_never_500(world, payload):
    response = api_as(world.alice).post(url(), {**TOY, **payload}, format="json")
    assert response.status_code == 400, response.content
    assert set(payload) <= set(response.json())


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', "null"])
def test_bodies_that_are_not_an_object_answer_400(world, body):
    response = api_as(world.alice).generic("POST", url(), body, content_type="application/json")
    assert response.status_code == 400


def test_fields_the_enterprise_does_not_set_are_ignored(world):
    body = file_as(world, {**TOY, "status": "approved", "filing_no": "ZJ2026P0000009", "tier": 3, "nonsense": 1})
    assert body["status"] == "draft" and body["filing_no"] is None and body["tier"] is None


def test_a_draft_is_edited_and_the_edit_is_audited(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).patch(url(product), {"brand": "Duplo", "used": True}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["brand"] == "Duplo" and response.json()["used"] is True
    history = api_as(world.alice).get(url(product, "history")).json()["results"]
    assert [e["action"] for e in history] == ["update"]


def test_a_submitted_product_cannot_be_edited_directly(world, submitted_toy):
    response = api_as(world.alice).patch(url(submitted_toy), {"brand": "Duplo"}, format="json")
    assert response.status_code == 400 and "status" in response.json()
    assert ProductFiling.objects.get(pk=submitted_toy.pk).brand == "LEGO"


def test_a_product_stays_with_its_enterprise(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).patch(url(product), {"enterprise": world.bob_co.pk}, format="json")
    assert response.status_code == 400
    assert ProductFiling.objects.get(pk=product.pk).enterprise_id == world.alice_co.pk


@pytest.mark.parametrize("user", ["alice", "zj_inspector", "hq"])
def test_product_filings_are_never_deleted(world, user):
    product = ProductFilingFactory(enterprise=world.alice_co)
    assert api_as(getattr(world, user)).delete(url(product)).status_code == 405
    assert ProductFiling.objects.filter(pk=product.pk).exists()


# The query budget of the list uses the scope class's objects.
def test_a_page_of_products_costs_the_same_queries_with_documents(world):
    client = api_as(world.zj_inspector)
    TestProductFilingScope().make_more_objects(world, 2)
    client.get(url())
    with CaptureQueriesContext(connection) as few:
        client.get(url())
    TestProductFilingScope().make_more_objects(world, 15)
    with CaptureQueriesContext(connection) as many:
        rows = client.get(url()).json()["results"]
    assert len(many) == len(few) <= 6, [q["sql"] for q in many.captured_queries]
    assert all(len(r["attachments"]) == 2 and len(r["test_reports"]) == 1 for r in rows)

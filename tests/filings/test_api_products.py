"""Product filings through the API: Alice Co files its products, the Zhejiang bureau reviews them."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalogues.models import HSCode
from cbec_supervision.attachments import attachment_create
from filings import services
from filings.choices import FilingStatus
from filings.models import ProductFiling, ProductTestReport
from filings.services.bulk import column_heading
from tests.builders import TOY
from tests.conftest import api_as as _api_as
from tests.factories import ProductFilingFactory
from tests.scoping import ScopedAccessTests, port_batch

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def api_as(user):
    """A client for ``user`` reading messages in English, the source language the tests assert."""
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def url(product=None, action: str = "") -> str:
    if product is None:
        return f"/api/v1/products/{action}"
    return f"/api/v1/products/{product.pk}/" + (f"{action}/" if action else "")


def file_as(world, payload=None, user=None) -> dict:
    response = api_as(user or world.alice).post(url(), payload or TOY, format="json")
    assert response.status_code == 201, response.content
    return response.json()


@pytest.fixture
def submitted_toy(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    return services.product_submit(actor=world.alice, product=product)


@pytest.fixture
def approved_toy(world, submitted_toy):
    return services.product_approve(actor=world.zj_inspector, product=submitted_toy)


def status_of(product) -> str:
    return ProductFiling.objects.get(pk=product.pk).status


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


# --- the review workflow -------------------------------------------------------------------------


def test_submitting_is_refused_until_the_enterprise_is_approved(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).post(url(product, "submit"))
    assert response.status_code == 400
    assert "Products can be submitted once the enterprise's own filing is approved" in response.json()["enterprise"][0]
    assert status_of(product) == FilingStatus.DRAFT


def test_an_incomplete_product_is_refused_with_what_is_missing(world, approved_alice_co):
    product = ProductFilingFactory(enterprise=world.alice_co, brand="", label_text="")
    before = api_as(world.alice).get(url(product)).json()["missing"]
    assert set(before) == {"brand", "label_text"}
    response = api_as(world.alice).post(url(product, "submit"))
    assert response.status_code == 400 and set(response.json()) == {"brand", "label_text"}
    assert status_of(product) == FilingStatus.DRAFT


def test_approval_issues_a_product_filing_number(world, approved_alice_co):
    product = ProductFiling.objects.get(pk=file_as(world)["id"])
    submitted = api_as(world.alice).post(url(product, "submit"))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["review_due_at"] and submitted.json()["is_overdue"] is False
    approved = api_as(world.zj_inspector).post(url(product, "approve"))
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["filing_no"] == f"ZJ{timezone.localdate().year}P0000001"


@pytest.mark.parametrize(
    ("user", "expected"),
    [("alice", 403), ("hq", 403), ("bob", 404), ("gd_inspector", 404), ("zj_admin", 200), ("zj_inspector", 200)],
)
def test_only_the_competent_bureau_approves(world, submitted_toy, user, expected):
    response = api_as(getattr(world, user)).post(url(submitted_toy, "approve"))
    assert response.status_code == expected, response.content
    assert status_of(submitted_toy) == (FilingStatus.APPROVED if expected == 200 else FilingStatus.SUBMITTED)


@pytest.mark.parametrize("user", ["zj_inspector", "hq"])
def test_only_the_enterprise_submits(world, approved_alice_co, user):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    assert api_as(getattr(world, user)).post(url(product, "submit")).status_code == 403
    assert status_of(product) == FilingStatus.DRAFT


@pytest.mark.parametrize("action", ["approve", "return", "reject", "suspend", "reinstate", "revoke"])
def test_a_decision_not_allowed_from_a_draft_is_a_400_and_changes_nothing(world, approved_alice_co, action):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    response = api_as(world.zj_inspector).post(url(product, action), {"reason": "不符合要求"}, format="json")
    assert response.status_code == 400
    assert "Not allowed" in response.json()["status"][0]
    assert status_of(product) == FilingStatus.DRAFT and not ProductFiling.objects.get(pk=product.pk).decision_reason


@pytest.mark.parametrize("action", ["return", "reject"])
def test_returning_or_rejecting_needs_a_reason(world, submitted_toy, action):
    response = api_as(world.zj_inspector).post(url(submitted_toy, action), {"reason": "  "}, format="json")
    assert response.status_code == 400 and response.json() == {"reason": ["Give a reason."]}
    assert status_of(submitted_toy) == FilingStatus.SUBMITTED


def test_a_returned_product_is_corrected_and_submitted_again(world, submitted_toy):
    returned = api_as(world.zj_inspector).post(
        url(submitted_toy, "return"), {"reason": "标签缺少警示语"}, format="json"
    )
    assert returned.json()["status"] == "returned" and returned.json()["decision_reason"] == "标签缺少警示语"
    assert (
        api_as(world.alice).patch(url(submitted_toy), {"label_text": "警告：含小零件"}, format="json").status_code
        == 200
    )
    assert api_as(world.alice).post(url(submitted_toy, "submit")).json()["status"] == "submitted"


def test_rejection_is_final(world, submitted_toy):
    rejected = api_as(world.zj_inspector).post(url(submitted_toy, "reject"), {"reason": "旧品"}, format="json")
    assert rejected.json()["status"] == "rejected"
    assert api_as(world.alice).post(url(submitted_toy, "submit")).status_code == 400


def test_an_approved_product_is_suspended_reinstated_and_revoked(world, approved_toy):
    inspector = api_as(world.zj_inspector)
    assert inspector.post(url(approved_toy, "reinstate")).status_code == 400
    suspended = inspector.post(url(approved_toy, "suspend"), {"reason": "抽检不合格"}, format="json")
    assert suspended.json()["status"] == "suspended"
    assert inspector.post(url(approved_toy, "reinstate")).json()["status"] == "approved"
    assert inspector.post(url(approved_toy, "revoke"), {}, format="json").status_code == 400
    revoked = inspector.post(url(approved_toy, "revoke"), {"reason": "虚假备案"}, format="json")
    assert revoked.json()["status"] == "revoked" and revoked.json()["filing_no"] == approved_toy.filing_no
    assert inspector.post(url(approved_toy, "suspend"), {"reason": "x"}, format="json").status_code == 400


def test_a_reason_of_the_wrong_type_is_a_400(world, submitted_toy):
    response = api_as(world.zj_inspector).post(url(submitted_toy, "return"), {"reason": ["a"]}, format="json")
    assert response.status_code == 400
    assert status_of(submitted_toy) == FilingStatus.SUBMITTED


# --- change requests ------------------------------------------------------------------------------


def test_an_approved_product_changes_only_once_the_change_is_approved(world, approved_toy):
    response = api_as(world.alice).post(
        url(approved_toy, "change-request"), {"changes": {"model": "10699"}, "explanation": "新款"}, format="json"
    )
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["product"] == approved_toy.pk and change["status"] == "pending"
    assert change["changes"] == {"model": "10699"} and change["original"] == {"model": "10698"}
    assert api_as(world.alice).get(url(approved_toy)).json()["model"] == "10698"
    decided = api_as(world.zj_inspector).post(f"/api/v1/change-requests/{change['id']}/approve/")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert api_as(world.alice).get(url(approved_toy)).json()["model"] == "10699"


def test_proposed_values_are_checked_like_an_edit(world, approved_toy):
    client = api_as(world.alice)
    bad_code = client.post(url(approved_toy, "change-request"), {"changes": {"hs_code": "9999999999"}}, format="json")
    assert bad_code.status_code == 400 and "hs_code" in bad_code.json()
    bad_type = client.post(url(approved_toy, "change-request"), {"changes": {"used": "maybe"}}, format="json")
    assert bad_type.status_code == 400 and "used" in bad_type.json()
    not_changeable = client.post(url(approved_toy, "change-request"), {"changes": {"status": "draft"}}, format="json")
    assert not_changeable.status_code == 400 and "status" in not_changeable.json()["changes"][0]
    not_a_dict = client.post(url(approved_toy, "change-request"), {"changes": "model=1"}, format="json")
    assert not_a_dict.status_code == 400 and "changes" in not_a_dict.json()
    assert not approved_toy.change_requests.exists()


def test_a_draft_is_edited_not_changed_by_request(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).post(url(product, "change-request"), {"changes": {"model": "1"}}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_only_the_enterprise_proposes_changes(world, approved_toy):
    response = api_as(world.zj_inspector).post(
        url(approved_toy, "change-request"), {"changes": {"model": "1"}}, format="json"
    )
    assert response.status_code == 403
    bob = api_as(world.bob).post(url(approved_toy, "change-request"), {"changes": {"model": "1"}}, format="json")
    assert bob.status_code == 404


# --- documents ----------------------------------------------------------------------------------------


def test_a_test_report_is_recorded_with_its_file(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).post(
        url(product, "test-reports"),
        {
            "lab": "CTI 华测",
            "report_no": "A2260001",
            "issued_on": "2026-01-05",
            "standard": "GB 6675.2-2014",
            "verdict": "pass",
            "file": SimpleUploadedFile("report.png", PNG),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    report = response.json()
    assert report["lab"] == "CTI 华测" and report["verdict"] == "pass" and report["file"].startswith("/attachments/")
    detail = api_as(world.zj_inspector).get(url(product)).json()
    assert [r["report_no"] for r in detail["test_reports"]] == ["A2260001"]
    [attachment] = detail["attachments"]
    assert attachment["kind"] == "test_report" and attachment["original_name"] == "report.png"
    assert attachment["size"] == len(PNG) and len(attachment["sha256"]) == 64
    assert attachment["url"] == f"/attachments/{attachment['id']}/" == report["file"]
    from django.test import Client

    inspector = Client()
    inspector.force_login(world.zj_inspector)
    assert inspector.get(attachment["url"]).status_code == 200


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"issued_on": "2026-13-45"}, "issued_on"),
        ({"issued_on": "2099-01-01"}, "issued_on"),
        ({"verdict": "maybe"}, "verdict"),
        ({"lab": ""}, "lab"),
        ({"file": "not a file"}, "file"),
    ],
)
def test_a_test_report_with_a_bad_value_is_refused(world, payload, field):
    product = ProductFilingFactory(enterprise=world.alice_co)
    body = {"lab": "CTI", "report_no": "A1", "issued_on": "2026-01-05", "verdict": "pass", **payload}
    response = api_as(world.alice).post(url(product, "test-reports"), body, format="multipart")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not ProductTestReport.objects.exists()


def test_the_same_report_is_not_recorded_twice(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    body = {"lab": "CTI", "report_no": "A1", "issued_on": "2026-01-05", "verdict": "fail"}
    assert api_as(world.alice).post(url(product, "test-reports"), body, format="json").status_code == 201
    again = api_as(world.alice).post(url(product, "test-reports"), body, format="json")
    assert again.status_code == 400 and "report_no" in again.json()


def test_only_the_enterprise_adds_documents(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    body = {"lab": "CTI", "report_no": "A1", "issued_on": "2026-01-05", "verdict": "pass"}
    assert api_as(world.zj_inspector).post(url(product, "test-reports"), body, format="json").status_code == 403
    assert api_as(world.bob).post(url(product, "test-reports"), body, format="json").status_code == 404
    label = {"file": SimpleUploadedFile("label.png", PNG)}
    assert api_as(world.zj_inspector).post(url(product, "label"), label, format="multipart").status_code == 403


def test_a_label_file_stands_in_for_the_label_text(world):
    product = ProductFilingFactory(enterprise=world.alice_co, label_text="")
    assert "label_text" in api_as(world.alice).get(url(product)).json()["missing"]
    response = api_as(world.alice).post(
        url(product, "label"), {"file": SimpleUploadedFile("label.png", PNG)}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["kind"] == "chinese_label"
    assert api_as(world.alice).get(url(product)).json()["missing"] == {}
    assert api_as(world.alice).get(url()).json()["results"][0]["missing"] == {}


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (None, "No file was submitted."),
        (SimpleUploadedFile("label.exe", b"MZ..."), "Files of this type are not accepted."),
        (SimpleUploadedFile("label.png", b"not a png"), "The content of the file is not .png"),
        (SimpleUploadedFile("label.png", b""), "The file is empty."),
    ],
)
def test_a_label_that_is_not_an_accepted_file_is_refused(world, upload, message):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).post(url(product, "label"), {"file": upload} if upload else {}, format="multipart")
    assert response.status_code == 400 and message in response.json()["file"][0]


# --- bulk filing ------------------------------------------------------------------------------------


def csv_file(rows: list[dict], name: str = "products.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    fields = ["name", "brand", "model", "hs_code", "origin_country"]
    writer = csv.writer(buffer)
    writer.writerow([column_heading(f) for f in fields])
    for row in rows:
        writer.writerow([row.get(f, "") for f in fields])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8"), content_type="text/csv")


def test_a_bulk_upload_files_every_row_as_a_draft(world):
    rows = [{"name": f"积木 {n}", "brand": "LEGO", "model": f"M{n}", "hs_code": "9503008900"} for n in range(3)]
    response = api_as(world.alice).post(url(action="bulk/"), {"file": csv_file(rows)}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] == 3 and len(body["ids"]) == 3
    assert set(ProductFiling.objects.filter(pk__in=body["ids"]).values_list("enterprise_id", "status")) == {
        (world.alice_co.pk, "draft")
    }


def test_a_bulk_upload_with_bad_rows_names_them_and_files_nothing(world):
    rows = [
        {"name": "积木", "hs_code": "9503008900"},
        {"name": "玩具", "hs_code": "9999999999", "origin_country": "XX"},
    ]
    response = api_as(world.alice).post(url(action="bulk/"), {"file": csv_file(rows)}, format="multipart")
    assert response.status_code == 400
    [row] = response.json()["rows"]
    assert row["row"] == 3 and set(row["errors"]) == {"hs_code", "origin_country"}
    assert not ProductFiling.objects.exists()


def test_a_bulk_upload_of_the_wrong_kind_of_file_is_refused(world):
    upload = SimpleUploadedFile("products.pdf", b"%PDF-1.4")
    response = api_as(world.alice).post(url(action="bulk/"), {"file": upload}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    no_file = api_as(world.alice).post(url(action="bulk/"), {}, format="multipart")
    assert no_file.status_code == 400 and "file" in no_file.json()


@pytest.mark.parametrize("user", ["zj_inspector", "hq"])
def test_staff_neither_upload_in_bulk_nor_download_the_template(world, user):
    client = api_as(getattr(world, user))
    assert (
        client.post(url(action="bulk/"), {"file": csv_file([{"name": "积木"}])}, format="multipart").status_code == 403
    )
    assert client.get(url(action="template/")).status_code == 403


def test_the_template_downloads_as_xlsx_or_csv(world):
    client = api_as(world.alice)
    xlsx = client.get(url(action="template/"))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK" and ".xlsx" in xlsx["Content-Disposition"]
    as_csv = client.get(url(action="template/"), {"format": "csv"})
    assert as_csv.status_code == 200 and as_csv["Content-Type"].startswith("text/csv")
    assert column_heading("name").encode() in as_csv.content
    unknown = client.get(url(action="template/"), {"format": "pdf"})
    assert unknown.status_code == 400 and "format" in unknown.json()


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

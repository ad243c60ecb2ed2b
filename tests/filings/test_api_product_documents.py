"""Product filings through the API: test reports, label files and bulk filing."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from filings.models import ProductFiling, ProductTestReport
from filings.services.bulk import column_heading
from tests.factories import ProductFilingFactory
from tests.filings.product_api import PNG, api_as, url

pytestmark = pytest.mark.django_db


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

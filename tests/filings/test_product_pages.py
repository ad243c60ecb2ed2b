"""The product pages: filing, editing, documents, change requests and bulk upload."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cbec_supervision.models import Attachment
from filings import services
from filings.choices import FilingStatus
from filings.models import ChangeRequest, ProductFiling, ProductTestReport
from tests.builders import TOY
from tests.factories import ProductFilingFactory
from tests.pages import PDF, PNG, browser_as, messages_of

pytestmark = pytest.mark.django_db


# --- products -------------------------------------------------------------------------------------


def product_data(**overrides) -> dict:
    data = {**TOY, "cas_numbers": ""}
    data.update(overrides)
    return data


def test_a_new_product_is_saved_as_a_draft(world):
    response = browser_as(world.alice).post(
        reverse("filings:product_create"), product_data(cas_numbers="117-81-7; 84-74-2", used="")
    )
    product = ProductFiling.objects.get()
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    assert product.enterprise_id == world.alice_co.pk and product.status == FilingStatus.DRAFT
    assert product.cas_numbers == ["117-81-7", "84-74-2"] and product.origin_country.code == "DK"


def test_product_errors_show_on_their_fields(world):
    data = product_data(hs_code="1234567890", gtin="5702016616317", subcategory="clothing")
    response = browser_as(world.alice).post(reverse("filings:product_create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "not a China Customs commodity code" in errors["hs_code"][0]
    assert "check digit" in errors["gtin"][0]
    assert "does not belong" in errors["subcategory"][0]
    assert not ProductFiling.objects.exists()


def test_the_product_form_offers_countries_and_sub_categories_by_category(world):
    response = browser_as(world.alice).get(reverse("filings:product_create"))
    page = response.content.decode()
    assert '<option value="DK">Denmark</option>' in page
    assert '<optgroup label="Textile">' in page


def test_a_product_is_not_submitted_before_the_enterprise_is_approved(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = browser_as(world.alice).post(reverse("filings:product_submit", args=[product.pk]), follow=True)
    assert any("once the enterprise's own filing is approved" in m for m in messages_of(response))
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.DRAFT


def test_the_product_is_submitted_then_approved_and_shows_its_filing_number(world, toy):
    browser_as(world.alice).post(reverse("filings:product_submit", args=[toy.pk]))
    assert ProductFiling.objects.get(pk=toy.pk).status == FilingStatus.SUBMITTED
    response = browser_as(world.zj_inspector).post(
        reverse("filings:product_decide", args=[toy.pk, "approve"]), follow=True
    )
    toy.refresh_from_db()
    assert toy.status == FilingStatus.APPROVED and toy.filing_no
    assert any(toy.filing_no in m for m in messages_of(response))
    assert toy.filing_no in browser_as(world.alice).get(toy.get_absolute_url()).content.decode()


def test_the_label_file_and_a_test_report_are_added_to_a_product(world, toy):
    client = browser_as(world.alice)
    client.post(reverse("filings:product_label", args=[toy.pk]), {"file": SimpleUploadedFile("label.png", PNG)})
    report = {
        "lab": "SGS",
        "report_no": "R-1",
        "issued_on": "2026-01-12",
        "standard": "GB 6675",
        "verdict": "pass",
        "file": SimpleUploadedFile("r.pdf", PDF),
    }
    response = client.post(reverse("filings:product_test_report_add", args=[toy.pk]), report)
    assert response.status_code == 302
    assert set(Attachment.objects.for_object(toy).values_list("kind", flat=True)) == {"chinese_label", "test_report"}
    saved = ProductTestReport.objects.get()
    assert saved.attachment is not None
    page = client.get(toy.get_absolute_url()).content.decode()
    assert saved.attachment.sha256 in page and "R-1" in page


def test_a_test_report_dated_in_the_future_is_refused_on_its_field(world, toy):
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    report = {"lab": "SGS", "report_no": "R-2", "issued_on": tomorrow, "verdict": "fail"}
    response = browser_as(world.alice).post(reverse("filings:product_test_report_add", args=[toy.pk]), report)
    assert response.status_code == 200
    assert "future" in response.context["report_form"].errors["issued_on"][0]
    assert not ProductTestReport.objects.exists()


def test_a_label_file_of_the_wrong_type_is_refused_on_the_form(world, toy):
    response = browser_as(world.alice).post(
        reverse("filings:product_label", args=[toy.pk]), {"file": SimpleUploadedFile("label.exe", b"MZ...")}
    )
    assert response.status_code == 200
    assert "not accepted" in response.context["label_form"].errors["file"][0]


def test_the_product_is_edited_while_a_draft(world, toy):
    url = reverse("filings:product_edit", args=[toy.pk])
    response = browser_as(world.alice).post(url, product_data(brand="Duplo"))
    assert response.status_code == 302
    assert ProductFiling.objects.get(pk=toy.pk).brand == "Duplo"


def test_the_product_detail_shows_everything_an_inspector_needs(world, toy):
    ProductFilingFactory.create_batch(2, enterprise=toy.enterprise)
    services.product_submit(actor=world.alice, product=toy)
    response = browser_as(world.zj_inspector).get(toy.get_absolute_url())
    page = response.content.decode()
    assert response.context["others"] == 2
    assert response.context["tier_label"] == "Key supervision"  # toys: compulsory certification (HS 9503)
    assert "95030089" in page  # the customs commodity code and its name
    assert 'data-testid="decide-approve"' in page and 'data-testid="decide-return"' in page


def test_hq_sees_no_buttons(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    page = browser_as(world.hq).get(toy.get_absolute_url()).content.decode()
    assert 'data-testid="decisions"' not in page and 'data-testid="submit"' not in page


def test_the_product_change_request_is_approved_and_takes_effect(world, toy):
    services.product_submit(actor=world.alice, product=toy)
    services.product_approve(actor=world.zj_inspector, product=toy)
    url = reverse("filings:product_change_request", args=[toy.pk])
    response = browser_as(world.alice).post(url, product_data(model="10699"))
    assert response.status_code == 302
    change = ChangeRequest.objects.get(product=toy)
    assert change.changes == {"model": "10699"}
    page = browser_as(world.zj_inspector).get(change.get_absolute_url())
    assert page.context["rows"][0]["original"] == "10698" and page.context["rows"][0]["proposed"] == "10699"
    browser_as(world.zj_inspector).post(reverse("filings:change_request_decide", args=[change.pk, "approve"]))
    assert ProductFiling.objects.get(pk=toy.pk).model == "10699"


# --- bulk upload ----------------------------------------------------------------------------------


def test_the_bulk_templates_download(world):
    client = browser_as(world.alice)
    xlsx = client.get(reverse("filings:product_bulk_template", args=["xlsx"]))
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx["Content-Type"]
    assert "attachment" in xlsx["Content-Disposition"]
    assert client.get(reverse("filings:product_bulk_template", args=["csv"])).status_code == 200
    assert client.get(reverse("filings:product_bulk_template", args=["pdf"])).status_code == 404


def csv_file(rows: list[list[str]]) -> SimpleUploadedFile:
    from filings.services.bulk import column_heading

    out = io.StringIO()
    import csv

    writer = csv.writer(out)
    writer.writerow([column_heading(f) for f in ("name", "brand", "model", "hs_code")])
    writer.writerows(rows)
    return SimpleUploadedFile("products.csv", out.getvalue().encode("utf-8"), content_type="text/csv")


def test_a_bulk_upload_creates_drafts_and_says_how_many(world):
    upload = csv_file([["积木", "LEGO", "1", "9503008900"], ["玩偶", "LEGO", "2", "9503002900"]])
    response = browser_as(world.alice).post(reverse("filings:product_bulk"), {"file": upload}, follow=True)
    assert "2 products were saved as drafts." in messages_of(response)
    assert ProductFiling.objects.filter(enterprise=world.alice_co).count() == 2


def test_a_bulk_upload_with_bad_rows_shows_row_field_and_message(world):
    upload = csv_file([["积木", "LEGO", "1", "9503008900"], ["玩偶", "LEGO", "2", "1234567890"]])
    response = browser_as(world.alice).post(reverse("filings:product_bulk"), {"file": upload})
    assert response.status_code == 200
    rows = response.context["row_errors"]
    assert [(r["row"], r["field"]) for r in rows] == [(3, "hs_code")]
    assert "not a China Customs commodity code" in rows[0]["message"]
    assert 'data-testid="row-errors"' in response.content.decode()
    assert not ProductFiling.objects.exists()


def test_a_bulk_upload_that_is_not_a_spreadsheet_is_refused_on_the_file_field(world):
    upload = SimpleUploadedFile("products.pdf", PDF)
    response = browser_as(world.alice).post(reverse("filings:product_bulk"), {"file": upload})
    assert response.context["form"].errors["file"]

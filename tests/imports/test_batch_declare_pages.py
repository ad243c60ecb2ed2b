"""Declaring a batch on the pages: the lines table, uploaded files, the templates."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from imports.choices import BatchStatus
from imports.models import ImportBatch, VerificationTask
from imports.services.files import BATCH_COLUMNS, column_heading
from tests.factories import ProductFilingFactory
from tests.imports.filed import filed_lines
from tests.imports.pages import CYANIDE, TOWEL
from tests.pages import browser_as, messages_of

pytestmark = pytest.mark.django_db


def lines_post(*lines, **header) -> dict:
    """The batch form's POST: header fields and the lines table (a formset with prefix "line")."""
    data = {
        "mode": "bonded",
        "port_bureau": "",
        "platform": "",
        "warehouse": "",
        "arrival_date": "",
        "line-TOTAL_FORMS": str(max(3, len(lines))),
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "200",
        **header,
    }
    for index, line in enumerate(lines):
        for field, value in line.items():
            if field == "used":
                if value:
                    data[f"line-{index}-used"] = "on"
            else:
                data[f"line-{index}-{field}"] = "; ".join(value) if isinstance(value, list) else str(value)
    return data


# --- declaring a batch ------------------------------------------------------------------------------


def test_a_batch_declared_in_the_lines_table_refuses_its_prohibited_line_with_its_entry(world, alice_co):
    client = browser_as(world.alice)
    cyanide, towel = filed_lines(alice_co, [CYANIDE, TOWEL])
    data = lines_post(cyanide, towel, port_bureau=str(world.zj.pk), arrival_date="2026-03-20")
    response = client.post(reverse("imports:batch_create"), data, follow=True)
    batch = ImportBatch.objects.get(enterprise=alice_co)
    assert response.redirect_chain[-1][0] == batch.get_absolute_url()
    assert batch.status == BatchStatus.PARTIALLY_REFUSED and batch.item_count == 2
    assert batch.arrival_date.isoformat() == "2026-03-20"
    html = response.content.decode()
    assert 'data-testid="refused"' in html
    assert "Partially refused: 1 line refused entry; the other lines go on by their tier." in html
    assert "12 氰化钠 [剧毒]" in html
    assert "2015 (excerpt)" in html and "Catalogue of Hazardous Chemicals" in html
    assert "matched on CAS number" in html
    assert "refused entry" in messages_of(response)[0]
    statuses = [line.status for line in batch.items.order_by("line_no")]
    assert statuses == ["refused", "released"]


def test_empty_rows_of_the_table_are_skipped(world, alice_co):
    (towel,) = filed_lines(alice_co, [TOWEL])
    data = lines_post({}, towel, {}, port_bureau=str(world.zj.pk))
    browser_as(world.alice).post(reverse("imports:batch_create"), data)
    batch = ImportBatch.objects.get(enterprise=alice_co)
    assert batch.status == BatchStatus.RELEASED and batch.item_count == 1


def test_line_errors_are_listed_by_line_and_nothing_is_declared(world, alice_co):
    bad = {"description": "氰化钠", "hs_code": "28371", "cas_numbers": ["143-33-8"], "quantity": 0, "value_cny": "x"}
    (towel,) = filed_lines(alice_co, [TOWEL])
    data = lines_post(towel, {}, bad, port_bureau=str(world.zj.pk))
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data)
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    errors = response.context["row_errors"]
    assert {e["row"] for e in errors} == {3}  # the table's line numbers
    assert {e["field"] for e in errors} == {"hs_code", "cas_numbers", "quantity", "value_cny"}
    assert response.context["lines"].forms[2].errors["hs_code"]
    assert 'data-testid="row-errors"' in response.content.decode()


def test_the_header_is_checked_by_the_service(world, alice_co):
    data = lines_post(TOWEL, port_bureau=str(world.zj.pk), platform=str(world.alice_co.pk))  # not a platform
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data)
    assert response.status_code == 200 and not ImportBatch.objects.exists()
    assert response.context["header"].errors


def test_an_unapproved_enterprise_is_told_why_it_cannot_declare(world):
    response = browser_as(world.alice).get(reverse("imports:batch_create"))
    assert 'data-testid="enterprise-not-approved"' in response.content.decode()


def batch_xlsx(rows: list[list], name: str = "batch.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column_heading(f, BATCH_COLUMNS) for f in BATCH_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def filed_towel(alice_co):
    return ProductFilingFactory(
        enterprise=alice_co, name="纯棉浴巾", hs_code="6302601000", status="approved", filing_no="ZJ2026P9000002"
    )


def test_a_batch_uploaded_as_a_file_of_a_thousand_lines_is_declared(world, approved_toy, filed_towel):
    rows = [[filed_towel.filing_no, "", "", "", "", "否", 2, "条", 59.9, "PT"] for _ in range(999)]
    rows.append([approved_toy.filing_no, "", "", "", "", "", 10, "件", 1290, ""])
    data = lines_post(port_bureau=str(world.zj.pk), mode="bonded")
    data["file"] = batch_xlsx(rows)
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data, follow=True)
    batch = ImportBatch.objects.get()
    assert batch.item_count == 1000
    assert batch.status == BatchStatus.VERIFICATION_REQUIRED  # the toy is under compulsory certification
    assert VerificationTask.objects.filter(batch=batch, bureau=world.zj).exists()
    page = response.context["page_obj"]
    assert page.paginator.count == 1000 and len(page.object_list) == 50
    assert page.object_list[0].tier == 2  # the most severe lines first


def test_bad_rows_of_an_uploaded_file_are_listed_by_row(world, alice_co, filed_towel):
    rows = [[filed_towel.filing_no, "纯棉浴巾", "6302601000", "", "", "否", 2, "条", 59.9, "PT"] for _ in range(10)]
    rows[6][2] = "63026"
    data = lines_post(port_bureau=str(world.zj.pk))
    data["file"] = batch_xlsx(rows)
    response = browser_as(world.alice).post(reverse("imports:batch_create"), data)
    assert not ImportBatch.objects.exists()
    assert [(e["row"], e["field"]) for e in response.context["row_errors"]] == [(8, "hs_code")]
    assert response.context["from_file"] is True


def test_the_batch_templates_download(world):
    client = browser_as(world.alice)
    response = client.get(reverse("imports:batch_template", args=["xlsx"]))
    assert response.status_code == 200 and "import_batch_template.xlsx" in response["Content-Disposition"]
    assert client.get(reverse("imports:export_template", args=["csv"])).status_code == 200
    assert client.get(reverse("imports:batch_template", args=["pdf"])).status_code == 404


# --- issue 9, section 3 ---------------------------------------------------------------------------------


def test_the_other_lines_of_a_partially_refused_batch_are_declared_again_in_one_click(world, alice_co):
    from tests.imports.filed import declare_filed

    batch = declare_filed(actor=world.alice, items=[dict(CYANIDE), dict(TOWEL)], port_bureau="ZJ")
    assert batch.status == BatchStatus.PARTIALLY_REFUSED
    client = browser_as(world.alice)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert f"?from={batch.pk}" in page and 'data-testid="declare-remaining"' in page
    form = client.get(reverse("imports:batch_create"), {"from": batch.pk})
    forms = form.context["lines"].forms
    towel = batch.items.get(line_no=2)
    assert [f.initial.get("product") for f in forms if f.initial] == [towel.product_id]  # no cyanide
    assert forms[0].initial["quantity"] == "30" and forms[0].initial["value_cny"] == "900.00"
    assert form.context["header"].initial["port_bureau"] == batch.port_bureau_id
    # Only the enterprise's own refused batches are copied.
    assert browser_as(world.bob).get(reverse("imports:batch_create"), {"from": batch.pk}).status_code in (403, 404)
    released = declare_filed(actor=world.alice, items=[dict(TOWEL)], port_bureau="ZJ")
    assert client.get(reverse("imports:batch_create"), {"from": released.pk}).status_code == 404

"""Import batches through the API: the template and declaring from a filled-in spreadsheet."""

from __future__ import annotations

import pytest

from imports.models import ImportBatch
from tests.conftest import api_as as _api_as
from tests.imports.batch_api import (
    BABY_GARMENTS,
    TOYS,
    URL,
    api_as,
)
from tests.imports.filed import filed_lines

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_catalogue_indexes")]


# --- spreadsheets ----------------------------------------------------------------------------------


def filled_in_csv(world, rows: list[dict]) -> bytes:
    """The CSV template downloaded through the API, with ``rows`` filled in under its headings."""
    import csv
    import io

    template = api_as(world.alice).get(f"{URL}template/", {"format": "csv"})
    assert template.status_code == 200 and template["Content-Type"].startswith("text/csv")
    headings = next(csv.reader(io.StringIO(template.content.decode("utf-8-sig"))))
    fields = [heading.split(" / ")[-1] for heading in headings]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(["; ".join(v) if isinstance(v := row.get(f, ""), list) else v for f in fields])
    return out.getvalue().encode()


def upload(world, content: bytes, name: str = "batch.csv", user=None, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = {"port_bureau": "ZJ", "file": SimpleUploadedFile(name, content), **fields}
    return api_as(user or world.alice).post(f"{URL}upload/", body, format="multipart")


def test_the_template_comes_as_xlsx_or_csv(world):
    client = api_as(world.zj_inspector)
    xlsx = client.get(f"{URL}template/")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    assert client.get(f"{URL}template/", {"format": "pdf"}).status_code == 400
    assert _api_as(None).get(f"{URL}template/").status_code == 401


def test_a_batch_is_declared_from_a_filled_in_spreadsheet(world, approved_alice_co):
    lines = filed_lines(approved_alice_co, [TOYS, BABY_GARMENTS])
    response = upload(world, filled_in_csv(world, lines), arrival_date="2026-03-01")
    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["status"], batch["tier"], batch["item_count"]) == ("verification_required", 2, 2)
    assert [item["hs_code"] for item in batch["items"]] == ["9503008900", "6111200000"]
    assert batch["items"][1]["value_cny"] == "15000.50" and batch["arrival_date"] == "2026-03-01"


def test_a_spreadsheet_with_bad_rows_declares_nothing_and_names_each_row(world, approved_alice_co):
    lines = filed_lines(approved_alice_co, [TOYS, {**BABY_GARMENTS, "hs_code": "123"}, {**TOYS, "value_cny": "x"}])
    content = filled_in_csv(world, lines)
    response = upload(world, content)
    assert response.status_code == 400
    rows = response.json()["rows"]
    assert [(row["row"], row["field"]) for row in rows] == [(3, "hs_code"), (4, "value_cny")]
    assert not ImportBatch.objects.exists()


def test_a_spreadsheet_must_be_xlsx_or_csv_and_come_from_an_enterprise(world, approved_alice_co):
    response = upload(world, b"%PDF-1.4", name="batch.pdf")
    assert response.status_code == 400 and "file" in response.json()
    assert upload(world, filled_in_csv(world, [TOYS]), user=world.zj_inspector).status_code == 403
    assert upload(world, filled_in_csv(world, [TOYS]), port_bureau="XX").status_code == 400
    assert api_as(world.alice).post(f"{URL}upload/", {}, format="multipart").status_code == 400
    assert not ImportBatch.objects.exists()


def test_a_workbook_damaged_inside_its_sheet_answers_400_not_500(world, approved_alice_co):
    import io
    import zipfile

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["商品备案号", "数量"])
    book.active.append([1, 2])
    raw = io.BytesIO()
    book.save(raw)
    source, target = zipfile.ZipFile(io.BytesIO(raw.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            out.writestr(info.filename, data[: len(data) // 2] if info.filename.endswith("sheet1.xml") else data)
    response = upload(world, target.getvalue(), name="batch.xlsx")
    assert response.status_code == 400, response.content
    assert "file" in response.json()

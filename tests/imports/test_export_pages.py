"""Export declarations on the pages: uploaded orders listed, bad rows refused."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from imports.models import ExportDeclaration
from imports.services.files import EXPORT_COLUMNS, column_heading
from tests.pages import browser_as, messages_of

pytestmark = pytest.mark.django_db


# --- exports --------------------------------------------------------------------------------------


def export_xlsx(rows: list[list]) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column_heading(f, EXPORT_COLUMNS) for f in EXPORT_COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("exports.xlsx", buffer.getvalue())


def test_export_orders_are_uploaded_and_listed(world, approved_toy):
    rows = [[f"YG{i:06d}", approved_toy.filing_no, "", "", "US", 1, 259] for i in range(300)]
    response = browser_as(world.alice).post(reverse("imports:export_upload"), {"file": export_xlsx(rows)}, follow=True)
    assert ExportDeclaration.objects.count() == 300
    assert "300 export orders were declared." in messages_of(response)
    assert response.context["page_obj"].paginator.count == 300


def test_bad_export_rows_are_listed_and_nothing_is_declared(world, approved_toy):
    rows = [["YG1", approved_toy.filing_no, "", "", "US", 1, 259], ["YG1", "", "围巾", "6214100090", "ZZ", 1, 1]]
    response = browser_as(world.alice).post(reverse("imports:export_upload"), {"file": export_xlsx(rows)})
    assert not ExportDeclaration.objects.exists()
    assert {(e["row"], e["field"]) for e in response.context["row_errors"]} == {
        (3, "order_no"),
        (3, "destination_country"),
    }

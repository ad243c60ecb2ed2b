"""The table layer every list uses: export cells, formula injection, capped counts, whitelisted sorting."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Bureau
from accounts.tables import BureauTable
from cbec_supervision.tables import CappedPaginator, csv_lines, neutralise, xlsx_bytes
from filings.models import EnterpriseFiling
from filings.tables import EnterpriseFilingTable
from tests.factories import EnterpriseFilingFactory

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_a_cell_a_spreadsheet_would_evaluate_is_disarmed_with_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["Alice Co", "浙江", "1+1", "a=b", ""])
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text


def test_csv_has_a_bom_keeps_numbers_and_disarms_formulas():
    content = "".join(csv_lines([["name", "value"], ["=1+1", Decimal("-3.50")], ["杭州", None]]))
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows == [["name", "value"], ["'=1+1", "-3.50"], ["杭州", ""]]


def test_xlsx_writes_formulas_as_string_cells_and_numbers_as_numbers():
    workbook = load_workbook(io.BytesIO(xlsx_bytes([["text", "n"], *[[text, 7] for text in DANGEROUS]])))
    sheet = workbook.active
    for row, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.value == text.replace("\r", "\n")  # XML keeps no bare CR
        assert sheet.cell(row=row, column=2).value == 7
    assert sheet["A1"].font.bold


@pytest.mark.django_db
def test_the_count_stops_at_the_cap_with_one_bounded_query(world):
    EnterpriseFilingFactory.create_batch(5)
    paginator = CappedPaginator(EnterpriseFiling.objects.all(), 2)
    paginator.cap = 3
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 4 and paginator.capped
    assert len(queries) == 1 and "LIMIT 4" in queries[0]["sql"]
    exact = CappedPaginator(EnterpriseFiling.objects.filter(pk=world.alice_co.pk), 2)
    assert exact.count == 1 and not exact.capped


@pytest.mark.django_db
def test_only_whitelisted_columns_sort_and_an_unknown_one_is_ignored(world):
    table = EnterpriseFilingTable(EnterpriseFiling.objects.all())
    table.sort("-name")
    assert [str(o) for o in table.order_by] == ["-name"]
    assert [r.name for r in table.data.data] == ["Bob Co", "Alice Co"]
    for unknown in ("types", "password", "bureau__users__password", "-nonsense"):
        table = EnterpriseFilingTable(EnterpriseFiling.objects.all())
        table.sort(unknown)
        assert table.order_by == ()


@pytest.mark.django_db
def test_export_rows_use_the_tables_columns_headings_and_shanghai_time(world):
    EnterpriseFiling.objects.filter(pk=world.alice_co.pk).update(
        created_at=dt.datetime(2026, 1, 1, 17, 30, tzinfo=dt.UTC), name="=cmd|' /C calc'!A0"
    )
    table = EnterpriseFilingTable(EnterpriseFiling.objects.filter(pk=world.alice_co.pk))
    heading, row = list(table.export_rows())
    assert heading == [
        "Enterprise name",
        "Unified social credit code",
        "Enterprise type",
        "Competent bureau",
        "Status",
        "Filing number",
        "Created",
    ]
    assert row[0] == "=cmd|' /C calc'!A0"  # disarmed by the writers, not here
    assert row[3] == world.zj.name_en  # the English name in an English export: no mixed languages
    assert row[4] == "Draft"
    assert row[6] == "2026-01-02"  # 17:30 UTC is the next morning in Shanghai
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"


@pytest.mark.django_db
def test_export_is_bounded_and_costs_a_fixed_number_of_queries(world):
    table = BureauTable(Bureau.objects.prefetch_related("regions").select_related("parent"))
    with CaptureQueriesContext(connection) as queries:
        rows = list(table.export_rows(limit=5))
    assert len(rows) == 6  # the heading and five bureaus
    assert len(queries) == 2  # the bureaus, their regions


# --- booleans and numbers are written alike in CSV and XLSX --------------------------------------------


@pytest.mark.parametrize("language, yes, no", [("en", "Yes", "No"), ("zh-hans", "是", "否")])
def test_a_boolean_is_the_same_translated_yes_or_no_in_csv_and_xlsx(language, yes, no):
    from django.utils import translation

    rows = [["flag", "other", "count"], [True, False, 3]]
    with translation.override(language):
        content = "".join(csv_lines(rows))
        sheet = load_workbook(io.BytesIO(xlsx_bytes(rows))).active
    assert list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))[1] == [yes, no, "3"]
    assert [cell.value for cell in sheet[2]] == [yes, no, 3]


def test_an_export_declarations_quantity_and_value_stay_numbers_in_xlsx(world):
    from imports.models import ExportDeclaration
    from imports.tables import ExportDeclarationTable

    ExportDeclaration.objects.create(
        enterprise=world.alice_co,
        order_no="YG000001",
        description="毛巾",
        destination_country="US",
        quantity=Decimal("2.500"),
        value_cny=Decimal("259.00"),
    )
    table = ExportDeclarationTable(ExportDeclaration.objects.all())
    sheet = load_workbook(io.BytesIO(table.export_response("xlsx").content)).active
    headings = [cell.value for cell in sheet[1]]
    row = dict(zip(headings, [cell.value for cell in sheet[2]], strict=True))
    assert row["Quantity"] == 2.5 and row["Value (CNY)"] == 259
    assert isinstance(row["Quantity"], int | float) and isinstance(row["Value (CNY)"], int | float)

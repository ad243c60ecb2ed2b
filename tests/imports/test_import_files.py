"""Reading import batch and export declaration files: XLSX and CSV (UTF-8 and GB18030), thousands of
rows, each bad cell reported with its row in the spreadsheet (the header is row 1).

Alice Co (Zhejiang) is approved and has one approved product, a toy.
"""

from __future__ import annotations

import codecs
import csv
import io
import time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from filings import services
from filings.choices import FilingStatus
from imports.services import files as import_files
from imports.services.declarations import export_declare
from imports.services.files import BATCH_COLUMNS, EXPORT_COLUMNS, column_heading
from tests.builders import TOY
from tests.factories import ProductFilingFactory
from tests.imports.filed import declare_filed

pytestmark = pytest.mark.django_db

BATCH_HEADER = [column_heading(f, BATCH_COLUMNS) for f in BATCH_COLUMNS]
EXPORT_HEADER = [column_heading(f, EXPORT_COLUMNS) for f in EXPORT_COLUMNS]


@pytest.fixture
def approved_toy(world, approved_alice_co):
    toy = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    services.product_submit(actor=world.alice, product=toy)
    return services.product_approve(actor=world.zj_inspector, product=toy)


@pytest.fixture
def approved_towel(approved_alice_co):
    return ProductFilingFactory(
        enterprise=approved_alice_co,
        name="纯棉浴巾",
        hs_code="6302601000",
        category="textile",
        status=FilingStatus.APPROVED,
        filing_no="ZJ2026P9000001",
    )


def batch_rows(n: int, toy, towel) -> list[list]:
    """n lines of a bonded batch, each naming a filed product by its filing number: every third the
    toy, the others towels with a description of their own."""
    rows = []
    for i in range(n):
        if i % 3 == 0:
            rows.append([toy.filing_no, "", "", "", "", "否", 10 + i, "件", 129.5, ""])
        else:
            rows.append([towel.filing_no, f"纯棉浴巾 {i}", "", "", "", "否", 2, "条", "59.90", "PT"])
    return rows


def xlsx(header: list[str], rows: list[list], name: str = "batch.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(header: list[str], rows: list[list], encoding: str, name: str = "batch.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    content = buffer.getvalue().encode(encoding)
    if encoding == "utf-8":
        content = codecs.BOM_UTF8 + content
    return SimpleUploadedFile(name, content)


def errors_by_row(exc: ValidationError) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for e in import_files.row_errors(exc) or []:
        found.setdefault(e["row"], {})[e["field"]] = e["message"]
    return found


# --- import batches ----------------------------------------------------------------------------


def test_an_xlsx_batch_of_three_thousand_lines_is_read_and_declared(
    world, approved_alice_co, approved_toy, approved_towel
):
    upload = xlsx(BATCH_HEADER, batch_rows(3000, approved_toy, approved_towel))
    started = time.monotonic()
    read = import_files.batch_file_read(upload, enterprise=approved_alice_co)
    assert time.monotonic() - started < 20
    assert len(read.lines) == 3000
    assert read.rows[:3] == [2, 3, 4]  # spreadsheet rows: the header is row 1
    first, second = read.lines[0], read.lines[1]
    assert first["product"] == approved_toy.pk and first["quantity"] == "10" and first["value_cny"] == "129.5"
    assert second["product"] == approved_towel.pk and second["description"] == "纯棉浴巾 1"
    assert second["origin_country"] == "PT" and second["used"] is False

    batch = declare_filed(actor=world.alice, items=read.lines, port_bureau="ZJ")
    assert batch.item_count == 3000


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_csv_batches_in_utf8_and_gb18030_are_read(approved_alice_co, approved_toy, approved_towel, encoding):
    upload = csv_file(BATCH_HEADER, batch_rows(2000, approved_toy, approved_towel), encoding)
    read = import_files.batch_file_read(upload, enterprise=approved_alice_co)
    assert len(read.lines) == 2000
    assert read.lines[1]["description"] == "纯棉浴巾 1"


def test_chinese_only_headings_and_country_names_are_understood(approved_alice_co):
    header = ["货物描述", "HS编码", "数量", "货值(人民币元)", "原产国", "是否旧品"]
    upload = csv_file(header, [["纯棉浴巾", "6302601000", "3", "90", "葡萄牙", "否"]], "utf-8")
    read = import_files.batch_file_read(upload, enterprise=approved_alice_co, mode="direct_mail")
    assert read.lines == [
        {
            "description": "纯棉浴巾",
            "hs_code": "6302601000",
            "quantity": "3",
            "value_cny": "90",
            "origin_country": "PT",
            "used": False,
        }
    ]


def test_bad_cells_are_reported_by_their_row_and_nothing_is_returned(
    world, approved_alice_co, approved_toy, approved_towel
):
    rows = batch_rows(20, approved_toy, approved_towel)
    rows[3][2] = "28371"  # row 5: not ten digits
    rows[5][5] = "也许"  # row 7: used is neither yes nor no
    rows[8][0] = "ZJ2099P9999999"  # row 10: not one of Alice Co's products
    rows[11][6] = "0"  # row 13: no quantity
    rows.insert(14, [""] * 10)  # a blank row is skipped, the rows after keep their numbers
    rows[16][3] = "143-33-8"  # row 18: bad CAS check digit
    with pytest.raises(ValidationError) as raised:
        import_files.batch_file_read(xlsx(BATCH_HEADER, rows), enterprise=approved_alice_co)
    errors = errors_by_row(raised.value)
    assert set(errors) == {5, 7, 10, 13, 18}
    assert set(errors[5]) == {"hs_code"}
    assert set(errors[7]) == {"used"}
    assert "ZJ2099P9999999" in errors[10]["product"]
    assert set(errors[13]) == {"quantity"}
    assert set(errors[18]) == {"cas_numbers"}


def test_a_product_of_another_enterprise_or_not_approved_is_refused_on_its_row(world, approved_alice_co):
    draft = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    rows = [[str(draft.pk), "", "", "", "", "", 1, "件", 1, ""]]
    with pytest.raises(ValidationError) as raised:
        import_files.batch_file_read(xlsx(BATCH_HEADER, rows), enterprise=approved_alice_co)
    assert set(errors_by_row(raised.value)) == {2}


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["货物描述 / description", "颜色"], "Unknown column headings"),
        (["货物描述 / description", "HS编码 / hs_code"], "has no column"),
        (["数量", "货值", "数量 / quantity"], "both hold"),
    ],
)
def test_a_bad_header_refuses_the_whole_file(approved_alice_co, header, message):
    upload = csv_file(header, [["x"] * len(header)], "utf-8")
    with pytest.raises(ValidationError) as raised:
        import_files.batch_file_read(upload, enterprise=approved_alice_co)
    assert message in raised.value.message_dict["file"][0]


def test_a_file_that_is_not_a_spreadsheet_is_refused(approved_alice_co):
    with pytest.raises(ValidationError) as raised:
        import_files.batch_file_read(SimpleUploadedFile("batch.pdf", b"%PDF-1.4"), enterprise=approved_alice_co)
    assert "file" in raised.value.message_dict
    with pytest.raises(ValidationError):
        import_files.batch_file_read(SimpleUploadedFile("batch.xlsx", b"not a zip"), enterprise=approved_alice_co)


def test_numbers_excel_stored_as_floats_keep_their_digits(approved_alice_co):
    rows = [["", "纯棉浴巾", 6302601000, "", 1203.0, "", 2.0, "条", 12.3, "PT"]]
    read = import_files.batch_file_read(xlsx(BATCH_HEADER, rows), enterprise=approved_alice_co, mode="direct_mail")
    line = read.lines[0]
    assert (line["hs_code"], line["un_number"], line["quantity"], line["value_cny"]) == (
        "6302601000",
        "1203",
        "2",
        "12.3",
    )


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_templates_have_the_headings_the_reader_reads(approved_alice_co, fmt):
    content, content_type, filename = import_files.batch_template(fmt)
    assert filename.endswith(f".{fmt}")
    if fmt == "xlsx":
        workbook = load_workbook(io.BytesIO(content))
        sheet = workbook.worksheets[0]
        assert [c.value for c in sheet[1]] == BATCH_HEADER
        sheet.append(["", "纯棉浴巾", "6302601000", "", "", "否", 3, "条", 90, "PT"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        upload = SimpleUploadedFile("filled.xlsx", buffer.getvalue())
    else:
        assert content.startswith(codecs.BOM_UTF8)
        upload = SimpleUploadedFile("filled.csv", content + ",纯棉浴巾,6302601000,,,否,3,条,90,PT\r\n".encode())
    read = import_files.batch_file_read(upload, enterprise=approved_alice_co, mode="direct_mail")
    assert read.lines[0]["description"] == "纯棉浴巾"


# --- export declarations -----------------------------------------------------------------------


def export_rows(n: int, toy) -> list[list]:
    rows = []
    for i in range(n):
        if i % 2:
            rows.append([f"YG{i:08d}", toy.filing_no, "", "", "US", 1, 259])
        else:
            rows.append([f"YG{i:08d}", "", "真丝围巾", "6214100090", "法国", "", "780.00"])
    return rows


@pytest.mark.parametrize("encoding", ["xlsx", "utf-8", "gb18030"])
def test_an_export_file_of_two_thousand_orders_is_read_and_declared(world, approved_alice_co, approved_toy, encoding):
    rows = export_rows(2000, approved_toy)
    upload = xlsx(EXPORT_HEADER, rows) if encoding == "xlsx" else csv_file(EXPORT_HEADER, rows, encoding)
    read = import_files.export_file_read(upload, enterprise=approved_alice_co)
    assert len(read.lines) == 2000
    assert read.lines[0]["destination_country"] == "FR" and read.lines[0]["quantity"] == "1"
    created = export_declare(actor=world.alice, declarations=read.lines)
    assert len(created) == 2000


def test_export_rows_report_repeated_and_already_declared_orders(world, approved_alice_co, approved_toy):
    export_declare(
        actor=world.alice,
        declarations=[
            {"order_no": "YG00000001", "product": approved_toy.pk, "destination_country": "US", "value_cny": 1}
        ],
    )
    rows = export_rows(6, approved_toy)
    rows[3][0] = "YG00000002"  # row 5 repeats row 4's order number
    rows[4][4] = "Atlantis"  # row 6: no such country
    with pytest.raises(ValidationError) as raised:
        import_files.export_file_read(csv_file(EXPORT_HEADER, rows, "utf-8"), enterprise=approved_alice_co)
    errors = errors_by_row(raised.value)
    assert set(errors) == {3, 5, 6}
    assert "already declared" in errors[3]["order_no"]
    assert "Row 4" in errors[5]["order_no"]
    assert set(errors[6]) == {"destination_country"}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_export_templates_download(fmt):
    content, content_type, filename = import_files.export_template(fmt)
    assert content and filename == f"export_declaration_template.{fmt}"


def test_rule_3_an_unfiled_line_of_a_bonded_file_is_refused_on_its_row(approved_alice_co):
    rows = [["", "纯棉浴巾", "6302601000", "", "", "否", 2, "条", 59.9, "PT"]]
    with pytest.raises(ValidationError) as raised:
        import_files.batch_file_read(xlsx(BATCH_HEADER, rows), enterprise=approved_alice_co)
    assert "file this product" in errors_by_row(raised.value)[2]["product"]
    read = import_files.batch_file_read(xlsx(BATCH_HEADER, rows), enterprise=approved_alice_co, mode="direct_mail")
    assert read.lines[0]["description"] == "纯棉浴巾"

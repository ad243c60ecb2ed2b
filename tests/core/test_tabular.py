"""cbec_supervision.tabular: decoding, reading, headings, typed cells, row errors, templates. No database."""

from __future__ import annotations

import codecs
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from cbec_supervision import tabular
from cbec_supervision.tabular import Column, Layout, Section, TabularError, Template

LAYOUT = Layout(
    columns=(
        Column("name", "产品名称"),
        Column("hs_code", "HS编码", as_text=True, width=14),
        Column("value_cny", "货值(人民币元)", aliases=("货值", "value")),
        Column("used", "是否旧品"),
    ),
    required=("name",),
    max_rows=3,
)


def xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- decoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "产品名称,HS编码\n积木,9503008900\n".encode(),
        codecs.BOM_UTF8 + "产品名称,HS编码\n积木,9503008900\n".encode(),
        "产品名称,HS编码\n积木,9503008900\n".encode("gb18030"),
    ],
    ids=["utf-8", "utf-8 with BOM", "gb18030"],
)
def test_text_is_decoded_from_utf8_with_or_without_bom_or_gb18030(raw):
    assert tabular.decode_text(raw) == "产品名称,HS编码\n积木,9503008900\n"


def test_text_in_no_known_encoding_is_refused():
    with pytest.raises(TabularError) as info:
        tabular.decode_text(codecs.BOM_UTF8 + b"\xff\xfe\xfa")
    assert info.value.code == "not_text" and "CSV UTF-8" in info.value.message


# --- reading rows -------------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "expected"), [("a,b", ["a", "b"]), ("a;b", ["a", "b"]), ("a\tb", ["a", "b"])])
def test_the_csv_delimiter_is_the_commonest_on_the_first_line(line, expected):
    assert list(tabular.csv_rows(line + "\n")) == [expected]


def test_an_xlsx_workbook_is_read_by_name_or_by_signature():
    content = xlsx([["产品名称", "HS编码"], ["积木", 9503008900]])
    assert list(tabular.table_rows(content, "x.xlsx")) == [("产品名称", "HS编码"), ("积木", 9503008900)]
    assert list(tabular.table_rows(content)) == [("产品名称", "HS编码"), ("积木", 9503008900)]


def test_a_broken_workbook_is_refused():
    with pytest.raises(TabularError) as info:
        list(tabular.table_rows(b"PK\x03\x04 not really a zip", "x.xlsx"))
    assert info.value.code == "not_xlsx"


def _damaged(content: bytes, member: str, replace) -> bytes:
    """The workbook with one member's bytes replaced."""
    import io
    import zipfile

    source, target = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            out.writestr(info.filename, replace(data) if info.filename == member else data)
    return target.getvalue()


def test_a_workbook_damaged_inside_a_sheet_is_refused_when_its_rows_are_read():
    content = xlsx([["产品名称", "HS编码"], ["积木", 9503008900]])
    broken = _damaged(content, "xl/worksheets/sheet1.xml", lambda data: data[: len(data) // 2])
    with pytest.raises(TabularError) as info:
        list(tabular.table_rows(broken, "x.xlsx"))
    assert info.value.code == "not_xlsx"


def test_a_workbook_too_large_once_unzipped_is_refused_before_it_is_parsed(monkeypatch):
    # A zip bomb is a few KB that unpacks to gigabytes: the unpacked size is checked first.
    content = xlsx([["产品名称"], ["积" * 50_000]])
    monkeypatch.setattr(tabular, "XLSX_MAX_UNCOMPRESSED", 100_000)
    with pytest.raises(TabularError) as info:
        list(tabular.table_rows(content, "x.xlsx"))
    assert info.value.code == "too_large"
    monkeypatch.setattr(tabular, "XLSX_MAX_UNCOMPRESSED", 10_000_000)
    assert len(list(tabular.table_rows(content, "x.xlsx"))) == 2


# --- headings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("产品名称 / name", "name"),
        ("产品名称", "name"),
        ("NAME", "name"),
        ("  hs_code ", "hs_code"),
        ("HS编码／hs_code", "hs_code"),  # full-width slash
        ("ＨＳ编码", "hs_code"),  # full-width letters
        ("货值（人民币元）", "value_cny"),  # full-width brackets
        ("Value", "value_cny"),  # an alias
        ("产品名称 / nmae", "name"),  # one half misspelt, the other agrees
        ("产品名称 / hs_code", None),  # the halves disagree
        ("颜色", None),
    ],
)
def test_headings_match_by_alias_in_any_case_and_width(heading, field):
    assert LAYOUT.match(heading) == field


def test_a_table_is_read_with_spreadsheet_row_numbers_skipping_blank_rows():
    rows = [["", ""], ["产品名称", "是否旧品"], ["积木", "否"], [None, None], ["玩偶", "是"]]
    assert tabular.read_table(rows, LAYOUT) == [
        (3, {"name": "积木", "used": "否"}),
        (5, {"name": "玩偶", "used": "是"}),
    ]


def test_a_short_row_reads_its_missing_cells_as_none():
    assert tabular.read_table([["name", "used"], ["积木"]], LAYOUT) == [(2, {"name": "积木", "used": None})]


@pytest.mark.parametrize(
    ("rows", "code", "words"),
    [
        ([["name", "颜色"], ["a", "b"]], "unknown_columns", "Unknown column headings: “颜色”"),
        ([["name", "产品名称"], ["a", "b"]], "duplicate_column", "Columns A and B both hold 产品名称 / name"),
        ([["hs_code"], ["9503008900"]], "missing_columns", "no column 产品名称 / name"),
        ([["name"], ["a", "stray"]], "stray_value", "Column B has values but no heading (row 2)"),
        ([["name"]], "no_rows", "no rows under its header row"),
        ([["name"], ["a"], ["b"], ["c"], ["d"]], "too_many_rows", "more than 3 rows"),
    ],
)
def test_a_strict_layout_refuses_a_file_that_does_not_fit(rows, code, words):
    with pytest.raises(TabularError) as info:
        tabular.read_table(rows, LAYOUT)
    assert info.value.code == code and words in info.value.message


def test_the_caller_words_the_row_limit_and_the_empty_file_and_may_lower_the_limit():
    with pytest.raises(TabularError, match="at most 1 product"):
        tabular.read_table([["name"], ["a"], ["b"]], LAYOUT, max_rows=1, too_many=lambda n: f"at most {n} product")
    with pytest.raises(TabularError, match="no products"):
        tabular.read_table([["name"]], LAYOUT, no_rows="no products")


def test_a_lenient_layout_ignores_unknown_and_repeated_columns():
    lenient = Layout(columns=LAYOUT.columns, required=("name",), strict=False)
    rows = [["序号", "name", "产品名称", "颜色"], ["1", "积木", "玩偶", "红"]]
    assert tabular.read_table(rows, lenient) == [(2, {"name": "积木"})]


# --- typed cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (True, "1"),
        (12.0, "12"),
        (12.5, "12.5"),
        (dt.datetime(2026, 3, 1), "2026-03-01"),
        (dt.date(2026, 3, 1), "2026-03-01"),
        ("  积木 ", "积木"),
    ],
)
def test_a_cell_reads_as_text(value, text):
    assert tabular.cell_text(value) == text


@pytest.mark.parametrize(("value", "digits"), [(1203.0, "1203"), ("9503008900.0", "9503008900"), ("0101", "0101")])
def test_codes_stored_as_numbers_lose_their_trailing_zeros(value, digits):
    assert tabular.cell_digits(value) == digits


@pytest.mark.parametrize(
    ("value", "flag"),
    [("是", True), ("YES", True), ("y", True), (1, True), (True, True), ("否", False), ("", False), (None, False)]
    + [("0", False), ("maybe", None)],
)
def test_a_boolean_cell_is_yes_no_or_neither(value, flag):
    assert tabular.cell_boolean(value) is flag


def test_a_boolean_error_names_the_accepted_words():
    assert tabular.boolean_error("maybe") == "“maybe” is not yes or no: write 是/否, yes/no, true/false, 1/0 or Y/N."


@pytest.mark.parametrize(
    ("value", "text"), [(12.3, "12.3"), (64500.0, "64500"), (7, "7"), ("1,200.50", "1200.50"), ("1，200", "1200")]
)
def test_a_decimal_cell_reads_exactly(value, text):
    assert tabular.cell_decimal(value) == text


def test_a_list_cell_splits_on_the_usual_separators():
    assert tabular.cell_list("50-00-0; 64-17-5、7732-18-5") == ["50-00-0", "64-17-5", "7732-18-5"]


def test_a_country_is_read_by_code_or_by_name_in_either_language():
    lookup = tabular.country_lookup()
    assert [tabular.cell_country(v, lookup) for v in ("德国", "Germany", "DE", "", "Atlantis")] == [
        "DE",
        "DE",
        "DE",
        "",
        "Atlantis",
    ]


def test_a_choice_is_read_by_code_label_or_label_and_code():
    from filings.choices import GoodsCategory

    lookup = tabular.choice_lookup(GoodsCategory)
    for value in ("textile", "Textile", "纺织品", "纺织品 / textile", "ＴＥＸＴＩＬＥ"):
        assert tabular.cell_choice(value, lookup) == "textile", value
    assert tabular.cell_choice("food", lookup) == "food"


# --- row errors ---------------------------------------------------------------------------------


def test_row_errors_read_as_sentences_and_keep_their_fields():
    bad = ValidationError({"rows": [tabular.row_error(3, {"hs_code": ["An HS code has 10 digits."]}, LAYOUT)]})
    assert bad.message_dict["rows"] == ["Row 3: HS编码 / hs_code: An HS code has 10 digits."]
    assert tabular.row_errors_of(bad) == [{"row": 3, "errors": {"hs_code": ["An HS code has 10 digits."]}}]
    assert tabular.row_errors_of(ValidationError({"file": ["x"]})) is None


# --- templates ----------------------------------------------------------------------------------

TEMPLATE = Template(
    layout=LAYOUT,
    name="things",
    sheet_title="物品 Things",
    title="模板说明 Instructions",
    intro="每行一件。\nOne a row.",
    widths=(20, 20, 40),
    sections=(
        Section(["列 Column", "必填 Required", "说明 Notes"], [[LAYOUT.heading("name"), "是 Yes", "名称"]]),
        Section(["类别 Kinds", "中文"], [["玩具 / toy", "玩具"], ["服装 / clothes", "服装"]], drop_down_for=("name",)),
    ),
    choices={"used": ("是", "否")},
)


def test_the_xlsx_template_has_bilingual_headings_instructions_and_drop_downs():
    content, content_type, filename = tabular.template_file(TEMPLATE, "xlsx")
    assert content_type == tabular.XLSX_CONTENT_TYPE and filename == "things.xlsx"
    book = load_workbook(io.BytesIO(content))
    sheet, info = book.worksheets
    assert sheet.title == "物品 Things" and info.title == tabular.INSTRUCTIONS_SHEET
    assert [c.value for c in sheet[1]] == [
        "产品名称 / name",
        "HS编码 / hs_code",
        "货值(人民币元) / value_cny",
        "是否旧品 / used",
    ]
    assert sheet.column_dimensions["B"].number_format == "@" and sheet.freeze_panes == "A2"
    assert info["A1"].value == "模板说明 Instructions" and info["A4"].value == "列 Column"
    assert info["A5"].value == "产品名称 / name" and info["A8"].value == "玩具 / toy"
    formulas = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert formulas == {"A2:A4": f"'{tabular.INSTRUCTIONS_SHEET}'!$A$8:$A$9", "D2:D4": '"是,否"'}


def test_the_template_reads_back_as_its_own_header():
    content, _type, _name = tabular.template_file(TEMPLATE, "xlsx")
    rows = list(tabular.table_rows(content, "things.xlsx"))
    assert tabular.read_header(rows[0], LAYOUT) == {0: "name", 1: "hs_code", 2: "value_cny", 3: "used"}


def test_the_csv_template_is_the_heading_row_with_a_bom():
    content, content_type, filename = tabular.template_file(TEMPLATE, "csv")
    assert content_type == tabular.CSV_CONTENT_TYPE and filename == "things.csv"
    assert content.startswith(codecs.BOM_UTF8)
    assert (
        tabular.decode_text(content)
        == "产品名称 / name,HS编码 / hs_code,货值(人民币元) / value_cny,是否旧品 / used\r\n"
    )


def test_an_unknown_template_format_is_refused():
    with pytest.raises(ValueError, match="unknown template format"):
        tabular.template_file(TEMPLATE, "ods")

"""Bulk product filing: the template, and an all-or-nothing import of XLSX and CSV files."""

from __future__ import annotations

import codecs
import csv
import io

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from stdnum import ean

from cbec_supervision.models import AuditEvent
from filings import services
from filings.choices import FilingStatus, GoodsCategory, ProductSubcategory
from filings.models import ProductFiling
from filings.services import bulk
from filings.services.bulk import (
    BulkResult,
    bulk_row_errors,
    column_heading,
    product_bulk_import,
    product_template,
)
from filings.services.products import PRODUCT_FIELDS

pytestmark = pytest.mark.django_db

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")

# Real China Customs codes (data/hs8_2023_zh.csv), declared with ten digits.
TOY_HS = "9503008900"  # 95030089 未列名玩具及模型
BATTERY_HS = "8507600000"  # 85076000 锂离子蓄电池
BABY_CLOTHES_HS = "6111200000"  # 61112000 棉制针织或钩编的婴儿服装及衣着附件
HORSE_HS = "0101210000"  # 01012100 改良种用马: a code with a leading zero


def gtin(n: int) -> str:
    """A valid EAN-13 barcode, different for each n."""
    body = f"690{n:09d}"
    return body + ean.calc_check_digit(body)


def product_row(n: int, **overrides) -> dict:
    row = {
        "name": f"儿童积木玩具 {n}",
        "brand": "积木王",
        "model": f"JM-{n:04d}",
        "hs_code": TOY_HS,
        "origin_country": "DE",
        "manufacturer": "Spielwaren GmbH",
        "category": "light_industry",
        "subcategory": "toys",
        "gtin": gtin(n),
        "used": "否",
        "label_text": "警告：不适合3岁以下儿童，含小零件。",
    }
    row.update(overrides)
    return row


THREE_ROWS = [
    product_row(1),
    product_row(
        2,
        name="锂电池移动电源",
        hs_code=BATTERY_HS,
        origin_country="CN",
        category="electrical",
        subcategory="power_banks",
        contains_hazardous_substances="否",
    ),
    product_row(
        3, name="婴儿纯棉连体衣", hs_code=BABY_CLOTHES_HS, category="textile", subcategory="childrens_clothing"
    ),
]


def xlsx_upload(rows: list[list], name: str = "products.xlsx") -> SimpleUploadedFile:
    """An .xlsx file whose first sheet holds ``rows`` from row 1, cells as given (numbers stay numbers)."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_upload(rows: list[list], encoding: str = "utf-8-sig", name: str = "products.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


def table(products: list[dict], heading=column_heading) -> list[list]:
    """A header row of the fields the products use, in template order, then one row per product."""
    fields = [f for f in PRODUCT_FIELDS if any(f in p for p in products)]
    return [[heading(f) for f in fields]] + [[p.get(f) for f in fields] for p in products]


def import_as(user, enterprise, upload) -> BulkResult:
    return product_bulk_import(actor=user, enterprise=enterprise, upload=upload)


def file_errors(info) -> str:
    return " ".join(info.value.message_dict["file"])


def row_errors(info) -> dict[int, dict[str, list[str]]]:
    return {item["row"]: item["errors"] for item in bulk_row_errors(info.value)}


# --- the template ---------------------------------------------------------------------------------


def test_the_xlsx_template_has_bilingual_headings_a_frozen_header_and_instructions(world):
    content, content_type, filename = product_template("xlsx")

    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert filename.endswith(".xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    products, instructions = workbook.worksheets
    assert instructions.title == "说明 Instructions"
    headings = [cell.value for cell in products[1]]
    assert headings == [column_heading(f) for f in PRODUCT_FIELDS]
    assert headings[:1] == ["产品名称 / name"]
    assert {"HS编码 / hs_code", "原产国 / origin_country", "CAS号 / cas_numbers", "是否旧品 / used"} <= set(headings)
    assert products.freeze_panes == "A2"
    assert products.max_row == 1  # no example row to be imported by mistake
    dropdowns = {str(v.sqref).split(":")[0] for v in products.data_validations.dataValidation}
    assert {"K2", "L2", "O2", "R2"} == dropdowns  # category, sub-category and the two yes/no columns
    listed = [row[0] for row in instructions.iter_rows(values_only=True)]
    assert column_heading("hs_code") in listed
    assert f"{zh_label(ProductSubcategory.TOYS)} / toys" in listed
    required = {row[0]: row[2] for row in instructions.iter_rows(min_row=5, max_row=24, values_only=True)}
    assert required[column_heading("brand")] == "是 Yes" and not required[column_heading("supplier")]


def test_the_csv_template_is_a_utf8_header_row_with_a_bom_for_excel():
    content, content_type, filename = product_template("csv")

    assert content_type.startswith("text/csv") and filename.endswith(".csv")
    assert content.startswith(codecs.BOM_UTF8)
    assert next(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [column_heading(f) for f in PRODUCT_FIELDS]


def test_other_template_formats_are_refused():
    with pytest.raises(ValueError, match="xls"):
        product_template("xls")


def test_a_filled_in_xlsx_template_imports_three_drafts_owned_by_alice_co(world):
    content, _type, filename = product_template("xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[0]
    for product in THREE_ROWS:
        sheet.append([product.get(f) for f in PRODUCT_FIELDS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    events = AuditEvent.objects.count()

    result = import_as(world.alice, world.alice_co, SimpleUploadedFile(filename, buffer.getvalue()))

    assert [p.name for p in result.created] == ["儿童积木玩具 1", "锂电池移动电源", "婴儿纯棉连体衣"]
    for product in result.created:
        assert product.enterprise == world.alice_co
        assert product.status == FilingStatus.DRAFT and product.created_by == world.alice
        event = AuditEvent.objects.for_object(product).get()
        assert event.action == "create" and event.actor == world.alice
    assert AuditEvent.objects.count() == events + 3
    battery = ProductFiling.objects.get(name="锂电池移动电源")
    assert (battery.hs_code, battery.origin_country.code, battery.subcategory) == (BATTERY_HS, "CN", "power_banks")
    assert battery.gtin == gtin(2) and battery.used is False


def test_a_filled_in_csv_template_imports_three_drafts(world):
    content, _type, filename = product_template("csv")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([p.get(f) for f in PRODUCT_FIELDS] for p in THREE_ROWS)
    filled = content + buffer.getvalue().encode("utf-8")

    result = import_as(world.alice, world.alice_co, SimpleUploadedFile(filename, filled))

    assert len(result.created) == 3
    assert ProductFiling.objects.filter(enterprise=world.alice_co, status=FilingStatus.DRAFT).count() == 3
    assert sorted(ProductFiling.objects.values_list("hs_code", flat=True)) == sorted(
        [TOY_HS, BATTERY_HS, BABY_CLOTHES_HS]
    )


# --- all or nothing -------------------------------------------------------------------------------


def test_one_bad_hs_code_among_good_rows_names_its_row_and_field_and_nothing_is_created(world):
    rows = [product_row(1), product_row(2, hs_code="9999999999"), product_row(3)]
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table(rows)))

    assert row_errors(info) == {3: {"hs_code": ["99999999 is not a China Customs commodity code."]}}
    assert info.value.message_dict["rows"] == [
        "Row 3: HS编码 / hs_code: 99999999 is not a China Customs commodity code."
    ]
    assert not ProductFiling.objects.exists()
    assert AuditEvent.objects.count() == events


def test_every_bad_row_is_listed_with_spreadsheet_row_numbers_counting_blank_rows(world):
    header, *rows = table([product_row(1), product_row(2, gtin="123"), product_row(3, name="", origin_country="XX")])
    blank = [None] * len(header)

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload([header, rows[0], blank, rows[1], blank, rows[2]]))

    errors = row_errors(info)
    assert sorted(errors) == [4, 6]
    assert list(errors[4]) == ["gtin"]
    assert set(errors[6]) == {"name", "origin_country"}
    assert not ProductFiling.objects.exists()


def test_a_failure_while_creating_rolls_back_the_products_already_created(world, monkeypatch):
    calls = []

    def create_then_fail(**kwargs):
        if calls:
            raise ValidationError({"name": ["boom"]})
        calls.append(1)
        return services.product_create(**kwargs)

    monkeypatch.setattr(bulk, "product_create", create_then_fail)
    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table([product_row(1), product_row(2)])))

    assert row_errors(info) == {3: {"name": ["boom"]}}
    assert not ProductFiling.objects.exists()
    assert not AuditEvent.objects.filter(action="create", content_type__model="productfiling").exists()


# --- encodings, headings, cell values ---------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_csv_with_chinese_headings_alone_in_any_accepted_encoding(world, encoding):
    rows = table([product_row(1), product_row(2)], heading=lambda f: bulk.COLUMN_ZH[f])
    assert rows[0][0] == "产品名称"

    result = import_as(world.alice, world.alice_co, csv_upload(rows, encoding=encoding))

    assert [p.name for p in result.created] == ["儿童积木玩具 1", "儿童积木玩具 2"]
    assert result.created[0].label_text == "警告：不适合3岁以下儿童，含小零件。"


def test_headings_may_be_field_names_with_any_case_and_spacing(world):
    rows = table([product_row(1)], heading=lambda f: f" {f.upper()} ")
    rows[0][0] = "产品名称/NAME"

    result = import_as(world.alice, world.alice_co, csv_upload(rows))

    assert result.created[0].hs_code == TOY_HS


def test_numbers_stored_by_excel_come_through_as_digit_strings(world):
    rows = [
        product_row(1, hs_code=9503008900, gtin=int(gtin(1)), un_number=3481),
        product_row(2, hs_code=8507600000.0, gtin=float(gtin(2)), model=2024.0),
    ]

    result = import_as(world.alice, world.alice_co, xlsx_upload(table(rows)))

    first, second = result.created
    assert (first.hs_code, first.gtin, first.un_number) == (TOY_HS, gtin(1), "3481")
    assert (second.hs_code, second.gtin, second.model) == (BATTERY_HS, gtin(2), "2024")


def test_an_hs_code_whose_leading_zero_excel_dropped_is_reported_not_guessed(world):
    rows = [product_row(1, hs_code=int(HORSE_HS), category="", subcategory="")]

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table(rows)))

    messages = " ".join(row_errors(info)[2]["hs_code"])
    assert "10 digits" in messages and "leading zeros" in messages
    assert not ProductFiling.objects.exists()


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("是", True),
        ("否", False),
        ("Yes", True),
        ("no", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        ("y", True),
        ("N", False),
        ("", False),
        (None, False),
        (True, True),  # an Excel TRUE cell
        (1, True),
        (0.0, False),
    ],
)
def test_yes_no_words(world, word, expected):
    rows = [product_row(1, used=word, contains_hazardous_substances=word, cas_numbers="50-00-0" if expected else "")]

    (product,) = import_as(world.alice, world.alice_co, xlsx_upload(table(rows))).created

    assert product.used is expected and product.contains_hazardous_substances is expected


def test_other_words_in_a_yes_no_column_are_row_errors(world):
    rows = [product_row(1, used="maybe"), product_row(2, contains_hazardous_substances="有")]

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, csv_upload(table(rows)))

    errors = row_errors(info)
    assert list(errors[2]) == ["used"] and "“maybe” is not yes or no" in errors[2]["used"][0]
    assert list(errors[3]) == ["contains_hazardous_substances"]


def zh_label(choice) -> str:
    with translation.override("zh-hans"):
        return str(choice.label)


def test_categories_are_taken_as_codes_chinese_labels_or_the_template_drop_down_form(world):
    rows = [
        product_row(1, category=zh_label(GoodsCategory.LIGHT_INDUSTRY), subcategory=zh_label(ProductSubcategory.TOYS)),
        product_row(2, category="", subcategory=f"{zh_label(ProductSubcategory.LIGHTING)} / lighting"),
        product_row(3, category="TEXTILE", subcategory=" Clothing "),  # code in capitals, English label
    ]

    result = import_as(world.alice, world.alice_co, xlsx_upload(table(rows)))

    assert [(p.category, p.subcategory) for p in result.created] == [
        ("light_industry", "toys"),
        ("electrical", "lighting"),
        ("textile", "clothing"),
    ]


def test_the_chinese_label_of_toys_is_understood(world):
    assert zh_label(ProductSubcategory.TOYS) == "玩具"
    rows = [product_row(1, category="", subcategory="玩具")]

    (product,) = import_as(world.alice, world.alice_co, csv_upload(table(rows), encoding="gb18030")).created

    assert (product.category, product.subcategory) == ("light_industry", "toys")


def test_unknown_categories_and_mismatched_sub_categories_are_row_errors(world):
    rows = [product_row(1, category="食品"), product_row(2, category="textile", subcategory="toys")]

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table(rows)))

    errors = row_errors(info)
    assert "category" in errors[2] and "subcategory" in errors[3]


def test_countries_may_be_given_by_name_and_cas_numbers_separated_by_dunhao(world):
    rows = [product_row(1, origin_country="德国", contains_hazardous_substances="是", cas_numbers="50-00-0、117-81-7")]

    (product,) = import_as(world.alice, world.alice_co, xlsx_upload(table(rows))).created

    assert product.origin_country.code == "DE"
    assert product.cas_numbers == ["50-00-0", "117-81-7"]


def test_values_longer_than_the_field_allows_are_row_errors(world):
    rows = [product_row(1, brand="B" * 101)]

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table(rows)))

    assert row_errors(info) == {2: {"brand": ["At most 100 characters (this has 101)."]}}


# --- duplicates -----------------------------------------------------------------------------------


def test_rows_repeating_a_name_model_and_brand_or_a_gtin_are_errors(world):
    rows = [
        product_row(1),
        product_row(2),
        product_row(3, name=" 儿童积木玩具 1 ", model="jm-0001", brand="积木王"),  # same SKU as row 2
        product_row(4, gtin=gtin(2)),  # same barcode as row 3
    ]

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, csv_upload(table(rows)))

    errors = row_errors(info)
    assert errors == {
        4: {"name": ["Row 2 has the same name, model and brand."]},
        5: {"gtin": ["Row 3 has the same GTIN."]},
    }
    assert not ProductFiling.objects.exists()


def test_a_gtin_the_enterprise_has_already_filed_is_an_error_but_another_enterprises_is_not(world):
    services.product_create(actor=world.alice, enterprise=world.alice_co, name="旧积木", gtin=gtin(1))
    services.product_create(actor=world.bob, enterprise=world.bob_co, name="Bob 的积木", gtin=gtin(2))

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table([product_row(1), product_row(2)])))

    assert row_errors(info) == {2: {"gtin": ["The enterprise has already filed a product with this GTIN: 旧积木."]}}
    assert ProductFiling.objects.count() == 2


# --- file-level problems --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("products.xlsx", PNG, "not .xlsx"),
        ("products.xlsx", b"", "empty"),
        ("products.csv", b"", "empty"),
        ("products.png", PNG, ".xlsx or .csv"),
        ("products.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xlsx or .csv"),
        ("products.csv", b"\x00\x01\x02binary", "does not contain text"),
        ("products.xlsx", b"PK\x03\x04" + b"\x00" * 100, "could not be read"),
    ],
)
def test_files_of_the_wrong_type_or_empty_are_refused(world, name, content, message):
    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, SimpleUploadedFile(name, content))

    assert message in file_errors(info)
    assert "rows" not in info.value.message_dict


def test_files_over_the_size_limit_are_refused(world, settings):
    settings.ATTACHMENT_MAX_BYTES = 100

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, csv_upload(table([product_row(n) for n in range(1, 5)])))

    assert "limit" in file_errors(info)


def test_the_blank_template_has_no_rows_to_import(world):
    content, _type, filename = product_template("xlsx")

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, SimpleUploadedFile(filename, content))

    assert "no products" in file_errors(info)


def test_unknown_headings_are_named(world):
    rows = table([product_row(1)])
    rows[0][2] = "颜色 / colour"

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(rows))

    assert "Unknown column headings: “颜色 / colour”" in file_errors(info)


def test_a_file_without_the_name_column_is_refused(world):
    rows = [[column_heading("brand"), column_heading("hs_code")], ["积木王", TOY_HS]]

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, csv_upload(rows))

    assert "no column 产品名称 / name" in file_errors(info)


def test_a_column_given_twice_or_values_without_a_heading_are_refused(world):
    twice = [[column_heading("name"), "name"], ["积木", "积木"]]
    headless = [[column_heading("name")], ["积木", "多余"]]

    with pytest.raises(ValidationError) as first:
        import_as(world.alice, world.alice_co, csv_upload(twice))
    with pytest.raises(ValidationError) as second:
        import_as(world.alice, world.alice_co, csv_upload(headless))

    assert "Columns A and B both hold" in file_errors(first)
    assert "Column B has values but no heading" in file_errors(second)


def test_text_that_is_neither_utf8_nor_gb18030_is_refused(world):
    # Text for the first 8 KiB that the type check reads, then a byte no text encoding has.
    content = b"name\n" + b"blocks\n" * 2000 + b"\xff"

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, SimpleUploadedFile("products.csv", content))

    assert "CSV UTF-8" in " ".join(info.value.messages)


def test_more_rows_than_the_limit_are_refused_before_any_is_checked(world, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_ROWS", 3)

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table([product_row(n) for n in range(1, 5)])))
    assert "more than 3 products" in file_errors(info)

    exactly_three = xlsx_upload(table([product_row(n) for n in range(1, 4)]))
    assert len(import_as(world.alice, world.alice_co, exactly_three).created) == 3


# --- who may import ---------------------------------------------------------------------------------


def test_bob_cannot_import_into_alice_co(world):
    with pytest.raises(PermissionDenied):
        import_as(world.bob, world.alice_co, xlsx_upload(table(THREE_ROWS)))

    assert not ProductFiling.objects.exists()


def test_an_inspector_cannot_import_for_an_enterprise(world):
    with pytest.raises(PermissionDenied):
        import_as(world.zj_inspector, world.alice_co, xlsx_upload(table(THREE_ROWS)))


def test_an_enterprise_whose_filing_was_rejected_cannot_import(world):
    world.alice_co.status = FilingStatus.REJECTED
    world.alice_co.save()

    with pytest.raises(ValidationError) as info:
        import_as(world.alice, world.alice_co, xlsx_upload(table(THREE_ROWS)))

    assert "enterprise" in info.value.message_dict
    assert not ProductFiling.objects.exists()


# --- scale ----------------------------------------------------------------------------------------


def test_a_thousand_rows_import_with_one_hs_lookup_for_the_checks(world, django_assert_max_num_queries):
    rows = table([product_row(n) for n in range(1, 1001)])
    upload = xlsx_upload(rows)

    # product_create re-checks each row (one HS query each) and audits it; the checks before it
    # cost a fixed handful of queries, not one per row.
    with django_assert_max_num_queries(1000 * 12):
        result = import_as(world.alice, world.alice_co, upload)

    assert len(result.created) == 1000
    assert ProductFiling.objects.filter(enterprise=world.alice_co).count() == 1000

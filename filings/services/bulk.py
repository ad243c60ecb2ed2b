"""Bulk product filing: a spreadsheet template, and an all-or-nothing import of its rows as drafts.

The file is an XLSX workbook (first sheet) or a CSV file (UTF-8 with or without BOM, or GB18030),
one product a row under a header row. Every row is checked before anything is written; then all
the products are created in one transaction, through ``product_create``, or none is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext as _

from catalogues.models import HSCode
from cbec_supervision import tabular
from cbec_supervision.attachments import table_upload_rows
from cbec_supervision.audit import Actor
from cbec_supervision.tabular import CSV_CONTENT_TYPE, INSTRUCTIONS_SHEET, XLSX_CONTENT_TYPE, TabularError
from filings.choices import SUBCATEGORY_CATEGORY, FilingStatus, GoodsCategory, ProductSubcategory
from filings.models import EnterpriseFiling, ProductFiling
from filings.services.products import (
    _BOOL_FIELDS,
    PRODUCT_FIELDS,
    Errors,
    _add,
    _require_own,
    clean_product_fields,
    product_create,
    product_missing,
)

__all__ = [
    "CSV_CONTENT_TYPE",
    "INSTRUCTIONS_SHEET",
    "XLSX_CONTENT_TYPE",
    "BulkResult",
    "bulk_row_errors",
    "column_heading",
    "product_bulk_import",
    "product_template",
]

#: most product rows one file may hold; larger catalogues are split into several files
MAX_ROWS = 5000

TEMPLATE_NAME = "product_filing_template"

# Chinese half of each bilingual column heading ("产品名称 / name"). Headings are part of the file
# format, not of the UI, so they stay fixed whatever language the user downloads the template in.
COLUMN_ZH: dict[str, str] = {
    "name": "产品名称",
    "name_en": "英文名称",
    "listed_name": "平台展示名称",
    "brand": "品牌",
    "model": "规格型号",
    "hs_code": "HS编码",
    "origin_country": "原产国",
    "manufacturer": "生产企业",
    "manufacturer_address": "生产企业地址",
    "supplier": "供应商",
    "category": "类别",
    "subcategory": "子类别",
    "materials": "材质成分",
    "cas_numbers": "CAS号",
    "contains_hazardous_substances": "是否含有毒有害物质",
    "un_number": "UN编号",
    "gtin": "商品条码",
    "used": "是否旧品",
    "ccc_certificate": "CCC证书编号",
    "label_text": "中文标签及警示",
}
assert tuple(COLUMN_ZH) == PRODUCT_FIELDS, "one template column per product field, in PRODUCT_FIELDS order"

#: the one column a file must have; the others may be left out
REQUIRED_COLUMNS = ("name",)

# Columns whose values are digit strings that Excel likes to store as numbers.
_DIGIT_FIELDS = {"hs_code", "gtin", "un_number"}
_SPACES = re.compile(r"\s+")
_PARAM_BATCH = 500  # stay well under SQLite's bound-parameter limit in ``__in`` lookups

_NOTES: dict[str, str] = {
    "hs_code": "10 位数字，前 8 位须为海关商品编码；请将该列设为文本格式以免丢失开头的 0。\n"
    "10 digits, the first 8 a China Customs commodity code. Keep the column formatted as text "
    "so that leading zeros are not lost.",
    "origin_country": "ISO 3166 两位字母代码（如 DE）或国家名称（如 德国）。\n"
    "ISO 3166 two-letter code (e.g. DE) or the country's name.",
    "category": "代码或中文名称，见下方类别表；可只填子类别。\n"
    "Code or Chinese name, see the list below; may be left empty when the sub-category is given.",
    "subcategory": "代码或中文名称，见下方子类别表。\nCode or Chinese name, see the list below.",
    "cas_numbers": "多个 CAS 号用 ; 或 、 分隔。\nSeveral CAS numbers separated by ; or 、.",
    "contains_hazardous_substances": "是/否、yes/no、true/false、1/0、Y/N；留空为否。选“是”时须填 CAS 号。\n"
    "Yes or no; empty means no. When yes, give the CAS numbers.",
    "used": "是/否、yes/no、true/false、1/0、Y/N；留空为否。旧品禁止以跨境电商方式入境。\n"
    "Yes or no; empty means no. Used goods may not enter through CBEC.",
    "un_number": "4 位数字，如 1203。\nFour digits, e.g. 1203.",
    "gtin": "8、12、13 或 14 位，校验位正确；请将该列设为文本格式。\n"
    "8, 12, 13 or 14 digits with a correct check digit; keep the column formatted as text.",
    "ccc_certificate": (
        "16 位数字，以发证年份开头，如 2021011606123456；CCC 目录内的产品必填。\n"
        "16 digits starting with the year of issue, e.g. 2021011606123456; required for goods in the CCC catalogue."
    ),
    "label_text": "中文标签及警示语的文字；也可在导入后为该产品上传标签图片。\n"
    "The text of the Chinese label and warnings, or upload a photo of the label after the import.",
}
_EXAMPLE: dict[str, str] = {
    "name": "儿童积木玩具",
    "name_en": "Building blocks",
    "listed_name": "乐高得宝系列 大颗粒积木 10698",
    "brand": "LEGO",
    "model": "10698",
    "hs_code": "9503008900",
    "origin_country": "DK",
    "manufacturer": "LEGO System A/S",
    "manufacturer_address": "Aastvej 1, 7190 Billund, Denmark",
    "supplier": "乐高（上海）贸易有限公司",
    "category": "light_industry",
    "subcategory": "toys",
    "materials": "ABS 塑料",
    "cas_numbers": "",
    "contains_hazardous_substances": "否",
    "un_number": "",
    "gtin": "5702016616316",
    "used": "否",
    "ccc_certificate": "2021012201234567",
    "label_text": "警告：不适合 3 岁以下儿童，含小零件。",
}
_WIDTHS: dict[str, int] = {
    "name": 24,
    "name_en": 22,
    "listed_name": 30,
    "manufacturer": 24,
    "manufacturer_address": 30,
    "supplier": 24,
    "materials": 22,
    "contains_hazardous_substances": 20,
    "label_text": 36,
}


LAYOUT = tabular.Layout(
    columns=tuple(
        tabular.Column(field, zh, as_text=field in _DIGIT_FIELDS, width=_WIDTHS.get(field, 16))
        for field, zh in COLUMN_ZH.items()
    ),
    required=REQUIRED_COLUMNS,
    max_rows=MAX_ROWS,
)


@dataclass
class BulkResult:
    created: list[ProductFiling]


def column_heading(field: str) -> str:
    """The bilingual heading of a template column, e.g. "产品名称 / name"."""
    return LAYOUT.heading(field)


def bulk_row_errors(error: ValidationError) -> list[dict[str, Any]]:
    """The structured row errors of a failed import: ``[{"row": n, "errors": {field: [messages]}}]``.

    Django's ValidationError only carries strings per key, so each row is one error whose message
    reads as a sentence ("Row 3: ...") and whose ``params`` hold the row number and field errors.
    """
    return tabular.row_errors_of(error) or []


# --- the template ---------------------------------------------------------------------------------


def _choice_rows(choices: type[Choices], extra: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(value offered in the drop-down, Chinese label, English label) of each choice."""
    rows = []
    for choice in choices:
        with translation.override("zh-hans"):
            zh = str(choice.label)
        with translation.override("en"):
            en = str(choice.label)
        rows.append((f"{zh} / {choice.value}", zh, en if extra is None else f"{en} ({extra[choice.value]})"))
    return rows


def _required_on_submit() -> set[str]:
    # product_missing is the rule for submission; ask it about an empty product rather than copy it.
    return set(product_missing(ProductFiling(cas_numbers=[])))


def _template() -> tabular.Template:
    required = _required_on_submit()
    model_fields = {f.name: f for f in ProductFiling._meta.fields}
    guide = []
    for field in PRODUCT_FIELDS:
        model_field = model_fields[field]
        with translation.override("en"):
            described = str(model_field.verbose_name)
        note = _NOTES.get(field)
        if note is None and getattr(model_field, "max_length", None):
            note = f"最多 {model_field.max_length} 个字符。\nAt most {model_field.max_length} characters."
        if field == "cas_numbers":
            must = "含有毒有害物质时 When hazardous"
        elif field == "ccc_certificate":
            must = "列入 CCC 目录时 When in the CCC catalogue"
        else:
            must = "是 Yes" if field in required else ""
        guide.append([column_heading(field), described, must, note or "", _EXAMPLE[field]])
    subcategories = _choice_rows(ProductSubcategory, extra={k: str(v) for k, v in SUBCATEGORY_CATEGORY.items()})
    return tabular.Template(
        layout=LAYOUT,
        name=TEMPLATE_NAME,
        sheet_title="产品 Products",
        title="产品批量备案模板说明 Bulk product filing template: instructions",
        intro=(
            f"在第一个工作表中每行填写一个产品，第 1 行为表头，不要修改；空行将被跳过；每个文件最多 {MAX_ROWS} 行。"
            "整个文件全部通过校验才会导入，产品保存为草稿。\n"
            f"One product a row on the first sheet under the header row (row 1, keep it); blank rows are "
            f"skipped; at most {MAX_ROWS} rows a file. The file is imported only when every row is valid; "
            "the products are saved as drafts."
        ),
        widths=(34, 30, 16, 70, 30),
        sections=(
            tabular.Section(
                ["列 Column", "字段 Field", "提交时必填 Required on submit", "填写要求 Allowed values", "示例 Example"],
                guide,
            ),
            tabular.Section(
                ["类别 Categories", "中文 Chinese", "English"],
                [list(row) for row in _choice_rows(GoodsCategory)],
                drop_down_for=("category",),
            ),
            tabular.Section(
                ["子类别 Sub-categories", "中文 Chinese", "English (category)"],
                [list(row) for row in subcategories],
                drop_down_for=("subcategory",),
            ),
        ),
        choices={"contains_hazardous_substances": ("是", "否"), "used": ("是", "否")},
    )


def product_template(fmt: str) -> tuple[bytes, str, str]:
    """The blank template: (content, content_type, filename) for fmt "xlsx" or "csv"; ValueError otherwise."""
    return tabular.template_file(_template(), fmt)


# --- reading a file -------------------------------------------------------------------------------


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _read_table(upload: UploadedFile) -> list[tuple[int, dict[str, Any]]]:
    """[(row number, {field: raw cell value})] of the non-blank rows under the header."""
    try:
        return tabular.read_table(
            table_upload_rows(upload, wrong_type=_("Upload the filled-in template as an .xlsx or .csv file.")),
            LAYOUT,
            too_many=lambda most: (
                _("The file has more than %(max)d products; split it into files of at most %(max)d rows.")
                % {"max": most}
            ),
            no_rows=_("The file has no products under its header row."),
            max_rows=MAX_ROWS,
        )
    except TabularError as exc:
        raise _file_error(exc.message) from exc


# --- checking rows --------------------------------------------------------------------------------


class _RowChecker:
    """Everything loaded once for the whole file: HS codes, choice labels, country names."""

    def __init__(self) -> None:
        self.known_hs8 = set(HSCode.objects.values_list("code", flat=True))
        self.categories = tabular.choice_lookup(GoodsCategory)
        self.subcategories = tabular.choice_lookup(ProductSubcategory)
        self.countries = tabular.country_lookup()

    def check(self, cells: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
        errors: Errors = {}
        data: dict[str, Any] = {}
        for field, value in cells.items():
            if field in _BOOL_FIELDS:
                flag = tabular.cell_boolean(value)
                if flag is None:
                    _add(errors, field, tabular.boolean_error(value))
                else:
                    data[field] = flag
            elif field in _DIGIT_FIELDS:
                data[field] = tabular.cell_digits(value)
            elif field == "category":
                data[field] = tabular.cell_choice(value, self.categories)
            elif field == "subcategory":
                data[field] = tabular.cell_choice(value, self.subcategories)
            elif field == "origin_country":
                # Names are taken too (德国, Germany); clean_product_fields checks the code.
                data[field] = tabular.cell_country(value, self.countries)
            else:
                data[field] = tabular.cell_text(value)

        cleaned, field_errors = clean_product_fields(data, known_hs8=self.known_hs8)
        for field, messages in field_errors.items():
            for message in messages:
                _add(errors, field, message)
        if "hs_code" in field_errors and isinstance(cells.get("hs_code"), (int, float)):
            code = tabular.cell_text(cells["hs_code"])
            if code.isdigit() and len(code) < 10:
                _add(
                    errors,
                    "hs_code",
                    _(
                        "Excel stored this code as a number and dropped its leading zeros: "
                        "format the column as text and type the code again."
                    ),
                )
        return cleaned, errors


def _existing_gtins(enterprise: EnterpriseFiling, gtins: list[str]) -> dict[str, str]:
    """GTIN -> product name of the enterprise's filings that still stand (not rejected or revoked)."""
    found: dict[str, str] = {}
    live = ProductFiling.objects.filter(enterprise=enterprise).exclude(
        status__in=(FilingStatus.REJECTED, FilingStatus.REVOKED)
    )
    for start in range(0, len(gtins), _PARAM_BATCH):
        batch = gtins[start : start + _PARAM_BATCH]
        found.update(live.filter(gtin__in=batch).values_list("gtin", "name"))
    return found


def _row_error(number: int, errors: Errors) -> ValidationError:
    return tabular.row_error(number, errors, LAYOUT)


def _check_rows(
    enterprise: EnterpriseFiling, records: list[tuple[int, dict[str, Any]]]
) -> list[tuple[int, dict[str, Any]]]:
    checker = _RowChecker()
    checked: list[tuple[int, dict[str, Any], Errors]] = []
    first_sku: dict[tuple[str, ...], int] = {}
    first_gtin: dict[str, int] = {}
    for number, cells in records:
        cleaned, errors = checker.check(cells)
        if cleaned.get("name"):
            sku = tuple(_SPACES.sub(" ", cleaned.get(k, "")).casefold() for k in ("name", "model", "brand"))
            if sku in first_sku:
                _add(
                    errors,
                    "name",
                    _("Row %(row)d has the same name, model and brand.") % {"row": first_sku[sku]},
                )
            else:
                first_sku[sku] = number
        gtin = cleaned.get("gtin")
        if gtin and "gtin" not in errors:
            if gtin in first_gtin:
                _add(errors, "gtin", _("Row %(row)d has the same GTIN.") % {"row": first_gtin[gtin]})
            else:
                first_gtin[gtin] = number
        checked.append((number, cleaned, errors))

    filed = _existing_gtins(enterprise, list(first_gtin))
    for number, cleaned, errors in checked:
        gtin = cleaned.get("gtin")
        if gtin in filed and first_gtin.get(gtin) == number:
            _add(
                errors,
                "gtin",
                _("The enterprise has already filed a product with this GTIN: %(name)s.") % {"name": filed[gtin]},
            )

    bad = [_row_error(number, errors) for number, _cleaned, errors in checked if errors]
    if bad:
        raise ValidationError({"rows": bad})
    return [(number, cleaned) for number, cleaned, _errors in checked]


# --- the import -----------------------------------------------------------------------------------


def product_bulk_import(*, actor: Actor, enterprise: EnterpriseFiling, upload: UploadedFile) -> BulkResult:
    """Validate every row; create all the products as drafts in one transaction, or none.

    Raises django ValidationError({"file": [msg]}) for a file-level problem (type, size, encoding, no rows,
    unknown/missing header, more than MAX_ROWS rows) or ValidationError({"rows": [...]}) listing every bad
    row: one error per row, message "Row n: ...", params {"row": n, "errors": {field: [messages]}} (read
    them with ``bulk_row_errors``; row numbers as the user sees them in the spreadsheet, header = row 1).
    """
    # Checked before reading: the GTIN check would otherwise tell another enterprise's user what is filed.
    _require_own(actor, enterprise)
    records = _read_table(upload)
    rows = _check_rows(enterprise, records)
    created: list[ProductFiling] = []
    with transaction.atomic():
        for number, fields in rows:
            try:
                created.append(product_create(actor=actor, enterprise=enterprise, **fields))
            except ValidationError as exc:
                if not hasattr(exc, "error_dict") or "enterprise" in exc.error_dict:
                    raise
                # Not expected after the checks above; reported against its row all the same.
                raise ValidationError({"rows": [_row_error(number, exc.message_dict)]}) from exc
    return BulkResult(created=created)

"""Bulk product filing: a spreadsheet template, and an all-or-nothing import of its rows as drafts.

The file is an XLSX workbook (first sheet) or a CSV file (UTF-8 with or without BOM, or GB18030),
one product a row under a header row. Every row is checked before anything is written; then all
the products are created in one transaction, through ``product_create``, or none is.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Choices
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from catalogues.models import HSCode
from cbec_supervision.attachments import check_upload
from cbec_supervision.audit import Actor
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

#: most product rows one file may hold; larger catalogues are split into several files
MAX_ROWS = 5000

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
TEMPLATE_NAME = "product_filing_template"
INSTRUCTIONS_SHEET = "说明 Instructions"

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

_TRUE_WORDS = {"是", "yes", "true", "1", "y"}
_FALSE_WORDS = {"否", "no", "false", "0", "n", ""}
# Columns whose values are digit strings that Excel likes to store as numbers.
_DIGIT_FIELDS = {"hs_code", "gtin", "un_number"}
_TRAILING_ZEROS = re.compile(r"^([0-9]+)\.0*$")
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
    "ccc_certificate": "10 至 30 位字母和数字。\n10 to 30 letters and digits.",
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


@dataclass
class BulkResult:
    created: list[ProductFiling]


def column_heading(field: str) -> str:
    """The bilingual heading of a template column, e.g. "产品名称 / name"."""
    return f"{COLUMN_ZH[field]} / {field}"


def bulk_row_errors(error: ValidationError) -> list[dict[str, Any]]:
    """The structured row errors of a failed import: ``[{"row": n, "errors": {field: [messages]}}]``.

    Django's ValidationError only carries strings per key, so each row is one error whose message
    reads as a sentence ("Row 3: ...") and whose ``params`` hold the row number and field errors.
    """
    if not hasattr(error, "error_dict"):
        return []
    return [
        {"row": item.params["row"], "errors": item.params["errors"]}
        for item in error.error_dict.get("rows", [])
        if item.params and "row" in item.params
    ]


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


def _xlsx_template() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook has its one sheet
    sheet.title = "产品 Products"
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, field in enumerate(PRODUCT_FIELDS, start=1):
        cell = sheet.cell(row=1, column=index, value=column_heading(field))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = _WIDTHS.get(field, 16)
        if field in _DIGIT_FIELDS:
            # Text format, so that Excel keeps leading zeros and long barcodes as typed.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"

    info = workbook.create_sheet(INSTRUCTIONS_SHEET)
    info.column_dimensions["A"].width = 34
    info.column_dimensions["B"].width = 30
    info.column_dimensions["C"].width = 16
    info.column_dimensions["D"].width = 70
    info.column_dimensions["E"].width = 30
    info.append(["产品批量备案模板说明 Bulk product filing template: instructions"])
    info["A1"].font = Font(bold=True, size=14)
    info.append(
        [
            f"在第一个工作表中每行填写一个产品，第 1 行为表头，不要修改；空行将被跳过；每个文件最多 {MAX_ROWS} 行。"
            "整个文件全部通过校验才会导入，产品保存为草稿。\n"
            f"One product a row on the first sheet under the header row (row 1, keep it); blank rows are "
            f"skipped; at most {MAX_ROWS} rows a file. The file is imported only when every row is valid; "
            "the products are saved as drafts."
        ]
    )
    info["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    info.merge_cells("A2:E2")
    info.row_dimensions[2].height = 48
    info.append([])
    info.append(["列 Column", "字段 Field", "提交时必填 Required on submit", "填写要求 Allowed values", "示例 Example"])
    for cell in info[4]:
        cell.font = header_font
        cell.fill = header_fill
    required = _required_on_submit()
    model_fields = {f.name: f for f in ProductFiling._meta.fields}
    for field in PRODUCT_FIELDS:
        model_field = model_fields[field]
        with translation.override("en"):
            described = str(model_field.verbose_name)
        note = _NOTES.get(field)
        if note is None and getattr(model_field, "max_length", None):
            note = f"最多 {model_field.max_length} 个字符。\nAt most {model_field.max_length} characters."
        if field == "cas_numbers":
            must = "含有毒有害物质时 When hazardous"
        else:
            must = "是 Yes" if field in required else ""
        info.append([column_heading(field), described, must, note or "", _EXAMPLE[field]])
        for cell in info[info.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    info.append([])
    info.append(["类别 Categories", "中文 Chinese", "English"])
    for cell in info[info.max_row]:
        cell.font = header_font
    first_category = info.max_row + 1
    for row in _choice_rows(GoodsCategory):
        info.append(list(row))
    last_category = info.max_row

    info.append([])
    info.append(["子类别 Sub-categories", "中文 Chinese", "English (category)"])
    for cell in info[info.max_row]:
        cell.font = header_font
    first_sub = info.max_row + 1
    for row in _choice_rows(ProductSubcategory, extra={k: str(v) for k, v in SUBCATEGORY_CATEGORY.items()}):
        info.append(list(row))
    last_sub = info.max_row

    # Drop-downs help; they do not forbid other spellings the import understands (codes, labels).
    columns = {field: get_column_letter(i) for i, field in enumerate(PRODUCT_FIELDS, start=1)}
    last_row = MAX_ROWS + 1
    lists = {
        "category": f"'{INSTRUCTIONS_SHEET}'!$A${first_category}:$A${last_category}",
        "subcategory": f"'{INSTRUCTIONS_SHEET}'!$A${first_sub}:$A${last_sub}",
        "contains_hazardous_substances": '"是,否"',
        "used": '"是,否"',
    }
    for field, formula in lists.items():
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        validation.add(f"{columns[field]}2:{columns[field]}{last_row}")
        sheet.add_data_validation(validation)

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _csv_template() -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([column_heading(f) for f in PRODUCT_FIELDS])
    # With the BOM, Excel opens the Chinese headings as UTF-8 rather than as the system code page.
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def product_template(fmt: str) -> tuple[bytes, str, str]:
    """The blank template: (content, content_type, filename) for fmt "xlsx" or "csv"; ValueError otherwise."""
    if fmt == "xlsx":
        return _xlsx_template(), XLSX_CONTENT_TYPE, f"{TEMPLATE_NAME}.xlsx"
    if fmt == "csv":
        return _csv_template(), CSV_CONTENT_TYPE, f"{TEMPLATE_NAME}.csv"
    raise ValueError(f"unknown template format {fmt!r}; use 'xlsx' or 'csv'")


# --- reading a file -------------------------------------------------------------------------------


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _too_many_rows() -> ValidationError:
    return _file_error(
        _("The file has more than %(max)d products; split it into files of at most %(max)d rows.") % {"max": MAX_ROWS}
    )


def _xlsx_rows(upload: UploadedFile) -> Iterator[tuple[Any, ...]]:
    upload.seek(0)
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _file_error(_("The file could not be read as an Excel workbook (.xlsx).")) from exc
    try:
        if not workbook.worksheets:
            return
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    finally:
        workbook.close()


def _decode(raw: bytes) -> str:
    encodings: tuple[str, ...]
    if raw.startswith(codecs.BOM_UTF8):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _file_error(_("The file is neither UTF-8 nor GB18030 text: save it as “CSV UTF-8”."))


def _csv_rows(upload: UploadedFile) -> Iterator[list[str]]:
    upload.seek(0)
    text = _decode(upload.read())
    first_line = text.split("\n", 1)[0]
    # Excel writes commas, but in some locales semicolons; tab-separated text is pasted too.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise _file_error(_("The file is not valid CSV: %(problem)s.") % {"problem": exc}) from exc


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normalise_heading(text: Any) -> str:
    return _SPACES.sub("", str(text)).replace("／", "/").casefold()


def _heading_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field, zh in COLUMN_ZH.items():
        for form in (field, zh, f"{zh}/{field}"):
            lookup[_normalise_heading(form)] = field
    return lookup


def _match_heading(text: str, lookup: dict[str, str]) -> str | None:
    key = _normalise_heading(text)
    if key in lookup:
        return lookup[key]
    # "中文名 / field_name" with one half spelled a little differently: both halves must agree.
    parts = {lookup.get(part) for part in key.split("/") if part}
    parts.discard(None)
    return parts.pop() if len(parts) == 1 else None


def _read_header(cells: Sequence[Any]) -> dict[int, str]:
    """Column index -> field; raises a file error for unknown, repeated or missing headings."""
    lookup = _heading_lookup()
    columns: dict[int, str] = {}
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if _is_blank(cell):
            continue
        field = _match_heading(str(cell), lookup)
        if field is None:
            unknown.append(str(cell).strip())
            continue
        if field in seen:
            raise _file_error(
                _("Columns %(first)s and %(second)s both hold %(heading)s.")
                % {
                    "first": get_column_letter(seen[field] + 1),
                    "second": get_column_letter(index + 1),
                    "heading": column_heading(field),
                }
            )
        seen[field] = index
        columns[index] = field
    if unknown:
        raise _file_error(
            _("Unknown column headings: %(headings)s. Use the headings of the template.")
            % {"headings": ", ".join(f"“{h}”" for h in unknown)}
        )
    missing = [column_heading(f) for f in REQUIRED_COLUMNS if f not in seen]
    if missing:
        raise _file_error(_("The file has no column %(headings)s.") % {"headings": ", ".join(missing)})
    return columns


def _read_table(upload: UploadedFile, suffix: str) -> list[tuple[int, dict[str, Any]]]:
    """[(row number, {field: raw cell value})] of the non-blank rows under the header."""
    rows = _xlsx_rows(upload) if suffix == ".xlsx" else _csv_rows(upload)
    columns: dict[int, str] | None = None
    records: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=1):
        if all(_is_blank(cell) for cell in cells):
            continue
        if columns is None:
            columns = _read_header(cells)
            continue
        stray = [i for i, cell in enumerate(cells) if i not in columns and not _is_blank(cell)]
        if stray:
            raise _file_error(
                _("Column %(column)s has values but no heading (row %(row)d).")
                % {"column": get_column_letter(stray[0] + 1), "row": number}
            )
        if len(records) >= MAX_ROWS:
            raise _too_many_rows()
        records.append((number, {field: cells[i] if i < len(cells) else None for i, field in columns.items()}))
    if not records:
        raise _file_error(_("The file has no products under its header row."))
    return records


# --- checking rows --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    """A cell as text; numbers Excel stored as floats lose their ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    word = _text(value).casefold()
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


def _choice_lookup(choices: type[Choices]) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for choice in choices:
        lookup[_normalise_heading(choice.value)] = choice.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup.setdefault(_normalise_heading(choice.label), choice.value)
    return lookup


def _choice(value: str, lookup: dict[str, str]) -> str:
    """The code for a code, a label or "label / code"; unchanged when unknown (the checks report it)."""
    key = _normalise_heading(value)
    if key in lookup:
        return lookup[key]
    parts = {lookup[part] for part in key.split("/") if part and part in lookup}
    return parts.pop() if len(parts) == 1 else value


def _country_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code, name in countries:
                lookup.setdefault(_normalise_heading(name), code)
    return lookup


class _RowChecker:
    """Everything loaded once for the whole file: HS codes, choice labels, country names."""

    def __init__(self) -> None:
        self.known_hs8 = set(HSCode.objects.values_list("code", flat=True))
        self.categories = _choice_lookup(GoodsCategory)
        self.subcategories = _choice_lookup(ProductSubcategory)
        self.countries = _country_lookup()

    def check(self, cells: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
        errors: Errors = {}
        data: dict[str, Any] = {}
        for field, value in cells.items():
            if field in _BOOL_FIELDS:
                flag = _boolean(value)
                if flag is None:
                    _add(
                        errors,
                        field,
                        _("“%(value)s” is not yes or no: write 是/否, yes/no, true/false, 1/0 or Y/N.")
                        % {"value": _text(value)},
                    )
                else:
                    data[field] = flag
                continue
            text = _text(value)
            if field in _DIGIT_FIELDS:
                text = _TRAILING_ZEROS.sub(r"\1", text)
            elif field == "category" and text:
                text = _choice(text, self.categories)
            elif field == "subcategory" and text:
                text = _choice(text, self.subcategories)
            elif field == "origin_country" and text:
                # Names are taken too (德国, Germany); clean_product_fields checks the code.
                text = self.countries.get(_normalise_heading(text), text)
            data[field] = text

        cleaned, field_errors = clean_product_fields(data, known_hs8=self.known_hs8)
        for field, messages in field_errors.items():
            for message in messages:
                _add(errors, field, message)
        if "hs_code" in field_errors and isinstance(cells.get("hs_code"), (int, float)):
            code = _text(cells["hs_code"])
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
    problems = "; ".join(f"{column_heading(field)}: {' '.join(messages)}" for field, messages in errors.items())
    return ValidationError(
        _("Row %(row)d: %(problems)s"),
        code="row",
        params={"row": number, "errors": errors, "problems": problems},
    )


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


def _check_file(upload: UploadedFile) -> str:
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise _file_error(_("Upload the filled-in template as an .xlsx or .csv file."))
    check_upload(upload)  # size, emptiness, and content matching the name
    return suffix


def product_bulk_import(*, actor: Actor, enterprise: EnterpriseFiling, upload: UploadedFile) -> BulkResult:
    """Validate every row; create all the products as drafts in one transaction, or none.

    Raises django ValidationError({"file": [msg]}) for a file-level problem (type, size, encoding, no rows,
    unknown/missing header, more than MAX_ROWS rows) or ValidationError({"rows": [...]}) listing every bad
    row: one error per row, message "Row n: ...", params {"row": n, "errors": {field: [messages]}} (read
    them with ``bulk_row_errors``; row numbers as the user sees them in the spreadsheet, header = row 1).
    """
    # Checked before reading: the GTIN check would otherwise tell another enterprise's user what is filed.
    _require_own(actor, enterprise)
    suffix = _check_file(upload)
    records = _read_table(upload, suffix)
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

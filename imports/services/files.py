"""Import batches and export declarations from spreadsheets: the templates, and reading them.

A file is an XLSX workbook (first sheet) or a CSV file (UTF-8 with or without BOM, or GB18030), one
line a row under a header row, thousands of rows. Reading checks every row with the same checks the
declaring services make (``clean_line``) and reports each bad row by its number in the spreadsheet
(the header is row 1), so nothing is declared until the whole file is right. The services then
declare the lines; they check again, all or nothing.

Files are read and templates written by ``cbec_supervision.tabular``, as every upload of rows is.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from catalogues.models import HSCode
from cbec_supervision import tabular
from cbec_supervision.attachments import table_upload_rows
from cbec_supervision.tabular import TabularError
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from imports.choices import BatchMode
from imports.models import ExportDeclaration
from imports.services.declarations import MAX_LINES, bonded_line_errors, clean_line

# Chinese half of each bilingual column heading ("货物描述 / description"). Headings are part of the
# file format, not of the UI: they stay fixed whatever language the template is downloaded in.
BATCH_COLUMNS: dict[str, str] = {
    "product": "产品备案号",
    "description": "货物描述",
    "hs_code": "HS编码",
    "cas_numbers": "CAS号",
    "un_number": "UN编号",
    "used": "是否旧品",
    "quantity": "数量",
    "unit": "单位",
    "value_cny": "货值(人民币元)",
    "origin_country": "原产国",
}
EXPORT_COLUMNS: dict[str, str] = {
    "order_no": "订单编号",
    "product": "产品备案号",
    "description": "货物描述",
    "hs_code": "HS编码",
    "destination_country": "目的国",
    "quantity": "数量",
    "value_cny": "货值(人民币元)",
}
BATCH_REQUIRED = ("quantity", "value_cny")
EXPORT_REQUIRED = ("order_no", "destination_country", "value_cny")
MAX_ROWS = MAX_LINES

#: what each column is called on the page (the spreadsheet keeps its bilingual heading)
FIELD_LABELS: dict[str, Any] = {
    "product": gettext_lazy("Product filing"),
    "description": gettext_lazy("Description"),
    "hs_code": gettext_lazy("HS code"),
    "cas_numbers": gettext_lazy("CAS numbers"),
    "un_number": gettext_lazy("UN number"),
    "used": gettext_lazy("Used or refurbished"),
    "quantity": gettext_lazy("Quantity"),
    "unit": gettext_lazy("Unit"),
    "value_cny": gettext_lazy("Value (CNY)"),
    "origin_country": gettext_lazy("Country of origin"),
    "order_no": gettext_lazy("Order number"),
    "destination_country": gettext_lazy("Destination"),
    "non_field_errors": "",
}

_DIGIT_FIELDS = {"hs_code", "un_number"}
_NUMBER_FIELDS = {"quantity", "value_cny"}
_COUNTRY_FIELDS = {"origin_country", "destination_country"}
_PARAM_BATCH = 500  # stay well under SQLite's bound-parameter limit in ``__in`` lookups

_NOTES: dict[str, str] = {
    "product": "已备案并获批准的产品的备案号（或产品 id）；填写后其余商品信息取自备案，可不填。\n"
    "The filing number (or id) of one of your approved products; the goods' details then come from "
    "the filing.",
    "description": "未备案商品的名称描述；未填产品备案号时必填。\n"
    "What the goods are; required when no product filing number is given.",
    "hs_code": "10 位数字，前 8 位须为海关商品编码；未填产品备案号时必填。请将该列设为文本格式。\n"
    "10 digits, the first 8 a China Customs commodity code; required without a product filing "
    "number. Keep the column formatted as text.",
    "cas_numbers": "多个 CAS 号用 ; 或 、 分隔。\nSeveral CAS numbers separated by ; or 、.",
    "un_number": "4 位数字，如 1203。\nFour digits, e.g. 1203.",
    "used": "是/否、yes/no、true/false、1/0、Y/N；留空为否。旧品禁止以跨境电商方式入境。\n"
    "Yes or no; empty means no. Used goods may not enter through CBEC.",
    "quantity": "大于 0 的数字。\nA number greater than zero.",
    "unit": "如 件、个、千克。\nE.g. 件, 个, 千克 (piece, unit, kg).",
    "value_cny": "人民币元，不小于 0。\nIn yuan (CNY), zero or more.",
    "origin_country": "ISO 3166 两位字母代码（如 DE）或国家名称（如 德国）。\n"
    "ISO 3166 two-letter code (e.g. DE) or the country's name.",
    "order_no": "电商订单编号，同一企业内不得重复。\nThe e-commerce order number, unique within the enterprise.",
    "destination_country": "ISO 3166 两位字母代码（如 US）或国家名称。\n"
    "ISO 3166 two-letter code (e.g. US) or the country's name.",
}
_BATCH_EXAMPLES = (
    {"product": "ZJ2026P0000001", "quantity": "500", "unit": "件", "value_cny": "64500"},
    {
        "description": "婴儿纯棉连体衣",
        "hs_code": "6111200000",
        "quantity": "1200",
        "unit": "件",
        "value_cny": "96000",
        "origin_country": "SE",
    },
)
_EXPORT_EXAMPLES = (
    {"order_no": "YG20260301000123", "product": "ZJ2026P0000001", "destination_country": "US", "value_cny": "259"},
    {
        "order_no": "YG20260301000124",
        "description": "真丝围巾",
        "hs_code": "6214100090",
        "destination_country": "FR",
        "quantity": "2",
        "value_cny": "780",
    },
)


#: common spellings of the headings that are not the template's own
_HEADING_ALIASES = {"value_cny": ("货值", "value"), "cas_numbers": ("cas",), "un_number": ("un",)}


def _layout(columns: dict[str, str], required: tuple[str, ...]) -> tabular.Layout:
    return tabular.Layout(
        columns=tuple(
            tabular.Column(
                field,
                zh,
                aliases=_HEADING_ALIASES.get(field, ()),
                as_text=field in _DIGIT_FIELDS or field in ("product", "order_no"),
                width=24 if field in ("description", "order_no", "product") else 14,
            )
            for field, zh in columns.items()
        ),
        required=required,
        max_rows=MAX_ROWS,
    )


@dataclass(frozen=True)
class FileLayout:
    name: str
    columns: dict[str, str]
    required: tuple[str, ...]
    examples: tuple[dict[str, str], ...]
    sheet_title: str
    title: str

    @cached_property
    def table(self) -> tabular.Layout:
        return _layout(self.columns, self.required)


BATCH_LAYOUT = FileLayout(
    "import_batch_template",
    BATCH_COLUMNS,
    BATCH_REQUIRED,
    _BATCH_EXAMPLES,
    "进口申报 Import lines",
    "进口批次申报模板说明 Import batch template: instructions",
)
EXPORT_LAYOUT = FileLayout(
    "export_declaration_template",
    EXPORT_COLUMNS,
    EXPORT_REQUIRED,
    _EXPORT_EXAMPLES,
    "出口申报 Export orders",
    "出口全申报模板说明 Export declaration template: instructions",
)
_BOTH = _layout({**BATCH_COLUMNS, **EXPORT_COLUMNS}, ())


def column_heading(field: str, columns: dict[str, str] = BATCH_COLUMNS) -> str:
    """The bilingual heading of a template column, e.g. "货物描述 / description"."""
    zh = columns.get(field) or BATCH_COLUMNS.get(field) or EXPORT_COLUMNS.get(field)
    return f"{zh} / {field}" if zh else field


# --- templates ----------------------------------------------------------------------------------


def _template(layout: FileLayout, fmt: str) -> tuple[bytes, str, str]:
    guide = []
    for field in layout.columns:
        example = next((e[field] for e in layout.examples if e.get(field)), "")
        must = "是 Yes" if field in layout.required else ""
        guide.append([column_heading(field, layout.columns), must, _NOTES.get(field, ""), example])
    template = tabular.Template(
        layout=layout.table,
        name=layout.name,
        sheet_title=layout.sheet_title,
        title=layout.title,
        intro=(
            f"在第一个工作表中每行填写一行，第 1 行为表头，不要修改；空行将被跳过；每个文件最多 {MAX_ROWS} 行。"
            "整个文件全部通过校验才会申报。\n"
            f"One line a row on the first sheet under the header row (row 1, keep it); blank rows are "
            f"skipped; at most {MAX_ROWS} rows a file. Nothing is declared unless every row is valid."
        ),
        widths=(26, 16, 70, 24),
        sections=(
            tabular.Section(["列 Column", "必填 Required", "填写要求 Allowed values", "示例 Example"], guide),
            tabular.Section(
                ["示例行 Example rows"],
                [
                    [column_heading(f, layout.columns) for f in layout.columns],
                    *([example.get(f, "") for f in layout.columns] for example in layout.examples),
                ],
            ),
        ),
    )
    return tabular.template_file(template, fmt)


def batch_template(fmt: str) -> tuple[bytes, str, str]:
    """The blank import batch template: (content, content_type, filename); fmt "xlsx" or "csv"."""
    return _template(BATCH_LAYOUT, fmt)


def export_template(fmt: str) -> tuple[bytes, str, str]:
    """The blank export declaration template: (content, content_type, filename); fmt "xlsx" or "csv"."""
    return _template(EXPORT_LAYOUT, fmt)


# --- row errors ---------------------------------------------------------------------------------


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _row_error(number: int, errors: dict[str, list[str]], layout: FileLayout) -> ValidationError:
    return tabular.row_error(number, errors, layout.table)


def row_errors(error: ValidationError) -> list[dict[str, Any]] | None:
    """A refusal's row report as rows of {row, field, label, column, message}; None when it has none."""
    rows = tabular.row_errors_of(error)
    if rows is None:
        return None
    return [
        {
            "row": row["row"],
            "field": field,
            "label": FIELD_LABELS.get(field, field),
            "column": _BOTH.heading(field),
            "message": str(message),
        }
        for row in rows
        for field, messages in row["errors"].items()
        for message in messages
    ]


# --- reading ------------------------------------------------------------------------------------


def _read_table(upload: UploadedFile, layout: FileLayout) -> list[tuple[int, dict[str, Any]]]:
    """[(row number, {field: raw cell})] of the non-blank rows under the header."""
    try:
        return tabular.read_table(
            table_upload_rows(upload, wrong_type=_("Upload the filled-in template as an .xlsx or .csv file.")),
            layout.table,
            too_many=lambda most: (
                _("The file has more than %(max)d lines; split it into files of at most %(max)d rows.") % {"max": most}
            ),
            no_rows=_("The file has no lines under its header row."),
        )
    except TabularError as exc:
        raise _file_error(exc.message) from exc


class _CellReader:
    """Everything a file's rows need, loaded once: the enterprise's products, country names."""

    def __init__(self, enterprise: EnterpriseFiling) -> None:
        self.enterprise = enterprise
        self.countries = tabular.country_lookup()
        self.products_by_no = dict(
            ProductFiling.objects.filter(enterprise=enterprise).exclude(filing_no=None).values_list("filing_no", "pk")
        )

    def read(self, cells: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[str]]]:
        """The raw line a service takes, and the cell errors found on the way."""
        line: dict[str, Any] = {}
        errors: dict[str, list[str]] = {}
        for field, value in cells.items():
            if field == "used":
                flag = tabular.cell_boolean(value)
                if flag is None:
                    errors[field] = [tabular.boolean_error(value)]
                line[field] = bool(flag)
            elif field == "product":
                text = tabular.cell_digits(value)
                if not text:
                    continue
                if text.upper() in self.products_by_no:
                    line[field] = self.products_by_no[text.upper()]
                elif text.isascii() and text.isdigit() and len(text) <= 18:
                    line[field] = int(text)
                else:
                    errors[field] = [_("%(value)s is not the filing number of one of your products.") % {"value": text}]
            elif field in _NUMBER_FIELDS:
                line[field] = tabular.cell_decimal(value)
            elif field in _DIGIT_FIELDS:
                line[field] = tabular.cell_digits(value)
            elif field in _COUNTRY_FIELDS:
                line[field] = tabular.cell_country(value, self.countries)
            else:
                line[field] = tabular.cell_text(value)
        return line, errors


def _known_hs8() -> set[str]:
    return set(HSCode.objects.values_list("code", flat=True))


def _approved_products(enterprise: EnterpriseFiling) -> set[int]:
    return set(
        ProductFiling.objects.filter(enterprise=enterprise, status=FilingStatus.APPROVED).values_list("pk", flat=True)
    )


def _merge(errors: dict[str, list[str]], more: dict[str, list[str]]) -> None:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))


def _check_batch_lines(
    numbered: Sequence[tuple[int, dict[str, Any], dict[str, list[str]]]],
    *,
    enterprise: EnterpriseFiling,
    mode: str,
    known_hs8: Collection[str] | None = None,
) -> None:
    known_hs8 = _known_hs8() if known_hs8 is None else known_hs8
    approved = {
        p.pk: p
        for p in ProductFiling.objects.filter(enterprise=enterprise, status=FilingStatus.APPROVED).only(
            "pk", "hs_code", "cas_numbers", "un_number", "used"
        )
    }
    bad = []
    for number, raw, cell_errors in numbered:
        line, errors = clean_line(raw, known_hs8=known_hs8)
        if "product" in line and "product" not in errors and line["product"] not in approved:
            errors["product"] = [_("Only the enterprise's own approved products can be declared.")]
        elif mode == BatchMode.BONDED and not errors and not cell_errors:
            errors = bonded_line_errors(line, approved.get(line["product"]) if "product" in line else None)
        _merge(errors, cell_errors)
        if errors:
            bad.append(_row_error(number, errors, BATCH_LAYOUT))
    if bad:
        raise ValidationError({"rows": bad})


def batch_lines_check(
    lines: Sequence[dict[str, Any]], *, rows: Sequence[int], enterprise: EnterpriseFiling, mode: str = BatchMode.BONDED
) -> None:
    """Check lines entered on the page as ``import_batch_declare`` will, errors numbered by ``rows``.

    Raises ValidationError({"rows": [...]}) (read it with ``row_errors``).
    """
    _check_batch_lines([(n, line, {}) for n, line in zip(rows, lines, strict=True)], enterprise=enterprise, mode=mode)


@dataclass(frozen=True)
class FileLines:
    """The lines read from a file, each with its row in the spreadsheet."""

    lines: list[dict[str, Any]]
    rows: list[int]


def batch_file_read(upload: UploadedFile, *, enterprise: EnterpriseFiling, mode: str = BatchMode.BONDED) -> FileLines:
    """Read and check an import batch file: the ``items`` for ``import_batch_declare`` (of a batch in ``mode``).

    Raises ValidationError({"file": [msg]}) for a file-level problem (type, size, encoding, header,
    no rows, too many rows) or ValidationError({"rows": [...]}) listing every bad row.
    """
    records = _read_table(upload, BATCH_LAYOUT)
    reader = _CellReader(enterprise)
    numbered = []
    for number, cells in records:
        line, errors = reader.read(cells)
        numbered.append((number, line, errors))
    _check_batch_lines(numbered, enterprise=enterprise, mode=mode)
    return FileLines([line for _n, line, _e in numbered], [n for n, _l, _e in numbered])


def export_file_read(upload: UploadedFile, *, enterprise: EnterpriseFiling) -> FileLines:
    """Read and check an export declaration file: the ``declarations`` for ``export_declare``.

    The same refusals as ``batch_file_read``; an order number already declared is a row error too.
    """
    records = _read_table(upload, EXPORT_LAYOUT)
    reader = _CellReader(enterprise)
    known_hs8 = _known_hs8()
    approved = _approved_products(enterprise)
    numbered = []
    for number, cells in records:
        line, errors = reader.read(cells)
        if tabular.is_blank(line.get("quantity")):
            line["quantity"] = "1"  # as export_declare: one unless given
        numbered.append((number, line, errors))
    order_nos = [str(line.get("order_no") or "").strip()[:60] for _n, line, _e in numbered]
    existing: set[str] = set()
    wanted = sorted({no for no in order_nos if no})
    for start in range(0, len(wanted), _PARAM_BATCH):
        chunk = wanted[start : start + _PARAM_BATCH]
        existing.update(
            ExportDeclaration.objects.filter(enterprise=enterprise, order_no__in=chunk).values_list(
                "order_no", flat=True
            )
        )
    first_row: dict[str, int] = {}
    country_codes = set(dict(countries))
    bad = []
    for (number, raw, cell_errors), order_no in zip(numbered, order_nos, strict=True):
        line, errors = clean_line(raw, known_hs8=known_hs8)
        if "product" in line and "product" not in errors and line["product"] not in approved:
            errors["product"] = [_("Only the enterprise's own approved products can be declared.")]
        if not order_no:
            errors["order_no"] = [_("The order number is required.")]
        elif order_no in existing:
            errors["order_no"] = [_("Order %(no)s is already declared.") % {"no": order_no}]
        elif order_no in first_row:
            errors["order_no"] = [_("Row %(row)d has the same order number.") % {"row": first_row[order_no]}]
        else:
            first_row[order_no] = number
        destination = str(raw.get("destination_country") or "").strip().upper()
        if destination not in country_codes:
            errors["destination_country"] = [_("Give the destination as an ISO 3166 two-letter code, e.g. US.")]
        _merge(errors, cell_errors)
        if errors:
            bad.append(_row_error(number, errors, EXPORT_LAYOUT))
    if bad:
        raise ValidationError({"rows": bad})
    return FileLines([line for _n, line, _e in numbered], [n for n, _l, _e in numbered])

"""Tabular files (CSV and XLSX): reading them, checking their cells, writing their templates. Pure.

Every upload of rows (product filings in bulk, import batches, export declarations, catalogue
editions) reads its file here:
- ``decode_text``: UTF-8 (with or without BOM), else GB18030;
- ``table_rows``: the rows of a CSV text or of an XLSX workbook's first sheet (openpyxl in
  read-only mode, streamed);
- ``read_table``: the header row matched to a ``Layout``'s columns by their aliases (Chinese or
  English, any case, full-width or half-width, spaces ignored), then each non-blank row as
  ``(row number, {field: raw cell})`` with the spreadsheet's numbering (the header is row 1);
- typed cells (``cell_text``, ``cell_boolean``, ``cell_digits``, ``cell_decimal``, ``cell_country``,
  ``cell_list``) and row errors (``row_error``, ``row_errors_of``);
- ``xlsx_template`` and ``csv_template``: the blank template with bilingual headings, an
  instructions sheet and drop-down lists.

A problem with the file as a whole raises ``TabularError`` (``code`` says which, ``row`` where);
each caller turns it into its own refusal. No database access here.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from cbec_supervision.text import split_list

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
INSTRUCTIONS_SHEET = "说明 Instructions"

TRUE_WORDS = frozenset({"是", "yes", "true", "1", "y"})
FALSE_WORDS = frozenset({"否", "no", "false", "0", "n", ""})
_TRAILING_ZEROS = re.compile(r"^([0-9]+)\.0*$")
_SPACES = re.compile(r"\s+")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class TabularError(ValueError):
    """The file as a whole cannot be read. ``code``: ``not_xlsx``, ``not_text``, ``not_csv``,
    ``too_large``, ``duplicate_column``, ``unknown_columns``, ``missing_columns``, ``stray_value``, ``too_many_rows``,
    ``no_rows``; ``row``: the spreadsheet row at fault, when there is one."""

    def __init__(self, message: str, *, code: str, row: int | None = None, params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.row = row
        self.params = params or {}


# --- columns and layouts ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of a file: its field, its Chinese heading, the other headings it is known by."""

    field: str
    zh: str
    aliases: tuple[str, ...] = ()
    #: digits Excel likes to store as numbers (HS codes, GTINs): the template formats them as text
    as_text: bool = False
    width: int = 16

    @property
    def heading(self) -> str:
        """The bilingual heading of the template, e.g. "产品名称 / name"."""
        return f"{self.zh} / {self.field}" if self.zh else self.field


@dataclass(frozen=True)
class Layout:
    """The columns of one kind of file, and how strictly its header is read.

    ``strict``: an unknown heading, a column named twice, or a value under no heading refuses the
    file (templates the system hands out); otherwise they are ignored, the first column of a name
    kept (files published by others, with columns of their own).
    """

    columns: tuple[Column, ...]
    required: tuple[str, ...] = ()
    max_rows: int = 5000
    strict: bool = True
    _lookup: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            for form in (column.field, column.zh, f"{column.zh}/{column.field}", *column.aliases):
                if form:
                    self._lookup.setdefault(normalise(form), column.field)

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(c.field for c in self.columns)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    def heading(self, name: str) -> str:
        found = [c for c in self.columns if c.field == name]
        return found[0].heading if found else name

    def match(self, text: Any) -> str | None:
        """The field a heading names, or None."""
        return lookup_choice(str(text), self._lookup)


def normalise(text: Any) -> str:
    """A heading or a label as compared: full-width forms as half-width, no spaces, any case."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(text))).casefold()


def lookup_choice(text: str, lookup: Mapping[str, str]) -> str | None:
    """``lookup[normalise(text)]``; for "中文 / code" with one half spelled a little differently,
    the value both halves agree on; None when unknown."""
    key = normalise(text)
    if key in lookup:
        return lookup[key]
    parts = {lookup.get(part) for part in key.split("/") if part}
    parts.discard(None)
    return parts.pop() if len(parts) == 1 else None


# --- reading ------------------------------------------------------------------------------------


def decode_text(raw: bytes) -> str:
    """UTF-8 (a BOM is dropped), else GB18030; TabularError ``not_text`` otherwise."""
    encodings = ("utf-8-sig",) if raw.startswith(codecs.BOM_UTF8) else ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TabularError(_("The file is neither UTF-8 nor GB18030 text: save it as “CSV UTF-8”."), code="not_text")


def csv_rows(text: str) -> Iterator[list[str]]:
    """The rows of CSV text; the delimiter is the commonest of , ; and tab on the first line."""
    first_line = text.split("\n", 1)[0]
    # Excel writes commas, but in some locales semicolons; tab-separated text is pasted too.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as exc:
        raise TabularError(_("The file is not valid CSV: %(problem)s.") % {"problem": exc}, code="not_csv") from exc


#: what a damaged workbook raises from openpyxl, its zip reader or its XML parser (ParseError is a
#: SyntaxError), at opening or while its rows are read
_BROKEN_XLSX = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    KeyError,
    ValueError,
    IndexError,
    TypeError,
    AttributeError,
    SyntaxError,
    EOFError,
    OSError,
)
#: the most a workbook may hold once unzipped: a 20 MB upload can otherwise expand to gigabytes
XLSX_MAX_UNCOMPRESSED = 64 * 1024 * 1024


def _check_unzipped_size(stream: IO[bytes]) -> None:
    """Refuse a workbook whose members, unzipped, would exceed XLSX_MAX_UNCOMPRESSED (a zip bomb)."""
    try:
        with zipfile.ZipFile(stream) as archive:
            total = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise TabularError(_("The file could not be read as an Excel workbook (.xlsx)."), code="not_xlsx") from exc
    finally:
        stream.seek(0)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise TabularError(
            _(
                "The workbook is too large once unpacked (%(size)d MB; at most %(limit)d MB): "
                "split it into smaller files."
            )
            % {"size": total // (1024 * 1024), "limit": XLSX_MAX_UNCOMPRESSED // (1024 * 1024)},
            code="too_large",
        )


def xlsx_rows(stream: IO[bytes]) -> Iterator[tuple[Any, ...]]:
    """The rows of the workbook's first sheet, streamed (read-only mode); cells as stored values.

    A damaged workbook raises TabularError ``not_xlsx`` whether the damage shows at opening or in a
    row; one too large once unzipped raises ``too_large`` before anything is parsed.
    """
    _check_unzipped_size(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except _BROKEN_XLSX as exc:
        raise TabularError(_("The file could not be read as an Excel workbook (.xlsx)."), code="not_xlsx") from exc
    try:
        if workbook.worksheets:
            yield from workbook.worksheets[0].iter_rows(values_only=True)
    except _BROKEN_XLSX as exc:
        raise TabularError(_("The file could not be read as an Excel workbook (.xlsx)."), code="not_xlsx") from exc
    finally:
        workbook.close()


def is_xlsx(content: bytes, filename: str = "") -> bool:
    return content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx")


def table_rows(content: bytes, filename: str = "") -> Iterator[Sequence[Any]]:
    """The rows of a file: an XLSX workbook (by its name or its ZIP signature), else CSV text."""
    if is_xlsx(content, filename):
        return xlsx_rows(io.BytesIO(content))
    return csv_rows(decode_text(content))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_header(cells: Sequence[Any], layout: Layout) -> dict[int, str]:
    """Column index -> field of a header row; TabularError for unknown, repeated or missing headings."""
    columns: dict[int, str] = {}
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if is_blank(cell):
            continue
        name = layout.match(str(cell))
        if name is None:
            unknown.append(str(cell).strip())
            continue
        if name in seen:
            if not layout.strict:
                continue
            raise TabularError(
                _("Columns %(first)s and %(second)s both hold %(heading)s.")
                % {
                    "first": get_column_letter(seen[name] + 1),
                    "second": get_column_letter(index + 1),
                    "heading": layout.heading(name),
                },
                code="duplicate_column",
                row=1,
            )
        seen[name] = index
        columns[index] = name
    if unknown and layout.strict:
        raise TabularError(
            _("Unknown column headings: %(headings)s. Use the headings of the template.")
            % {"headings": ", ".join(f"“{h}”" for h in unknown)},
            code="unknown_columns",
            row=1,
            params={"unknown": unknown},
        )
    missing = [name for name in layout.required if name not in seen]
    if missing:
        raise TabularError(
            _("The file has no column %(headings)s.") % {"headings": ", ".join(layout.heading(f) for f in missing)},
            code="missing_columns",
            row=1,
            params={"missing": missing},
        )
    return columns


def read_table(
    rows: Iterable[Sequence[Any]],
    layout: Layout,
    *,
    too_many: Callable[[int], str] | None = None,
    no_rows: str | None = None,
    max_rows: int | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """``[(row number, {field: raw cell})]`` of the non-blank rows under the header row.

    The header is the first non-blank row. ``too_many(max_rows)`` and ``no_rows`` word the refusals
    of a file with more than ``max_rows`` rows (default ``layout.max_rows``) or none, in the caller's terms.
    """
    most = layout.max_rows if max_rows is None else max_rows
    columns: dict[int, str] | None = None
    records: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(rows, start=1):
        if all(is_blank(cell) for cell in cells):
            continue
        if columns is None:
            columns = read_header(cells, layout)
            continue
        if layout.strict:
            stray = [i for i, cell in enumerate(cells) if i not in columns and not is_blank(cell)]
            if stray:
                raise TabularError(
                    _("Column %(column)s has values but no heading (row %(row)d).")
                    % {"column": get_column_letter(stray[0] + 1), "row": number},
                    code="stray_value",
                    row=number,
                )
        if len(records) >= most:
            message = too_many(most) if too_many else _("The file has more than %(max)d rows.") % {"max": most}
            raise TabularError(message, code="too_many_rows", row=number)
        records.append((number, {name: cells[i] if i < len(cells) else None for i, name in columns.items()}))
    if not records:
        raise TabularError(no_rows or _("The file has no rows under its header row."), code="no_rows")
    return records


# --- typed cells --------------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text; numbers Excel stored as floats lose their ".0", dates read as ISO dates."""
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


def cell_digits(value: Any) -> str:
    """A code of digits (HS code, GTIN, UN number) as typed, also when stored as the number 1203.0."""
    return _TRAILING_ZEROS.sub(r"\1", cell_text(value))


def cell_boolean(value: Any) -> bool | None:
    """是/否, yes/no, true/false, 1/0, Y/N (empty is no); None when the cell says neither."""
    if isinstance(value, bool):
        return value
    word = cell_text(value).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def boolean_error(value: Any) -> str:
    return _("“%(value)s” is not yes or no: write 是/否, yes/no, true/false, 1/0 or Y/N.") % {"value": cell_text(value)}


def cell_decimal(value: Any) -> str:
    """A number cell as text read exactly (12.3 stays "12.3", not 12.2999…); thousands separators dropped."""
    if isinstance(value, bool) or value is None:
        return cell_text(value)
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    if isinstance(value, int):
        return str(value)
    return cell_text(value).replace(",", "").replace("，", "")


def cell_list(value: Any) -> list[str]:
    """A list cell ("a; b、c"): its items."""
    return split_list(cell_text(value))


def country_lookup() -> dict[str, str]:
    """Country names in Chinese and English (normalised) -> ISO 3166 alpha-2 code."""
    lookup: dict[str, str] = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for code, name in countries:
                lookup.setdefault(normalise(name), code)
    return lookup


def cell_country(value: Any, lookup: Mapping[str, str]) -> str:
    """A country by its code or its name (德国, Germany); unchanged when unknown (the checks say so)."""
    text = cell_text(value)
    return lookup.get(normalise(text), text) if text else ""


def choice_lookup(choices: Iterable[Any]) -> dict[str, str]:
    """Codes and labels (Chinese and English, normalised) of TextChoices -> code."""
    lookup: dict[str, str] = {}
    for choice in choices:
        lookup[normalise(choice.value)] = choice.value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                lookup.setdefault(normalise(choice.label), choice.value)
    return lookup


def cell_choice(value: Any, lookup: Mapping[str, str]) -> str:
    """The code for a code, a label or "label / code"; unchanged when unknown (the checks say so)."""
    text = cell_text(value)
    return (lookup_choice(text, lookup) or text) if text else ""


# --- row errors ---------------------------------------------------------------------------------


def row_error(number: int, errors: Mapping[str, list[str]], layout: Layout) -> ValidationError:
    """One row's errors as one ValidationError reading "Row n: heading: message; ...", whose
    ``params`` keep the row number and the errors per field (read them with ``row_errors_of``)."""
    problems = "; ".join(f"{layout.heading(name)}: {' '.join(messages)}" for name, messages in errors.items())
    return ValidationError(
        _("Row %(row)d: %(problems)s"),
        code="row",
        params={"row": number, "errors": dict(errors), "problems": problems},
    )


def row_errors_of(error: ValidationError) -> list[dict[str, Any]] | None:
    """``[{"row": n, "errors": {field: [messages]}}]`` of a ValidationError({"rows": [...]}); None without."""
    if not (hasattr(error, "error_dict") and "rows" in error.error_dict):
        return None
    return [
        {"row": item.params["row"], "errors": item.params["errors"]}
        for item in error.error_dict["rows"]
        if item.params and "row" in item.params
    ]


# --- templates ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A table on the instructions sheet; ``drop_down_for`` fields offer its first column as a list."""

    heading: Sequence[str]
    rows: Sequence[Sequence[Any]]
    drop_down_for: tuple[str, ...] = ()
    filled: bool = False


@dataclass(frozen=True)
class Template:
    """What the blank template of a layout holds besides its headings."""

    layout: Layout
    name: str
    sheet_title: str
    title: str
    intro: str
    widths: Sequence[int]
    #: the instructions sheet's tables, in order (the first is the column guide)
    sections: Sequence[Section] = ()
    #: field -> the values offered in its drop-down list
    choices: Mapping[str, Sequence[str]] = field(default_factory=dict)


def xlsx_template(template: Template) -> bytes:
    """The template as an XLSX workbook: the headings on the first sheet, the instructions on the second."""
    layout = template.layout
    workbook = Workbook()
    sheet = cast(Worksheet, workbook.active)
    sheet.title = template.sheet_title
    for index, column in enumerate(layout.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.heading)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        if column.as_text:
            # Text format, so that Excel keeps leading zeros and long numbers as typed.
            sheet.column_dimensions[letter].number_format = "@"
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"

    info = workbook.create_sheet(INSTRUCTIONS_SHEET)
    for index, width in enumerate(template.widths, start=1):
        info.column_dimensions[get_column_letter(index)].width = width
    info.append([template.title])
    info["A1"].font = Font(bold=True, size=14)
    info.append([template.intro])
    info["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    info.merge_cells(f"A2:{get_column_letter(max(len(template.widths), 1))}2")
    info.row_dimensions[2].height = 48
    lists: dict[str, str] = {}
    for number, section in enumerate(template.sections):
        info.append([])
        info.append(list(section.heading))
        for cell in info[info.max_row]:
            cell.font = _HEADER_FONT
            if number == 0 or section.filled:
                cell.fill = _HEADER_FILL
        first = info.max_row + 1
        for row in section.rows:
            info.append(list(row))
            if number == 0:
                for cell in info[info.max_row]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for name in section.drop_down_for:
            lists[name] = f"'{INSTRUCTIONS_SHEET}'!$A${first}:$A${info.max_row}"
    for name, values in template.choices.items():
        lists[name] = '"' + ",".join(values) + '"'

    # Drop-downs help; they do not forbid other spellings the reading understands (codes, labels).
    letters = {column.field: get_column_letter(i) for i, column in enumerate(layout.columns, start=1)}
    for name, formula in lists.items():
        validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        validation.add(f"{letters[name]}2:{letters[name]}{layout.max_rows + 1}")
        sheet.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_template(layout: Layout) -> bytes:
    """The template as CSV: the heading row, UTF-8 with a BOM (so Excel reads the Chinese as UTF-8)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([c.heading for c in layout.columns])
    return codecs.BOM_UTF8 + buffer.getvalue().encode("utf-8")


def template_file(template: Template, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the template as "xlsx" or "csv"; ValueError otherwise."""
    if fmt == "xlsx":
        return xlsx_template(template), XLSX_CONTENT_TYPE, f"{template.name}.xlsx"
    if fmt == "csv":
        return csv_template(template.layout), CSV_CONTENT_TYPE, f"{template.name}.csv"
    raise ValueError(f"unknown template format {fmt!r}; use 'xlsx' or 'csv'")

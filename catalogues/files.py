"""Reading a catalogue edition from the authority's file (CSV in UTF-8 or GB18030, or XLSX). Pure.

Layouts, as the authority publishes them:
- chemical lists: ``序号,品名,别名,CAS号,备注`` (``剧毒`` in 备注 marks a highly toxic entry);
- the dangerous goods list: ``UN号,名称,类别`` (or the UN list's ``number,description,class``);
- HS-based lists: ``HS编码,名称,备注`` (an HS code of 4 to 10 digits matches every code starting with it).

Any malformed row stops the whole file with its row number (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import casrn
from stdnum.exceptions import ValidationError as StdnumError

CHEMICAL = "chemical"
DANGEROUS = "dangerous"
HS = "hs"

LAYOUT_OF_KIND = {
    "hazardous_chemicals": CHEMICAL,
    "precursor_chemicals": CHEMICAL,
    "restricted_toxic": CHEMICAL,
    "dangerous_goods": DANGEROUS,
    "prohibited_goods": HS,
    "legal_inspection": HS,
    "compulsory_certification": HS,
}
# column -> the headers accepted for it, per layout
HEADERS = {
    CHEMICAL: {"seq": ("序号",), "name": ("品名",), "aliases": ("别名",), "cas": ("CAS号", "CAS"), "remark": ("备注",)},
    DANGEROUS: {"un_number": ("UN号", "number"), "name": ("名称", "description"), "category": ("类别", "class")},
    HS: {"hs_prefix": ("HS编码",), "name": ("名称",), "remark": ("备注",)},
}
REQUIRED = {CHEMICAL: ("name",), DANGEROUS: ("un_number", "name"), HS: ("name",)}
ALIAS_SPLIT = re.compile(r"[；;、]")
MAX_ROWS = 100_000


class CatalogueFileError(ValueError):
    """The file cannot be loaded; ``row`` is the spreadsheet row at fault (None for the whole file)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(_("row %(row)d: %(message)s") % {"row": row, "message": message} if row else message)
        self.row = row
        self.message = message


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    row: int
    seq: str
    name: str
    aliases: tuple[str, ...] = ()
    cas: str = ""
    un_number: str = ""
    hs_prefix: str = ""
    category: str = ""
    remark: str = ""
    highly_toxic: bool = False


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(content: bytes, filename: str) -> list[list[str]]:
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # noqa: BLE001 - any unreadable workbook is the same error to the user
            raise CatalogueFileError(
                _("not a readable XLSX workbook (%(error)s)") % {"error": exc.__class__.__name__}
            ) from None
        sheet = workbook.worksheets[0]
        rows = [[_cell(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CatalogueFileError(_("the file is neither UTF-8 nor GB18030 text, nor an XLSX workbook"))
    if "\x00" in text:
        raise CatalogueFileError(_("the file is not text"))
    return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]


def _columns(header: list[str], layout: str) -> dict[str, int]:
    wanted = HEADERS[layout]
    positions: dict[str, int] = {}
    normalised = [h.strip().lstrip("\ufeff") for h in header]
    for column, names in wanted.items():
        for name in names:
            if name in normalised:
                positions[column] = normalised.index(name)
                break
    missing = [wanted[c][0] for c in REQUIRED[layout] if c not in positions]
    if missing:
        expected = ",".join(names[0] for names in wanted.values())
        raise CatalogueFileError(
            _("the header must be %(expected)s; missing %(missing)s")
            % {"expected": expected, "missing": ", ".join(missing)},
            row=1,
        )
    return positions


def parse_catalogue(kind: str, content: bytes, filename: str = "") -> list[ParsedEntry]:
    """Every entry of the file, checked; raises CatalogueFileError at the first bad row."""
    layout = LAYOUT_OF_KIND.get(kind)
    if layout is None:
        raise CatalogueFileError(_("unknown catalogue kind %(kind)s") % {"kind": kind})
    rows = _rows(content, filename)
    if not rows:
        raise CatalogueFileError(_("the file is empty"))
    positions = _columns(rows[0], layout)
    entries: list[ParsedEntry] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        if not any(raw):
            continue
        if len(entries) >= MAX_ROWS:
            raise CatalogueFileError(_("more than %(n)d rows") % {"n": MAX_ROWS}, row=number)
        values = {c: (raw[i] if i < len(raw) else "") for c, i in positions.items()}
        entries.append(_entry(layout, kind, values, number, seen))
    if not entries:
        raise CatalogueFileError(_("the file has a header but no entries"))
    return entries


def _entry(layout: str, kind: str, values: dict[str, str], row: int, seen: dict[str, int]) -> ParsedEntry:
    name = values.get("name", "")
    if not name:
        raise CatalogueFileError(_("the name is empty"), row=row)
    if layout == CHEMICAL:
        cas = values.get("cas", "")
        if cas:
            try:
                cas = casrn.validate(cas)
            except StdnumError:
                raise CatalogueFileError(_("%(value)s is not a valid CAS number") % {"value": cas}, row=row) from None
        aliases = tuple(a.strip() for a in ALIAS_SPLIT.split(values.get("aliases", "")) if a.strip())
        remark = values.get("remark", "")
        return ParsedEntry(
            row, values.get("seq", ""), name, aliases, cas=cas, remark=remark, highly_toxic="剧毒" in remark
        )
    if layout == DANGEROUS:
        un = re.sub(r"^UN\s*", "", values["un_number"].upper())
        if un.isdigit() and len(un) < 4:
            un = un.zfill(4)  # a spreadsheet that stored 0004 as the number 4
        if not re.fullmatch(r"[0-9]{4}", un):
            raise CatalogueFileError(
                _("%(value)s is not a four-digit UN number") % {"value": values["un_number"]}, row=row
            )
        if un in seen:
            raise CatalogueFileError(
                _("UN %(un)s is listed twice (also on row %(other)d)") % {"un": un, "other": seen[un]}, row=row
            )
        seen[un] = row
        return ParsedEntry(row, un, name, un_number=un, category=values.get("category", ""))
    hs = re.sub(r"[\s.]", "", values.get("hs_prefix", ""))
    if hs and not re.fullmatch(r"[0-9]{4,10}", hs):
        raise CatalogueFileError(
            _("%(value)s is not an HS code of 4 to 10 digits") % {"value": values.get("hs_prefix")}, row=row
        )
    if not hs and kind != "prohibited_goods":
        raise CatalogueFileError(_("the HS code is empty"), row=row)
    return ParsedEntry(row, hs, name, hs_prefix=hs, remark=values.get("remark", ""))

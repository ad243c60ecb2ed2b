"""Reading a catalogue edition from the authority's file (CSV in UTF-8 or GB18030, or XLSX). Pure.

Layouts, as the authority publishes them:
- chemical lists: ``序号,品名,别名,CAS号,备注`` (``剧毒`` in 备注 marks a highly toxic entry);
- the dangerous goods list: ``UN号,名称,类别`` (or the UN list's ``number,description,class``);
- HS-based lists: ``HS编码,名称,备注`` (an HS code of 4 to 10 digits matches every code starting with it).

Any malformed row stops the whole file with its row number (the header is row 1).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from stdnum import casrn
from stdnum.exceptions import ValidationError as StdnumError

from cbec_supervision import tabular
from cbec_supervision.tabular import TabularError

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
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
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


#: each layout's columns for ``cbec_supervision.tabular``: the first header named is the published one
LAYOUTS = {
    layout: tabular.Layout(
        columns=tuple(tabular.Column(column, names[0], aliases=names[1:]) for column, names in headers.items()),
        required=REQUIRED[layout],
        max_rows=MAX_ROWS,
        strict=False,  # the authority's files may carry columns of their own
    )
    for layout, headers in HEADERS.items()
}


def _rows(content: bytes, filename: str) -> list[Any]:
    if tabular.is_xlsx(content, filename):
        try:
            return list(tabular.xlsx_rows(io.BytesIO(content)))
        except TabularError as exc:
            cause = exc.__cause__ or exc
            raise CatalogueFileError(
                _("not a readable XLSX workbook (%(error)s)") % {"error": cause.__class__.__name__}
            ) from None
    try:
        text = tabular.decode_text(content)
    except TabularError:
        raise CatalogueFileError(_("the file is neither UTF-8 nor GB18030 text, nor an XLSX workbook")) from None
    if "\x00" in text:
        raise CatalogueFileError(_("the file is not text"))
    try:
        return list(tabular.csv_rows(text))
    except TabularError as exc:
        raise CatalogueFileError(exc.message) from None


def _records(rows: list[Any], layout: str) -> list[tuple[int, dict[str, str]]]:
    """(row number, {column: text}) of each entry row, the header matched by ``tabular``."""
    try:
        records = tabular.read_table(
            rows,
            LAYOUTS[layout],
            too_many=lambda most: _("more than %(n)d rows") % {"n": most},
            no_rows=_("the file has a header but no entries"),
        )
    except TabularError as exc:
        if exc.code == "missing_columns":
            wanted = HEADERS[layout]
            expected = ",".join(names[0] for names in wanted.values())
            missing = ", ".join(wanted[c][0] for c in exc.params["missing"])
            raise CatalogueFileError(
                _("the header must be %(expected)s; missing %(missing)s") % {"expected": expected, "missing": missing},
                row=1,
            ) from None
        raise CatalogueFileError(exc.message, row=exc.row) from None
    return [(number, {c: tabular.cell_text(v) for c, v in cells.items()}) for number, cells in records]


def parse_catalogue(kind: str, content: bytes, filename: str = "") -> list[ParsedEntry]:
    """Every entry of the file, checked; raises CatalogueFileError at the first bad row."""
    layout = LAYOUT_OF_KIND.get(kind)
    if layout is None:
        raise CatalogueFileError(_("unknown catalogue kind %(kind)s") % {"kind": kind})
    rows = _rows(content, filename)
    if all(tabular.is_blank(cell) for row in rows for cell in row):
        raise CatalogueFileError(_("the file is empty"))
    seen: dict[str, int] = {}
    return [_entry(layout, kind, values, number, seen) for number, values in _records(rows, layout)]


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

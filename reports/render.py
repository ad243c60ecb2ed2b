"""The downloads of a half-yearly report, drawn from its figures dict alone (no database): JSON, XLSX
(openpyxl: a summary sheet and one sheet per section, charts where they help) and PDF (reportlab with the
built-in CJK font ``STSong-Light``: a cover page, a table per section, page numbers).

Sections are rendered generically: a section is a dict whose plain values make a two-column table,
whose dicts of numbers (``by_channel``) make a table each (with a bar chart in the XLSX), whose dicts of
dicts make a table with a column per inner key, and whose lists of dicts (``major_cases``) a table with a
column per key; keys the figures module adds later print without a change here."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

from reports.periods import SHANGHAI

LANGUAGE = "zh-hans"
#: the keys that describe the report rather than make a section (the links to the lists behind the figures
#: and the window are for the JSON and the pages, not for print)
META_KEYS = ("period", "bureau", "generated_at", "window", "links")

LABELS: dict[str, Promise] = {
    "period": pgettext_lazy("report", "Period"),
    "bureau": pgettext_lazy("report", "Bureau"),
    "generated_at": pgettext_lazy("report", "Generated at"),
    "filings": pgettext_lazy("report", "Filings"),
    "imports": pgettext_lazy("report", "Imports"),
    "exports": pgettext_lazy("report", "Export declarations"),
    "sampling": pgettext_lazy("report", "Sampling"),
    "risk_signals": pgettext_lazy("report", "Risk signals"),
    "investigations": pgettext_lazy("report", "Investigations"),
    "measures": pgettext_lazy("report", "Measures"),
    "counterfeit": pgettext_lazy("report", "Anti-counterfeiting"),
    "major_cases": pgettext_lazy("report", "Major cases"),
    "previous_period": pgettext_lazy("report", "Previous period"),
    "comparison": pgettext_lazy("report", "Comparison with the previous half-year"),
    "bureaus": pgettext_lazy("report", "Bureaus"),
    "total": pgettext_lazy("report", "Total"),
    "failed": pgettext_lazy("report", "Failed"),
    "nonconformity_rate": pgettext_lazy("report", "Non-conformity rate"),
    "by_channel": pgettext_lazy("report", "By channel"),
    "by_source": pgettext_lazy("report", "By source"),
    "by_type": pgettext_lazy("report", "By type"),
    "by_category": pgettext_lazy("report", "By category"),
    "by_mode": pgettext_lazy("report", "By mode"),
    "by_tier": pgettext_lazy("report", "By tier"),
    "by_lab": pgettext_lazy("report", "By laboratory"),
    "by_level": pgettext_lazy("report", "By level"),
    "by_bureau": pgettext_lazy("report", "By bureau"),
    "kind": pgettext_lazy("report", "Kind"),
    "case_no": pgettext_lazy("report", "Case number"),
    "title": pgettext_lazy("report", "Title"),
    "reported_at": pgettext_lazy("report", "Reported at"),
    "new": pgettext_lazy("report", "New"),
    "cumulative": pgettext_lazy("report", "Cumulative"),
    "revoked": pgettext_lazy("report", "Revoked"),
    "opened": pgettext_lazy("report", "Opened"),
    "closed": pgettext_lazy("report", "Closed"),
    "transferred": pgettext_lazy("report", "Transferred"),
    "value_cny": pgettext_lazy("report", "Value (CNY)"),
    "current": pgettext_lazy("report", "This period"),
    "previous": pgettext_lazy("report", "Previous period"),
    "change": pgettext_lazy("report", "Change"),
    "enterprises": pgettext_lazy("report", "Enterprises"),
    "products": pgettext_lazy("report", "Products"),
    "batches": pgettext_lazy("report", "Import batches"),
    "items": pgettext_lazy("report", "Declared items"),
    "export_declarations": pgettext_lazy("report", "Export declarations"),
    "unclassified": pgettext_lazy("report", "Not tiered (direct mail)"),
    "by_status": pgettext_lazy("report", "By status"),
    "by_severity": pgettext_lazy("report", "By severity"),
    "pending": pgettext_lazy("report", "Pending"),
    "failing_test_items": pgettext_lazy("report", "Failing test items"),
    "test_item": pgettext_lazy("report", "Test item"),
    "count": pgettext_lazy("report", "Count"),
    "lab": pgettext_lazy("report", "Laboratory"),
    "lab_id": pgettext_lazy("report", "Laboratory id"),
    "issued": pgettext_lazy("report", "Issued"),
    "completed": pgettext_lazy("report", "Completed"),
    "completed_on_time": pgettext_lazy("report", "Completed on time"),
    "overdue": pgettext_lazy("report", "Overdue"),
    "by_type_detail": pgettext_lazy("report", "By type, in detail"),
    "mean_days_to_close": pgettext_lazy("report", "Mean days to close"),
    "median_days_to_close": pgettext_lazy("report", "Median days to close"),
    "leads": pgettext_lazy("report", "Leads"),
    "leads_by_channel": pgettext_lazy("report", "Leads by channel"),
    "cases_opened": pgettext_lazy("report", "Cases opened"),
    "cases_closed": pgettext_lazy("report", "Cases closed"),
    "penalties_decided": pgettext_lazy("report", "Penalties decided"),
    "fines_cny": pgettext_lazy("report", "Fines (CNY)"),
    "goods_value_cny": pgettext_lazy("report", "Value of the goods (CNY)"),
    "illegal_gains_cny": pgettext_lazy("report", "Illegal gains confiscated (CNY)"),
    "id": pgettext_lazy("report", "Id"),
}


@cache
def _choice_labels() -> dict[str, Promise]:
    """The values the figures count by (an enterprise type, a goods category, a batch status, a signal source
    …) with the labels their apps give them; the first set that knows a value names it."""
    from anticounterfeit.choices import CaseStatus, LeadChannel
    from filings.choices import EnterpriseType, GoodsCategory
    from imports.choices import BatchMode, BatchStatus
    from risk_monitoring.choices import SamplingChannel, Severity, SignalSource, SignalStatus
    from traceability.choices import MeasureType

    labels: dict[str, Promise] = {}
    for choices in (
        EnterpriseType,
        GoodsCategory,
        BatchMode,
        BatchStatus,
        SamplingChannel,
        SignalSource,
        Severity,
        SignalStatus,
        MeasureType,
        LeadChannel,
        CaseStatus,
    ):
        for value, text in choices.choices:
            labels.setdefault(str(value), text)
    return labels


Scalar = str | int | float | bool | None


def label(key: object) -> str:
    """The heading of a key: its translation when known (a figure's name, or a value it counts by), else
    the key made readable."""
    text = LABELS.get(str(key))
    if text is None:
        text = _choice_labels().get(str(key))
    return str(text) if text is not None else str(key).replace("_", " ")


_RANK = {key: n for n, key in enumerate(LABELS)}


def ordered(value: dict) -> dict:
    """The keys in the order of LABELS (the report's outline), the others after in their own order: the
    figures come back from a JSON column with their keys sorted by length."""
    keys = sorted(enumerate(value), key=lambda pair: (_RANK.get(str(pair[1]), len(_RANK)), pair[0]))
    return {key: value[key] for _n, key in keys}


def _is_scalar(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def _cell(value: Any) -> Scalar:
    if _is_scalar(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, list) and all(_is_scalar(v) for v in value):
        return ", ".join("" if v is None else str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, default=str)


@dataclass
class Block:
    """One table of a section: a title, the header row and the rows; ``chart``: a label/number table."""

    title: str
    header: list[str]
    rows: list[list[Scalar]] = field(default_factory=list)
    chart: bool = False


def _flatten(value: dict, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, item in ordered(value).items():
        name = f"{prefix}{label(key)}"
        if isinstance(item, dict) and item and not all(_is_scalar(v) for v in item.values()):
            yield from _flatten(item, f"{name} / ")
        elif isinstance(item, dict):
            yield from ((f"{name} / {label(k)}", v) for k, v in item.items())
        else:
            yield name, item


def blocks(section: Any, title: str) -> list[Block]:
    """The tables of one section, whatever its shape."""
    figure, value = pgettext("report", "Figure"), pgettext("report", "Value")
    if isinstance(section, list):
        if not section:  # e.g. no major case: the section says so (see the renderers), no empty table
            return []
        if all(isinstance(row, dict) for row in section):
            keys: list[str] = []
            for row in section:
                keys.extend(k for k in row if k not in keys)
            keys = list(ordered(dict.fromkeys(keys)))
            rows = [
                [_cell(_when(row.get(k)) if str(k).endswith("_at") else row.get(k)) for k in keys] for row in section
            ]
            return [Block(title, [label(k) for k in keys], rows)]
        return [Block(title, [value], [[_cell(v)] for v in section])]
    if not isinstance(section, dict):
        return [Block(title, [figure, value], [[title, _cell(section)]])]
    plain = Block(title, [figure, value])
    result = [plain]
    for key, item in ordered(section).items():
        if isinstance(item, dict) and item and all(_is_scalar(v) for v in item.values()):
            numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in item.values())
            result.append(
                Block(
                    f"{title} / {label(key)}",
                    [label(key), value],
                    [[label(k), v] for k, v in item.items()],
                    chart=numeric and len(item) >= 2,
                )
            )
        elif isinstance(item, dict) and item and all(isinstance(v, dict) for v in item.values()):
            inner: list[str] = []
            for row in item.values():
                inner.extend(k for k in row if k not in inner)
            inner = list(ordered(dict.fromkeys(inner)))
            if all(_is_scalar(row.get(k)) for row in item.values() for k in inner):
                result.append(
                    Block(
                        f"{title} / {label(key)}",
                        [label(key), *(label(k) for k in inner)],
                        [[label(name), *(_cell(row.get(k)) for k in inner)] for name, row in item.items()],
                    )
                )
            else:
                plain.rows.extend([[n, _cell(v)] for n, v in _flatten({key: item})])
        elif isinstance(item, list) and item and all(isinstance(v, dict) for v in item):
            result.extend(blocks(item, f"{title} / {label(key)}"))
        elif isinstance(item, dict):
            plain.rows.extend([[n, _cell(v)] for n, v in _flatten({key: item})])
        else:
            plain.rows.append([label(key), _cell(item)])
    return [b for b in result if b.rows]


def sections(figures: dict) -> list[tuple[str, str, list[Block]]]:
    """(key, title, tables) of every section of the figures, in their order."""
    return [
        (key, label(key), blocks(value, label(key))) for key, value in ordered(figures).items() if key not in META_KEYS
    ]


def _when(value: Any) -> str:
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return str(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.strftime("%Y-%m-%d %H:%M")
        return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return "-" if value is None else str(value)


def _bureau(figures: dict) -> str:
    bureau = figures.get("bureau")
    if isinstance(bureau, dict):
        return " ".join(str(bureau.get(k)) for k in ("code", "name") if bureau.get(k))
    return str(bureau) if bureau else pgettext("report", "National")


def meta(figures: dict) -> list[tuple[str, str]]:
    return [
        (pgettext("report", "Period"), str(figures.get("period", ""))),
        (pgettext("report", "Bureau"), _bureau(figures)),
        (pgettext("report", "Generated at (Beijing time)"), _when(figures.get("generated_at"))),
    ]


def _number(value: object) -> str:
    """Numbers as people read them: thousands separated, at most 4 significant decimals below 100."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.2f}" if abs(value) >= 100 else f"{value:.4g}"


def render_json(figures: dict) -> bytes:
    """The figures, pretty-printed UTF-8 JSON."""
    return json.dumps(ordered(figures), ensure_ascii=False, indent=2, default=str).encode("utf-8")


def _sheet_title(text: str, used: set[str]) -> str:
    clean = "".join(" " if c in "[]:*?/\\" else c for c in text)[:28].strip() or "-"
    name, n = clean, 2
    while name.lower() in used:
        name, n = f"{clean[:26]}-{n}", n + 1
    used.add(name.lower())
    return name


def render_xlsx(figures: dict, *, language: str = LANGUAGE) -> bytes:
    """The report as a workbook: a summary sheet (the report's period, bureau and time, and each
    section's headline figures), then one sheet per section, its tables one under the other, with a
    bar chart beside each breakdown of numbers."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold, title_font = Font(bold=True), Font(bold=True, size=14)
    fill = PatternFill("solid", fgColor="DDEBF7")
    with translation.override(language):
        workbook = Workbook()
        summary = workbook.active
        assert summary is not None
        used: set[str] = set()
        summary.title = _sheet_title(pgettext("report", "Summary"), used)
        summary.append([pgettext("report", "Half-yearly statistics report")])
        summary["A1"].font = title_font
        for name, value in meta(figures):
            summary.append([name, value])
        summary.append([])
        summary.append([pgettext("report", "Section"), pgettext("report", "Figure"), pgettext("report", "Value")])
        for cell in summary[summary.max_row]:
            cell.font, cell.fill = bold, fill
        parts = sections(figures)
        for key, title, tables in parts:
            if tables and tables[0].title == title and isinstance(figures[key], dict):
                for row in tables[0].rows:
                    summary.append([title, *row])
        summary.column_dimensions["A"].width = 28
        summary.column_dimensions["B"].width = 40
        summary.column_dimensions["C"].width = 22

        for _key, title, tables in parts:
            sheet = workbook.create_sheet(_sheet_title(title, used))
            widths: dict[int, int] = {}
            row_at = 1
            for table in tables:
                sheet.cell(row=row_at, column=1, value=table.title).font = Font(bold=True, size=12)
                header_row = row_at + 1
                for col, text in enumerate(table.header, start=1):
                    cell = sheet.cell(row=header_row, column=col, value=text)
                    cell.font, cell.fill = bold, fill
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                    widths[col] = max(widths.get(col, 0), len(str(text)) * 2)
                for offset, row in enumerate(table.rows, start=1):
                    for col, item in enumerate(row, start=1):
                        cell = sheet.cell(row=header_row + offset, column=col, value=item)
                        if isinstance(item, float):
                            cell.number_format = "0.00%" if "rate" in str(row[0]).lower() else "0.00"
                        widths[col] = max(widths.get(col, 0), min(len(str(item)) * 2, 60))
                last = header_row + len(table.rows)
                if table.chart:
                    chart = BarChart()
                    chart.title = table.title
                    chart.legend = None
                    chart.height, chart.width = 6.5, 12
                    chart.add_data(Reference(sheet, min_col=2, min_row=header_row, max_row=last), titles_from_data=True)
                    chart.set_categories(Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last))
                    sheet.add_chart(chart, f"{get_column_letter(len(table.header) + 2)}{row_at}")
                    last = max(last, row_at + 14)
                row_at = last + 2
            for col, width in widths.items():
                sheet.column_dimensions[get_column_letter(col)].width = max(12, min(width + 2, 60))
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


FONT = "STSong-Light"


def render_pdf(figures: dict, *, language: str = LANGUAGE) -> bytes:
    """The report as a PDF: a cover page (title, period, bureau, generated at in Beijing time), then a
    heading and tables per section; page numbers in the footer. Chinese with reportlab's CJK font."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import LongTable, PageBreak, Paragraph, SimpleDocTemplate, Spacer, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    cover_style = ParagraphStyle("cover", fontName=FONT, fontSize=24, leading=32, alignment=1, spaceAfter=12)
    sub_style = ParagraphStyle("sub", fontName=FONT, fontSize=13, leading=20, alignment=1)
    heading_style = ParagraphStyle("heading", fontName=FONT, fontSize=14, leading=18, spaceBefore=8, spaceAfter=4)
    table_title = ParagraphStyle("tabletitle", fontName=FONT, fontSize=10.5, leading=14, spaceBefore=4, spaceAfter=2)
    cell_style = ParagraphStyle("cell", fontName=FONT, fontSize=8.5, leading=11)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDEBF7")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def para(text: object, style: ParagraphStyle = cell_style) -> Paragraph:
        shown = "-" if text is None or text == "" else _number(text)
        return Paragraph(escape(shown[:1500]).replace("\n", "<br/>"), style)

    with translation.override(language):
        footer = pgettext("report", "Page %(page)s")

        def number(canvas: Any, document: Any) -> None:
            canvas.saveState()
            canvas.setFont(FONT, 8)
            canvas.drawCentredString(A4[0] / 2, 10 * mm, footer % {"page": document.page})
            canvas.restoreState()

        story: list[Any] = [
            Spacer(1, 60 * mm),
            Paragraph(escape(pgettext("report", "Half-yearly statistics report")), cover_style),
        ]
        story += [Paragraph(escape(f"{name}: {value}"), sub_style) for name, value in meta(figures)]
        story.append(PageBreak())
        width = A4[0] - 36 * mm
        for _key, title, tables in sections(figures):
            story.append(Paragraph(escape(title), heading_style))
            if not tables:
                story.append(Paragraph(escape(pgettext("report", "None in this period.")), table_title))
            for table in tables:
                if table.title != title:
                    story.append(Paragraph(escape(table.title), table_title))
                columns = max(1, len(table.header))
                first = width * (0.45 if columns == 2 else 1 / columns)
                rest = (width - first) / max(1, columns - 1) if columns > 1 else 0
                widths = [first] + [rest] * (columns - 1) if columns > 1 else [width]
                data = [[para(h) for h in table.header]] + [[para(v) for v in row] for row in table.rows]
                story.append(LongTable(data, colWidths=widths, repeatRows=1, style=grid))
                story.append(Spacer(1, 3 * mm))
        buffer = io.BytesIO()
        document = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=18 * mm,
            bottomMargin=18 * mm,
            title=pgettext("report", "Half-yearly statistics report") + f" {figures.get('period', '')}",
        )
        document.build(story, onFirstPage=number, onLaterPages=number)
    return buffer.getvalue()


RENDERERS = {"json": render_json, "xlsx": render_xlsx, "pdf": render_pdf}
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

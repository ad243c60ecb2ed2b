"""The one-page immediate report of a major case to headquarters (PDF), drawn with reportlab's built-in
CJK font ``STSong-Light`` (no font file needed), so Chinese names and text print as they are."""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

if TYPE_CHECKING:
    from traceability.models import Investigation

FONT = "STSong-Light"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"


def major_report_pdf(investigation: Investigation) -> bytes:
    """The report: the case, its parties and bureaus, the linked signals and samplings, why it is major
    (the reason of the major-case line of its timeline) and when headquarters and the local government
    were told. One A4 page (long texts are cut)."""
    font = _font()
    title_style = ParagraphStyle("title", fontName=font, fontSize=16, leading=20, spaceAfter=6)
    body_style = ParagraphStyle("body", fontName=font, fontSize=10, leading=14)
    cell_style = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13)

    def para(text: object, style: ParagraphStyle = cell_style) -> Paragraph:
        return Paragraph(escape(str(text or "-"))[:1500].replace("\n", "<br/>"), style)

    major_event = next((e for e in investigation.events.all() if e.kind == "major"), None)
    signals = ", ".join(f"#{s.pk} {s.title}" for s in investigation.signals.all())
    samplings = ", ".join(s.sampling_no for s in investigation.samplings.all())
    products = ", ".join(f"{p.name} ({p.filing_no})" if p.filing_no else p.name for p in investigation.products.all())
    rows = [
        (_("Case number"), investigation.case_no),
        (_("Title"), investigation.title),
        (_("Status"), investigation.get_status_display()),
        (_("Lead bureau"), f"{investigation.lead_bureau.code} {investigation.lead_bureau.name}"),
        (_("Notifying bureau"), f"{investigation.notifying_bureau.code} {investigation.notifying_bureau.name}"),
        (_("Enterprise"), investigation.enterprise.name if investigation.enterprise else "-"),
        (_("Platform"), investigation.platform.name if investigation.platform else "-"),
        (_("Products"), products),
        (_("Risk signals"), signals),
        (_("Samplings"), samplings),
        (_("Opened"), _when(investigation.created_at)),
        (_("Reported to headquarters"), _when(investigation.major_reported_at)),
        (_("Local government informed"), _when(investigation.local_government_informed_at)),
        (_("Why it is a major case"), major_event.message if major_event else ""),
        (_("Description"), investigation.description),
    ]
    table = Table(
        [[para(label), para(value)] for label, value in rows],
        colWidths=[45 * mm, 125 * mm],
        style=TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        ),
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{investigation.case_no}",
    )
    document.build(
        [
            Paragraph(escape(_("Major case: immediate report to headquarters")), title_style),
            para(f"{investigation.case_no} · {_when(timezone.now())}", body_style),
            Spacer(1, 4 * mm),
            table,
        ]
    )
    return buffer.getvalue()

"""The downloads drawn from the figures alone: JSON, XLSX read back with openpyxl, PDF text extracted."""

from __future__ import annotations

import io
import json

from django.utils import translation
from django.utils.translation import pgettext
from openpyxl import load_workbook
from pdfminer.high_level import extract_text

from reports import render
from tests.reports.sample import figures


def test_the_json_is_the_figures_pretty_printed_in_utf8():
    content = render.render_json(figures())
    assert json.loads(content.decode("utf-8")) == figures()
    assert "婴儿推车召回".encode() in content and b'\n  "period"' in content


def cells(sheet):
    return list(sheet.iter_rows(values_only=True))


def test_the_workbook_has_a_summary_and_a_sheet_per_section_with_numbers_as_numbers():
    book = load_workbook(io.BytesIO(render.render_xlsx(figures(), language="en")))
    assert book.sheetnames[:3] == ["Summary", "Filings", "Imports"]
    assert "Sampling" in book.sheetnames and "Major cases" in book.sheetnames
    summary = cells(book["Summary"])
    assert ("Period", "2026H1", None) in summary
    assert ("Generated at (Beijing time)", "2026-07-01 08:30", None) in summary
    assert ("Sampling", "Failed", 17) in summary
    sampling = book["Sampling"]
    rows = cells(sampling)
    assert ("Total", 250) in [row[:2] for row in rows]
    assert ("Online (bought on the platform)", 150) in [row[:2] for row in rows]
    assert sampling["A2"].font.bold and isinstance(sampling["B3"].value, int)
    assert len(sampling._charts) == 1  # sampling by channel
    assert ("Lab A", 200, 15) in [row[:3] for row in rows]
    assert ("甲醛", 9) in [row[:2] for row in rows]
    major = cells(book["Major cases"])
    assert any("TR-2026-0007" in row for row in major)


def test_the_workbook_is_drawn_in_chinese_by_default():
    book = load_workbook(io.BytesIO(render.render_xlsx(figures())))
    assert len(book.sheetnames) == 1 + len(render.sections(figures()))
    with translation.override("zh-hans"):
        assert book.sheetnames[0] == pgettext("report", "Summary")


def test_the_pdf_has_a_cover_the_sections_and_page_numbers():
    text = extract_text(io.BytesIO(render.render_pdf(figures(), language="en")))
    assert "Half-yearly statistics report" in text and "2026H1" in text and "2026-07-01 08:30" in text
    assert "Sampling" in text and "Non-conformity rate" in text
    assert "250" in text and "1,234,567.50" in text and "0.068" in text
    assert "TR-2026-0007" in text and "婴儿推车召回" in text
    assert "Page 1" in text and "Page 2" in text


def test_extra_keys_added_by_the_figures_still_print():
    extra = figures()
    extra["exports"] = {"declarations": 31337, "by_port": {"NB": {"count": 3, "value_cny": 9.5}}, "flags": [1, 2]}
    extra["sampling"]["deep"] = {"a": {"b": {"c": 4242}}}
    extra["notes"] = "写在这里"
    book = load_workbook(io.BytesIO(render.render_xlsx(extra, language="en")))
    values = {v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}
    assert {31337, 4242, "写在这里", "NB", "1, 2"} <= values
    text = extract_text(io.BytesIO(render.render_pdf(extra, language="en")))
    assert "31,337" in text and "4,242" in text and "写在这里" in text


def test_a_national_report_says_so():
    national = figures()
    national["bureau"] = None
    text = extract_text(io.BytesIO(render.render_pdf(national, language="en")))
    assert "National" in text

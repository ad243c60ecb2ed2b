"""The two parts together: a report requested through the API is generated from the real figures and
downloaded in the three formats, with figures built for the test and known answers."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from pdfminer.high_level import extract_text

from reports.models import HalfYearReport
from reports.periods import SHANGHAI
from risk_monitoring.models import RiskSignal
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


def _body(response) -> bytes:
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_bureau_report_from_request_to_the_three_downloads(world, django_capture_on_commit_callbacks, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    in_h1 = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=SHANGHAI)
    in_h2 = dt.datetime(2026, 7, 1, 0, 0, 0, tzinfo=SHANGHAI)
    for created, source in ((in_h1, "complaint"), (in_h1, "complaint"), (in_h1, "inspection"), (in_h2, "complaint")):
        signal = RiskSignal.objects.create(source=source, title="t", competent_bureau=world.zj)
        RiskSignal.objects.filter(pk=signal.pk).update(created_at=created)
    RiskSignal.objects.create(source="complaint", title="t", competent_bureau=world.gd)  # another bureau

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.zj_admin).post("/api/v1/reports/", {"period": "2026H1", "bureau": "ZJ"}, format="json")
    assert response.status_code == 202, response.data
    report = HalfYearReport.objects.get(pk=response.data["id"])
    assert report.status == "done", report.error

    client = api_as(world.zj_admin)
    figures = json.loads(_body(client.get(f"/api/v1/reports/{report.pk}/download/?format=json")))
    for key in (
        "period",
        "bureau",
        "generated_at",
        "filings",
        "imports",
        "sampling",
        "risk_signals",
        "investigations",
        "measures",
        "counterfeit",
        "major_cases",
    ):
        assert key in figures, key
    assert (figures["period"], figures["bureau"]) == ("2026H1", "ZJ")
    assert figures["risk_signals"]["by_source"] == {"complaint": 2, "inspection": 1}
    assert {"total", "failed", "nonconformity_rate"} <= set(figures["sampling"])

    xlsx = client.get(f"/api/v1/reports/{report.pk}/download/?format=xlsx")
    workbook = openpyxl.load_workbook(io.BytesIO(_body(xlsx)))
    cells = [cell.value for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert 3 in cells and 2 in cells  # the signals: 3 in all, 2 complaints

    pdf = client.get(f"/api/v1/reports/{report.pk}/download/?format=pdf")
    text = extract_text(io.BytesIO(_body(pdf)))
    assert "2026H1" in text and "ZJ" in text

    # Another bureau's staff do not see it; an enterprise neither.
    assert api_as(world.gd_inspector).get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert api_as(world.alice).get(f"/api/v1/reports/{report.pk}/").status_code == 404

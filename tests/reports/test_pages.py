"""The reports page: the list with the downloads of done reports, and the form asking for one."""

from __future__ import annotations

import pytest

from reports.models import HalfYearReport

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_headquarters_ask_for_the_national_report_from_the_page(
    world, client, compute, django_capture_on_commit_callbacks
):
    client.force_login(world.hq)
    page = client.get("/reports/", **EN)
    assert page.status_code == 200 and b'data-testid="report-request-form"' in page.content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/request/", {"period": "2026H1", "bureau": ""})
    assert response.status_code == 302
    report = HalfYearReport.objects.get()
    assert (report.period, report.bureau, report.status) == ("2026H1", None, "done")
    page = client.get("/reports/", **EN)
    assert b'data-testid="report-download-pdf"' in page.content


def test_a_bureau_administrator_asks_for_their_bureau_and_inspectors_only_read(world, client, compute):
    client.force_login(world.zj_admin)
    assert client.post("/reports/request/", {"period": "2026H1", "bureau": "ZJ"}).status_code == 302
    assert HalfYearReport.objects.filter(bureau=world.zj).count() == 1
    # not national, not another bureau: the form offers neither, and nothing is made
    client.post("/reports/request/", {"period": "2026H1", "bureau": ""})
    client.post("/reports/request/", {"period": "2026H1", "bureau": "GD"})
    assert HalfYearReport.objects.count() == 1
    client.force_login(world.zj_inspector)
    page = client.get("/reports/", **EN)
    assert page.status_code == 200 and b'data-testid="report-request-form"' not in page.content
    assert b'data-testid="report-row"' in page.content
    client.force_login(world.gd_inspector)
    assert b'data-testid="report-row"' not in client.get("/reports/", **EN).content


def test_enterprises_never_see_the_reports_page(world, client):
    client.force_login(world.alice)
    assert client.get("/reports/").status_code == 404
    assert client.post("/reports/request/", {"period": "2026H1"}).status_code == 404

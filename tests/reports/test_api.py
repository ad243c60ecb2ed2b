"""``reports/`` over the API: requesting (202 at once, nothing computed in the request), the scoped list
and detail, and the downloads."""

from __future__ import annotations

import json

import pytest

from reports import services
from reports.models import HalfYearReport
from tests.conftest import api_as

pytestmark = pytest.mark.django_db
URL = "/api/v1/reports/"


@pytest.fixture
def zj_done(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    return services.report_run(report.pk)


def test_a_request_answers_202_at_once_and_queues_the_task_after_commit(
    world, compute, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = api_as(world.hq).post(URL, {"period": "2026H1", "bureau": "ZJ"}, format="json")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "queued"
    report = HalfYearReport.objects.get(pk=response.json()["id"])
    assert (report.status, report.bureau, report.figures) == ("queued", world.zj, None)
    assert compute.calls == [] and len(callbacks) == 1


def test_the_queued_task_generates_the_report(world, compute, django_capture_on_commit_callbacks):
    """With the eager test broker the captured callback runs the task in-process."""
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.hq).post(URL, {"period": "2026H1"}, format="json")
    assert response.status_code == 202
    detail = api_as(world.hq).get(f"{URL}{response.json()['id']}/").json()
    assert detail["status"] == "done" and detail["bureau"] is None and detail["progress"] == 100
    assert set(detail["downloads"]) == {"xlsx", "pdf", "json"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period": "2026H3"}, "period"),
        ({"period": "1999H1", "bureau": "ZJ"}, "period"),
        ({"bureau": "ZJ"}, "period"),
        ({"period": "2026H1", "bureau": "NOPE"}, "bureau"),
        ({"period": ["x"]}, "period"),
    ],
)
def test_bad_input_answers_400_on_its_field(world, body, field):
    response = api_as(world.hq).post(URL, body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not HalfYearReport.objects.exists()


@pytest.mark.parametrize(
    ("who", "body", "code"),
    [
        ("zj_admin", {"period": "2026H1", "bureau": "ZJ"}, 202),
        ("zj_admin", {"period": "2026H1", "bureau": "GD"}, 403),
        ("zj_admin", {"period": "2026H1"}, 403),
        ("zj_inspector", {"period": "2026H1", "bureau": "ZJ"}, 403),
        ("alice", {"period": "2026H1", "bureau": "ZJ"}, 403),
        (None, {"period": "2026H1", "bureau": "ZJ"}, 401),
    ],
)
def test_who_may_request(world, compute, who, body, code):
    user = getattr(world, who) if who else None
    assert api_as(user).post(URL, body, format="json").status_code == code


def test_the_list_is_scoped_and_filtered(world, compute):
    zj = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    gd = services.report_request(actor=world.hq, period="2026H1", bureau="GD")
    national = services.report_request(actor=world.hq, period="2025H2")

    def ids(user, query=""):
        response = api_as(user).get(URL + query)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(world.hq) == {zj.pk, gd.pk, national.pk}
    assert ids(world.zj_inspector) == ids(world.zj_admin) == {zj.pk}
    assert ids(world.gd_inspector) == {gd.pk}
    assert ids(world.hq, "?period=2026H1") == {zj.pk, gd.pk}
    assert ids(world.hq, "?bureau=GD") == {gd.pk}
    assert ids(world.hq, "?national=true") == {national.pk}
    assert ids(world.hq, "?status=done") == set()


def test_the_list_costs_a_fixed_number_of_queries(world, compute, django_assert_max_num_queries):
    for _ in range(5):
        services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    with django_assert_max_num_queries(8):
        assert api_as(world.hq).get(URL).status_code == 200


def test_who_reads_a_report(world, zj_done):
    url = f"{URL}{zj_done.pk}/"
    for user in (world.hq, world.zj_admin, world.zj_inspector):
        detail = api_as(user).get(url)
        assert detail.status_code == 200
    body = detail.json()
    assert (body["period"], body["bureau"], body["revision"], body["status"]) == ("2026H1", "ZJ", 1, "done")
    assert body["requested_by"] == "hq" and body["params"]["bureau"] == "ZJ"
    assert api_as(world.gd_inspector).get(url).status_code == 404
    assert api_as(world.alice).get(url).status_code == 404
    assert api_as(world.alice).get(url + "download/?format=json").status_code == 404
    assert api_as(world.alice).get(URL).status_code == 403
    assert api_as(None).get(url).status_code == 401


def test_the_national_report_is_headquarters_only(world, compute):
    national = services.report_request(actor=world.hq, period="2026H1")
    assert api_as(world.zj_admin).get(f"{URL}{national.pk}/").status_code == 404


def test_downloads(world, zj_done):
    client = api_as(world.zj_inspector)
    url = f"{URL}{zj_done.pk}/download/"
    as_json = client.get(url + "?format=json")
    assert as_json.status_code == 200 and as_json["Content-Type"].startswith("application/json")
    assert "attachment" in as_json["Content-Disposition"] and ".json" in as_json["Content-Disposition"]
    assert json.loads(as_json.content.decode("utf-8"))["sampling"]["failed"] == 17
    assert world.zj.name in as_json.content.decode("utf-8")  # UTF-8, not escaped
    xlsx = client.get(url + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    pdf = client.get(url + "?format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(url + "?format=docx").status_code == 400
    assert client.get(url).status_code == 200  # xlsx by default


def test_a_report_not_done_is_not_downloaded(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    response = api_as(world.hq).get(f"{URL}{report.pk}/download/?format=pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409 and "not ready" in response.json()["detail"]


def test_a_report_has_its_history(world, zj_done):
    response = api_as(world.hq).get(f"{URL}{zj_done.pk}/history/")
    assert response.status_code == 200 and len(response.json()["results"]) == 3

"""``measures/`` over the API: the contract's fields, who sees what (404 outside), creating (staff on an
investigation, an enterprise's voluntary recall), every action, 400 per field, fixed query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import api_as
from tests.traceability.measure_world import URLS, acknowledged, case, completed, in_days, issue, pdf, png
from traceability.models import Measure

pytestmark = pytest.mark.django_db
__all__ = ["case"]

URL = "/api/v1/measures/"
CONTRACT = {
    "id",
    "investigation",
    "type",
    "enterprise",
    "product",
    "description",
    "legal_basis",
    "deadline",
    "status",
    "response",
}


def test_the_contract_fields(case):
    measure = issue(case)
    body = api_as(case.alice).get(f"{URL}{measure.pk}/").json()
    assert set(body) >= CONTRACT
    assert body["investigation"] == case.investigation.pk and body["enterprise"] == case.alice_co.pk
    assert body["product"] == case.blocks.pk and body["type"] == "destruction" and body["status"] == "issued"
    assert body["required_proof"] == ["photo", "warehouse_confirmation"] and body["overdue"] is False


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("alice", True),  # addressed to it
        ("pat", True),  # the platform named
        ("zj_inspector", True),  # the lead bureau
        ("gd_inspector", True),  # the notifying bureau
        ("hq", True),
        ("carol", False),
        ("bob", False),
    ],
)
def test_who_sees_a_delisting(case, who, sees):
    measure = issue(case, "delisting")
    client = api_as(getattr(case, who))
    assert client.get(f"{URL}{measure.pk}/").status_code == (200 if sees else 404)
    assert client.get(URL).json()["count"] == (1 if sees else 0)
    if not sees:
        assert client.post(f"{URL}{measure.pk}/acknowledge/").status_code == 404


def test_the_platform_does_not_see_measures_that_do_not_name_it(case):
    issue(case)
    assert api_as(case.pat).get(URL).json()["count"] == 0


def test_staff_issue_a_measure_on_an_investigation(case):
    client = api_as(case.zj_inspector)
    body = {
        "investigation": case.investigation.pk,
        "type": "delisting",
        "enterprise": case.alice_co.pk,
        "product": case.blocks.pk,
        "platform": case.tmall.pk,
        "listing_urls": URLS,
        "description": "下架",
        "legal_basis": "《电子商务法》",
        "deadline": in_days(5).isoformat(),
    }
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["platform"] == case.tmall.pk and response.json()["listing_urls"] == URLS


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"investigation": 999999}, "investigation"),
        ({"type": "fine"}, "type"),
        ({"deadline": "2020-01-01T00:00:00+08:00"}, "deadline"),
        ({"enterprise": 999999}, "enterprise"),
        ({"deadline": "soon"}, "deadline"),
    ],
)
def test_issuing_answers_400_per_field(case, changes, field):
    body = {
        "investigation": case.investigation.pk,
        "type": "destruction",
        "enterprise": case.alice_co.pk,
        "description": "d",
        "legal_basis": "l",
        "deadline": in_days(5).isoformat(),
        **changes,
    }
    response = api_as(case.zj_inspector).post(URL, body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not Measure.objects.exists()


def test_another_bureau_may_not_issue_403(case):
    body = {
        "investigation": case.investigation.pk,
        "type": "destruction",
        "enterprise": case.alice_co.pk,
        "description": "d",
        "legal_basis": "l",
        "deadline": in_days(5).isoformat(),
    }
    assert api_as(case.gd_inspector).post(URL, body, format="json").status_code == 403


def test_the_enterprise_acknowledges_and_responds_with_files(case):
    measure = issue(case)
    client = api_as(case.alice)
    assert client.post(f"{URL}{measure.pk}/acknowledge/").json()["status"] == "acknowledged"
    assert client.post(f"{URL}{measure.pk}/acknowledge/").status_code == 400
    response = client.post(f"{URL}{measure.pk}/respond/", {"response": "已销毁", "photo": png()}, format="multipart")
    assert response.status_code == 400 and "warehouse_confirmation" in response.json()
    response = client.post(
        f"{URL}{measure.pk}/respond/",
        {"response": "已销毁", "photo": [png(), png("b.png")], "warehouse_confirmation": pdf(), "files": pdf("x.pdf")},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "completed" and response.json()["response"] == "已销毁"
    files = client.get(f"{URL}{measure.pk}/files/").json()
    assert sorted(f["kind"] for f in files) == [
        "measure_other",
        "measure_photo",
        "measure_photo",
        "measure_warehouse_confirmation",
    ]
    assert all(len(f["sha256"]) == 64 for f in files)
    browser = Client()
    browser.force_login(case.alice)
    assert browser.get(files[0]["url"]).status_code == 200
    assert api_as(case.carol).get(f"{URL}{measure.pk}/files/").status_code == 404
    assert api_as(case.carol).post(f"{URL}{measure.pk}/respond/", {"response": "x"}).status_code == 404


def test_verify_and_reject(case):
    measure = completed(case)
    assert api_as(case.alice).post(f"{URL}{measure.pk}/verify/").status_code == 403
    response = api_as(case.zj_inspector).post(f"{URL}{measure.pk}/reject/", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = api_as(case.zj_inspector).post(f"{URL}{measure.pk}/reject/", {"reason": "不清晰"}, format="json")
    assert response.json()["status"] == "acknowledged" and response.json()["rejected_reason"] == "不清晰"
    api_as(case.alice).post(f"{URL}{measure.pk}/respond/", {"response": "补充"}, format="json")
    response = api_as(case.zj_inspector).post(f"{URL}{measure.pk}/verify/", {}, format="json")
    assert response.json()["status"] == "verified"


def test_a_rectification_verified_with_its_recheck(case):
    measure = completed(case, "rectification")
    client = api_as(case.zj_inspector)
    response = client.post(f"{URL}{measure.pk}/verify/", {}, format="json")
    assert response.status_code == 400 and "recheck_passed" in response.json()
    response = client.post(
        f"{URL}{measure.pk}/verify/", {"recheck_passed": True, "recheck_note": "复查合格"}, format="json"
    )
    assert response.json()["status"] == "verified" and response.json()["recheck_passed"] is True


def test_recall_progress_over_the_api(case):
    measure = acknowledged(case, "recall")
    client = api_as(case.alice)
    response = client.post(
        f"{URL}{measure.pk}/progress/",
        {"units_sold": 100, "units_recovered": 30, "channels": ["platform_orders", "email"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["recovery_rate"] == 0.3
    response = client.post(f"{URL}{measure.pk}/progress/", {"units_sold": 100, "units_recovered": 20}, format="json")
    assert response.status_code == 400 and "units_recovered" in response.json()
    response = client.post(f"{URL}{measure.pk}/progress/", {"units_sold": 1, "channels": ["pigeon"]}, format="json")
    assert response.status_code == 400
    assert len(api_as(case.zj_inspector).get(f"{URL}{measure.pk}/progress/").json()) == 1
    assert api_as(case.zj_inspector).get(f"{URL}{measure.pk}/").json()["recovery_rate"] == 0.3


def test_the_platform_confirms_delistings_over_the_api(case):
    measure = acknowledged(case, "delisting")
    client = api_as(case.pat)
    for url in URLS:
        response = client.post(f"{URL}{measure.pk}/delistings/", {"url": url}, format="json")
        assert response.status_code == 201 and response.json()["confirmed_by"] == "pat"
    assert client.post(f"{URL}{measure.pk}/delistings/", {"url": URLS[0]}, format="json").status_code == 400
    assert api_as(case.alice).post(f"{URL}{measure.pk}/delistings/", {"url": URLS[0]}).status_code == 403
    assert client.post(f"{URL}{measure.pk}/acknowledge/").status_code == 403
    assert len(client.get(f"{URL}{measure.pk}/").json()["delistings"]) == 2


def test_a_voluntary_recall_over_the_api(case):
    client = api_as(case.alice)
    body = {"type": "recall", "product": case.blocks.pk, "description": "主动召回", "deadline": in_days(20).isoformat()}
    response = client.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["voluntary"] is True and data["investigation"] is None and data["review_status"] == "pending"
    assert client.post(URL, {**body, "type": "destruction"}, format="json").status_code == 400
    assert api_as(case.gd_inspector).get(f"{URL}{data['id']}/").status_code == 404
    staff = api_as(case.zj_inspector)
    response = staff.post(f"{URL}{data['id']}/review/", {"decision": "return"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = staff.post(f"{URL}{data['id']}/review/", {"decision": "accept"}, format="json")
    assert response.json()["review_status"] == "accepted" and response.json()["status"] == "acknowledged"


def test_filters(case):
    issue(case)
    issue(case, "recall")
    client = api_as(case.zj_inspector)
    assert client.get(f"{URL}?type=recall").json()["count"] == 1
    assert client.get(f"{URL}?status=issued&enterprise={case.alice_co.pk}").json()["count"] == 2
    assert client.get(f"{URL}?investigation={case.investigation.pk}&overdue=true").json()["count"] == 0
    assert client.get(f"{URL}?status=nonsense").status_code == 400


@pytest.mark.parametrize("who", ["zj_inspector", "alice", "hq"])
def test_the_list_costs_a_fixed_number_of_queries(case, who, django_assert_max_num_queries):
    client = api_as(getattr(case, who))
    completed(case, "recall")
    completed(case, "delisting")
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for _ in range(5):
        completed(case, "recall")
        completed(case, "delisting")
    with django_assert_max_num_queries(len(few)):
        assert client.get(URL).json()["count"] == 12

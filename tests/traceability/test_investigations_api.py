"""``investigations/`` (issue 11): the contract's fields with the nested ``events``; who reads a case (the
lead and notifying bureaus' staff and headquarters; another bureau 404; enterprises 403 on the list and
404 on a case); opening and the actions, refused ones answering 400/403; lists and a case cost a fixed
number of queries."""

from __future__ import annotations

import pytest

from risk_monitoring.models import RiskSignal
from tests.conftest import api_as
from traceability import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/investigations/"
CONTRACT_FIELDS = {
    "id",
    "case_no",
    "title",
    "signals",
    "enterprise",
    "platform",
    "lead_bureau",
    "notifying_bureau",
    "status",
    "major",
    "events",
}


def test_a_case_reads_as_the_contract_says(case_world, case):
    body = api_as(case_world.gd_inspector).get(f"{URL}{case.pk}/").json()
    assert set(body) >= CONTRACT_FIELDS
    assert {key: body[key] for key in CONTRACT_FIELDS - {"events"}} == {
        "id": case.pk,
        "case_no": case.case_no,
        "title": "积木玩具小零件脱落",
        "signals": [case_world.case_signal.pk],
        "enterprise": case_world.alice_co.pk,
        "platform": case_world.platform.pk,
        "lead_bureau": "GD",
        "notifying_bureau": "ZJ",
        "status": "opened",
        "major": False,
    }
    assert [event["kind"] for event in body["events"]] == ["opened", "notice"]
    assert set(body["events"][0]) >= {"kind", "at", "actor", "message", "data"}
    assert body["events"][0]["actor"] == "zj_inspector"
    assert body["events"][0]["data"]["lead_bureau"] == "GD"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("gd_inspector", 200),  # the lead bureau
        ("zj_inspector", 200),  # the notifying bureau
        ("zj_admin", 200),
        ("hq", 200),
        ("nb_inspector", 404),  # a third bureau
        ("alice", 404),  # enterprises: the case is not confirmed to exist
        (None, 401),
    ],
)
def test_who_reads_a_case(case_world, case, who, expected):
    client = api_as(getattr(case_world, who) if who else None)
    assert client.get(f"{URL}{case.pk}/").status_code == expected
    listed = client.get(URL)
    if expected == 200:
        assert [row["id"] for row in listed.json()["results"]] == [case.pk]
    elif who == "nb_inspector":
        assert listed.status_code == 200 and listed.json()["results"] == []
    elif who == "alice":
        assert listed.status_code == 403
        assert client.post(f"{URL}{case.pk}/notes/", {"message": "x"}, format="json").status_code == 404


def test_staff_open_a_case_over_the_api(case_world):
    response = api_as(case_world.gd_inspector).post(
        URL, {"title": "抽检不合格", "samplings": [case_world.failed.pk]}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["lead_bureau"], body["notifying_bureau"], body["platform"]) == ("GD", "GD", case_world.platform.pk)
    assert body["samplings"] == [case_world.failed.pk]
    refused = api_as(case_world.zj_inspector).post(URL, {"title": "x", "signals": [999999]}, format="json")
    assert refused.status_code == 400 and "signals" in refused.json()
    assert api_as(case_world.alice).post(URL, {"title": "x"}, format="json").status_code == 403


def test_the_actions_and_their_refusals(case_world, case):
    lead, notifying, hq = (api_as(u) for u in (case_world.gd_inspector, case_world.zj_inspector, case_world.hq))
    base = f"{URL}{case.pk}"
    assert notifying.post(f"{base}/advance/", {"status": "investigating"}, format="json").status_code == 403
    skipped = lead.post(f"{base}/advance/", {"status": "under_rectification"}, format="json")
    assert skipped.status_code == 400 and "status" in skipped.json()
    moved = lead.post(f"{base}/advance/", {"status": "investigating", "note": "开始调查"}, format="json")
    assert moved.status_code == 200 and moved.json()["status"] == "investigating"
    no_findings = lead.post(f"{base}/close/", {"root_cause": "x"}, format="json")
    assert no_findings.status_code == 400
    assert set(no_findings.json()) >= {"responsible_party", "responsible_enterprise", "quality_problem_confirmed"}
    assert lead.post(f"{base}/reassign/", {"lead_bureau": "ZJ", "reason": "r"}, format="json").status_code == 403
    assert hq.post(f"{base}/reassign/", {"lead_bureau": "XX", "reason": "r"}, format="json").status_code == 400
    reassigned = hq.post(f"{base}/reassign/", {"lead_bureau": "ZJ", "reason": "制造商在浙江"}, format="json")
    assert reassigned.status_code == 200 and reassigned.json()["lead_bureau"] == "ZJ"
    assert lead.get(f"{base}/").status_code == 404  # Guangdong neither leads nor notified any more
    major = notifying.post(f"{base}/major/", {"reason": "涉及婴幼儿"}, format="json")
    assert major.status_code == 200 and major.json()["major"] is True
    noted = hq.post(f"{base}/notes/", {"message": "总署关注"}, format="json")
    assert noted.status_code == 201 and noted.json()["events"][-1]["kind"] == "note"
    more = RiskSignal.objects.create(
        source="complaint", title="又一起", enterprise=case_world.alice_co, status="assessed", severity="low"
    )
    linked = notifying.post(f"{base}/signals/", {"signals": [more.pk]}, format="json")
    assert linked.status_code == 200 and more.pk in linked.json()["signals"]
    closed = notifying.post(
        f"{base}/close/",
        {
            "root_cause": "未做小零件测试",
            "responsible_party": "operator",
            "responsible_enterprise": case_world.alice_co.pk,
            "quality_problem_confirmed": True,
        },
        format="json",
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    assert closed.json()["quality_problem_confirmed"] is True


def test_filters(case_world, case):
    other = services.investigation_open(actor=case_world.gd_inspector, title="别的", enterprise=case_world.bob_co)
    client = api_as(case_world.hq)

    def ids(query: str) -> list[int]:
        return sorted(row["id"] for row in client.get(f"{URL}?{query}").json()["results"])

    assert ids("lead_bureau=GD") == sorted([case.pk, other.pk])
    assert ids("notifying_bureau=ZJ") == [case.pk]
    assert ids(f"enterprise={case_world.alice_co.pk}") == [case.pk]
    assert ids(f"q={case.case_no}") == [case.pk]
    assert ids("major=true") == []
    assert ids("status=opened") == sorted([case.pk, other.pk])
    assert client.get(f"{URL}?enterprise=99999999999999999999").status_code == 400


def test_the_list_and_a_case_cost_a_fixed_number_of_queries(case_world, case, django_assert_max_num_queries):
    client = api_as(case_world.hq)
    client.get(URL)
    with django_assert_max_num_queries(14) as few:
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(14) as one:
        assert client.get(f"{URL}{case.pk}/").status_code == 200
    for n in range(6):
        services.investigation_open(actor=case_world.zj_inspector, title=f"案件{n}", enterprise=case_world.bob_co)
        services.investigation_note(actor=case_world.hq, investigation=case, message=f"note {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 7
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(f"{URL}{case.pk}/").status_code == 200

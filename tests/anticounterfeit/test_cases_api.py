"""``counterfeit-cases/`` (issue 12): the procedure over the API, refusals as 400 and 403, scoped access per
role, and a list that costs the same queries whatever the number of cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from anticounterfeit.models import CaseDocument, CounterfeitCase, CounterfeitLead
from cbec_supervision.models import AuditEvent
from tests.anticounterfeit.test_cases_services import add_evidence, at_notice, in_review, opened, people, propose
from tests.conftest import api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

__all__ = ["people"]  # the fixture, shared

URL = "/api/v1/counterfeit-cases/"


def url(case, action: str = "") -> str:
    return f"{URL}{case.pk}/{action + '/' if action else ''}"


def test_a_case_is_proposed_from_leads_and_its_creator_is_its_first_handler(people):
    lead = CounterfeitLead.objects.create(bureau=people.world.zj, channel="platform", title="仿冒手袋", brand="LV")
    response = api_as(people.handler).post(URL, {"leads": [lead.pk]}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["leads"] == [lead.pk] and body["brand"] == "LV" and body["status"] == "proposed"
    assert body["case_no"].startswith("ZJ") and body["evidence"] == []
    assert body["my_duties"] == ["handler"]
    assert [a["duty"] for a in body["assignments"]] == ["handler"]
    assert [d["kind"] for d in body["documents"]] == ["opening_request"]


def test_the_whole_procedure_over_the_api(people):
    case = opened(people)
    add_evidence(case, people.handler)
    steps = [
        (people.handler, "submit-for-review", {"report_text": "调查终结报告"}, "review"),
        (people.reviewer, "review", {"opinion": "同意"}, "notice"),
        (
            people.handler,
            "notice",
            {"served_at": timezone.now().isoformat(), "text": "告知书", "hearing_waived": True},
            "notice",
        ),
        (
            people.decider,
            "decide",
            {
                "decision_kind": "penalty",
                "decision_no": "浙检罚〔2026〕1号",
                "text": "罚款",
                "fine_amount_cny": "5000.00",
                "illegal_gains_cny": 1200.5,
                "confiscated_quantity": 20,
            },
            "decided",
        ),
        (
            people.handler2,
            "serve",
            {"served_at": timezone.now().isoformat(), "method": "direct", "text": "签收"},
            "served",
        ),
        (people.handler, "enforce", {"fine_paid_cny": "5000", "text": "已缴"}, "enforcement"),
        (people.admin, "close", {"summary": "结案"}, "closed"),
    ]
    for actor, action, body, status in steps:
        response = api_as(actor).post(url(case, action), body, format="json")
        assert response.status_code == 200, (action, response.content)
        assert response.json()["status"] == status
    data = response.json()
    assert (data["fine_amount_cny"], data["illegal_gains_cny"], data["confiscated_quantity"]) == (
        "5000.00",
        "1200.50",
        20,
    )
    assert len(data["evidence"]) == 1
    history = api_as(people.admin).get(url(case, "history")).json()
    assert {"approve", "submit", "review", "decide", "serve", "close"} <= {e["action"] for e in history["results"]}


def test_the_opening_is_approved_with_the_people_and_assignments_change(people):
    case = propose(people)
    response = api_as(people.admin).post(
        url(case, "approve"),
        {"text": "同意立案", "handlers": [people.handler2.pk], "reviewer": people.reviewer.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "investigating"
    response = api_as(people.admin).post(
        url(case, "assign"), {"user": people.decider.pk, "duty": "decider", "reason": "指定"}, format="json"
    )
    assert response.status_code == 200
    # a second reviewer: 400 unless replacing
    response = api_as(people.admin).post(
        url(case, "assign"),
        {"user": people.decider.pk, "duty": "reviewer", "reason": "x", "replace": True},
        format="json",
    )
    assert response.status_code == 400 and "user" in response.json()
    handler2 = case.assignments.get(user=people.handler2)
    response = api_as(people.admin).post(
        url(case, "unassign"), {"assignment": handler2.pk, "reason": "调岗"}, format="json"
    )
    assert response.status_code == 200
    ended = next(a for a in response.json()["assignments"] if a["id"] == handler2.pk)
    assert ended["ended_at"] is not None


def test_separation_of_duties_answers_403(people):
    case = in_review(people)
    assert api_as(people.handler).post(url(case, "review"), {"opinion": "自审"}, format="json").status_code == 403
    case = at_notice(people, served_at=timezone.now(), hearing_waived=True)
    for someone in (people.handler, people.reviewer):
        response = api_as(someone).post(
            url(case, "decide"), {"decision_kind": "no_penalty", "decision_no": "N", "text": "t"}, format="json"
        )
        assert response.status_code == 403


def test_a_refused_transition_answers_400_and_changes_nothing(people):
    case = opened(people)
    add_evidence(case, people.handler)
    events = AuditEvent.objects.count()
    response = api_as(people.decider).post(
        url(case, "decide"),
        {"decision_kind": "penalty", "decision_no": "N", "text": "t", "fine_amount_cny": "1"},
        format="json",
    )
    assert response.status_code == 400 and "status" in response.json()
    case.refresh_from_db()
    assert case.status == "investigating" and AuditEvent.objects.count() == events
    assert not CaseDocument.objects.filter(case=case, kind="decision").exists()


def test_decide_within_the_hearing_period_answers_400(people):
    case = at_notice(people, served_at=timezone.now() - dt.timedelta(days=1))
    response = api_as(people.decider).post(
        url(case, "decide"),
        {"decision_kind": "penalty", "decision_no": "N", "text": "t", "fine_amount_cny": "1"},
        format="json",
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == "notice"


@pytest.mark.parametrize("value", ["-5", "abc", "1.005", "NaN", "1e30", True, [], {"a": 1}])
def test_bad_figures_answer_400_per_field_never_500(people, value):
    case = at_notice(people, served_at=timezone.now(), hearing_waived=True)
    response = api_as(people.decider).post(
        url(case, "decide"),
        {"decision_kind": "penalty", "decision_no": "N", "text": "t", "fine_amount_cny": value},
        format="json",
    )
    assert response.status_code == 400 and "fine_amount_cny" in response.json()


@pytest.mark.parametrize(
    "body",
    [
        {"leads": ["x"]},
        {"leads": [2**70]},
        {"enterprise": -1, "title": "t"},
        {"title": ""},
        {"title": "t", "goods_value_cny": "-1"},
        {"title": "t", "products": [999999]},
        {"title": "t", "signals": [999999]},
    ],
)
def test_bad_proposals_answer_400(people, body):
    response = api_as(people.handler).post(URL, body, format="json")
    assert response.status_code == 400
    assert not CounterfeitCase.objects.exists()


def test_filters_mine_and_duty(people):
    mine = opened(people)
    other = propose(people)  # zj_inspector handles both; the reviewer only the first
    reviewer = api_as(people.reviewer)
    assert [c["id"] for c in reviewer.get(URL, {"mine": "true"}).json()["results"]] == [mine.pk]
    assert [c["id"] for c in reviewer.get(URL, {"duty": "reviewer"}).json()["results"]] == [mine.pk]
    assert reviewer.get(URL, {"duty": "handler"}).json()["results"] == []
    admin = api_as(people.admin)
    assert {c["id"] for c in admin.get(URL).json()["results"]} == {mine.pk, other.pk}
    assert [c["id"] for c in admin.get(URL, {"status": "proposed"}).json()["results"]] == [other.pk]
    assert len(admin.get(URL, {"bureau": "ZJ", "brand": "nike", "q": "运动鞋"}).json()["results"]) == 2
    assert admin.get(URL, {"enterprise": "x"}).status_code == 400


# --- who sees what ---------------------------------------------------------------------------------


def test_access_per_role(people, api):
    case = opened(people)
    world = people.world
    assert api_as(people.handler2).get(url(case)).status_code == 200
    assert api_as(world.zj_admin).get(url(case)).status_code == 200
    assert api_as(world.hq).get(url(case)).status_code == 200
    unassigned = api_as(UserFactory(username="zj_other", bureau=world.zj))
    assert unassigned.get(url(case)).status_code == 404
    assert unassigned.get(URL).json()["results"] == []
    assert api_as(world.gd_inspector).get(url(case)).status_code == 404
    assert api_as(world.alice).get(URL).status_code == 403
    assert api_as(world.alice).get(url(case)).status_code == 404
    assert api_as(world.alice).post(url(case, "close"), {}, format="json").status_code == 404
    assert api.get(URL).status_code == 401
    assert api.get(url(case)).status_code == 401


def test_headquarters_reads_but_does_not_act(people):
    case = propose(people)
    hq = api_as(people.world.hq)
    assert hq.get(url(case)).json()["allowed_actions"] == []
    assert hq.post(url(case, "approve"), {"text": "同意"}, format="json").status_code == 403
    assert hq.post(URL, {"title": "t"}, format="json").status_code == 403
    assert api_as(people.world.gd_inspector).post(url(case, "approve"), {"text": "x"}, format="json").status_code == 404


def test_the_list_costs_the_same_queries_whatever_the_number_of_cases(people, django_assert_max_num_queries):
    client = api_as(people.admin)
    opened(people)
    with django_assert_max_num_queries(40) as few:
        assert client.get(URL).status_code == 200
    for _ in range(4):
        case = opened(people)
        add_evidence(case, people.handler)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(URL).json()["results"]) == 5

"""Never a 500 for any input (CONTRACT "Errors"): every anti-counterfeit action, posted with an empty body
or with values of the wrong type by someone who may see the object, answers 4xx and changes nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from anticounterfeit.choices import CaseDuty
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead, Evidence, RightsHolder
from cbec_supervision.models import AuditEvent
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

CASE_ACTIONS = (
    "approve",
    "refuse",
    "assign",
    "unassign",
    "submit-for-review",
    "review",
    "return",
    "notice",
    "hearing",
    "decide",
    "serve",
    "enforce",
    "transfer",
    "close",
    "links",
    "evidence",
    "custody",
)
LEAD_ACTIONS = ("dismiss", "reopen", "merge")
GARBAGE = (
    {},
    {"text": ["a"], "reason": {"x": 1}, "served_at": "yesterday", "held_at": 5, "fine_amount_cny": "NaN"},
    {"decision_kind": 3, "decision_no": None, "user": "abc", "duty": ["handler"], "case": "x", "evidence": "y"},
    {"action": "stolen", "at": "2999-01-01T00:00:00+08:00", "from_party": 1, "to_party": [], "leads": "1,2"},
)


@pytest.fixture
def case(world):
    case = CounterfeitCase.objects.create(case_no="ZJ2026AC000009", title="仿冒运动鞋", bureau=world.zj)
    CaseAssignment.objects.create(case=case, user=world.zj_inspector, duty=CaseDuty.HANDLER)
    Evidence.objects.create(
        case=case,
        number=1,
        kind="physical",
        quantity=1,
        collected_at=timezone.now(),
        collected_by=world.zj_inspector,
        created_by=world.zj_inspector,
    )
    return case


@pytest.mark.parametrize("who", ["zj_inspector", "zj_admin"])
@pytest.mark.parametrize("body", GARBAGE)
def test_case_actions_never_fail_with_a_500(world, case, who, body):
    client = api_as(getattr(world, who))
    before = AuditEvent.objects.count()
    for action in CASE_ACTIONS:
        for fmt in ("json", "multipart"):
            data = {k: v for k, v in body.items() if fmt == "json" or not isinstance(v, (dict, list, type(None)))}
            response = client.post(f"/api/v1/counterfeit-cases/{case.pk}/{action}/", data, format=fmt)
            assert 400 <= response.status_code < 500, (action, fmt, response.status_code)
    assert AuditEvent.objects.count() == before
    response = client.post("/api/v1/counterfeit-cases/", body, format="json")
    assert response.status_code < 500


@pytest.mark.parametrize("body", GARBAGE)
def test_lead_and_rights_holder_actions_never_fail_with_a_500(world, body):
    lead = CounterfeitLead.objects.create(bureau=world.zj, channel="informant", title="t", group_key="0" * 64)
    holder = RightsHolder.objects.create(name="Aurora", name_key="aurora")
    client = api_as(world.zj_inspector)
    for action in LEAD_ACTIONS:
        response = client.post(f"/api/v1/counterfeit-leads/{lead.pk}/{action}/", body, format="json")
        assert 400 <= response.status_code < 500, (action, response.status_code)
    for url in ("/api/v1/counterfeit-leads/", "/api/v1/rights-holders/"):
        assert client.post(url, body, format="json").status_code < 500
    assert client.patch(f"/api/v1/counterfeit-leads/{lead.pk}/", body, format="json").status_code < 500
    assert client.patch(f"/api/v1/rights-holders/{holder.pk}/", body, format="json").status_code < 500
    assert client.post(f"/api/v1/rights-holders/{holder.pk}/authorisations/", {}, format="multipart").status_code == 400

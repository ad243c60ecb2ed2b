"""Enterprise filings through the API: filing, editing, the review workflow, colleagues."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from cbec_supervision.models import AuditEvent
from filings.choices import FilingStatus
from filings.models import ChangeRequest, EnterpriseFiling
from tests.builders import COMPLETE_ENTERPRISE, complete
from tests.conftest import api_as as _api_as
from tests.factories import EnterpriseFilingFactory, UserFactory, make_uscc

pytestmark = pytest.mark.django_db

ROUTE = "/api/v1/enterprises/"
CONTRACT_FIELDS = {
    "id",
    "name",
    "uscc",
    "types",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "address",
    "region_code",
    "bureau",
    "filing_no",
    "status",
    "supervision_level",
}


def api_as(user):
    """A client for ``user`` reading messages in English, the source language the tests assert."""
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def url(filing=None, action: str = "") -> str:
    if filing is None:
        return ROUTE
    return f"{ROUTE}{filing.pk}/" + (f"{action}/" if action else "")


def status_of(filing) -> str:
    return EnterpriseFiling.objects.get(pk=filing.pk).status


@pytest.fixture
def submitted_alice_co(world):
    from filings import services

    complete(world.alice_co, world.alice)
    return services.enterprise_submit(actor=world.alice, filing=world.alice_co)


@pytest.fixture
def newcomer(world):
    """An enterprise user whose account belongs to no enterprise yet."""
    return UserFactory(username="carol", role=Role.ENTERPRISE, bureau=None, enterprise=None)


# --- reading --------------------------------------------------------------------------------------


def test_a_filing_shows_the_contract_fields_and_what_is_missing(world):
    body = api_as(world.alice).get(url(world.alice_co)).json()
    assert set(body) >= CONTRACT_FIELDS
    assert body["bureau"] == "ZJ" and body["types"] == ["operator"] and body["status"] == "draft"
    assert body["supervision_level"] == "normal" and body["filing_no"] is None
    assert set(body["missing"]) == {"main_categories", "systems", "pledge_signed"}
    assert body["review_due_at"] is None and body["is_overdue"] is False


# --- filing an enterprise ----------------------------------------------------------------------


def test_a_user_without_an_enterprise_files_one_and_joins_it(world, newcomer):
    uscc = make_uscc("330106")
    response = api_as(newcomer).post(
        url(),
        {"name": "Carol Co", "uscc": uscc, "types": ["operator", "platform"], "platform_name": "Carol Mall"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uscc"] == uscc and body["bureau"] == "ZJ" and body["region_code"] == "330106"
    assert body["types"] == ["operator", "platform"] and body["status"] == "draft"
    newcomer.refresh_from_db()
    assert newcomer.enterprise_id == body["id"]
    assert api_as(newcomer).get(url()).json()["count"] == 1
    assert AuditEvent.objects.for_object(newcomer).filter(action="update").exists()


@pytest.mark.parametrize("user", ["alice", "zj_inspector", "zj_admin", "hq"])
def test_only_a_user_without_an_enterprise_files_one(world, user):
    response = api_as(getattr(world, user)).post(url(), {"name": "X Co", "uscc": make_uscc()}, format="json")
    assert response.status_code == 403
    assert EnterpriseFiling.objects.count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"uscc": "91330106ABCDEFGH1X"}, "uscc"),
        ({"uscc": ""}, "uscc"),
        ({"name": ""}, "name"),
        ({"types": "x"}, "types"),
        ({"types": ["shop"]}, "types"),
        ({"main_categories": ["food"]}, "main_categories"),
        ({"systems": "all"}, "systems"),
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"email": "not-an-email"}, "email"),
        ({"platform_url": "ftp://x"}, "platform_url"),
        ({"pledge_signed": "maybe"}, "pledge_signed"),
        ({"region_code": "999999"}, "region_code"),
        ({"region_code": ["330106"]}, "region_code"),
    ],
)
def test_a_bad_filing_is_refused_field_by_field(world, newcomer, payload, field):
    body = {"name": "Carol Co", "uscc": make_uscc("330106"), **payload}
    response = api_as(newcomer).post(url(), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    newcomer.refresh_from_db()
    assert newcomer.enterprise_id is None and EnterpriseFiling.objects.count() == 2


def test_a_credit_code_already_on_file_is_refused(world, newcomer):
    response = api_as(newcomer).post(url(), {"name": "Copy Co", "uscc": world.bob_co.uscc}, format="json")
    assert response.status_code == 400 and "uscc" in response.json()


# --- editing ------------------------------------------------------------------------------------------


def test_the_enterprise_completes_its_draft(world):
    response = api_as(world.alice).patch(
        url(world.alice_co), {**COMPLETE_ENTERPRISE, "types": ["operator"]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["missing"] == {} and body["pledge_signed"] is True and body["pledge_signed_at"]
    assert body["main_categories"] == ["light_industry", "electrical"]


def test_fields_the_enterprise_does_not_set_are_ignored_on_edit(world):
    response = api_as(world.alice).patch(
        url(world.alice_co),
        {"status": "approved", "uscc": "X", "bureau": "GD", "filing_no": "1", "contact_name": "王五"},
        format="json",
    )
    assert response.status_code == 200
    filing = EnterpriseFiling.objects.get(pk=world.alice_co.pk)
    assert (filing.status, filing.uscc, filing.bureau_id, filing.filing_no) == (
        "draft",
        world.alice_co.uscc,
        world.zj.pk,
        None,
    )
    assert filing.contact_name == "王五"


def test_an_approved_filing_is_not_edited_directly(world, approved_alice_co):
    response = api_as(world.alice).patch(url(approved_alice_co), {"contact_name": "王五"}, format="json")
    assert response.status_code == 400 and "status" in response.json()


# --- the review workflow -------------------------------------------------------------------------


def test_an_incomplete_filing_is_not_submitted_and_says_what_is_missing(world):
    response = api_as(world.alice).post(url(world.alice_co, "submit"))
    assert response.status_code == 400
    assert set(response.json()) == {"main_categories", "systems", "pledge_signed"}
    assert status_of(world.alice_co) == FilingStatus.DRAFT


def test_approval_issues_an_enterprise_filing_number(world, submitted_alice_co):
    response = api_as(world.zj_inspector).post(url(submitted_alice_co, "approve"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["filing_no"] == f"ZJ{timezone.localdate().year}000001"
    assert body["decided_at"]


def test_a_complete_filing_goes_through_the_api_from_draft_to_approved(world):
    alice = api_as(world.alice)
    assert alice.patch(url(world.alice_co), COMPLETE_ENTERPRISE, format="json").status_code == 200
    submitted = alice.post(url(world.alice_co, "submit"))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["review_due_at"] and submitted.json()["submitted_at"]
    assert api_as(world.zj_inspector).post(url(world.alice_co, "approve")).json()["status"] == "approved"


@pytest.mark.parametrize(
    ("user", "expected"),
    [("alice", 403), ("hq", 403), ("bob", 404), ("gd_inspector", 404), ("zj_inspector", 200), ("zj_admin", 200)],
)
def test_only_the_competent_bureau_decides(world, submitted_alice_co, user, expected):
    response = api_as(getattr(world, user)).post(
        url(submitted_alice_co, "return"), {"reason": "地址不全"}, format="json"
    )
    assert response.status_code == expected
    assert status_of(submitted_alice_co) == (FilingStatus.RETURNED if expected == 200 else FilingStatus.SUBMITTED)


@pytest.mark.parametrize("user", ["zj_inspector", "hq", "bob"])
def test_only_the_enterprise_submits(world, user):
    complete(world.alice_co, world.alice)
    response = api_as(getattr(world, user)).post(url(world.alice_co, "submit"))
    assert response.status_code == (404 if user == "bob" else 403)
    assert status_of(world.alice_co) == FilingStatus.DRAFT


@pytest.mark.parametrize("action", ["approve", "return", "reject", "suspend", "reinstate", "revoke"])
def test_a_decision_not_allowed_from_a_draft_is_a_400_and_changes_nothing(world, action):
    response = api_as(world.zj_inspector).post(url(world.alice_co, action), {"reason": "理由"}, format="json")
    assert response.status_code == 400 and "Not allowed" in response.json()["status"][0]
    filing = EnterpriseFiling.objects.get(pk=world.alice_co.pk)
    assert filing.status == FilingStatus.DRAFT and filing.decided_at is None and not filing.decision_reason


@pytest.mark.parametrize("action", ["return", "reject"])
def test_returning_or_rejecting_needs_a_reason(world, submitted_alice_co, action):
    response = api_as(world.zj_inspector).post(url(submitted_alice_co, action))
    assert response.status_code == 400 and response.json() == {"reason": ["Give a reason."]}
    assert status_of(submitted_alice_co) == FilingStatus.SUBMITTED


def test_a_rejected_filing_states_the_reason(world, submitted_alice_co):
    body = (
        api_as(world.zj_inspector).post(url(submitted_alice_co, "reject"), {"reason": "虚假材料"}, format="json").json()
    )
    assert body["status"] == "rejected" and body["decision_reason"] == "虚假材料"


def test_an_approved_filing_is_suspended_reinstated_and_revoked(world, approved_alice_co):
    inspector = api_as(world.zj_inspector)
    assert inspector.post(url(approved_alice_co, "suspend")).status_code == 400  # no reason
    assert inspector.post(url(approved_alice_co, "suspend"), {"reason": "抽检不合格"}, format="json").json()[
        "status"
    ] == ("suspended")
    assert inspector.post(url(approved_alice_co, "reinstate")).json()["status"] == "approved"
    assert inspector.post(url(approved_alice_co, "revoke"), {"reason": "虚假备案"}, format="json").json()["status"] == (
        "revoked"
    )
    assert inspector.post(url(approved_alice_co, "reinstate")).status_code == 400
    assert status_of(approved_alice_co) == FilingStatus.REVOKED


@pytest.mark.parametrize("body", ["{not json", "[]", '{"reason": {"a": 1}}'])
def test_a_malformed_decision_is_a_400_and_changes_nothing(world, submitted_alice_co, body):
    response = api_as(world.zj_inspector).generic(
        "POST", url(submitted_alice_co, "return"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert status_of(submitted_alice_co) == FilingStatus.SUBMITTED


# --- the competent bureau -------------------------------------------------------------------------


def test_an_inspector_corrects_the_competent_bureau_with_a_reason(world):
    response = api_as(world.zj_inspector).post(
        url(world.alice_co, "set-bureau"), {"bureau": "NB", "reason": "注册地在宁波"}, format="json"
    )
    assert response.status_code == 200 and response.json()["bureau"] == "NB"
    event = AuditEvent.objects.for_object(world.alice_co).last()
    assert event.reason == "注册地在宁波"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"bureau": "NOPE", "reason": "x"}, "bureau"),
        ({"bureau": "HQ", "reason": "x"}, "bureau"),
        ({"bureau": "ZJ", "reason": "x"}, "bureau"),
        ({"bureau": "NB"}, "reason"),
        ({"reason": "x"}, "bureau"),
    ],
)
def test_a_bureau_correction_is_checked(world, body, field):
    response = api_as(world.zj_inspector).post(url(world.alice_co, "set-bureau"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).bureau_id == world.zj.pk


@pytest.mark.parametrize(("user", "expected"), [("alice", 403), ("hq", 403), ("gd_inspector", 404)])
def test_only_the_competent_bureau_corrects_the_bureau(world, user, expected):
    response = api_as(getattr(world, user)).post(
        url(world.alice_co, "set-bureau"), {"bureau": "GD", "reason": "x"}, format="json"
    )
    assert response.status_code == expected


# --- change requests ------------------------------------------------------------------------------


def test_a_change_to_an_approved_filing_waits_for_approval(world, approved_alice_co):
    response = api_as(world.alice).post(
        url(approved_alice_co, "change-request"),
        {"changes": {"contact_name": "王五", "types": ["operator", "logistics"]}, "explanation": "人员调整"},
        format="json",
    )
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["enterprise"] == approved_alice_co.pk and change["product"] is None
    assert change["original"] == {"contact_name": "李四", "types": ["operator"]}
    assert change["submitted_by"] == "alice" and change["explanation"] == "人员调整"
    assert api_as(world.alice).get(url(approved_alice_co)).json()["contact_name"] == "李四"
    api_as(world.zj_inspector).post(f"/api/v1/change-requests/{change['id']}/approve/")
    body = api_as(world.alice).get(url(approved_alice_co)).json()
    assert body["contact_name"] == "王五" and body["types"] == ["operator", "logistics"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"contact_phone": "12345"}, "contact_phone"),
        ({"types": "x"}, "types"),
        ({"name": ""}, "name"),
        ({"uscc": "91330106MA2ABCDE1X"}, "changes"),
        ({"bureau": "GD"}, "changes"),
        ({}, "changes"),
        ({"contact_name": "李四"}, "changes"),  # the value in force already
    ],
)
def test_a_proposed_change_is_checked(world, approved_alice_co, changes, field):
    response = api_as(world.alice).post(url(approved_alice_co, "change-request"), {"changes": changes}, format="json")
    assert response.status_code == 400 and field in response.json(), response.content
    assert not ChangeRequest.objects.exists()


def test_one_change_request_at_a_time(world, approved_alice_co):
    alice = api_as(world.alice)
    assert (
        alice.post(
            url(approved_alice_co, "change-request"), {"changes": {"contact_name": "王五"}}, format="json"
        ).status_code
        == 201
    )
    again = alice.post(url(approved_alice_co, "change-request"), {"changes": {"contact_name": "赵六"}}, format="json")
    assert again.status_code == 400 and "already awaiting review" in again.json()["changes"][0]


def test_a_draft_is_edited_not_changed_by_request(world):
    response = api_as(world.alice).post(
        url(world.alice_co, "change-request"), {"changes": {"contact_name": "王五"}}, format="json"
    )
    assert response.status_code == 400 and "status" in response.json()


def test_only_the_enterprise_requests_changes(world, approved_alice_co):
    body = {"changes": {"contact_name": "王五"}}
    assert (
        api_as(world.zj_inspector).post(url(approved_alice_co, "change-request"), body, format="json").status_code
        == 403
    )
    assert api_as(world.bob).post(url(approved_alice_co, "change-request"), body, format="json").status_code == 404


# --- colleagues ---------------------------------------------------------------------------------------


def test_an_enterprise_user_adds_a_colleague(world):
    response = api_as(world.alice).post(
        url(world.alice_co, "users"),
        {"username": "alice2", "password": "Another-pass-2026", "email": "a2@alice.cn"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json() == {
        "id": response.json()["id"],
        "username": "alice2",
        "email": "a2@alice.cn",
        "is_active": True,
    }
    colleague = User.objects.get(username="alice2")
    assert colleague.enterprise_id == world.alice_co.pk and colleague.role == Role.ENTERPRISE
    assert colleague.check_password("Another-pass-2026")
    listed = api_as(world.alice).get(url(world.alice_co, "users")).json()
    assert [u["username"] for u in listed["results"]] == ["alice", "alice2"]
    assert "password" not in listed["results"][0]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "bob", "password": "Another-pass-2026"}, "username"),
        ({"username": "alice2", "password": "123"}, "password"),
        ({"username": "alice2", "password": "Another-pass-2026", "email": "nope"}, "email"),
        ({"username": "", "password": "Another-pass-2026"}, "username"),
        ({"username": ["x"], "password": "Another-pass-2026"}, "username"),
    ],
)
def test_a_colleague_needs_a_free_username_a_strong_password_and_a_valid_email(world, body, field):
    response = api_as(world.alice).post(url(world.alice_co, "users"), body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not User.objects.filter(username="alice2").exists()


@pytest.mark.parametrize(("user", "expected"), [("zj_inspector", 403), ("hq", 403), ("bob", 404)])
def test_only_the_enterprise_adds_colleagues(world, user, expected):
    body = {"username": "mallory", "password": "Another-pass-2026"}
    assert api_as(getattr(world, user)).post(url(world.alice_co, "users"), body, format="json").status_code == expected
    assert not User.objects.filter(username="mallory").exists()


@pytest.mark.parametrize(
    ("user", "expected"),
    [("alice", 200), ("zj_admin", 200), ("zj_inspector", 403), ("bob", 404), ("gd_inspector", 404)],
)
def test_the_accounts_are_listed_to_the_enterprise_and_its_bureau_administrators(world, user, expected):
    assert api_as(getattr(world, user)).get(url(world.alice_co, "users")).status_code == expected


# --- lists ------------------------------------------------------------------------------------------


def test_the_review_queue_is_ordered_by_submission(world, submitted_alice_co):
    later = EnterpriseFilingFactory(bureau=world.zj, status="submitted", submitted_at=timezone.now())
    EnterpriseFilingFactory(bureau=world.zj)  # a draft
    queue = api_as(world.zj_inspector).get(url(), {"status": "submitted", "ordering": "submitted_at"}).json()
    assert [e["id"] for e in queue["results"]] == [submitted_alice_co.pk, later.pk]


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ({"type": "operator"}, 2),
        ({"type": "platform"}, 0),
        ({"q": "Alice"}, 1),
        ({"bureau": "GD"}, 1),
        ({"region_code": "44"}, 1),
        ({"overdue": "false"}, 0),
        ({"ordering": "password"}, 2),
    ],
)
def test_enterprise_lists_take_the_shared_filters(world, query, count):
    response = api_as(world.hq).get(url(), query)
    assert response.status_code == 200 and response.json()["count"] == count


@pytest.mark.parametrize("query", [{"type": "shop"}, {"status": "open"}, {"supervision_level": "x"}])
def test_bad_enterprise_filters_answer_400(world, query):
    assert api_as(world.hq).get(url(), query).status_code == 400

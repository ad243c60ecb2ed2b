"""Product filings through the API: the review workflow and change requests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from filings import services
from filings.choices import FilingStatus
from filings.models import ProductFiling
from tests.builders import TOY
from tests.factories import ProductFilingFactory
from tests.filings.product_api import api_as, file_as, url

pytestmark = pytest.mark.django_db


def status_of(product) -> str:
    return ProductFiling.objects.get(pk=product.pk).status


# --- the review workflow -------------------------------------------------------------------------


def test_submitting_is_refused_until_the_enterprise_is_approved(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).post(url(product, "submit"))
    assert response.status_code == 400
    assert "Products can be submitted once the enterprise's own filing is approved" in response.json()["enterprise"][0]
    assert status_of(product) == FilingStatus.DRAFT


def test_an_incomplete_product_is_refused_with_what_is_missing(world, approved_alice_co):
    product = ProductFilingFactory(enterprise=world.alice_co, brand="", label_text="")
    before = api_as(world.alice).get(url(product)).json()["missing"]
    assert set(before) == {"brand", "label_text"}
    response = api_as(world.alice).post(url(product, "submit"))
    assert response.status_code == 400 and set(response.json()) == {"brand", "label_text"}
    assert status_of(product) == FilingStatus.DRAFT


def test_approval_issues_a_product_filing_number(world, approved_alice_co):
    product = ProductFiling.objects.get(pk=file_as(world)["id"])
    submitted = api_as(world.alice).post(url(product, "submit"))
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["review_due_at"] and submitted.json()["is_overdue"] is False
    approved = api_as(world.zj_inspector).post(url(product, "approve"))
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == "approved"
    assert approved.json()["filing_no"] == f"ZJ{timezone.localdate().year}P0000001"


@pytest.mark.parametrize(
    ("user", "expected"),
    [("alice", 403), ("hq", 403), ("bob", 404), ("gd_inspector", 404), ("zj_admin", 200), ("zj_inspector", 200)],
)
def test_only_the_competent_bureau_approves(world, submitted_toy, user, expected):
    response = api_as(getattr(world, user)).post(url(submitted_toy, "approve"))
    assert response.status_code == expected, response.content
    assert status_of(submitted_toy) == (FilingStatus.APPROVED if expected == 200 else FilingStatus.SUBMITTED)


@pytest.mark.parametrize("user", ["zj_inspector", "hq"])
def test_only_the_enterprise_submits(world, approved_alice_co, user):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    assert api_as(getattr(world, user)).post(url(product, "submit")).status_code == 403
    assert status_of(product) == FilingStatus.DRAFT


@pytest.mark.parametrize("action", ["approve", "return", "reject", "suspend", "reinstate", "revoke"])
def test_a_decision_not_allowed_from_a_draft_is_a_400_and_changes_nothing(world, approved_alice_co, action):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    response = api_as(world.zj_inspector).post(url(product, action), {"reason": "不符合要求"}, format="json")
    assert response.status_code == 400
    assert "Not allowed" in response.json()["status"][0]
    assert status_of(product) == FilingStatus.DRAFT and not ProductFiling.objects.get(pk=product.pk).decision_reason


@pytest.mark.parametrize("action", ["return", "reject"])
def test_returning_or_rejecting_needs_a_reason(world, submitted_toy, action):
    response = api_as(world.zj_inspector).post(url(submitted_toy, action), {"reason": "  "}, format="json")
    assert response.status_code == 400 and response.json() == {"reason": ["Give a reason."]}
    assert status_of(submitted_toy) == FilingStatus.SUBMITTED


def test_a_returned_product_is_corrected_and_submitted_again(world, submitted_toy):
    returned = api_as(world.zj_inspector).post(
        url(submitted_toy, "return"), {"reason": "标签缺少警示语"}, format="json"
    )
    assert returned.json()["status"] == "returned" and returned.json()["decision_reason"] == "标签缺少警示语"
    assert (
        api_as(world.alice).patch(url(submitted_toy), {"label_text": "警告：含小零件"}, format="json").status_code
        == 200
    )
    assert api_as(world.alice).post(url(submitted_toy, "submit")).json()["status"] == "submitted"


def test_rejection_is_final(world, submitted_toy):
    rejected = api_as(world.zj_inspector).post(url(submitted_toy, "reject"), {"reason": "旧品"}, format="json")
    assert rejected.json()["status"] == "rejected"
    assert api_as(world.alice).post(url(submitted_toy, "submit")).status_code == 400


def test_an_approved_product_is_suspended_reinstated_and_revoked(world, approved_toy):
    inspector = api_as(world.zj_inspector)
    assert inspector.post(url(approved_toy, "reinstate")).status_code == 400
    suspended = inspector.post(url(approved_toy, "suspend"), {"reason": "抽检不合格"}, format="json")
    assert suspended.json()["status"] == "suspended"
    assert inspector.post(url(approved_toy, "reinstate")).json()["status"] == "approved"
    assert inspector.post(url(approved_toy, "revoke"), {}, format="json").status_code == 400
    revoked = inspector.post(url(approved_toy, "revoke"), {"reason": "虚假备案"}, format="json")
    assert revoked.json()["status"] == "revoked" and revoked.json()["filing_no"] == approved_toy.filing_no
    assert inspector.post(url(approved_toy, "suspend"), {"reason": "x"}, format="json").status_code == 400


def test_a_reason_of_the_wrong_type_is_a_400(world, submitted_toy):
    response = api_as(world.zj_inspector).post(url(submitted_toy, "return"), {"reason": ["a"]}, format="json")
    assert response.status_code == 400
    assert status_of(submitted_toy) == FilingStatus.SUBMITTED


# --- change requests ------------------------------------------------------------------------------


def test_an_approved_product_changes_only_once_the_change_is_approved(world, approved_toy):
    response = api_as(world.alice).post(
        url(approved_toy, "change-request"), {"changes": {"model": "10699"}, "explanation": "新款"}, format="json"
    )
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["product"] == approved_toy.pk and change["status"] == "pending"
    assert change["changes"] == {"model": "10699"} and change["original"] == {"model": "10698"}
    assert api_as(world.alice).get(url(approved_toy)).json()["model"] == "10698"
    decided = api_as(world.zj_inspector).post(f"/api/v1/change-requests/{change['id']}/approve/")
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert api_as(world.alice).get(url(approved_toy)).json()["model"] == "10699"


def test_proposed_values_are_checked_like_an_edit(world, approved_toy):
    client = api_as(world.alice)
    bad_code = client.post(url(approved_toy, "change-request"), {"changes": {"hs_code": "9999999999"}}, format="json")
    assert bad_code.status_code == 400 and "hs_code" in bad_code.json()
    bad_type = client.post(url(approved_toy, "change-request"), {"changes": {"used": "maybe"}}, format="json")
    assert bad_type.status_code == 400 and "used" in bad_type.json()
    not_changeable = client.post(url(approved_toy, "change-request"), {"changes": {"status": "draft"}}, format="json")
    assert not_changeable.status_code == 400 and "status" in not_changeable.json()["changes"][0]
    not_a_dict = client.post(url(approved_toy, "change-request"), {"changes": "model=1"}, format="json")
    assert not_a_dict.status_code == 400 and "changes" in not_a_dict.json()
    assert not approved_toy.change_requests.exists()


def test_a_draft_is_edited_not_changed_by_request(world):
    product = ProductFilingFactory(enterprise=world.alice_co)
    response = api_as(world.alice).post(url(product, "change-request"), {"changes": {"model": "1"}}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_only_the_enterprise_proposes_changes(world, approved_toy):
    response = api_as(world.zj_inspector).post(
        url(approved_toy, "change-request"), {"changes": {"model": "1"}}, format="json"
    )
    assert response.status_code == 403
    bob = api_as(world.bob).post(url(approved_toy, "change-request"), {"changes": {"model": "1"}}, format="json")
    assert bob.status_code == 404

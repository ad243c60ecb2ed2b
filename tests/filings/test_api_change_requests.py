"""Change requests through the API: the approved version stays in force until the bureau approves."""

from __future__ import annotations

import pytest

from filings import services
from filings.choices import ChangeRequestStatus
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from tests.builders import TOY
from tests.conftest import api_as as _api_as
from tests.factories import ChangeRequestFactory
from tests.scoping import ScopedAccessTests

pytestmark = pytest.mark.django_db

ROUTE = "/api/v1/change-requests/"


def api_as(user):
    """A client for ``user`` reading messages in English, the source language the tests assert."""
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def url(change=None, action: str = "") -> str:
    if change is None:
        return ROUTE
    return f"{ROUTE}{change.pk}/" + (f"{action}/" if action else "")


def status_of(change) -> str:
    return ChangeRequest.objects.get(pk=change.pk).status


@pytest.fixture
def contact_change(world, approved_alice_co):
    return services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}, explanation="人员调整"
    )


@pytest.fixture
def product_change(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    product = services.product_submit(actor=world.alice, product=product)
    product = services.product_approve(actor=world.zj_inspector, product=product)
    return services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, product=product, changes={"brand": "Duplo"}
    )


class TestChangeRequestScope(ScopedAccessTests):
    """Alice Co's change request is seen by Alice, the Zhejiang bureau and headquarters; none edits it.

    Not by another bureau nor by the port bureau of Alice Co's batch: proposals are the competent
    bureau's work, while the approved filing they change is shared.
    """

    route = "change-requests"
    visible_to = frozenset({"owner", "same_bureau_inspector", "hq"})
    editable_by = None
    update_payload = {"explanation": "x"}

    def make_object(self, world):
        return ChangeRequestFactory(enterprise=world.alice_co, submitted_by=world.alice)

    def make_more_objects(self, world, count):
        # Decided ones, so the count covers who decided too.
        for _ in range(count):
            change = ChangeRequestFactory(enterprise=world.alice_co, submitted_by=world.alice)
            ChangeRequest.objects.filter(pk=change.pk).update(status="rejected", decided_by=world.zj_inspector)


def test_a_change_request_reads_as_who_proposed_what_and_why(world, contact_change):
    body = api_as(world.zj_inspector).get(url(contact_change)).json()
    assert body["enterprise"] == world.alice_co.pk and body["product"] is None
    assert body["changes"] == {"contact_name": "王五"} and body["original"] == {"contact_name": "李四"}
    assert body["explanation"] == "人员调整" and body["status"] == "pending"
    assert body["submitted_by"] == "alice" and body["submitted_at"]
    assert body["decided_by"] is None and body["decided_at"] is None and body["decision_reason"] == ""


def test_approval_puts_the_changes_in_force(world, contact_change):
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).contact_name == "李四"
    response = api_as(world.zj_inspector).post(url(contact_change, "approve"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["decided_by"] == "zj_inspector" and body["decided_at"]
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).contact_name == "王五"


def test_a_product_change_is_decided_the_same_way(world, product_change):
    assert api_as(world.zj_admin).post(url(product_change, "approve")).json()["status"] == "approved"
    assert ProductFiling.objects.get(pk=product_change.product_id).brand == "Duplo"


def test_rejection_needs_a_reason_and_leaves_the_filing_as_it_was(world, contact_change):
    inspector = api_as(world.zj_inspector)
    refused = inspector.post(url(contact_change, "reject"))
    assert refused.status_code == 400 and refused.json() == {"reason": ["Give a reason."]}
    assert status_of(contact_change) == ChangeRequestStatus.PENDING
    rejected = inspector.post(url(contact_change, "reject"), {"reason": "未附证明材料"}, format="json").json()
    assert rejected["status"] == "rejected" and rejected["decision_reason"] == "未附证明材料"
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).contact_name == "李四"


@pytest.mark.parametrize(
    ("user", "expected"),
    [("alice", 403), ("hq", 403), ("bob", 404), ("gd_inspector", 404), ("zj_inspector", 200)],
)
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_only_the_competent_bureau_decides(world, contact_change, action, user, expected):
    response = api_as(getattr(world, user)).post(url(contact_change, action), {"reason": "理由"}, format="json")
    assert response.status_code == expected
    if expected != 200:
        assert status_of(contact_change) == ChangeRequestStatus.PENDING


@pytest.mark.parametrize(("user", "expected"), [("zj_inspector", 403), ("hq", 403), ("bob", 404), ("alice", 200)])
def test_only_the_enterprise_withdraws(world, contact_change, user, expected):
    response = api_as(getattr(world, user)).post(url(contact_change, "withdraw"))
    assert response.status_code == expected
    assert status_of(contact_change) == ("withdrawn" if expected == 200 else "pending")


@pytest.mark.parametrize("action", ["approve", "reject", "withdraw"])
def test_a_decided_request_is_not_decided_again(world, contact_change, action):
    api_as(world.alice).post(url(contact_change, "withdraw"))
    user = world.alice if action == "withdraw" else world.zj_inspector
    response = api_as(user).post(url(contact_change, action), {"reason": "理由"}, format="json")
    assert response.status_code == 400 and "Not allowed" in response.json()["status"][0]
    assert status_of(contact_change) == ChangeRequestStatus.WITHDRAWN
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).contact_name == "李四"


def test_after_a_withdrawal_a_new_request_may_be_made(world, contact_change):
    api_as(world.alice).post(url(contact_change, "withdraw"))
    again = api_as(world.alice).post(
        f"/api/v1/enterprises/{world.alice_co.pk}/change-request/", {"changes": {"contact_name": "赵六"}}, format="json"
    )
    assert again.status_code == 201


@pytest.mark.parametrize(
    ("query", "which"),
    [
        ({"status": "pending"}, {"enterprise", "product"}),
        ({"target": "product"}, {"product"}),
        ({"target": "enterprise"}, {"enterprise"}),
        ({"ordering": "-created_at"}, {"enterprise", "product"}),
        ({"ordering": "password"}, {"enterprise", "product"}),
    ],
)
def test_change_request_lists_take_the_shared_filters(world, contact_change, product_change, query, which):
    names = {contact_change.pk: "enterprise", product_change.pk: "product"}
    response = api_as(world.zj_inspector).get(url(), query)
    assert response.status_code == 200
    assert {names[c["id"]] for c in response.json()["results"]} == which


def test_product_filter_and_bad_filters(world, product_change):
    inspector = api_as(world.zj_inspector)
    assert inspector.get(url(), {"product": product_change.product_id}).json()["count"] == 1
    assert inspector.get(url(), {"status": "open"}).status_code == 400
    assert inspector.get(url(), {"product": "x"}).status_code == 400
    assert inspector.get(url(), {"enterprise": "99999999999999999999999"}).status_code == 400


def test_change_requests_are_not_created_or_deleted_on_their_own_route(world, contact_change):
    alice = api_as(world.alice)
    assert (
        alice.post(url(), {"enterprise": world.alice_co.pk, "changes": {"name": "x"}}, format="json").status_code == 405
    )
    assert alice.delete(url(contact_change)).status_code == 405

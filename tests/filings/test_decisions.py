"""The one decision service for filings: its table, the service, the API actions and the buttons."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent, Notification
from cbec_supervision.notifications import TEXTS
from filings import services
from filings.choices import (
    FILING_DECISIONS,
    FILING_TRANSITIONS,
    REASON_REQUIRED,
    TRANSITION_ACTIONS,
    FilingAction,
    FilingStatus,
)
from filings.models import EnterpriseFiling, ProductFiling
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


# --- the table ----------------------------------------------------------------------------------


def test_every_decision_is_a_move_the_workflow_allows():
    for decision in FILING_DECISIONS.values():
        for source in decision.sources:
            assert decision.target in FILING_TRANSITIONS[source], (decision.action, source)


def test_every_move_but_submitting_is_one_decision():
    moves = {(s, t) for s, targets in FILING_TRANSITIONS.items() for t in targets if t != FilingStatus.SUBMITTED}
    by_decisions = [(s, d.target) for d in FILING_DECISIONS.values() for s in d.sources]
    assert sorted(by_decisions) == sorted(moves)  # each move once, and no decision outside the workflow
    assert set(TRANSITION_ACTIONS) == moves | {(FilingStatus.DRAFT, "submitted"), (FilingStatus.RETURNED, "submitted")}


@pytest.mark.parametrize("noun", ["enterprise", "product"])
def test_every_decision_names_a_notification_and_an_audit_action_that_exist(noun):
    for decision in FILING_DECISIONS.values():
        assert decision.notification_kind(noun) in TEXTS
        assert decision.audit_action in AuditAction.values
    assert set(FILING_DECISIONS) == set(FilingAction.values)


def test_reasons_are_required_for_return_reject_suspend_and_revoke_only():
    needing = {a for a, d in FILING_DECISIONS.items() if d.reason_required}
    assert needing == {"return", "reject", "suspend", "revoke"}
    assert {"returned", "rejected", "suspended", "revoked"} == REASON_REQUIRED


# --- the service --------------------------------------------------------------------------------


@pytest.fixture
def submitted_toy(world, toy):
    return services.product_submit(actor=world.alice, product=toy)


@pytest.fixture
def approved_toy(world, submitted_toy):
    return services.product_approve(actor=world.zj_inspector, product=submitted_toy)


def _notifications(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("kind", flat=True))


def test_a_product_is_suspended_reinstated_and_revoked_audited_and_notified(world, approved_toy):
    inspector = world.zj_inspector
    product = services.product_suspend(actor=inspector, product=approved_toy, reason="抽检不合格")
    assert product.status == FilingStatus.SUSPENDED and product.decision_reason == "抽检不合格"
    product = services.product_reinstate(actor=inspector, product=product)
    assert product.status == FilingStatus.APPROVED
    product = services.product_revoke(actor=inspector, product=product, reason="虚假备案")
    assert product.status == FilingStatus.REVOKED and product.filing_no == approved_toy.filing_no
    actions = list(AuditEvent.objects.for_object(product).order_by("id").values_list("action", "reason"))
    assert actions[-3:] == [("suspend", "抽检不合格"), ("reinstate", ""), ("revoke", "虚假备案")]
    assert _notifications(world.alice)[-3:] == ["product_suspended", "product_reinstated", "product_revoked"]


@pytest.mark.parametrize("action", ["suspend", "revoke"])
def test_suspending_or_revoking_a_product_needs_a_reason(world, approved_toy, action):
    with pytest.raises(ValidationError) as info:
        services.filing_decide(actor=world.zj_inspector, filing=approved_toy, action=action, reason="  ")
    assert "reason" in info.value.message_dict
    assert ProductFiling.objects.get(pk=approved_toy.pk).status == FilingStatus.APPROVED


def test_a_decision_is_taken_only_from_its_own_statuses(world, submitted_toy):
    events = AuditEvent.objects.count()
    # Reinstating leads to approved, as approving does, but only from suspended.
    with pytest.raises(ValidationError) as info:
        services.filing_decide(actor=world.zj_inspector, filing=submitted_toy, action="reinstate")
    assert "status" in info.value.message_dict
    with pytest.raises(ValidationError):
        services.filing_decide(actor=world.zj_inspector, filing=submitted_toy, action="suspend", reason="x")
    assert ProductFiling.objects.get(pk=submitted_toy.pk).status == FilingStatus.SUBMITTED
    assert AuditEvent.objects.count() == events


def test_an_unknown_decision_is_refused(world, submitted_toy):
    with pytest.raises(ValidationError) as info:
        services.filing_decide(actor=world.zj_inspector, filing=submitted_toy, action="submit")
    assert "action" in info.value.message_dict


def test_only_the_competent_bureau_decides_on_a_product(world, approved_toy):
    with pytest.raises(PermissionDenied):
        services.product_suspend(actor=world.gd_inspector, product=approved_toy, reason="x")
    with pytest.raises(PermissionDenied):
        services.product_suspend(actor=world.alice, product=approved_toy, reason="x")
    assert ProductFiling.objects.get(pk=approved_toy.pk).status == FilingStatus.APPROVED


def test_the_status_wrappers_resolve_approve_and_reinstate_by_the_current_status(world, approved_alice_co):
    filing = services.enterprise_decide(
        actor=world.zj_inspector, filing=approved_alice_co, status=FilingStatus.SUSPENDED, reason="停业整顿"
    )
    filing = services.enterprise_decide(actor=world.zj_inspector, filing=filing, status=FilingStatus.APPROVED)
    assert filing.status == FilingStatus.APPROVED
    last = AuditEvent.objects.for_object(filing).order_by("-id").first()
    assert last.action == "reinstate"
    assert _notifications(world.alice)[-2:] == ["enterprise_suspended", "enterprise_reinstated"]


def test_the_enterprise_and_product_services_share_one_decision(world, approved_alice_co):
    filing = services.filing_decide(actor=world.zj_inspector, filing=approved_alice_co, action="revoke", reason="x")
    assert EnterpriseFiling.objects.get(pk=filing.pk).status == FilingStatus.REVOKED
    assert AuditEvent.objects.for_object(filing).order_by("-id").first().action == "revoke"


# --- the API ------------------------------------------------------------------------------------


def _api_url(product, action: str) -> str:
    return f"/api/v1/products/{product.pk}/{action}/"


def test_the_product_api_suspends_reinstates_and_revokes(world, approved_toy):
    inspector = api_as(world.zj_inspector)
    response = inspector.post(_api_url(approved_toy, "suspend"), {"reason": "抽检不合格"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert inspector.post(_api_url(approved_toy, "reinstate"), {}, format="json").json()["status"] == "approved"
    response = inspector.post(_api_url(approved_toy, "revoke"), {"reason": "虚假备案"}, format="json")
    assert response.json()["status"] == "revoked"
    assert list(AuditEvent.objects.for_object(approved_toy).order_by("-id").values_list("action", flat=True)[:3]) == [
        "revoke",
        "reinstate",
        "suspend",
    ]


def test_the_api_reinstate_refuses_a_submitted_product(world, submitted_toy):
    # Reinstate and approve both lead to "approved"; the action, not the status, is what is asked.
    response = api_as(world.zj_inspector).post(_api_url(submitted_toy, "reinstate"), {}, format="json")
    assert response.status_code == 400
    assert ProductFiling.objects.get(pk=submitted_toy.pk).status == FilingStatus.SUBMITTED


def test_the_enterprise_cannot_suspend_its_own_product_over_the_api(world, approved_toy):
    response = api_as(world.alice).post(_api_url(approved_toy, "suspend"), {"reason": "x"}, format="json")
    assert response.status_code == 403
    assert ProductFiling.objects.get(pk=approved_toy.pk).status == FilingStatus.APPROVED


# --- the page -----------------------------------------------------------------------------------


def _page(user, product) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client.get(product.get_absolute_url()).content.decode()


def test_the_product_page_offers_suspend_and_revoke_on_an_approved_product(world, approved_toy):
    page = _page(world.zj_inspector, approved_toy)
    assert 'data-testid="decide-suspend"' in page and 'data-testid="decide-revoke"' in page
    assert 'data-testid="decide-reinstate"' not in page and 'data-testid="decide-approve"' not in page
    assert reverse("filings:product_decide", args=[approved_toy.pk, "suspend"]) in page
    assert 'data-testid="decisions"' not in _page(world.alice, approved_toy)


def test_the_product_page_suspends_then_offers_reinstate(world, approved_toy):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.zj_inspector)
    url = reverse("filings:product_decide", args=[approved_toy.pk, "suspend"])
    response = client.post(url, {"reason": "抽检不合格"}, follow=True)
    assert "Suspended; the enterprise has been notified." in response.content.decode()
    assert ProductFiling.objects.get(pk=approved_toy.pk).status == FilingStatus.SUSPENDED
    page = _page(world.zj_inspector, approved_toy)
    assert 'data-testid="decide-reinstate"' in page and 'data-testid="decide-revoke"' in page
    assert 'data-testid="decide-suspend"' not in page


def test_the_product_page_reinstate_does_not_approve_a_submitted_product(world, submitted_toy):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.zj_inspector)
    client.post(reverse("filings:product_decide", args=[submitted_toy.pk, "reinstate"]), {"reason": ""})
    assert ProductFiling.objects.get(pk=submitted_toy.pk).status == FilingStatus.SUBMITTED

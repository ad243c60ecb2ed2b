"""Regressions found in review of the list pattern, the pickers and the bulk actions."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent
from filings import services
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory

PRODUCTS = reverse("filings:product_list")


def browser_as(user, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def submitted(product: ProductFiling) -> ProductFiling:
    ProductFiling.objects.filter(pk=product.pk).update(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    product.refresh_from_db()
    return product


# --- bulk decisions take the decision asked for, never another one leading to the same status --------


def test_bulk_approve_refuses_a_suspended_product_and_approves_a_submitted_one(world, approved_toy):
    suspended = services.product_suspend(actor=world.zj_inspector, product=approved_toy, reason="recall")
    fresh = submitted(ProductFilingFactory(enterprise=approved_toy.enterprise))
    url = reverse("filings:product_bulk_decide", args=["approve"])
    report = browser_as(world.zj_inspector).post(url, {"select": [suspended.pk, fresh.pk], "confirm": "on"})
    results = {r.record.pk: r for r in report.context["results"]}
    assert results[fresh.pk].done
    assert not results[suspended.pk].done and results[suspended.pk].message
    assert ProductFiling.objects.get(pk=suspended.pk).status == FilingStatus.SUSPENDED
    assert ProductFiling.objects.get(pk=fresh.pk).status == FilingStatus.APPROVED
    assert not AuditEvent.objects.for_object(suspended).filter(action=AuditAction.REINSTATE).exists()


def test_bulk_approve_refuses_a_suspended_enterprise_and_approves_a_submitted_one(world, approved_alice_co):
    suspended = services.enterprise_suspend(actor=world.zj_inspector, filing=approved_alice_co, reason="recall")
    fresh = EnterpriseFilingFactory(bureau=world.zj)
    EnterpriseFiling.objects.filter(pk=fresh.pk).update(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    url = reverse("filings:enterprise_bulk_decide", args=["approve"])
    report = browser_as(world.zj_inspector).post(url, {"select": [suspended.pk, fresh.pk], "confirm": "on"})
    done = {r.record.pk: r.done for r in report.context["results"]}
    assert done == {suspended.pk: False, fresh.pk: True}
    assert EnterpriseFiling.objects.get(pk=suspended.pk).status == FilingStatus.SUSPENDED
    assert EnterpriseFiling.objects.get(pk=fresh.pk).status == FilingStatus.APPROVED
    assert not AuditEvent.objects.for_object(suspended).filter(action=AuditAction.REINSTATE).exists()


def test_the_bulk_buttons_read_the_decision_table(world):
    from filings.choices import FILING_DECISIONS
    from filings.views.enterprises import decision_bulk_actions

    actions = {a.name: a for a in decision_bulk_actions("product")}
    assert set(actions) == {"approve", "return"}
    for name, action in actions.items():
        assert (action.colour, action.icon) == (FILING_DECISIONS[name].colour, FILING_DECISIONS[name].icon)
        assert action.comment_required == FILING_DECISIONS[name].reason_required

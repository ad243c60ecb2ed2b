"""Decisions by the competent bureau on the filing pages: approve, return, reject and the rest."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cbec_supervision.models import Notification
from filings import services
from filings.choices import ChangeRequestStatus, FilingStatus
from filings.models import ChangeRequest, EnterpriseFiling
from tests.builders import complete
from tests.factories import EnterpriseFilingFactory
from tests.pages import browser_as, decide, messages_of

pytestmark = pytest.mark.django_db


# --- decisions by the competent bureau ------------------------------------------------------------


@pytest.fixture
def submitted_alice_co(world):
    complete(world.alice_co, world.alice)
    return services.enterprise_submit(actor=world.alice, filing=world.alice_co)


def test_the_inspector_approves_and_a_filing_number_is_issued(world, submitted_alice_co):
    response = decide(world.zj_inspector, submitted_alice_co, "approve")
    filing = EnterpriseFiling.objects.get(pk=submitted_alice_co.pk)
    assert filing.status == FilingStatus.APPROVED and filing.filing_no.startswith("ZJ")
    assert response.redirect_chain[-1][0] == filing.get_absolute_url()
    assert any(filing.filing_no in m for m in messages_of(response))


def test_returning_needs_a_reason_shown_on_the_reason_field(world, submitted_alice_co):
    response = decide(world.zj_inspector, submitted_alice_co, "return", reason="  ")
    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Give a reason."]
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.SUBMITTED


def test_a_returned_filing_shows_the_reason_prominently_to_the_enterprise(world, submitted_alice_co):
    decide(world.zj_inspector, submitted_alice_co, "return", reason="地址与营业执照不符")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.RETURNED
    page = browser_as(world.alice).get(submitted_alice_co.get_absolute_url()).content.decode()
    assert 'data-testid="decision-reason"' in page and "地址与营业执照不符" in page
    assert "Resubmit for review" in page
    assert Notification.objects.filter(recipient=world.alice, kind="enterprise_returned").exists()


def test_reject_suspend_reinstate_and_revoke(world, submitted_alice_co):
    decide(world.zj_inspector, submitted_alice_co, "approve")
    decide(world.zj_admin, submitted_alice_co, "suspend", reason="抽检不合格")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.SUSPENDED
    actions = [
        d.action for d in browser_as(world.zj_inspector).get(submitted_alice_co.get_absolute_url()).context["decisions"]
    ]
    assert actions == ["reinstate", "revoke"]
    decide(world.zj_inspector, submitted_alice_co, "reinstate")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.APPROVED
    decide(world.zj_inspector, submitted_alice_co, "revoke", reason="虚假备案")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.REVOKED
    other = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
    decide(world.zj_inspector, other, "reject", reason="经营范围不符")
    assert EnterpriseFiling.objects.get(pk=other.pk).status == FilingStatus.REJECTED


@pytest.mark.parametrize("who", ["alice", "hq"])
def test_a_decision_by_someone_else_is_refused_with_the_services_message(world, submitted_alice_co, who):
    response = decide(getattr(world, who), submitted_alice_co, "approve")
    assert "Only inspectors of the competent bureau may decide on this." in messages_of(response)
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).status == FilingStatus.SUBMITTED


def test_a_decision_the_workflow_does_not_allow_is_refused_and_changes_nothing(world):
    response = decide(world.zj_inspector, world.alice_co, "approve")  # still a draft
    # The decision page again, with why, and with what was typed (issue 9: nothing typed is lost).
    assert response.status_code == 200 and "cannot become" in " ".join(response.context["form"].non_field_errors())
    assert EnterpriseFiling.objects.get(pk=world.alice_co.pk).status == FilingStatus.DRAFT


def test_another_bureau_cannot_even_find_the_filing(world, submitted_alice_co):
    assert decide(world.gd_inspector, submitted_alice_co, "approve", follow=False).status_code == 404


def test_the_inspector_corrects_the_competent_bureau(world, submitted_alice_co):
    url = reverse("filings:enterprise_set_bureau", args=[submitted_alice_co.pk])
    client = browser_as(world.zj_inspector)
    response = client.post(url, {"bureau": world.gd.pk, "reason": ""})
    assert response.context["form"].errors["reason"] == ["Give a reason."]
    response = client.post(url, {"bureau": world.gd.pk, "reason": "注册地在广州"})
    # The filing has left Zhejiang: back to the queue rather than to a page now out of reach.
    assert response.status_code == 302 and response["Location"] == reverse("filings:review_queue")
    assert EnterpriseFiling.objects.get(pk=submitted_alice_co.pk).bureau == world.gd


def test_change_requests_are_approved_or_rejected_with_a_reason(world, approved_alice_co):
    change = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}
    )
    client = browser_as(world.zj_inspector)
    url = reverse("filings:change_request_decide", args=[change.pk, "reject"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    client.post(url, {"reason": "无证明材料"})
    change.refresh_from_db()
    assert change.status == ChangeRequestStatus.REJECTED and change.decision_reason == "无证明材料"
    response = client.post(url, {"reason": "again"}, follow=True)
    assert any("cannot become" in m for m in messages_of(response))


def test_the_enterprise_withdraws_its_change_request(world, approved_alice_co):
    change = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}
    )
    browser_as(world.alice).post(reverse("filings:change_request_withdraw", args=[change.pk]))
    assert ChangeRequest.objects.get(pk=change.pk).status == ChangeRequestStatus.WITHDRAWN

"""Merging a lead into a case (shared by triage and the opening of a case from leads)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from anticounterfeit.choices import CaseDuty, CaseStatus, LeadStatus
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead
from anticounterfeit.services.lead_merge import lead_merge
from cbec_supervision.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    case = CounterfeitCase.objects.create(case_no="ZJ2026AC000001", title="仿冒运动鞋", bureau=world.zj)
    CaseAssignment.objects.create(case=case, user=world.zj_inspector, duty=CaseDuty.HANDLER)
    return case


@pytest.fixture
def lead(world):
    return CounterfeitLead.objects.create(
        bureau=world.zj, channel="rights_holder", title="店铺销售仿冒运动鞋", brand="NIKE", enterprise=world.alice_co
    )


def test_a_handler_merges_a_lead_and_its_enterprise_becomes_a_link(world, case, lead):
    lead = lead_merge(actor=world.zj_inspector, lead=lead, case=case, note="同一店铺")
    assert (lead.status, lead.case, lead.triaged_by) == (LeadStatus.MERGED, case, world.zj_inspector)
    assert list(case.enterprises.all()) == [world.alice_co]
    event = AuditEvent.objects.for_object(lead).get()
    assert event.action == "merge" and event.after["status"] == "merged"


def test_a_merged_lead_is_not_merged_again(world, case, lead):
    lead_merge(actor=world.zj_inspector, lead=lead, case=case)
    with pytest.raises(ValidationError):
        lead_merge(actor=world.zj_inspector, lead=lead, case=case)


def test_someone_not_on_the_case_may_not_merge(world, case, lead):
    with pytest.raises(PermissionDenied):
        lead_merge(actor=world.gd_inspector, lead=lead, case=case)
    case.assignments.all().delete()
    with pytest.raises(PermissionDenied):
        lead_merge(actor=world.zj_inspector, lead=lead, case=case)
    # The bureau's administrator may, without being assigned.
    assert lead_merge(actor=world.zj_admin, lead=lead, case=case).status == LeadStatus.MERGED


def test_a_case_past_investigation_takes_no_more_leads(world, case, lead):
    CounterfeitCase.objects.filter(pk=case.pk).update(status=CaseStatus.REVIEW)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        lead_merge(actor=world.zj_inspector, lead=lead, case=case)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW

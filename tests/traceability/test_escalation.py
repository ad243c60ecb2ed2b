"""Escalation: an enterprise with confirmed quality problems in two or more closed investigations within
12 months (both configurable) is proposed for strict supervision; the competent bureau's administrator
confirms it (the filing's strict-supervision decision: its bonded batches go to on-site verification) or
dismisses it with a reason."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalogues.services.editions import invalidate_indexes
from cbec_supervision.models import AuditEvent, Notification
from filings.choices import SupervisionLevel
from tests.imports.batch_api import BABY_GARMENTS, declare
from traceability.choices import InvestigationStatus, ProposalStatus
from traceability.models import Investigation, StrictSupervisionProposal
from traceability.services import escalation
from traceability.tasks import escalation_check as escalation_task

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def fresh_catalogue_indexes():
    invalidate_indexes()
    yield
    invalidate_indexes()


def closed_case(world, enterprise, *, days_ago: float = 10, confirmed: bool = True, status=InvestigationStatus.CLOSED):
    """A closed investigation whose findings hold ``enterprise`` responsible (made directly in the database)."""
    n = next(_numbers)
    return Investigation.objects.create(
        case_no=f"TEST-{n:05d}",
        title=f"案件 {n}",
        lead_bureau=world.zj,
        notifying_bureau=world.zj,
        status=status,
        closed_at=timezone.now() - dt.timedelta(days=days_ago) if status == InvestigationStatus.CLOSED else None,
        responsible_enterprise=enterprise,
        quality_problem_confirmed=confirmed,
    )


@pytest.fixture
def proposed(world, approved_alice_co):
    closed_case(world, approved_alice_co, days_ago=100)
    closed_case(world, approved_alice_co, days_ago=5)
    return escalation.escalation_check_for(approved_alice_co)


def test_two_confirmed_closed_cases_within_a_year_make_one_proposal_naming_them(world, proposed, approved_alice_co):
    assert proposed is not None and proposed.status == ProposalStatus.PROPOSED
    assert proposed.enterprise_id == approved_alice_co.pk
    assert sorted(proposed.investigations.values_list("case_no", flat=True)) == sorted(
        Investigation.objects.values_list("case_no", flat=True)
    )
    # The competent bureau's administrators are told; inspectors are not.
    assert Notification.objects.filter(recipient=world.zj_admin, kind="strict_supervision_proposed").count() == 1
    assert not Notification.objects.filter(recipient=world.zj_inspector, kind="strict_supervision_proposed").exists()
    proposals = ContentType.objects.get_for_model(StrictSupervisionProposal)
    assert AuditEvent.objects.filter(content_type=proposals, object_id=str(proposed.pk), action="create").exists()


def test_no_duplicate_proposal_while_one_is_open(world, proposed, approved_alice_co):
    closed_case(world, approved_alice_co, days_ago=1)
    assert escalation.escalation_check() == []
    assert escalation.escalation_check_for(approved_alice_co) is None
    assert StrictSupervisionProposal.objects.count() == 1


def test_one_case_is_not_enough_and_unconfirmed_open_or_old_cases_do_not_count(world, approved_alice_co):
    closed_case(world, approved_alice_co, days_ago=5)
    closed_case(world, approved_alice_co, days_ago=6, confirmed=False)
    closed_case(world, approved_alice_co, status=InvestigationStatus.INVESTIGATING)
    closed_case(world, approved_alice_co, days_ago=400)
    assert escalation.escalation_check() == []


def test_the_threshold_and_the_window_are_settings(world, approved_alice_co, settings):
    closed_case(world, approved_alice_co, days_ago=5)
    closed_case(world, approved_alice_co, days_ago=40)
    settings.CBEC_ESCALATION_WINDOW_DAYS = 30
    assert escalation.escalation_check() == []
    settings.CBEC_ESCALATION_THRESHOLD = 1
    [proposal] = escalation.escalation_check()
    assert proposal.investigations.count() == 1


def test_the_daily_task_checks_every_enterprise(world, approved_alice_co):
    closed_case(world, approved_alice_co, days_ago=5)
    closed_case(world, approved_alice_co, days_ago=6)
    closed_case(world, world.bob_co, days_ago=6)
    ids = escalation_task.delay().get()
    assert list(StrictSupervisionProposal.objects.values_list("pk", flat=True)) == ids
    assert StrictSupervisionProposal.objects.get().enterprise_id == approved_alice_co.pk


def test_an_enterprise_already_strict_is_not_proposed(world, approved_alice_co):
    from filings import services

    services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=approved_alice_co, reason="已严管")
    closed_case(world, approved_alice_co, days_ago=5)
    closed_case(world, approved_alice_co, days_ago=6)
    assert escalation.escalation_check() == []


@pytest.mark.usefixtures("fresh_catalogue_indexes")
def test_confirming_places_it_under_strict_supervision_and_its_next_bonded_batch_is_verified_on_site(
    world, proposed, approved_alice_co
):
    escalation.proposal_confirm(actor=world.zj_admin, proposal=proposed)
    approved_alice_co.refresh_from_db()
    assert approved_alice_co.supervision_level == SupervisionLevel.STRICT
    assert "TEST-" in approved_alice_co.supervision_reason
    proposed.refresh_from_db()
    assert (proposed.status, proposed.decided_by) == (ProposalStatus.CONFIRMED, world.zj_admin)
    batch = declare(world, BABY_GARMENTS)
    assert (batch["status"], batch["strict_supervision"]) == ("verification_required", True)
    assert batch["verification"]["status"] == "open"
    # Decided: the same cases make no new proposal.
    assert escalation.escalation_check() == []


def test_dismissing_needs_a_reason_and_leaves_the_level(world, proposed, approved_alice_co):
    with pytest.raises(ValidationError):
        escalation.proposal_dismiss(actor=world.zj_admin, proposal=proposed, reason=" ")
    escalation.proposal_dismiss(actor=world.zj_admin, proposal=proposed, reason="已整改到位")
    proposed.refresh_from_db()
    approved_alice_co.refresh_from_db()
    assert (proposed.status, proposed.reason) == (ProposalStatus.DISMISSED, "已整改到位")
    assert approved_alice_co.supervision_level == SupervisionLevel.NORMAL
    with pytest.raises(ValidationError):
        escalation.proposal_confirm(actor=world.zj_admin, proposal=proposed)
    # Not proposed again for the same cases; a new confirmed case after the dismissal counts again.
    assert escalation.escalation_check() == []
    StrictSupervisionProposal.objects.filter(pk=proposed.pk).update(decided_at=timezone.now() - dt.timedelta(days=1))
    closed_case(world, approved_alice_co, days_ago=0.5)
    assert len(escalation.escalation_check()) == 1


@pytest.mark.parametrize("who", ["zj_inspector", "gd_inspector", "alice", "hq"])
def test_only_the_competent_bureau_admin_decides(world, proposed, who):
    user = getattr(world, who)
    assert not escalation.may_decide(user, proposed)
    with pytest.raises(PermissionDenied):
        escalation.proposal_confirm(actor=user, proposal=proposed)
    with pytest.raises(PermissionDenied):
        escalation.proposal_dismiss(actor=user, proposal=proposed, reason="x")


# --- pages ---------------------------------------------------------------------------------------


def test_the_admin_sees_the_queue_and_confirms_on_the_page(world, proposed, client, approved_alice_co):
    client.force_login(world.zj_admin)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Strict supervision proposals" in home
    page = client.get("/traceability/escalations/?status=proposed", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "Alice Co" in page.content.decode()
    detail = client.get(proposed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="proposal-confirm"' in detail
    response = client.post(f"/traceability/escalations/{proposed.pk}/confirm/", {"reason": "两次质量问题"})
    assert response.status_code == 302
    approved_alice_co.refresh_from_db()
    assert approved_alice_co.supervision_level == SupervisionLevel.STRICT


def test_dismissing_on_the_page_without_a_reason_changes_nothing(world, proposed, client):
    client.force_login(world.zj_admin)
    client.post(f"/traceability/escalations/{proposed.pk}/dismiss/", {"reason": ""})
    proposed.refresh_from_db()
    assert proposed.status == ProposalStatus.PROPOSED


def test_pages_by_role(world, proposed, client):
    url = proposed.get_absolute_url()
    client.force_login(world.zj_inspector)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and 'data-testid="proposal-confirm"' not in page.content.decode()
    client.post(f"/traceability/escalations/{proposed.pk}/confirm/", {"reason": "x"})
    proposed.refresh_from_db()
    assert proposed.status == ProposalStatus.PROPOSED
    for outsider in (world.gd_inspector, world.alice):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        assert client.post(f"/traceability/escalations/{proposed.pk}/confirm/", {"reason": "x"}).status_code == 404
    client.force_login(world.alice)
    assert client.get("/traceability/escalations/").status_code == 404
    client.force_login(world.hq)
    assert client.get(url).status_code == 200


def test_the_list_reads_a_fixed_number_of_queries(world, approved_alice_co, client, django_assert_max_num_queries):
    client.force_login(world.zj_admin)
    closed_case(world, approved_alice_co, days_ago=5)
    closed_case(world, approved_alice_co, days_ago=6)
    escalation.escalation_check()
    with django_assert_max_num_queries(25):
        assert client.get("/traceability/escalations/").status_code == 200


# --- API -----------------------------------------------------------------------------------------

API = "/api/v1/strict-supervision-proposals/"


def test_the_api_lists_and_decides(world, proposed, approved_alice_co):
    from tests.conftest import api_as

    listing = api_as(world.zj_inspector).get(f"{API}?status=proposed").json()
    assert [row["id"] for row in listing["results"]] == [proposed.pk]
    assert listing["results"][0]["enterprise"] == approved_alice_co.pk
    assert len(listing["results"][0]["investigations"]) == 2
    assert api_as(world.zj_inspector).post(f"{API}{proposed.pk}/confirm/", {}, format="json").status_code == 403
    assert api_as(world.gd_inspector).get(f"{API}{proposed.pk}/").status_code == 404
    assert api_as(world.alice).get(f"{API}{proposed.pk}/").status_code == 403  # enterprises have no proposals
    refused = api_as(world.zj_admin).post(f"{API}{proposed.pk}/dismiss/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    done = api_as(world.zj_admin).post(f"{API}{proposed.pk}/confirm/", {"reason": "屡次质量问题"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "confirmed"
    again = api_as(world.zj_admin).post(f"{API}{proposed.pk}/confirm/", {}, format="json")
    assert again.status_code == 400

"""Counterfeit cases after review: who leaves the bureau's staff loses the case, whoever approved the opening
never handles nor reviews it, moments outside 2000..now answer 400 (never 500), the signed copies of the
procedure documents are downloaded through the case (scoped), a failed step leaves no stored file, and a
lead is merged under the case's lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from anticounterfeit import services
from anticounterfeit.choices import CaseDuty, CaseStatus, LeadStatus
from anticounterfeit.duties import duties_of, is_handler
from anticounterfeit.models import CaseDocument, CounterfeitCase, CounterfeitLead
from anticounterfeit.services import cases as case_services
from anticounterfeit.services.lead_merge import lead_merge
from tests.anticounterfeit.test_cases_services import add_evidence, at_notice, decided, opened, people, propose
from tests.conftest import api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

__all__ = ["people"]  # the fixture, shared

URL = "/api/v1/counterfeit-cases/"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def url(case, action: str = "") -> str:
    return f"{URL}{case.pk}/{action + '/' if action else ''}"


def signed_copy(name: str = "signed.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n%signed copy\n", content_type="application/pdf")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


# --- people who leave the bureau's staff -----------------------------------------------------------


def test_an_assigned_inspector_whose_account_becomes_an_enterprises_no_longer_sees_nor_acts(people):
    case = opened(people)
    add_evidence(case, people.handler)
    assert api_as(people.handler2).get(url(case)).status_code == 200
    people.handler2.role = Role.ENTERPRISE
    people.handler2.enterprise = people.world.alice_co
    people.handler2.bureau = None
    people.handler2.save()

    assert not CounterfeitCase.objects.visible_to(people.handler2).exists()
    assert api_as(people.handler2).get(url(case)).status_code == 404
    response = api_as(people.handler2).post(url(case, "submit-for-review"), {"report_text": "报告"}, format="json")
    assert response.status_code == 404
    assert duties_of(case, people.handler2) == set() and not is_handler(case, people.handler2)
    with pytest.raises(PermissionDenied):
        services.case_submit_for_review(actor=people.handler2, case=case, report_text="调查终结报告")
    case.refresh_from_db()
    assert case.status == CaseStatus.INVESTIGATING


def test_a_deactivated_officer_holds_no_duty(people):
    case = opened(people)
    people.reviewer.is_active = False
    people.reviewer.save()
    assert duties_of(case, people.reviewer) == set() and duties_of(case, people.reviewer, ever=True) == set()
    assert not CounterfeitCase.objects.visible_to(people.reviewer).exists()
    assert services.case_duties(case, people.reviewer)[0] == set()


# --- whoever approved the opening ------------------------------------------------------------------


def test_the_approver_does_not_name_themselves_the_reviewer(people):
    case = propose(people)
    with pytest.raises(ValidationError) as refused:
        services.case_approve_opening(actor=people.admin, case=case, text="同意", reviewer=people.admin)
    assert "reviewer" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED and not case.assignments.filter(user=people.admin).exists()


def test_the_approver_may_be_the_deciding_officer(people):
    case = propose(people)
    case = services.case_approve_opening(actor=people.admin, case=case, text="同意", decider=people.admin)
    assert duties_of(case, people.admin) == {CaseDuty.DECIDER}


def test_whoever_approved_the_opening_is_later_assigned_neither_handler_nor_reviewer(people):
    case = propose(people)
    case = services.case_approve_opening(actor=people.admin, case=case, text="同意", handlers=[people.handler2])
    other_admin = UserFactory(username="zj_admin2", role=Role.BUREAU_ADMIN, bureau=people.world.zj)
    for actor in (people.admin, other_admin):
        for duty in (CaseDuty.HANDLER, CaseDuty.REVIEWER):
            with pytest.raises(ValidationError) as refused:
                services.case_assign(actor=actor, case=case, user=people.admin, duty=duty)
            assert "user" in refused.value.message_dict
    assert not case.assignments.filter(user=people.admin).exists()
    response = api_as(people.admin).post(
        url(case, "assign"), {"user": people.admin.pk, "duty": "handler"}, format="json", **EN
    )
    assert response.status_code == 400 and "user" in response.json()
    assignment = services.case_assign(actor=people.admin, case=case, user=people.admin, duty=CaseDuty.DECIDER)
    assert assignment.duty == CaseDuty.DECIDER


def test_an_administrator_named_reviewer_before_the_opening_does_not_approve_it(people):
    case = propose(people)
    other_admin = UserFactory(username="zj_admin2", role=Role.BUREAU_ADMIN, bureau=people.world.zj)
    services.case_assign(actor=other_admin, case=case, user=people.admin, duty=CaseDuty.REVIEWER)
    case = CounterfeitCase.objects.get(pk=case.pk)
    assert "approve" not in services.allowed_actions(case, people.admin)
    with pytest.raises(PermissionDenied):
        services.case_approve_opening(actor=people.admin, case=case, text="同意")


# --- moments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00",
        "9999-12-31T23:59:59",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "1999-12-31T23:59:59",
        "0001-01-01",
    ],
)
def test_a_notice_served_outside_2000_to_now_answers_400_per_field(people, value):
    case = at_notice(people)
    response = api_as(people.handler).post(
        url(case, "notice"), {"served_at": value, "text": "告知书", "hearing_waived": True}, format="json", **EN
    )
    assert response.status_code == 400, response.content
    assert "served_at" in response.json()
    case.refresh_from_db()
    assert case.notice_served_at is None


@pytest.mark.parametrize("value", ["0001-01-01T00:00:00", "9999-12-31T23:59:59"])
def test_a_hearing_and_a_service_outside_2000_to_now_answer_400(people, value):
    case = at_notice(people, served_at=timezone.now(), hearing_requested=True)
    response = api_as(people.handler).post(url(case, "hearing"), {"held_at": value, "text": "听证笔录"}, format="json")
    assert response.status_code == 400 and "held_at" in response.json()
    served = decided(people)
    response = api_as(people.handler).post(
        url(served, "serve"), {"served_at": value, "method": "direct", "text": "签收"}, format="json"
    )
    assert response.status_code == 400 and "served_at" in response.json()


def test_the_services_refuse_a_year_one_moment(people):
    case = at_notice(people)
    with pytest.raises(ValidationError) as refused:
        services.case_record_notice(
            actor=people.handler, case=case, served_at="0001-01-01T00:00:00", text="告知书", hearing_waived=True
        )
    assert "served_at" in refused.value.message_dict


def test_a_year_one_moment_posted_from_the_page_is_refused_without_a_500(client, people):
    case = at_notice(people)
    client.force_login(people.handler)
    response = client.post(
        reverse("anticounterfeit:case_action", args=[case.pk, "notice"]),
        {"served_at": "0001-01-01T00:00", "text": "告知书", "hearing_waived": "on"},
        **EN,
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.notice_served_at is None


# --- downloading the signed copies -----------------------------------------------------------------


def _document_with_copy(people) -> tuple[CounterfeitCase, CaseDocument]:
    case = propose(people, upload=signed_copy("立案申请.pdf"))
    return case, CaseDocument.objects.get(case=case, kind="opening_request")


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_signed_copy_is_downloaded_over_the_api_as_an_attachment(people):
    case, document = _document_with_copy(people)
    response = api_as(people.handler).get(url(case))
    link = response.json()["documents"][0]["file"]
    assert link == f"{URL}{case.pk}/documents/{document.pk}/download/"
    download = api_as(people.handler).get(link)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")
    assert _body(download) == b"%PDF-1.4\n%signed copy\n"
    assert api_as(people.admin).get(link).status_code == 200
    assert api_as(people.world.hq).get(link).status_code == 200


def test_a_signed_copy_is_not_downloaded_outside_the_case_scope_over_the_api(people):
    case, document = _document_with_copy(people)
    link = f"{URL}{case.pk}/documents/{document.pk}/download/"
    unassigned = UserFactory(username="zj_unassigned", bureau=people.world.zj)
    for outsider in (unassigned, people.world.gd_inspector, people.world.alice):
        assert api_as(outsider).get(link).status_code == 404, outsider.username
    other = propose(people)
    assert api_as(people.handler).get(f"{URL}{other.pk}/documents/{document.pk}/download/").status_code == 404
    no_copy = CaseDocument.objects.get(case=other, kind="opening_request")
    assert api_as(people.handler).get(f"{URL}{other.pk}/documents/{no_copy.pk}/download/").status_code == 404
    assert api_as(people.handler).get(f"{URL}{case.pk}/documents/{'9' * 30}/download/").status_code == 404


def test_a_signed_copy_is_downloaded_from_the_case_page(client, people):
    case, document = _document_with_copy(people)
    link = reverse("anticounterfeit:case_document_download", args=[case.pk, document.pk])
    client.force_login(people.handler)
    page = client.get(reverse("anticounterfeit:case_detail", args=[case.pk]), **EN)
    assert link in page.content.decode() and "/media/" not in page.content.decode()
    download = client.get(link)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff" and download["Content-Disposition"].startswith("attachment")
    assert _body(download) == b"%PDF-1.4\n%signed copy\n"
    other = propose(people)
    elsewhere = reverse("anticounterfeit:case_document_download", args=[other.pk, document.pk])
    assert client.get(elsewhere).status_code == 404
    for outsider in (UserFactory(username="zj_unassigned", bureau=people.world.zj), people.world.gd_inspector):
        client.force_login(outsider)
        assert client.get(link).status_code == 404


# --- a failed step leaves no file ------------------------------------------------------------------


def test_a_proposal_whose_lead_merge_fails_leaves_no_stored_file(people, settings, monkeypatch):
    def failing_merge(**kwargs):
        raise ValidationError({"leads": ["merge failed"]})

    monkeypatch.setattr(case_services, "lead_merge", failing_merge)
    with pytest.raises(ValidationError):
        propose(people, upload=signed_copy())
    assert not CounterfeitCase.objects.exists()
    assert stored_files(settings) == []


def test_an_approval_whose_last_write_fails_leaves_no_stored_file(people, settings, monkeypatch):
    case = propose(people)

    def failing_move(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(case_services, "_move", failing_move)
    with pytest.raises(RuntimeError):
        services.case_approve_opening(actor=people.admin, case=case, text="同意立案", upload=signed_copy())
    assert stored_files(settings) == []
    assert not CaseDocument.objects.filter(case=case, kind="opening_approval").exists()


def test_a_successful_step_keeps_its_signed_copy(people, settings):
    case = propose(people)
    services.case_approve_opening(actor=people.admin, case=case, text="同意立案", upload=signed_copy())
    assert len(stored_files(settings)) == 1


# --- merging under the case's lock -----------------------------------------------------------------


def test_a_lead_is_merged_under_the_cases_lock_and_its_current_status(people):
    case = opened(people)
    lead = CounterfeitLead.objects.create(bureau=people.world.zj, channel="platform", title="仿冒手袋")
    stale = CounterfeitCase.objects.get(pk=case.pk)
    CounterfeitCase.objects.filter(pk=case.pk).update(status=CaseStatus.REVIEW)  # moved on meanwhile
    with pytest.raises(ValidationError):
        lead_merge(actor=people.handler, lead=lead, case=stale)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.NEW
    CounterfeitCase.objects.filter(pk=case.pk).update(status=CaseStatus.INVESTIGATING)
    with CaptureQueriesContext(connection) as queries:
        lead_merge(actor=people.handler, lead=lead, case=stale)
    locks = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"] and "anticounterfeit_counterfeitcase" in q["sql"]]
    assert any('FROM "anticounterfeit_counterfeitcase"' in sql for sql in locks)
    lead.refresh_from_db()
    assert (lead.status, lead.case_id) == (LeadStatus.MERGED, case.pk)

"""Counterfeit cases run by the book (issue 12): the procedure's services, separation of duties, refused
transitions, the documents each step writes and the audit trail."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anticounterfeit import services
from anticounterfeit.choices import CaseDocumentKind, CaseStatus, LeadStatus
from anticounterfeit.models import CaseAssignment, CaseDocument, CounterfeitCase, CounterfeitLead, Evidence
from cbec_supervision.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


# --- the people and the steps (shared with the API and page tests) ---------------------------------


@pytest.fixture
def people(world):
    """``world.zj_inspector`` proposes and handles; ``handler2`` handles too; ``reviewer`` reviews;
    ``decider`` decides; ``world.zj_admin`` approves the opening and assigns people."""
    return SimpleNamespace(
        world=world,
        handler=world.zj_inspector,
        handler2=UserFactory(username="zj_handler2", bureau=world.zj),
        reviewer=UserFactory(username="zj_reviewer", bureau=world.zj),
        decider=UserFactory(username="zj_decider", bureau=world.zj),
        admin=world.zj_admin,
    )


def propose(people, **kwargs) -> CounterfeitCase:
    lead = CounterfeitLead.objects.create(
        bureau=people.world.zj, channel="rights_holder", title="店铺销售仿冒运动鞋", brand="NIKE"
    )
    data = {"actor": people.handler, "leads": [lead.pk], "opening_text": "拟立案：店铺销售仿冒运动鞋", **kwargs}
    return services.case_create(**data)


def add_evidence(case, user, number: int = 1) -> Evidence:
    return Evidence.objects.create(
        case=case,
        number=number,
        kind="physical",
        description="仿冒运动鞋 20 双",
        collected_at=timezone.now(),
        collected_by=user,
        created_by=user,
    )


def opened(people) -> CounterfeitCase:
    case = propose(people)
    return services.case_approve_opening(
        actor=people.admin,
        case=case,
        text="同意立案",
        number="浙检立〔2026〕1号",
        handlers=[people.handler2],
        reviewer=people.reviewer,
        decider=people.decider,
    )


def in_review(people) -> CounterfeitCase:
    case = opened(people)
    add_evidence(case, people.handler)
    return services.case_submit_for_review(actor=people.handler, case=case, report_text="调查终结报告")


def at_notice(people, **notice) -> CounterfeitCase:
    case = services.case_review(actor=people.reviewer, case=in_review(people), opinion="事实清楚，证据确凿")
    if notice:
        case = services.case_record_notice(actor=people.handler, case=case, text="行政处罚告知书", **notice)
    return case


def decided(people, **kwargs) -> CounterfeitCase:
    case = at_notice(people, served_at=timezone.now(), hearing_waived=True)
    data = {
        "decision_kind": "penalty",
        "decision_no": "浙检罚〔2026〕1号",
        "text": "没收仿冒运动鞋 20 双，罚款 5000 元",
        "fine_amount_cny": "5000",
        "confiscated_quantity": 20,
        **kwargs,
    }
    return services.case_decide(actor=people.decider, case=case, **data)


def kinds(case) -> list[str]:
    return list(CaseDocument.objects.filter(case=case).order_by("id").values_list("kind", flat=True))


def snapshot_of(case) -> tuple:
    case.refresh_from_db()
    return (case.status, CaseDocument.objects.filter(case=case).count(), AuditEvent.objects.count())


# --- the happy path --------------------------------------------------------------------------------


def test_a_proposed_case_gets_its_number_its_first_handler_its_request_and_its_leads(people):
    case = propose(people)
    year = timezone.localdate().year
    assert case.case_no == f"ZJ{year}AC000001"
    assert propose(people).case_no == f"ZJ{year}AC000002"
    assert (case.status, case.bureau, case.brand, case.proposed_by) == (
        "proposed",
        people.world.zj,
        "NIKE",
        people.handler,
    )
    assert case.title == "店铺销售仿冒运动鞋"  # from the first lead
    assert list(case.assignments.values_list("user", "duty")) == [(people.handler.pk, "handler")]
    assert kinds(case) == ["opening_request"]
    lead = case.leads.get()
    assert (lead.status, lead.case) == (LeadStatus.MERGED, case)
    assert AuditEvent.objects.for_object(case).filter(action="create").exists()


def test_the_whole_procedure_runs_by_the_book(people):
    case = decided(people)
    assert case.status == CaseStatus.DECIDED
    assert (case.fine_amount_cny, case.confiscated_quantity, case.decided_by) == (
        Decimal("5000.00"),
        20,
        people.decider,
    )
    case = services.case_record_service(
        actor=people.handler2, case=case, served_at=timezone.now(), method="direct", text="当事人签收"
    )
    case = services.case_record_enforcement(actor=people.handler, case=case, fine_paid_cny="5000.00", text="罚款已缴")
    case = services.case_close(actor=people.handler, case=case, summary="结案报告")
    assert case.status == CaseStatus.CLOSED and case.closed_by == people.handler
    assert kinds(case) == [
        "opening_request",
        "opening_approval",
        "investigation_report",
        "review_opinion",
        "penalty_notice",
        "decision",
        "service_receipt",
        "enforcement_record",
        "closing_report",
    ]
    actions = list(
        AuditEvent.objects.for_object(case, include_related=False).order_by("id").values_list("action", flat=True)
    )
    assert actions == ["create", "approve", "submit", "review", "update", "decide", "serve", "update", "close"]
    # the documents and the assignments are parts of the case's history
    assert AuditEvent.objects.for_object(case, include_related=True).filter(action="assign").count() == 4


def test_the_approval_assigns_the_people_named(people):
    case = opened(people)
    assert case.status == CaseStatus.INVESTIGATING and case.opened_by == people.admin
    duties = dict(case.assignments.filter(ended_at__isnull=True).values_list("user__username", "duty"))
    assert duties == {
        "zj_inspector": "handler",
        "zj_handler2": "handler",
        "zj_reviewer": "reviewer",
        "zj_decider": "decider",
    }


def test_a_decision_of_no_penalty_is_closed_once_served(people):
    case = decided(people, decision_kind="no_penalty", fine_amount_cny=None, confiscated_quantity=None)
    case = services.case_record_service(
        actor=people.handler, case=case, served_at=timezone.now(), method="postal", text="邮寄送达"
    )
    with pytest.raises(ValidationError):
        services.case_record_enforcement(actor=people.handler, case=case, fine_paid_cny="0", text="x")
    assert services.case_close(actor=people.admin, case=case, summary="不予处罚，结案").status == CaseStatus.CLOSED


def test_a_served_penalty_is_enforced_before_closing(people):
    case = decided(people)
    case = services.case_record_service(
        actor=people.handler, case=case, served_at=timezone.now(), method="direct", text="签收"
    )
    with pytest.raises(ValidationError):
        services.case_close(actor=people.handler, case=case, summary="x")


def test_a_refused_opening_writes_its_decision(people):
    case = services.case_refuse_opening(actor=people.admin, case=propose(people), reason="证据不足，不予立案")
    assert case.status == CaseStatus.NOT_OPENED
    assert kinds(case)[-1] == "opening_refusal"
    assert AuditEvent.objects.for_object(case, include_related=False).last().reason == "证据不足，不予立案"


def test_review_may_return_the_case_for_more_investigation(people):
    case = services.case_return(actor=people.reviewer, case=in_review(people), reason="需补充证据")
    assert case.status == CaseStatus.INVESTIGATING
    assert kinds(case)[-1] == "review_return"


def test_a_case_is_transferred_to_the_judiciary_then_closed(people):
    case = services.case_transfer(
        actor=people.decider, case=in_review(people), transferred_to="杭州市公安局", text="涉嫌犯罪，移送"
    )
    assert (case.status, case.transferred_to) == (CaseStatus.TRANSFERRED, "杭州市公安局")
    case = services.case_close(actor=people.handler, case=case, summary="已移送，结案")
    assert case.status == CaseStatus.CLOSED


def test_a_hearing_requested_is_held_before_the_decision(people):
    case = at_notice(people, served_at=timezone.now(), hearing_requested=True)
    decide = {"decision_kind": "penalty", "decision_no": "N1", "text": "决定", "fine_amount_cny": "100"}
    with pytest.raises(ValidationError, match="hearing"):
        services.case_decide(actor=people.decider, case=case, **decide)
    case = services.case_record_hearing(actor=people.handler, case=case, held_at=timezone.now(), text="听证笔录")
    assert services.case_decide(actor=people.decider, case=case, **decide).status == CaseStatus.DECIDED
    assert "hearing_record" in kinds(case)


def test_a_signed_copy_is_stored_with_its_hash(people):
    case = propose(people)
    upload = SimpleUploadedFile("approval.pdf", b"%PDF-1.4\n%signed\n", content_type="application/pdf")
    services.case_approve_opening(actor=people.admin, case=case, text="同意立案", upload=upload)
    document = CaseDocument.objects.get(case=case, kind="opening_approval")
    assert document.file and len(document.sha256) == 64 and document.original_name == "approval.pdf"


def test_links_are_added_while_open(people, approved_alice_co):
    case = opened(people)
    services.case_link(actor=people.handler2, case=case, enterprises=[approved_alice_co.pk])
    assert list(case.enterprises.all()) == [approved_alice_co]
    with pytest.raises(ValidationError):
        services.case_link(actor=people.handler2, case=case, enterprises=[people.world.bob_co.pk])  # not approved
    with pytest.raises(PermissionDenied):
        services.case_link(actor=people.reviewer, case=case, enterprises=[approved_alice_co.pk])


# --- separation of duties --------------------------------------------------------------------------


def test_the_proposer_may_not_approve_the_opening(people):
    case = services.case_create(actor=people.admin, title="管理员发现的线索", opening_text="拟立案")
    with pytest.raises(PermissionDenied):
        services.case_approve_opening(actor=people.admin, case=case, text="同意")
    other_admin = UserFactory(username="zj_admin2", role="bureau_admin", bureau=people.world.zj)
    assert services.case_approve_opening(actor=other_admin, case=case, text="同意").status == CaseStatus.INVESTIGATING


def test_the_approver_does_not_name_themselves_a_handler(people):
    case = propose(people)
    with pytest.raises(ValidationError) as refused:
        services.case_approve_opening(actor=people.admin, case=case, text="同意", handlers=[people.admin])
    assert "handlers" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == CaseStatus.PROPOSED


def test_only_a_bureau_administrator_approves(people):
    case = propose(people)
    for someone in (people.handler2, people.world.gd_inspector, people.world.hq):
        with pytest.raises(PermissionDenied):
            services.case_approve_opening(actor=someone, case=case, text="同意")


def test_a_handler_may_neither_review_nor_decide(people):
    case = in_review(people)
    with pytest.raises(PermissionDenied):
        services.case_review(actor=people.handler, case=case, opinion="自审")
    case = services.case_review(actor=people.reviewer, case=case, opinion="同意")
    case = services.case_record_notice(
        actor=people.handler, case=case, served_at=timezone.now(), text="告知", hearing_waived=True
    )
    for someone in (people.handler, people.reviewer, people.admin):
        with pytest.raises(PermissionDenied):
            services.case_decide(actor=someone, case=case, decision_kind="no_penalty", decision_no="N", text="t")


def test_a_person_never_takes_a_second_duty(people):
    case = opened(people)
    for user, duty in ((people.handler, "reviewer"), (people.reviewer, "decider"), (people.decider, "handler")):
        with pytest.raises(ValidationError, match="another duty"):
            services.case_assign(actor=people.admin, case=case, user=user, duty=duty, reason="r", replace=True)


def test_a_former_handler_never_becomes_the_reviewer(people):
    case = opened(people)
    assignment = case.assignments.get(user=people.handler2)
    services.case_unassign(actor=people.admin, assignment=assignment, reason="调岗")
    with pytest.raises(ValidationError, match="another duty"):
        services.case_assign(
            actor=people.admin, case=case, user=people.handler2, duty="reviewer", reason="换人", replace=True
        )


def test_one_reviewer_at_a_time_unless_replaced(people):
    case = opened(people)
    newcomer = UserFactory(username="zj_reviewer2", bureau=people.world.zj)
    with pytest.raises(ValidationError):
        services.case_assign(actor=people.admin, case=case, user=newcomer, duty="reviewer", reason="")
    with pytest.raises(ValidationError):  # replacing takes a reason
        services.case_assign(actor=people.admin, case=case, user=newcomer, duty="reviewer", reason="", replace=True)
    services.case_assign(actor=people.admin, case=case, user=newcomer, duty="reviewer", reason="回避", replace=True)
    old = case.assignments.get(user=people.reviewer)
    assert old.ended_at is not None and old.end_reason == "回避"
    assert case.assignments.get(duty="reviewer", ended_at__isnull=True).user == newcomer


def test_only_officers_of_the_bureau_are_assigned_by_its_administrator(people):
    case = opened(people)
    with pytest.raises(ValidationError):
        services.case_assign(actor=people.admin, case=case, user=people.world.gd_inspector, duty="handler")
    with pytest.raises(ValidationError):
        services.case_assign(actor=people.admin, case=case, user=people.world.alice, duty="handler")
    with pytest.raises(PermissionDenied):
        services.case_assign(actor=people.handler, case=case, user=UserFactory(bureau=people.world.zj), duty="handler")


def test_the_last_handler_of_an_open_case_stays(people):
    case = propose(people)
    with pytest.raises(ValidationError, match="last handler"):
        services.case_unassign(actor=people.admin, assignment=case.assignments.get(), reason="r")


# --- refused transitions change nothing ------------------------------------------------------------


def test_submitting_needs_two_handlers_a_reviewer_and_evidence(people):
    case = services.case_approve_opening(actor=people.admin, case=propose(people), text="同意")
    before = snapshot_of(case)
    with pytest.raises(ValidationError) as refused:
        services.case_submit_for_review(actor=people.handler, case=case, report_text="报告")
    assert set(refused.value.message_dict) == {"assignments", "evidence"}
    assert snapshot_of(case) == before
    services.case_assign(actor=people.admin, case=case, user=people.handler2, duty="handler")
    add_evidence(case, people.handler)
    with pytest.raises(ValidationError, match="reviewer"):
        services.case_submit_for_review(actor=people.handler, case=case, report_text="报告")
    services.case_assign(actor=people.admin, case=case, user=people.reviewer, duty="reviewer")
    assert services.case_submit_for_review(actor=people.handler, case=case, report_text="报告").status == "review"


def test_deciding_before_the_review_is_refused(people):
    case = opened(people)
    add_evidence(case, people.handler)
    before = snapshot_of(case)
    with pytest.raises(ValidationError):
        services.case_decide(
            actor=people.decider, case=case, decision_kind="penalty", decision_no="N", text="t", fine_amount_cny="1"
        )
    assert snapshot_of(case) == before


def test_deciding_without_evidence_is_refused(people):
    case = at_notice_without_evidence(people)
    before = snapshot_of(case)
    with pytest.raises(ValidationError, match="evidence"):
        services.case_decide(
            actor=people.decider, case=case, decision_kind="penalty", decision_no="N", text="t", fine_amount_cny="1"
        )
    assert snapshot_of(case) == before


def at_notice_without_evidence(people) -> CounterfeitCase:
    """A case at the notice whose evidence was never recorded (put there directly: the procedure refuses it)."""
    case = opened(people)
    CounterfeitCase.objects.filter(pk=case.pk).update(
        status=CaseStatus.NOTICE, reviewed_at=timezone.now(), notice_served_at=timezone.now(), hearing_waived=True
    )
    for kind in (
        CaseDocumentKind.INVESTIGATION_REPORT,
        CaseDocumentKind.REVIEW_OPINION,
        CaseDocumentKind.PENALTY_NOTICE,
    ):
        CaseDocument.objects.create(case=case, kind=kind, text="t")
    case.refresh_from_db()
    return case


def test_deciding_within_the_hearing_request_period_is_refused(people):
    case = at_notice(people, served_at=timezone.now() - dt.timedelta(days=2))
    decide = {"decision_kind": "penalty", "decision_no": "N1", "text": "决定", "fine_amount_cny": "100"}
    before = snapshot_of(case)
    with pytest.raises(ValidationError, match="days from the notice"):
        services.case_decide(actor=people.decider, case=case, **decide)
    assert snapshot_of(case) == before
    CounterfeitCase.objects.filter(pk=case.pk).update(notice_served_at=timezone.now() - dt.timedelta(days=6))
    case.refresh_from_db()
    assert services.case_decide(actor=people.decider, case=case, **decide).status == CaseStatus.DECIDED


def test_deciding_before_the_notice_is_refused(people):
    case = at_notice(people)
    with pytest.raises(ValidationError, match="notice"):
        services.case_decide(actor=people.decider, case=case, decision_kind="no_penalty", decision_no="N", text="t")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("fine_amount_cny", "-1"),
        ("fine_amount_cny", "abc"),
        ("fine_amount_cny", "1.234"),
        ("fine_amount_cny", "NaN"),
        ("fine_amount_cny", "1e20"),
        ("illegal_gains_cny", "Infinity"),
        ("confiscated_quantity", "2.5"),
        ("confiscated_quantity", "-3"),
    ],
)
def test_bad_figures_are_refused_per_field(people, field, value):
    case = at_notice(people, served_at=timezone.now(), hearing_waived=True)
    decide = {"decision_kind": "penalty", "decision_no": "N1", "text": "决定", "fine_amount_cny": "100", field: value}
    with pytest.raises(ValidationError) as refused:
        services.case_decide(actor=people.decider, case=case, **decide)
    assert field in refused.value.message_dict


def test_a_penalty_names_a_figure(people):
    case = at_notice(people, served_at=timezone.now(), hearing_waived=True)
    with pytest.raises(ValidationError, match="names a fine"):
        services.case_decide(actor=people.decider, case=case, decision_kind="penalty", decision_no="N", text="t")


def test_steps_out_of_order_are_refused(people):
    case = propose(people)
    with pytest.raises(ValidationError):
        services.case_submit_for_review(actor=people.handler, case=case, report_text="报告")
    case = opened(people)
    with pytest.raises(ValidationError):
        services.case_close(actor=people.handler, case=case, summary="x")
    with pytest.raises(ValidationError):
        services.case_record_notice(actor=people.handler, case=case, served_at=timezone.now(), text="t")


def test_a_step_needs_its_text(people):
    case = propose(people)
    with pytest.raises(ValidationError) as refused:
        services.case_approve_opening(actor=people.admin, case=case, text="  ")
    assert "text" in refused.value.message_dict
    assert CaseAssignment.objects.filter(case=case).count() == 1


def test_allowed_actions_follow_the_person_and_the_status(people):
    case = propose(people)
    assert "approve" in services.allowed_actions(case, people.admin)
    assert "approve" not in services.allowed_actions(case, people.handler)
    case = in_review(people)
    assert services.allowed_actions(case, people.reviewer) == ["review", "return"]
    assert "review" not in services.allowed_actions(case, people.handler)
    assert services.allowed_actions(case, people.world.hq) == []

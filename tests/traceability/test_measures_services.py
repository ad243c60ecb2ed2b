"""Measure services: issuing (who, what is checked), every transition and the refused ones, the proof each
type requires, the rectification re-check, recall progress, delisting confirmations by the platform,
voluntary recalls and their review; every write audited and on the case's timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cbec_supervision.models import Attachment, AuditEvent, Notification
from tests.traceability.measure_world import URLS, acknowledged, case, completed, in_days, issue, pdf, png
from traceability import services
from traceability.models import InvestigationEvent, Measure

pytestmark = pytest.mark.django_db
__all__ = ["case"]


def actions(measure) -> list[str]:
    return [e.action for e in AuditEvent.objects.for_object(measure).order_by("id")]


def inbox(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def timeline(measure) -> list[str]:
    return [e.message for e in InvestigationEvent.objects.filter(data__measure=measure.pk).order_by("id")]


def test_the_lead_bureau_issues_a_measure_audited_on_the_timeline_and_the_enterprise_told(case):
    measure = issue(case)
    assert measure.status == "issued" and measure.issued_by == case.zj_inspector
    assert actions(measure) == ["create"]
    [line] = InvestigationEvent.objects.filter(investigation=case.investigation, kind="measure")
    assert line.actor == case.zj_inspector and line.data["measure"] == measure.pk
    assert len(inbox(case.alice, "measure_issued")) == 1 and inbox(case.carol, "measure_issued") == []


@pytest.mark.parametrize("who", ["gd_inspector", "alice", "hq"])
def test_only_the_lead_bureaus_staff_issue(case, who):
    with pytest.raises(PermissionDenied):
        issue(case) if who == "zj" else services.measure_issue(
            actor=getattr(case, who),
            investigation=case.investigation,
            type="destruction",
            enterprise=case.alice_co,
            description="d",
            legal_basis="l",
            deadline=in_days(3),
        )
    assert not Measure.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"type": "fine"}, "type"),
        ({"deadline": timezone.now() - dt.timedelta(minutes=1)}, "deadline"),
        ({"deadline": None}, "deadline"),
        ({"description": " "}, "description"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"enterprise": None}, "enterprise"),
        ({"product": 99999999}, "product"),
        ({"platform": "tmall"}, "platform"),  # a destruction names no platform
        ({"type": "delisting", "listing_urls": []}, "listing_urls"),
        ({"type": "delisting", "platform": None, "listing_urls": URLS}, "platform"),
        ({"type": "delisting", "platform": "alice_co", "listing_urls": URLS}, "platform"),  # not a platform
        ({"type": "delisting", "platform": "tmall", "listing_urls": ["javascript:alert(1)"]}, "listing_urls"),
    ],
)
def test_issuing_checks_each_field(case, fields, error):
    for name in ("platform",):
        if isinstance(fields.get(name), str):
            fields[name] = getattr(case, fields[name])
    with pytest.raises(ValidationError) as exc:
        issue(case, **fields)
    assert error in exc.value.message_dict
    assert not Measure.objects.exists()


def test_a_product_of_another_enterprise_is_refused_unless_addressed_to_the_platform(case):
    with pytest.raises(ValidationError) as exc:
        issue(case, product=case.bobs_toy)
    assert "product" in exc.value.message_dict
    measure = issue(case, "recall", enterprise=case.tmall, platform=case.tmall, product=case.blocks)
    assert measure.enterprise == case.tmall


def test_staff_may_name_an_approved_enterprise_of_another_bureau(case):
    measure = issue(case, enterprise=case.bob_co, product=case.bobs_toy)
    assert measure.enterprise == case.bob_co


def test_no_measures_on_a_closed_investigation(case):
    case.investigation.status = "closed"
    case.investigation.save()
    with pytest.raises(ValidationError) as exc:
        issue(case)
    assert "investigation" in exc.value.message_dict


def test_the_full_lifecycle_issued_acknowledged_completed_verified(case):
    measure = completed(case)
    assert measure.status == "completed" and measure.response == "已完成" and measure.completed_at
    assert {a.kind for a in Attachment.objects.filter(object_id=str(measure.pk))} == {
        "measure_photo",
        "measure_warehouse_confirmation",
    }
    assert len(inbox(case.zj_inspector, "measure_completed")) == 1
    measure = services.measure_verify(actor=case.zj_inspector, measure=measure)
    assert measure.status == "verified" and measure.verified_by == case.zj_inspector
    assert actions(measure) == ["create", "acknowledge", "attach", "attach", "submit", "approve"]
    assert len(timeline(measure)) == 4
    assert len(inbox(case.alice, "measure_verified")) == 1


def test_refused_transitions_change_nothing(case):
    measure = issue(case)
    with pytest.raises(ValidationError):
        services.measure_respond(actor=case.alice, measure=measure, response="x", files={"photo": [png()]})
    with pytest.raises(ValidationError):
        services.measure_verify(actor=case.zj_inspector, measure=measure)
    with pytest.raises(ValidationError):
        services.measure_reject(actor=case.zj_inspector, measure=measure, reason="r")
    services.measure_acknowledge(actor=case.alice, measure=measure)
    with pytest.raises(ValidationError):
        services.measure_acknowledge(actor=case.alice, measure=measure)
    measure.refresh_from_db()
    assert measure.status == "acknowledged" and actions(measure) == ["create", "acknowledge"]


@pytest.mark.parametrize("who", ["carol", "pat", "zj_inspector", "bob"])
def test_only_the_enterprise_acknowledges_and_responds(case, who):
    measure = issue(case)
    with pytest.raises(PermissionDenied):
        services.measure_acknowledge(actor=getattr(case, who), measure=measure)


@pytest.mark.parametrize("who", ["alice", "gd_inspector", "pat"])
def test_only_the_lead_bureau_verifies_and_rejects(case, who):
    measure = completed(case)
    with pytest.raises(PermissionDenied):
        services.measure_verify(actor=getattr(case, who), measure=measure)
    with pytest.raises(PermissionDenied):
        services.measure_reject(actor=getattr(case, who), measure=measure, reason="r")


def test_rejected_proof_goes_back_to_acknowledged_with_the_reason(case):
    measure = completed(case)
    with pytest.raises(ValidationError) as exc:
        services.measure_reject(actor=case.zj_inspector, measure=measure, reason=" ")
    assert "reason" in exc.value.message_dict
    measure = services.measure_reject(actor=case.zj_inspector, measure=measure, reason="照片不清晰")
    assert measure.status == "acknowledged" and measure.rejected_reason == "照片不清晰"
    assert len(inbox(case.alice, "measure_rejected")) == 1
    # the proof already attached counts when it responds again
    measure = services.measure_respond(actor=case.alice, measure=measure, response="补充", files={"photo": [png()]})
    assert measure.status == "completed"


def test_destruction_needs_photos_and_a_warehouse_confirmation_one_message_each(case):
    measure = acknowledged(case)
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(actor=case.alice, measure=measure, response="done")
    assert set(exc.value.message_dict) == {"photo", "warehouse_confirmation"}
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(actor=case.alice, measure=measure, response="done", files={"photo": [png()]})
    assert set(exc.value.message_dict) == {"warehouse_confirmation"}
    measure.refresh_from_db()
    assert measure.status == "acknowledged"
    assert not Attachment.objects.filter(object_id=str(measure.pk)).exists()


def test_a_response_needs_text_and_files_of_the_accepted_kinds_and_types(case):
    measure = acknowledged(case)
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(actor=case.alice, measure=measure, response="", files={})
    assert "response" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(actor=case.alice, measure=measure, response="x", files={"selfie": [png()]})
    assert "selfie" in exc.value.message_dict
    fake = png("photo.pdf")  # a PNG named as a PDF
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(
            actor=case.alice, measure=measure, response="x", files={"photo": [fake], "warehouse_confirmation": [pdf()]}
        )
    assert "photo" in exc.value.message_dict


def test_proof_may_be_attached_before_responding_with_its_sha256(case):
    measure = acknowledged(case)
    attachment = services.measure_attach(
        actor=case.alice, measure=measure, upload=pdf(), proof="warehouse_confirmation"
    )
    assert len(attachment.sha256) == 64
    services.measure_respond(actor=case.alice, measure=measure, response="x", files={"photo": [png()]})


def test_types_without_required_proof_complete_with_a_response(case):
    measure = acknowledged(case, "risk_warning")
    assert services.measure_respond(actor=case.alice, measure=measure, response="已警示").status == "completed"


def test_a_rectification_ends_with_a_recheck(case):
    measure = completed(case, "rectification")
    with pytest.raises(ValidationError) as exc:
        services.measure_verify(actor=case.zj_inspector, measure=measure)
    assert {"recheck_passed", "recheck_note"} <= set(exc.value.message_dict)
    measure = services.measure_verify(
        actor=case.zj_inspector, measure=measure, recheck_passed=False, recheck_note="仓库仍有不合格品"
    )
    assert measure.status == "acknowledged" and measure.recheck_passed is False
    assert "仓库仍有不合格品" in measure.rejected_reason
    measure = services.measure_respond(actor=case.alice, measure=measure, response="已清理")
    measure = services.measure_verify(
        actor=case.zj_inspector, measure=measure, recheck_passed=True, recheck_note="复查合格"
    )
    assert measure.status == "verified" and measure.recheck_passed is True and measure.recheck_note == "复查合格"


def test_a_delisting_completes_once_the_platform_confirmed_every_listing(case):
    measure = acknowledged(case, "delisting")
    assert len(inbox(case.pat, "measure_issued")) == 1
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(actor=case.alice, measure=measure, response="已下架")
    assert "listings_confirmed" in exc.value.message_dict
    services.measure_confirm_delisting(actor=case.pat, measure=measure, url=URLS[0])
    with pytest.raises(ValidationError):
        services.measure_confirm_delisting(actor=case.pat, measure=measure, url=URLS[0])  # twice
    with pytest.raises(ValidationError):
        services.measure_confirm_delisting(actor=case.pat, measure=measure, url="https://other.example.com/1")
    with pytest.raises(PermissionDenied):
        services.measure_confirm_delisting(actor=case.alice, measure=measure, url=URLS[1])
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(actor=case.alice, measure=measure, response="已下架")
    assert "1 left" in exc.value.message_dict["listings_confirmed"][0]
    confirmation = services.measure_confirm_delisting(actor=case.pat, measure=measure, url=URLS[1])
    assert confirmation.confirmed_by == case.pat
    assert services.measure_respond(actor=case.alice, measure=measure, response="已下架").status == "completed"


def test_a_recall_needs_its_plan_and_a_progress_report(case):
    measure = acknowledged(case, "recall")
    with pytest.raises(ValidationError) as exc:
        services.measure_respond(actor=case.alice, measure=measure, response="x")
    assert set(exc.value.message_dict) == {"recall_plan", "progress_report"}


def test_recall_progress_is_cumulative_and_checked(case):
    measure = acknowledged(case, "recall")
    report = services.measure_report_progress(
        actor=case.alice,
        measure=measure,
        reported_on=timezone.localdate(),
        units_sold=200,
        units_recovered=50,
        channels=["platform_orders", "sms"],
        note="通过平台订单联系买家",
    )
    assert report.recovery_rate == 0.25 and report.channel_labels == ["Platform order records", "SMS"]
    for fields, error in (
        ({"units_recovered": 40}, "units_recovered"),  # fewer than before
        ({"units_recovered": 300}, "units_recovered"),  # more than sold
        ({"units_sold": 0}, "units_sold"),
        ({"channels": ["pigeon"]}, "channels"),
        ({"reported_on": timezone.localdate() + dt.timedelta(days=1)}, "reported_on"),
    ):
        values = {"reported_on": None, "units_sold": 200, "units_recovered": 60, **fields}
        with pytest.raises(ValidationError) as exc:
            services.measure_report_progress(actor=case.alice, measure=measure, **values)
        assert error in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.measure_report_progress(
            actor=case.alice, measure=acknowledged(case), reported_on=None, units_sold=1, units_recovered=1
        )
    with pytest.raises(PermissionDenied):
        services.measure_report_progress(
            actor=case.carol, measure=measure, reported_on=None, units_sold=1, units_recovered=1
        )


def test_a_voluntary_recall_is_reviewed_then_proceeds_like_a_recall(case):
    measure = services.measure_voluntary_open(
        actor=case.alice, product=case.blocks, description="主动召回", deadline=in_days(30)
    )
    assert measure.voluntary and measure.investigation is None and measure.review_status == "pending"
    assert len(inbox(case.zj_inspector, "voluntary_recall_opened")) == 1
    with pytest.raises(ValidationError):
        services.measure_acknowledge(actor=case.alice, measure=measure)
    with pytest.raises(PermissionDenied):
        services.measure_review(actor=case.gd_inspector, measure=measure, accept=True)
    measure = services.measure_review(actor=case.zj_inspector, measure=measure, accept=True)
    assert measure.review_status == "accepted" and measure.status == "acknowledged"
    with pytest.raises(ValidationError):
        services.measure_review(actor=case.zj_inspector, measure=measure, accept=True)
    services.measure_attach(actor=case.alice, measure=measure, upload=pdf(), proof="recall_plan")
    services.measure_report_progress(
        actor=case.alice, measure=measure, reported_on=None, units_sold=10, units_recovered=9
    )
    measure = services.measure_respond(actor=case.alice, measure=measure, response="完成")
    assert services.measure_verify(actor=case.zj_admin, measure=measure).status == "verified"
    assert not InvestigationEvent.objects.exists()


def test_a_voluntary_recall_may_be_returned_with_a_reason(case):
    measure = services.measure_voluntary_open(
        actor=case.alice, product=case.blocks, description="主动召回", deadline=in_days(30)
    )
    with pytest.raises(ValidationError):
        services.measure_review(actor=case.zj_inspector, measure=measure, accept=False, reason="")
    measure = services.measure_review(actor=case.zj_inspector, measure=measure, accept=False, reason="范围不全")
    assert measure.review_status == "returned" and measure.review_reason == "范围不全"
    assert len(inbox(case.alice, "voluntary_recall_returned")) == 1
    assert actions(measure) == ["create", "return"]


def test_voluntary_recalls_only_of_ones_own_products(case):
    with pytest.raises(ValidationError) as exc:
        services.measure_voluntary_open(actor=case.alice, product=case.bobs_toy, description="d", deadline=in_days(3))
    assert "product" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.measure_voluntary_open(
            actor=case.zj_inspector, product=case.blocks, description="d", deadline=in_days(3)
        )

"""Investigations (issue 11), their services: territorial assignment (the platform's bureau leads, else
the operator's), the automatic notice to the lead bureau, signals handed over, the workflow and its
refusals, closing with findings, reassignment by headquarters, the major-case report; every write audited
and on the timeline."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cbec_supervision.models import AuditEvent, Notification
from risk_monitoring.models import RiskSignal
from traceability import services
from traceability.models import InterBureauNotice, Investigation

pytestmark = pytest.mark.django_db


def kinds(case: Investigation) -> list[str]:
    return list(case.events.order_by("at", "id").values_list("kind", flat=True))


def test_the_platforms_bureau_leads_and_is_notified(case_world, case):
    assert (case.lead_bureau.code, case.notifying_bureau.code) == ("GD", "ZJ")
    assert case.case_no.startswith("GD") and case.case_no[6] == "T" and case.case_no.endswith("000001")
    assert (case.enterprise, case.platform) == (case_world.alice_co, case_world.platform)
    assert list(case.products.all()) == [case_world.toy]
    notice = InterBureauNotice.objects.get(object_type="investigation", object_id=case.pk)
    assert (notice.from_bureau.code, notice.to_bureau.code) == ("ZJ", "GD")
    assert kinds(case) == ["opened", "notice"]
    assert case.events.get(kind="notice").data["notice"] == notice.pk
    assert AuditEvent.objects.filter(object_id=case.pk, action="create").exists()


def test_without_a_platform_the_operators_bureau_leads(case_world):
    case = services.investigation_open(actor=case_world.gd_inspector, title="直接立案", enterprise=case_world.alice_co)
    assert (case.lead_bureau.code, case.notifying_bureau.code) == ("ZJ", "GD")
    assert InterBureauNotice.objects.filter(
        object_type="investigation", object_id=case.pk, to_bureau__code="ZJ"
    ).exists()


def test_no_notice_when_the_opener_leads(case_world):
    case = services.investigation_open(
        actor=case_world.gd_inspector, title="平台所在地立案", samplings=[case_world.failed]
    )
    assert case.lead_bureau.code == case.notifying_bureau.code == "GD"
    assert not InterBureauNotice.objects.filter(object_type="investigation").exists()
    assert kinds(case) == ["opened"]
    assert list(case.samplings.all()) == [case_world.failed]


def test_linked_signals_are_handed_over(case_world, case):
    signal = RiskSignal.objects.get(pk=case_world.case_signal.pk)
    assert signal.status == "handed_over"
    assert AuditEvent.objects.filter(object_id=signal.pk, action="handover", reason=case.case_no).exists()


def test_only_assessed_signals_and_failed_samplings_open_a_case(case_world):
    new = RiskSignal.objects.create(source="complaint", title="新信号", enterprise=case_world.alice_co)
    with pytest.raises(ValidationError) as refused:
        services.investigation_open(actor=case_world.zj_inspector, title="x", signals=[new])
    assert "signals" in refused.value.message_dict
    case_world.failed.verdict = "pass"
    case_world.failed.save()
    with pytest.raises(ValidationError) as refused:
        services.investigation_open(actor=case_world.zj_inspector, title="x", samplings=[case_world.failed])
    assert "samplings" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.investigation_open(actor=case_world.zj_inspector, title="x")
    assert "enterprise" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.investigation_open(actor=case_world.alice, title="x", enterprise=case_world.alice_co)
    assert not Investigation.objects.exists()


def test_the_workflow_moves_by_its_transitions_for_the_lead_bureau_only(case_world, case):
    with pytest.raises(PermissionDenied):
        services.investigation_advance(actor=case_world.zj_inspector, investigation=case, status="investigating")
    with pytest.raises(PermissionDenied):
        services.investigation_advance(actor=case_world.hq, investigation=case, status="investigating")
    with pytest.raises(ValidationError):
        services.investigation_advance(actor=case_world.gd_inspector, investigation=case, status="under_rectification")
    with pytest.raises(ValidationError):
        services.investigation_advance(actor=case_world.gd_inspector, investigation=case, status="closed")
    for status in ("investigating", "measures_decided", "under_rectification"):
        case = services.investigation_advance(
            actor=case_world.gd_inspector, investigation=case, status=status, note="ok"
        )
    assert case.status == "under_rectification"
    steps = case.events.filter(kind="status").order_by("id")
    assert [(e.data["from"], e.data["to"]) for e in steps] == [
        ("opened", "investigating"),
        ("investigating", "measures_decided"),
        ("measures_decided", "under_rectification"),
    ]


def test_closing_takes_findings(case_world, case):
    with pytest.raises(ValidationError) as refused:
        services.investigation_close(
            actor=case_world.gd_inspector,
            investigation=case,
            root_cause=" ",
            responsible_party="nobody",
            responsible_enterprise=None,
            quality_problem_confirmed=None,
        )
    assert set(refused.value.message_dict) >= {
        "root_cause",
        "responsible_party",
        "responsible_enterprise",
        "quality_problem_confirmed",
    }
    with pytest.raises(PermissionDenied):
        services.investigation_close(
            actor=case_world.zj_inspector,
            investigation=case,
            root_cause="c",
            responsible_party="operator",
            responsible_enterprise=case_world.alice_co,
            quality_problem_confirmed=True,
        )
    case = services.investigation_close(
        actor=case_world.gd_inspector,
        investigation=case,
        root_cause="供应商未做小零件测试",
        responsible_party="operator",
        responsible_enterprise=case_world.alice_co.pk,
        quality_problem_confirmed=True,
    )
    assert (case.status, case.responsible_enterprise, case.quality_problem_confirmed) == (
        "closed",
        case_world.alice_co,
        True,
    )
    assert case.closed_at is not None and kinds(case)[-1] == "closed"
    with pytest.raises(ValidationError):
        services.investigation_advance(actor=case_world.gd_inspector, investigation=case, status="investigating")


def test_headquarters_reassigns_with_a_reason_and_notifies_the_new_lead(case_world, case):
    with pytest.raises(PermissionDenied):
        services.investigation_reassign(actor=case_world.gd_inspector, investigation=case, lead_bureau="ZJ", reason="r")
    with pytest.raises(ValidationError) as refused:
        services.investigation_reassign(actor=case_world.hq, investigation=case, lead_bureau="ZJ", reason="")
    assert "reason" in refused.value.message_dict
    case = services.investigation_reassign(
        actor=case_world.hq, investigation=case, lead_bureau="ZJ", reason="生产企业在浙江"
    )
    assert case.lead_bureau.code == "ZJ"
    event = case.events.get(kind="reassigned")
    assert (event.data, event.message) == ({"from": "GD", "to": "ZJ"}, "生产企业在浙江")
    assert InterBureauNotice.objects.filter(
        object_type="investigation", object_id=case.pk, to_bureau__code="ZJ"
    ).exists()
    assert AuditEvent.objects.filter(object_id=case.pk, action="reassign", reason="生产企业在浙江").exists()


def test_a_major_case_is_reported_to_headquarters(case_world, case):
    with pytest.raises(PermissionDenied):
        services.investigation_flag_major(actor=case_world.zj_inspector, investigation=case, reason="r")
    case = services.investigation_flag_major(actor=case_world.gd_inspector, investigation=case, reason="多地发生伤害")
    assert case.major and case.major_reported_at and case.local_government_informed_at
    inbox = Notification.objects.get(recipient=case_world.hq, kind="investigation_major")
    assert inbox.url == case.get_absolute_url() and inbox.params["case_no"] == case.case_no
    assert not Notification.objects.filter(recipient=case_world.gd_inspector, kind="investigation_major").exists()
    assert case.events.filter(kind="major", message="多地发生伤害").exists()
    with pytest.raises(ValidationError):
        services.investigation_flag_major(actor=case_world.hq, investigation=case, reason="again")


def test_notes_and_more_signals(case_world, case):
    with pytest.raises(PermissionDenied):
        services.investigation_note(actor=case_world.nb_inspector, investigation=case, message="x")
    event = services.investigation_note(actor=case_world.zj_inspector, investigation=case, message="已通知平台")
    assert event.kind == "note" and AuditEvent.objects.filter(object_id=event.pk, action="create").exists()
    more = RiskSignal.objects.create(
        source="complaint", title="又一起", enterprise=case_world.alice_co, status="assessed", severity="low"
    )
    services.investigation_add_signals(
        actor=case_world.gd_inspector, investigation=case, signals=[more], samplings=[case_world.failed]
    )
    assert set(case.signals.values_list("pk", flat=True)) == {case_world.case_signal.pk, more.pk}
    assert list(case.samplings.all()) == [case_world.failed]
    assert RiskSignal.objects.get(pk=more.pk).status == "handed_over"
    assert case.events.filter(kind="signal").count() == 2


def test_a_case_closes_once_its_measures_are_done(case_world, case, client):
    import datetime as dt

    from django.utils import timezone

    from traceability.models import Measure

    measure = Measure.objects.create(
        investigation=case,
        type="recall",
        enterprise=case_world.alice_co,
        description="召回",
        deadline=timezone.now() + dt.timedelta(days=10),
    )
    client.force_login(case_world.gd_inspector)
    shown = client.get(case.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="investigation-measure"' in shown and "Compulsory recall" in shown
    findings = {
        "root_cause": "c",
        "responsible_party": "operator",
        "responsible_enterprise": case_world.alice_co,
        "quality_problem_confirmed": False,
    }
    with pytest.raises(ValidationError) as refused:
        services.investigation_close(actor=case_world.gd_inspector, investigation=case, **findings)
    assert f"#{measure.pk}" in refused.value.message_dict["status"][0]
    Measure.objects.filter(pk=measure.pk).update(status="verified")
    assert (
        services.investigation_close(actor=case_world.gd_inspector, investigation=case, **findings).status == "closed"
    )


def test_closing_a_second_confirmed_case_proposes_strict_supervision_at_once(case_world, case):
    from traceability.models import StrictSupervisionProposal

    findings = {
        "root_cause": "铅超标",
        "responsible_party": "operator",
        "responsible_enterprise": case_world.alice_co,
        "quality_problem_confirmed": True,
    }
    services.investigation_close(actor=case_world.gd_inspector, investigation=case, **findings)
    assert not StrictSupervisionProposal.objects.exists()  # one confirmed case is not a pattern
    second = services.investigation_open(
        actor=case_world.zj_inspector, title="再次抽检不合格", enterprise=case_world.alice_co
    )
    services.investigation_close(actor=case_world.zj_inspector, investigation=second, **findings)
    proposal = StrictSupervisionProposal.objects.get()
    assert proposal.enterprise == case_world.alice_co and proposal.status == "proposed"
    assert set(proposal.investigations.all()) == {case, second}

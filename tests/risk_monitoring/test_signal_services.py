"""Risk signals (issue 10): who enters which source, about which goods, and who triages them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cbec_supervision.models import AuditEvent
from risk_monitoring.choices import SignalSource
from risk_monitoring.models import RiskSignal
from risk_monitoring.services import (
    risk_signal_assess,
    risk_signal_close,
    risk_signal_create,
    risk_signal_mark_duplicate,
    risk_signal_report,
)

pytestmark = pytest.mark.django_db

STAFF_SOURCES = ["inspection", "complaint", "overseas_notification", "sampling"]


@pytest.mark.parametrize("source", STAFF_SOURCES)
def test_staff_enter_every_source_but_enterprise_report_reported_by_their_bureau(goods, source):
    signal = risk_signal_create(
        actor=goods.gd_inspector, source=source, title="小零件脱落", products=[goods.alice_toy], hazard="choking"
    )
    # Staff of any bureau may name any approved filing; the enterprise's bureau triages it.
    assert (signal.source, signal.reported_by, signal.competent_bureau) == (source, goods.gd, goods.zj)
    assert (signal.enterprise, signal.product, signal.product_ids()) == (
        goods.alice_co,
        goods.alice_toy,
        [goods.alice_toy.pk],
    )
    assert signal.category == "light_industry" and signal.severity == "" and signal.status == "new"
    record = AuditEvent.objects.for_object(signal).get(action="create")
    assert record.actor == goods.gd_inspector and record.after["products"] == [goods.alice_toy.pk]


def test_staff_may_not_enter_an_enterprise_report(goods):
    with pytest.raises(ValidationError) as error:
        risk_signal_create(actor=goods.zj_inspector, source="enterprise_report", title="x")
    assert "source" in error.value.message_dict
    assert not RiskSignal.objects.exists()


def test_staff_name_approved_filings_only(goods):
    with pytest.raises(ValidationError) as error:
        risk_signal_create(
            actor=goods.zj_inspector, source="complaint", title="x", products=[goods.alice_draft], enterprise=999999
        )
    assert set(error.value.message_dict) == {"products", "enterprise"}


def test_bad_values_are_refused_per_field(goods):
    with pytest.raises(ValidationError) as error:
        risk_signal_create(
            actor=goods.zj_inspector, source="complaint", title="", hazard="radiation", severity="extreme", gtin="ab"
        )
    assert set(error.value.message_dict) == {"title", "hazard", "severity", "gtin"}


def test_an_overseas_reference_is_unique_within_its_source(goods):
    risk_signal_create(actor="task:import", source="overseas_notification", title="a", overseas_reference="A12/0001/24")
    with pytest.raises(ValidationError) as error:
        risk_signal_create(actor=goods.hq, source="overseas_notification", title="b", overseas_reference="A12/0001/24")
    assert "overseas_reference" in error.value.message_dict
    risk_signal_create(actor=goods.hq, source="complaint", title="c", overseas_reference="A12/0001/24")


def test_enterprise_users_may_not_enter_staff_signals(goods):
    with pytest.raises(PermissionDenied):
        risk_signal_create(actor=goods.alice, source="complaint", title="x")


def test_an_enterprise_reports_a_risk_about_its_own_goods(goods):
    signal = risk_signal_report(
        actor=goods.alice, title="批次色牢度不合格", products=[goods.alice_toy], source="complaint"
    )
    assert (signal.source, signal.enterprise, signal.reported_by, signal.competent_bureau) == (
        SignalSource.ENTERPRISE_REPORT,
        goods.alice_co,
        None,
        goods.zj,
    )
    assert signal.reported_by_user == goods.alice


def test_an_enterprise_reports_only_its_own_products(goods):
    with pytest.raises(ValidationError) as error:
        risk_signal_report(actor=goods.alice, title="x", products=[goods.bob_kettle])
    assert "products" in error.value.message_dict


def test_staff_do_not_file_enterprise_reports(goods):
    with pytest.raises(PermissionDenied):
        risk_signal_report(actor=goods.zj_inspector, title="x")


def _signal(goods):
    return risk_signal_create(actor=goods.gd_inspector, source="complaint", title="x", products=[goods.alice_toy])


def test_the_competent_bureau_assesses_with_a_severity_and_a_reason(goods):
    signal = risk_signal_assess(actor=goods.zj_inspector, signal=_signal(goods), severity="high", reason="儿童窒息风险")
    assert (signal.status, signal.severity, signal.severity_reason) == ("assessed", "high", "儿童窒息风险")
    assert AuditEvent.objects.for_object(signal).filter(action="update", reason="儿童窒息风险").exists()


def test_another_bureau_does_not_triage_the_signal_headquarters_does(goods):
    signal = _signal(goods)
    with pytest.raises(PermissionDenied):
        risk_signal_assess(actor=goods.gd_inspector, signal=signal, severity="low", reason="r")
    risk_signal_close(actor=goods.hq, signal=signal, reason="不属实")


def test_assessing_needs_a_severity_and_a_reason_and_a_new_signal(goods):
    signal = _signal(goods)
    with pytest.raises(ValidationError) as error:
        risk_signal_assess(actor=goods.zj_inspector, signal=signal, severity="", reason=" ")
    assert set(error.value.message_dict) == {"severity", "reason"}
    risk_signal_assess(actor=goods.zj_inspector, signal=signal, severity="low", reason="r")
    with pytest.raises(ValidationError):
        risk_signal_assess(actor=goods.zj_inspector, signal=signal, severity="high", reason="again")


def test_closing_needs_a_reason_and_ends_triage(goods):
    signal = _signal(goods)
    with pytest.raises(ValidationError):
        risk_signal_close(actor=goods.zj_inspector, signal=signal, reason="")
    signal = risk_signal_close(actor=goods.zj_inspector, signal=signal, reason="无证据")
    assert (signal.status, signal.closed_reason) == ("closed", "无证据")
    with pytest.raises(ValidationError):
        risk_signal_assess(actor=goods.zj_inspector, signal=signal, severity="low", reason="r")


def test_duplicates_are_grouped_under_the_first_signal(goods):
    first, second, third = _signal(goods), _signal(goods), _signal(goods)
    risk_signal_mark_duplicate(actor=goods.zj_inspector, signal=second, original=first)
    third = risk_signal_mark_duplicate(actor=goods.zj_inspector, signal=third, original=second)
    assert (third.status, third.duplicate_of) == ("closed", first)
    with pytest.raises(ValidationError):
        risk_signal_mark_duplicate(actor=goods.zj_inspector, signal=first, original=third)


def test_the_queue_holds_open_signals_about_enterprises_of_the_jurisdiction(goods):
    open_signal, closed = _signal(goods), _signal(goods)
    risk_signal_close(actor=goods.zj_inspector, signal=closed, reason="r")
    bob_signal = risk_signal_create(actor=goods.zj_inspector, source="complaint", title="y", enterprise=goods.bob_co)
    assert list(RiskSignal.objects.queue_of(goods.zj_inspector)) == [open_signal]
    assert list(RiskSignal.objects.queue_of(goods.gd_inspector)) == [bob_signal]
    assert not RiskSignal.objects.queue_of(goods.hq).exists()

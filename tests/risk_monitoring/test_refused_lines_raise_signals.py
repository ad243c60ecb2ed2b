"""Refused tier-1 lines raise risk signals (issue 10): the receiver of ``handovers.ITEMS_REFUSED``.

Each refused line raises an ``inspection`` signal on its product and operator, or joins the one
still open; in the refusing transaction, so a failing receiver leaves no batch behind.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from cbec_supervision import handovers
from cbec_supervision.models import AuditEvent
from imports.models import ImportBatch
from imports.services.verification import _announce_refused, verification_decide
from risk_monitoring.models import RiskSignal
from risk_monitoring.services import risk_signal_close
from tests.imports.batch_api import BABY_GARMENTS, CYANIDE, TOYS
from tests.imports.filed import declare_filed, filed_lines

pytestmark = pytest.mark.django_db


def test_the_receiver_is_connected_synchronously():
    assert handovers.receivers(handovers.ITEMS_REFUSED) == [
        "risk_monitoring.services.refusals.risk_signal_from_refusal"
    ]


def test_a_refused_line_raises_an_inspection_signal_on_its_product_and_operator(world, approved_alice_co):
    batch = declare_filed(actor=world.alice, port_bureau="NB", items=[CYANIDE, BABY_GARMENTS])
    assert batch.status == "partially_refused"
    refused = batch.items.get(status="refused")
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.status, signal.hazard, signal.occurrences) == ("inspection", "new", "chemical", 1)
    assert (signal.enterprise, signal.product, signal.product_ids()) == (
        world.alice_co,
        refused.product,
        [refused.product_id],
    )
    # The port bureau refused it; the operator's bureau triages it.
    assert (signal.reported_by.code, signal.competent_bureau) == ("NB", world.zj)
    assert batch.batch_no in signal.description
    record = AuditEvent.objects.for_object(signal).get(action="create")
    assert record.actor == world.alice and record.after["refused_line"]["line_no"] == 1


def test_the_same_goods_refused_again_join_the_open_signal_a_closed_one_does_not(world, approved_alice_co):
    items = filed_lines(world.alice_co, [CYANIDE])
    declare_filed(actor=world.alice, port_bureau="NB", items=items)
    declare_filed(actor=world.alice, port_bureau="ZJ", items=items)
    signal = RiskSignal.objects.get()
    assert signal.occurrences == 2
    assert AuditEvent.objects.for_object(signal).filter(action="update").count() == 1
    risk_signal_close(actor=world.zj_inspector, signal=signal, reason="已退运")
    declare_filed(actor=world.alice, port_bureau="NB", items=items)
    assert RiskSignal.objects.count() == 2 and RiskSignal.objects.filter(status="new").count() == 1


def test_a_line_without_a_product_joins_a_signal_on_the_operator(world, approved_alice_co):
    batch = declare_filed(actor=world.alice, port_bureau="NB", items=[BABY_GARMENTS])
    item = batch.items.get()
    item.product = None
    item.save()
    for _ in range(2):
        with transaction.atomic():
            _announce_refused(world.zj_inspector, batch, world.zj, [item])
    signal = RiskSignal.objects.get()
    assert (signal.enterprise, signal.product, signal.occurrences) == (world.alice_co, None, 2)
    assert signal.reported_by == world.zj and signal.reported_by_user == world.zj_inspector


def test_a_failing_receiver_rolls_the_declaration_back(world, approved_alice_co, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr("risk_monitoring.services.refusals.audit_record", broken)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="audit store down"):
        declare_filed(actor=world.alice, port_bureau="NB", items=[CYANIDE])
    assert not ImportBatch.objects.exists()
    assert not RiskSignal.objects.exists()
    assert AuditEvent.objects.count() == events


def test_lines_refused_at_on_site_verification_raise_a_signal_by_the_verifying_inspector(world, approved_alice_co):
    batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[TOYS])
    assert batch.status == "verification_required" and not RiskSignal.objects.exists()
    verification_decide(actor=world.zj_inspector, task=batch.verification, passed=False, note="玩具无CCC证书")
    signal = RiskSignal.objects.get()
    assert (signal.source, signal.enterprise, signal.product) == (
        "inspection",
        world.alice_co,
        batch.items.get().product,
    )
    assert (signal.reported_by, signal.reported_by_user, signal.hazard) == (world.zj, world.zj_inspector, "other")
    assert AuditEvent.objects.for_object(signal).get(action="create").after["refused_line"]["stage"] == "verification"

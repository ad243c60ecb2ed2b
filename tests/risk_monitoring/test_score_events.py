"""Events recompute scores: debounced (one task per transaction, one for a burst), after the commit,
from signals, refused lines and supervision-level changes."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import transaction

from filings.services import enterprise_strict_supervision_place
from risk_monitoring import services
from risk_monitoring.models import RiskScore, RiskScoreRun
from risk_monitoring.services import score_events
from risk_monitoring.tasks import recompute_pending_risk_scores

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def fresh_pending(monkeypatch, settings):
    """An in-process pending store (no Redis) for each test, so tests do not see each other's ids."""
    settings.REDIS_URL = None
    monkeypatch.setattr(score_events, "pending", score_events.PendingStore())


@pytest.fixture
def enqueued(monkeypatch):
    calls = mock.Mock()
    monkeypatch.setattr(recompute_pending_risk_scores, "apply_async", calls)
    return calls


def test_several_events_in_one_transaction_enqueue_one_task_after_the_commit(goods, enqueued):
    with transaction.atomic():
        score_events.risk_scores_schedule(product_ids=[goods.alice_toy.pk])
        score_events.risk_scores_schedule(enterprise_ids=[goods.bob_co.pk], product_ids=[goods.alice_toy.pk])
        score_events.risk_scores_schedule(enterprise_ids=[None])
        assert not enqueued.called  # not before the commit
    assert enqueued.call_count == 1
    assert enqueued.call_args.kwargs["countdown"] == 30
    assert score_events.pending.drain() == ([goods.bob_co.pk], [goods.alice_toy.pk])


def test_a_burst_of_transactions_gives_one_task_until_it_runs(goods, enqueued):
    for product in (goods.alice_toy, goods.bob_kettle, goods.alice_toy):
        with transaction.atomic():
            score_events.risk_scores_schedule(product_ids=[product.pk])
    assert enqueued.call_count == 1
    enterprises, products = score_events.pending.drain()  # what the task does first
    assert products == sorted([goods.alice_toy.pk, goods.bob_kettle.pk])
    with transaction.atomic():
        score_events.risk_scores_schedule(product_ids=[goods.alice_toy.pk])
    assert enqueued.call_count == 2  # after it ran, the next event schedules again


def test_nothing_is_enqueued_when_the_transaction_rolls_back(goods, enqueued):
    with pytest.raises(RuntimeError), transaction.atomic():
        score_events.risk_scores_schedule(product_ids=[goods.alice_toy.pk])
        raise RuntimeError
    assert not enqueued.called


def test_a_signal_recomputes_the_scores_of_its_goods(goods, settings):
    settings.RISK_SCORES_DEBOUNCE_S = 0  # eager: the task runs at once
    signal = services.risk_signal_create(
        actor=goods.zj_inspector, source="complaint", title="Sharp edges", products=[goods.alice_toy.pk]
    )
    current = RiskScore.objects.current()
    assert current.filter(subject_type="product", subject_id=str(goods.alice_toy.pk)).exists()
    assert current.filter(subject_type="enterprise", subject_id=str(goods.alice_co.pk)).exists()
    assert current.filter(subject_type="subcategory", subject_id="toys").exists()
    before = current.get(subject_type="product", subject_id=str(goods.alice_toy.pk))
    complaints = next(f for f in before.factors if f["name"] == "complaints")
    assert complaints["contribution"] > 0
    run = RiskScoreRun.objects.get()
    assert run.kind == "events" and run.counts["product"] == 1

    services.risk_signal_assess(actor=goods.zj_inspector, signal=signal, severity="high", reason="Cuts")
    assert RiskScoreRun.objects.count() == 2
    services.risk_signal_close(actor=goods.zj_inspector, signal=signal, reason="Handled")
    assert RiskScoreRun.objects.count() == 3
    assert RiskScore.objects.filter(subject_type="product", subject_id=str(goods.alice_toy.pk)).count() == 3


def test_a_change_of_supervision_level_recomputes_the_enterprise(goods, enqueued):
    enterprise_strict_supervision_place(actor=goods.zj_admin, filing=goods.alice_co, reason="Repeated failures")
    assert enqueued.call_count == 1
    enterprises, products = score_events.pending.drain()
    assert enterprises == [goods.alice_co.pk]


def test_refused_lines_schedule_their_operator(goods, enqueued):
    from cbec_supervision import handovers
    from imports.models import ImportBatch, ImportItem

    batch = ImportBatch.objects.create(batch_no="B1", enterprise=goods.alice_co, port_bureau=goods.zj)
    item = ImportItem.objects.create(
        batch=batch, line_no=1, product=goods.alice_toy, quantity=1, value_cny=1, status="refused", tier=1
    )
    with transaction.atomic():
        handovers.announce(
            handovers.ITEMS_REFUSED,
            actor="test",
            subject=batch,
            batch_no="B1",
            enterprise=goods.alice_co.pk,
            port_bureau="ZJ",
            stage="declaration",
            items=[{"id": item.pk, "line_no": 1, "hs_code": ""}],
        )
    assert enqueued.call_count == 1
    assert score_events.pending.drain() == ([goods.alice_co.pk], [goods.alice_toy.pk])


def test_the_pending_task_recomputes_and_audits_once(goods):
    score_events.pending.add([goods.alice_co.pk], [goods.alice_toy.pk])
    run_id = recompute_pending_risk_scores.apply().get()
    run = RiskScoreRun.objects.get(pk=run_id)
    assert (run.counts["enterprise"], run.counts["product"], run.counts["subcategory"]) == (1, 1, 1)
    assert recompute_pending_risk_scores.apply().get() is None  # nothing pending: nothing to do

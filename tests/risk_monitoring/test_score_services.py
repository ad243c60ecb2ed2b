"""Risk scores from the database: the factor counts on a small fixture, contributions adding up,
history with one current score per subject, monotonic end to end, the run recorded and audited."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from cbec_supervision.models import AuditEvent
from filings.choices import FilingStatus, SupervisionLevel
from filings.models import EnterpriseFiling
from risk_monitoring.choices import SamplingVerdict, SignalSource, SignalStatus
from risk_monitoring.models import RiskScore, RiskScoreRun, RiskSignal, Sampling
from risk_monitoring.services import scores
from tests.factories import ProductFilingFactory

pytestmark = pytest.mark.django_db


def approx(value):
    return pytest.approx(value, abs=0.01)


_numbers = itertools.count(1)


def sampling(product, verdict=SamplingVerdict.FAIL, days_ago=0):
    at = timezone.now() - timedelta(days=days_ago)
    return Sampling.objects.create(
        sampling_no=f"S{next(_numbers):06d}",
        channel="online",
        bureau=product.enterprise.bureau,
        product=product,
        enterprise=product.enterprise,
        verdict=verdict,
        results_entered_at=at,
    )


def signal(source, *, enterprise, products=(), severity="", status=SignalStatus.NEW, days_ago=0, **fields):
    s = RiskSignal.objects.create(
        source=source,
        title="t",
        enterprise=enterprise,
        product=products[0] if products else None,
        severity=severity,
        status=status,
        **fields,
    )
    if products:
        s.products.set(products)
    if days_ago:
        RiskSignal.objects.filter(pk=s.pk).update(created_at=timezone.now() - timedelta(days=days_ago))
    return s


@pytest.fixture
def shop(goods):
    w = goods
    w.alice_toy.subcategory = "toys"
    w.alice_toy.tier = 2
    w.alice_toy.save()
    w.bob_kettle.subcategory = "food_contact"
    w.bob_kettle.save()
    w.alice_doll = ProductFilingFactory(
        enterprise=w.alice_co, status=FilingStatus.APPROVED, subcategory="toys", tier=1, name="doll"
    )
    return w


def factors(row):
    return {f["name"]: f for f in row.factors}


def test_factor_counts_on_a_small_fixture(shop):
    w = shop
    toy, doll = w.alice_toy, w.alice_doll
    sampling(toy, SamplingVerdict.FAIL)
    sampling(toy, SamplingVerdict.PASS)
    sampling(toy, SamplingVerdict.PENDING)  # no verdict yet: not counted
    sampling(doll, SamplingVerdict.FAIL, days_ago=180)  # half a life ago: counts 0.5
    signal(SignalSource.SAMPLING, enterprise=w.alice_co, products=[toy], severity="high", status="assessed")
    signal(SignalSource.INSPECTION, enterprise=w.alice_co, products=[doll])  # not assessed: low
    signal(SignalSource.COMPLAINT, enterprise=w.alice_co, products=[toy])
    dismissed = signal(SignalSource.COMPLAINT, enterprise=w.alice_co, products=[toy], status=SignalStatus.CLOSED)
    signal(SignalSource.COMPLAINT, enterprise=w.alice_co, products=[toy], duplicate_of=dismissed)
    # An overseas notice on both of Alice's products and Bob's kettle: once per enterprise.
    signal(SignalSource.OVERSEAS_NOTIFICATION, enterprise=w.bob_co, products=[w.bob_kettle, toy, doll])
    # Alice reported the doll first, then the toy after a complaint about it.
    signal(SignalSource.ENTERPRISE_REPORT, enterprise=w.alice_co, products=[doll], days_ago=0)
    RiskSignal.objects.filter(source=SignalSource.ENTERPRISE_REPORT).update(
        created_at=timezone.now() - timedelta(seconds=30)
    )
    late = signal(SignalSource.ENTERPRISE_REPORT, enterprise=w.alice_co, products=[toy])

    products = scores.evidence_of("product", [toy.pk, doll.pk, w.alice_draft.pk])
    assert set(products) == {toy.pk, doll.pk}  # a draft is not scored
    t = products[toy.pk]
    assert t.samplings == approx(2) and t.failed_samplings == approx(1)
    assert (t.failures_high, t.failures_medium, t.failures_low) == approx((1, 0, 0))
    assert t.complaints == approx(1)  # the dismissed one and its duplicate are not counted
    assert t.overseas_notices == approx(1)
    assert t.enterprise_reports == approx(1) and t.reported_first == 0  # after the complaint
    assert (t.lines, t.tier1_lines, t.tier2_lines) == (1, 0, 1)
    d = products[doll.pk]
    assert d.samplings == approx(0.5) and d.failed_samplings == approx(0.5)
    assert d.failures_low == approx(1)
    assert d.enterprise_reports == approx(1) and d.reported_first == approx(1)
    assert (d.lines, d.tier1_lines) == (1, 1)

    e = scores.evidence_of("enterprise", [w.alice_co.pk])[w.alice_co.pk]
    assert e.samplings == approx(2.5) and e.failed_samplings == approx(1.5)
    assert e.complaints == approx(1)
    assert e.overseas_notices == approx(1)  # one notice, though on two of its products
    assert e.enterprise_reports == approx(2) and e.reported_first == approx(1)
    assert (e.lines, e.tier1_lines, e.tier2_lines) == (2, 1, 1)  # the draft is not counted
    assert not e.strict_supervision
    bob = scores.evidence_of("enterprise", [w.bob_co.pk])[w.bob_co.pk]
    assert bob.overseas_notices == approx(1)

    sub = scores.evidence_of("subcategory", ["toys"])["toys"]
    assert sub.samplings == approx(2.5)
    assert sub.overseas_notices == approx(2)  # the sum over its products
    assert sub.lines == 2
    assert late.pk


def test_strict_supervision_counts_for_the_enterprise_and_its_products(shop):
    EnterpriseFiling.objects.filter(pk=shop.alice_co.pk).update(supervision_level=SupervisionLevel.STRICT)
    assert scores.evidence_of("enterprise", [shop.alice_co.pk])[shop.alice_co.pk].strict_supervision
    assert scores.evidence_of("product", [shop.alice_toy.pk])[shop.alice_toy.pk].strict_supervision


def test_recompute_all_writes_current_scores_with_history_and_one_audit_event(shop):
    sampling(shop.alice_toy, SamplingVerdict.FAIL)
    out = io.StringIO()
    call_command("compute_risk_scores", stdout=out)
    assert "enterprises=2 products=3 subcategories=2" in out.getvalue()
    first = RiskScore.objects.current().get(subject_type="product", subject_id=str(shop.alice_toy.pk))
    assert first.enterprise_id == shop.alice_co.pk and first.product_id == shop.alice_toy.pk
    for row in RiskScore.objects.all():
        assert sum(f["contribution"] for f in row.factors) == row.score
        assert 0 <= row.score <= 100
        assert [f["name"] for f in row.factors][0] == "sampling_failure_rate"

    call_command("compute_risk_scores", stdout=io.StringIO())
    history = RiskScore.objects.filter(subject_type="product", subject_id=str(shop.alice_toy.pk))
    assert history.count() == 2 and history.filter(is_current=True).count() == 1
    assert RiskScore.objects.current().count() == 7
    runs = RiskScoreRun.objects.all()
    assert runs.count() == 2
    events = AuditEvent.objects.filter(content_type__model="riskscorerun")
    assert events.count() == 2  # one per run, not one per score
    assert events.first().actor_label == "command:compute_risk_scores"
    assert events.first().after["product"] == 3


def test_a_full_run_retires_the_scores_of_subjects_no_longer_scored(shop):
    call_command("compute_risk_scores", stdout=io.StringIO())
    shop.alice_doll.status = FilingStatus.REVOKED
    shop.alice_doll.save()
    call_command("compute_risk_scores", stdout=io.StringIO())
    assert not RiskScore.objects.current().filter(subject_type="product", subject_id=str(shop.alice_doll.pk)).exists()
    assert RiskScore.objects.filter(subject_type="product", subject_id=str(shop.alice_doll.pk)).count() == 1


def _current(subject_type, subject_id):
    return RiskScore.objects.current().get(subject_type=subject_type, subject_id=str(subject_id)).score


def test_more_failures_never_lower_a_score_end_to_end(shop):
    toy = shop.alice_toy
    previous = {"product": -1, "enterprise": -1, "subcategory": -1}
    for step in range(6):
        scores.risk_scores_recompute(actor="test", product_ids=[toy.pk])
        now = {
            "product": _current("product", toy.pk),
            "enterprise": _current("enterprise", shop.alice_co.pk),
            "subcategory": _current("subcategory", "toys"),
        }
        for key in now:
            assert now[key] >= previous[key], (step, key)
        previous = now
        sampling(toy, SamplingVerdict.FAIL)
        signal(SignalSource.SAMPLING, enterprise=shop.alice_co, products=[toy], severity="high", status="assessed")
    assert previous["product"] > 0


def test_the_chunks_cut_every_subject_type(shop):
    every = scores.subjects()
    cut = list(scores.chunks(every, size=1))
    assert [t for t, _ids in cut] == [
        "enterprise",
        "enterprise",
        "product",
        "product",
        "product",
        "subcategory",
        "subcategory",
    ]
    assert all(len(ids) == 1 for _t, ids in cut)


def test_the_factors_written_by_copy_read_as_bulk_create_would_write_them(shop):
    import json

    from risk_monitoring import scoring

    evidence = scoring.Evidence(
        samplings=3.25, failed_samplings=1.5, failures_high=1, complaints=2, enterprise_reports=1, reported_first=1
    )
    for factor in scoring.score(evidence).factors:
        assert json.loads(scores._factor_json(factor)) == scores._factor(factor)

"""Sampling-plan services (issue 10): generation by the bureau's staff, weights from current scores,
the random share, capacity, reproducibility by the stored seed, adjustment of a draft, publish, close."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cbec_supervision.models import AuditEvent
from filings.choices import FilingStatus
from risk_monitoring import services
from risk_monitoring.models import Lab, RiskScore, Sampling, SamplingPlanItem
from tests.factories import ProductFilingFactory

pytestmark = pytest.mark.django_db


def score(product, value, *, current=True):
    return RiskScore.objects.create(
        subject_type="product",
        subject_id=str(product.pk),
        enterprise=product.enterprise,
        product=product,
        score=Decimal(value),
        level="high" if value >= 60 else "low",
        factors=[],
        computed_at=timezone.now(),
        is_current=current,
    )


@pytest.fixture
def shelf(goods):
    """Alice Co (ZJ) has 30 more approved products, some scored; Bob Co (GD) has its kettle."""
    goods.zj_goods = [goods.alice_toy] + [
        ProductFilingFactory(
            enterprise=goods.alice_co, status=FilingStatus.APPROVED, subcategory="toys" if i % 2 else ""
        )
        for i in range(30)
    ]
    for i, product in enumerate(goods.zj_goods[:10]):
        score(product, 10 + 8 * i)
    goods.lab_a = Lab.objects.create(name="SGS Shanghai", name_key="sgs shanghai")
    goods.lab_b = Lab.objects.create(name="CTI Hangzhou", name_key="cti hangzhou")
    return goods


def generate(shelf, actor=None, **kwargs):
    params = {"month": "2026-12", "size": 10, "labs": [(shelf.lab_a, 6), (shelf.lab_b, 6)], "seed": 12345}
    params.update(kwargs)
    return services.plan_generate(actor=actor or shelf.zj_inspector, **params)


def test_an_inspector_generates_a_plan_of_the_bureaus_goods_with_the_random_share(shelf):
    plan = generate(shelf)
    items = list(plan.items.all())
    assert (plan.bureau, plan.month, plan.status, plan.seed, plan.created_by) == (
        shelf.zj,
        "2026-12",
        "draft",
        12345,
        shelf.zj_inspector,
    )
    assert len(items) == 10
    assert Counter(i.reason for i in items) == {"random": 2, "risk": 8}
    product_ids = {p.pk for p in shelf.zj_goods}
    assert {i.product_id for i in items} <= product_ids  # never Bob Co's kettle (GD), never a draft
    assert all(i.enterprise_id == shelf.alice_co.pk for i in items)
    assert len(plan.candidates) == 31 and plan.parameters["scored_count"] == 10
    assert plan.parameters["labs"] == [{"lab": shelf.lab_a.pk, "capacity": 6}, {"lab": shelf.lab_b.pk, "capacity": 6}]
    assert max(Counter(i.lab_id for i in items).values()) <= 6
    assert AuditEvent.objects.for_object(plan).filter(action="create").count() == 1


def test_weights_are_the_current_scores_and_the_mean_for_unscored_goods(shelf):
    scored = shelf.zj_goods[0]
    score(scored, 99, current=False)  # history does not count
    plan = generate(shelf, size=31, labs=[(shelf.lab_a, 40)])
    weights = {i.product_id: (i.weight, i.score) for i in plan.items.all()}
    assert weights[scored.pk] == (Decimal("10.00"), Decimal("10.00"))
    mean = sum(Decimal(10 + 8 * i) for i in range(10)) / 10
    assert weights[shelf.zj_goods[20].pk] == (mean, None)
    assert Decimal(plan.parameters["baseline_weight"]) == mean


def test_the_admin_generates_too_and_headquarters_another_bureau_and_enterprises_may_not(shelf):
    assert generate(shelf, actor=shelf.zj_admin).bureau == shelf.zj
    for actor in (shelf.hq, shelf.gd_inspector, shelf.alice):
        with pytest.raises(PermissionDenied):
            generate(shelf, actor=actor, bureau=shelf.zj)
    assert generate(shelf, actor=shelf.gd_inspector).bureau == shelf.gd  # its own: Bob Co's kettle


def test_the_stored_seed_reproduces_the_draw(shelf):
    plan = generate(shelf, seed=None)
    assert plan.seed is not None
    assert services.plan_draw_matches(plan)
    again = generate(shelf, seed=plan.seed)
    assert list(again.items.values_list("product_id", "reason", "lab_id")) == list(
        plan.items.values_list("product_id", "reason", "lab_id")
    )
    other = generate(shelf, seed=plan.seed + 1)
    assert list(other.items.values_list("product_id", flat=True)) != list(
        plan.items.values_list("product_id", flat=True)
    )


def test_the_stored_draw_still_reproduces_after_scores_change_and_adjustments(shelf):
    plan = generate(shelf)
    for product in shelf.zj_goods:
        RiskScore.objects.filter(product=product).update(is_current=False)
        score(product, 90)
    item = plan.items.first()
    services.plan_item_remove(actor=shelf.zj_inspector, item=item, reason="停产")
    outside = next(p for p in shelf.zj_goods if not plan.items.filter(product=p).exists())
    services.plan_item_add(actor=shelf.zj_inspector, plan=plan, product=outside, reason="投诉")
    assert services.plan_draw_matches(plan)
    SamplingPlanItem.objects.filter(pk=item.pk).update(reason="risk" if item.reason == "random" else "random")
    assert not services.plan_draw_matches(plan)


@pytest.mark.parametrize(("share", "expected"), [("0.20", 2), ("0", 0), ("0.35", 4), ("1", 10)])
def test_the_random_share_is_honoured(shelf, share, expected):
    plan = generate(shelf, random_share=share)
    assert plan.items.filter(reason="random").count() == expected == plan.parameters["random_count"]


def test_short_capacity_shrinks_the_plan_and_says_why(shelf):
    plan = generate(shelf, size=20, labs=[(shelf.lab_a, 3), (shelf.lab_b, 4)])
    assert plan.items.count() == 7
    assert plan.parameters["shortfalls"] == [{"reason": "capacity", "requested": 20, "available": 7}]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "Dec"}, "month"),
        ({"size": 0}, "size"),
        ({"size": 100000}, "size"),
        ({"random_share": "1.5"}, "random_share"),
        ({"random_share": "abc"}, "random_share"),
        ({"labs": []}, "labs"),
        ({"labs": [(999999, 5)]}, "labs"),
        ({"seed": -1}, "seed"),
        ({"channel": "telepathy"}, "channel"),
    ],
)
def test_bad_parameters_are_refused_per_field(shelf, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        generate(shelf, **kwargs)
    assert field in caught.value.message_dict


def test_a_lab_named_twice_or_with_no_capacity_is_refused(shelf):
    with pytest.raises(ValidationError) as caught:
        generate(shelf, labs=[(shelf.lab_a, 3), (shelf.lab_a, 4)])
    assert "labs" in caught.value.message_dict
    with pytest.raises(ValidationError):
        generate(shelf, labs=[(shelf.lab_a, 0)])


def test_adjusting_a_draft_within_capacity(shelf):
    plan = generate(shelf, labs=[(shelf.lab_a, 6), (shelf.lab_b, 5)])
    items = list(plan.items.all())
    in_b = [i for i in items if i.lab_id == shelf.lab_b.pk]
    in_a = [i for i in items if i.lab_id == shelf.lab_a.pk]
    assert (len(in_a), len(in_b)) == (6, 4)
    with pytest.raises(ValidationError) as caught:
        services.plan_item_change_lab(actor=shelf.zj_inspector, item=in_b[0], lab=shelf.lab_a)
    assert "lab" in caught.value.message_dict
    moved = services.plan_item_change_lab(actor=shelf.zj_inspector, item=in_a[0], lab=shelf.lab_b, note="设备")
    assert (moved.lab_id, moved.adjusted, moved.adjustment_note) == (shelf.lab_b.pk, True, "设备")
    outside = [p for p in shelf.zj_goods if p.pk not in {i.product_id for i in items}]
    added = services.plan_item_add(actor=shelf.zj_inspector, plan=plan, product=outside[0], reason="投诉多")
    assert (added.reason, added.lab_id, added.adjusted, added.position) == ("added", shelf.lab_a.pk, True, 10)
    with pytest.raises(ValidationError) as caught:
        services.plan_item_add(actor=shelf.zj_inspector, plan=plan, product=outside[1], reason="再加")
    assert "lab" in caught.value.message_dict  # 11 of 11 taken
    with pytest.raises(ValidationError):
        services.plan_item_add(actor=shelf.zj_inspector, plan=plan, product=outside[0], reason="重复")
    with pytest.raises(ValidationError) as caught:
        services.plan_item_add(actor=shelf.zj_inspector, plan=plan, product=shelf.bob_kettle, reason="外局")
    assert "product" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.plan_item_remove(actor=shelf.zj_inspector, item=items[0], reason="")
    assert "reason" in caught.value.message_dict
    removed = services.plan_item_remove(actor=shelf.zj_inspector, item=items[0], reason="停售")
    assert (removed.removed, removed.lab_id, removed.adjustment_note) == (True, None, "停售")
    again = services.plan_item_add(actor=shelf.zj_inspector, plan=plan, product=items[0].product, reason="恢复")
    assert again.pk != removed.pk
    assert (
        AuditEvent.objects.for_object(plan, include_related=True).count() == 5
    )  # generated, moved, added, removed, added again


def test_only_the_bureaus_staff_adjust_and_only_a_draft(shelf):
    plan = generate(shelf)
    item = plan.items.first()
    for actor in (shelf.gd_inspector, shelf.hq, shelf.alice):
        with pytest.raises(PermissionDenied):
            services.plan_item_remove(actor=actor, item=item, reason="x")
        with pytest.raises(PermissionDenied):
            services.plan_publish(actor=actor, plan=plan)
    services.plan_publish(actor=shelf.zj_admin, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "published" and plan.published_at is not None
    with pytest.raises(ValidationError):
        services.plan_item_remove(actor=shelf.zj_inspector, item=item, reason="x")
    with pytest.raises(ValidationError):
        services.plan_publish(actor=shelf.zj_inspector, plan=plan)
    services.plan_close(actor=shelf.zj_inspector, plan=plan)
    plan.refresh_from_db()
    assert plan.status == "closed"
    with pytest.raises(ValidationError):
        services.plan_close(actor=shelf.zj_inspector, plan=plan, reason="again")


def test_a_draft_is_dropped_with_a_reason(shelf):
    plan = generate(shelf)
    with pytest.raises(ValidationError) as caught:
        services.plan_close(actor=shelf.zj_inspector, plan=plan, reason="")
    assert "reason" in caught.value.message_dict
    plan = services.plan_close(actor=shelf.zj_inspector, plan=plan, reason="重新生成")
    assert (plan.status, plan.closed_reason) == ("closed", "重新生成")


def test_a_plan_with_no_goods_is_not_published(shelf):
    plan = generate(shelf, size=1)
    services.plan_item_remove(actor=shelf.zj_inspector, item=plan.items.get(), reason="x")
    with pytest.raises(ValidationError):
        services.plan_publish(actor=shelf.zj_inspector, plan=plan)


def test_a_sampling_fulfils_an_item_of_a_published_plan(shelf):
    plan = generate(shelf)
    item = plan.items.first()
    other = plan.items.exclude(pk=item.pk).first()
    sampling = Sampling.objects.create(
        sampling_no="S-1",
        channel="online",
        purpose="plan",
        status="planned",
        bureau=shelf.zj,
        product=item.product,
        enterprise=item.enterprise,
    )
    with pytest.raises(ValidationError):  # a draft
        services.plan_item_link_sampling(actor=shelf.zj_inspector, item=item, sampling=sampling)
    services.plan_publish(actor=shelf.zj_inspector, plan=plan)
    with pytest.raises(ValidationError):  # another product
        services.plan_item_link_sampling(actor=shelf.zj_inspector, item=other, sampling=sampling)
    with pytest.raises(PermissionDenied):
        services.plan_item_link_sampling(actor=shelf.gd_inspector, item=item, sampling=sampling)
    linked = services.plan_item_link_sampling(actor=shelf.zj_inspector, item=item, sampling=sampling)
    assert linked.sampling == sampling


def test_candidates_and_scores_are_read_in_one_query(shelf, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = services.plans.plan_candidates(shelf.zj)
    assert len(rows) == 31 and sum(1 for r in rows if r[3] is not None) == 10


def test_generation_costs_a_fixed_number_of_queries(shelf, django_assert_max_num_queries):
    generate(shelf)
    with django_assert_max_num_queries(8):
        generate(shelf, size=30, labs=[(shelf.lab_a, 30)])


def test_recording_a_sampling_for_a_plan_item_fulfils_it_and_a_wrong_one_saves_nothing(shelf):
    plan = generate(shelf)
    item, other = list(plan.items.all()[:2])
    line = {"test_item": "Lead", "standard": "GB 6675.4", "value": "12", "limit": "90", "unit": "mg/kg"}
    sample = {
        "channel": "online",
        "sampled_at": timezone.now(),
        "lab": "SGS Shanghai",
        "order_no": "T-1",
        "url": "https://shop.example.com/1",
        "results": [{**line, "verdict": "pass"}],
    }
    with pytest.raises(ValidationError) as draft:  # the plan is not published yet
        services.sampling_create(actor=shelf.zj_inspector, product=item.product, plan_item=item, **sample)
    assert "plan_item" in draft.value.message_dict and not Sampling.objects.exists()
    services.plan_publish(actor=shelf.zj_inspector, plan=plan)
    with pytest.raises(ValidationError) as wrong:  # another product than the item's
        services.sampling_create(actor=shelf.zj_inspector, product=item.product, plan_item=other.pk, **sample)
    assert "plan_item" in wrong.value.message_dict and not Sampling.objects.exists()
    with pytest.raises(ValidationError) as hidden:  # another bureau's staff do not see the plan
        services.sampling_create(actor=shelf.gd_inspector, product=item.product, plan_item=item, **sample)
    assert "plan_item" in hidden.value.message_dict and not Sampling.objects.exists()
    sampling = services.sampling_create(actor=shelf.zj_inspector, product=item.product, plan_item=item, **sample)
    item.refresh_from_db()
    assert item.sampling == sampling and sampling.purpose == "plan" and sampling.verdict == "pass"

"""The sampling-plan draw (issue 10), a pure module: random share, capacity, no duplicates, reproducible,
weighted. Property tests run each property over many generated inputs (a seeded generator, so a
failure is reproducible by its case number)."""

from __future__ import annotations

import math
import random
from collections import Counter

import pytest

from risk_monitoring.planning import (
    REASON_RANDOM,
    REASON_RISK,
    SHORT_OF_CANDIDATES,
    SHORT_OF_CAPACITY,
    Candidate,
    LabCapacity,
    draw,
    pps_probabilities,
    random_count,
)


def _candidates(n: int, *, weight=lambda i: float(i % 100), subcategories=("toys", "kettles", "")) -> list[Candidate]:
    return [
        Candidate(product_id=1000 + i, weight=weight(i), subcategory=subcategories[i % len(subcategories)])
        for i in range(n)
    ]


LABS = [LabCapacity(1, 10), LabCapacity(2, 5)]


def _generated_cases(count: int = 150):
    """(case, candidates, labs, size, share, seed), varied: empty and tiny pools, zero weights, short capacity."""
    gen = random.Random(20261130)
    for case in range(count):
        n = gen.choice([0, 1, 2, 5, 17, 60, 200])
        candidates = [
            Candidate(product_id=gen.randrange(1, 10**6) * 1000 + i, weight=gen.choice([0.0, 0.5, gen.uniform(0, 100)]))
            for i in range(n)
        ]
        labs = (
            None
            if case % 7 == 0
            else [LabCapacity(lab, gen.randrange(0, 30)) for lab in range(1, gen.randrange(1, 4) + 1)]
        )
        size = gen.randrange(0, 80)
        share = gen.choice([0.0, 0.1, 0.2, 0.25, 0.5, 1.0, gen.random()])
        yield case, candidates, labs, size, share, gen.randrange(2**63)


CASES = list(_generated_cases())


def test_a_plan_has_its_size_with_the_random_share_drawn_uniformly_and_the_rest_by_risk():
    plan = draw(_candidates(100), LABS, 10, seed=7)
    assert plan.size == 10 and plan.random_count == 2 and plan.risk_count == 8
    assert Counter(item.reason for item in plan.items) == {REASON_RANDOM: 2, REASON_RISK: 8}
    assert [item.position for item in plan.items] == list(range(10))
    assert [item.reason for item in plan.items[:2]] == [REASON_RANDOM, REASON_RANDOM]
    assert plan.shortfalls == ()


@pytest.mark.parametrize(
    ("size", "share", "expected"),
    [(10, 0.2, 2), (11, 0.2, 3), (1, 0.2, 1), (0, 0.2, 0), (7, 0.0, 0), (7, 1.0, 7), (5, 0.3, 2)],
)
def test_the_random_count_is_the_ceiling_of_the_share(size, share, expected):
    assert random_count(size, share) == expected


@pytest.mark.parametrize(
    ("case", "candidates", "labs", "size", "share", "seed"), CASES, ids=[f"case{c[0]}" for c in CASES]
)
def test_properties_hold_for_generated_inputs(case, candidates, labs, size, share, seed):
    plan = draw(candidates, labs, size, seed=seed, random_share=share)
    ids = plan.product_ids()
    # no duplicates, and only candidates
    assert len(ids) == len(set(ids))
    assert set(ids) <= {c.product_id for c in candidates}
    # the size: as asked unless candidates or capacity are short, and then as many as they allow
    capacity = math.inf if labs is None else sum(lab.capacity for lab in labs)
    assert plan.size == min(size, len(candidates), capacity)
    if plan.size < size:
        assert plan.shortfalls
        assert {s.reason for s in plan.shortfalls} <= {SHORT_OF_CAPACITY, SHORT_OF_CANDIDATES}
    else:
        assert plan.shortfalls == ()
    # the random share is honoured
    randoms = sum(1 for item in plan.items if item.reason == REASON_RANDOM)
    assert randoms == plan.random_count == random_count(plan.size, share)
    assert randoms >= plan.size * share - 1e-9
    # capacity never exceeded, every item has a lab when labs are given
    if labs is not None:
        used = Counter(item.lab_id for item in plan.items)
        limits = {lab.lab_id: lab.capacity for lab in labs}
        assert all(lab_id in limits and used[lab_id] <= limits[lab_id] for lab_id in used)
    else:
        assert all(item.lab_id is None for item in plan.items)
    # probabilities are probabilities
    assert all(0.0 <= item.inclusion_probability <= 1.0 for item in plan.items)
    # deterministic by seed, whatever the order of the candidates
    shuffled = list(candidates)
    random.Random(case).shuffle(shuffled)
    assert draw(shuffled, labs, size, seed=seed, random_share=share) == plan


def test_the_same_seed_gives_the_same_plan_and_another_seed_another():
    candidates = _candidates(500)
    first = draw(candidates, LABS, 15, seed=123456789)
    assert draw(candidates, LABS, 15, seed=123456789) == first
    assert draw(list(reversed(candidates)), LABS, 15, seed=123456789) == first
    assert draw(candidates, LABS, 15, seed=987654321).product_ids() != first.product_ids()


def test_a_known_seed_gives_a_known_plan():
    """The draw depends on nothing but its inputs: pinned, so a change of method is seen."""
    plan = draw(_candidates(20), [LabCapacity(1, 3), LabCapacity(2, 2)], 5, seed=42)
    assert plan == draw(_candidates(20), [LabCapacity(1, 3), LabCapacity(2, 2)], 5, seed=42)
    assert [(i.product_id, i.reason, i.lab_id) for i in plan.items] == [
        (1006, REASON_RANDOM, 2),
        (1008, REASON_RISK, 1),
        (1007, REASON_RISK, 1),
        (1015, REASON_RISK, 2),
        (1016, REASON_RISK, 1),
    ]


def test_higher_weight_is_picked_more_often_over_many_seeds():
    candidates = [Candidate(1, 1.0), Candidate(2, 5.0), Candidate(3, 20.0), Candidate(4, 60.0)] + [
        Candidate(100 + i, 1.0) for i in range(20)
    ]
    picked: Counter[int] = Counter()
    for seed in range(3000):
        picked.update(draw(candidates, None, 3, seed=seed, random_share=0.0).product_ids())
    assert picked[4] > picked[3] > picked[2] > picked[1]


def test_the_random_part_is_uniform_whatever_the_weights():
    candidates = [Candidate(1, 0.0), Candidate(2, 100.0), Candidate(3, 100.0), Candidate(4, 0.5)]
    picked: Counter[int] = Counter()
    runs = 4000
    for seed in range(runs):
        plan = draw(candidates, None, 1, seed=seed, random_share=1.0)
        picked.update(plan.product_ids())
    for product_id in (1, 2, 3, 4):
        assert abs(picked[product_id] / runs - 0.25) < 0.03


def test_low_risk_goods_are_still_checked_through_the_random_share():
    candidates = [Candidate(i, 90.0) for i in range(1, 11)] + [Candidate(i, 0.0) for i in range(11, 111)]
    low_risk_seen = 0
    for seed in range(200):
        plan = draw(candidates, None, 10, seed=seed)
        risk_ids = [i.product_id for i in plan.items if i.reason == REASON_RISK]
        assert all(pid <= 10 for pid in risk_ids)  # weight 0 goes last in the risk draw
        low_risk_seen += sum(1 for i in plan.items if i.product_id > 10)
    assert low_risk_seen > 0


def test_zero_weights_are_drawn_by_risk_only_when_nothing_else_is_left():
    candidates = [Candidate(1, 0.0), Candidate(2, 3.0), Candidate(3, 0.0)]
    plan = draw(candidates, None, 3, seed=1, random_share=0.0)
    assert plan.product_ids()[0] == 2 and sorted(plan.product_ids()) == [1, 2, 3]


def test_the_plan_shrinks_with_a_reason_when_capacity_is_short():
    plan = draw(_candidates(100), [LabCapacity(1, 3), LabCapacity(2, 4)], 20, seed=3)
    assert plan.size == 7 and plan.requested_size == 20
    assert [(s.reason, s.requested, s.available) for s in plan.shortfalls] == [(SHORT_OF_CAPACITY, 20, 7)]
    assert plan.random_count == 2  # of the 7 planned


def test_the_plan_shrinks_with_a_reason_when_candidates_are_short():
    plan = draw(_candidates(4), LABS, 10, seed=3)
    assert plan.size == 4
    assert [s.reason for s in plan.shortfalls] == [SHORT_OF_CANDIDATES]


def test_no_candidates_no_plan():
    plan = draw([], LABS, 10, seed=3)
    assert plan.items == () and plan.candidate_count == 0


def test_goods_of_one_subcategory_go_to_one_lab_as_far_as_capacity_allows():
    candidates = [Candidate(i, 10.0, "toys" if i % 2 else "kettles") for i in range(1, 41)]
    plan = draw(candidates, [LabCapacity(7, 5), LabCapacity(8, 5)], 10, seed=11, random_share=0.5)
    labs_of = {sub: {i.lab_id for i in plan.items if i.subcategory == sub} for sub in ("toys", "kettles")}
    assert sum(len(labs) for labs in labs_of.values()) <= 3


def test_inclusion_probabilities_add_up_to_the_plan_size():
    candidates = _candidates(50)
    plan = draw(candidates, None, 10, seed=5)
    everyone = draw(candidates, None, 50, seed=5)
    assert all(math.isclose(item.inclusion_probability, 1.0) for item in everyone.items)
    random_part = plan.random_count / len(candidates)
    weights = [c.weight for c in sorted(candidates, key=lambda c: c.product_id)]
    risk = pps_probabilities(weights, plan.risk_count * 50 / (50 - plan.random_count))
    assert math.isclose(sum(random_part + (1 - random_part) * p for p in risk), 10.0)
    heavier = max(plan.items, key=lambda i: i.weight)
    lighter = min(plan.items, key=lambda i: i.weight)
    assert heavier.inclusion_probability >= lighter.inclusion_probability


@pytest.mark.parametrize(
    ("weights", "count", "expected"),
    [
        ([1.0, 1.0, 2.0], 2.0, [0.5, 0.5, 1.0]),
        ([1.0, 3.0], 1.0, [0.25, 0.75]),
        ([0.0, 0.0], 1.0, [0.5, 0.5]),
        ([100.0, 1.0, 1.0, 1.0], 2.0, [1.0, 1 / 3, 1 / 3, 1 / 3]),
        ([1.0, 2.0], 5.0, [1.0, 1.0]),
        ([1.0, 2.0], 0.0, [0.0, 0.0]),
        ([], 1.0, []),
    ],
)
def test_pps_probabilities_are_capped_at_one_and_add_up(weights, count, expected):
    assert pps_probabilities(weights, count) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("candidates", "labs", "size", "share"),
    [
        ([Candidate(1, 1.0)], None, -1, 0.2),
        ([Candidate(1, 1.0)], None, 1, 1.5),
        ([Candidate(1, 1.0)], None, 1, -0.1),
        ([Candidate(1, -1.0)], None, 1, 0.2),
        ([Candidate(1, math.nan)], None, 1, 0.2),
        ([Candidate(1, 1.0), Candidate(1, 2.0)], None, 1, 0.2),
        ([Candidate(1, 1.0)], [LabCapacity(1, 1), LabCapacity(1, 2)], 1, 0.2),
        ([Candidate(1, 1.0)], [LabCapacity(1, -1)], 1, 0.2),
    ],
)
def test_bad_inputs_are_refused(candidates, labs, size, share):
    with pytest.raises(ValueError):
        draw(candidates, labs, size, seed=1, random_share=share)

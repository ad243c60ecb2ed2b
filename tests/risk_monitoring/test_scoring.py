"""The risk scoring engine, pure: explainable, bounded, monotonic, and fair to an enterprise that
reports first.

Hypothesis is not installed, so the properties are checked over a few hundred subjects drawn from a
seeded generator (the same draw every run) plus the edge cases written out.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from risk_monitoring.scoring import (
    DEFAULT_CONFIG,
    EXPLANATION_TEMPLATES,
    FACTOR_NAMES,
    Config,
    Evidence,
    decayed_count,
    failure_rate,
    largest_remainder,
    level_for,
    recency_weight,
    score,
    score_many,
)

MEASURE_TYPES = ("interview", "rectification", "strict_inspection", "risk_warning", "recall", "destruction")


def _random_evidence(rng: random.Random, i: int = 0) -> Evidence:
    """A subject with a bit of everything, sometimes nothing, sometimes a great deal."""
    scale = rng.choice([0.0, 1.0, 1.0, 5.0, 50.0])
    samplings = round(rng.random() * 10 * scale, 3)
    lines = float(rng.randint(0, int(20 * scale) + 1))
    tier1 = float(rng.randint(0, int(lines)))
    reports = round(rng.random() * 3 * scale, 3)
    return Evidence(
        subject_type=rng.choice(["enterprise", "product", "subcategory"]),
        subject_id=i,
        samplings=samplings,
        failed_samplings=round(samplings * rng.random() ** 2, 3),
        failures_high=round(rng.random() * scale, 3),
        failures_medium=round(rng.random() * scale, 3),
        failures_low=round(rng.random() * scale, 3),
        complaints=round(rng.random() * 4 * scale, 3),
        overseas_notices=float(rng.randint(0, 2)) * (scale > 0),
        enterprise_reports=reports,
        reported_first=round(reports * rng.random(), 3),
        lines=lines,
        tier1_lines=tier1,
        tier2_lines=float(rng.randint(0, int(lines - tier1))),
        measures={t: float(rng.randint(0, 2)) for t in rng.sample(MEASURE_TYPES, rng.randint(0, 3))},
        strict_supervision=rng.random() < 0.2,
    )


def _draw(seed: int = 42, n: int = 400) -> list[Evidence]:
    rng = random.Random(seed)
    return [_random_evidence(rng, i) for i in range(n)]


SUBJECTS = _draw()

# More of one kind of bad news, as it would arrive (a failed sampling is also a sampling).
MORE_BAD_NEWS = {
    "a failed sampling": lambda e: dataclasses.replace(
        e, samplings=e.samplings + 1, failed_samplings=e.failed_samplings + 1
    ),
    "a passed sampling found to have failed": lambda e: dataclasses.replace(
        e, failed_samplings=min(e.samplings, e.failed_samplings + 1)
    ),
    "a high-severity failure": lambda e: dataclasses.replace(e, failures_high=e.failures_high + 1),
    "a medium-severity failure": lambda e: dataclasses.replace(e, failures_medium=e.failures_medium + 1),
    "a low-severity failure": lambda e: dataclasses.replace(e, failures_low=e.failures_low + 0.3),
    "a complaint": lambda e: dataclasses.replace(e, complaints=e.complaints + 1),
    "an old complaint": lambda e: dataclasses.replace(e, complaints=e.complaints + recency_weight(900)),
    "an overseas notice": lambda e: dataclasses.replace(e, overseas_notices=e.overseas_notices + 1),
    "a late enterprise report": lambda e: dataclasses.replace(e, enterprise_reports=e.enterprise_reports + 1),
    "an enterprise report filed first": lambda e: dataclasses.replace(
        e, enterprise_reports=e.enterprise_reports + 1, reported_first=e.reported_first + 1
    ),
    "a tier-1 line": lambda e: dataclasses.replace(e, lines=e.lines + 1, tier1_lines=e.tier1_lines + 1),
    "a tier-3 line turned tier 1": lambda e: dataclasses.replace(
        e, tier1_lines=e.tier1_lines + (e.lines > e.tier1_lines + e.tier2_lines)
    ),
    "a recall": lambda e: dataclasses.replace(e, measures={**e.measures, "recall": e.measures.get("recall", 0) + 1}),
    "an interview": lambda e: dataclasses.replace(
        e, measures={**e.measures, "interview": e.measures.get("interview", 0) + 1}
    ),
    "strict supervision": lambda e: dataclasses.replace(e, strict_supervision=True),
}


@pytest.mark.parametrize("news", MORE_BAD_NEWS.values(), ids=MORE_BAD_NEWS.keys())
def test_more_bad_news_never_lowers_a_score(news):
    for evidence in SUBJECTS:
        before, after = score(evidence), score(news(evidence))
        assert after.exact >= before.exact - 1e-9, (evidence, before, after)
        assert after.score >= before.score, (evidence, before, after)


def test_more_bad_news_raises_a_score_that_is_not_saturated():
    nothing = Evidence()
    for name, news in MORE_BAD_NEWS.items():
        if name in ("a passed sampling found to have failed", "a tier-3 line turned tier 1"):
            continue  # nothing to turn in an empty record
        assert score(news(nothing)).exact > 0, name


@pytest.mark.parametrize("passed", [1, 3, 0.5])
def test_more_passing_samplings_never_raise_a_score(passed):
    for evidence in SUBJECTS:
        before = score(evidence)
        after = score(dataclasses.replace(evidence, samplings=evidence.samplings + passed))
        assert after.exact <= before.exact + 1e-9
        assert after.score <= before.score


def test_contributions_add_up_to_the_score_exactly():
    for evidence in SUBJECTS:
        result = score(evidence)
        assert sum(f.contribution for f in result.factors) == result.score
        assert all(isinstance(f.contribution, int) and f.contribution >= 0 for f in result.factors)


def test_each_contribution_is_its_exact_points_rounded_down_or_up():
    for evidence in SUBJECTS:
        for factor in score(evidence).factors:
            assert factor.exact - 1 < factor.contribution < factor.exact + 1
            assert factor.contribution <= factor.weight


def test_the_score_lies_between_0_and_100():
    scores = [score(e).score for e in SUBJECTS]
    assert min(scores) >= 0
    assert max(scores) <= 100
    assert len(set(scores)) > 30  # the draw covers the range, not one corner


def test_overwhelming_evidence_is_capped_at_100_and_still_adds_up():
    evidence = Evidence(
        samplings=1000,
        failed_samplings=1000,
        failures_high=1e6,
        complaints=1e6,
        overseas_notices=1e6,
        enterprise_reports=1e6,
        lines=10,
        tier1_lines=10,
        measures={"recall": 1e6},
        strict_supervision=True,
    )
    result = score(evidence)
    assert result.score == 100
    assert result.level == "high"
    assert sum(f.contribution for f in result.factors) == 100
    assert sum(DEFAULT_CONFIG.weights.values()) > 100  # so the cap was needed


def test_no_evidence_scores_0_and_low():
    result = score(Evidence(subject_type="product", subject_id=7))
    assert (result.score, result.level, result.exact) == (0, "low", 0)
    assert [f.name for f in result.factors] == list(FACTOR_NAMES)
    assert all(f.contribution == 0 and f.value == 0 for f in result.factors)
    assert (result.subject_type, result.subject_id) == ("product", 7)


def test_one_failure_in_one_sampling_is_not_100_percent():
    one_of_one = failure_rate(1, 1)
    assert 0.1 < one_of_one < 0.5
    assert one_of_one < failure_rate(5, 5) < failure_rate(50, 50) < 1
    assert failure_rate(0, 0) == DEFAULT_CONFIG.baseline_failure_rate
    assert (
        score(Evidence(samplings=1, failed_samplings=1)).score < score(Evidence(samplings=5, failed_samplings=5)).score
    )


def test_sampling_at_or_under_the_baseline_rate_adds_nothing():
    for samplings, failed in [(0, 0), (10, 0), (10, 1), (100, 10)]:
        factor = score(Evidence(samplings=samplings, failed_samplings=failed)).factors[0]
        assert factor.name == "sampling_failure_rate"
        assert factor.contribution == 0
        assert factor.exact == 0


def test_recency_weight_halves_every_half_life():
    assert recency_weight(0) == 1
    assert recency_weight(180) == pytest.approx(0.5)
    assert recency_weight(360) == pytest.approx(0.25)
    assert recency_weight(-5) == 1  # a date in the future counts as today, never more
    assert recency_weight(30, half_life_days=30) == pytest.approx(0.5)
    assert decayed_count([0, 180, 360]) == pytest.approx(1.75)
    assert decayed_count([]) == 0


def test_older_events_weigh_less():
    def complaints_of_age(days: float) -> int:
        return score(Evidence(complaints=decayed_count([days] * 4))).score

    def failures_of_age(days: float) -> int:
        count = decayed_count([days] * 3)
        return score(Evidence(samplings=count, failed_samplings=count, failures_high=count)).score

    for of_age in (complaints_of_age, failures_of_age):
        ages = [of_age(days) for days in (0, 90, 365, 1000)]
        assert ages == sorted(ages, reverse=True)
        assert ages[0] > ages[-1]


def test_a_report_the_enterprise_filed_first_counts_less_than_a_late_one():
    late = score(Evidence(enterprise_reports=2))
    first = score(Evidence(enterprise_reports=2, reported_first=2))
    one_first = score(Evidence(enterprise_reports=2, reported_first=1))
    assert first.exact < one_first.exact < late.exact
    assert first.score <= one_first.score <= late.score


def test_reporting_first_never_raises_a_score():
    for evidence in SUBJECTS:
        later = dataclasses.replace(evidence, reported_first=evidence.reported_first * 0.5)
        assert score(evidence).exact <= score(later).exact + 1e-9


def test_reporting_first_can_be_made_to_count_nothing_but_never_against_the_enterprise():
    config = Config(reported_first_share=0.0)
    assert score(Evidence(enterprise_reports=3, reported_first=3), config).score == 0
    with pytest.raises(ValueError, match="reported_first_share"):
        Config(reported_first_share=1.5)


def test_strict_supervision_adds_its_weight_as_a_fixed_factor():
    result = score(Evidence(strict_supervision=True))
    factor = result.factors[-1]
    assert (factor.name, factor.value, factor.contribution) == ("supervision_level", 1.0, 10)
    assert result.score == DEFAULT_CONFIG.weights["supervision_level"]
    assert factor.explanation.key == "supervision_level.strict"


@pytest.mark.parametrize(
    ("points", "level"), [(0, "low"), (29, "low"), (30, "medium"), (59, "medium"), (60, "high"), (100, "high")]
)
def test_level_thresholds(points, level):
    assert level_for(points) == level


def test_the_level_follows_the_rounded_score():
    for evidence in SUBJECTS:
        result = score(evidence)
        assert result.level == level_for(result.score)


def test_thresholds_are_configurable_and_must_be_ordered():
    config = Config(high_threshold=40, medium_threshold=10)
    assert score(Evidence(strict_supervision=True), config).level == "medium"
    with pytest.raises(ValueError, match="thresholds"):
        Config(high_threshold=20, medium_threshold=50)


def test_scoring_is_deterministic_and_a_batch_scores_as_one_by_one():
    again = _draw()
    assert score_many(SUBJECTS) == score_many(again) == [score(e) for e in again]


def test_a_batch_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    score_many(SUBJECTS[:3])
    assert gc.isenabled()
    gc.disable()
    try:
        score_many(SUBJECTS[:3])
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_largest_remainder_gives_the_units_left_to_the_largest_remainders():
    assert largest_remainder([33.4, 33.3, 33.3], 100) == [34, 33, 33]
    assert largest_remainder([0.5, 0.5, 0.0], 1) == [1, 0, 0]  # a tie goes to the earlier factor
    assert largest_remainder([1.2, 2.7, 0.0], 4) == [1, 3, 0]
    assert largest_remainder([2.0, 3.0], 5) == [2, 3]


def test_every_factor_explains_itself_in_english_with_its_parameters():
    for evidence in [*SUBJECTS, Evidence(), Evidence(measures={"recall": 0})]:
        for factor in score(evidence).factors:
            key = factor.explanation.key
            assert key in EXPLANATION_TEMPLATES
            assert key.split(".")[0] == factor.name
            assert factor.explanation.english()  # every placeholder has its parameter


def test_a_factor_reads_as_the_contract_names_it():
    result = score(Evidence(samplings=5, failed_samplings=5, complaints=2))
    factor = result.factors[0]
    assert factor.as_dict() == {"name": "sampling_failure_rate", "value": 0.6, "weight": 25.0, "contribution": 14}
    assert factor.explanation.as_dict() == {
        "key": "sampling_failure_rate",
        "params": {"failed": 5, "samplings": 5, "rate": 0.6, "baseline": 0.1},
    }
    assert factor.explanation.english() == (
        "5 of 5 samplings failed (recency-weighted): estimated failure rate 60% against a baseline of 10%"
    )
    data = result.as_dict()
    assert set(data) == {"subject_type", "subject_id", "score", "level", "factors"}
    assert data["score"] == sum(f["contribution"] for f in data["factors"])


def test_an_unknown_measure_type_counts_the_default_points():
    assert score(Evidence(measures={"something_new": 1})).factors[6].value == DEFAULT_CONFIG.measure_default_points


@pytest.mark.parametrize(
    "fields",
    [
        {"complaints": -1},
        {"samplings": 1, "failed_samplings": 2},
        {"enterprise_reports": 1, "reported_first": 2},
        {"lines": 1, "tier1_lines": 1, "tier2_lines": 1},
        {"measures": {"recall": -1}},
        {"complaints": float("nan")},
        {"measures": {"recall": float("inf")}},
    ],
)
def test_impossible_evidence_is_refused(fields):
    with pytest.raises(ValueError):
        Evidence(**fields)


def test_a_config_without_a_weight_for_every_factor_is_refused():
    with pytest.raises(ValueError, match="weights missing"):
        Config(weights={"complaints": 10})


def test_a_part_summed_apart_from_its_whole_may_exceed_it_by_a_rounding_error():
    whole = sum([0.1] * 10)  # 0.9999999999999999
    result = score(Evidence(samplings=whole, failed_samplings=1.0, enterprise_reports=whole, reported_first=1.0))
    assert sum(f.contribution for f in result.factors) == result.score
    assert all(f.exact >= 0 for f in result.factors)


@pytest.mark.parametrize(("weight", "expected"), [(2.5, 3), (3.5, 4), (2.49, 2)])
def test_half_points_round_up(weight, expected):
    config = Config(weights={**DEFAULT_CONFIG.weights, "supervision_level": weight})
    result = score(Evidence(strict_supervision=True), config)
    assert result.score == result.factors[-1].contribution == expected

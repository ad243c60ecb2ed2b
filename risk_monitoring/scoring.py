"""Explainable risk scores for enterprises, products and product sub-categories. Pure: no database,
no Django models.

The evidence about one subject (samplings and their failures, complaints, overseas notices on its
goods, the enterprise's own reports, the tier of its goods, past measures, its supervision level)
becomes a score from 0 to 100 with a level (``high``/``medium``/``low``) and one factor per kind of
evidence. Each factor carries its input (``value``), its ``weight`` (the most points it can give) and
its ``contribution`` in points; the contributions are whole numbers that always add up to the score,
so an inspector (or the enterprise itself) can read where every point comes from.

Choices, and why:

- **Recency is decayed by the caller.** Every count in :class:`Evidence` is a *recency-weighted*
  count: each event counts ``0.5 ** (age_days / half_life_days)`` (:func:`recency_weight`), so an
  event of today counts 1, one of half a year ago (the default half-life, 180 days) counts 0.5. The
  weighting is a sum over events, so the database computes it in the same aggregate that counts
  them (``SUM(POWER(0.5, age_days / half_life))``, the half-life read from ``Config.half_life_days``)
  and a score needs no list of events. Plain counts are the special case of events all of today.
- **Sampling failure rate with a prior.** The rate is a Bayesian average (the mean of a Beta
  posterior): ``(failed + m·p) / (samplings + m)`` with the baseline rate ``p`` and a prior worth
  ``m`` samplings. One failure in one sampling is 28%, not 100%; five in five is 60%. Only the
  excess over the baseline is risk: a subject never sampled, or sampled with results at or under
  the baseline, gets nothing from this factor (the sampling plan's random share checks those).
- **Saturation.** Counts (severity points, complaints, notices, reports, measures) give
  ``weight · x / (x + k)`` points: the first events matter most, ``k`` events give half the weight,
  and no number of events gives more than the weight. Every factor grows with its evidence, so more
  failures, complaints or notices never lower a score and more passing samplings never raise it.
- **Reporting first is in the enterprise's favour.** A report the enterprise filed before any other
  source knew of the risk counts only ``reported_first_share`` (a quarter) of a late one.
- **Strict supervision** adds its weight as a fixed factor.
- **Cap and rounding.** The weights may add up to more than 100; when the exact points do, all are
  scaled down to 100 together. The score is the exact total rounded half up; the rounded
  contributions are shared out by largest remainder (ties in factor order), so they add up to it.

Explanations are keys and parameters (:class:`Explanation`), not prose, so that the pages can
translate them; :data:`EXPLANATION_TEMPLATES` gives the English reading of each key.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, NamedTuple

LEVEL_HIGH, LEVEL_MEDIUM, LEVEL_LOW = "high", "medium", "low"

SUBJECT_ENTERPRISE, SUBJECT_PRODUCT, SUBJECT_SUBCATEGORY = "enterprise", "product", "subcategory"

# The factors, in the order a score lists them (and breaks rounding ties).
SAMPLING_FAILURE_RATE = "sampling_failure_rate"
FAILURE_SEVERITY = "failure_severity"
COMPLAINTS = "complaints"
OVERSEAS_NOTICES = "overseas_notices"
ENTERPRISE_REPORTS = "enterprise_reports"
TIER = "tier"
PAST_MEASURES = "past_measures"
SUPERVISION_LEVEL = "supervision_level"
FACTOR_NAMES = (
    SAMPLING_FAILURE_RATE,
    FAILURE_SEVERITY,
    COMPLAINTS,
    OVERSEAS_NOTICES,
    ENTERPRISE_REPORTS,
    TIER,
    PAST_MEASURES,
    SUPERVISION_LEVEL,
)

#: the English reading of each explanation key; ``{…}`` are the explanation's parameters
EXPLANATION_TEMPLATES: Mapping[str, str] = MappingProxyType(
    {
        "sampling_failure_rate": (
            "{failed} of {samplings} samplings failed (recency-weighted): estimated failure rate {rate:.0%} "
            "against a baseline of {baseline:.0%}"
        ),
        "sampling_failure_rate.none": "Not sampled",
        "failure_severity": (
            "Failures by severity (recency-weighted): {high} high, {medium} medium, {low} low ({points} points)"
        ),
        "failure_severity.none": "No failure of known severity",
        "complaints": "{count} complaints (recency-weighted)",
        "complaints.none": "No complaints",
        "overseas_notices": "{count} overseas notices on matched goods (recency-weighted)",
        "overseas_notices.none": "No overseas notices on matched goods",
        "enterprise_reports": (
            "{count} reports by the enterprise, {reported_first} of them before any other source "
            "(those count {first_share:.0%})"
        ),
        "enterprise_reports.none": "No reports by the enterprise",
        "tier": "{tier1_lines} tier-1 and {tier2_lines} tier-2 lines of {lines}",
        "tier.none": "No lines declared",
        "past_measures": "Past measures: {measures} ({points} points)",
        "past_measures.none": "No past measures",
        "supervision_level.strict": "Under strict supervision",
        "supervision_level.normal": "Under normal supervision",
    }
)


def recency_weight(age_days: float, half_life_days: float = 180.0) -> float:
    """How much an event ``age_days`` old counts: 1 today, halving every ``half_life_days``.

    An event dated in the future (clock skew) counts as of today, never more.
    """
    return math.pow(0.5, max(age_days, 0.0) / half_life_days)


def decayed_count(ages_days: Iterable[float], half_life_days: float = 180.0) -> float:
    """The recency-weighted count of events of the given ages (days)."""
    return sum(recency_weight(age, half_life_days) for age in ages_days)


@dataclass(frozen=True, slots=True)
class Config:
    """Weights and parameters of the score, in one place. ``DEFAULT_CONFIG`` is what the project uses."""

    #: the most points each factor can give
    weights: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                SAMPLING_FAILURE_RATE: 25.0,
                FAILURE_SEVERITY: 15.0,
                COMPLAINTS: 12.0,
                OVERSEAS_NOTICES: 15.0,
                ENTERPRISE_REPORTS: 8.0,
                TIER: 10.0,
                PAST_MEASURES: 10.0,
                SUPERVISION_LEVEL: 10.0,
            }
        )
    )
    #: the half-life of the recency weighting the caller applies (``recency_weight``)
    half_life_days: float = 180.0
    #: the failure rate expected of goods in general, and how many samplings the prior is worth
    baseline_failure_rate: float = 0.10
    prior_samplings: float = 4.0
    #: points of one failure by severity
    severity_points: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType({"high": 3.0, "medium": 2.0, "low": 1.0})
    )
    #: how much of a tier-1 or tier-2 line counts towards the tier factor (a share of the lines)
    tier1_share: float = 1.0
    tier2_share: float = 0.4
    #: points of one past measure by type (the contract's measure types); an unknown type counts the default
    measure_points: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                "interview": 1.0,
                "risk_warning": 1.0,
                "rectification": 2.0,
                "strict_inspection": 2.0,
                "delisting": 3.0,
                "return": 3.0,
                "destruction": 4.0,
                "recall": 5.0,
                "liability": 5.0,
            }
        )
    )
    measure_default_points: float = 1.0
    #: the amount of each count at which its factor gives half its weight
    half_saturation: Mapping[str, float] = field(
        default_factory=lambda: MappingProxyType(
            {
                FAILURE_SEVERITY: 3.0,
                COMPLAINTS: 3.0,
                OVERSEAS_NOTICES: 1.0,
                ENTERPRISE_REPORTS: 2.0,
                PAST_MEASURES: 4.0,
            }
        )
    )
    #: a report the enterprise filed before any other source counts this share of a late one
    reported_first_share: float = 0.25
    #: lowest score of each level
    high_threshold: int = 60
    medium_threshold: int = 30

    def __post_init__(self) -> None:
        missing = set(FACTOR_NAMES) - set(self.weights)
        if missing:
            raise ValueError(f"weights missing for {sorted(missing)}")
        if any(w < 0 for w in self.weights.values()):
            raise ValueError("weights must not be negative")
        if not 0 <= self.baseline_failure_rate < 1 or self.prior_samplings <= 0 or self.half_life_days <= 0:
            raise ValueError("baseline rate in [0, 1), prior samplings and half-life positive")
        if any(self.half_saturation.get(name, 0) <= 0 for name in _SATURATING):
            raise ValueError("every saturating factor needs a positive half-saturation")
        if not (0 <= self.tier2_share <= self.tier1_share <= 1):
            raise ValueError("tier shares: 0 <= tier 2 <= tier 1 <= 1")
        if not 0 <= self.reported_first_share <= 1:
            raise ValueError("reported_first_share in [0, 1]: reporting first never counts against the enterprise")
        if not 0 < self.medium_threshold <= self.high_threshold <= 100:
            raise ValueError("thresholds: 0 < medium <= high <= 100")


_EMPTY: Mapping[str, Any] = MappingProxyType({})
_SATURATING = (FAILURE_SEVERITY, COMPLAINTS, OVERSEAS_NOTICES, ENTERPRISE_REPORTS, PAST_MEASURES)


def _exceeds(part: float, whole: float) -> bool:
    return part > whole + 1e-9 * (1.0 + whole)


@dataclass(frozen=True, slots=True)
class Evidence:
    """What is known about one subject. Every count is recency-weighted (see ``recency_weight``), so
    it may be fractional; none may be negative."""

    subject_type: str = ""
    subject_id: Any = None
    #: samplings of the subject's goods with a result, and how many of them failed
    samplings: float = 0.0
    failed_samplings: float = 0.0
    #: failures (failed samplings and assessed signals) by severity
    failures_high: float = 0.0
    failures_medium: float = 0.0
    failures_low: float = 0.0
    complaints: float = 0.0
    #: overseas notices (Safety Gate alerts, CPSC recalls) matched to the subject's goods
    overseas_notices: float = 0.0
    #: risk reports by the enterprise, and how many of those it filed before any other source
    enterprise_reports: float = 0.0
    reported_first: float = 0.0
    #: declared lines of the subject's goods, and how many were tier 1 (prohibited) or tier 2
    lines: float = 0.0
    tier1_lines: float = 0.0
    tier2_lines: float = 0.0
    #: past measures by type (``interview``, ``recall``…)
    measures: Mapping[str, float] = field(default_factory=lambda: _EMPTY)
    strict_supervision: bool = False

    def __post_init__(self) -> None:
        counts = (
            self.samplings,
            self.failed_samplings,
            self.failures_high,
            self.failures_medium,
            self.failures_low,
            self.complaints,
            self.overseas_notices,
            self.enterprise_reports,
            self.reported_first,
            self.lines,
            self.tier1_lines,
            self.tier2_lines,
        )
        measures = self.measures.values()
        if min(counts) < 0 or (measures and min(measures) < 0):
            raise ValueError("counts must not be negative")
        if not math.isfinite(sum(counts) + sum(measures)):
            raise ValueError("counts must be finite numbers")
        # A part summed apart from its whole (failed samplings, reports filed first) may exceed it by
        # a rounding error; more than that is a mistake of the caller.
        if _exceeds(self.failed_samplings, self.samplings):
            raise ValueError("more failed samplings than samplings")
        if _exceeds(self.reported_first, self.enterprise_reports):
            raise ValueError("more reports filed first than reports")
        if _exceeds(self.tier1_lines + self.tier2_lines, self.lines):
            raise ValueError("more tier-1 and tier-2 lines than lines")


# The results are named tuples, not frozen dataclasses: a nightly run makes a million of them, and a
# named tuple is made several times faster. They are read-only all the same.
class Explanation(NamedTuple):
    """A translatable explanation: a key of ``EXPLANATION_TEMPLATES`` and its parameters."""

    key: str
    params: Mapping[str, Any]

    def as_dict(self) -> dict:
        return {"key": self.key, "params": dict(self.params)}

    def english(self) -> str:
        return EXPLANATION_TEMPLATES[self.key].format(**self.params)


class Factor(NamedTuple):
    name: str
    #: the factor's input: a rate, a share, a (recency-weighted) count or points, 1/0 for a flag
    value: float
    #: the most points the factor can give
    weight: float
    #: the points it gives, a whole number; the contributions of a score add up to it
    contribution: int
    #: the exact points before rounding (after the cap)
    exact: float
    explanation: Explanation

    def as_dict(self) -> dict:
        """The contract's fields (``name``, ``value``, ``weight``, ``contribution``)."""
        return {"name": self.name, "value": self.value, "weight": self.weight, "contribution": self.contribution}


class Score(NamedTuple):
    subject_type: str
    subject_id: Any
    #: 0-100, the sum of the factors' contributions
    score: int
    level: str
    #: one per name of ``FACTOR_NAMES``, in that order
    factors: tuple[Factor, ...]
    #: the exact total before rounding (after the cap)
    exact: float

    def as_dict(self) -> dict:
        return {
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "score": self.score,
            "level": self.level,
            "factors": [f.as_dict() for f in self.factors],
        }


_NONE = {
    name: Explanation(f"{name}.none", _EMPTY) for name in _SATURATING + (SAMPLING_FAILURE_RATE, TIER, PAST_MEASURES)
}
_STRICT = Explanation("supervision_level.strict", _EMPTY)
_NORMAL = Explanation("supervision_level.normal", _EMPTY)


DEFAULT_CONFIG = Config()


def level_for(score: float, config: Config = DEFAULT_CONFIG) -> str:
    """``high`` from the high threshold (60), ``medium`` from the medium one (30), else ``low``."""
    if score >= config.high_threshold:
        return LEVEL_HIGH
    if score >= config.medium_threshold:
        return LEVEL_MEDIUM
    return LEVEL_LOW


def failure_rate(samplings: float, failed: float, config: Config = DEFAULT_CONFIG) -> float:
    """The estimated failure rate: the Bayesian average of the observed rate and the baseline."""
    m = config.prior_samplings
    return (failed + m * config.baseline_failure_rate) / (samplings + m)


def _round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def largest_remainder(exact: Sequence[float], total: int) -> list[int]:
    """Whole numbers, one per ``exact`` value, each its floor or ceiling, adding up to ``total``
    (which must lie between the sum of the floors and the sum of the ceilings): the units left after
    the floors go to the largest remainders, ties to the earlier value."""
    floors = [math.floor(x) for x in exact]
    left = total - sum(floors)
    if left > 0:
        # A stable sort: among equal remainders the earlier value comes first.
        for i in sorted(range(len(exact)), key=lambda i: floors[i] - exact[i])[:left]:
            floors[i] += 1
    return floors


def _r(x: float) -> float:
    """Values (and the rates and points computed for explanations) are given to four decimals."""
    return math.floor(x * 10000.0 + 0.5) / 10000.0  # as round(x, 4) for these non-negative values, faster


def score(evidence: Evidence, config: Config = DEFAULT_CONFIG) -> Score:
    """The score of one subject, with its factors (in the order of ``FACTOR_NAMES``) and their
    explanations."""
    e = evidence
    w = config.weights
    k = config.half_saturation
    # One entry per factor, in the order of FACTOR_NAMES: its value, exact points, explanation.
    values: list[float] = []
    exacts: list[float] = []
    explanations: list[Explanation] = []

    def add(value: float, exact: float, explanation: Explanation) -> None:
        values.append(value)
        exacts.append(exact)
        explanations.append(explanation)

    # Sampling failure rate: only the excess of the estimate over the baseline is risk.
    if e.samplings:
        baseline = config.baseline_failure_rate
        rate = failure_rate(e.samplings, e.failed_samplings, config)
        excess = max(rate - baseline, 0.0) / (1.0 - baseline)
        value = _r(rate)
        params = {"failed": e.failed_samplings, "samplings": e.samplings, "rate": value, "baseline": baseline}
        add(value, w[SAMPLING_FAILURE_RATE] * excess, Explanation(SAMPLING_FAILURE_RATE, params))
    else:
        add(0.0, 0.0, _NONE[SAMPLING_FAILURE_RATE])

    # Severity of failures, in points.
    sev = config.severity_points
    points = sev["high"] * e.failures_high + sev["medium"] * e.failures_medium + sev["low"] * e.failures_low
    if points:
        value = _r(points)
        params = {"high": e.failures_high, "medium": e.failures_medium, "low": e.failures_low, "points": value}
        exact = w[FAILURE_SEVERITY] * points / (points + k[FAILURE_SEVERITY])
        add(value, exact, Explanation(FAILURE_SEVERITY, params))
    else:
        add(0.0, 0.0, _NONE[FAILURE_SEVERITY])

    # Complaints and overseas notices: saturating counts.
    for name, count in ((COMPLAINTS, e.complaints), (OVERSEAS_NOTICES, e.overseas_notices)):
        if count:
            add(_r(count), w[name] * count / (count + k[name]), Explanation(name, {"count": count}))
        else:
            add(0.0, 0.0, _NONE[name])

    # Enterprise reports: those filed before any other source count only a share.
    if e.enterprise_reports:
        share = config.reported_first_share
        reports = max(e.enterprise_reports - e.reported_first, 0.0) + share * e.reported_first
        params = {"count": e.enterprise_reports, "reported_first": e.reported_first, "first_share": share}
        exact = w[ENTERPRISE_REPORTS] * reports / (reports + k[ENTERPRISE_REPORTS])
        add(_r(reports), exact, Explanation(ENTERPRISE_REPORTS, params))
    else:
        add(0.0, 0.0, _NONE[ENTERPRISE_REPORTS])

    # Tier of its goods: the weighted share of tier-1 and tier-2 lines.
    if e.lines:
        tier = min((config.tier1_share * e.tier1_lines + config.tier2_share * e.tier2_lines) / e.lines, 1.0)
        params = {"tier1_lines": e.tier1_lines, "tier2_lines": e.tier2_lines, "lines": e.lines}
        add(_r(tier), w[TIER] * tier, Explanation(TIER, params))
    else:
        add(0.0, 0.0, _NONE[TIER])

    # Past measures, in points by type.
    if e.measures:
        mp, default = config.measure_points, config.measure_default_points
        points = sum(mp.get(kind, default) * n for kind, n in e.measures.items())
        exact = w[PAST_MEASURES] * points / (points + k[PAST_MEASURES]) if points else 0.0
        listed = ", ".join(f"{kind} {n:g}" for kind, n in sorted(e.measures.items()) if n)
        value = _r(points)
        add(value, exact, Explanation(PAST_MEASURES, {"measures": listed, "points": value}))
    else:
        add(0.0, 0.0, _NONE[PAST_MEASURES])

    # Supervision level: strict adds a fixed factor.
    if e.strict_supervision:
        add(1.0, w[SUPERVISION_LEVEL], _STRICT)
    else:
        add(0.0, 0.0, _NORMAL)

    total = sum(exacts)
    if total > 100.0:
        exacts = [x * 100.0 / total for x in exacts]
        total = 100.0
    rounded = min(_round_half_up(total), 100)
    contributions = largest_remainder(exacts, rounded)
    weights = [w[name] for name in FACTOR_NAMES]
    factors = tuple(map(Factor, FACTOR_NAMES, values, weights, contributions, exacts, explanations))
    return Score(e.subject_type, e.subject_id, rounded, level_for(rounded, config), factors, total)


def score_many(evidence: Iterable[Evidence], config: Config = DEFAULT_CONFIG) -> list[Score]:
    """The scores of many subjects, in order (the nightly recomputation scores them in chunks).

    The cyclic garbage collector is paused meanwhile: a batch makes many small objects that all
    live on, which the collector would otherwise scan again and again for nothing (a batch of
    100,000 took four times as long).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [score(e, config) for e in evidence]
    finally:
        if was_enabled:
            gc.enable()

"""Monthly sampling plans: which filed goods to sample, drawn by risk with a random share. Pure: no
database, no Django models.

Given the candidate goods (each with a weight: its current risk score, or a baseline for goods not
yet scored), the labs with their capacities (samples per month), the plan size, the random share and
a seed, :func:`draw` picks the goods to sample and a lab for each.

Choices, and why:

- **A uniform random share first.** ``ceil(size × random_share)`` goods (20% by default) are drawn
  uniformly at random from *all* the candidates, whatever their risk: low-risk goods are still
  checked, and since every candidate had the same chance, the failure rate among these goods is an
  unbiased estimate of the true failure rate of the bureau's goods (risk-weighted picks alone would
  overstate it). The rest are drawn from the remaining candidates weighted by risk.
- **Weighted sampling without replacement by Efraimidis-Spirakis.** Each remaining candidate gets
  the key ``log(u) / w`` (``u`` uniform in (0, 1], ``w`` its weight) and the highest keys win: one
  pass, no duplicates, and a candidate's chance of being drawn first is proportional to its weight.
  A candidate of weight 0 is drawn by risk only when nothing else is left. The uniform draw is the
  same method with equal weights (the highest ``u`` win).
- **Reproducible.** The only source of randomness is ``random.Random(seed)``, and only its
  ``random()`` (whose sequence for an integer seed is stable across Python versions). Candidates are
  taken in product-id order and labs in the order given, so the same inputs and seed always give the
  same plan, whatever order the candidates came in. The seed is stored with the plan.
- **Capacity.** The plan never holds more goods than the labs can test: when the capacity (or the
  number of candidates) is short of the size asked for, the plan shrinks and says why
  (:class:`Shortfall`); the random share is taken of the plan as it is. Goods of one sub-category go
  to the same lab as far as capacity allows (a lab tests like goods together): the drawn goods are
  sorted by sub-category and poured into the labs in the order given.
- **Inclusion probability, approximate.** The exact inclusion probabilities of weighted sampling
  without replacement have no closed form. Each item carries a cheap approximation: the exact chance
  of the random part (``r / N``) plus, for the rest, the probability-proportional-to-size
  approximation (capped at 1). Over all candidates they add up to the plan size.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

#: the reasons an item is in a plan
REASON_RISK: Final = "risk"
REASON_RANDOM: Final = "random"

#: why a plan is smaller than asked
SHORT_OF_CAPACITY: Final = "capacity"
SHORT_OF_CANDIDATES: Final = "candidates"

DEFAULT_RANDOM_SHARE: Final = 0.20


@dataclass(frozen=True)
class Candidate:
    """A product that may be sampled: its weight is its risk score (or the baseline when unscored)."""

    product_id: int
    weight: float
    subcategory: str = ""


@dataclass(frozen=True)
class LabCapacity:
    """A lab and the samples it can test in the month."""

    lab_id: int
    capacity: int


@dataclass(frozen=True)
class PlannedItem:
    product_id: int
    #: ``risk`` or ``random``
    reason: str
    #: the weight the product was drawn with
    weight: float
    lab_id: int | None
    subcategory: str
    #: approximate probability that the product was in the plan (see the module's notes)
    inclusion_probability: float
    #: the order of the draw (0 first): the random part first, then the risk part
    position: int


@dataclass(frozen=True)
class Shortfall:
    """The plan is smaller than asked: ``reason`` (``capacity`` or ``candidates``) allowed only ``available``."""

    reason: str
    requested: int
    available: int


@dataclass(frozen=True)
class Plan:
    items: tuple[PlannedItem, ...]
    requested_size: int
    random_count: int
    risk_count: int
    shortfalls: tuple[Shortfall, ...]
    candidate_count: int

    @property
    def size(self) -> int:
        return len(self.items)

    def product_ids(self) -> list[int]:
        return [item.product_id for item in self.items]


def random_count(size: int, random_share: float) -> int:
    """How many of ``size`` goods are drawn uniformly: ``ceil(size × random_share)``, at most ``size``."""
    # A share given as a decimal (0.2) is not exactly representable: round away the float noise
    # before the ceiling, so 10 × 0.2 is 2, not 3.
    return min(size, math.ceil(round(size * random_share, 9)))


def _check(candidates: Sequence[Candidate], labs: Sequence[LabCapacity] | None, size: int, random_share: float) -> None:
    if size < 0:
        raise ValueError("size must not be negative")
    if not 0.0 <= random_share <= 1.0:
        raise ValueError("random_share must be between 0 and 1")
    seen: set[int] = set()
    for candidate in candidates:
        if candidate.product_id in seen:
            raise ValueError(f"product {candidate.product_id} is a candidate twice")
        seen.add(candidate.product_id)
        if not math.isfinite(candidate.weight) or candidate.weight < 0:
            raise ValueError(f"product {candidate.product_id}: a weight is a finite number, 0 or more")
    if labs is not None:
        lab_ids = [lab.lab_id for lab in labs]
        if len(set(lab_ids)) != len(lab_ids):
            raise ValueError("a lab is named twice")
        if any(lab.capacity < 0 for lab in labs):
            raise ValueError("a capacity must not be negative")


def pps_probabilities(weights: Sequence[float], count: float) -> list[float]:
    """Inclusion probabilities proportional to ``weights`` that add up to ``count``, each at most 1.

    The heaviest items are capped at 1 and the rest shared in proportion, again until no share is
    over 1 (the usual πps construction). With all weights 0 the count is shared equally.
    """
    n = len(weights)
    if n == 0 or count <= 0:
        return [0.0] * n
    if count >= n:
        return [1.0] * n
    if sum(weights) <= 0:
        return [count / n] * n
    order = sorted(range(n), key=lambda i: -weights[i])
    probabilities = [0.0] * n
    capped = 0
    remaining_weight = math.fsum(weights)
    while capped < n:
        remaining_count = count - capped
        heaviest = order[capped]
        if remaining_weight > 0 and weights[heaviest] * remaining_count / remaining_weight >= 1.0:
            probabilities[heaviest] = 1.0
            remaining_weight -= weights[heaviest]
            capped += 1
            continue
        for i in order[capped:]:
            probabilities[i] = weights[i] * remaining_count / remaining_weight if remaining_weight > 0 else 0.0
        break
    return probabilities


def _assign_labs(drawn: list[tuple[Candidate, str]], labs: Sequence[LabCapacity] | None) -> dict[int, int | None]:
    """Product id -> lab id: the drawn goods sorted by sub-category, poured into the labs in order."""
    if labs is None:
        return {candidate.product_id: None for candidate, _ in drawn}
    slots = [lab.lab_id for lab in labs for _ in range(lab.capacity)]
    ordered = sorted(drawn, key=lambda pair: (pair[0].subcategory, pair[0].product_id))
    return {candidate.product_id: slots[index] for index, (candidate, _) in enumerate(ordered)}


def draw(
    candidates: Sequence[Candidate],
    labs: Sequence[LabCapacity] | None,
    size: int,
    *,
    seed: int,
    random_share: float = DEFAULT_RANDOM_SHARE,
) -> Plan:
    """The plan: ``size`` goods (fewer when the labs' capacity or the candidates are short), of which
    ``ceil(size × random_share)`` drawn uniformly and the rest by risk, each with a lab.

    ``labs=None``: no lab is assigned and capacity does not limit the plan. ValueError on a negative
    size or weight, a share outside [0, 1], a candidate or a lab named twice.
    """
    _check(candidates, labs, size, random_share)
    pool = sorted(candidates, key=lambda c: c.product_id)
    n = len(pool)
    shortfalls: list[Shortfall] = []
    planned = size
    if n < planned:
        shortfalls.append(Shortfall(SHORT_OF_CANDIDATES, size, n))
        planned = n
    if labs is not None:
        capacity = sum(lab.capacity for lab in labs)
        if capacity < planned:
            shortfalls.append(Shortfall(SHORT_OF_CAPACITY, size, capacity))
            planned = capacity
    r = random_count(planned, random_share)
    k = planned - r

    rng = random.Random(seed)
    # Uniform part: the r highest of one uniform number per candidate (in product-id order).
    uniform = [rng.random() for _ in pool]
    by_uniform = sorted(range(n), key=lambda i: (-uniform[i], pool[i].product_id))
    random_indices = by_uniform[:r]
    chosen = set(random_indices)
    # Risk part: Efraimidis-Spirakis keys over the rest; the k highest keys win.
    rest = [i for i in range(n) if i not in chosen]
    keys: dict[int, float] = {}
    for i in rest:
        u = 1.0 - rng.random()  # in (0, 1]: log(u) is defined
        weight = pool[i].weight
        keys[i] = math.log(u) / weight if weight > 0 else -math.inf
    risk_indices = sorted(rest, key=lambda i: (-keys[i], pool[i].product_id))[:k]

    # Approximate inclusion probabilities: the random part's exact r / N, then πps for the rest, with
    # the risk part's k spread as if over all candidates (k of the N - r left, in expectation).
    p_random = r / n if n else 0.0
    target = k * n / (n - r) if n > r else 0.0
    p_risk = pps_probabilities([c.weight for c in pool], min(target, float(n)))

    drawn = [(pool[i], REASON_RANDOM) for i in random_indices] + [(pool[i], REASON_RISK) for i in risk_indices]
    lab_of = _assign_labs(drawn, labs)
    index_of = {c.product_id: i for i, c in enumerate(pool)}
    items = tuple(
        PlannedItem(
            product_id=candidate.product_id,
            reason=reason,
            weight=candidate.weight,
            lab_id=lab_of[candidate.product_id],
            subcategory=candidate.subcategory,
            inclusion_probability=min(1.0, p_random + (1.0 - p_random) * p_risk[index_of[candidate.product_id]]),
            position=position,
        )
        for position, (candidate, reason) in enumerate(drawn)
    )
    return Plan(
        items=items,
        requested_size=size,
        random_count=r,
        risk_count=k,
        shortfalls=tuple(shortfalls),
        candidate_count=n,
    )

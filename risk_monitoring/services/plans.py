"""Sampling plans: a bureau's monthly draw of the goods to sample, its adjustment, publication and close.

Who: the staff (bureau administrators and inspectors) of the plan's bureau, or of its parent direct
bureau; headquarters reads plans but does not make them (it oversees, bureaus decide). Enterprises
never see a plan (they are not to know which of their goods will be bought).

The candidates are the approved products of approved enterprises in the bureau's jurisdiction, read
with their current product risk score in one query; a product not scored yet weighs the baseline
(the mean score of the scored candidates, or ``DEFAULT_BASELINE`` when none is scored), and no
product weighs less than ``MIN_WEIGHT`` (so the risk draw can still reach a product scored 0). The
draw is ``risk_monitoring.planning.draw``; its seed (random when not given) and the candidates with
their weights are stored on the plan, so ``plan_reproduce`` runs the same draw again and gets the
same goods. A draft is adjusted (an item removed with a reason, a product added with a reason, an
item's lab changed within the lab's capacity), then published and at last closed. Every write is
audited, in its transaction.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Bureau
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.workflow import check_transition, require_reason
from filings.choices import FilingStatus
from filings.models import ProductFiling
from risk_monitoring import planning
from risk_monitoring.choices import (
    PLAN_TRANSITIONS,
    PlanItemReason,
    PlanStatus,
    SamplingChannel,
    ScoreSubject,
)
from risk_monitoring.models import Lab, RiskScore, Sampling, SamplingPlan, SamplingPlanItem

#: the most goods one plan may hold
MAX_PLAN_SIZE = 1000
#: the weight of an unscored product when no candidate is scored
DEFAULT_BASELINE = Decimal("10.00")
#: the least weight of a product (a score of 0 still weighs this much)
MIN_WEIGHT = Decimal("1.00")
#: seeds are stored in a PositiveBigIntegerField
MAX_SEED = 2**63 - 1

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_CENT = Decimal("0.01")


def may_plan(actor: Actor, bureau: Bureau | None) -> bool:
    """Whether ``actor`` may make and adjust ``bureau``'s plans: its staff, or its parent direct
    bureau's (a task or command acting for the system too)."""
    if isinstance(actor, str):
        return True
    return actor.is_bureau_staff and actor.has_jurisdiction_over(bureau)


def _require_planner(actor: Actor, bureau: Bureau | None) -> None:
    if not may_plan(actor, bureau):
        raise PermissionDenied(_("Only staff of the plan's bureau make and adjust its sampling plans."))


def plan_candidates(bureau: Bureau) -> list[tuple[int, int, str, Decimal | None]]:
    """``(product id, enterprise id, sub-category, current score or None)`` of every approved product
    of an approved enterprise in ``bureau``'s jurisdiction: one query."""
    score = RiskScore.objects.filter(
        subject_type=ScoreSubject.PRODUCT, is_current=True, product_id=OuterRef("pk")
    ).values("score")[:1]
    rows = (
        ProductFiling.objects.filter(
            status=FilingStatus.APPROVED,
            enterprise__status=FilingStatus.APPROVED,
            enterprise__bureau__in=Bureau.objects.jurisdiction_of(bureau),
        )
        .annotate(current_score=Subquery(score))
        .order_by("pk")
        .values_list("pk", "enterprise_id", "subcategory", "current_score")
    )
    return [(pk, enterprise_id, subcategory or "", current) for pk, enterprise_id, subcategory, current in rows]


def baseline_weight(scores: Sequence[Decimal | None]) -> Decimal:
    """The weight of an unscored product: the mean of the scores given, or ``DEFAULT_BASELINE``."""
    known = [s for s in scores if s is not None]
    if not known:
        return DEFAULT_BASELINE
    return max(MIN_WEIGHT, (sum(known, Decimal(0)) / len(known)).quantize(_CENT, ROUND_HALF_UP))


def _weight(score: Decimal | None, baseline: Decimal) -> Decimal:
    return baseline if score is None else max(MIN_WEIGHT, Decimal(score).quantize(_CENT, ROUND_HALF_UP))


def _clean_month(month: str, errors: dict[str, list[str]]) -> str:
    month = (month or "").strip()
    if not _MONTH.match(month):
        errors["month"] = [_("A month is written YYYY-MM.")]
    return month


def _clean_share(value: Decimal | float | str, errors: dict[str, list[str]]) -> Decimal:
    try:
        share = Decimal(str(value)).quantize(_CENT, ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        errors["random_share"] = [_("Give a share between 0 and 1.")]
        return Decimal("0.20")
    if not Decimal(0) <= share <= Decimal(1):
        errors["random_share"] = [_("Give a share between 0 and 1.")]
    return share


def _clean_labs(labs: Sequence[tuple[Lab | int, int]], errors: dict[str, list[str]]) -> list[tuple[Lab, int]]:
    ids = [lab.pk if isinstance(lab, Lab) else int(lab) for lab, _capacity in labs]
    found = Lab.objects.in_bulk(ids)
    cleaned: list[tuple[Lab, int]] = []
    problems: list[str] = []
    if not labs:
        problems.append(_("Name at least one laboratory with its capacity."))
    if len(set(ids)) != len(ids):
        problems.append(_("Name each laboratory once."))
    for lab_id, (_lab, capacity) in zip(ids, labs, strict=True):
        if lab_id not in found:
            problems.append(_("No laboratory #%(id)s.") % {"id": lab_id})
        elif capacity < 1 or capacity > MAX_PLAN_SIZE:
            problems.append(
                _("The capacity of %(lab)s is from 1 to %(max)d samples a month.")
                % {"lab": found[lab_id].name, "max": MAX_PLAN_SIZE}
            )
        else:
            cleaned.append((found[lab_id], capacity))
    if problems:
        errors["labs"] = problems
    return cleaned


def _draw_inputs(
    candidates: list[list[Any]], labs: list[dict[str, int]]
) -> tuple[list[planning.Candidate], list[planning.LabCapacity]]:
    return (
        [planning.Candidate(int(pk), float(weight), str(sub)) for pk, weight, sub in candidates],
        [planning.LabCapacity(int(row["lab"]), int(row["capacity"])) for row in labs],
    )


@transaction.atomic
def plan_generate(
    *,
    actor: Actor,
    month: str,
    size: int,
    labs: Sequence[tuple[Lab | int, int]],
    random_share: Decimal | float | str = Decimal("0.20"),
    seed: int | None = None,
    bureau: Bureau | None = None,
    channel: str = SamplingChannel.ONLINE,
) -> SamplingPlan:
    """Draw a draft plan for ``bureau`` (by default the actor's) and ``month``: ``size`` goods, at
    least ``random_share`` of them uniformly at random, the rest weighted by current risk score,
    each assigned one of ``labs`` (``(lab, samples a month)``) within its capacity. With fewer
    candidates or less capacity than ``size`` the plan is smaller and its parameters say why.

    ``seed``: the draw's seed (a random one when not given); stored. ValidationError per field,
    PermissionDenied for anyone but staff of the bureau.
    """
    if bureau is None:
        bureau = None if isinstance(actor, str) else actor.bureau
    _require_planner(actor, bureau)
    assert bureau is not None  # may_plan refuses a user without a bureau; a task names one
    errors: dict[str, list[str]] = {}
    month = _clean_month(month, errors)
    if not 1 <= size <= MAX_PLAN_SIZE:
        errors["size"] = [_("A plan holds from 1 to %(max)d goods.") % {"max": MAX_PLAN_SIZE}]
    share = _clean_share(random_share, errors)
    cleaned_labs = _clean_labs(labs, errors)
    if seed is not None and not 0 <= seed <= MAX_SEED:
        errors["seed"] = [_("A seed is a whole number from 0 to %(max)d.") % {"max": MAX_SEED}]
    if channel not in SamplingChannel.values:
        errors["channel"] = [_("One of %(values)s.") % {"values": ", ".join(SamplingChannel.values)}]
    if errors:
        raise ValidationError(errors)
    if seed is None:
        seed = secrets.randbelow(MAX_SEED + 1)

    rows = plan_candidates(bureau)
    baseline = baseline_weight([score for *_rest, score in rows])
    stored_candidates = [[pk, str(_weight(score, baseline)), sub] for pk, _ent, sub, score in rows]
    lab_rows = [{"lab": lab.pk, "capacity": capacity} for lab, capacity in cleaned_labs]
    drawn = planning.draw(*_draw_inputs(stored_candidates, lab_rows), size, seed=seed, random_share=float(share))

    plan = SamplingPlan.objects.create(
        bureau=bureau,
        month=month,
        size=size,
        random_share=share,
        seed=seed,
        created_by=None if isinstance(actor, str) else actor,
        candidates=stored_candidates,
        parameters={
            "labs": lab_rows,
            "channel": channel,
            "baseline_weight": str(baseline),
            "min_weight": str(MIN_WEIGHT),
            "candidate_count": drawn.candidate_count,
            "scored_count": sum(1 for row in rows if row[3] is not None),
            "random_count": drawn.random_count,
            "risk_count": drawn.risk_count,
            "shortfalls": [
                {"reason": s.reason, "requested": s.requested, "available": s.available} for s in drawn.shortfalls
            ],
        },
    )
    by_product = {pk: (enterprise_id, score) for pk, enterprise_id, _sub, score in rows}
    SamplingPlanItem.objects.bulk_create(
        SamplingPlanItem(
            plan=plan,
            position=item.position,
            product_id=item.product_id,
            enterprise_id=by_product[item.product_id][0],
            lab_id=item.lab_id,
            reason=item.reason,
            weight=Decimal(str(item.weight)).quantize(_CENT, ROUND_HALF_UP),
            score=by_product[item.product_id][1],
            inclusion_probability=round(item.inclusion_probability, 6),
            channel=channel,
        )
        for item in drawn.items
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=plan,
        after=snapshot(
            plan,
            exclude=("candidates",),
            extra={"items": [[i.product_id, i.reason, i.lab_id] for i in drawn.items]},
        ),
    )
    return plan


def plan_reproduce(plan: SamplingPlan) -> planning.Plan:
    """The plan's draw run again from its stored seed, candidates, labs, size and share (no write)."""
    candidates, labs = _draw_inputs(plan.candidates, plan.parameters.get("labs", []))
    return planning.draw(candidates, labs, plan.size, seed=plan.seed, random_share=float(plan.random_share))


def plan_draw_matches(plan: SamplingPlan) -> bool:
    """Whether the drawn items (removed ones too, added ones not) are what the stored draw gives."""
    drawn = [(i.product_id, i.reason) for i in plan_reproduce(plan).items]
    stored = list(
        plan.items.exclude(reason=PlanItemReason.ADDED).order_by("position", "pk").values_list("product_id", "reason")
    )
    return drawn == stored


def _locked_plan(actor: Actor, plan: SamplingPlan, *, draft: bool = True) -> SamplingPlan:
    plan = (
        SamplingPlan.objects.select_for_update(of=("self",))
        .defer("candidates")
        .select_related("bureau")
        .get(pk=plan.pk)
    )
    _require_planner(actor, plan.bureau)
    if draft and plan.status != PlanStatus.DRAFT:
        raise ValidationError({"status": [_("Only a draft plan is adjusted.")]})
    return plan


def _lab_load(plan: SamplingPlan, *, excluding: SamplingPlanItem | None = None) -> Counter[int]:
    items = plan.items.active().exclude(lab=None)
    if excluding is not None:
        items = items.exclude(pk=excluding.pk)
    return Counter(items.values_list("lab_id", flat=True))


def _check_lab(plan: SamplingPlan, lab: Lab | int, load: Counter[int]) -> int:
    lab_id = lab.pk if isinstance(lab, Lab) else int(lab)
    capacities = plan.lab_capacities()
    if lab_id not in capacities:
        raise ValidationError({"lab": [_("Choose one of the plan's laboratories.")]})
    if load[lab_id] >= capacities[lab_id]:
        raise ValidationError({"lab": [_("This laboratory's capacity for the month is used up.")]})
    return lab_id


def _item_event(actor: Actor, action: str, item: SamplingPlanItem, before: dict | None, reason: str) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=item,
        before=before,
        after=snapshot(item),
        reason=reason,
        related=item.plan,
    )


@transaction.atomic
def plan_item_remove(*, actor: Actor, item: SamplingPlanItem, reason: str) -> SamplingPlanItem:
    """Take an item out of a draft plan, with a reason; the item stays, marked removed. Audited."""
    plan = _locked_plan(actor, item.plan)
    reason = require_reason(reason)
    item = SamplingPlanItem.objects.get(pk=item.pk, plan=plan)
    if item.removed:
        raise ValidationError({"item": [_("This item was removed already.")]})
    before = snapshot(item)
    item.removed = True
    item.adjusted = True
    item.adjustment_note = reason
    item.lab = None
    item.save()
    _item_event(actor, AuditAction.UPDATE, item, before, reason)
    return item


@transaction.atomic
def plan_item_add(
    *,
    actor: Actor,
    plan: SamplingPlan,
    product: ProductFiling | int,
    reason: str,
    lab: Lab | int | None = None,
    channel: str = "",
) -> SamplingPlanItem:
    """Add a product of the bureau's jurisdiction to a draft plan, with a reason. Without ``lab``, the
    plan's laboratory with the most room takes it; a full laboratory refuses it. Audited."""
    plan = _locked_plan(actor, plan)
    reason = require_reason(reason)
    product_id = product.pk if isinstance(product, ProductFiling) else int(product)
    found = (
        ProductFiling.objects.filter(
            pk=product_id,
            status=FilingStatus.APPROVED,
            enterprise__status=FilingStatus.APPROVED,
            enterprise__bureau__in=Bureau.objects.jurisdiction_of(plan.bureau),
        )
        .annotate(
            current_score=Subquery(
                RiskScore.objects.filter(
                    subject_type=ScoreSubject.PRODUCT, is_current=True, product_id=OuterRef("pk")
                ).values("score")[:1]
            )
        )
        .values_list("pk", "enterprise_id", "current_score")
        .first()
    )
    if found is None:
        raise ValidationError(
            {"product": [_("Name an approved product of an enterprise of the bureau's jurisdiction.")]}
        )
    if plan.items.active().filter(product_id=product_id).exists():
        raise ValidationError({"product": [_("This product is in the plan already.")]})
    if channel and channel not in SamplingChannel.values:
        raise ValidationError({"channel": [_("One of %(values)s.") % {"values": ", ".join(SamplingChannel.values)}]})
    load = _lab_load(plan)
    if lab is None:
        capacities = plan.lab_capacities()
        free = [
            (capacity - load[lab_id], -index, lab_id) for index, (lab_id, capacity) in enumerate(capacities.items())
        ]
        best = max(free, default=None)
        if best is None or best[0] <= 0:
            raise ValidationError({"lab": [_("Every laboratory of the plan is at capacity.")]})
        lab_id = best[2]
    else:
        lab_id = _check_lab(plan, lab, load)
    _pk, enterprise_id, score = found
    baseline = Decimal(str(plan.parameters.get("baseline_weight", DEFAULT_BASELINE)))
    last = plan.items.aggregate(last=Max("position"))["last"]
    item = SamplingPlanItem.objects.create(
        plan=plan,
        position=0 if last is None else last + 1,
        product_id=product_id,
        enterprise_id=enterprise_id,
        lab_id=lab_id,
        reason=PlanItemReason.ADDED,
        weight=_weight(score, baseline),
        score=score,
        channel=channel or plan.parameters.get("channel", SamplingChannel.ONLINE),
        adjusted=True,
        adjustment_note=reason,
    )
    _item_event(actor, AuditAction.CREATE, item, None, reason)
    return item


@transaction.atomic
def plan_item_change_lab(*, actor: Actor, item: SamplingPlanItem, lab: Lab | int, note: str = "") -> SamplingPlanItem:
    """Send a draft plan's item to another of its laboratories, within that laboratory's capacity. Audited."""
    plan = _locked_plan(actor, item.plan)
    item = SamplingPlanItem.objects.get(pk=item.pk, plan=plan)
    if item.removed:
        raise ValidationError({"item": [_("This item was removed from the plan.")]})
    lab_id = _check_lab(plan, lab, _lab_load(plan, excluding=item))
    if lab_id == item.lab_id:
        return item
    before = snapshot(item)
    item.lab_id = lab_id
    item.adjusted = True
    note = (note or "").strip()
    if note:
        item.adjustment_note = note
    item.save()
    _item_event(actor, AuditAction.UPDATE, item, before, note)
    return item


@transaction.atomic
def plan_publish(*, actor: Actor, plan: SamplingPlan) -> SamplingPlan:
    """Publish a draft plan: its items are then sampled. A plan with no item is not published. Audited."""
    plan = _locked_plan(actor, plan, draft=False)
    check_transition(plan, PlanStatus.PUBLISHED, PLAN_TRANSITIONS)
    if not plan.items.active().exists():
        raise ValidationError({"items": [_("A plan with no goods is not published.")]})
    before = snapshot(plan, exclude=("candidates",))
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=plan, before=before, after=snapshot(plan, exclude=("candidates",))
    )
    return plan


@transaction.atomic
def plan_close(*, actor: Actor, plan: SamplingPlan, reason: str = "") -> SamplingPlan:
    """Close a plan: a published one when its month is done, a draft that is dropped (with a reason). Audited."""
    plan = _locked_plan(actor, plan, draft=False)
    check_transition(plan, PlanStatus.CLOSED, PLAN_TRANSITIONS)
    reason = require_reason(reason) if plan.status == PlanStatus.DRAFT else (reason or "").strip()
    before = snapshot(plan, exclude=("candidates",))
    plan.status = PlanStatus.CLOSED
    plan.closed_at = timezone.now()
    plan.closed_reason = reason
    plan.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=plan,
        before=before,
        after=snapshot(plan, exclude=("candidates",)),
        reason=reason,
    )
    return plan


@transaction.atomic
def plan_item_link_sampling(*, actor: Actor, item: SamplingPlanItem, sampling: Sampling) -> SamplingPlanItem:
    """Record that ``sampling`` fulfils a published plan's item (the same product). Called by the
    sampling services when a sampling is taken for a plan item. Audited."""
    plan = _locked_plan(actor, item.plan, draft=False)
    item = SamplingPlanItem.objects.select_for_update().get(pk=item.pk, plan=plan)
    if plan.status != PlanStatus.PUBLISHED:
        raise ValidationError({"plan_item": [_("Samplings are recorded against a published plan only.")]})
    if item.removed:
        raise ValidationError({"plan_item": [_("This item was removed from the plan.")]})
    if sampling.product_id != item.product_id:
        raise ValidationError({"plan_item": [_("The sampling is of another product than the plan's item.")]})
    if item.sampling_id is not None and item.sampling_id != sampling.pk:
        raise ValidationError({"plan_item": [_("A sampling was recorded for this item already.")]})
    before = snapshot(item)
    item.sampling = sampling
    item.save()
    _item_event(actor, AuditAction.UPDATE, item, before, "")
    return item

"""On-site verification (现场核查) of import batches: suspected matches confirmed or dismissed line by
line, the verification passed or failed, and the batch kept in line with its lines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Bureau
from catalogues.choices import FollowUp
from catalogues.classification import CERTAIN, batch_tier
from cbec_supervision import handovers
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import check_transition, require_reviewer
from filings.models import ProductTestReport
from imports.choices import (
    BATCH_TRANSITIONS,
    ITEM_TRANSITIONS,
    VERIFICATION_TRANSITIONS,
    BatchStatus,
    Confirmation,
    ItemStatus,
    VerificationStatus,
    batch_status_of,
)
from imports.models import ImportBatch, ImportItem, VerificationTask
from risk_monitoring.choices import LabCheckContext
from risk_monitoring.services import lab_reports_accept

# --- on-site verification -----------------------------------------------------------------------


def _recompute_item(item: ImportItem, strict: bool) -> None:
    """The line's tier from the reasons left; under strict supervision it keeps that tier, but is
    verified on site with its batch."""
    tiers = [r["tier"] for r in item.reasons]
    tier = min(tiers) if tiers else 3
    item.tier = tier
    item.follow_up = {1: FollowUp.REFUSE_ENTRY, 2: FollowUp.ONSITE_VERIFICATION}.get(
        tier, FollowUp.ONSITE_VERIFICATION if strict else FollowUp.POST_MARKET_SAMPLING
    )


def _settle_batch(actor: Actor, batch: ImportBatch, reason: str) -> None:
    """Bring the batch's tier and status in line with its lines (after a line changed), audited."""
    counts = Counter(dict(batch.items.order_by().values("status").annotate(n=Count("id")).values_list("status", "n")))
    tier = batch_tier(batch.items.values_list("tier", flat=True).distinct())
    status = batch_status_of(counts)
    if tier == batch.tier and status == batch.status:
        return
    if status != batch.status:
        check_transition(batch, status, BATCH_TRANSITIONS)
    before = snapshot(batch)
    batch.tier, batch.status = tier, status
    batch.save()
    audit_record(
        actor=actor,
        action="update",
        obj=batch,
        before=before,
        after={**snapshot(batch), "lines": dict(counts)},
        reason=reason,
    )


def _announce_refused(actor: Actor, batch: ImportBatch, bureau: Bureau, items: Sequence[ImportItem]) -> None:
    """Refused goods raise a risk signal: risk monitoring receives this (see cbec_supervision.handovers)."""
    handovers.announce(
        handovers.ITEMS_REFUSED,
        actor=actor,
        subject=batch,
        batch_no=batch.batch_no,
        enterprise=batch.enterprise_id,
        port_bureau=bureau.code,
        stage=handovers.STAGE_VERIFICATION,
        items=[{"id": item.pk, "line_no": item.line_no, "hs_code": item.hs_code} for item in items],
    )


@transaction.atomic
def import_item_confirm(*, actor: Actor, item: ImportItem, confirmed: bool, note: str = "") -> ImportItem:
    """An inspector confirms or dismisses a suspected (name) match, while the batch is verified on site.

    Dismissing needs a reason (``note``), kept on the line and on its history. A dismissed
    suspicion no longer counts: the line's tier is recomputed from its certain reasons. A
    confirmed prohibited (tier-1) line is refused at once, the rest of the batch going on; when no
    line is left awaiting verification, the verification closes as failed with the note.
    """
    # The batch first, as verification_decide locks it: two confirmations on one batch queue up, and
    # each recomputes the batch from settled lines.
    batch_id = ImportItem.objects.values_list("batch_id", flat=True).get(pk=item.pk)
    batch = (
        ImportBatch.objects.select_for_update(of=("self",)).select_related("port_bureau", "enterprise").get(pk=batch_id)
    )
    item = ImportItem.objects.select_for_update().get(pk=item.pk)
    require_reviewer(actor, batch.port_bureau)
    task = VerificationTask.objects.select_for_update().filter(batch=batch, status=VerificationStatus.OPEN).first()
    if item.confirmation != Confirmation.PENDING or task is None or item.status != ItemStatus.AWAITING_VERIFICATION:
        raise ValidationError({"confirmation": [_("This line is not awaiting confirmation.")]})
    note = (note or "").strip()
    if not confirmed and not note:
        raise ValidationError({"note": [_("Say why the suspected match does not apply.")]})
    before = snapshot(item)
    item.confirmation = Confirmation.CONFIRMED if confirmed else Confirmation.DISMISSED
    item.confirmation_note = note[:2000]
    if not confirmed:
        item.dismissed_reasons = [r for r in item.reasons if r["certainty"] < CERTAIN]
        item.reasons = [r for r in item.reasons if r["certainty"] >= CERTAIN]
        _recompute_item(item, batch.strict_supervision)
    elif item.tier == 1:
        check_transition(item, ItemStatus.REFUSED, ITEM_TRANSITIONS)
        item.status = ItemStatus.REFUSED
        item.follow_up = FollowUp.REFUSE_ENTRY
    item.save()
    audit_record(
        actor=actor, action="update", obj=item, before=before, after=snapshot(item), reason=note, related=batch
    )
    if item.status == ItemStatus.REFUSED:
        _announce_refused(actor, batch, task.bureau, [item])
    _settle_batch(actor, batch, note)
    if item.status == ItemStatus.REFUSED:
        close_when_nothing_awaits(actor, batch, note)
    return item


def _close_task(
    actor: Actor,
    task: VerificationTask,
    *,
    passed: bool,
    note: str,
    batch: ImportBatch,
    accepted_reports: Sequence[ProductTestReport] = (),
) -> None:
    target = VerificationStatus.PASSED if passed else VerificationStatus.FAILED
    check_transition(task, target, VERIFICATION_TRANSITIONS)
    before = snapshot(task)
    task.status = target
    task.note = note
    task.decided_by = None if isinstance(actor, str) else actor
    task.decided_at = timezone.now()
    task.save()
    task.accepted_reports.set(accepted_reports)
    audit_record(
        actor=actor,
        action="approve" if passed else "reject",
        obj=task,
        before=before,
        after={**snapshot(task), "accepted_reports": [r.pk for r in accepted_reports]},
        reason=note,
        related=batch,
    )


@transaction.atomic
def verification_decide(
    *,
    actor: Actor,
    task: VerificationTask,
    passed: bool,
    note: str = "",
    accepted_reports: Sequence[ProductTestReport] = (),
) -> VerificationTask:
    """Record the on-site verification: third-party results accepted, findings, and the outcome.

    Passing releases the lines awaiting verification; failing refuses them. Lines refused before
    (prohibited goods) stay refused, lines released before stay released; the batch's status sums its
    lines up. A line still awaiting confirmation of a suspected match keeps the batch from passing.
    """
    # The batch first, then the task: the order import_item_confirm and the re-check lock them in.
    batch_id = VerificationTask.objects.values_list("batch_id", flat=True).get(pk=task.pk)
    batch = ImportBatch.objects.select_for_update(of=("self",)).get(pk=batch_id)
    task = VerificationTask.objects.select_for_update(of=("self",)).select_related("bureau").get(pk=task.pk)
    require_reviewer(actor, task.bureau)
    check_transition(task, VerificationStatus.PASSED if passed else VerificationStatus.FAILED, VERIFICATION_TRANSITIONS)
    awaiting = batch.items.filter(status=ItemStatus.AWAITING_VERIFICATION)
    if passed:
        if awaiting.filter(confirmation=Confirmation.PENDING).exists():
            raise ValidationError({"status": [_("Confirm or dismiss every suspected match first.")]})
        if awaiting.filter(tier=1).exists():
            raise ValidationError({"status": [_("A prohibited line cannot be released.")]})
        if not awaiting.exists():
            raise ValidationError(
                {"status": [_("Every line of this batch is refused entry as prohibited: there is nothing to release.")]}
            )
    else:
        note = (note or "").strip()
        if not note:
            raise ValidationError({"note": [_("Record the findings that fail the batch.")]})
    product_ids = set(batch.items.exclude(product=None).values_list("product_id", flat=True))
    for report in accepted_reports:
        if report.product_id not in product_ids:
            raise ValidationError({"accepted_reports": [_("Only reports on this batch's products can be accepted.")]})
    if accepted_reports:
        # Each report accepted counts on its lab's trust record; a verify-only lab's are refused.
        lab_reports_accept(
            actor=actor,
            reports=accepted_reports,
            context=LabCheckContext.ONSITE_VERIFICATION,
            verification_task_id=task.pk,
            note=note,
        )
    _close_task(actor, task, passed=passed, note=note, batch=batch, accepted_reports=accepted_reports)
    decided = list(awaiting.order_by("line_no").only("pk", "line_no", "hs_code"))
    target = ItemStatus.RELEASED if passed else ItemStatus.REFUSED
    awaiting.update(status=target, **({} if passed else {"follow_up": FollowUp.REFUSE_ENTRY}))
    _settle_batch(actor, batch, note)
    if not passed and decided:
        # The lines verified are refused entry: risk monitoring receives them as at a refused declaration.
        _announce_refused(actor, batch, task.bureau, decided)
    _notify_outcome(batch, note)
    return task


def _notify_outcome(batch: ImportBatch, reason: str) -> None:
    """Tell the operator where its batch stands once the lines awaiting verification are decided."""
    if batch.status == BatchStatus.RELEASED:
        kind = "batch_released"
    elif batch.status == BatchStatus.REFUSED:
        kind = "batch_refused"
    elif batch.items.filter(status=ItemStatus.RELEASED).exists():
        kind = "batch_lines_released"  # partially refused: the verified lines were released
    else:
        kind = "batch_lines_refused"
    notify(
        recipients=batch.enterprise.users.filter(is_active=True),
        kind=kind,
        params={"batch_no": batch.batch_no, "reason": reason},
        url=batch.get_absolute_url(),
    )


def close_when_nothing_awaits(actor: Actor, batch: ImportBatch, note: str) -> None:
    """Close the batch's open verification as failed, with ``note``, once no line awaits it any more
    (its last awaiting lines were refused as prohibited): nothing is left for the inspector to release."""
    task = (
        VerificationTask.objects.select_for_update(of=("self",))
        .filter(batch=batch, status=VerificationStatus.OPEN)
        .first()
    )
    if task is None or batch.items.filter(status=ItemStatus.AWAITING_VERIFICATION).exists():
        return
    _close_task(
        actor, task, passed=False, note=note or _("Every line awaiting verification is refused entry."), batch=batch
    )
    batch.refresh_from_db()
    _notify_outcome(batch, note)

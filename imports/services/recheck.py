"""Rule 10 (issue 8): a catalogue edition that comes into force re-checks the lines still pending.

When ``catalogues`` announces an edition in force (``handovers.CATALOGUE_EDITION_IN_FORCE``), the
lines of bonded batches still awaiting on-site verification are classified again under the editions
in force, in Celery tasks of ``RECHECK_CHUNK`` batches. A line whose decision changes is recorded with
both decisions (the audit event's ``before`` and ``after``, reasons and tier included); a line the new
edition certainly prohibits is refused at once and handed to risk monitoring; a new suspicion awaits
the inspector's confirmation (one the inspector dismissed stays dismissed). The batch's tier, status
and editions follow. Lines already released or refused are decisions taken: they are not reopened.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from catalogues.choices import FollowUp
from catalogues.classification import CERTAIN
from catalogues.services import classify_lines
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.handovers import Announcement
from filings.models import ProductFiling
from imports.choices import Confirmation, ItemStatus, VerificationStatus
from imports.models import ImportBatch, ImportItem
from imports.services.verification import _announce_refused, _recompute_item, _settle_batch, close_when_nothing_awaits

#: batches per re-check task
RECHECK_CHUNK = 200


def pending_batches() -> list[int]:
    """Ids of the bonded batches with lines awaiting on-site verification, oldest first."""
    return list(
        ImportBatch.objects.filter(
            verification__status=VerificationStatus.OPEN, items__status=ItemStatus.AWAITING_VERIFICATION
        )
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def catalogue_edition_in_force(announcement: Announcement) -> None:
    """The receiver of ``CATALOGUE_EDITION_IN_FORCE``: hand the pending batches to re-check tasks."""
    from imports.tasks import recheck_batches

    ids = pending_batches()
    payload = announcement.payload
    label = f"{payload.get('kind', '')} {payload.get('edition', '')}".strip()
    for start in range(0, len(ids), RECHECK_CHUNK):
        chunk = ids[start : start + RECHECK_CHUNK]
        transaction.on_commit(partial(recheck_batches.delay, chunk, payload.get("edition_id"), label), robust=True)


def batches_recheck(*, actor: Actor, batch_ids: Sequence[int], edition: str = "") -> dict[str, int]:
    """Classify the pending lines of these batches again (idempotent); one transaction per batch.

    Returns counts: ``lines`` re-checked, ``changed``, ``refused``.
    """
    counts = {"lines": 0, "changed": 0, "refused": 0}
    for batch_id in batch_ids:
        for key, value in _batch_recheck(actor, batch_id, edition).items():
            counts[key] += value
    return counts


@transaction.atomic
def _batch_recheck(actor: Actor, batch_id: int, edition: str) -> dict[str, int]:
    batch = (
        ImportBatch.objects.select_for_update(of=("self",))
        .select_related("port_bureau")
        .filter(pk=batch_id, verification__status=VerificationStatus.OPEN)
        .first()
    )
    if batch is None:
        return {"lines": 0, "changed": 0, "refused": 0}
    items = list(
        ImportItem.objects.select_for_update()
        .filter(batch=batch, status=ItemStatus.AWAITING_VERIFICATION)
        .order_by("line_no")
    )
    product_ids = {item.product_id for item in items if item.product_id}
    products = {p.pk: p for p in ProductFiling.objects.filter(pk__in=product_ids)}
    lines = [
        {
            "product": item.product_id,
            "description": item.description,
            "hs_code": item.hs_code,
            "cas_numbers": item.cas_numbers,
            "un_number": item.un_number,
            "used": item.used,
        }
        for item in items
    ]
    decisions, editions = classify_lines(lines, products=products, strict=batch.strict_supervision)
    note = _("Re-checked: catalogue edition %(edition)s is in force.") % {"edition": edition or "—"}
    changed, refused = 0, []
    for item, decision in zip(items, decisions, strict=True):
        # The suspicions the inspector dismissed stay dismissed; one the new editions bring is new.
        dismissed = {(r["catalogue"], r["entry"]) for r in item.dismissed_reasons}
        reasons = [
            r.as_dict() for r in decision.reasons if r.certainty >= CERTAIN or (r.catalogue, r.entry) not in dismissed
        ]
        if reasons == item.reasons:
            continue
        before = snapshot(item)
        item.reasons = reasons
        _recompute_item(item, batch.strict_supervision)
        certain_tiers = [r["tier"] for r in reasons if r["certainty"] >= CERTAIN]
        if certain_tiers and min(certain_tiers) == 1:
            item.status = ItemStatus.REFUSED
            item.follow_up = FollowUp.REFUSE_ENTRY
            refused.append(item)
        else:
            suspected = [r["tier"] for r in reasons if r["certainty"] < CERTAIN]
            certain = [r["tier"] for r in reasons if r["certainty"] >= CERTAIN]
            if suspected and min(suspected) < min(certain, default=3):
                item.confirmation = Confirmation.PENDING  # a new suspicion raises the tier: to be decided
            elif item.confirmation == Confirmation.PENDING:
                item.confirmation = ""
        item.save()
        audit_record(
            actor=actor,
            action="update",
            obj=item,
            before={**before, "editions": batch.editions},
            after={**snapshot(item), "editions": editions},
            reason=note,
            related=batch,
        )
        changed += 1
    if changed:
        before = snapshot(batch)
        batch.editions = editions
        batch.save(update_fields=["editions", "updated_at"])
        audit_record(actor=actor, action="update", obj=batch, before=before, after=snapshot(batch), reason=note)
        if refused:
            _announce_refused(actor, batch, batch.port_bureau, refused)
        _settle_batch(actor, batch, note)
        if refused:
            close_when_nothing_awaits(actor, batch, note)
    return {"lines": len(items), "changed": changed, "refused": len(refused)}

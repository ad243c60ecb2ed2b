"""What the catalogues decide about a product filing, before and after its approval.

Rule 1, 「禁止上述产品以跨境电子商务形式入境」: prohibited goods are never approved for sale.

- A product the catalogues put in tier 1 on a *certain* match (CAS, UN number, HS prefix, used
  goods) is refused at submission, naming every entry (``submission_refusal``).
- A *suspected* tier-1 match (a catalogue name in its texts) goes to the reviewer, who confirms or
  dismisses it with a reason before any approval (``product_suspicion_decide``); a confirmed one
  is prohibited, and the reviewer rejects the filing.
- A product approved before a new edition puts it in tier 1 stays approved and is flagged to its
  competent bureau until an officer suspends it (``products_reclassify``).

Rule 7, 「国家实施质量安全许可管理」: a product in the compulsory certification (CCC) catalogue needs
its CCC certificate on the filing before approval (``approval_refusal``).

Rule 10, catalogue loads re-check what is pending: when an edition comes into force
(``handovers.CATALOGUE_EDITION_IN_FORCE``), submitted product filings are classified again, both
decisions on the record, and approved ones newly in tier 1 are flagged (``catalogue_edition_in_force``
splits the work into tasks of ``RECLASSIFY_CHUNK`` products).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from catalogues.choices import CatalogueKind
from catalogues.classification import CERTAIN, FOLLOW_UP, TIER_GENERAL, TIER_KEY, TIER_PROHIBITED
from catalogues.presentation import CATALOGUE_LABELS
from catalogues.services import classify_lines
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.handovers import Announcement
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import require_reason, require_reviewer
from filings.choices import FilingStatus, SupervisionLevel, Suspicion
from filings.models import ProductFiling

Errors = dict[str, list[str]]

#: products re-classified per task when an edition comes into force
RECLASSIFY_CHUNK = 500
#: the statuses a new edition re-checks: submitted ones are classified again, approved ones flagged
RECHECKED_STATUSES = (FilingStatus.SUBMITTED, FilingStatus.APPROVED)


# --- reading a classification ---------------------------------------------------------------------


def _reasons(classification: dict | None) -> list[dict]:
    return list((classification or {}).get("reasons") or []) if isinstance(classification, dict) else []


def _certain(reason: dict) -> bool:
    return float(reason.get("certainty") or 0) >= CERTAIN


def prohibited_reasons(classification: dict | None, *, confirmed: bool = False) -> list[dict]:
    """The tier-1 reasons that make the goods prohibited: certain ones, and suspected ones once confirmed."""
    return [r for r in _reasons(classification) if r.get("tier") == TIER_PROHIBITED and (confirmed or _certain(r))]


def needs_certificate(classification: dict | None) -> bool:
    """Whether the compulsory certification (CCC) catalogue lists the product."""
    return any(r.get("catalogue") == CatalogueKind.COMPULSORY_CERTIFICATION for r in _reasons(classification))


def entry_message(reason: dict) -> str:
    """One catalogue entry, as a refusal names it."""
    kind = reason.get("catalogue", "")
    return _("%(catalogue)s, edition %(edition)s, entry %(entry)s (matched on %(matched_on)s %(value)s)") % {
        "catalogue": CATALOGUE_LABELS.get(kind, kind),
        "edition": reason.get("edition", ""),
        "entry": reason.get("entry", ""),
        "matched_on": reason.get("matched_on", ""),
        "value": reason.get("value", ""),
    }


def submission_refusal(classification: dict | None) -> Errors:
    """Why a product cannot be submitted: the entries that certainly put it in tier 1 (empty: it can)."""
    found = prohibited_reasons(classification)
    if not found:
        return {}
    return {
        "classification": [
            _("Prohibited goods cannot be filed for sale across borders. The catalogues list this product:"),
            *(entry_message(r) for r in found),
        ]
    }


def approval_refusal(product: ProductFiling) -> Errors:
    """Why the competent bureau cannot approve (or reinstate) ``product`` now (empty: it can)."""
    errors: Errors = {}
    if product.suspicion == Suspicion.PENDING:
        errors["suspicion"] = [
            _("A suspected prohibited goods match awaits the reviewer's decision: confirm or dismiss it first.")
        ]
    found = prohibited_reasons(product.classification, confirmed=product.suspicion == Suspicion.CONFIRMED)
    if product.prohibited_flagged_at is not None:
        found = found or list(product.prohibited_reasons)
    if found:
        errors["classification"] = [
            _("Prohibited goods are never approved for sale: reject the filing. The catalogues list it:"),
            *(entry_message(r) for r in found),
        ]
    if needs_certificate(product.classification) and not product.ccc_certificate:
        errors["ccc_certificate"] = [
            _("The product is in the compulsory certification (CCC) catalogue: its CCC certificate number is required.")
        ]
    return errors


def _recomputed(classification: dict, keep: list[dict]) -> dict:
    """``classification`` with only the reasons ``keep``: tier, confirmation and follow-up follow from them."""
    tier = min((int(r.get("tier") or TIER_GENERAL) for r in keep), default=TIER_GENERAL)
    certain_tier = min((int(r.get("tier") or TIER_GENERAL) for r in keep if _certain(r)), default=TIER_GENERAL)
    strict = bool(classification.get("strict_supervision"))
    follow_up = FOLLOW_UP[TIER_KEY] if strict and tier > TIER_KEY else FOLLOW_UP[tier]
    return {
        **classification,
        "tier": tier,
        "reasons": keep,
        "needs_confirmation": tier < certain_tier,
        "follow_up": follow_up,
    }


def _without_dismissed(classification: dict, dismissed: list[dict]) -> dict:
    """Drop the suspected reasons the reviewer dismissed (same entry), keeping the record of the dismissal."""
    if not dismissed:
        return classification
    gone = {(r.get("catalogue"), r.get("entry_id"), r.get("entry")) for r in dismissed}
    keep = [
        r
        for r in _reasons(classification)
        if _certain(r) or (r.get("catalogue"), r.get("entry_id"), r.get("entry")) not in gone
    ]
    return {**_recomputed(classification, keep), "dismissed": dismissed}


# --- the reviewer's decision on a suspicion ---------------------------------------------------------


@transaction.atomic
def product_suspicion_decide(*, actor: Actor, product: ProductFiling, confirmed: bool, reason: str) -> ProductFiling:
    """Confirm or dismiss the suspected tier-1 match of a submitted product, with a reason.

    Only a reviewer of the competent bureau (or its parent direct bureau) may (PermissionDenied).
    Refused (ValidationError) without a reason, or when no suspicion is pending. Confirmed, the goods
    are prohibited: the filing can only be rejected. Dismissed, the suspected reasons are dropped
    (kept under ``dismissed``) and the tier follows from what remains. Audited with before and after.
    """
    product = (
        ProductFiling.objects.select_for_update(of=("self",)).select_related("enterprise__bureau").get(pk=product.pk)
    )
    require_reviewer(actor, product.enterprise.bureau, ProductFiling.review_permission)
    reason = require_reason(reason)
    if product.status != FilingStatus.SUBMITTED or product.suspicion != Suspicion.PENDING:
        raise ValidationError(
            {"suspicion": [_("No suspected prohibited goods match awaits a decision on this filing.")]}
        )
    before = snapshot(product)
    classification = dict(product.classification or {})
    if confirmed:
        product.suspicion = Suspicion.CONFIRMED
        action = AuditAction.CONFIRM_SUSPICION
    else:
        suspected = [r for r in _reasons(classification) if not _certain(r)]
        classification = _without_dismissed(classification, [*classification.get("dismissed", []), *suspected])
        product.classification = classification
        product.tier = classification["tier"]
        product.suspicion = Suspicion.DISMISSED
        action = AuditAction.DISMISS_SUSPICION
    product.suspicion_decided_at = timezone.now()
    product.suspicion_decided_by = None if isinstance(actor, str) else actor
    product.suspicion_reason = reason
    product.save()
    audit_record(
        actor=actor,
        action=action,
        obj=product,
        before=before,
        after=snapshot(product),
        reason=reason,
        related=product.enterprise,
    )
    return product


def suspicion_on_submission(product: ProductFiling) -> None:
    """Set the suspicion of a product being submitted from its fresh classification (no decision yet)."""
    needs = bool((product.classification or {}).get("needs_confirmation"))
    product.suspicion = Suspicion.PENDING if needs else Suspicion.NONE
    product.suspicion_decided_at = None
    product.suspicion_decided_by = None
    product.suspicion_reason = ""


# --- a new catalogue edition in force ---------------------------------------------------------------


def catalogue_edition_in_force(announcement: Announcement) -> None:
    """The receiver of ``CATALOGUE_EDITION_IN_FORCE``: re-check submitted and approved product filings.

    Runs in a task after the announcing transaction commits; the products are handed to
    ``filings.reclassify_products`` tasks, ``RECLASSIFY_CHUNK`` at a time, once this one commits.
    Pending import batch lines are the imports app's receiver's to re-check.
    """
    from filings.tasks import reclassify_products

    ids = list(ProductFiling.objects.filter(status__in=RECHECKED_STATUSES).order_by("pk").values_list("pk", flat=True))
    edition_id = announcement.payload.get("edition_id")
    for start in range(0, len(ids), RECLASSIFY_CHUNK):
        chunk = ids[start : start + RECLASSIFY_CHUNK]
        transaction.on_commit(partial(reclassify_products.delay, chunk, edition_id), robust=True)


def _bureau_staff(product: ProductFiling) -> Any:
    return User.objects.filter(
        bureau_id=product.enterprise.bureau_id, is_active=True, role__in=(Role.INSPECTOR, Role.BUREAU_ADMIN)
    )


@transaction.atomic
def products_reclassify(*, actor: Actor, product_ids: Sequence[int]) -> dict[str, int]:
    """Classify the given product filings again under the editions in force (rule 10; idempotent).

    A submitted filing gets the new classification and tier, audited with the old and the new one
    (a suspicion the reviewer dismissed stays dismissed for the same entries; a new one is pending).
    An approved filing keeps the classification it was approved under; if the editions in force now
    certainly put it in tier 1 it is flagged (``prohibited_flagged_at``, ``prohibited_reasons``),
    audited and notified to its competent bureau's staff, once. Other statuses are left alone.
    Returns counts: ``reclassified``, ``flagged``, ``unchanged``.
    """
    counts = {"reclassified": 0, "flagged": 0, "unchanged": 0}
    products = list(
        ProductFiling.objects.select_for_update(of=("self",))
        .select_related("enterprise__bureau")
        .filter(pk__in=list(product_ids), status__in=RECHECKED_STATUSES)
        .order_by("pk")
    )
    for strict in (False, True):
        group = [p for p in products if (p.enterprise.supervision_level == SupervisionLevel.STRICT) == strict]
        if not group:
            continue
        decisions, editions = classify_lines(
            [{"product": p.pk} for p in group], products={p.pk: p for p in group}, strict=strict
        )
        for product, decision in zip(group, decisions, strict=True):
            new = {**decision.as_dict(), "editions": editions}
            if product.status == FilingStatus.SUBMITTED:
                changed = _reclassify_submitted(actor, product, new)
            else:
                changed = _flag_if_prohibited(actor, product, new)
            counts[changed] += 1
    return counts


def _reclassify_submitted(actor: Actor, product: ProductFiling, new: dict) -> str:
    old = product.classification or {}
    new = _without_dismissed(new, list(old.get("dismissed") or [])) if product.suspicion == Suspicion.DISMISSED else new
    if new == old and new.get("tier") == product.tier:
        return "unchanged"
    before = {"tier": product.tier, "classification": old, "suspicion": product.suspicion}
    product.tier, product.classification = new["tier"], new
    if new.get("needs_confirmation") and product.suspicion != Suspicion.CONFIRMED:
        if product.suspicion != Suspicion.PENDING:
            suspicion_on_submission(product)
    elif not new.get("needs_confirmation") and product.suspicion == Suspicion.PENDING:
        product.suspicion = Suspicion.NONE
    product.save(
        update_fields=[
            "tier",
            "classification",
            "suspicion",
            "suspicion_decided_at",
            "suspicion_decided_by",
            "suspicion_reason",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        action=AuditAction.RECLASSIFY,
        obj=product,
        before=before,
        after={"tier": product.tier, "classification": new, "suspicion": product.suspicion},
        related=product.enterprise,
    )
    return "reclassified"


def _flag_if_prohibited(actor: Actor, product: ProductFiling, new: dict) -> str:
    found = prohibited_reasons(new)
    if not found or product.prohibited_flagged_at is not None:
        return "unchanged"
    before = snapshot(product)
    product.prohibited_flagged_at = timezone.now()
    product.prohibited_reasons = found
    product.save(update_fields=["prohibited_flagged_at", "prohibited_reasons", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.FLAG_PROHIBITED,
        obj=product,
        before=before,
        after=snapshot(product, extra={"classification_now": new}),
        related=product.enterprise,
    )
    notify(
        recipients=_bureau_staff(product),
        kind="product_prohibited_flagged",
        params={
            "name": product.name,
            "filing_no": product.filing_no or "",
            "entries": "; ".join(entry_message(r) for r in found),
        },
        url=product.get_absolute_url(),
    )
    return "flagged"

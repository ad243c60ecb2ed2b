"""Change requests: changes to an approved filing take effect only once the bureau approves them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import check_transition, require_reason, require_reviewer
from filings.choices import CHANGE_REQUEST_TRANSITIONS, ChangeRequestStatus, FilingStatus
from filings.models import ChangeRequest, EnterpriseFiling, ProductFiling
from filings.services import enterprises as enterprise_services
from filings.services.products import PRODUCT_FIELDS, clean_product_fields, product_classify
from filings.services.prohibited import needs_certificate, submission_refusal

#: product fields the classification engine reads
CLASSIFIED_FIELDS = {
    "name",
    "name_en",
    "listed_name",
    "hs_code",
    "cas_numbers",
    "un_number",
    "used",
    "materials",
    "category",
}

#: what a change request may change on an enterprise filing (types included)
ENTERPRISE_CHANGEABLE = (*enterprise_services.ENTERPRISE_EDITABLE_FIELDS, "types")


def _clean_enterprise_changes(filing: EnterpriseFiling, changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(ENTERPRISE_CHANGEABLE))
    if unknown:
        raise ValidationError(
            {"changes": [_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)}]}
        )
    trial = EnterpriseFiling.objects.get(pk=filing.pk)  # a copy to check the values on, never saved
    errors: dict[str, list[str]] = {}
    fields = {k: v for k, v in changes.items() if k != "types"}
    enterprise_services._apply(trial, fields, changes.get("types"), errors)
    if errors:
        raise ValidationError(errors)
    cleaned = {k: getattr(trial, k) for k in fields}
    if "types" in changes:
        cleaned["types"] = trial.types
    return cleaned


def _current_values(target: EnterpriseFiling | ProductFiling, fields: Iterable[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in fields:
        value = getattr(target, field)
        values[field] = value.code if hasattr(value, "code") and not isinstance(value, str) else value
    return values


@transaction.atomic
def change_request_submit(
    *,
    actor: Actor,
    enterprise: EnterpriseFiling,
    changes: dict[str, Any],
    product: ProductFiling | None = None,
    explanation: str = "",
) -> ChangeRequest:
    """Propose changes to an approved enterprise or product filing."""
    if isinstance(actor, str) or not actor.is_enterprise_user or actor.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("Only the enterprise's own users may do this."))
    if product is not None and product.enterprise_id != enterprise.pk:
        raise PermissionDenied(_("Only the enterprise's own users may do this."))
    # The filing as it is now, not as the caller last saw it.
    enterprise = EnterpriseFiling.objects.get(pk=enterprise.pk)
    product = ProductFiling.objects.get(pk=product.pk) if product is not None else None
    target = product or enterprise
    if target.status != FilingStatus.APPROVED:
        raise ValidationError(
            {
                "status": [
                    _(
                        "Only an approved filing is changed by a change request; edit a draft "
                        "or returned filing directly."
                    )
                ]
            }
        )
    if not changes:
        raise ValidationError({"changes": [_("Propose at least one change.")]})
    if product is None:
        cleaned = _clean_enterprise_changes(enterprise, changes)
    else:
        unknown = sorted(set(changes) - set(PRODUCT_FIELDS))
        if unknown:
            raise ValidationError(
                {"changes": [_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)}]}
            )
        cleaned, errors = clean_product_fields(changes)
        if errors:
            raise ValidationError(errors)
    original = _current_values(target, cleaned)
    cleaned = {k: v for k, v in cleaned.items() if original.get(k) != v}
    if not cleaned:
        raise ValidationError({"changes": [_("The proposed values are the ones already in force.")]})
    pending = ChangeRequest.objects.filter(status=ChangeRequestStatus.PENDING, enterprise=enterprise, product=product)
    if pending.exists():
        raise ValidationError({"changes": [_("A change request for this filing is already awaiting review.")]})
    try:
        with transaction.atomic():
            request = ChangeRequest.objects.create(
                enterprise=enterprise,
                product=product,
                changes=cleaned,
                original={k: original[k] for k in cleaned},
                explanation=(explanation or "").strip(),
                submitted_by=actor,
            )
    except IntegrityError:  # another request for this filing was submitted at the same moment
        raise ValidationError(
            {"changes": [_("A change request for this filing is already awaiting review.")]}
        ) from None
    audit_record(actor=actor, action="create", obj=request, after=snapshot(request), related=request.target)
    return request


def _apply_to_target(request: ChangeRequest, actor: Actor) -> None:
    target = request.target
    model = type(target)
    target = model.objects.select_for_update().get(pk=target.pk)
    if target.status != FilingStatus.APPROVED:
        raise ValidationError(
            {
                "status": [
                    _("The filing is %(status)s now: the change can no longer apply.")
                    % {"status": target.get_status_display()}
                ]
            }
        )
    before = snapshot(target)
    changes = dict(request.changes)
    if isinstance(target, EnterpriseFiling):
        errors: dict[str, list[str]] = {}
        types = changes.pop("types", None)
        enterprise_services._apply(target, changes, types, errors)
        if errors:
            raise ValidationError(errors)
    else:
        cleaned, errors = clean_product_fields(changes)
        if errors:
            raise ValidationError(errors)
        for key, value in cleaned.items():
            setattr(target, key, value)
        if set(cleaned) & CLASSIFIED_FIELDS:
            # What the goods are has changed: so may their tier. Prohibited goods are never approved
            # for sale (rule 1), whether filed so or changed into them.
            target.tier, target.classification = product_classify(target)
            refusal = submission_refusal(target.classification)
            if refusal:
                raise ValidationError(refusal)
        if needs_certificate(target.classification) and not target.ccc_certificate:
            # Rule 7: a product in the CCC catalogue keeps a certificate on file.
            raise ValidationError(
                {
                    "ccc_certificate": [
                        _(
                            "The product is in the compulsory certification (CCC) catalogue: "
                            "its CCC certificate number is required."
                        )
                    ]
                }
            )
    target.save()
    audit_record(
        actor=actor,
        action="update",
        obj=target,
        before=before,
        after=snapshot(target),
        reason=_("Change request #%(id)s approved.") % {"id": request.pk},
    )


@transaction.atomic
def change_request_decide(*, actor: Actor, request: ChangeRequest, status: str, reason: str = "") -> ChangeRequest:
    """Approve (the changes take effect) or reject (with a reason) a pending change request."""
    request = (
        # Lock this row only: PostgreSQL cannot lock the nullable side (product) of an outer join.
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("enterprise__bureau", "product")
        .get(pk=request.pk)
    )
    if status not in (ChangeRequestStatus.APPROVED, ChangeRequestStatus.REJECTED):
        raise ValueError(status)
    require_reviewer(actor, request.enterprise.bureau, request.target.review_permission)
    check_transition(request, status, CHANGE_REQUEST_TRANSITIONS)
    if status == ChangeRequestStatus.REJECTED:
        reason = require_reason(reason)
    before = snapshot(request)
    if status == ChangeRequestStatus.APPROVED:
        _apply_to_target(request, actor)
    request.status = status
    request.decided_by = None if isinstance(actor, str) else actor
    request.decided_at = timezone.now()
    request.decision_reason = reason or ""
    request.save()
    action = "approve" if status == ChangeRequestStatus.APPROVED else "reject"
    audit_record(
        actor=actor,
        action=action,
        obj=request,
        before=before,
        after=snapshot(request),
        reason=reason,
        related=request.target,
    )
    notify(
        recipients=request.enterprise.users.filter(is_active=True),
        kind="change_approved" if status == ChangeRequestStatus.APPROVED else "change_rejected",
        params={"name": str(request.target), "reason": reason},
        url=request.target.get_absolute_url(),
    )
    return request


@transaction.atomic
def change_request_withdraw(*, actor: Actor, request: ChangeRequest) -> ChangeRequest:
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if isinstance(actor, str) or not actor.is_enterprise_user or actor.enterprise_id != request.enterprise_id:
        raise PermissionDenied(_("Only the enterprise's own users may do this."))
    check_transition(request, ChangeRequestStatus.WITHDRAWN, CHANGE_REQUEST_TRANSITIONS)
    before = snapshot(request)
    request.status = ChangeRequestStatus.WITHDRAWN
    request.save()
    audit_record(
        actor=actor, action="withdraw", obj=request, before=before, after=snapshot(request), related=request.target
    )
    return request

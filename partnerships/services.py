"""Every write on partnerships: the operator asks, the partner decides. One transaction each, audited,
and the other side notified.

- ``partnership_request``: an enterprise user of an approved operator asks an approved platform
  (kind ``platform``) or logistics enterprise (kind ``warehouse``) to confirm it;
- ``partnership_confirm`` / ``partnership_refuse`` (reason required): the partner's users answer;
- ``partnership_suspend`` (reason required) / ``partnership_reinstate``: the partner's users stop and
  resume a confirmed partnership;
- ``partnership_withdraw``: the operator's users withdraw a request not yet answered.

Staff read partnerships but take no part in them: the partner is the one that supervises its sellers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.notifications import notify
from cbec_supervision.widgets import row_id
from cbec_supervision.workflow import check_transition, require_reason
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling
from partnerships.choices import (
    PARTNER_FLAGS,
    PARTNERSHIP_ACTIONS,
    PARTNERSHIP_TRANSITIONS,
    PartnershipAction,
    PartnershipKind,
    PartnershipStatus,
)
from partnerships.models import Partnership

_AUDIT = {
    PartnershipAction.CONFIRM: AuditAction.APPROVE,
    PartnershipAction.REFUSE: AuditAction.REJECT,
    PartnershipAction.SUSPEND: AuditAction.SUSPEND,
    PartnershipAction.REINSTATE: AuditAction.REINSTATE,
    PartnershipAction.WITHDRAW: AuditAction.WITHDRAW,
}
_NOTIFICATIONS = {
    PartnershipAction.CONFIRM: "partnership_confirmed",
    PartnershipAction.REFUSE: "partnership_refused",
    PartnershipAction.SUSPEND: "partnership_suspended",
    PartnershipAction.REINSTATE: "partnership_reinstated",
    PartnershipAction.WITHDRAW: "partnership_withdrawn",
}


def _enterprise_of(actor: Actor) -> int | None:
    if isinstance(actor, str) or not actor.is_enterprise_user:
        return None
    return actor.enterprise_id


def _partner_label(kind: str) -> str:
    return _("platform") if kind == PartnershipKind.PLATFORM else _("logistics and warehousing enterprise")


def _resolve(value: Any) -> EnterpriseFiling | None:
    if isinstance(value, EnterpriseFiling):
        return value
    pk = row_id(value)
    return EnterpriseFiling.objects.filter(pk=pk).first() if pk is not None else None


def _params(partnership: Partnership, reason: str = "") -> dict[str, str]:
    return {"operator": partnership.operator.name, "partner": partnership.partner.name, "reason": reason}


def _users(filing: EnterpriseFiling) -> QuerySet:
    return filing.users.filter(is_active=True)


@transaction.atomic
def partnership_request(*, actor: Actor, kind: str, partner: Any, note: str = "") -> Partnership:
    """The operator of ``actor`` asks ``partner`` (a filing or its id) to confirm it.

    Only an enterprise user may ask, for its own enterprise (PermissionDenied otherwise). Refused
    (ValidationError, per field) unless the operator's filing is approved and of type operator, the
    partner's filing is approved and of the kind's type (platform, or logistics for a warehouse),
    the partner is another enterprise, and no live partnership of that kind links them already.
    """
    enterprise_id = _enterprise_of(actor)
    if enterprise_id is None:
        raise PermissionDenied(_("Only an enterprise user may ask for a partnership, for its own enterprise."))
    operator = EnterpriseFiling.objects.select_for_update().get(pk=enterprise_id)
    errors: dict[str, list[str]] = {}
    if kind not in PartnershipKind.values:
        errors["kind"] = [_("The kind is platform or warehouse.")]
    if operator.status != FilingStatus.APPROVED or not operator.is_operator:
        errors["operator"] = [_("Only an approved operator may ask for a partnership.")]
    partner_filing = _resolve(partner)
    if kind in PartnershipKind.values:
        flag = PARTNER_FLAGS[kind]
        if (
            partner_filing is None
            or partner_filing.status != FilingStatus.APPROVED
            or not getattr(partner_filing, flag)
        ):
            errors["partner"] = [_("Give the filing id of an approved %(what)s.") % {"what": _partner_label(kind)}]
        elif partner_filing.pk == operator.pk:
            errors["partner"] = [
                _("An enterprise needs no partnership with itself: it may name itself on its batches.")
            ]
        elif Partnership.objects.filter(operator=operator, partner=partner_filing, kind=kind).live().exists():
            errors["partner"] = [_("This operator already has a partnership of this kind with this partner.")]
    if errors:
        raise ValidationError(errors)
    assert partner_filing is not None
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(
                kind=kind,
                operator=operator,
                partner=partner_filing,
                requested_by=None if isinstance(actor, str) else actor,
                note=(note or "").strip(),
            )
    except IntegrityError:  # the same request made at the same moment
        raise ValidationError(
            {"partner": [_("This operator already has a partnership of this kind with this partner.")]}
        ) from None
    audit_record(actor=actor, action=AuditAction.CREATE, obj=partnership, after=snapshot(partnership), related=operator)
    notify(
        recipients=_users(partner_filing),
        kind="partnership_requested",
        params=_params(partnership),
        url=partnership.get_absolute_url(),
    )
    return partnership


def may_act(actor: Actor, partnership: Partnership, action: str) -> bool:
    """Whether ``actor``'s side may take ``action`` and the partnership's status allows it (pages offer the button)."""
    if action not in PARTNERSHIP_ACTIONS:
        return False
    sources, _target, _reason_required, by_partner = PARTNERSHIP_ACTIONS[action]
    side = partnership.partner_id if by_partner else partnership.operator_id
    enterprise_id = _enterprise_of(actor)
    return enterprise_id is not None and enterprise_id == side and partnership.status in sources


def available_actions(actor: Actor, partnership: Partnership) -> list[str]:
    """The actions ``actor`` may take on ``partnership`` now, in the order of ``PartnershipAction``."""
    return [str(action) for action in PartnershipAction if may_act(actor, partnership, action)]


@transaction.atomic
def partnership_act(*, actor: Actor, partnership: Partnership, action: str, reason: str = "") -> Partnership:
    """Take ``action`` (``confirm``/``refuse``/``suspend``/``reinstate``/``withdraw``) on a partnership.

    The partner's enterprise users confirm, refuse, suspend and reinstate; the operator's withdraw
    its request (PermissionDenied for anyone else). Refusing and suspending need a reason.
    Refused (ValidationError) when the status does not allow the action. Audited on the operator's
    filing, and notified to the other side's users.
    """
    if action not in PARTNERSHIP_ACTIONS:
        raise ValidationError({"action": [_("Unknown action.")]})
    partnership = Partnership.objects.select_for_update().select_related("operator", "partner").get(pk=partnership.pk)
    sources, target, reason_required, by_partner = PARTNERSHIP_ACTIONS[action]
    side = partnership.partner if by_partner else partnership.operator
    if _enterprise_of(actor) != side.pk:
        if by_partner:
            raise PermissionDenied(_("Only the platform or warehouse asked may decide on this partnership."))
        raise PermissionDenied(_("Only the operator that asked may withdraw this request."))
    reason = require_reason(reason) if reason_required else (reason or "").strip()
    # The action's own step of the transition table (confirm and reinstate reach the same status).
    check_transition(partnership, target, {s: (target,) for s in sources if target in PARTNERSHIP_TRANSITIONS[s]})
    before = snapshot(partnership)
    partnership.status = target
    if by_partner:
        partnership.decided_at = timezone.now()
        partnership.decided_by = None if isinstance(actor, str) else actor
        partnership.reason = reason
    partnership.save()
    audit_record(
        actor=actor,
        action=_AUDIT[PartnershipAction(action)],
        obj=partnership,
        before=before,
        after=snapshot(partnership),
        reason=reason,
        related=partnership.operator,
    )
    other = partnership.operator if by_partner else partnership.partner
    notify(
        recipients=_users(other),
        kind=_NOTIFICATIONS[PartnershipAction(action)],
        params=_params(partnership, reason),
        url=partnership.get_absolute_url(),
    )
    return partnership


def partnership_confirm(*, actor: Actor, partnership: Partnership, reason: str = "") -> Partnership:
    """The partner confirms a requested partnership: the operator's batches may name it."""
    return partnership_act(actor=actor, partnership=partnership, action=PartnershipAction.CONFIRM, reason=reason)


def partnership_refuse(*, actor: Actor, partnership: Partnership, reason: str) -> Partnership:
    """The partner refuses a requested partnership, with a reason."""
    return partnership_act(actor=actor, partnership=partnership, action=PartnershipAction.REFUSE, reason=reason)


def partnership_suspend(*, actor: Actor, partnership: Partnership, reason: str) -> Partnership:
    """The partner suspends a confirmed partnership, with a reason: batches may not name it meanwhile."""
    return partnership_act(actor=actor, partnership=partnership, action=PartnershipAction.SUSPEND, reason=reason)


def partnership_reinstate(*, actor: Actor, partnership: Partnership, reason: str = "") -> Partnership:
    """The partner puts a suspended partnership back in force."""
    return partnership_act(actor=actor, partnership=partnership, action=PartnershipAction.REINSTATE, reason=reason)


def partnership_withdraw(*, actor: Actor, partnership: Partnership, reason: str = "") -> Partnership:
    """The operator withdraws its request before the partner answers it."""
    return partnership_act(actor=actor, partnership=partnership, action=PartnershipAction.WITHDRAW, reason=reason)


@transaction.atomic
def partnership_ensure_confirmed(*, operator: EnterpriseFiling, partner: EnterpriseFiling, kind: str) -> Partnership:
    """A confirmed partnership between ``operator`` and ``partner``, made by the system if there is none.

    For test builders and bulk seeding, where the enterprises have no users at hand: requested and
    confirmed on the record like any other, by the system. Idempotent.
    """
    existing: Partnership | None = (
        Partnership.objects.filter(operator=operator, partner=partner, kind=kind).live().first()
    )
    if existing is not None and existing.status == PartnershipStatus.CONFIRMED:
        return existing
    actor = "system"
    if existing is None:
        existing = Partnership.objects.create(kind=kind, operator=operator, partner=partner)
        audit_record(actor=actor, action=AuditAction.CREATE, obj=existing, after=snapshot(existing), related=operator)
    before = snapshot(existing)
    existing.status = PartnershipStatus.CONFIRMED
    existing.decided_at = timezone.now()
    existing.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPROVE if before["status"] == PartnershipStatus.REQUESTED else AuditAction.REINSTATE,
        obj=existing,
        before=before,
        after=snapshot(existing),
        related=operator,
    )
    return existing

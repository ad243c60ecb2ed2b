"""Strict supervision of an enterprise: the competent bureau's decision, taken and lifted on the record.

「多次出现安全质量问题的跨境电商经营企业，应实施严格的检验监管措施」: a bureau administrator of the
enterprise's competent bureau (or of its parent direct bureau) places an approved or suspended
enterprise under strict supervision, or lifts it, each time with a reason. The decision is kept on
the filing (level, when, by whom, why), audited and notified to the enterprise's users. Its effect
is on declarations: every bonded batch of an enterprise under strict supervision is verified on site
(``imports.services.declarations``); the goods keep the tier their catalogues give.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cbec_supervision import handovers
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import may_review, require_reason, require_reviewer
from filings.choices import FilingStatus, SupervisionLevel
from filings.models import EnterpriseFiling

#: the statuses in which an enterprise is on record, so that its supervision level can be decided
SUPERVISABLE_STATUSES = (FilingStatus.APPROVED, FilingStatus.SUSPENDED)

_ACTIONS = {
    SupervisionLevel.STRICT: (AuditAction.PLACE_UNDER_STRICT_SUPERVISION, "enterprise_strict_supervision"),
    SupervisionLevel.NORMAL: (AuditAction.LIFT_STRICT_SUPERVISION, "enterprise_strict_supervision_lifted"),
}


def may_supervise(actor: Actor, filing: EnterpriseFiling) -> bool:
    """Whether ``actor`` may place ``filing`` under strict supervision or lift it (pages offer the button)."""
    return may_review(actor, filing.bureau, EnterpriseFiling.supervise_permission)


@transaction.atomic
def enterprise_supervision_set(*, actor: Actor, filing: EnterpriseFiling, level: str, reason: str) -> EnterpriseFiling:
    """Set the enterprise's supervision level (``normal``/``strict``), with a required reason.

    Only a bureau administrator of the competent bureau or of its parent direct bureau may
    (PermissionDenied otherwise; inspectors may not). Refused (ValidationError) for an unknown
    level, without a reason, on a filing that is not approved or suspended, and when the
    enterprise is already at that level. Audited and notified to the enterprise's users.
    """
    filing = EnterpriseFiling.objects.select_for_update().select_related("bureau").get(pk=filing.pk)
    require_reviewer(actor, filing.bureau, EnterpriseFiling.supervise_permission)
    if level not in _ACTIONS:
        raise ValidationError(
            {"level": [_("The supervision level is one of %(values)s.") % {"values": ", ".join(SupervisionLevel)}]}
        )
    reason = require_reason(reason)
    if filing.status not in SUPERVISABLE_STATUSES:
        raise ValidationError(
            {"status": [_("Only an approved or suspended enterprise filing can be placed under strict supervision.")]}
        )
    if filing.supervision_level == level:
        message = (
            _("The enterprise is already under strict supervision.")
            if level == SupervisionLevel.STRICT
            else _("The enterprise is not under strict supervision.")
        )
        raise ValidationError({"supervision_level": [message]})
    action, kind = _ACTIONS[SupervisionLevel(level)]
    before = snapshot(filing)
    filing.supervision_level = level
    filing.supervision_decided_at = timezone.now()
    filing.supervision_decided_by = None if isinstance(actor, str) else actor
    filing.supervision_reason = reason
    filing.save()
    audit_record(actor=actor, action=action, obj=filing, before=before, after=snapshot(filing), reason=reason)
    # Risk scores count the supervision level (risk monitoring receives it; see cbec_supervision.handovers).
    handovers.announce(
        handovers.SUPERVISION_LEVEL_CHANGED, actor=actor, subject=filing, enterprise=filing.pk, level=str(level)
    )
    notify(
        recipients=filing.users.filter(is_active=True),
        kind=kind,
        params={"name": filing.name, "reason": reason},
        url=filing.get_absolute_url(),
    )
    return filing


def enterprise_strict_supervision_place(*, actor: Actor, filing: EnterpriseFiling, reason: str) -> EnterpriseFiling:
    """Place the enterprise under strict supervision (see ``enterprise_supervision_set``)."""
    return enterprise_supervision_set(actor=actor, filing=filing, level=SupervisionLevel.STRICT, reason=reason)


def enterprise_strict_supervision_lift(*, actor: Actor, filing: EnterpriseFiling, reason: str) -> EnterpriseFiling:
    """Lift the enterprise's strict supervision (see ``enterprise_supervision_set``)."""
    return enterprise_supervision_set(actor=actor, filing=filing, level=SupervisionLevel.NORMAL, reason=reason)

"""The competent bureau's decisions on enterprise and product filings: one service, one table.

``filings.choices.FILING_DECISIONS`` says, for each action (approve, return, reject, suspend,
reinstate, revoke), from which statuses it may be taken, the status it leads to, whether a reason
is required, the notification the enterprise's users get and the action audited. Enterprise and
product filings are decided alike; they differ only in the bureau that is competent (the
enterprise's) and the numbering sequence of the filing number issued on first approval.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Bureau
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import check_transition, require_reason, require_reviewer
from filings.choices import (
    FILING_DECISIONS,
    FILING_TRANSITIONS,
    FilingDecision,
    FilingStatus,
    SequenceKind,
    filing_decision_for,
)
from filings.models import EnterpriseFiling, ProductFiling
from filings.services.numbering import filing_number_issue
from filings.services.prohibited import approval_refusal

Filing = TypeVar("Filing", EnterpriseFiling, ProductFiling)


def _locked(filing: Filing) -> Filing:
    """The filing re-read under a row lock, with its competent bureau."""
    if isinstance(filing, EnterpriseFiling):
        return EnterpriseFiling.objects.select_for_update().select_related("bureau").get(pk=filing.pk)
    # Lock the product row only: the enterprise is read, not changed.
    return ProductFiling.objects.select_for_update(of=("self",)).select_related("enterprise__bureau").get(pk=filing.pk)


def _competent_bureau(filing: EnterpriseFiling | ProductFiling) -> Bureau:
    return filing.bureau if isinstance(filing, EnterpriseFiling) else filing.enterprise.bureau


def _enterprise_of(filing: EnterpriseFiling | ProductFiling) -> EnterpriseFiling:
    return filing if isinstance(filing, EnterpriseFiling) else filing.enterprise


def _not_allowed(filing: EnterpriseFiling | ProductFiling, target: str) -> ValidationError:
    """The refusal ``check_transition`` gives, for a decision not open from the current status."""
    try:
        check_transition(filing, target, {})
    except ValidationError as exc:
        return exc
    raise AssertionError("check_transition allows nothing from an empty table")  # pragma: no cover


def _decide(actor: Actor, filing: Filing, reason: str, decision: FilingDecision | None, target: str) -> Filing:
    filing = _locked(filing)
    require_reviewer(actor, _competent_bureau(filing), type(filing).review_permission)
    if decision is None:
        # Asked by target status (the wrappers): the decision follows from where the filing is now.
        check_transition(filing, target, FILING_TRANSITIONS)
        decision = filing_decision_for(filing.status, target)
        if decision is None:  # submitting is the enterprise's move, not a decision
            raise _not_allowed(filing, target)
    elif filing.status not in decision.sources:
        raise _not_allowed(filing, decision.target)
    if decision.target == FilingStatus.APPROVED and isinstance(filing, ProductFiling):
        refusal = approval_refusal(filing)  # rules 1 and 7: prohibited goods, CCC certificate
        if refusal:
            raise ValidationError(refusal)
    if decision.reason_required:
        reason = require_reason(reason)
    reason = (reason or "").strip()
    before = snapshot(filing)
    filing.status = decision.target
    filing.decided_at = timezone.now()
    filing.decided_by = None if isinstance(actor, str) else actor
    filing.decision_reason = reason
    is_enterprise = isinstance(filing, EnterpriseFiling)
    if decision.target == FilingStatus.APPROVED and not filing.filing_no:
        filing.filing_no = filing_number_issue(
            bureau=_competent_bureau(filing),
            kind=SequenceKind.ENTERPRISE if is_enterprise else SequenceKind.PRODUCT,
        )
    filing.save()
    audit_record(
        actor=actor, action=decision.audit_action, obj=filing, before=before, after=snapshot(filing), reason=reason
    )
    enterprise = _enterprise_of(filing)
    notify(
        recipients=enterprise.users.filter(is_active=True),
        kind=decision.notification_kind("enterprise" if is_enterprise else "product"),
        params={"name": filing.name, "filing_no": filing.filing_no or "", "reason": reason},
        url=filing.get_absolute_url(),
    )
    return filing


@transaction.atomic
def filing_decide(*, actor: Actor, filing: Filing, action: str, reason: str = "") -> Filing:
    """Take the decision ``action`` (a ``FilingAction``) on an enterprise or product filing.

    Only staff of the competent bureau (or of its parent direct bureau) may decide
    (PermissionDenied otherwise). A decision not open from the filing's status, or one needing a
    reason given none, raises ValidationError and changes nothing. The first approval issues the
    filing number. The decision is audited and the enterprise's users are notified.
    """
    decision = FILING_DECISIONS.get(action)
    if decision is None:
        raise ValidationError({"action": [_("Unknown decision %(action)s.") % {"action": action}]})
    return _decide(actor, filing, reason, decision, decision.target)


@transaction.atomic
def filing_decide_status(*, actor: Actor, filing: Filing, status: str, reason: str = "") -> Filing:
    """The decision that moves ``filing`` to ``status`` from where it is now (approve or reinstate
    both lead to approved): the same service as ``filing_decide``, asked by target status."""
    return _decide(actor, filing, reason, None, status)

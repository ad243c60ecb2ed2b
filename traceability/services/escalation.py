"""Escalation to strict supervision (services): an enterprise with confirmed quality problems in
``CBEC_ESCALATION_THRESHOLD`` (2) or more closed investigations within ``CBEC_ESCALATION_WINDOW_DAYS``
(365) days is proposed for strict supervision; the administrator of its competent bureau confirms the
proposal, which takes the filing's strict-supervision decision (``filings.services``; every bonded batch
of the enterprise is then verified on site until the decision is lifted), or dismisses it with a reason.

``escalation_check`` is set-based (one aggregate query over the closed investigations) and runs daily
(celery beat); ``escalation_check_for`` is what the investigation-close service calls. An enterprise
already under strict supervision, or with an open proposal, is not proposed again; nor is one whose
last decided proposal came after the latest investigation counted. Every write is audited in its
transaction; the competent bureau's administrators are told through the in-app inbox.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import require_reason
from filings.choices import SupervisionLevel
from filings.models import EnterpriseFiling
from filings.services.supervision import (
    SUPERVISABLE_STATUSES,
    enterprise_strict_supervision_place,
    may_supervise,
)
from traceability.choices import InvestigationStatus, ProposalStatus
from traceability.models import Investigation, StrictSupervisionProposal

SYSTEM_ACTOR = "task:traceability.escalation_check"


def threshold() -> int:
    """How many closed investigations with confirmed quality problems make a proposal."""
    return max(1, int(getattr(settings, "CBEC_ESCALATION_THRESHOLD", 2)))


def window_days() -> int:
    """Within how many days (before now) those investigations were closed."""
    return max(1, int(getattr(settings, "CBEC_ESCALATION_WINDOW_DAYS", 365)))


def counted_investigations(now: dt.datetime | None = None) -> QuerySet[Investigation]:
    """Closed investigations that confirmed a quality problem of their responsible enterprise, closed
    within the window."""
    now = now or timezone.now()
    return Investigation.objects.filter(
        status=InvestigationStatus.CLOSED,
        quality_problem_confirmed=True,
        responsible_enterprise__isnull=False,
        closed_at__gt=now - dt.timedelta(days=window_days()),
        closed_at__lte=now,
    )


def _admins_for(filing: EnterpriseFiling) -> QuerySet[User]:
    """The bureau administrators competent for ``filing``: of its bureau and of its parent direct bureau."""
    bureau_ids = [filing.bureau_id, filing.bureau.parent_id] if filing.bureau_id else []
    admins: QuerySet[User] = User.objects.filter(
        role=Role.BUREAU_ADMIN, bureau_id__in=[b for b in bureau_ids if b], is_active=True
    ).order_by("pk")
    return admins


@transaction.atomic
def escalation_check(
    enterprise_ids: Iterable[int] | None = None, *, actor: Actor = SYSTEM_ACTOR, now: dt.datetime | None = None
) -> list[StrictSupervisionProposal]:
    """Propose for strict supervision every enterprise (of ``enterprise_ids``, else all) that reached the
    threshold within the window, is on record (approved or suspended), is not under strict supervision
    already and has no open proposal; return the proposals created."""
    now = now or timezone.now()
    counted = counted_investigations(now)
    if enterprise_ids is not None:
        ids = sorted({int(pk) for pk in enterprise_ids})
        if not ids:
            return []
        counted = counted.filter(responsible_enterprise_id__in=ids)
    rows = (
        counted.filter(
            responsible_enterprise__status__in=SUPERVISABLE_STATUSES,
            responsible_enterprise__supervision_level=SupervisionLevel.NORMAL,
        )
        .order_by()
        .values("responsible_enterprise")
        .annotate(n=Count("pk"), latest=Max("closed_at"))
        .filter(n__gte=threshold())
    )
    latest = {row["responsible_enterprise"]: row["latest"] for row in rows}
    if not latest:
        return []
    # Lock the filings so that two checks at once propose each enterprise once.
    filings = {
        f.pk: f
        for f in EnterpriseFiling.objects.select_for_update(of=("self",))
        .select_related("bureau")
        .filter(pk__in=latest, supervision_level=SupervisionLevel.NORMAL)
        .order_by("pk")
    }
    decisions = StrictSupervisionProposal.objects.filter(enterprise_id__in=filings).order_by().values("enterprise")
    open_ids = set(decisions.filter(status=ProposalStatus.PROPOSED).values_list("enterprise", flat=True))
    last_decided = {
        row["enterprise"]: row["last"]
        for row in decisions.exclude(status=ProposalStatus.PROPOSED).annotate(last=Max("decided_at"))
    }
    due = [
        pk for pk in filings if pk not in open_ids and (last_decided.get(pk) is None or last_decided[pk] < latest[pk])
    ]
    if not due:
        return []
    by_enterprise: dict[int, list[int]] = {}
    for inv_pk, ent_pk in counted.filter(responsible_enterprise_id__in=due).values_list(
        "pk", "responsible_enterprise_id"
    ):
        by_enterprise.setdefault(ent_pk, []).append(inv_pk)
    created = StrictSupervisionProposal.objects.bulk_create(
        [StrictSupervisionProposal(enterprise_id=pk, proposed_at=now) for pk in due]
    )
    through = StrictSupervisionProposal.investigations.through
    through.objects.bulk_create(
        [
            through(strictsupervisionproposal_id=proposal.pk, investigation_id=inv_pk)
            for proposal in created
            for inv_pk in by_enterprise.get(proposal.enterprise_id, [])
        ]
    )
    for proposal in created:
        filing = filings[proposal.enterprise_id]
        count = len(by_enterprise.get(filing.pk, []))
        audit_record(actor=actor, action=AuditAction.CREATE, obj=proposal, after=snapshot(proposal), related=filing)
        notify(
            recipients=_admins_for(filing),
            kind="strict_supervision_proposed",
            params={"name": filing.name, "count": count, "days": window_days()},
            url=proposal.get_absolute_url(),
        )
    return created


def escalation_check_for(
    enterprise: EnterpriseFiling | int | None, *, actor: Actor = SYSTEM_ACTOR
) -> StrictSupervisionProposal | None:
    """Check one enterprise (the investigation-close service calls it with the responsible enterprise);
    return the proposal created, if any."""
    if enterprise is None:
        return None
    pk = enterprise if isinstance(enterprise, int) else enterprise.pk
    created = escalation_check([pk], actor=actor)
    return created[0] if created else None


def may_decide(actor: Actor, proposal: StrictSupervisionProposal) -> bool:
    """An open proposal is decided by a bureau administrator of the enterprise's competent bureau (or of
    its parent direct bureau): who may take the strict-supervision decision."""
    return proposal.is_open and not isinstance(actor, str) and may_supervise(actor, proposal.enterprise)


def _locked(proposal: StrictSupervisionProposal, actor: Actor) -> StrictSupervisionProposal:
    proposal = (
        StrictSupervisionProposal.objects.select_for_update(of=("self",))
        .select_related("enterprise__bureau")
        .get(pk=proposal.pk)
    )
    if isinstance(actor, str) or not may_supervise(actor, proposal.enterprise):
        raise PermissionDenied(_("Only an administrator of the enterprise's competent bureau may decide on this."))
    if not proposal.is_open:
        raise ValidationError({"status": [_("This proposal was already decided.")]})
    return proposal


def _default_reason(proposal: StrictSupervisionProposal) -> str:
    cases = ", ".join(proposal.investigations.order_by("closed_at", "pk").values_list("case_no", flat=True))
    return _("Confirmed quality problems in closed investigations within %(days)d days: %(cases)s") % {
        "days": window_days(),
        "cases": cases,
    }


@transaction.atomic
def proposal_confirm(
    *, actor: Actor, proposal: StrictSupervisionProposal, reason: str = ""
) -> StrictSupervisionProposal:
    """Confirm the proposal: the enterprise is placed under strict supervision through the filing's
    decision (with ``reason``, else one naming the investigations counted)."""
    proposal = _locked(proposal, actor)
    reason = (reason or "").strip() or _default_reason(proposal)
    before = snapshot(proposal)
    enterprise_strict_supervision_place(actor=actor, filing=proposal.enterprise, reason=reason)
    proposal.status = ProposalStatus.CONFIRMED
    proposal.decided_by = None if isinstance(actor, str) else actor
    proposal.decided_at = timezone.now()
    proposal.reason = reason
    proposal.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPROVE,
        obj=proposal,
        before=before,
        after=snapshot(proposal),
        reason=reason,
        related=proposal.enterprise,
    )
    return proposal


@transaction.atomic
def proposal_dismiss(*, actor: Actor, proposal: StrictSupervisionProposal, reason: str) -> StrictSupervisionProposal:
    """Dismiss the proposal, with a required reason; the enterprise's supervision level is unchanged."""
    proposal = _locked(proposal, actor)
    reason = require_reason(reason)
    before = snapshot(proposal)
    proposal.status = ProposalStatus.DISMISSED
    proposal.decided_by = None if isinstance(actor, str) else actor
    proposal.decided_at = timezone.now()
    proposal.reason = reason
    proposal.save()
    audit_record(
        actor=actor,
        action=AuditAction.REJECT,
        obj=proposal,
        before=before,
        after=snapshot(proposal),
        reason=reason,
        related=proposal.enterprise,
    )
    return proposal

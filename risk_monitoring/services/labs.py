"""Third-party results accepted or verified, and the trust record of each lab (第三方检验结果验证).

At an on-site verification or a product review, an inspector either accepts a third-party report
filed with the product, or orders a verification sampling of the same product. Each decision is a
``LabCheck`` against the report's lab (matched or created by name): ``accepted``, or, once the
verification sampling's results are in, ``consistent`` (its verdict agrees with the report's) or
``inconsistent``. A lab with an inconsistent verification in the last 12 months is "verify only":
accepting its reports is refused until a bureau administrator restores its trust, with a reason.
Every write is audited, in its transaction (a check on the lab's history).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.workflow import require_reason
from filings.models import ProductTestReport
from risk_monitoring.choices import LabCheckContext, LabCheckOutcome, SamplingPurpose, SamplingVerdict
from risk_monitoring.models import Lab, LabCheck, Sampling
from risk_monitoring.services.samplings import lab_for_name, sampling_create


def _inspector(actor: Actor) -> User | None:
    if isinstance(actor, str):
        return None
    if not actor.is_bureau_staff:
        raise PermissionDenied(_("Only bureau staff weigh third-party reports."))
    return actor


def accept_refusal(report: ProductTestReport) -> str:
    """Why ``report`` may not be accepted now ("" when it may): its lab is verify only."""
    lab = Lab.objects.filter(name_key=Lab.key_of(report.lab)).first()
    if lab is not None and lab.verify_only:
        return _(
            "The reports of %(lab)s are verified, not accepted: it had an inconsistent verification in the "
            "last 12 months. Order a verification sampling (report %(no)s)."
        ) % {"lab": lab.name, "no": report.report_no}
    return ""


def _record(
    actor: Actor,
    *,
    lab: Lab,
    report: ProductTestReport | None,
    product_id: int,
    outcome: str,
    context: str,
    sampling: Sampling | None = None,
    verification_task_id: int | None = None,
    note: str = "",
) -> LabCheck:
    user = None if isinstance(actor, str) else actor
    check = LabCheck.objects.create(
        lab=lab,
        product_id=product_id,
        report=report,
        outcome=outcome,
        context=context,
        sampling=sampling,
        verification_task_id=verification_task_id,
        bureau=user.bureau if user is not None else (sampling.bureau if sampling is not None else None),
        decided_by=user,
        decided_at=timezone.now(),
        note=note,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=check, after=snapshot(check), related=lab)
    return check


@transaction.atomic
def lab_reports_accept(
    *,
    actor: Actor,
    reports: Sequence[ProductTestReport],
    context: str,
    verification_task_id: int | None = None,
    note: str = "",
) -> list[LabCheck]:
    """Accept third-party reports as they are: one ``accepted`` check per report against its lab.

    Refused as a whole (ValidationError ``{"accepted_reports": [...]}``) when a report's lab is verify
    only. On-site verification (imports) calls this inside its decision's transaction.
    """
    _inspector(actor)
    if context not in LabCheckContext.values:
        raise ValidationError({"context": [_("One of %(values)s.") % {"values": ", ".join(LabCheckContext.values)}]})
    refusals = [reason for reason in (accept_refusal(report) for report in reports) if reason]
    if refusals:
        raise ValidationError({"accepted_reports": refusals})
    return [
        _record(
            actor,
            lab=lab_for_name(report.lab),
            report=report,
            product_id=report.product_id,
            outcome=LabCheckOutcome.ACCEPTED,
            context=context,
            verification_task_id=verification_task_id,
            note=(note or "").strip(),
        )
        for report in reports
    ]


@transaction.atomic
def lab_verification_order(
    *, actor: Actor, report: ProductTestReport, channel: str, note: str = "", lab: str = ""
) -> Sampling:
    """Order a verification sampling of the report's product: a planned sampling linked to the report,
    taken and tested like any other; its verdict, once entered, is compared with the report's."""
    _inspector(actor)
    return sampling_create(
        actor=actor,
        channel=channel,
        product=report.product_id,
        purpose=SamplingPurpose.VERIFICATION,
        report=report,
        planned=True,
        lab=lab,
        note=note,
    )


def lab_check_from_verification(*, actor: Actor, sampling: Sampling) -> LabCheck | None:
    """Record (or, results corrected, update) the outcome of a verification sampling against the
    verified report's lab: consistent when the verdicts agree. Called by ``sampling_enter_results``
    in its transaction; nothing while the verdict is pending."""
    report = sampling.report
    if report is None or sampling.verdict == SamplingVerdict.PENDING:
        return None
    outcome = LabCheckOutcome.CONSISTENT if sampling.verdict == report.verdict else LabCheckOutcome.INCONSISTENT
    existing = LabCheck.objects.select_for_update().filter(sampling=sampling).first()
    if existing is None:
        return _record(
            actor,
            lab=lab_for_name(report.lab),
            report=report,
            product_id=sampling.product_id,
            outcome=outcome,
            context=LabCheckContext.PRODUCT_REVIEW,
            sampling=sampling,
        )
    if existing.outcome != outcome:
        before = snapshot(existing)
        existing.outcome = outcome
        existing.decided_at = timezone.now()
        existing.save(update_fields=["outcome", "decided_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=existing,
            before=before,
            after=snapshot(existing),
            reason=_("The results of sampling %(no)s were corrected.") % {"no": sampling.sampling_no},
            related=existing.lab,
        )
    return existing


def may_restore(actor: Actor) -> bool:
    """Bureau administrators (and headquarters) restore a lab's trust."""
    if isinstance(actor, str):
        return True
    return actor.is_hq or (actor.role == Role.BUREAU_ADMIN and actor.is_bureau_staff)


@transaction.atomic
def lab_trust_restore(*, actor: Actor, lab: Lab, reason: str) -> Lab:
    """A bureau administrator restores a verify-only lab's trust, with a reason: its reports may be
    accepted again (until its next inconsistent verification). Audited."""
    if not may_restore(actor):
        raise PermissionDenied(_("Only a bureau administrator restores a lab's trust."))
    reason = require_reason(reason)
    lab = Lab.objects.select_for_update().get(pk=lab.pk)
    if not lab.verify_only:
        raise ValidationError({"lab": [_("This lab's reports may be accepted already: there is nothing to restore.")]})
    before = snapshot(lab)
    lab.trust_restored_at = timezone.now()
    lab.trust_restored_by = None if isinstance(actor, str) else actor
    lab.trust_restored_reason = reason
    lab.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=lab, before=before, after=snapshot(lab), reason=reason)
    return lab

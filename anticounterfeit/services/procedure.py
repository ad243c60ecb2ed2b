"""The steps of a counterfeit case from investigation to closing (issue 12): submission for review, the
review (or return), the notice and hearing, the decision, service, enforcement, transfer to the
judiciary and closing. Each is taken by the person whose duty it is (``case_support``), writes its
document and moves the case; a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from anticounterfeit.choices import (
    CASE_TRANSITIONS,
    HEARING_REQUEST_DAYS,
    MIN_HANDLERS,
    CaseDocumentKind,
    CaseDuty,
    CaseStatus,
    DecisionKind,
    ServiceMethod,
)
from anticounterfeit.duties import may_manage
from anticounterfeit.models import (
    CounterfeitCase,
    Evidence,
)
from anticounterfeit.services.case_support import (
    _NUMBER_LIMIT,
    _active,
    _advance,
    _check_upload,
    _document,
    _fail,
    _flag,
    _hearing_period_over,
    _locked,
    _moment,
    _money,
    _person,
    _quantity,
    _step_inputs,
    _text,
    case_duties,
    removes_stored_files_on_error,
)
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.workflow import check_transition


def _require_handler(case: CounterfeitCase, user: User, message: str) -> None:
    if CaseDuty.HANDLER not in case_duties(case, user)[0]:
        raise PermissionDenied(message)


def _current_evidence_count(case: CounterfeitCase) -> int:
    return Evidence.objects.filter(case=case).current().count()


@removes_stored_files_on_error
@transaction.atomic
def case_submit_for_review(
    *, actor: Actor, case: CounterfeitCase, report_text: str, number: str = "", upload: UploadedFile | None = None
) -> CounterfeitCase:
    """Submit the investigation report for review: an active handler. The case needs at least
    ``MIN_HANDLERS`` active handlers, at least one item of current evidence and an assigned reviewer.
    Audited."""
    user = _person(actor)
    case = _locked(case)
    _require_handler(case, user, _("Only the case's handlers submit it for review."))
    check_transition(case, CaseStatus.REVIEW, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    report_text, number, checked = _step_inputs(report_text, number, upload, errors, text_field="report_text")
    _fail(errors)
    if len(_active(case, CaseDuty.HANDLER)) < MIN_HANDLERS:
        errors["assignments"] = [
            _("At least %(count)d officers investigate a case: assign another handler.") % {"count": MIN_HANDLERS}
        ]
    if not _active(case, CaseDuty.REVIEWER):
        errors.setdefault("assignments", []).append(_("Assign a reviewer first."))
    if not _current_evidence_count(case):
        errors["evidence"] = [_("The case holds no evidence yet.")]
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.REVIEW,
        action=AuditAction.SUBMIT,
        document=(CaseDocumentKind.INVESTIGATION_REPORT, report_text, number, upload, checked),
        values={"submitted_for_review_at": timezone.now()},
    )


def _require_reviewer(case: CounterfeitCase, user: User) -> None:
    now, ever = case_duties(case, user)
    if CaseDuty.REVIEWER not in now or CaseDuty.HANDLER in ever:
        raise PermissionDenied(_("Only the case's reviewer, who never handled it, reviews it."))


@removes_stored_files_on_error
@transaction.atomic
def case_review(
    *, actor: Actor, case: CounterfeitCase, opinion: str, number: str = "", upload: UploadedFile | None = None
) -> CounterfeitCase:
    """Complete the review with an opinion (审理意见): the active reviewer. The case moves to the notice of
    the proposed penalty. Audited."""
    user = _person(actor)
    case = _locked(case)
    _require_reviewer(case, user)
    check_transition(case, CaseStatus.NOTICE, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    opinion, number, checked = _step_inputs(opinion, number, upload, errors, text_field="opinion")
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.NOTICE,
        action=AuditAction.REVIEW,
        document=(CaseDocumentKind.REVIEW_OPINION, opinion, number, upload, checked),
        values={"reviewed_at": timezone.now(), "reviewed_by": user},
    )


@removes_stored_files_on_error
@transaction.atomic
def case_return(
    *, actor: Actor, case: CounterfeitCase, reason: str, number: str = "", upload: UploadedFile | None = None
) -> CounterfeitCase:
    """Return the case for further investigation, with the reason: the active reviewer. Audited."""
    user = _person(actor)
    case = _locked(case)
    _require_reviewer(case, user)
    check_transition(case, CaseStatus.INVESTIGATING, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    reason, number, checked = _step_inputs(reason, number, upload, errors, text_field="reason")
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.INVESTIGATING,
        action=AuditAction.RETURN,
        document=(CaseDocumentKind.REVIEW_RETURN, reason, number, upload, checked),
        reason=reason,
    )


# --- notice and hearing ----------------------------------------------------------------------------


@removes_stored_files_on_error
@transaction.atomic
def case_record_notice(
    *,
    actor: Actor,
    case: CounterfeitCase,
    served_at: Any,
    text: str,
    hearing_requested: Any = False,
    hearing_waived: Any = False,
    number: str = "",
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Record the notice of the proposed penalty served on the party (行政处罚告知书), with whether the
    party asked for a hearing or waived it: a handler, once, while the case is at the notice. The decision
    then waits for the hearing, or for ``HEARING_REQUEST_DAYS`` unless the hearing was waived. Audited."""
    user = _person(actor)
    case = _locked(case)
    _require_handler(case, user, _("Only the case's handlers record the notice."))
    if case.status != CaseStatus.NOTICE:
        raise ValidationError({"status": [_("The notice is recorded once the review is complete.")]})
    if case.notice_served_at is not None:
        raise ValidationError({"status": [_("The notice has been recorded already.")]})
    errors: dict[str, list[str]] = {}
    text, number, checked = _step_inputs(text, number, upload, errors)
    moment = _moment(served_at, "served_at", errors)
    requested, waived = _flag(hearing_requested), _flag(hearing_waived)
    if requested and waived:
        errors["hearing_waived"] = [_("A hearing is either requested or waived, not both.")]
    _fail(errors)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.PENALTY_NOTICE, text, number, upload, checked)
    case.notice_served_at = moment
    case.hearing_requested = requested
    case.hearing_waived = waived
    case.save(update_fields=["notice_served_at", "hearing_requested", "hearing_waived", "updated_at"])
    audit_record(actor=user, action=AuditAction.UPDATE, obj=case, before=before, after=snapshot(case))
    return case


@removes_stored_files_on_error
@transaction.atomic
def case_record_hearing(
    *,
    actor: Actor,
    case: CounterfeitCase,
    held_at: Any,
    text: str,
    number: str = "",
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Record the hearing the party asked for (听证笔录): a handler, once. Audited."""
    user = _person(actor)
    case = _locked(case)
    _require_handler(case, user, _("Only the case's handlers record the hearing."))
    if case.status != CaseStatus.NOTICE or case.notice_served_at is None:
        raise ValidationError({"status": [_("Record the notice first.")]})
    if not case.hearing_requested:
        raise ValidationError({"status": [_("The party did not ask for a hearing.")]})
    if case.hearing_held_at is not None:
        raise ValidationError({"status": [_("The hearing has been recorded already.")]})
    errors: dict[str, list[str]] = {}
    text, number, checked = _step_inputs(text, number, upload, errors)
    moment = _moment(held_at, "held_at", errors)
    if moment is not None and moment < case.notice_served_at:
        errors["held_at"] = [_("The hearing follows the notice.")]
    _fail(errors)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.HEARING_RECORD, text, number, upload, checked)
    case.hearing_held_at = moment
    case.save(update_fields=["hearing_held_at", "updated_at"])
    audit_record(actor=user, action=AuditAction.UPDATE, obj=case, before=before, after=snapshot(case))
    return case


# --- decision and after ----------------------------------------------------------------------------


@removes_stored_files_on_error
@transaction.atomic
def case_decide(
    *,
    actor: Actor,
    case: CounterfeitCase,
    decision_kind: str,
    decision_no: str,
    text: str,
    fine_amount_cny: Any = None,
    illegal_gains_cny: Any = None,
    goods_value_cny: Any = None,
    confiscated_quantity: Any = None,
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Record the penalty decision (处罚决定): the active deciding officer, who never handled nor reviewed
    the case. Refused without current evidence, without a completed review, before the notice was served,
    before the hearing the party asked for, or (hearing not waived) before ``HEARING_REQUEST_DAYS`` have
    passed since the notice. A penalty names a fine or what was confiscated. Audited."""
    user = _person(actor)
    case = _locked(case)
    now, ever = case_duties(case, user)
    if CaseDuty.DECIDER not in now or ever - {CaseDuty.DECIDER}:
        raise PermissionDenied(_("Only the case's deciding officer, who neither handled nor reviewed it, decides."))
    check_transition(case, CaseStatus.DECIDED, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    if decision_kind not in DecisionKind.values:
        errors["decision_kind"] = [_("One of %(values)s.") % {"values": ", ".join(DecisionKind.values)}]
    decision_no = _text(decision_no, "decision_no", errors, required=True, limit=_NUMBER_LIMIT)
    text = _text(text, "text", errors, required=True)
    checked = _check_upload(upload, errors)
    fine = _money(fine_amount_cny, "fine_amount_cny", errors)
    gains = _money(illegal_gains_cny, "illegal_gains_cny", errors)
    goods = _money(goods_value_cny, "goods_value_cny", errors)
    quantity = _quantity(confiscated_quantity, "confiscated_quantity", errors)
    if decision_kind == DecisionKind.PENALTY and not errors and not (fine or gains or quantity):
        errors["fine_amount_cny"] = [_("A penalty names a fine, the illegal gains or the goods confiscated.")]
    _fail(errors)
    if not _current_evidence_count(case):
        errors["evidence"] = [_("A decision needs evidence: the case holds none.")]
    kinds = set(case.documents.values_list("kind", flat=True))
    if CaseDocumentKind.REVIEW_OPINION not in kinds or case.reviewed_at is None:
        errors["status"] = [_("A decision needs a completed review.")]
    elif case.notice_served_at is None or CaseDocumentKind.PENALTY_NOTICE not in kinds:
        errors["status"] = [_("Serve the notice of the proposed penalty first.")]
    elif case.hearing_requested and case.hearing_held_at is None:
        errors["status"] = [_("The party asked for a hearing: hold it first.")]
    elif not case.hearing_requested and not case.hearing_waived and not _hearing_period_over(case):
        errors["status"] = [
            _("The party has %(days)d days from the notice to ask for a hearing: decide after %(date)s.")
            % {
                "days": HEARING_REQUEST_DAYS,
                "date": timezone.localtime(case.notice_served_at + dt.timedelta(days=HEARING_REQUEST_DAYS)).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            }
        ]
    _fail(errors)
    values = {
        "decision_kind": decision_kind,
        "decision_no": decision_no,
        "decided_at": timezone.now(),
        "decided_by": user,
        "fine_amount_cny": fine,
        "illegal_gains_cny": gains,
        "goods_value_cny": case.goods_value_cny if goods is None else goods,
        "confiscated_quantity": quantity,
    }
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.DECIDED,
        action=AuditAction.DECIDE,
        document=(CaseDocumentKind.DECISION, text, decision_no, upload, checked),
        values=values,
    )


@removes_stored_files_on_error
@transaction.atomic
def case_record_service(
    *,
    actor: Actor,
    case: CounterfeitCase,
    served_at: Any,
    method: str,
    text: str,
    number: str = "",
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Record the service of the decision on the party (送达回证): a handler. Audited."""
    user = _person(actor)
    case = _locked(case)
    _require_handler(case, user, _("Only the case's handlers record the service."))
    check_transition(case, CaseStatus.SERVED, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    text, number, checked = _step_inputs(text, number, upload, errors)
    moment = _moment(served_at, "served_at", errors)
    if method not in ServiceMethod.values:
        errors["method"] = [_("One of %(values)s.") % {"values": ", ".join(ServiceMethod.values)}]
    if moment is not None and case.decided_at is not None and moment < case.decided_at - dt.timedelta(minutes=5):
        errors["served_at"] = [_("The service follows the decision.")]
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.SERVED,
        action=AuditAction.SERVE,
        document=(CaseDocumentKind.SERVICE_RECEIPT, text, number, upload, checked),
        values={"served_at": moment, "service_method": method},
    )


@removes_stored_files_on_error
@transaction.atomic
def case_record_enforcement(
    *,
    actor: Actor,
    case: CounterfeitCase,
    fine_paid_cny: Any,
    text: str,
    number: str = "",
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Record the enforcement of a penalty (执行): the fine paid, the goods confiscated or destroyed; a
    handler. A decision of no penalty has nothing to enforce. Audited."""
    user = _person(actor)
    case = _locked(case)
    _require_handler(case, user, _("Only the case's handlers record the enforcement."))
    check_transition(case, CaseStatus.ENFORCEMENT, CASE_TRANSITIONS)
    if case.decision_kind != DecisionKind.PENALTY:
        raise ValidationError({"status": [_("A decision of no penalty has nothing to enforce: close the case.")]})
    errors: dict[str, list[str]] = {}
    text, number, checked = _step_inputs(text, number, upload, errors)
    paid = _money(fine_paid_cny, "fine_paid_cny", errors)
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.ENFORCEMENT,
        action=AuditAction.UPDATE,
        document=(CaseDocumentKind.ENFORCEMENT_RECORD, text, number, upload, checked),
        values={"fine_paid_cny": paid, "enforced_at": timezone.now()},
    )


@removes_stored_files_on_error
@transaction.atomic
def case_transfer(
    *,
    actor: Actor,
    case: CounterfeitCase,
    transferred_to: str,
    text: str,
    number: str = "",
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Transfer the case to the judiciary (移送司法机关), from investigation up to the decision: an
    administrator of the case's bureau or its deciding officer. Audited."""
    user = _person(actor)
    case = _locked(case)
    now, _ever = case_duties(case, user)
    if not (may_manage(case, user) or CaseDuty.DECIDER in now):
        raise PermissionDenied(_("Only the case's bureau administrators or its deciding officer transfer it."))
    check_transition(case, CaseStatus.TRANSFERRED, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    text, number, checked = _step_inputs(text, number, upload, errors)
    transferred_to = _text(transferred_to, "transferred_to", errors, required=True, limit=200)
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.TRANSFERRED,
        action=AuditAction.TRANSFER,
        document=(CaseDocumentKind.TRANSFER_LETTER, text, number, upload, checked),
        values={"transferred_to": transferred_to, "transferred_at": timezone.now()},
    )


@removes_stored_files_on_error
@transaction.atomic
def case_close(
    *, actor: Actor, case: CounterfeitCase, summary: str, number: str = "", upload: UploadedFile | None = None
) -> CounterfeitCase:
    """Close the case with its closing report (结案报告): a handler or an administrator of its bureau; after
    the enforcement, after a transfer, or once a decision of no penalty was served. Audited."""
    user = _person(actor)
    case = _locked(case)
    if not (may_manage(case, user) or CaseDuty.HANDLER in case_duties(case, user)[0]):
        raise PermissionDenied(_("Only the case's handlers or its bureau's administrators close it."))
    check_transition(case, CaseStatus.CLOSED, CASE_TRANSITIONS)
    if case.status == CaseStatus.SERVED and case.decision_kind == DecisionKind.PENALTY:
        raise ValidationError({"status": [_("Record the enforcement of the penalty before closing the case.")]})
    errors: dict[str, list[str]] = {}
    summary, number, checked = _step_inputs(summary, number, upload, errors, text_field="summary")
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.CLOSED,
        action=AuditAction.CLOSE,
        document=(CaseDocumentKind.CLOSING_REPORT, summary, number, upload, checked),
        values={"closed_at": timezone.now(), "closed_by": user},
    )

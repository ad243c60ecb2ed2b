"""Counterfeit cases run by the book (issue 12): opening (proposal, approval or refusal), the people and
their duties, investigation, review, notice and hearing, the penalty decision, service, enforcement,
closing, and transfer to the judiciary.

- Separation of duties: a person holds one duty on a case, now and ever (``CaseAssignment`` keeps
  ended assignments), so a former handler never reviews nor decides, a reviewer never decides; one
  active reviewer and one active deciding officer at a time; the opening is approved by an
  administrator of the case's bureau who neither proposed nor handles it.
- Every step writes its procedure document (``CaseDocument``: text, number, optional signed copy with its
  SHA-256) and the case must then hold the documents ``REQUIRED_DOCUMENTS`` names for its new status.
- Every write locks the case, is audited in its transaction (a part, such as a document or an
  assignment, with ``related=case``); a refusal changes nothing. ValidationError per field,
  PermissionDenied for the wrong person.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Bureau, User
from anticounterfeit.choices import (
    CASE_OPEN,
    CASE_TRANSITIONS,
    CaseDocumentKind,
    CaseDuty,
    CaseStatus,
    LeadStatus,
)
from anticounterfeit.duties import may_manage
from anticounterfeit.models import (
    CaseAssignment,
    CaseSequence,
    CounterfeitCase,
    CounterfeitLead,
    RightsHolder,
)
from anticounterfeit.services.case_support import (
    _NUMBER_LIMIT,
    _TITLE_LIMIT,
    _active,
    _advance,
    _assignments,
    _check_documents,
    _check_upload,
    _document,
    _fail,
    _ids,
    _is_proposer,
    _locked,
    _money,
    _move,
    _person,
    _pk,
    _step_inputs,
    _text,
    case_duties,
    may_create,
    removes_stored_files_on_error,
)
from anticounterfeit.services.lead_merge import lead_merge
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.workflow import check_transition
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.models import RiskSignal
from traceability.models import Investigation


def case_number_issue(*, bureau: Bureau) -> str:
    """The next case number of ``bureau`` this year: ``<code><year>AC<6 digits>``. Locks the row; numbers
    are never reused."""
    year, number = CaseSequence.issue_number(bureau)
    return f"{bureau.code}{year}AC{number:06d}"


# --- links -----------------------------------------------------------------------------------------


def _approved_enterprise(value: Any, field: str, errors: dict[str, list[str]]) -> EnterpriseFiling | None:
    if value is None or value == "":
        return None
    ids = _ids([value], field, errors)
    if not ids:
        return None
    filing = EnterpriseFiling.objects.filter(pk=ids[0], status=FilingStatus.APPROVED).first()
    if filing is None:
        errors[field] = [_("Name an approved enterprise filing.")]
    return filing


def _link_rows(
    user: User,
    *,
    products: Any = (),
    enterprises: Any = (),
    signals: Any = (),
    investigations: Any = (),
    rights_holders: Any = (),
    errors: dict[str, list[str]],
) -> dict[str, list]:
    """The records to link, checked: approved filings, signals, investigations and rights holders the
    user may see."""
    sources = {
        "products": ProductFiling.objects.filter(status=FilingStatus.APPROVED),
        "enterprises": EnterpriseFiling.objects.filter(status=FilingStatus.APPROVED),
        "signals": RiskSignal.objects.visible_to(user),
        "investigations": Investigation.objects.visible_to(user),
        "rights_holders": RightsHolder.objects.visible_to(user),
    }
    wanted = {
        "products": products,
        "enterprises": enterprises,
        "signals": signals,
        "investigations": investigations,
        "rights_holders": rights_holders,
    }
    rows: dict[str, list] = {}
    for name, values in wanted.items():
        ids = _ids(values, name, errors)
        found = sources[name].in_bulk(ids) if ids else {}
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            errors[name] = [_("Not found or not available: %(ids)s.") % {"ids": ", ".join(missing)}]
        rows[name] = [found[pk] for pk in ids if pk in found]
    return rows


def _link_ids(case: CounterfeitCase) -> dict[str, list[int]]:
    return {
        "products": sorted(case.products.values_list("pk", flat=True)),
        "enterprises": sorted(case.enterprises.values_list("pk", flat=True)),
        "signals": sorted(case.signals.values_list("pk", flat=True)),
        "investigations": sorted(case.investigations.values_list("pk", flat=True)),
        "rights_holders": sorted(case.rights_holders.values_list("pk", flat=True)),
    }


# --- opening ---------------------------------------------------------------------------------------


@removes_stored_files_on_error
@transaction.atomic
def case_create(
    *,
    actor: Actor,
    title: str = "",
    description: str = "",
    brand: str = "",
    enterprise: EnterpriseFiling | int | None = None,
    party_name: str = "",
    leads: Iterable[CounterfeitLead | int] | None = None,
    products: Iterable[ProductFiling | int] | None = None,
    signals: Iterable[RiskSignal | int] | None = None,
    investigations: Iterable[Investigation | int] | None = None,
    rights_holders: Iterable[RightsHolder | int] | None = None,
    goods_value_cny: Any = None,
    opening_text: str = "",
    opening_number: str = "",
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Propose a case (bureau staff; the actor's bureau handles it). The proposer becomes its first
    handler (and may add evidence at once); the request to open it is its first document (the opening
    text, else the description or the title). Leads awaiting triage are merged into it (the brand, the
    party and the title default from the first); the links are checked. Audited."""
    if not may_create(actor):
        raise PermissionDenied(_("Only bureau staff propose counterfeit cases."))
    user = _person(actor)
    errors: dict[str, list[str]] = {}
    lead_ids = _ids(leads, "leads", errors)
    lead_rows: list[CounterfeitLead] = []
    if lead_ids:
        found = CounterfeitLead.objects.visible_to(user).in_bulk(lead_ids)
        missing = [str(pk) for pk in lead_ids if pk not in found]
        if missing:
            errors["leads"] = [_("No such lead: %(ids)s.") % {"ids": ", ".join(missing)}]
        else:
            lead_rows = [found[pk] for pk in lead_ids]
            triaged = [f"#{lead.pk}" for lead in lead_rows if lead.status != LeadStatus.NEW]
            if triaged:
                errors["leads"] = [_("Only leads awaiting triage open a case: %(ids)s.") % {"ids": ", ".join(triaged)}]
    first = lead_rows[0] if lead_rows else None
    title = _text(title or (first.title if first else ""), "title", errors, required=True, limit=_TITLE_LIMIT)
    description = _text(description, "description", errors)
    brand = _text(brand or (first.brand if first else ""), "brand", errors, limit=100)
    party_name = _text(party_name or (first.seller_name if first else ""), "party_name", errors, limit=200)
    enterprise_row = _approved_enterprise(enterprise, "enterprise", errors)
    if enterprise_row is None and "enterprise" not in errors and first is not None and first.enterprise_id:
        enterprise_row = first.enterprise
    goods_value = _money(goods_value_cny, "goods_value_cny", errors)
    opening = _text(opening_text or description or title, "opening_text", errors, required=True)
    opening_number = _text(opening_number, "opening_number", errors, limit=_NUMBER_LIMIT)
    checked = _check_upload(upload, errors)
    links = _link_rows(
        user,
        products=products,
        signals=signals,
        investigations=investigations,
        rights_holders=rights_holders,
        errors=errors,
    )
    _fail(errors)
    assert user.bureau_id is not None  # may_create: bureau staff
    bureau = Bureau.objects.get(pk=user.bureau_id)
    case = CounterfeitCase.objects.create(
        case_no=case_number_issue(bureau=bureau),
        title=title,
        description=description,
        bureau=bureau,
        brand=brand,
        enterprise=enterprise_row,
        party_name=party_name,
        goods_value_cny=goods_value,
        proposed_by=user,
    )
    case.products.set(links["products"])
    case.signals.set(links["signals"])
    case.investigations.set(links["investigations"])
    case.rights_holders.set(
        [*links["rights_holders"], *[lead.rights_holder_id for lead in lead_rows if lead.rights_holder_id]]
    )
    if enterprise_row is not None:
        case.enterprises.add(enterprise_row)
    assignment = CaseAssignment.objects.create(case=case, user=user, duty=CaseDuty.HANDLER, assigned_by=user)
    audit_record(
        actor=user,
        action=AuditAction.CREATE,
        obj=case,
        after=snapshot(case, extra={"leads": lead_ids, **_link_ids(case)}),
    )
    audit_record(actor=user, action=AuditAction.ASSIGN, obj=assignment, after=snapshot(assignment), related=case)
    _document(case, user, CaseDocumentKind.OPENING_REQUEST, opening, opening_number, upload, checked)
    for lead in lead_rows:
        lead_merge(actor=user, lead=lead, case=case, note=_("Opened as case %(case_no)s.") % {"case_no": case.case_no})
    return case


@removes_stored_files_on_error
@transaction.atomic
def case_approve_opening(
    *,
    actor: Actor,
    case: CounterfeitCase,
    text: str,
    number: str = "",
    handlers: Iterable[User | int] = (),
    reviewer: User | int | None = None,
    decider: User | int | None = None,
    upload: UploadedFile | None = None,
) -> CounterfeitCase:
    """Approve the opening (立案审批): an administrator of the case's bureau who neither proposed, handles
    nor reviews it. The case moves to investigation; the handlers, the reviewer and the deciding officer
    named here are assigned at once (each checked as ``case_assign`` checks: the approver may be named the
    deciding officer, never a handler nor the reviewer). Writes the approval. Audited."""
    user = _person(actor)
    case = _locked(case)
    if not may_manage(case, user):
        raise PermissionDenied(_("Only an administrator of the case's bureau approves its opening."))
    held = case_duties(case, user)[1]
    if _is_proposer(case, user) or CaseDuty.HANDLER in held:
        raise PermissionDenied(_("Whoever proposed or handles the case may not approve its opening."))
    if CaseDuty.REVIEWER in held:
        raise PermissionDenied(_("Whoever reviews the case may not approve its opening."))
    check_transition(case, CaseStatus.INVESTIGATING, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    text, number, checked = _step_inputs(text, number, upload, errors)
    wanted: list[tuple[str, Any, str]] = [(CaseDuty.HANDLER, h, "handlers") for h in (handlers or ())]
    if reviewer:
        wanted.append((CaseDuty.REVIEWER, reviewer, "reviewer"))
    if decider:
        wanted.append((CaseDuty.DECIDER, decider, "decider"))
    planned: list[tuple[User, str]] = []
    for duty, person, field in wanted:
        try:
            target = _assignee(case, person, duty, planned=planned, approver=user)
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)
        else:
            if target is not None:
                planned.append((target, duty))
    _fail(errors)
    _check_documents(case, CaseStatus.INVESTIGATING, CaseDocumentKind.OPENING_APPROVAL)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.OPENING_APPROVAL, text, number, upload, checked)
    for person, duty in planned:
        assignment = CaseAssignment.objects.create(case=case, user=person, duty=duty, assigned_by=user)
        audit_record(actor=user, action=AuditAction.ASSIGN, obj=assignment, after=snapshot(assignment), related=case)
    case.opened_at = timezone.now()
    case.opened_by = user
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.INVESTIGATING,
        action=AuditAction.APPROVE,
        before=before,
        fields=["opened_at", "opened_by"],
    )


@removes_stored_files_on_error
@transaction.atomic
def case_refuse_opening(
    *, actor: Actor, case: CounterfeitCase, reason: str, number: str = "", upload: UploadedFile | None = None
) -> CounterfeitCase:
    """Decide not to open the case (不予立案), with the reason: an administrator of its bureau who neither
    proposed nor handles it. Writes the decision. Audited."""
    user = _person(actor)
    case = _locked(case)
    if not may_manage(case, user):
        raise PermissionDenied(_("Only an administrator of the case's bureau decides on its opening."))
    if _is_proposer(case, user) or CaseDuty.HANDLER in case_duties(case, user)[1]:
        raise PermissionDenied(_("Whoever proposed or handles the case may not decide on its opening."))
    check_transition(case, CaseStatus.NOT_OPENED, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    reason, number, checked = _step_inputs(reason, number, upload, errors, text_field="reason")
    _fail(errors)
    return _advance(
        actor=user,
        case=case,
        target=CaseStatus.NOT_OPENED,
        action=AuditAction.REJECT,
        document=(CaseDocumentKind.OPENING_REFUSAL, reason, number, upload, checked),
        reason=reason,
    )


# --- people ----------------------------------------------------------------------------------------


def _assignee(
    case: CounterfeitCase,
    person: Any,
    duty: str,
    *,
    planned: list[tuple[User, str]] | None = None,
    replace: bool = False,
    approver: User | None = None,
) -> User | None:
    """The person to assign ``duty`` to, checked: active staff with jurisdiction over the case's bureau,
    never holding (or having held) another duty on it, not holding this one already; whoever approved the
    opening (``case.opened_by``, or ``approver`` while approving it) may be the deciding officer but never a
    handler nor the reviewer; one active reviewer and one active deciding officer (unless ``replace``).
    ValidationError otherwise."""
    if duty not in CaseDuty.values:
        raise ValidationError({"duty": [_("One of %(values)s.") % {"values": ", ".join(CaseDuty.values)}]})
    if isinstance(person, User):
        target: User | None = person
    else:
        try:
            pk = int(_pk(person))
        except (TypeError, ValueError):
            pk = 0
        target = User.objects.select_related("bureau").filter(pk=pk).first() if 0 < pk < 2**63 else None
    if target is None or not target.is_active or not target.has_jurisdiction_over(case.bureau):
        raise ValidationError({"user": [_("Name an active officer of the case's bureau.")]})
    opener_id = approver.pk if approver is not None else case.opened_by_id
    if duty in (CaseDuty.HANDLER, CaseDuty.REVIEWER) and opener_id is not None and target.pk == opener_id:
        raise ValidationError(
            {"user": [_("Whoever approves the opening may decide the case but neither handle nor review it.")]}
        )
    held = {a.duty for a in _assignments(case) if a.user_id == target.pk}
    held |= {d for p, d in planned or () if p.pk == target.pk}
    if held - {duty}:
        raise ValidationError(
            {
                "user": [
                    _(
                        "%(name)s holds or has held another duty on this case: investigation, review and "
                        "decision are done by different people."
                    )
                    % {"name": target.get_full_name() or target.username}
                ]
            }
        )
    active_same = [a for a in _active(case, duty) if a.user_id == target.pk]
    if active_same or (duty, target.pk) in {(d, p.pk) for p, d in planned or ()}:
        raise ValidationError({"user": [_("This person holds this duty on the case already.")]})
    if (
        duty in (CaseDuty.REVIEWER, CaseDuty.DECIDER)
        and not replace
        and (_active(case, duty) or any(d == duty for _p, d in planned or ()))
    ):
        raise ValidationError(
            {"duty": [_("The case has an active %(duty)s already: replace them.") % {"duty": CaseDuty(duty).label}]}
        )
    return target


@transaction.atomic
def case_assign(
    *, actor: Actor, case: CounterfeitCase, user: User | int, duty: str, reason: str = "", replace: bool = False
) -> CaseAssignment:
    """Assign a person a duty on an open case: an administrator of the case's bureau. Separation of duties
    is enforced (``_assignee``); ``replace`` ends the active reviewer's or deciding officer's assignment
    (with the reason, then required) for the new one. Audited as parts of the case."""
    actor_user = _person(actor)
    case = _locked(case)
    if not may_manage(case, actor_user):
        raise PermissionDenied(_("Only an administrator of the case's bureau assigns people to it."))
    if not case.is_open:
        raise ValidationError({"status": [_("This case is no longer open.")]})
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required=bool(replace))
    _fail(errors)
    target = _assignee(case, user, duty, replace=bool(replace))
    assert target is not None
    if replace and duty in (CaseDuty.REVIEWER, CaseDuty.DECIDER):
        for current in _active(case, duty):
            _end(actor_user, case, current, reason)
    assignment = CaseAssignment.objects.create(case=case, user=target, duty=duty, assigned_by=actor_user)
    audit_record(
        actor=actor_user,
        action=AuditAction.ASSIGN,
        obj=assignment,
        after=snapshot(assignment),
        reason=reason,
        related=case,
    )
    case.save(update_fields=["updated_at"])
    return assignment


def _end(actor: User, case: CounterfeitCase, assignment: CaseAssignment, reason: str) -> None:
    before = snapshot(assignment)
    assignment.ended_at = timezone.now()
    assignment.end_reason = reason
    assignment.save(update_fields=["ended_at", "end_reason"])
    audit_record(
        actor=actor,
        action=AuditAction.UNASSIGN,
        obj=assignment,
        before=before,
        after=snapshot(assignment),
        reason=reason,
        related=case,
    )


@transaction.atomic
def case_unassign(*, actor: Actor, assignment: CaseAssignment | int, reason: str) -> CaseAssignment:
    """End an assignment, with a reason: an administrator of the case's bureau. The assignment is kept (who
    has held a duty never takes another); the last handler of an open case stays. Audited."""
    actor_user = _person(actor)
    pk = _pk(assignment)
    row = CaseAssignment.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if row is None:
        raise ValidationError({"assignment": [_("No such assignment.")]})
    case = _locked(row.case)
    if not may_manage(case, actor_user):
        raise PermissionDenied(_("Only an administrator of the case's bureau ends assignments."))
    row = CaseAssignment.objects.select_for_update().get(pk=row.pk)
    if row.ended_at is not None:
        raise ValidationError({"assignment": [_("This assignment has ended already.")]})
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", errors, required=True)
    _fail(errors)
    if row.duty == CaseDuty.HANDLER and case.is_open and len(_active(case, CaseDuty.HANDLER)) <= 1:
        raise ValidationError({"assignment": [_("The last handler of an open case stays: assign another first.")]})
    _end(actor_user, case, row, reason)
    case.save(update_fields=["updated_at"])
    return row


# --- investigation and review ----------------------------------------------------------------------


@transaction.atomic
def case_link(
    *,
    actor: Actor,
    case: CounterfeitCase,
    products: Iterable[Any] = (),
    enterprises: Iterable[Any] = (),
    signals: Iterable[Any] = (),
    investigations: Iterable[Any] = (),
    rights_holders: Iterable[Any] = (),
) -> CounterfeitCase:
    """Link more products, enterprises, risk signals, investigations and rights holders to an open case: a
    handler or an administrator of its bureau. Audited."""
    user = _person(actor)
    case = _locked(case)
    if not (may_manage(case, user) or CaseDuty.HANDLER in case_duties(case, user)[0]):
        raise PermissionDenied(_("Only the case's handlers or its bureau's administrators link records to it."))
    if case.status not in CASE_OPEN:
        raise ValidationError({"status": [_("This case is no longer open.")]})
    errors: dict[str, list[str]] = {}
    rows = _link_rows(
        user,
        products=products,
        enterprises=enterprises,
        signals=signals,
        investigations=investigations,
        rights_holders=rights_holders,
        errors=errors,
    )
    if not errors and not any(rows.values()):
        errors["products"] = [_("Name something to link.")]
    _fail(errors)
    before = snapshot(case, extra=_link_ids(case))
    case.products.add(*rows["products"])
    case.enterprises.add(*rows["enterprises"])
    case.signals.add(*rows["signals"])
    case.investigations.add(*rows["investigations"])
    case.rights_holders.add(*rows["rights_holders"])
    case.save(update_fields=["updated_at"])
    audit_record(
        actor=user, action=AuditAction.UPDATE, obj=case, before=before, after=snapshot(case, extra=_link_ids(case))
    )
    return case

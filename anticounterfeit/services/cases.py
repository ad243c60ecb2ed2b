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

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import Bureau, User
from anticounterfeit.choices import (
    CASE_OPEN,
    CASE_TRANSITIONS,
    HEARING_REQUEST_DAYS,
    MIN_HANDLERS,
    REQUIRED_DOCUMENTS,
    CaseDocumentKind,
    CaseDuty,
    CaseStatus,
    DecisionKind,
    LeadStatus,
    ServiceMethod,
)
from anticounterfeit.duties import may_manage
from anticounterfeit.models import (
    CaseAssignment,
    CaseDocument,
    CaseSequence,
    CounterfeitCase,
    CounterfeitLead,
    Evidence,
    RightsHolder,
)
from anticounterfeit.services.lead_merge import lead_merge
from cbec_supervision.attachments import check_upload
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.workflow import check_transition
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.models import RiskSignal
from traceability.models import Investigation

_TITLE_LIMIT = 300
_TEXT_LIMIT = 20000
_NUMBER_LIMIT = 60
_MONEY_MAX = Decimal("999999999999.99")  # max_digits 14, decimal places 2
_QUANTITY_MAX = 2_147_483_647
_LINK_LIMIT = 100

#: the actions of the procedure, by the name the API and the pages use
STEP_ACTIONS = (
    "approve",
    "refuse",
    "submit-for-review",
    "review",
    "return",
    "notice",
    "hearing",
    "decide",
    "serve",
    "enforce",
    "transfer",
    "close",
)


# --- who holds what --------------------------------------------------------------------------------


def _assignments(case: CounterfeitCase) -> list[CaseAssignment]:
    """The case's assignments, from the prefetch when there is one."""
    return list(case.assignments.all())


def case_duties(case: CounterfeitCase, actor: Actor) -> tuple[set[str], set[str]]:
    """The duties ``actor`` holds on ``case`` now, and those held at any time (from the case's prefetched
    assignments when there are some: no query per case in a list)."""
    if isinstance(actor, str) or not actor.is_authenticated:
        return set(), set()
    now: set[str] = set()
    ever: set[str] = set()
    for assignment in _assignments(case):
        if assignment.user_id == actor.pk:
            ever.add(assignment.duty)
            if assignment.ended_at is None:
                now.add(assignment.duty)
    return now, ever


def _active(case: CounterfeitCase, duty: str) -> list[CaseAssignment]:
    return [a for a in _assignments(case) if a.duty == duty and a.ended_at is None]


def _is_proposer(case: CounterfeitCase, actor: Actor) -> bool:
    return not isinstance(actor, str) and case.proposed_by_id == actor.pk


def may_create(actor: Actor) -> bool:
    """Bureau staff propose cases (their own bureau handles them)."""
    return not isinstance(actor, str) and actor.is_active and actor.is_bureau_staff


def _hearing_period_over(case: CounterfeitCase) -> bool:
    if case.notice_served_at is None:
        return False
    return timezone.now() >= case.notice_served_at + dt.timedelta(days=HEARING_REQUEST_DAYS)


def decision_ready(case: CounterfeitCase) -> bool:
    """Whether the notice and the hearing (if any) allow a decision now (evidence and review apart)."""
    if case.notice_served_at is None:
        return False
    if case.hearing_requested:
        return case.hearing_held_at is not None
    return case.hearing_waived or _hearing_period_over(case)


def allowed_actions(case: CounterfeitCase, actor: Actor, *, evidence_count: int | None = None) -> list[str]:
    """What ``actor`` may do on ``case`` now (the services decide again): the steps of the procedure,
    ``assign``/``unassign`` and ``links``. Uses the prefetched assignments; no query."""
    if isinstance(actor, str) or not actor.is_active:
        return []
    now, ever = case_duties(case, actor)
    manager = may_manage(case, actor)
    handler = CaseDuty.HANDLER in now
    reviewer = CaseDuty.REVIEWER in now and CaseDuty.HANDLER not in ever
    decider = CaseDuty.DECIDER in now and not (ever - {CaseDuty.DECIDER})
    status = case.status
    actions: list[str] = []
    if status == CaseStatus.PROPOSED and manager and CaseDuty.HANDLER not in ever and not _is_proposer(case, actor):
        actions += ["approve", "refuse"]
    if status == CaseStatus.INVESTIGATING and handler:
        actions.append("submit-for-review")
    if status == CaseStatus.REVIEW and reviewer:
        actions += ["review", "return"]
    if status == CaseStatus.NOTICE and handler:
        if case.notice_served_at is None:
            actions.append("notice")
        elif case.hearing_requested and case.hearing_held_at is None:
            actions.append("hearing")
    if status == CaseStatus.NOTICE and decider and decision_ready(case) and evidence_count != 0:
        actions.append("decide")
    if status == CaseStatus.DECIDED and handler:
        actions.append("serve")
    if status == CaseStatus.SERVED and handler and case.decision_kind == DecisionKind.PENALTY:
        actions.append("enforce")
    if (handler or manager) and (
        status in (CaseStatus.ENFORCEMENT, CaseStatus.TRANSFERRED)
        or (status == CaseStatus.SERVED and case.decision_kind == DecisionKind.NO_PENALTY)
    ):
        actions.append("close")
    if CaseStatus.TRANSFERRED in CASE_TRANSITIONS.get(status, ()) and (manager or decider):
        actions.append("transfer")
    if manager and case.is_open:
        actions += ["assign", "unassign"]
    if (manager or handler) and case.is_open:
        actions.append("links")
    return actions


# --- helpers ---------------------------------------------------------------------------------------


def _person(actor: Actor) -> User:
    """Cases are worked by people: a task or command may not run the procedure."""
    if isinstance(actor, str) or not actor.is_active:
        raise PermissionDenied(_("Only people assigned to the case may do this."))
    return actor


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _ids(values: Iterable[Any] | None, field: str, errors: dict[str, list[str]]) -> list[int]:
    ids: list[int] = []
    if isinstance(values, str | bytes | int):
        values = [values]
    for value in values or ():
        pk = _pk(value)
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            errors[field] = [_("Name records by their id.")]
            return []
        if not 0 < pk < 2**63:
            errors[field] = [_("Name records by their id.")]
            return []
        if pk not in ids:
            ids.append(pk)
    if len(ids) > _LINK_LIMIT:
        errors[field] = [_("At most %(limit)d at a time.") % {"limit": _LINK_LIMIT}]
        return []
    return ids


def _text(
    value: Any, field: str, errors: dict[str, list[str]], *, required: bool = False, limit: int = _TEXT_LIMIT
) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > limit:
        errors[field] = [_("At most %(limit)d characters.") % {"limit": limit}]
    return text


def _money(value: Any, field: str, errors: dict[str, list[str]]) -> Decimal | None:
    """An amount in yuan: a decimal number, at least 0, at most two decimal places; blank is None."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors[field] = [_("Enter an amount in yuan, such as 1000.00.")]
        return None
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = [_("Enter an amount in yuan, such as 1000.00.")]
        return None
    if not amount.is_finite():
        errors[field] = [_("Enter an amount in yuan, such as 1000.00.")]
        return None
    if amount < 0:
        errors[field] = [_("The amount cannot be negative.")]
        return None
    if amount > _MONEY_MAX:
        errors[field] = [_("The amount is too large.")]
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors[field] = [_("At most two decimal places.")]
        return None
    return amount.quantize(Decimal("0.01"))


def _quantity(value: Any, field: str, errors: dict[str, list[str]]) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        errors[field] = [_("Enter a whole number.")]
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = [_("Enter a whole number.")]
        return None
    if not number.is_finite() or number != number.to_integral_value():
        errors[field] = [_("Enter a whole number.")]
        return None
    if number < 0 or number > _QUANTITY_MAX:
        errors[field] = [_("Enter a number from 0 to %(max)d.") % {"max": _QUANTITY_MAX}]
        return None
    return int(number)


def _moment(value: Any, field: str, errors: dict[str, list[str]], *, required: bool = True) -> dt.datetime | None:
    """A date and time, not in the future (a date alone is that day's noon, local time)."""
    if value is None or value == "":
        if required:
            errors[field] = [_("This field is required.")]
        return None
    moment: dt.datetime | None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time(12))
    else:
        try:
            moment = parse_datetime(str(value).strip())
        except ValueError:
            moment = None
        if moment is None:
            try:
                moment = dt.datetime.combine(dt.date.fromisoformat(str(value).strip()), dt.time(12))
            except ValueError:
                moment = None
    if moment is None:
        errors[field] = [_("Enter a date and time.")]
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now() + dt.timedelta(minutes=5):
        errors[field] = [_("The time cannot be in the future.")]
        return None
    return moment


def _flag(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def _locked(case: CounterfeitCase) -> CounterfeitCase:
    return CounterfeitCase.objects.select_for_update(of=("self",)).select_related("bureau").get(pk=case.pk)


def _fail(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_documents(case: CounterfeitCase, target: str, adding: str) -> None:
    """The case, with the step's own document, must hold every document its new status needs."""
    held = set(case.documents.values_list("kind", flat=True)) | {adding}
    missing = [kind for kind in REQUIRED_DOCUMENTS.get(target, ()) if kind not in held]
    if missing:
        labels = dict(CaseDocumentKind.choices)
        raise ValidationError(
            {
                "documents": [
                    _("The case lacks documents this step needs: %(kinds)s.")
                    % {"kinds": "、".join(str(labels[k]) for k in missing)}
                ]
            }
        )


def _check_upload(upload: UploadedFile | None, errors: dict[str, list[str]]) -> tuple[str, str]:
    if not upload:
        return "", ""
    try:
        return check_upload(upload)
    except ValidationError as exc:
        errors["upload"] = exc.messages
        return "", ""


def _document(
    case: CounterfeitCase,
    actor: User,
    kind: str,
    text: str,
    number: str = "",
    upload: UploadedFile | None = None,
    checked: tuple[str, str] = ("", ""),
) -> CaseDocument:
    """Write the step's document (text, number, the signed copy with its SHA-256) and audit it as a part of
    the case."""
    document = CaseDocument(case=case, kind=kind, text=text, number=number, written_by=actor)
    if upload:
        mime, sha256 = checked
        original_name = PurePath(upload.name or "document").name[:255]
        document.original_name = original_name
        document.mime_type = mime
        document.size = upload.size
        document.sha256 = sha256
        document.file.save(original_name, upload, save=False)
    document.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=document, after=snapshot(document), related=case)
    return document


def _step_inputs(
    text: Any, number: Any, upload: UploadedFile | None, errors: dict[str, list[str]], *, text_field: str = "text"
) -> tuple[str, str, tuple[str, str]]:
    text = _text(text, text_field, errors, required=True)
    number = _text(number, "number", errors, limit=_NUMBER_LIMIT)
    checked = _check_upload(upload, errors)
    return text, number, checked


def _move(
    *,
    actor: User,
    case: CounterfeitCase,
    target: str,
    action: str,
    before: dict,
    fields: list[str],
    reason: str = "",
) -> CounterfeitCase:
    case.status = target
    case.save(update_fields=["status", *fields, "updated_at"])
    audit_record(actor=actor, action=action, obj=case, before=before, after=snapshot(case), reason=reason)
    return case


def case_number_issue(*, bureau: Bureau) -> str:
    """The next case number of ``bureau`` this year: ``<code><year>AC<6 digits>``. Locks the row; numbers
    are never reused."""
    year = timezone.localdate().year
    CaseSequence.objects.get_or_create(bureau=bureau, year=year)
    sequence = CaseSequence.objects.select_for_update().get(bureau=bureau, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{bureau.code}{year}AC{sequence.last:06d}"


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
    """Approve the opening (立案审批): an administrator of the case's bureau who neither proposed nor
    handles it. The case moves to investigation; the handlers, the reviewer and the deciding officer named
    here are assigned at once (each checked as ``case_assign`` checks). Writes the approval. Audited."""
    user = _person(actor)
    case = _locked(case)
    if not may_manage(case, user):
        raise PermissionDenied(_("Only an administrator of the case's bureau approves its opening."))
    if _is_proposer(case, user) or CaseDuty.HANDLER in case_duties(case, user)[1]:
        raise PermissionDenied(_("Whoever proposed or handles the case may not approve its opening."))
    check_transition(case, CaseStatus.INVESTIGATING, CASE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    text, number, checked = _step_inputs(text, number, upload, errors)
    wanted: list[tuple[str, Any, str]] = [(CaseDuty.HANDLER, h, "handlers") for h in (handlers or ())]
    if reviewer:
        wanted.append((CaseDuty.REVIEWER, reviewer, "reviewer"))
    if decider:
        wanted.append((CaseDuty.DECIDER, decider, "decider"))
    if any(_pk(person) == user.pk for duty, person, _f in wanted if duty == CaseDuty.HANDLER):
        errors["handlers"] = [_("Whoever approves the opening does not handle the case.")]
    planned: list[tuple[User, str]] = []
    for duty, person, field in wanted:
        try:
            target = _assignee(case, person, duty, planned=planned)
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
    _check_documents(case, CaseStatus.NOT_OPENED, CaseDocumentKind.OPENING_REFUSAL)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.OPENING_REFUSAL, reason, number, upload, checked)
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.NOT_OPENED,
        action=AuditAction.REJECT,
        before=before,
        fields=[],
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
) -> User | None:
    """The person to assign ``duty`` to, checked: active staff with jurisdiction over the case's bureau,
    never holding (or having held) another duty on it, not holding this one already; one active reviewer
    and one active deciding officer (unless ``replace``). ValidationError otherwise."""
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


def _require_handler(case: CounterfeitCase, user: User, message: str) -> None:
    if CaseDuty.HANDLER not in case_duties(case, user)[0]:
        raise PermissionDenied(message)


def _current_evidence_count(case: CounterfeitCase) -> int:
    return Evidence.objects.filter(case=case).current().count()


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
    _check_documents(case, CaseStatus.REVIEW, CaseDocumentKind.INVESTIGATION_REPORT)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.INVESTIGATION_REPORT, report_text, number, upload, checked)
    case.submitted_for_review_at = timezone.now()
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.REVIEW,
        action=AuditAction.SUBMIT,
        before=before,
        fields=["submitted_for_review_at"],
    )


def _require_reviewer(case: CounterfeitCase, user: User) -> None:
    now, ever = case_duties(case, user)
    if CaseDuty.REVIEWER not in now or CaseDuty.HANDLER in ever:
        raise PermissionDenied(_("Only the case's reviewer, who never handled it, reviews it."))


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
    _check_documents(case, CaseStatus.NOTICE, CaseDocumentKind.REVIEW_OPINION)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.REVIEW_OPINION, opinion, number, upload, checked)
    case.reviewed_at = timezone.now()
    case.reviewed_by = user
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.NOTICE,
        action=AuditAction.REVIEW,
        before=before,
        fields=["reviewed_at", "reviewed_by"],
    )


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
    _check_documents(case, CaseStatus.INVESTIGATING, CaseDocumentKind.REVIEW_RETURN)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.REVIEW_RETURN, reason, number, upload, checked)
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.INVESTIGATING,
        action=AuditAction.RETURN,
        before=before,
        fields=[],
        reason=reason,
    )


# --- notice and hearing ----------------------------------------------------------------------------


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
    _check_documents(case, CaseStatus.DECIDED, CaseDocumentKind.DECISION)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.DECISION, text, decision_no, upload, checked)
    case.decision_kind = decision_kind
    case.decision_no = decision_no
    case.decided_at = timezone.now()
    case.decided_by = user
    case.fine_amount_cny = fine
    case.illegal_gains_cny = gains
    if goods is not None:
        case.goods_value_cny = goods
    case.confiscated_quantity = quantity
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.DECIDED,
        action=AuditAction.DECIDE,
        before=before,
        fields=[
            "decision_kind",
            "decision_no",
            "decided_at",
            "decided_by",
            "fine_amount_cny",
            "illegal_gains_cny",
            "goods_value_cny",
            "confiscated_quantity",
        ],
    )


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
    _check_documents(case, CaseStatus.SERVED, CaseDocumentKind.SERVICE_RECEIPT)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.SERVICE_RECEIPT, text, number, upload, checked)
    case.served_at = moment
    case.service_method = method
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.SERVED,
        action=AuditAction.SERVE,
        before=before,
        fields=["served_at", "service_method"],
    )


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
    _check_documents(case, CaseStatus.ENFORCEMENT, CaseDocumentKind.ENFORCEMENT_RECORD)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.ENFORCEMENT_RECORD, text, number, upload, checked)
    case.fine_paid_cny = paid
    case.enforced_at = timezone.now()
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.ENFORCEMENT,
        action=AuditAction.UPDATE,
        before=before,
        fields=["fine_paid_cny", "enforced_at"],
    )


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
    _check_documents(case, CaseStatus.TRANSFERRED, CaseDocumentKind.TRANSFER_LETTER)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.TRANSFER_LETTER, text, number, upload, checked)
    case.transferred_to = transferred_to
    case.transferred_at = timezone.now()
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.TRANSFERRED,
        action=AuditAction.TRANSFER,
        before=before,
        fields=["transferred_to", "transferred_at"],
    )


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
    _check_documents(case, CaseStatus.CLOSED, CaseDocumentKind.CLOSING_REPORT)
    before = snapshot(case)
    _document(case, user, CaseDocumentKind.CLOSING_REPORT, summary, number, upload, checked)
    case.closed_at = timezone.now()
    case.closed_by = user
    return _move(
        actor=user,
        case=case,
        target=CaseStatus.CLOSED,
        action=AuditAction.CLOSE,
        before=before,
        fields=["closed_at", "closed_by"],
    )


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

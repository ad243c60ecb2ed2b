"""What the counterfeit case services share (issue 12): who holds which duty on a case and what they
may do now, the checks of every input (texts, amounts, moments, uploads), and how a step writes its
document and moves the case (``_document``, ``_move``). The services are in ``services/cases.py`` (the
case, its people and links) and ``services/procedure.py`` (the steps from investigation to closing)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from anticounterfeit.choices import (
    CASE_TRANSITIONS,
    HEARING_REQUEST_DAYS,
    REQUIRED_DOCUMENTS,
    CaseDocumentKind,
    CaseDuty,
    CaseStatus,
    DecisionKind,
)
from anticounterfeit.duties import may_manage
from anticounterfeit.models import (
    CaseAssignment,
    CaseDocument,
    CounterfeitCase,
)
from cbec_supervision.attachments import check_upload
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction

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
    assignments when there are some: no query per case in a list). Whoever is no longer active bureau staff
    (deactivated, or their account became an enterprise's) holds no duty now; what they held still
    counts for the separation of duties."""
    if isinstance(actor, str) or not actor.is_authenticated:
        return set(), set()
    now: set[str] = set()
    ever: set[str] = set()
    for assignment in _assignments(case):
        if assignment.user_id == actor.pk:
            ever.add(assignment.duty)
            if assignment.ended_at is None:
                now.add(assignment.duty)
    if not (actor.is_active and actor.is_bureau_staff):
        now = set()
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
        actions += ["refuse"] if CaseDuty.REVIEWER in ever else ["approve", "refuse"]
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


#: the earliest moment a step of a case may carry (local time): anything before is a typing error
EARLIEST_MOMENT = dt.datetime(2000, 1, 1)


def _parse_moment(value: Any) -> dt.datetime | None:
    """``value`` as a date and time (a date alone is that day's noon), or None if it is not one."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(12))
    text = str(value).strip()
    try:
        moment = parse_datetime(text)
    except (ValueError, OverflowError):
        moment = None
    if moment is None:
        try:
            moment = dt.datetime.combine(dt.date.fromisoformat(text), dt.time(12))
        except (ValueError, OverflowError):
            moment = None
    return moment


def _moment(value: Any, field: str, errors: dict[str, list[str]], *, required: bool = True) -> dt.datetime | None:
    """A date and time from 2000-01-01 (local time) on and not in the future (five minutes of clock
    drift allowed); a date alone is that day's noon, local time. Anything else is an error on ``field``
    (never an OverflowError: a year-1 or year-9999 moment cannot be stored in UTC)."""
    if value is None or value == "":
        if required:
            errors[field] = [_("This field is required.")]
        return None
    moment = _parse_moment(value)
    if moment is None:
        errors[field] = [_("Enter a date and time.")]
        return None
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        too_early = moment < timezone.make_aware(EARLIEST_MOMENT)
        too_late = moment > timezone.now() + dt.timedelta(minutes=5)
    except (ValueError, OverflowError):  # a moment at the edge of the calendar, shifted by its offset
        errors[field] = [_("Enter a date and time.")]
        return None
    if too_early:
        errors[field] = [_("The time cannot be before 1 January 2000.")]
        return None
    if too_late:
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


_P = ParamSpec("_P")
_R = TypeVar("_R")

#: the signed copies stored by the service running now (``removes_stored_files_on_error``)
_STORED: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("case_stored_files", default=None)


def removes_stored_files_on_error(service: Callable[_P, _R]) -> Callable[_P, _R]:
    """Wrap a service that may store a signed copy (``_document``): if anything fails after the file was
    stored (a later write of the service, the commit), the file is deleted as the transaction takes the
    rows back. Put it above ``@transaction.atomic``. A service called inside another leaves the cleanup to
    the outer one."""

    @functools.wraps(service)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        if _STORED.get() is not None:
            return service(*args, **kwargs)
        stored: list[tuple[Storage, str]] = []
        token = _STORED.set(stored)
        try:
            return service(*args, **kwargs)
        except BaseException:
            for storage, name in stored:
                if name:
                    with contextlib.suppress(OSError):  # the error that matters is the one raised
                        storage.delete(name)
            raise
        finally:
            _STORED.reset(token)

    return wrapper


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
        stored = _STORED.get()
        if stored is not None:  # the service deletes it if anything fails after this
            stored.append((document.file.storage, document.file.name or ""))
        else:
            try:
                return _save_document(case, actor, document)
            except BaseException:
                document.file.delete(save=False)
                raise
    return _save_document(case, actor, document)


def _save_document(case: CounterfeitCase, actor: User, document: CaseDocument) -> CaseDocument:
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


def _advance(
    *,
    actor: User,
    case: CounterfeitCase,
    target: str,
    action: str,
    document: tuple[str, str, str, UploadedFile | None, tuple[str, str]],
    values: dict[str, Any] | None = None,
    reason: str = "",
) -> CounterfeitCase:
    """The end of every step that moves a case: the case must then hold the documents ``target`` needs (the
    step's own among them); the step's document (kind, text, number, signed copy, its checked type and
    hash) is written, ``values`` set on the case, the case moved to ``target``; audited before and after."""
    kind, text, number, upload, checked = document
    _check_documents(case, target, kind)
    before = snapshot(case)
    _document(case, actor, kind, text, number, upload, checked)
    for name, value in (values or {}).items():
        setattr(case, name, value)
    return _move(
        actor=actor, case=case, target=target, action=action, before=before, fields=list(values or {}), reason=reason
    )

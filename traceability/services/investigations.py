"""Traceability investigations (issue 11): opening, the workflow, reassignment, the major-case report,
notes and more signals.

- Any bureau's staff (or headquarters) open a case from assessed risk signals and/or failed samplings,
  or by naming an approved enterprise, platform or products of any bureau directly. The lead bureau is
  the competent bureau of the platform enterprise (territorial management), else the operator's; the
  opening bureau is recorded as the notifying bureau, and when the lead bureau is another bureau
  (outside the opener's jurisdiction) an inter-bureau notice goes to it in the same transaction.
- A linked signal is handed over (``risk_monitoring.services.risk_signal_hand_over``): it must be
  assessed first, as the signal workflow says (assessing is the competent bureau's triage).
- The lead bureau's staff move the case along ``INVESTIGATION_TRANSITIONS`` and close it with findings
  (root cause, responsible party and enterprise, whether a quality problem is confirmed), once its
  measures are all done. Headquarters reassigns the lead bureau with a reason (a notice goes to the new
  one). The lead bureau's staff or headquarters flag a case major: an immediate report to headquarters
  (their inbox), and the local government recorded as informed.

Every write locks the case, is audited in its transaction and adds a line to its timeline
(``InvestigationEvent``). ValidationError per field; PermissionDenied for the wrong person.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Bureau, User
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import check_transition, require_reason
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.choices import SamplingVerdict, SignalStatus
from risk_monitoring.models import RiskSignal, Sampling
from risk_monitoring.services import risk_signal_hand_over
from traceability.choices import (
    INVESTIGATION_TRANSITIONS,
    MEASURE_OPEN,
    InvestigationEventKind,
    InvestigationStatus,
    ResponsibleParty,
)
from traceability.models import Investigation, InvestigationEvent, InvestigationSequence
from traceability.services.notices import may_send, notice_send

_TITLE_LIMIT = 300
_TEXT_LIMIT = 10000


# --- who may do what -------------------------------------------------------------------------------


def may_open(actor: Actor) -> bool:
    """Any bureau's staff, and headquarters (with its bureau, the notifying bureau)."""
    if isinstance(actor, str):
        return False
    return actor.is_active and (actor.is_bureau_staff or (actor.is_hq and actor.bureau_id is not None))


def may_lead(actor: Actor, investigation: Investigation) -> bool:
    """The lead bureau's staff (or its parent direct bureau's): they advance and close the case."""
    return not isinstance(actor, str) and actor.has_jurisdiction_over(investigation.lead_bureau)


def may_take_part(actor: Actor, investigation: Investigation) -> bool:
    """Staff of the lead or the notifying bureau, and headquarters: they add notes and signals."""
    if isinstance(actor, str):
        return False
    return (
        actor.is_hq
        or actor.has_jurisdiction_over(investigation.lead_bureau)
        or actor.has_jurisdiction_over(investigation.notifying_bureau)
    )


def may_reassign(actor: Actor, investigation: Investigation) -> bool:
    return not isinstance(actor, str) and actor.is_hq and investigation.is_open


def may_flag_major(actor: Actor, investigation: Investigation) -> bool:
    """The lead bureau's staff or headquarters, once, on an open case."""
    if isinstance(actor, str) or investigation.major or not investigation.is_open:
        return False
    return actor.is_hq or may_lead(actor, investigation)


# --- helpers ---------------------------------------------------------------------------------------


def lead_bureau_for(*, platform: EnterpriseFiling | None, enterprise: EnterpriseFiling | None) -> Bureau | None:
    """Territorial management: the competent bureau of the platform enterprise, else of the operator."""
    if platform is not None:
        return platform.bureau
    if enterprise is not None:
        return enterprise.bureau
    return None


def case_number_issue(*, bureau: Bureau) -> str:
    """The next case number of ``bureau`` this year: ``<code><year>T<6 digits>``. Locks the row."""
    year, number = InvestigationSequence.issue_number(bureau)
    return f"{bureau.code}{year}T{number:06d}"


def _pk(value: Any) -> Any:
    return getattr(value, "pk", value)


def _ids(values: Iterable[Any] | None) -> list[int]:
    ids: list[int] = []
    for value in values or ():
        pk = _pk(value)
        if pk not in ids:
            ids.append(pk)
    return ids


def _approved_enterprise(value: Any, field: str, errors: dict[str, list[str]]) -> EnterpriseFiling | None:
    if value is None or value == "":
        return None
    filing = (
        EnterpriseFiling.objects.select_related("bureau").filter(pk=_pk(value), status=FilingStatus.APPROVED).first()
    )
    if filing is None:
        errors[field] = [_("Name an approved enterprise filing.")]
    return filing


def _signals(user: User, values: Iterable[Any] | None, errors: dict[str, list[str]]) -> list[RiskSignal]:
    ids = _ids(values)
    found = {
        s.pk: s
        for s in RiskSignal.objects.visible_to(user)
        .select_related("enterprise__bureau", "platform__bureau", "product")
        .filter(pk__in=ids)
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        errors["signals"] = [_("No such risk signal: %(ids)s.") % {"ids": ", ".join(missing)}]
        return []
    signals = [found[pk] for pk in ids]
    unassessed = [f"#{s.pk}" for s in signals if s.status != SignalStatus.ASSESSED]
    if unassessed:
        errors["signals"] = [
            _("Only assessed signals are handed over to an investigation (assess them first): %(ids)s.")
            % {"ids": ", ".join(unassessed)}
        ]
    return signals


def _samplings(user: User, values: Iterable[Any] | None, errors: dict[str, list[str]]) -> list[Sampling]:
    ids = _ids(values)
    found = {
        s.pk: s
        for s in Sampling.objects.visible_to(user)
        .select_related("enterprise__bureau", "platform__bureau", "product")
        .filter(pk__in=ids)
    }
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        errors["samplings"] = [_("No such sampling: %(ids)s.") % {"ids": ", ".join(missing)}]
        return []
    samplings = [found[pk] for pk in ids]
    passed = [s.sampling_no for s in samplings if s.verdict != SamplingVerdict.FAIL]
    if passed:
        errors["samplings"] = [
            _("Only failed samplings open an investigation: %(numbers)s.") % {"numbers": ", ".join(passed)}
        ]
    return samplings


def _products(values: Iterable[Any] | None, errors: dict[str, list[str]]) -> list[ProductFiling]:
    ids = _ids(values)
    found = {
        p.pk: p
        for p in ProductFiling.objects.select_related("enterprise__bureau").filter(
            pk__in=ids, status=FilingStatus.APPROVED
        )
    }
    if len(found) != len(ids):
        errors["products"] = [_("Name approved product filings only.")]
    return [found[pk] for pk in ids if pk in found]


def _event(
    investigation: Investigation,
    kind: str,
    actor: Actor,
    message: str = "",
    data: dict[str, Any] | None = None,
) -> InvestigationEvent:
    return InvestigationEvent.objects.create(
        investigation=investigation,
        kind=kind,
        actor=None if isinstance(actor, str) else actor,
        actor_label=actor if isinstance(actor, str) else "",
        message=message,
        data=data or {},
    )


def _locked(investigation: Investigation) -> Investigation:
    return (
        Investigation.objects.select_for_update(of=("self",))
        .select_related("lead_bureau", "notifying_bureau")
        .get(pk=investigation.pk)
    )


def _text(value: str | None, field: str, errors: dict[str, list[str]], *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > _TEXT_LIMIT:
        errors[field] = [_("At most %(limit)d characters.") % {"limit": _TEXT_LIMIT}]
    return text


def _notify_lead(actor: Actor, investigation: Investigation, subject: str, body: str) -> None:
    """An inter-bureau notice to the lead bureau about the case, and its line on the timeline, when the
    actor may send one and the lead bureau is outside the actor's own jurisdiction."""
    if isinstance(actor, str) or not may_send(actor):
        return
    lead = investigation.lead_bureau
    if actor.bureau_id == lead.pk or actor.has_jurisdiction_over(lead):
        return
    notice = notice_send(actor=actor, to_bureau=lead, subject=subject[:_TITLE_LIMIT], body=body, obj=investigation)
    _event(
        investigation,
        InvestigationEventKind.NOTICE,
        actor,
        subject,
        {"notice": notice.pk, "from": notice.from_bureau.code, "to": lead.code},
    )


def _hand_over(actor: Actor, investigation: Investigation, signals: Sequence[RiskSignal]) -> None:
    for signal in signals:
        risk_signal_hand_over(actor=actor, signal=signal, investigation_ref=investigation.case_no)


# --- writes ----------------------------------------------------------------------------------------


@transaction.atomic
def investigation_open(
    *,
    actor: Actor,
    title: str,
    description: str = "",
    signals: Iterable[RiskSignal | int] | None = None,
    samplings: Iterable[Sampling | int] | None = None,
    enterprise: EnterpriseFiling | int | None = None,
    platform: EnterpriseFiling | int | None = None,
    products: Iterable[ProductFiling | int] | None = None,
) -> Investigation:
    """Open a case from assessed signals and/or failed samplings, or an approved enterprise, platform or
    products named directly (any bureau's). The enterprise and platform default to those of the first
    signal or sampling that names them, the products to theirs. The lead bureau is the platform's
    competent bureau, else the operator's; the opener's bureau notifies it (a notice, when it is
    another bureau). The signals are handed over. Audited; the timeline starts."""
    if not may_open(actor):
        raise PermissionDenied(_("Only bureau staff open investigations."))
    assert not isinstance(actor, str)
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Give a title.")]
    elif len(title) > _TITLE_LIMIT:
        errors["title"] = [_("At most %(limit)d characters.") % {"limit": _TITLE_LIMIT}]
    description = _text(description, "description", errors)
    signal_rows = _signals(actor, signals, errors)
    sampling_rows = _samplings(actor, samplings, errors)
    enterprise_row = _approved_enterprise(enterprise, "enterprise", errors)
    platform_row = _approved_enterprise(platform, "platform", errors)
    if platform_row is not None and not platform_row.is_platform:
        errors["platform"] = [_("Name an approved platform enterprise.")]
    product_rows = _products(products, errors)
    if errors:
        raise ValidationError(errors)
    sources: list[RiskSignal | Sampling] = [*signal_rows, *sampling_rows]
    if enterprise_row is None:
        enterprise_row = next((s.enterprise for s in sources if s.enterprise_id is not None), None)
    if enterprise_row is None and product_rows:
        enterprise_row = product_rows[0].enterprise
    if platform_row is None:
        platform_row = next((s.platform for s in sources if s.platform_id is not None), None)
    for source in sources:
        if source.product is not None and source.product not in product_rows:
            product_rows.append(source.product)
    for signal in signal_rows:
        for product in signal.products.all():
            if product not in product_rows:
                product_rows.append(product)
    lead = lead_bureau_for(platform=platform_row, enterprise=enterprise_row)
    if lead is None:
        raise ValidationError(
            {"enterprise": [_("Name the enterprise or the platform concerned: its competent bureau leads the case.")]}
        )
    assert actor.bureau_id is not None  # may_open: staff and headquarters with a bureau
    notifying = Bureau.objects.get(pk=actor.bureau_id)
    investigation = Investigation.objects.create(
        case_no=case_number_issue(bureau=lead),
        title=title,
        description=description,
        enterprise=enterprise_row,
        platform=platform_row,
        lead_bureau=lead,
        notifying_bureau=notifying,
        opened_by=actor,
    )
    investigation.signals.set(signal_rows)
    investigation.samplings.set(sampling_rows)
    investigation.products.set(product_rows)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=investigation,
        after=snapshot(
            investigation,
            extra={
                "signals": [s.pk for s in signal_rows],
                "samplings": [s.pk for s in sampling_rows],
                "products": [p.pk for p in product_rows],
            },
        ),
    )
    _event(
        investigation,
        InvestigationEventKind.OPENED,
        actor,
        description,
        {
            "lead_bureau": lead.code,
            "notifying_bureau": notifying.code,
            "signals": [s.pk for s in signal_rows],
            "samplings": [s.sampling_no for s in sampling_rows],
        },
    )
    _hand_over(actor, investigation, signal_rows)
    _notify_lead(
        actor,
        investigation,
        _("Investigation %(case_no)s: %(title)s") % {"case_no": investigation.case_no, "title": title},
        _("%(bureau)s opened this investigation; your bureau leads it (territorial management).")
        % {"bureau": notifying.name},
    )
    return investigation


@transaction.atomic
def investigation_add_signals(
    *,
    actor: Actor,
    investigation: Investigation,
    signals: Iterable[RiskSignal | int] | None = None,
    samplings: Iterable[Sampling | int] | None = None,
) -> Investigation:
    """Link more assessed signals (handed over) and failed samplings to an open case: staff of its lead
    or notifying bureau, headquarters. Audited; one timeline line per signal or sampling."""
    investigation = _locked(investigation)
    if not may_take_part(actor, investigation):
        raise PermissionDenied(_("Only the lead and notifying bureaus' staff add to this investigation."))
    assert not isinstance(actor, str)
    if not investigation.is_open:
        raise ValidationError({"status": [_("This investigation is closed.")]})
    errors: dict[str, list[str]] = {}
    linked_signals = set(investigation.signals.values_list("pk", flat=True))
    linked_samplings = set(investigation.samplings.values_list("pk", flat=True))
    signal_rows = _signals(actor, [pk for pk in _ids(signals) if pk not in linked_signals], errors)
    sampling_rows = _samplings(actor, [pk for pk in _ids(samplings) if pk not in linked_samplings], errors)
    if not errors and not signal_rows and not sampling_rows:
        errors["signals"] = [_("Name a signal or a sampling not linked yet.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(investigation, extra={"signals": sorted(linked_signals), "samplings": sorted(linked_samplings)})
    investigation.signals.add(*signal_rows)
    investigation.samplings.add(*sampling_rows)
    products = {p.pk for p in investigation.products.all()}
    sources: list[RiskSignal | Sampling] = [*signal_rows, *sampling_rows]
    extra_products = [
        source.product_id for source in sources if source.product_id and source.product_id not in products
    ]
    if extra_products:
        investigation.products.add(*set(extra_products))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=investigation,
        before=before,
        after=snapshot(
            investigation,
            extra={
                "signals": sorted(linked_signals | {s.pk for s in signal_rows}),
                "samplings": sorted(linked_samplings | {s.pk for s in sampling_rows}),
            },
        ),
    )
    for signal in signal_rows:
        _event(investigation, InvestigationEventKind.SIGNAL, actor, signal.title, {"signal": signal.pk})
    for sampling in sampling_rows:
        _event(
            investigation,
            InvestigationEventKind.SIGNAL,
            actor,
            sampling.sampling_no,
            {"sampling": sampling.pk, "sampling_no": sampling.sampling_no},
        )
    _hand_over(actor, investigation, signal_rows)
    investigation.save(update_fields=["updated_at"])
    return investigation


@transaction.atomic
def investigation_advance(*, actor: Actor, investigation: Investigation, status: str, note: str = "") -> Investigation:
    """Move the case on (opened → investigating → measures decided → under rectification), by the lead
    bureau's staff only; closing takes findings (``investigation_close``). Audited; a timeline line."""
    investigation = _locked(investigation)
    if not may_lead(actor, investigation):
        raise PermissionDenied(_("Only the lead bureau's staff move this investigation on."))
    if status == InvestigationStatus.CLOSED:
        raise ValidationError({"status": [_("Close the investigation with its findings.")]})
    if status not in InvestigationStatus.values:
        raise ValidationError({"status": [_("One of %(values)s.") % {"values": ", ".join(InvestigationStatus.values)}]})
    errors: dict[str, list[str]] = {}
    note = _text(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    current = check_transition(investigation, status, INVESTIGATION_TRANSITIONS)
    before = snapshot(investigation)
    investigation.status = status
    investigation.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=investigation,
        before=before,
        after=snapshot(investigation),
        reason=note,
    )
    _event(investigation, InvestigationEventKind.STATUS, actor, note, {"from": current, "to": status})
    return investigation


@transaction.atomic
def investigation_close(
    *,
    actor: Actor,
    investigation: Investigation,
    root_cause: str,
    responsible_party: str,
    responsible_enterprise: EnterpriseFiling | int | None,
    quality_problem_confirmed: bool | None,
    note: str = "",
) -> Investigation:
    """Close the case with its findings, by the lead bureau's staff: the root cause, the responsible
    party (its role in the chain) and enterprise (an approved filing), and whether a quality problem of
    its goods is confirmed (counted for strict supervision). Its measures are all done first (verified).
    Audited; a timeline line."""
    investigation = _locked(investigation)
    if not may_lead(actor, investigation):
        raise PermissionDenied(_("Only the lead bureau's staff close this investigation."))
    errors: dict[str, list[str]] = {}
    root_cause = _text(root_cause, "root_cause", errors, required=True)
    note = _text(note, "note", errors)
    if responsible_party not in ResponsibleParty.values:
        errors["responsible_party"] = [_("One of %(values)s.") % {"values": ", ".join(ResponsibleParty.values)}]
    enterprise_row: EnterpriseFiling | None = None
    if responsible_enterprise is None:
        errors["responsible_enterprise"] = [_("Name the responsible enterprise.")]
    else:
        enterprise_row = _approved_enterprise(responsible_enterprise, "responsible_enterprise", errors)
    if quality_problem_confirmed is None:
        errors["quality_problem_confirmed"] = [_("Say whether a quality problem is confirmed.")]
    if errors:
        raise ValidationError(errors)
    current = check_transition(investigation, InvestigationStatus.CLOSED, INVESTIGATION_TRANSITIONS)
    open_measures = list(investigation.measures.filter(status__in=MEASURE_OPEN).values_list("pk", flat=True))
    if open_measures:
        raise ValidationError(
            {
                "status": [
                    _("Measures still open: %(ids)s. Close the investigation once they are verified.")
                    % {"ids": ", ".join(f"#{pk}" for pk in open_measures)}
                ]
            }
        )
    before = snapshot(investigation)
    investigation.status = InvestigationStatus.CLOSED
    investigation.root_cause = root_cause
    investigation.responsible_party = responsible_party
    investigation.responsible_enterprise = enterprise_row
    investigation.quality_problem_confirmed = bool(quality_problem_confirmed)
    investigation.closed_at = timezone.now()
    investigation.closed_by = None if isinstance(actor, str) else actor
    investigation.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=investigation,
        before=before,
        after=snapshot(investigation),
        reason=note,
    )
    assert enterprise_row is not None
    _event(
        investigation,
        InvestigationEventKind.CLOSED,
        actor,
        note or root_cause,
        {
            "from": current,
            "responsible_party": responsible_party,
            "responsible_enterprise": enterprise_row.pk,
            "quality_problem_confirmed": bool(quality_problem_confirmed),
        },
    )
    if quality_problem_confirmed:
        # A repeat offender is proposed for strict supervision at once, not only by the nightly check
        from traceability.services.escalation import escalation_check_for

        escalation_check_for(enterprise_row)
    return investigation


@transaction.atomic
def investigation_reassign(
    *, actor: Actor, investigation: Investigation, lead_bureau: Bureau | str | None, reason: str
) -> Investigation:
    """Headquarters gives an open case to another lead bureau, with a reason; a notice goes to it.
    Audited; a timeline line."""
    investigation = _locked(investigation)
    if isinstance(actor, str) or not actor.is_hq:
        raise PermissionDenied(_("Only headquarters reassigns an investigation."))
    if not investigation.is_open:
        raise ValidationError({"status": [_("This investigation is closed.")]})
    errors: dict[str, list[str]] = {}
    try:
        reason = require_reason(reason)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if isinstance(lead_bureau, Bureau):
        new_lead: Bureau | None = lead_bureau
    else:
        new_lead = Bureau.objects.filter(code=str(lead_bureau or "").strip()).first()
    if new_lead is None or not new_lead.is_active:
        errors["lead_bureau"] = [_("Name an active bureau by its code.")]
    elif new_lead.pk == investigation.lead_bureau_id:
        errors["lead_bureau"] = [_("This bureau leads the investigation already.")]
    if errors:
        raise ValidationError(errors)
    assert new_lead is not None
    old_code = investigation.lead_bureau.code
    before = snapshot(investigation)
    investigation.lead_bureau = new_lead
    investigation.save(update_fields=["lead_bureau", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.REASSIGN,
        obj=investigation,
        before=before,
        after=snapshot(investigation),
        reason=reason,
    )
    _event(investigation, InvestigationEventKind.REASSIGNED, actor, reason, {"from": old_code, "to": new_lead.code})
    _notify_lead(
        actor,
        investigation,
        _("Investigation %(case_no)s reassigned to your bureau: %(title)s")
        % {"case_no": investigation.case_no, "title": investigation.title},
        reason,
    )
    return investigation


@transaction.atomic
def investigation_flag_major(*, actor: Actor, investigation: Investigation, reason: str) -> Investigation:
    """Flag a case major (the lead bureau's staff or headquarters), once, with a reason: the immediate
    report goes to headquarters (every active headquarters user's inbox, with the one-page report on the
    case page) and the local government is recorded as informed. Audited; a timeline line."""
    investigation = _locked(investigation)
    if isinstance(actor, str) or not (actor.is_hq or may_lead(actor, investigation)):
        raise PermissionDenied(_("Only the lead bureau's staff or headquarters flag a major case."))
    if not investigation.is_open:
        raise ValidationError({"status": [_("This investigation is closed.")]})
    if investigation.major:
        raise ValidationError({"major": [_("This investigation is flagged major already.")]})
    reason = require_reason(reason)
    now = timezone.now()
    before = snapshot(investigation)
    investigation.major = True
    investigation.major_reported_at = now
    investigation.local_government_informed_at = now
    investigation.save(update_fields=["major", "major_reported_at", "local_government_informed_at", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=investigation,
        before=before,
        after=snapshot(investigation),
        reason=reason,
    )
    _event(
        investigation,
        InvestigationEventKind.MAJOR,
        actor,
        reason,
        {"reported_to": "HQ", "local_government_informed": True},
    )
    notify(
        recipients=User.objects.filter(role=Role.HQ, is_active=True).order_by("pk"),
        kind="investigation_major",
        params={
            "case_no": investigation.case_no,
            "title": investigation.title,
            "lead_bureau": investigation.lead_bureau.name,
            "reason": reason,
        },
        url=investigation.get_absolute_url(),
    )
    return investigation


@transaction.atomic
def investigation_note(*, actor: Actor, investigation: Investigation, message: str) -> InvestigationEvent:
    """A note on the timeline, by staff of the lead or notifying bureau or headquarters. Audited (the
    note, as a part of the case)."""
    investigation = _locked(investigation)
    if not may_take_part(actor, investigation):
        raise PermissionDenied(_("Only the lead and notifying bureaus' staff add notes to this investigation."))
    errors: dict[str, list[str]] = {}
    message = _text(message, "message", errors, required=True)
    if errors:
        raise ValidationError(errors)
    event = _event(investigation, InvestigationEventKind.NOTE, actor, message)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=event, after=snapshot(event), related=investigation)
    investigation.save(update_fields=["updated_at"])
    return event

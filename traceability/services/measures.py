"""Measures: ordered on an investigation by its lead bureau, acknowledged and completed (with the proof
their type needs) by the enterprise they are addressed to, verified (or rejected back) by the lead
bureau; overdue when their deadline passes (a periodic task, once, both sides told).

Recalls carry progress reports (units sold, units recovered, how buyers were reached); a recall below
the required recovery rate at its deadline is flagged (the same task). Delistings name the listings the
platform takes down and confirms one by one. An enterprise opens a voluntary recall itself; its
competent bureau reviews it (accepted: it proceeds as a recall; returned with a reason). The
follow-up of measures under way (recall progress, delisting confirmations, the periodic deadline and
recovery flags) is in ``traceability.services.measure_followup``.

Every write is audited in its transaction; a measure on an investigation also writes a line of the
case's timeline (``InvestigationEvent`` of kind ``measure``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from cbec_supervision.attachments import attachment_create
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import Attachment
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import check_transition, require_reason
from filings.choices import FilingStatus
from filings.models import EnterpriseFiling, ProductFiling
from imports.models import ImportBatch
from traceability.choices import (
    MEASURE_TRANSITIONS,
    PLATFORM_MEASURE_TYPES,
    InvestigationEventKind,
    MeasureStatus,
    MeasureType,
    ProofKind,
    ProofRequirement,
    VoluntaryReview,
)
from traceability.models import (
    Investigation,
    InvestigationEvent,
    Measure,
)

_TEXT_LIMIT = 10000
_URL_LIMIT = 1000
_MAX_LISTINGS = 200


def proof_attachment_kind(proof: str) -> str:
    """The attachment ``kind`` of a proof file (``measure_photo``)."""
    return f"measure_{proof}"


# --- who may act -----------------------------------------------------------------------------------


def _person(actor: Actor) -> User | None:
    return None if isinstance(actor, str) else actor


def may_issue(actor: Actor, investigation: Investigation) -> bool:
    """Staff of the lead bureau (or its parent direct bureau), while the investigation is open."""
    if isinstance(actor, str):
        return investigation.is_open
    return actor.is_active and investigation.is_open and actor.has_jurisdiction_over(investigation.lead_bureau)


def may_act_as_enterprise(actor: Actor, measure: Measure) -> bool:
    """A user of the enterprise the measure is addressed to."""
    return (
        not isinstance(actor, str)
        and actor.is_active
        and actor.is_enterprise_user
        and actor.enterprise_id is not None
        and actor.enterprise_id == measure.enterprise_id
    )


def may_confirm_delisting(actor: Actor, measure: Measure) -> bool:
    """A user of the platform a delisting names."""
    return (
        measure.type == MeasureType.DELISTING
        and measure.platform_id is not None
        and not isinstance(actor, str)
        and actor.is_active
        and actor.is_enterprise_user
        and actor.enterprise_id == measure.platform_id
    )


def _supervising_bureau(measure: Measure) -> Any:
    if measure.investigation_id is not None:
        return measure.investigation.lead_bureau  # type: ignore[union-attr]
    return measure.enterprise.bureau


def may_verify(actor: Actor, measure: Measure) -> bool:
    """Staff of the lead bureau (a voluntary recall: of the enterprise's competent bureau)."""
    if isinstance(actor, str):
        return True
    return actor.is_active and actor.has_jurisdiction_over(_supervising_bureau(measure))


def may_review_voluntary(actor: Actor, measure: Measure) -> bool:
    """Staff of the enterprise's competent bureau review a voluntary recall awaiting review."""
    return measure.voluntary and measure.review_status == VoluntaryReview.PENDING and may_verify(actor, measure)


# --- helpers ---------------------------------------------------------------------------------------


def _staff_of(bureau_ids: Iterable[int | None]) -> models.QuerySet[User]:
    ids = [pk for pk in bureau_ids if pk is not None]
    staff: models.QuerySet[User] = User.objects.filter(
        bureau_id__in=ids, role__in=(Role.BUREAU_ADMIN, Role.INSPECTOR), is_active=True
    ).order_by("pk")
    return staff


def _users_of(enterprise_ids: Iterable[int | None]) -> models.QuerySet[User]:
    ids = [pk for pk in enterprise_ids if pk is not None]
    users: models.QuerySet[User] = User.objects.filter(
        enterprise_id__in=ids, role=Role.ENTERPRISE, is_active=True
    ).order_by("pk")
    return users


def _params(measure: Measure, **extra: Any) -> dict[str, Any]:
    return {
        "type": str(measure.get_type_display()),
        "id": measure.pk,
        "enterprise": measure.enterprise.name,
        "deadline": date_format(timezone.localtime(measure.deadline), "Y-m-d H:i"),
        **extra,
    }


def _event(measure: Measure, actor: Actor, message: str, **data: Any) -> None:
    """A line on the case's timeline (a voluntary recall has no case)."""
    if measure.investigation_id is None:
        return
    person = _person(actor)
    InvestigationEvent.objects.create(
        investigation_id=measure.investigation_id,
        kind=InvestigationEventKind.MEASURE,
        actor=person,
        actor_label="" if person is not None else str(actor)[:100],
        message=message,
        data={"measure": measure.pk, "type": measure.type, "status": measure.status, **data},
    )


def _locked(measure: Measure) -> Measure:
    locked: Measure = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("investigation__lead_bureau", "enterprise__bureau", "platform")
        .get(pk=measure.pk)
    )
    return locked


def _text(value: str | None, field: str, errors: dict[str, list[str]], *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[field] = [_("This field is required.")]
    elif len(text) > _TEXT_LIMIT:
        errors[field] = [_("At most %(limit)d characters.") % {"limit": _TEXT_LIMIT}]
    return text


def _listing_urls(values: Sequence[str] | str | None, errors: dict[str, list[str]]) -> list[str]:
    if isinstance(values, str):
        values = values.split()
    urls: list[str] = []
    check = URLValidator(schemes=["http", "https"])
    for raw in values or ():
        url = str(raw).strip()
        if not url or url in urls:
            continue
        try:
            if len(url) > _URL_LIMIT:
                raise ValidationError("too long")
            check(url)
        except ValidationError:
            errors["listing_urls"] = [_("Not a web address: %(url)s") % {"url": url[:100]}]
            return []
        urls.append(url)
    if len(urls) > _MAX_LISTINGS:
        errors["listing_urls"] = [_("At most %(limit)d listings.") % {"limit": _MAX_LISTINGS}]
    return urls


def _approved_enterprise(value: EnterpriseFiling | int | None, field: str, errors: dict[str, list[str]]) -> Any:
    if not value:
        return None
    pk = value.pk if isinstance(value, EnterpriseFiling) else value
    filing = EnterpriseFiling.objects.select_related("bureau").filter(pk=pk, status=FilingStatus.APPROVED).first()
    if filing is None:
        errors[field] = [_("Name an approved enterprise filing.")]
    return filing


def _approved_product(value: ProductFiling | int | None, errors: dict[str, list[str]]) -> Any:
    if not value:
        return None
    pk = value.pk if isinstance(value, ProductFiling) else value
    product = ProductFiling.objects.filter(pk=pk, status=FilingStatus.APPROVED).first()
    if product is None:
        errors["product"] = [_("Name an approved product filing.")]
    return product


def _attachments(measure: Measure) -> models.QuerySet[Attachment]:
    content_type = ContentType.objects.get_for_model(Measure)
    found: models.QuerySet[Attachment] = Attachment.objects.filter(content_type=content_type, object_id=str(measure.pk))
    return found


def missing_proof(measure: Measure, new_kinds: Iterable[str] = ()) -> dict[str, str]:
    """The proof the measure's type requires that is not there yet: ``{proof: message}``.

    ``new_kinds``: proof kinds of files about to be attached with the response.
    """
    required = measure.required_proof
    if not required:
        return {}
    have = set(new_kinds)
    have |= {
        kind.removeprefix("measure_")
        for kind in _attachments(measure).values_list("kind", flat=True).distinct()
        if kind.startswith("measure_")
    }
    missing: dict[str, str] = {}
    for proof in required:
        if proof == ProofRequirement.LISTINGS_CONFIRMED:
            confirmed = set(measure.delistings.values_list("url", flat=True))
            left = [url for url in measure.listing_urls if url not in confirmed]
            if left or not measure.listing_urls:
                missing[proof] = _("The platform has not confirmed every listing taken down yet (%(count)d left).") % {
                    "count": len(left)
                }
        elif proof == ProofRequirement.PROGRESS_REPORT:
            if not measure.progress_reports.exists():
                missing[proof] = _("Report the recall's progress (units recovered / units sold) first.")
        elif proof not in have:
            missing[proof] = _("Attach the proof this measure requires: %(proof)s.") % {"proof": ProofKind(proof).label}
    return missing


def _attach_all(actor: Actor, measure: Measure, files: Mapping[str, Sequence[UploadedFile]]) -> list[Attachment]:
    attached: list[Attachment] = []
    for proof, uploads in files.items():
        for upload in uploads:
            try:
                attached.append(
                    attachment_create(owner=measure, upload=upload, actor=actor, kind=proof_attachment_kind(proof))
                )
            except ValidationError as exc:
                raise ValidationError({proof: exc.messages}) from exc
    return attached


def _check_proof_kinds(files: Mapping[str, Sequence[UploadedFile]]) -> None:
    unknown = [kind for kind in files if kind not in ProofKind.values]
    if unknown:
        raise ValidationError({unknown[0]: [_("One of %(values)s.") % {"values": ", ".join(ProofKind.values)}]})


# --- issuing ---------------------------------------------------------------------------------------


@transaction.atomic
def measure_issue(
    *,
    actor: Actor,
    investigation: Investigation,
    type: str,
    enterprise: EnterpriseFiling | int | None,
    description: str,
    deadline: dt.datetime | None,
    legal_basis: str = "",
    product: ProductFiling | int | None = None,
    batch: ImportBatch | int | None = None,
    platform: EnterpriseFiling | int | None = None,
    listing_urls: Sequence[str] | str | None = None,
) -> Measure:
    """The lead bureau's staff order a measure on an open investigation.

    Its target is an approved enterprise (any bureau's), optionally one of its approved products
    and one of its import batches; a delisting or a recall may name the platform concerned (a
    delisting must: the platform confirms each listing taken down) and may be addressed to the
    platform itself. The deadline is in the future. The enterprise's users (and the platform's) are
    told. ValidationError per field; PermissionDenied for anyone but the lead bureau's staff.
    """
    investigation = (
        Investigation.objects.select_for_update(of=("self",)).select_related("lead_bureau").get(pk=investigation.pk)
    )
    if not isinstance(actor, str) and not actor.has_jurisdiction_over(investigation.lead_bureau):
        raise PermissionDenied(_("Only staff of the lead bureau issue measures on this investigation."))
    errors: dict[str, list[str]] = {}
    if not investigation.is_open:
        errors["investigation"] = [_("Measures are issued on an open investigation only.")]
    if type not in MeasureType.values:
        errors["type"] = [_("One of %(values)s.") % {"values": ", ".join(MeasureType.values)}]
    target = _approved_enterprise(enterprise, "enterprise", errors)
    if not enterprise:
        errors["enterprise"] = [_("Name the enterprise the measure is addressed to.")]
    concerned = _approved_enterprise(platform, "platform", errors)
    if concerned is not None:
        if not concerned.is_platform:
            errors["platform"] = [_("Name an approved platform enterprise.")]
        elif type not in PLATFORM_MEASURE_TYPES:
            errors["platform"] = [_("Only a delisting or a recall names the platform concerned.")]
    elif type == MeasureType.DELISTING and "platform" not in errors:
        errors["platform"] = [_("A delisting names the platform that takes the listings down.")]
    goods = _approved_product(product, errors)
    # Addressed to the platform: the goods are its sellers'.
    to_platform = target is not None and concerned is not None and target.pk == concerned.pk
    if goods is not None and target is not None and not to_platform and goods.enterprise_id != target.pk:
        errors["product"] = [_("Name a product of the enterprise the measure is addressed to.")]
    lot = None
    if batch:
        pk = batch.pk if isinstance(batch, ImportBatch) else batch
        lot = ImportBatch.objects.filter(pk=pk).first()
        if lot is None:
            errors["batch"] = [_("No such import batch.")]
        elif target is not None and target.pk not in (lot.enterprise_id, lot.platform_id, lot.warehouse_id):
            errors["batch"] = [_("Name a batch of the enterprise the measure is addressed to.")]
    description = _text(description, "description", errors, required=True)
    legal_basis = _text(legal_basis, "legal_basis", errors, required=True)
    urls = _listing_urls(listing_urls, errors)
    if type == MeasureType.DELISTING and not urls and "listing_urls" not in errors:
        errors["listing_urls"] = [_("List the listings (URLs) to take down.")]
    if deadline is None:
        errors["deadline"] = [_("Give a deadline.")]
    elif deadline <= timezone.now():
        errors["deadline"] = [_("The deadline is to be in the future.")]
    if errors:
        raise ValidationError(errors)
    assert target is not None and deadline is not None
    measure = Measure.objects.create(
        investigation=investigation,
        type=type,
        enterprise=target,
        platform=concerned,
        product=goods,
        batch=lot,
        description=description,
        legal_basis=legal_basis,
        deadline=deadline,
        listing_urls=urls,
        issued_by=_person(actor),
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=measure, after=snapshot(measure), related=investigation)
    _event(measure, actor, _("%(type)s issued to %(enterprise)s") % _params(measure))
    notify(
        recipients=_users_of([target.pk, concerned.pk if concerned else None]),
        kind="measure_issued",
        params=_params(measure),
        url=measure.get_absolute_url(),
    )
    return measure


@transaction.atomic
def measure_voluntary_open(
    *,
    actor: User,
    product: ProductFiling | int | None,
    description: str,
    deadline: dt.datetime | None,
    platform: EnterpriseFiling | int | None = None,
    legal_basis: str = "",
) -> Measure:
    """An enterprise opens a recall of its own approved product itself (a voluntary recall, no
    investigation); its competent bureau reviews it before it proceeds. PermissionDenied for anyone
    but an enterprise user of an approved enterprise."""
    if isinstance(actor, str) or not actor.is_enterprise_user or actor.enterprise_id is None:
        raise PermissionDenied(_("Only an enterprise user opens a voluntary recall of its own goods."))
    enterprise = EnterpriseFiling.objects.select_related("bureau").get(pk=actor.enterprise_id)
    if enterprise.status != FilingStatus.APPROVED:
        raise PermissionDenied(_("Your enterprise's filing is to be approved before it opens a recall."))
    errors: dict[str, list[str]] = {}
    goods = _approved_product(product, errors)
    if not product:
        errors["product"] = [_("Name the product recalled.")]
    elif goods is not None and goods.enterprise_id != enterprise.pk:
        errors["product"] = [_("Recall your own products only.")]
    concerned = _approved_enterprise(platform, "platform", errors)
    if concerned is not None and not concerned.is_platform:
        errors["platform"] = [_("Name an approved platform enterprise.")]
    description = _text(description, "description", errors, required=True)
    legal_basis = _text(legal_basis, "legal_basis", errors)
    if deadline is None:
        errors["deadline"] = [_("Give a deadline.")]
    elif deadline <= timezone.now():
        errors["deadline"] = [_("The deadline is to be in the future.")]
    if errors:
        raise ValidationError(errors)
    assert deadline is not None
    measure = Measure.objects.create(
        type=MeasureType.RECALL,
        voluntary=True,
        review_status=VoluntaryReview.PENDING,
        enterprise=enterprise,
        platform=concerned,
        product=goods,
        description=description,
        legal_basis=legal_basis,
        deadline=deadline,
        issued_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=measure, after=snapshot(measure))
    notify(
        recipients=_staff_of([enterprise.bureau_id]),
        kind="voluntary_recall_opened",
        params=_params(measure),
        url=measure.get_absolute_url(),
    )
    return measure


@transaction.atomic
def measure_review(*, actor: Actor, measure: Measure, accept: bool, reason: str = "") -> Measure:
    """The competent bureau reviews a voluntary recall: accepted, it proceeds like a recall (the
    enterprise opened it, so it stands acknowledged); returned, with a reason, it goes no further."""
    measure = _locked(measure)
    if not may_verify(actor, measure):
        raise PermissionDenied(_("Only staff of the enterprise's competent bureau review this recall."))
    if not measure.voluntary or measure.review_status != VoluntaryReview.PENDING:
        raise ValidationError({"review_status": [_("This recall is not awaiting review.")]})
    reason = (reason or "").strip() if accept else require_reason(reason)
    before = snapshot(measure)
    measure.review_status = VoluntaryReview.ACCEPTED if accept else VoluntaryReview.RETURNED
    measure.review_reason = reason
    measure.reviewed_at = timezone.now()
    measure.reviewed_by = _person(actor)
    if accept:
        measure.status = MeasureStatus.ACKNOWLEDGED
        measure.acknowledged_at = measure.reviewed_at
    measure.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPROVE if accept else AuditAction.RETURN,
        obj=measure,
        before=before,
        after=snapshot(measure),
        reason=reason,
    )
    notify(
        recipients=_users_of([measure.enterprise_id]),
        kind="voluntary_recall_accepted" if accept else "voluntary_recall_returned",
        params=_params(measure, reason=reason),
        url=measure.get_absolute_url(),
    )
    return measure


# --- the enterprise's side -------------------------------------------------------------------------


def _require_enterprise(actor: Actor, measure: Measure) -> None:
    if not may_act_as_enterprise(actor, measure):
        raise PermissionDenied(_("Only the enterprise the measure is addressed to acts on it."))
    if measure.awaits_review:
        raise ValidationError({"review_status": [_("The bureau has not accepted this voluntary recall.")]})


@transaction.atomic
def measure_acknowledge(*, actor: Actor, measure: Measure) -> Measure:
    """The enterprise acknowledges the measure (issued, or overdue before it was acknowledged)."""
    measure = _locked(measure)
    _require_enterprise(actor, measure)
    if measure.acknowledged_at is not None:
        raise ValidationError({"status": [_("This measure is acknowledged already.")]})
    check_transition(measure, MeasureStatus.ACKNOWLEDGED, MEASURE_TRANSITIONS)
    before = snapshot(measure)
    measure.status = MeasureStatus.ACKNOWLEDGED
    measure.acknowledged_at = timezone.now()
    measure.save(update_fields=["status", "acknowledged_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.ACKNOWLEDGE, obj=measure, before=before, after=snapshot(measure))
    _event(measure, actor, _("%(type)s acknowledged by %(enterprise)s") % _params(measure))
    return measure


@transaction.atomic
def measure_attach(*, actor: Actor, measure: Measure, upload: UploadedFile, proof: str) -> Attachment:
    """The enterprise adds a proof file (a recall plan, photos) before it responds."""
    measure = _locked(measure)
    _require_enterprise(actor, measure)
    if measure.status not in (MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED, MeasureStatus.OVERDUE):
        raise ValidationError({"status": [_("Proof is added while the measure is not completed.")]})
    _check_proof_kinds({proof: [upload]})
    [attachment] = _attach_all(actor, measure, {proof: [upload]})
    return attachment


@transaction.atomic
def measure_respond(
    *,
    actor: Actor,
    measure: Measure,
    response: str,
    files: Mapping[str, Sequence[UploadedFile]] | None = None,
) -> Measure:
    """The enterprise completes an acknowledged (or overdue) measure: its response and proof files
    (``{proof kind: [files]}``). Refused, with a message per missing item, while proof the type
    requires is missing (files, every listing confirmed, a progress report). The lead bureau's staff
    are told."""
    measure = _locked(measure)
    _require_enterprise(actor, measure)
    files = dict(files or {})
    errors: dict[str, list[str]] = {}
    response = _text(response, "response", errors, required=True)
    if errors:
        raise ValidationError(errors)
    _check_proof_kinds(files)
    if measure.status == MeasureStatus.OVERDUE and measure.acknowledged_at is None:
        raise ValidationError({"status": [_("Acknowledge the measure first.")]})
    check_transition(measure, MeasureStatus.COMPLETED, MEASURE_TRANSITIONS)
    missing = missing_proof(measure, [kind for kind, uploads in files.items() if uploads])
    if missing:
        raise ValidationError({proof: [message] for proof, message in missing.items()})
    before = snapshot(measure)
    _attach_all(actor, measure, files)
    measure.status = MeasureStatus.COMPLETED
    measure.response = response
    measure.completed_at = timezone.now()
    measure.save(update_fields=["status", "response", "completed_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.SUBMIT, obj=measure, before=before, after=snapshot(measure))
    _event(measure, actor, _("%(type)s completed by %(enterprise)s: proof submitted") % _params(measure))
    notify(
        recipients=_staff_of([_supervising_bureau(measure).pk]),
        kind="measure_completed",
        params=_params(measure),
        url=measure.get_absolute_url(),
    )
    return measure


# --- the bureau's side -----------------------------------------------------------------------------


def _require_verifier(actor: Actor, measure: Measure) -> None:
    if not may_verify(actor, measure):
        raise PermissionDenied(_("Only staff of the lead bureau verify this measure."))


@transaction.atomic
def measure_verify(
    *, actor: Actor, measure: Measure, recheck_passed: bool | None = None, recheck_note: str = ""
) -> Measure:
    """The lead bureau verifies a completed measure. A rectification order ends with a re-check:
    ``recheck_passed`` and a note are recorded; a failed re-check sends the order back to the
    enterprise (acknowledged, the note as the reason) instead of verifying it."""
    measure = _locked(measure)
    _require_verifier(actor, measure)
    check_transition(measure, MeasureStatus.VERIFIED, MEASURE_TRANSITIONS)
    errors: dict[str, list[str]] = {}
    note = _text(recheck_note, "recheck_note", errors)
    if measure.type == MeasureType.RECTIFICATION:
        if recheck_passed is None:
            errors["recheck_passed"] = [_("Record the result of the re-check.")]
        if not note:
            errors["recheck_note"] = [_("Describe the re-check.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(measure)
    if measure.type == MeasureType.RECTIFICATION:
        measure.recheck_passed = recheck_passed
        measure.recheck_note = note
        if not recheck_passed:
            return _send_back(actor, measure, before, _("Re-check failed: %(note)s") % {"note": note})
    measure.status = MeasureStatus.VERIFIED
    measure.verified_at = timezone.now()
    measure.verified_by = _person(actor)
    measure.save()
    audit_record(actor=actor, action=AuditAction.APPROVE, obj=measure, before=before, after=snapshot(measure))
    _event(measure, actor, _("%(type)s verified") % _params(measure))
    notify(
        recipients=_users_of([measure.enterprise_id]),
        kind="measure_verified",
        params=_params(measure),
        url=measure.get_absolute_url(),
    )
    return measure


def _send_back(actor: Actor, measure: Measure, before: dict[str, Any], reason: str) -> Measure:
    check_transition(measure, MeasureStatus.ACKNOWLEDGED, MEASURE_TRANSITIONS)
    measure.status = MeasureStatus.ACKNOWLEDGED
    measure.rejected_reason = reason
    measure.completed_at = None
    measure.save()
    audit_record(
        actor=actor, action=AuditAction.REJECT, obj=measure, before=before, after=snapshot(measure), reason=reason
    )
    _event(measure, actor, _("%(type)s sent back: %(reason)s") % _params(measure, reason=reason))
    notify(
        recipients=_users_of([measure.enterprise_id]),
        kind="measure_rejected",
        params=_params(measure, reason=reason),
        url=measure.get_absolute_url(),
    )
    return measure


@transaction.atomic
def measure_reject(*, actor: Actor, measure: Measure, reason: str) -> Measure:
    """The lead bureau rejects the proof of a completed measure: back to acknowledged, with a reason."""
    measure = _locked(measure)
    _require_verifier(actor, measure)
    reason = require_reason(reason)
    if len(reason) > _TEXT_LIMIT:
        raise ValidationError({"reason": [_("At most %(limit)d characters.") % {"limit": _TEXT_LIMIT}]})
    if measure.status != MeasureStatus.COMPLETED:
        check_transition(measure, MeasureStatus.ACKNOWLEDGED, {MeasureStatus.COMPLETED: (MeasureStatus.ACKNOWLEDGED,)})
    return _send_back(actor, measure, snapshot(measure), reason)

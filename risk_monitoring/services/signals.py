"""Risk signals: intake by bureau staff and by enterprises, and triage by the competent bureau.

Staff enter signals from every source but ``enterprise_report`` and may name any approved
enterprise or product filing of any bureau (filings are shared nationally once approved); the
signal is reported by their bureau. An enterprise user reports risks about its own goods only
(``enterprise_report``, its own approved products). The signal joins the queue of the bureau
competent for its enterprise, whose staff (or headquarters) assess it (severity and a reason), and
close it with a reason or mark it a duplicate of another. Every write is audited, in its transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Bureau, User
from cbec_supervision.attachments import attachment_create
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import Attachment
from cbec_supervision.workflow import check_transition, require_reason
from filings.choices import FilingStatus, GoodsCategory, ProductSubcategory
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.choices import (
    SIGNAL_TRANSITIONS,
    STAFF_SOURCES,
    Hazard,
    OverseasFeed,
    Severity,
    SignalSource,
    SignalStatus,
)
from risk_monitoring.models import RiskSignal
from risk_monitoring.services.matching import signal_match_new
from risk_monitoring.services.score_events import risk_scores_schedule

#: the kind of the files on a signal (photos, a test report, the overseas notice as published)
ATTACHMENT_KIND = "risk_evidence"

_TEXT_LIMITS = {"title": 300, "gtin": 14, "brand": 200, "model": 200, "overseas_reference": 100}


def _staff(actor: Actor) -> User | None:
    """The acting staff member (None for a task or command acting for the system)."""
    if isinstance(actor, str):
        return None
    if not (actor.is_bureau_staff or actor.is_hq):
        raise PermissionDenied(_("Only bureau staff may enter risk signals."))
    return actor


def _enterprise(value: EnterpriseFiling | int | None, field: str, errors: dict[str, list[str]]) -> Any:
    if value is None:
        return None
    pk = value.pk if isinstance(value, EnterpriseFiling) else value
    filing = EnterpriseFiling.objects.select_related("bureau").filter(pk=pk, status=FilingStatus.APPROVED).first()
    if filing is None:
        errors[field] = [_("Name an approved enterprise filing.")]
    return filing


def _products(values: Sequence[ProductFiling | int], errors: dict[str, list[str]]) -> list[ProductFiling]:
    ids: list[int] = []
    for value in values:
        pk = value.pk if isinstance(value, ProductFiling) else value
        if pk not in ids:
            ids.append(pk)
    found = {
        p.pk: p
        for p in ProductFiling.objects.select_related("enterprise__bureau").filter(
            pk__in=ids, status=FilingStatus.APPROVED
        )
    }
    if len(found) != len(ids):
        errors["products"] = [_("Name approved product filings only.")]
    return [found[pk] for pk in ids if pk in found]


def _clean(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """The signal's own fields, checked; a problem goes to ``errors`` under its field."""
    cleaned: dict[str, Any] = {}
    for name in ("title", "description", "gtin", "brand", "model", "overseas_reference", "origin_country"):
        cleaned[name] = str(data.get(name) or "").strip()
    if not cleaned["title"]:
        errors["title"] = [_("Give a title.")]
    for name, limit in _TEXT_LIMITS.items():
        if len(cleaned[name]) > limit:
            errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
    if cleaned["gtin"] and not cleaned["gtin"].isdigit():
        errors["gtin"] = [_("A GTIN is 8 to 14 digits.")]
    cleaned["origin_country"] = cleaned["origin_country"].upper()
    if cleaned["origin_country"] and len(cleaned["origin_country"]) != 2:
        errors["origin_country"] = [_("Give a two-letter country code (ISO 3166).")]
    choices: tuple[tuple[str, type[models.TextChoices], str], ...] = (
        ("hazard", Hazard, Hazard.OTHER),
        ("severity", Severity, ""),
        ("category", GoodsCategory, ""),
        ("subcategory", ProductSubcategory, ""),
        ("overseas_feed", OverseasFeed, ""),
    )
    for name, enum, default in choices:
        value = str(data.get(name) or "") or default
        values = [str(choice) for choice in enum]
        if value and value not in values:
            errors[name] = [_("One of %(values)s.") % {"values": ", ".join(values)}]
        cleaned[name] = value
    return cleaned


def _save_new(
    *,
    actor: Actor,
    source: str,
    cleaned: dict[str, Any],
    enterprise: EnterpriseFiling | None,
    products: list[ProductFiling],
    platform: EnterpriseFiling | None,
    reported_by: Bureau | None,
    errors: dict[str, list[str]],
    uploads: Sequence[UploadedFile] = (),
    competent_bureau: Bureau | None = None,
    attachment_kind: str = "",
) -> RiskSignal:
    """Create the signal (its competent bureau: the enterprise's, unless ``competent_bureau`` names
    one for a signal about no known enterprise) and attach ``uploads``; audited."""
    if enterprise is None and products:
        enterprise = products[0].enterprise
    if products and not cleaned["category"]:
        cleaned["category"] = products[0].category
        cleaned["subcategory"] = cleaned["subcategory"] or products[0].subcategory
    if platform is not None and not platform.is_platform:
        errors["platform"] = [_("Name an approved platform enterprise.")]
    reference = cleaned["overseas_reference"]
    feed = cleaned["overseas_feed"]
    if (
        reference
        and RiskSignal.objects.filter(source=source, overseas_feed=feed, overseas_reference=reference).exists()
    ):
        errors["overseas_reference"] = [_("A signal from this source with this reference exists already.")]
    if errors:
        raise ValidationError(errors)
    signal = RiskSignal.objects.create(
        source=source,
        enterprise=enterprise,
        product=products[0] if products else None,
        platform=platform,
        reported_by=reported_by,
        reported_by_user=None if isinstance(actor, str) else actor,
        competent_bureau=enterprise.bureau if enterprise is not None else competent_bureau,
        **cleaned,
    )
    if products:
        signal.products.set(products)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=signal,
        after=snapshot(signal, extra={"products": [p.pk for p in products]}),
    )
    # Every new signal is matched to filed goods: GTIN matches linked, the others proposed.
    signal_match_new(signal, actor=actor, already=[p.pk for p in products])
    # ... and the scores of its enterprise and of every product it is linked to are recomputed
    _rescore(signal)
    for upload in uploads:
        _attach(actor, signal, upload, kind=attachment_kind or ATTACHMENT_KIND)
    return signal


def _rescore(signal: RiskSignal, product_ids: Sequence[int] | None = None) -> None:
    """The scores of the signal's enterprise and products are recomputed once this commits."""
    ids = list(product_ids) if product_ids is not None else list(signal.products.values_list("pk", flat=True))
    risk_scores_schedule(enterprise_ids=[signal.enterprise_id], product_ids=ids)


def _attach(actor: Actor, signal: RiskSignal, upload: UploadedFile, *, kind: str = ATTACHMENT_KIND) -> Attachment:
    try:
        return attachment_create(owner=signal, upload=upload, actor=actor, kind=kind)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc


@transaction.atomic
def risk_signal_create(
    *,
    actor: Actor,
    source: str,
    title: str,
    enterprise: EnterpriseFiling | int | None = None,
    products: Sequence[ProductFiling | int] = (),
    platform: EnterpriseFiling | int | None = None,
    reported_by: Bureau | None = None,
    uploads: Sequence[UploadedFile] = (),
    **fields: Any,
) -> RiskSignal:
    """Bureau staff (or headquarters, or a task) enter a signal from any source but ``enterprise_report``.

    They may name any approved enterprise, platform or product filing of any bureau. The signal is
    reported by the staff member's bureau (a task names ``reported_by``). Without an enterprise,
    the first product's enterprise is the one concerned. ValidationError per field; PermissionDenied
    for anyone but staff.
    """
    staff = _staff(actor)
    errors: dict[str, list[str]] = {}
    if source not in STAFF_SOURCES:
        errors["source"] = [_("Staff enter signals from one of %(values)s.") % {"values": ", ".join(STAFF_SOURCES)}]
    cleaned = _clean({"title": title, **fields}, errors)
    return _save_new(
        actor=actor,
        source=source,
        cleaned=cleaned,
        enterprise=_enterprise(enterprise, "enterprise", errors),
        products=_products(products, errors),
        platform=_enterprise(platform, "platform", errors),
        reported_by=staff.bureau if staff is not None else reported_by,
        errors=errors,
        uploads=uploads,
    )


@transaction.atomic
def risk_signal_report(
    *,
    actor: User,
    title: str,
    products: Sequence[ProductFiling | int] = (),
    platform: EnterpriseFiling | int | None = None,
    uploads: Sequence[UploadedFile] = (),
    **fields: Any,
) -> RiskSignal:
    """An enterprise user reports a risk about its own goods (``enterprise_report``).

    Only its own approved products; the enterprise is the user's own (approved) enterprise; no
    bureau reported it. PermissionDenied for anyone but an enterprise user of an approved enterprise.
    """
    if isinstance(actor, str) or not actor.is_enterprise_user or actor.enterprise_id is None:
        raise PermissionDenied(_("Only an enterprise user reports a risk about its own goods."))
    enterprise = EnterpriseFiling.objects.select_related("bureau").get(pk=actor.enterprise_id)
    if enterprise.status != FilingStatus.APPROVED:
        raise PermissionDenied(_("Your enterprise's filing is to be approved before it reports risks."))
    errors: dict[str, list[str]] = {}
    fields.pop("source", None)
    fields.pop("enterprise", None)
    fields.pop("reported_by", None)
    cleaned = _clean({"title": title, **fields}, errors)
    found = _products(products, errors)
    if any(p.enterprise_id != enterprise.pk for p in found):
        errors["products"] = [_("Report risks about your own products only.")]
    return _save_new(
        actor=actor,
        source=SignalSource.ENTERPRISE_REPORT,
        cleaned=cleaned,
        enterprise=enterprise,
        products=found,
        platform=_enterprise(platform, "platform", errors),
        reported_by=None,
        errors=errors,
        uploads=uploads,
    )


def may_triage(actor: Actor, signal: RiskSignal) -> bool:
    """Whether ``actor`` may assess, close or group ``signal``: staff of the competent bureau (or of
    its parent direct bureau), headquarters; for a signal concerning no enterprise, the staff of the
    bureau that reported it; and the staff of the bureau of any product linked to it (the signal is
    in their queue too: ``RiskSignalQuerySet.queue_of``)."""
    if isinstance(actor, str) or actor.is_hq:
        return True
    bureau = signal.competent_bureau or signal.reported_by
    if bureau is None:
        return actor.is_bureau_staff
    if actor.has_jurisdiction_over(bureau):
        return True
    if not actor.is_bureau_staff:
        return False
    return signal.products.filter(enterprise__bureau__in=actor.jurisdiction()).exists()


def may_attach(actor: Actor, signal: RiskSignal) -> bool:
    """Whether ``actor`` may add files to ``signal``: whoever may triage it, and the user who reported it."""
    if not isinstance(actor, str) and actor.is_enterprise_user:
        return signal.reported_by_user_id == actor.pk
    return may_triage(actor, signal) or (not isinstance(actor, str) and signal.reported_by_user_id == actor.pk)


@transaction.atomic
def risk_signal_attach(*, actor: Actor, signal: RiskSignal, upload: UploadedFile) -> Attachment:
    """Add a file (a photo, a test report, the overseas notice) to an open signal. Audited on the signal."""
    signal = RiskSignal.objects.select_for_update(of=("self",)).get(pk=signal.pk)
    if not may_attach(actor, signal):
        raise PermissionDenied(_("Only the reporter and the competent bureau add files to this signal."))
    if not signal.is_open:
        raise ValidationError({"file": [_("Files are added to an open signal only.")]})
    return _attach(actor, signal, upload)


def _locked(signal: RiskSignal, actor: Actor) -> RiskSignal:
    signal = (
        RiskSignal.objects.select_for_update(of=("self",))
        .select_related("competent_bureau", "reported_by")
        .get(pk=signal.pk)
    )
    if not may_triage(actor, signal):
        raise PermissionDenied(_("Only staff of the competent bureau triage this signal."))
    return signal


@transaction.atomic
def risk_signal_assess(*, actor: Actor, signal: RiskSignal, severity: str, reason: str) -> RiskSignal:
    """Assess a new signal: its severity (``high``/``medium``/``low``) with a reason. Audited."""
    signal = _locked(signal, actor)
    errors: dict[str, list[str]] = {}
    if severity not in Severity.values:
        errors["severity"] = [_("One of %(values)s.") % {"values": ", ".join(Severity.values)}]
    if not (reason or "").strip():
        errors["reason"] = [_("Give a reason.")]
    if errors:
        raise ValidationError(errors)
    check_transition(signal, SignalStatus.ASSESSED, SIGNAL_TRANSITIONS)
    before = snapshot(signal)
    signal.status = SignalStatus.ASSESSED
    signal.severity = severity
    signal.severity_reason = reason.strip()
    signal.assessed_at = timezone.now()
    signal.assessed_by = None if isinstance(actor, str) else actor
    signal.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=signal,
        before=before,
        after=snapshot(signal),
        reason=signal.severity_reason,
    )
    _rescore(signal)
    return signal


@transaction.atomic
def risk_signal_close(
    *, actor: Actor, signal: RiskSignal, reason: str, duplicate_of: RiskSignal | None = None
) -> RiskSignal:
    """Close a signal with no action, with a reason (or as a duplicate of another). Audited."""
    signal = _locked(signal, actor)
    reason = require_reason(reason)
    check_transition(signal, SignalStatus.CLOSED, SIGNAL_TRANSITIONS)
    before = snapshot(signal)
    signal.status = SignalStatus.CLOSED
    signal.closed_reason = reason
    signal.duplicate_of = duplicate_of
    signal.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=signal, before=before, after=snapshot(signal), reason=reason
    )
    _rescore(signal)
    return signal


@transaction.atomic
def risk_signal_mark_duplicate(
    *, actor: Actor, signal: RiskSignal, original: RiskSignal, reason: str = ""
) -> RiskSignal:
    """Group ``signal`` under ``original`` (the same risk reported again): it is closed as its duplicate.

    A duplicate of a duplicate is grouped under the first signal of the group.
    """
    original = RiskSignal.objects.get(pk=original.pk)
    while original.duplicate_of_id is not None:
        original = RiskSignal.objects.get(pk=original.duplicate_of_id)
    if original.pk == signal.pk:
        raise ValidationError({"duplicate_of": [_("A signal is not a duplicate of itself.")]})
    text = (reason or "").strip() or _("Duplicate of signal #%(id)s.") % {"id": original.pk}
    return risk_signal_close(actor=actor, signal=signal, reason=text, duplicate_of=original)


@transaction.atomic
def risk_signal_raise(
    *,
    actor: Actor,
    source: str,
    title: str,
    product: ProductFiling,
    enterprise: EnterpriseFiling,
    platform: EnterpriseFiling | None = None,
    reported_by: Bureau | None = None,
    **fields: Any,
) -> RiskSignal:
    """A signal raised by the project itself from a record already checked when it was made (a failed
    sampling): the filings it names are taken as they are, whatever their status now (a product
    suspended since it was sampled is still the one that failed). Audited like any new signal.
    """
    errors: dict[str, list[str]] = {}
    cleaned = _clean({"title": title[:300], **fields}, errors)
    if platform is not None and not platform.is_platform:
        platform = None
    return _save_new(
        actor=actor,
        source=source,
        cleaned=cleaned,
        enterprise=enterprise,
        products=[product],
        platform=platform,
        reported_by=reported_by,
        errors=errors,
    )


@transaction.atomic
def risk_signal_hand_over(*, actor: Actor, signal: RiskSignal, investigation_ref: str) -> RiskSignal:
    """Hand an assessed signal over to a traceability investigation (``investigation_ref``: its case
    number): it leaves the bureaus' triage queues. Any bureau's staff (an investigation is opened by
    any bureau) or headquarters; the signal must be assessed first (its severity decided), as
    ``SIGNAL_TRANSITIONS`` says. Audited as a hand-over, with the case number as the reason."""
    _staff(actor)
    signal = RiskSignal.objects.select_for_update(of=("self",)).get(pk=signal.pk)
    if signal.status != SignalStatus.ASSESSED:
        raise ValidationError(
            {
                "signals": [
                    _("Signal #%(id)s is %(status)s: only an assessed signal is handed over to an investigation.")
                    % {"id": signal.pk, "status": signal.get_status_display()}
                ]
            },
            code="transition",
        )
    before = snapshot(signal)
    signal.status = SignalStatus.HANDED_OVER
    signal.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.HANDOVER,
        obj=signal,
        before=before,
        after=snapshot(signal),
        reason=investigation_ref,
    )
    _rescore(signal)
    return signal

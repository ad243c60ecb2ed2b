"""Consumer risk notices (services): a bureau, or an enterprise under its review, warns consumers in
Chinese and English (the product, its hazard, what to do).

Bureau staff create a notice and publish it at once; an enterprise drafts one and submits it, and its
competent bureau publishes it or returns it to draft with a reason. A published notice is withdrawn
with a reason (by the bureau, or by the enterprise that issued it). Published notices are public
(``/notices/`` and its Atom feed). Every write is audited in its transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from cbec_supervision.attachments import check_upload
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.notifications import notify
from cbec_supervision.workflow import check_transition, require_reason
from filings.models import ProductFiling
from risk_monitoring.choices import Hazard
from risk_monitoring.models import RiskSignal
from traceability.choices import CONSUMER_NOTICE_TRANSITIONS, ConsumerNoticeStatus
from traceability.models import ConsumerNotice, Investigation

#: the fields a draft's author writes (besides the image and the links)
TEXT_FIELDS = (
    "title_zh",
    "title_en",
    "product_text",
    "hazard",
    "description_zh",
    "description_en",
    "what_to_do_zh",
    "what_to_do_en",
)
_LIMITS = {"title_zh": 300, "title_en": 300, "product_text": 300}
_TEXT_LIMIT = 10000
#: what a notice needs before it is submitted or published: the title and the advice in both languages
_REQUIRED_TO_PUBLISH = ("title_zh", "title_en", "what_to_do_zh", "what_to_do_en")
_IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/gif")
_IMAGE_MAX_BYTES = 5 * 1024 * 1024


def _is_staff(actor: Actor) -> bool:
    return not isinstance(actor, str) and actor.is_active and actor.is_bureau_staff


def _is_enterprise(actor: Actor) -> bool:
    return not isinstance(actor, str) and actor.is_active and actor.is_enterprise_user and bool(actor.enterprise_id)


def may_create(actor: Actor) -> bool:
    """Bureau staff (for their bureau) and enterprise users (for their enterprise) write notices."""
    return _is_staff(actor) or _is_enterprise(actor)


def may_edit(actor: Actor, notice: ConsumerNotice) -> bool:
    """The draft's own side edits it: the enterprise's users, or (a bureau's notice) its bureau's staff."""
    if notice.status != ConsumerNoticeStatus.DRAFT or isinstance(actor, str):
        return False
    if notice.enterprise_id is not None:
        return _is_enterprise(actor) and actor.enterprise_id == notice.enterprise_id
    return _is_staff(actor) and actor.has_jurisdiction_over(notice.bureau)


def may_submit(actor: Actor, notice: ConsumerNotice) -> bool:
    return notice.enterprise_id is not None and may_edit(actor, notice)


def may_publish(actor: Actor, notice: ConsumerNotice) -> bool:
    """Staff of the bureau's jurisdiction publish their bureau's draft, or an enterprise's submitted notice."""
    if isinstance(actor, str) or not _is_staff(actor) or not actor.has_jurisdiction_over(notice.bureau):
        return False
    expected = ConsumerNoticeStatus.SUBMITTED if notice.enterprise_id else ConsumerNoticeStatus.DRAFT
    return notice.status == expected


def may_return(actor: Actor, notice: ConsumerNotice) -> bool:
    if isinstance(actor, str):
        return False
    return (
        notice.status == ConsumerNoticeStatus.SUBMITTED
        and _is_staff(actor)
        and actor.has_jurisdiction_over(notice.bureau)
    )


def may_withdraw(actor: Actor, notice: ConsumerNotice) -> bool:
    if notice.status != ConsumerNoticeStatus.PUBLISHED or isinstance(actor, str):
        return False
    if _is_staff(actor) and actor.has_jurisdiction_over(notice.bureau):
        return True
    return notice.enterprise_id is not None and _is_enterprise(actor) and actor.enterprise_id == notice.enterprise_id


def _clean(actor: User, data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """The writable fields of ``data`` checked: lengths, the hazard, and links the actor may see."""
    cleaned: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in data:
            value = str(data[name] or "").strip()
            limit = _LIMITS.get(name, _TEXT_LIMIT)
            if len(value) > limit:
                errors[name] = [_("At most %(limit)d characters.") % {"limit": limit}]
            cleaned[name] = value
    if "hazard" in cleaned and cleaned["hazard"] not in Hazard.values:
        errors["hazard"] = [_("One of %(values)s.") % {"values": ", ".join(Hazard.values)}]
    links = (
        ("product", ProductFiling.objects.visible_to(actor)),
        ("investigation", Investigation.objects.visible_to(actor)),
        ("signal", RiskSignal.objects.visible_to(actor)),
    )
    for name, visible in links:
        if name not in data:
            continue
        value = data[name]
        if value in (None, ""):
            cleaned[name] = None
            continue
        pk = getattr(value, "pk", value)
        try:
            obj = visible.filter(pk=int(pk)).first()
        except (TypeError, ValueError):
            obj = None
        if obj is None:
            errors[name] = [_("No such object.")]
        else:
            cleaned[name] = obj
    if "image" in data:
        image = data["image"]
        if image in (None, "", False):
            cleaned["image"] = ""
        elif isinstance(image, UploadedFile):
            try:
                mime, _digest = check_upload(image, max_bytes=_IMAGE_MAX_BYTES)
            except ValidationError as exc:
                errors["image"] = [str(m) for m in exc.messages]
            else:
                if mime not in _IMAGE_TYPES:
                    errors["image"] = [_("An image: JPEG, PNG, WebP or GIF.")]
                else:
                    cleaned["image"] = image
    return cleaned


def _require_complete(notice: ConsumerNotice) -> None:
    errors: dict[str, list[str]] = {}
    if not notice.product_text:
        errors["product_text"] = [_("Name the product.")]
    if notice.hazard not in Hazard.values:
        errors["hazard"] = [_("Choose the hazard.")]
    for name in _REQUIRED_TO_PUBLISH:
        if not getattr(notice, name):
            errors[name] = [_("Required before the notice is published, in Chinese and in English.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def consumer_notice_create(*, actor: Actor, **data: Any) -> ConsumerNotice:
    """A draft notice: bureau staff write for their bureau, an enterprise user for their enterprise (its
    competent bureau reviews it). ``product_text`` and ``hazard`` are required; ValidationError per field."""
    if isinstance(actor, str) or not may_create(actor):
        raise PermissionDenied(_("Only bureau staff and enterprises write consumer risk notices."))
    errors: dict[str, list[str]] = {}
    cleaned = _clean(actor, data, errors)
    if not cleaned.get("product_text"):
        errors.setdefault("product_text", [_("Name the product.")])
    if not cleaned.get("hazard"):
        errors.setdefault("hazard", [_("Choose the hazard.")])
    enterprise = actor.enterprise if _is_enterprise(actor) else None
    if enterprise is not None and enterprise.bureau_id is None:
        errors["enterprise"] = [_("Your enterprise has no competent bureau yet.")]
    if (
        enterprise is not None
        and cleaned.get("product") is not None
        and cleaned["product"].enterprise_id != enterprise.pk
    ):
        errors["product"] = [_("No such object.")]
    if errors:
        raise ValidationError(errors)
    bureau_id = enterprise.bureau_id if enterprise is not None else actor.bureau_id
    assert bureau_id is not None
    notice = ConsumerNotice(bureau_id=bureau_id, enterprise=enterprise, created_by=actor, **cleaned)
    notice.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=notice, after=snapshot(notice))
    return notice


def _locked(notice: ConsumerNotice) -> ConsumerNotice:
    return (
        ConsumerNotice.objects.select_for_update(of=("self",)).select_related("bureau", "enterprise").get(pk=notice.pk)
    )


@transaction.atomic
def consumer_notice_update(*, actor: Actor, notice: ConsumerNotice, **data: Any) -> ConsumerNotice:
    """Change a draft (its own side only)."""
    notice = _locked(notice)
    if not may_edit(actor, notice):
        raise PermissionDenied(_("Only a draft is changed, by whoever wrote it."))
    assert not isinstance(actor, str)
    errors: dict[str, list[str]] = {}
    cleaned = _clean(actor, data, errors)
    for name in ("product_text", "hazard"):
        if name in cleaned and not cleaned[name]:
            errors.setdefault(name, [_("This field is required.")])
    if (
        notice.enterprise_id
        and cleaned.get("product") is not None
        and cleaned["product"].enterprise_id != notice.enterprise_id
    ):
        errors["product"] = [_("No such object.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(notice)
    for name, value in cleaned.items():
        setattr(notice, name, value)
    notice.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=notice, before=before, after=snapshot(notice))
    return notice


def _bureau_staff(notice: ConsumerNotice) -> list[User]:
    bureau_ids = [b for b in (notice.bureau_id, notice.bureau.parent_id) if b]
    return list(
        User.objects.filter(
            bureau_id__in=bureau_ids, role__in=(Role.BUREAU_ADMIN, Role.INSPECTOR), is_active=True
        ).order_by("pk")
    )


@transaction.atomic
def consumer_notice_submit(*, actor: Actor, notice: ConsumerNotice) -> ConsumerNotice:
    """The enterprise submits its draft to its competent bureau (complete in both languages)."""
    notice = _locked(notice)
    if not may_submit(actor, notice):
        raise PermissionDenied(_("Only the enterprise that wrote the draft submits it."))
    check_transition(notice, ConsumerNoticeStatus.SUBMITTED, CONSUMER_NOTICE_TRANSITIONS)
    _require_complete(notice)
    before = snapshot(notice)
    notice.status = ConsumerNoticeStatus.SUBMITTED
    notice.submitted_at = timezone.now()
    notice.save()
    audit_record(actor=actor, action=AuditAction.SUBMIT, obj=notice, before=before, after=snapshot(notice))
    assert notice.enterprise is not None
    notify(
        recipients=_bureau_staff(notice),
        kind="consumer_notice_submitted",
        params={"enterprise": notice.enterprise.name, "title": notice.title_zh or notice.title_en},
        url=notice.get_absolute_url(),
    )
    return notice


@transaction.atomic
def consumer_notice_publish(*, actor: Actor, notice: ConsumerNotice, note: str = "") -> ConsumerNotice:
    """Publish: bureau staff their bureau's draft, or (review) an enterprise's submitted notice."""
    notice = _locked(notice)
    if not may_publish(actor, notice):
        if notice.status in (ConsumerNoticeStatus.PUBLISHED, ConsumerNoticeStatus.WITHDRAWN):
            check_transition(notice, ConsumerNoticeStatus.PUBLISHED, CONSUMER_NOTICE_TRANSITIONS)
        raise PermissionDenied(_("Only staff of the competent bureau publish this notice."))
    _require_complete(notice)
    assert not isinstance(actor, str)
    before = snapshot(notice)
    now = timezone.now()
    notice.status = ConsumerNoticeStatus.PUBLISHED
    notice.published_at = now
    notice.reviewed_by = actor
    notice.reviewed_at = now
    notice.review_note = (note or "").strip()
    notice.save()
    audit_record(
        actor=actor,
        action=AuditAction.APPROVE,
        obj=notice,
        before=before,
        after=snapshot(notice),
        reason=notice.review_note,
    )
    if notice.enterprise is not None:
        notify(
            recipients=notice.enterprise.users.filter(is_active=True),
            kind="consumer_notice_published",
            params={"title": notice.title_zh or notice.title_en},
            url=notice.get_absolute_url(),
        )
    return notice


@transaction.atomic
def consumer_notice_return(*, actor: Actor, notice: ConsumerNotice, reason: str) -> ConsumerNotice:
    """Return an enterprise's submitted notice to draft, with a reason."""
    notice = _locked(notice)
    if not may_return(actor, notice):
        if notice.status != ConsumerNoticeStatus.SUBMITTED:
            check_transition(notice, ConsumerNoticeStatus.DRAFT, CONSUMER_NOTICE_TRANSITIONS)
        raise PermissionDenied(_("Only staff of the competent bureau review this notice."))
    reason = require_reason(reason)
    assert not isinstance(actor, str)
    before = snapshot(notice)
    notice.status = ConsumerNoticeStatus.DRAFT
    notice.reviewed_by = actor
    notice.reviewed_at = timezone.now()
    notice.review_note = reason
    notice.save()
    audit_record(
        actor=actor, action=AuditAction.RETURN, obj=notice, before=before, after=snapshot(notice), reason=reason
    )
    assert notice.enterprise is not None
    notify(
        recipients=notice.enterprise.users.filter(is_active=True),
        kind="consumer_notice_returned",
        params={"title": notice.title_zh or notice.title_en, "reason": reason},
        url=notice.get_absolute_url(),
    )
    return notice


@transaction.atomic
def consumer_notice_withdraw(*, actor: Actor, notice: ConsumerNotice, reason: str) -> ConsumerNotice:
    """Withdraw a published notice, with a reason: it leaves the public pages and the feed."""
    notice = _locked(notice)
    if not may_withdraw(actor, notice):
        if notice.status != ConsumerNoticeStatus.PUBLISHED:
            check_transition(notice, ConsumerNoticeStatus.WITHDRAWN, CONSUMER_NOTICE_TRANSITIONS)
        raise PermissionDenied(_("Only the competent bureau or the issuing enterprise withdraws this notice."))
    reason = require_reason(reason)
    before = snapshot(notice)
    notice.status = ConsumerNoticeStatus.WITHDRAWN
    notice.withdrawn_at = timezone.now()
    notice.withdrawal_reason = reason
    notice.save()
    audit_record(
        actor=actor, action=AuditAction.WITHDRAW, obj=notice, before=before, after=snapshot(notice), reason=reason
    )
    return notice

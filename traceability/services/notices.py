"""Inter-bureau notices: a bureau sends another one a notice about an object (a risk signal; later an
investigation), the receiving bureau acknowledges it by its due date, and notices still unacknowledged
past due are flagged to both bureaus (a periodic task).

Every write is audited in its transaction; the staff concerned are told through the in-app inbox in
the same transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import Bureau, User
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.notifications import notify
from traceability import notice_objects, workdays
from traceability.models import InterBureauNotice

_SUBJECT_LIMIT = 300
_BODY_LIMIT = 10000


def due_working_days() -> int:
    """How many working days a receiving bureau has to acknowledge (``CBEC_NOTICE_DUE_WORKING_DAYS``)."""
    return max(1, int(getattr(settings, "CBEC_NOTICE_DUE_WORKING_DAYS", 5)))


def default_due_at(sent_at: dt.datetime | None = None) -> dt.datetime:
    """The default due date of a notice sent at ``sent_at`` (now): the end of the N-th working day after."""
    return workdays.due_at(sent_at or timezone.now(), due_working_days())


def _bureau(value: Bureau | str | None) -> Bureau | None:
    if value is None or isinstance(value, Bureau):
        return value
    return Bureau.objects.filter(code=str(value).strip()).first()


def _staff_of(bureau_ids: list[int]) -> models.QuerySet[User]:
    staff: models.QuerySet[User] = User.objects.filter(
        bureau_id__in=bureau_ids, role__in=(Role.BUREAU_ADMIN, Role.INSPECTOR), is_active=True
    ).order_by("pk")
    return staff


def _due_text(due: dt.datetime) -> str:
    return date_format(timezone.localtime(due, workdays.SHANGHAI), "Y-m-d H:i")


def may_send(actor: Actor) -> bool:
    """Bureau staff and headquarters (with a bureau) send notices; tasks send for a bureau they name."""
    if isinstance(actor, str):
        return True
    return actor.is_active and (actor.is_bureau_staff or (actor.is_hq and actor.bureau_id is not None))


def may_acknowledge(actor: Actor, notice: InterBureauNotice) -> bool:
    """The receiving bureau's staff (or its parent direct bureau's), while it is not acknowledged."""
    if isinstance(actor, str) or notice.acknowledged_at is not None:
        return False
    return actor.has_jurisdiction_over(notice.to_bureau) and not actor.has_jurisdiction_over(notice.from_bureau)


@transaction.atomic
def notice_send(
    *,
    actor: Actor,
    to_bureau: Bureau | str | None,
    subject: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: int | None = None,
    body: str = "",
    due_at: dt.datetime | None = None,
    from_bureau: Bureau | str | None = None,
) -> InterBureauNotice:
    """Send ``to_bureau`` a notice about ``obj`` (or ``object_type`` + ``object_id``).

    A person sends from their own bureau (headquarters from its bureau) and names an object they may
    see; a task names ``from_bureau``. The receiving bureau is another one, outside the sender's
    jurisdiction. ``due_at`` defaults to the end of the N-th working day (``CBEC_NOTICE_DUE_WORKING_DAYS``)
    and must be in the future. The receiving bureau's staff get it in their inbox. ValidationError per
    field; PermissionDenied for anyone but staff.
    """
    if not may_send(actor):
        raise PermissionDenied(_("Only bureau staff send notices to other bureaus."))
    user = None if isinstance(actor, str) else actor
    errors: dict[str, list[str]] = {}
    sender = _bureau(from_bureau) if user is None else Bureau.objects.filter(pk=user.bureau_id or 0).first()
    if sender is None:
        errors["from_bureau"] = [_("Name the sending bureau.")]
    receiver = _bureau(to_bureau)
    if receiver is None or not receiver.is_active:
        errors["to_bureau"] = [_("Name an active bureau by its code.")]
    elif sender is not None and (
        receiver.pk == sender.pk or (user is not None and user.has_jurisdiction_over(receiver))
    ):
        errors["to_bureau"] = [_("Send notices to another bureau, outside your own jurisdiction.")]
    subject = (subject or "").strip()
    body = (body or "").strip()
    if not subject:
        errors["subject"] = [_("Give a subject.")]
    elif len(subject) > _SUBJECT_LIMIT:
        errors["subject"] = [_("At most %(limit)d characters.") % {"limit": _SUBJECT_LIMIT}]
    if len(body) > _BODY_LIMIT:
        errors["body"] = [_("At most %(limit)d characters.") % {"limit": _BODY_LIMIT}]
    if obj is not None:
        object_type = notice_objects.type_of(obj) or ""
        object_id = obj.pk
        if not object_type:
            errors["object_type"] = [_("Notices cannot name this kind of object.")]
        elif user is not None and notice_objects.resolve(object_type, obj.pk, user) is None:
            errors["object_id"] = [_("No such object.")]
    elif notice_objects.get(object_type) is None:
        errors["object_type"] = [_("One of %(values)s.") % {"values": ", ".join(notice_objects.names())}]
    elif object_id is None or notice_objects.resolve(object_type, object_id, user) is None:
        errors["object_id"] = [_("No such object.")]
    now = timezone.now()
    if due_at is None:
        due_at = default_due_at(now)
    elif due_at <= now:
        errors["due_at"] = [_("The due date is to be in the future.")]
    if errors:
        raise ValidationError(errors)
    assert sender is not None and receiver is not None and object_id is not None
    notice = InterBureauNotice.objects.create(
        from_bureau=sender,
        to_bureau=receiver,
        subject=subject,
        body=body,
        object_type=object_type,
        object_id=object_id,
        due_at=due_at,
        sent_by=user,
        sent_at=now,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=notice, after=snapshot(notice))
    notify(
        recipients=_staff_of([receiver.pk]),
        kind="notice_received",
        params=_params(notice),
        url=notice.get_absolute_url(),
    )
    return notice


def _params(notice: InterBureauNotice) -> dict[str, Any]:
    return {
        "subject": notice.subject,
        "from_bureau": notice.from_bureau.name,
        "to_bureau": notice.to_bureau.name,
        "due": _due_text(notice.due_at),
    }


@transaction.atomic
def notice_acknowledge(*, actor: Actor, notice: InterBureauNotice, note: str = "") -> InterBureauNotice:
    """The receiving bureau acknowledges the notice, once, with an optional note. Audited; the sender
    is told. PermissionDenied for anyone but the receiving bureau's staff; ValidationError when it is
    acknowledged already."""
    notice = (
        InterBureauNotice.objects.select_for_update(of=("self",))
        .select_related("from_bureau", "to_bureau")
        .get(pk=notice.pk)
    )
    if isinstance(actor, str) or not (
        actor.has_jurisdiction_over(notice.to_bureau) and not actor.has_jurisdiction_over(notice.from_bureau)
    ):
        raise PermissionDenied(_("Only the receiving bureau's staff acknowledge this notice."))
    if notice.acknowledged_at is not None:
        raise ValidationError({"status": [_("This notice is acknowledged already.")]})
    note = (note or "").strip()
    if len(note) > _BODY_LIMIT:
        raise ValidationError({"note": [_("At most %(limit)d characters.") % {"limit": _BODY_LIMIT}]})
    before = snapshot(notice)
    notice.acknowledged_at = timezone.now()
    notice.acknowledged_by = actor
    notice.acknowledgement_note = note
    notice.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.ACKNOWLEDGE, obj=notice, before=before, after=snapshot(notice), reason=note
    )
    if notice.sent_by_id is not None:
        notify(
            recipients=User.objects.filter(pk=notice.sent_by_id, is_active=True),
            kind="notice_acknowledged",
            params=_params(notice),
            url=notice.get_absolute_url(),
        )
    return notice


@transaction.atomic
def notices_flag_overdue(*, actor: Actor, now: dt.datetime | None = None) -> list[int]:
    """Flag, once, every notice still unacknowledged past its due date: the staff of both bureaus are
    told through the inbox, and the flag is audited. Rows another run holds are left to it. Returns the
    ids flagged."""
    now = now or timezone.now()
    notices = list(
        InterBureauNotice.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("from_bureau", "to_bureau")
        .filter(acknowledged_at__isnull=True, overdue_flagged_at__isnull=True, due_at__lt=now)
        .order_by("due_at", "pk")
    )
    for notice in notices:
        before = snapshot(notice)
        notice.overdue_flagged_at = now
        notice.save(update_fields=["overdue_flagged_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.FLAG_OVERDUE, obj=notice, before=before, after=snapshot(notice))
        notify(
            recipients=_staff_of([notice.from_bureau_id, notice.to_bureau_id]),
            kind="notice_overdue",
            params=_params(notice),
            url=notice.get_absolute_url(),
        )
    return [notice.pk for notice in notices]

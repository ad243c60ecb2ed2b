"""The follow-up of measures under way (see ``traceability.services.measures`` for the rest of their
life): a recall's progress reports and a delisting's confirmations, and the periodic task that flags
measures past their deadline (overdue, once, both sides told) and recalls below the required recovery
rate at their deadline.

Every write is audited in its transaction; a measure on an investigation also writes a line of the
case's timeline (``InvestigationEvent`` of kind ``measure``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.choices import AuditAction
from cbec_supervision.notifications import notify
from traceability.choices import (
    MeasureStatus,
    MeasureType,
    RecallChannel,
    VoluntaryReview,
)
from traceability.models import (
    DelistingConfirmation,
    Measure,
    RecallProgress,
)
from traceability.services.measures import (
    _event,
    _locked,
    _params,
    _person,
    _require_enterprise,
    _staff_of,
    _supervising_bureau,
    _text,
    _users_of,
    may_confirm_delisting,
)


def recall_min_rate() -> float:
    """The recovery rate a recall is to reach by its deadline (``CBEC_RECALL_MIN_RECOVERY_RATE``, 0.8)."""
    return float(getattr(settings, "CBEC_RECALL_MIN_RECOVERY_RATE", 0.8))


@transaction.atomic
def measure_report_progress(
    *,
    actor: Actor,
    measure: Measure,
    reported_on: dt.date | None,
    units_sold: int | None,
    units_recovered: int | None,
    channels: Sequence[str] = (),
    note: str = "",
) -> RecallProgress:
    """The enterprise reports a recall's progress: units sold and units recovered so far (cumulative,
    never fewer than before), and the channels used to reach buyers."""
    measure = _locked(measure)
    _require_enterprise(actor, measure)
    errors: dict[str, list[str]] = {}
    if measure.type != MeasureType.RECALL:
        raise ValidationError({"type": [_("Progress is reported on a recall only.")]})
    if measure.status not in (MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED, MeasureStatus.OVERDUE):
        raise ValidationError({"status": [_("Progress is reported while the recall is under way.")]})
    today = timezone.localdate()
    if reported_on is None:
        reported_on = today
    elif reported_on > today:
        errors["reported_on"] = [_("The date is not to be in the future.")]
    if units_sold is None or units_sold < 1:
        errors["units_sold"] = [_("Give the units sold (at least 1).")]
    if units_recovered is None or units_recovered < 0:
        errors["units_recovered"] = [_("Give the units recovered so far.")]
    elif units_sold is not None and units_recovered > units_sold:
        errors["units_recovered"] = [_("No more units are recovered than were sold.")]
    last = measure.progress_reports.order_by("-reported_on", "-id").first()
    if last is not None and units_recovered is not None and units_recovered < last.units_recovered:
        errors["units_recovered"] = [
            _("Units recovered are cumulative: at least %(count)d, as last reported.") % {"count": last.units_recovered}
        ]
    if last is not None and reported_on < last.reported_on:
        errors["reported_on"] = [_("Not before the last report (%(date)s).") % {"date": last.reported_on}]
    values = list(dict.fromkeys(str(c) for c in channels))
    if any(value not in RecallChannel.values for value in values):
        errors["channels"] = [_("One of %(values)s.") % {"values": ", ".join(RecallChannel.values)}]
    note = _text(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    assert units_sold is not None and units_recovered is not None
    report = RecallProgress.objects.create(
        measure=measure,
        reported_on=reported_on,
        units_sold=units_sold,
        units_recovered=units_recovered,
        channels=values,
        note=note,
        reported_by=_person(actor),
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=measure,
        after={"progress": snapshot(report, exclude=("measure",))},
        reason=_("Recall progress reported"),
    )
    _event(
        measure,
        actor,
        _("Recall progress: %(recovered)d of %(sold)d units recovered")
        % {"recovered": units_recovered, "sold": units_sold},
        progress=report.pk,
    )
    return report


@transaction.atomic
def measure_confirm_delisting(*, actor: Actor, measure: Measure, url: str) -> DelistingConfirmation:
    """The platform confirms one listing of a delisting taken down (each listed URL once)."""
    measure = _locked(measure)
    if not may_confirm_delisting(actor, measure):
        raise PermissionDenied(_("Only the platform named on this delisting confirms its listings."))
    url = (url or "").strip()
    if measure.status not in (MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED, MeasureStatus.OVERDUE):
        raise ValidationError({"status": [_("Listings are confirmed while the delisting is under way.")]})
    if url not in measure.listing_urls:
        raise ValidationError({"url": [_("Confirm one of the listings the delisting names.")]})
    if measure.delistings.filter(url=url).exists():
        raise ValidationError({"url": [_("This listing is confirmed already.")]})
    confirmation = DelistingConfirmation.objects.create(measure=measure, url=url, confirmed_by=_person(actor))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=measure,
        after={"delisted": url},
        reason=_("Listing confirmed taken down"),
    )
    _event(measure, actor, _("Listing taken down: %(url)s") % {"url": url}, url=url)
    return confirmation


# --- periodic --------------------------------------------------------------------------------------


def _under_way() -> Q:
    """Measures that go on: not voluntary recalls awaiting or refused review."""
    return Q(voluntary=False) | Q(review_status=VoluntaryReview.ACCEPTED)


@transaction.atomic
def measures_flag_overdue(*, actor: Actor, now: dt.datetime | None = None) -> list[int]:
    """Flag, once, every measure issued or acknowledged past its deadline: it becomes overdue, the
    enterprise's users and the lead bureau's staff are told, and the flag is audited. Rows another run
    holds are left to it. Returns the ids flagged."""
    now = now or timezone.now()
    measures = list(
        Measure.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("investigation__lead_bureau", "enterprise__bureau")
        .filter(_under_way())
        .filter(
            status__in=(MeasureStatus.ISSUED, MeasureStatus.ACKNOWLEDGED),
            overdue_flagged_at__isnull=True,
            deadline__lt=now,
        )
        .order_by("deadline", "pk")
    )
    for measure in measures:
        before = snapshot(measure)
        measure.status = MeasureStatus.OVERDUE
        measure.overdue_flagged_at = now
        measure.save(update_fields=["status", "overdue_flagged_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.FLAG_OVERDUE, obj=measure, before=before, after=snapshot(measure))
        _event(measure, actor, _("%(type)s overdue: the deadline %(deadline)s passed") % _params(measure))
        notify(
            recipients=[*_users_of([measure.enterprise_id]), *_staff_of([_supervising_bureau(measure).pk])],
            kind="measure_overdue",
            params=_params(measure),
            url=measure.get_absolute_url(),
        )
    return [measure.pk for measure in measures]


def recovery_at(measure: Measure, when: dt.datetime | None = None) -> float:
    """The recovery rate of the last progress report on or before ``when`` (the deadline); 0 without one."""
    when = when or measure.deadline
    reports = measure.progress_reports.filter(reported_on__lte=timezone.localtime(when).date())
    last = reports.order_by("-reported_on", "-id").first()
    return last.recovery_rate if last is not None else 0.0


@transaction.atomic
def measures_flag_low_recovery(*, actor: Actor, now: dt.datetime | None = None) -> list[int]:
    """Flag, once, every recall past its deadline whose recovery rate at the deadline is below
    ``recall_min_rate()``: both sides are told, the flag is audited. Verified recalls are left alone."""
    now = now or timezone.now()
    threshold = recall_min_rate()
    candidates = list(
        Measure.objects.select_for_update(of=("self",), skip_locked=True)
        .select_related("investigation__lead_bureau", "enterprise__bureau")
        .filter(_under_way())
        .filter(type=MeasureType.RECALL, low_recovery_flagged_at__isnull=True, deadline__lt=now)
        .exclude(status=MeasureStatus.VERIFIED)
        .order_by("deadline", "pk")
    )
    flagged: list[int] = []
    for measure in candidates:
        rate = recovery_at(measure)
        if rate >= threshold:
            continue
        before = snapshot(measure)
        measure.low_recovery_flagged_at = now
        measure.save(update_fields=["low_recovery_flagged_at", "updated_at"])
        params = _params(measure, rate=f"{rate:.0%}", required=f"{threshold:.0%}")
        reason = _("Recovery rate %(rate)s at the deadline, below %(required)s") % params
        audit_record(
            actor=actor,
            action=AuditAction.FLAG_OVERDUE,
            obj=measure,
            before=before,
            after=snapshot(measure),
            reason=reason,
        )
        _event(measure, actor, reason, rate=round(rate, 4))
        notify(
            recipients=[*_users_of([measure.enterprise_id]), *_staff_of([_supervising_bureau(measure).pk])],
            kind="recall_low_recovery",
            params=params,
            url=measure.get_absolute_url(),
        )
        flagged.append(measure.pk)
    return flagged

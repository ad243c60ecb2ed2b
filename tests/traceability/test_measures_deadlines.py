"""The beat task on measures: overdue flagged once, both sides told, audited with the system actor,
idempotent; a recall below the required recovery rate at its deadline flagged once (configurable)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from cbec_supervision.models import AuditEvent, Notification
from tests.traceability.measure_world import acknowledged, case, completed, in_days, issue
from traceability import services
from traceability.models import InvestigationEvent, Measure
from traceability.tasks import flag_overdue_measures

pytestmark = pytest.mark.django_db
__all__ = ["case"]


def inbox(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def past(measure, days: float = 1) -> Measure:
    Measure.objects.filter(pk=measure.pk).update(deadline=timezone.now() - dt.timedelta(days=days))
    measure.refresh_from_db()
    return measure


def test_the_beat_schedule_runs_the_task():
    tasks = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}
    assert "traceability.flag_overdue_measures" in tasks


def test_a_measure_past_its_deadline_is_flagged_once_and_both_sides_told(case):
    measure = past(issue(case))
    on_time = issue(case, deadline=in_days(3))
    result = flag_overdue_measures.delay().get()
    assert result["overdue"] == [measure.pk]
    measure.refresh_from_db()
    assert measure.status == "overdue" and measure.overdue_flagged_at is not None
    assert Measure.objects.get(pk=on_time.pk).status == "issued"
    assert len(inbox(case.alice, "measure_overdue")) == 1
    assert len(inbox(case.zj_inspector, "measure_overdue")) == 1 and len(inbox(case.zj_admin, "measure_overdue")) == 1
    assert inbox(case.gd_inspector, "measure_overdue") == [] and inbox(case.carol, "measure_overdue") == []
    [event] = [e for e in AuditEvent.objects.for_object(measure) if e.action == "flag_overdue"]
    assert event.actor is None and "flag_overdue_measures" in event.actor_label
    assert (
        InvestigationEvent.objects.filter(data__measure=measure.pk, actor__isnull=True).exclude(actor_label="").exists()
    )
    # again: nothing more
    assert flag_overdue_measures.delay().get()["overdue"] == []
    assert len(inbox(case.alice, "measure_overdue")) == 1


def test_an_overdue_measure_may_still_be_acknowledged_and_completed_and_is_not_flagged_again(case):
    measure = past(issue(case, "risk_warning"))
    services.measures_flag_overdue(actor="task:test")
    measure = services.measure_acknowledge(actor=case.alice, measure=measure)
    assert measure.status == "acknowledged"
    assert services.measures_flag_overdue(actor="task:test") == []
    measure = services.measure_respond(actor=case.alice, measure=measure, response="done")
    assert measure.status == "completed"


def test_completed_verified_and_unreviewed_voluntary_measures_are_not_flagged(case):
    done = past(completed(case))
    voluntary = services.measure_voluntary_open(
        actor=case.alice, product=case.blocks, description="主动召回", deadline=in_days(1)
    )
    past(voluntary)
    assert services.measures_flag_overdue(actor="task:test") == []
    assert Measure.objects.get(pk=done.pk).status == "completed"


def test_an_overdue_measure_that_is_not_acknowledged_is_acknowledged_before_it_responds(case):
    measure = past(issue(case, "risk_warning"))
    services.measures_flag_overdue(actor="task:test")
    with pytest.raises(ValidationError):
        services.measure_respond(actor=case.alice, measure=measure, response="done")


def _recall_with(case, sold: int, recovered: int) -> Measure:
    measure = acknowledged(case, "recall")
    services.measure_report_progress(
        actor=case.alice, measure=measure, reported_on=None, units_sold=sold, units_recovered=recovered
    )
    return past(measure, days=0.001)


def test_a_recall_below_the_rate_at_its_deadline_is_flagged_once(case):
    low = _recall_with(case, 100, 50)
    enough = _recall_with(case, 100, 85)
    result = flag_overdue_measures.delay().get()
    assert result["low_recovery"] == [low.pk]
    low.refresh_from_db()
    assert low.low_recovery_flagged_at is not None
    assert Measure.objects.get(pk=enough.pk).low_recovery_flagged_at is None
    [message] = inbox(case.alice, "recall_low_recovery")
    assert "50%" in message.body and "80%" in message.body
    assert len(inbox(case.zj_inspector, "recall_low_recovery")) == 1
    assert flag_overdue_measures.delay().get()["low_recovery"] == []
    assert len(inbox(case.alice, "recall_low_recovery")) == 1


def test_the_rate_is_configurable(case, settings):
    settings.CBEC_RECALL_MIN_RECOVERY_RATE = 0.4
    _recall_with(case, 100, 50)
    assert services.measures_flag_low_recovery(actor="task:test") == []


def test_a_recall_without_any_report_is_below_the_rate(case):
    measure = past(issue(case, "recall"))
    assert services.measures_flag_low_recovery(actor="task:test") == [measure.pk]

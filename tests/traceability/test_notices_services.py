"""Inter-bureau notice services: who sends and acknowledges, what is checked, what is audited and who is
told; the overdue flag (the beat task): once, to both bureaus, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cbec_supervision.models import AuditEvent, Notification
from traceability import notice_objects, services
from traceability.models import InterBureauNotice
from traceability.tasks import flag_overdue_notices

pytestmark = pytest.mark.django_db


def inbox(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def events(notice, action: str) -> list[AuditEvent]:
    return [e for e in AuditEvent.objects.for_object(notice) if e.action == action]


def test_a_bureau_sends_a_signal_to_another_audited_and_in_the_receivers_inbox(world, signal):
    notice = services.notice_send(
        actor=world.gd_inspector, to_bureau="ZJ", subject="平台所在地通报", body="请核查", obj=signal
    )
    assert (notice.from_bureau.code, notice.to_bureau.code, notice.object_type, notice.object_id) == (
        "GD",
        "ZJ",
        "risk_signal",
        signal.pk,
    )
    assert notice.sent_by == world.gd_inspector and notice.acknowledged_at is None
    assert notice.due_at == services.default_due_at(notice.sent_at)
    [created] = events(notice, "create")
    assert created.actor == world.gd_inspector and created.after["to_bureau"] == world.zj.pk
    assert len(inbox(world.zj_inspector, "notice_received")) == 1
    assert len(inbox(world.zj_admin, "notice_received")) == 1
    assert inbox(world.gd_inspector, "notice_received") == [] and inbox(world.alice, "notice_received") == []
    [message] = inbox(world.zj_inspector, "notice_received")
    assert message.url == notice.get_absolute_url() and "平台所在地通报" in message.body


def test_headquarters_sends_from_its_own_bureau(world, signal):
    notice = services.notice_send(actor=world.hq, to_bureau=world.gd, subject="s", obj=signal)
    assert notice.from_bureau.code == "HQ"


def test_a_task_sends_for_the_bureau_it_names(world, signal):
    notice = services.notice_send(
        actor="task:traceability.test", from_bureau="ZJ", to_bureau="GD", subject="s", obj=signal
    )
    assert notice.sent_by is None and notice.from_bureau.code == "ZJ"


def test_enterprises_send_no_notices(world, signal):
    with pytest.raises(PermissionDenied):
        services.notice_send(actor=world.alice, to_bureau="ZJ", subject="s", obj=signal)
    assert not InterBureauNotice.objects.exists()


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"to_bureau": "GD"}, "to_bureau"),  # its own bureau
        ({"to_bureau": "XX"}, "to_bureau"),
        ({"to_bureau": None}, "to_bureau"),
        ({"subject": "  "}, "subject"),
        ({"subject": "x" * 301}, "subject"),
        ({"object_type": "batch"}, "object_type"),
        ({"object_id": 99999999}, "object_id"),
        ({"due_at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)}, "due_at"),
    ],
)
def test_a_bad_notice_is_refused_per_field(world, signal, fields, error):
    data = {"to_bureau": "ZJ", "subject": "s", "object_type": "risk_signal", "object_id": signal.pk, **fields}
    with pytest.raises(ValidationError) as refused:
        services.notice_send(actor=world.gd_inspector, **data)
    assert error in refused.value.message_dict
    assert not InterBureauNotice.objects.exists()


@pytest.fixture
def filings_as_notice_objects():
    """A second object type whose rows not every bureau sees: a draft enterprise filing stays with its bureau."""
    notice_objects.register("enterprise_filing", "filings.EnterpriseFiling", "Enterprise filing")
    yield
    notice_objects._TYPES.pop("enterprise_filing", None)


def test_the_object_must_be_visible_to_the_sender(world, filings_as_notice_objects):
    # Alice Co's filing is a draft: Zhejiang's business, not Guangdong's.
    with pytest.raises(ValidationError) as refused:
        services.notice_send(actor=world.gd_inspector, to_bureau="SH", subject="s", obj=world.alice_co)
    assert "object_id" in refused.value.message_dict
    notice = services.notice_send(actor=world.zj_inspector, to_bureau="SH", subject="s", obj=world.alice_co)
    assert (notice.object_type, notice.object_id) == ("enterprise_filing", world.alice_co.pk)


def test_the_receiving_bureau_acknowledges_once_and_the_sender_is_told(world, notice):
    with pytest.raises(PermissionDenied):
        services.notice_acknowledge(actor=world.gd_inspector, notice=notice)
    with pytest.raises(PermissionDenied):
        services.notice_acknowledge(actor=world.nb_inspector, notice=notice)
    with pytest.raises(PermissionDenied):
        services.notice_acknowledge(actor=world.hq, notice=notice)
    with pytest.raises(PermissionDenied):
        services.notice_acknowledge(actor=world.alice, notice=notice)
    done = services.notice_acknowledge(actor=world.zj_inspector, notice=notice, note="已转平台核查")
    assert done.acknowledged_by == world.zj_inspector and done.acknowledgement_note == "已转平台核查"
    assert done.acknowledged_at is not None
    [event] = events(notice, "acknowledge")
    assert event.actor == world.zj_inspector and event.reason == "已转平台核查"
    assert len(inbox(world.gd_inspector, "notice_acknowledged")) == 1
    with pytest.raises(ValidationError) as again:
        services.notice_acknowledge(actor=world.zj_admin, notice=notice)
    assert "status" in again.value.message_dict
    notice.refresh_from_db()
    assert notice.acknowledged_by == world.zj_inspector


def _past_due(notice: InterBureauNotice) -> InterBureauNotice:
    InterBureauNotice.objects.filter(pk=notice.pk).update(due_at=timezone.now() - dt.timedelta(minutes=1))
    notice.refresh_from_db()
    return notice


def test_the_beat_task_flags_an_overdue_notice_once_to_both_bureaus(world, notice, signal):
    on_time = services.notice_send(actor=world.zj_inspector, to_bureau="GD", subject="按时", obj=signal)
    answered = services.notice_send(actor=world.zj_inspector, to_bureau="GD", subject="已确认", obj=signal)
    _past_due(answered)
    services.notice_acknowledge(actor=world.gd_inspector, notice=answered)
    _past_due(notice)
    assert notice.is_overdue and not on_time.is_overdue

    assert flag_overdue_notices.delay().get() == [notice.pk]
    notice.refresh_from_db()
    assert notice.overdue_flagged_at is not None
    for user in (world.zj_inspector, world.zj_admin, world.gd_inspector):
        assert len(inbox(user, "notice_overdue")) == 1, user
    assert inbox(world.nb_inspector, "notice_overdue") == [] and inbox(world.hq, "notice_overdue") == []
    [event] = events(notice, "flag_overdue")
    assert event.actor is None and event.actor_label == "task:traceability.flag_overdue_notices"

    # Idempotent: a second run flags nothing and tells no one again.
    assert flag_overdue_notices.delay().get() == []
    assert len(inbox(world.gd_inspector, "notice_overdue")) == 1
    assert len(events(notice, "flag_overdue")) == 1
    on_time.refresh_from_db()
    answered.refresh_from_db()
    assert on_time.overdue_flagged_at is None and answered.overdue_flagged_at is None


def test_the_overdue_check_is_on_the_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["flag-overdue-notices"]
    assert entry["task"] == flag_overdue_notices.name

"""Hand-overs: announced in the service's transaction, received in it or by a task after it commits, always audited."""

from __future__ import annotations

import pytest
from django.db import transaction

from cbec_supervision import handovers
from cbec_supervision.models import AuditEvent
from imports.models import ImportBatch
from tests.imports.filed import declare_filed

pytestmark = pytest.mark.django_db

TEE = {"description": "纯棉成人T恤", "hs_code": "6109100021", "quantity": 10, "value_cny": "350.00"}
CYANIDE = {
    "description": "氰化钠",
    "hs_code": "2837111000",
    "cas_numbers": ["143-33-9"],
    "quantity": 1,
    "value_cny": "1",
}


@pytest.fixture(autouse=True)
def only_the_tests_receivers():
    """The mechanism is tested with the receivers each test connects: risk monitoring's own
    receiver of refused goods (tests/risk_monitoring) is set aside meanwhile."""
    from risk_monitoring.services.refusals import risk_signal_from_refusal

    handovers.disconnect(handovers.ITEMS_REFUSED, risk_signal_from_refusal)
    yield
    handovers.connect(handovers.ITEMS_REFUSED, risk_signal_from_refusal)


@pytest.fixture
def connected():
    """Connect receivers for one test, and only for it."""
    made = []

    def connect(receiver, **options):
        handovers.connect(handovers.ITEMS_REFUSED, receiver, **options)
        made.append(receiver)

    yield connect
    for receiver in made:
        handovers.disconnect(handovers.ITEMS_REFUSED, receiver)


@pytest.fixture
def enqueued(monkeypatch):
    """What is sent to the broker: (receiver, message) per task."""
    from cbec_supervision.tasks import handover_deliver

    sent = []
    monkeypatch.setattr(handover_deliver, "delay", lambda receiver, message: sent.append((receiver, message)))
    return sent


def refuse(world):
    return declare_filed(actor=world.alice, port_bureau="ZJ", items=[TEE, CYANIDE])


def test_an_event_nobody_receives_is_recorded_on_its_subject(world, approved_alice_co):
    batch = refuse(world)
    record = AuditEvent.objects.for_object(batch).get(action="handover")
    assert record.actor == world.alice
    assert record.after["event"] == handovers.ITEMS_REFUSED and record.after["receivers"] == []
    assert [item["line_no"] for item in record.after["payload"]["items"]] == [2]


def test_a_failing_synchronous_receiver_rolls_the_whole_service_call_back(world, approved_alice_co, connected):
    def broken(announcement):
        raise RuntimeError("risk monitoring is down")

    connected(broken)
    events = AuditEvent.objects.count()
    with pytest.raises(RuntimeError, match="risk monitoring is down"):
        refuse(world)
    assert not ImportBatch.objects.exists()
    assert AuditEvent.objects.count() == events


def test_a_synchronous_receiver_writes_in_the_announcing_transaction(world, approved_alice_co, connected):
    """What it writes is there when the service returns, and goes if the caller rolls back."""

    def mark(announcement):
        from cbec_supervision.audit import audit_record

        audit_record(actor="task:risk", action="create", obj=announcement.subject, after={"signal": True})

    connected(mark)
    with pytest.raises(RuntimeError), transaction.atomic():
        refuse(world)
        assert AuditEvent.objects.filter(actor_label="task:risk").exists()
        raise RuntimeError("the caller fails after the service")
    assert not AuditEvent.objects.filter(actor_label="task:risk").exists()


def test_an_asynchronous_receiver_is_enqueued_when_the_service_commits(
    world, approved_alice_co, connected, enqueued, django_capture_on_commit_callbacks
):
    def later(announcement):
        pass

    connected(later, asynchronous=True)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        batch = refuse(world)
    assert enqueued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    ((receiver, message),) = enqueued
    assert receiver.endswith("test_an_asynchronous_receiver_is_enqueued_when_the_service_commits.<locals>.later")
    assert message["event"] == handovers.ITEMS_REFUSED and message["subject_id"] == str(batch.pk)
    assert message["subject_type"] == "imports.importbatch" and message["payload"]["batch_no"] == batch.batch_no


def test_nothing_is_enqueued_when_the_service_rolls_back(
    world, approved_alice_co, connected, enqueued, django_capture_on_commit_callbacks
):
    def later(announcement):
        pass

    connected(later, asynchronous=True)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        refuse(world)
        raise RuntimeError("the caller fails after the service")
    assert callbacks == [] and enqueued == []


def test_an_asynchronous_receiver_runs_in_a_task_after_the_commit(
    world, approved_alice_co, connected, django_capture_on_commit_callbacks
):
    seen = []

    def later(announcement):
        seen.append(announcement)

    connected(later, asynchronous=True)
    with django_capture_on_commit_callbacks(execute=True):  # Celery runs eagerly in tests
        batch = refuse(world)
        assert seen == []
    (announcement,) = seen
    # In the task the subject is loaded by id, and the announcement names its audit record.
    assert announcement.subject == batch and announcement.subject is not batch
    assert announcement.id == AuditEvent.objects.for_object(batch).get(action="handover").pk


def test_a_failing_delivery_is_retried_with_backoff_until_it_succeeds(world, approved_alice_co, connected):
    from cbec_supervision.celery import app
    from cbec_supervision.tasks import handover_deliver

    attempts = []

    def flaky(announcement):
        attempts.append(announcement.id)
        if len(attempts) < 3:
            raise ConnectionError("risk monitoring's store is restarting")

    connected(flaky, asynchronous=True)
    with transaction.atomic():
        refuse(world)
    record = AuditEvent.objects.get(action="handover", after__event=handovers.ITEMS_REFUSED)
    message = {  # as announce sends it
        "id": record.pk,
        "event": handovers.ITEMS_REFUSED,
        "subject_type": "imports.importbatch",
        "subject_id": record.object_id,
        "actor_id": record.actor_id,
        "actor_label": record.actor_label,
        "correlation_id": record.correlation_id,
        "payload": record.after["payload"],
    }
    # Eager runs follow Celery's retries as a worker does (without waiting out the backoff) when
    # they do not propagate errors.
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:
        result = handover_deliver.apply(args=[handovers.receivers(handovers.ITEMS_REFUSED)[0], message])
    finally:
        app.conf.task_eager_propagates = propagates
    assert result.successful() and attempts == [record.pk] * 3
    assert handover_deliver.acks_late and handover_deliver.retry_backoff and handover_deliver.max_retries == 8
    assert Exception in handover_deliver.autoretry_for


def test_a_message_naming_a_receiver_that_is_not_connected_runs_nothing(world, approved_alice_co, connected):
    seen = []

    def elsewhere(announcement):
        seen.append(announcement)

    connected(elsewhere)  # connected synchronously: a task may not run it
    batch = refuse(world)
    message = seen[0].message()
    handovers.deliver("os.system", message)
    handovers.deliver(handovers.receivers(handovers.ITEMS_REFUSED)[0], message)
    assert len(seen) == 1 and ImportBatch.objects.get() == batch


def test_events_are_declared_and_announced_in_a_transaction(world):
    with pytest.raises(ValueError, match="unknown hand-over event"):
        handovers.connect("imports.item_refused", lambda announcement: None)
    with pytest.raises(ValueError, match="unknown hand-over event"):
        handovers.announce("imports.item_refused", actor=world.alice, subject=world.alice_co)


@pytest.mark.django_db(transaction=True)
def test_announcing_outside_a_transaction_is_refused(world):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        handovers.announce(handovers.ITEMS_REFUSED, actor=world.alice, subject=world.alice_co)
    assert not AuditEvent.objects.filter(action="handover", after__event=handovers.ITEMS_REFUSED).exists()


def _deliver_as_a_worker(message, receiver):
    """Run the task as a worker does: retries followed (without waiting), errors not propagated."""
    from cbec_supervision.celery import app
    from cbec_supervision.tasks import handover_deliver

    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    try:
        return handover_deliver.apply(args=[receiver, message])
    finally:
        app.conf.task_eager_propagates = propagates


def test_an_asynchronous_receiver_runs_under_the_announcing_requests_correlation_id(
    world, approved_alice_co, connected, django_capture_on_commit_callbacks
):
    from cbec_supervision import correlation
    from cbec_supervision.audit import audit_record

    seen = []

    def later(announcement):
        seen.append(correlation.current())
        audit_record(actor="task:risk", action="create", obj=announcement.subject, after={"signal": True})

    connected(later, asynchronous=True)
    with correlation.correlated("req-declare-0042"), django_capture_on_commit_callbacks(execute=True):
        batch = refuse(world)
    assert seen == ["req-declare-0042"] and correlation.current() == ""
    signal = AuditEvent.objects.for_object(batch).get(actor_label="task:risk")
    assert signal.correlation_id == "req-declare-0042"
    announced = AuditEvent.objects.for_object(batch).get(action="handover")
    assert announced.correlation_id == "req-declare-0042"


def test_a_delivery_that_gives_up_is_logged_and_recorded_and_can_be_delivered_again(
    world, approved_alice_co, connected, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from cbec_supervision import correlation
    from cbec_supervision.tasks import handover_deliver

    monkeypatch.setattr(handover_deliver, "max_retries", 2)
    attempts, down = [], [True]

    def fragile(announcement):
        attempts.append(announcement.id)
        if down[0]:
            raise ConnectionError("risk monitoring's store is gone")

    connected(fragile, asynchronous=True)
    with correlation.correlated("req-declare-0043"), transaction.atomic():
        batch = refuse(world)
    announced = AuditEvent.objects.for_object(batch).get(action="handover")
    receiver = handovers.receivers(handovers.ITEMS_REFUSED)[0]
    message = handovers.Announcement(
        id=announced.pk,
        event=handovers.ITEMS_REFUSED,
        subject_type="imports.importbatch",
        subject_id=str(batch.pk),
        actor_id=world.alice.pk,
        actor_label="alice",
        correlation_id="req-declare-0043",
        payload=announced.after["payload"],
    ).message()
    result = _deliver_as_a_worker(message, receiver)
    assert result.failed() and len(attempts) == 3  # the first try and two retries
    assert any("gave up" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)
    (failure,) = AuditEvent.objects.filter(action="handover", after__delivered=False)
    assert failure.content_type.model == "importbatch" and failure.object_id == str(batch.pk)
    assert failure.actor_label == handovers.DELIVERY_ACTOR and failure.correlation_id == "req-declare-0043"
    assert failure.after["announcement"] == announced.pk and failure.after["receiver"] == receiver
    assert failure.after["event"] == handovers.ITEMS_REFUSED
    assert failure.after["error"] == "ConnectionError: risk monitoring's store is gone"

    down[0] = False
    handovers.redeliver(failure.after["announcement"], failure.after["receiver"])  # Celery runs eagerly in tests
    assert attempts == [announced.pk] * 4
    assert AuditEvent.objects.filter(action="handover", after__delivered=False).count() == 1

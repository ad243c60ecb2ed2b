"""The chain of custody: recorded by handlers and the bureau's administrators, hash-chained per case,
and every kind of tampering found (the database's triggers are disabled in the test to tamper)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from anticounterfeit import custody
from anticounterfeit.choices import CustodyAction
from anticounterfeit.models import CustodyEvent, ImmutableError
from anticounterfeit.services.custody import custody_record, custody_verify, evidence_files_verify
from anticounterfeit.services.evidence import evidence_correct
from cbec_supervision.models import AuditEvent
from tests.anticounterfeit.evidence_support import add_file, add_physical, make_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return make_case(world)


@pytest.fixture
def logged(world, case):
    """A case with two items and five events."""
    photo = add_file(world, case)
    shoes = add_physical(world, case)
    now = timezone.now()
    for action, to in (
        (CustodyAction.SEALED, "证据室"),
        (CustodyAction.STORED, "证据室 A-3"),
        (CustodyAction.SENT_TO_LAB, "鉴定机构"),
    ):
        custody_record(
            actor=world.zj_inspector, evidence=shoes, action=action, at=now, from_party="办案人员", to_party=to
        )
    case.refresh_from_db()
    return case, photo, shoes


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit: check them now, so the tables may be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE anticounterfeit_custodyevent DISABLE TRIGGER USER")
        cursor.execute("ALTER TABLE anticounterfeit_evidence DISABLE TRIGGER USER")
        cursor.execute(statement, params)


def test_the_pure_chain_links_and_finds_an_edit():
    events, prev = [], custody.GENESIS_HASH
    for seq in (1, 2, 3):
        event = dict.fromkeys(custody.HASHED_FIELDS) | {"seq": seq, "prev_hash": prev, "note": f"n{seq}"}
        event["hash"] = prev = custody.compute_hash(event)
        events.append(event)
    assert custody.verify_events(events, head_seq=3, head_hash=prev).ok
    events[1]["note"] = "changed"
    report = custody.verify_events(events, head_seq=3, head_hash=prev)
    assert (report.ok, report.broken_seq, report.checked) == (False, 2, 1)


def test_a_recorded_event_extends_the_chain_and_is_audited(world, logged):
    case, _photo, shoes = logged
    assert case.custody_seq == 5
    events = list(CustodyEvent.objects.filter(case=case))
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    assert events[0].prev_hash == custody.GENESIS_HASH and case.custody_head_hash == events[-1].hash
    audit = AuditEvent.objects.for_object(events[-1]).get()
    assert audit.action == "custody" and audit.related_object_id == str(case.pk)
    assert custody_verify(case).ok and custody_verify(case).checked == 5


def test_the_bureau_admin_records_custody_but_others_do_not(world, logged):
    case, photo, _shoes = logged
    custody_record(
        actor=world.zj_admin, evidence=photo, action="handed_over", at=timezone.now(), from_party="a", to_party="b"
    )
    for outsider in (world.hq, world.gd_inspector):
        with pytest.raises(PermissionDenied):
            custody_record(
                actor=outsider, evidence=photo, action="handed_over", at=timezone.now(), from_party="a", to_party="b"
            )


def test_bad_custody_input_is_refused_per_field(world, logged):
    _case, photo, _shoes = logged
    with pytest.raises(ValidationError) as refused:
        custody_record(
            actor=world.zj_inspector,
            evidence=photo,
            action=CustodyAction.COLLECTED,
            at=timezone.now() + dt.timedelta(days=1),
            from_party="",
            to_party="",
        )
    assert set(refused.value.message_dict) == {"action", "at", "from_party", "to_party"}


def test_custody_is_recorded_on_the_current_version_only(world, logged):
    _case, photo, _shoes = logged
    evidence_correct(actor=world.zj_inspector, evidence=photo, reason="r", place="x")
    with pytest.raises(ValidationError) as refused:
        custody_record(
            actor=world.zj_inspector, evidence=photo, action="stored", at=timezone.now(), from_party="a", to_party="b"
        )
    assert "evidence" in refused.value.message_dict


def test_custody_events_are_never_changed(world, logged):
    event = CustodyEvent.objects.first()
    with pytest.raises(ImmutableError):
        event.save()
    with pytest.raises(ImmutableError):
        CustodyEvent.objects.all().delete()


def test_an_edited_event_is_detected(logged):
    case, *_ = logged
    _sql("UPDATE anticounterfeit_custodyevent SET to_party = 'someone else' WHERE case_id = %s AND seq = 3", [case.pk])
    report = custody_verify(case)
    assert (report.ok, report.broken_seq) == (False, 3) and "edited" in report.problem


def test_a_removed_event_is_detected(logged):
    case, *_ = logged
    _sql("DELETE FROM anticounterfeit_custodyevent WHERE case_id = %s AND seq = 2", [case.pk])
    report = custody_verify(case)
    assert (report.ok, report.broken_seq) == (False, 3)


def test_an_inserted_event_is_detected(world, logged):
    case, _photo, shoes = logged
    # Make room at 3 (move 3..5 up by one) and insert a forged event there, hashed and linked properly.
    _sql("UPDATE anticounterfeit_custodyevent SET seq = seq + 100 WHERE case_id = %s AND seq >= 3", [case.pk])
    _sql("UPDATE anticounterfeit_custodyevent SET seq = seq - 99 WHERE case_id = %s AND seq >= 100", [case.pk])
    second = CustodyEvent.objects.get(case=case, seq=2)
    forged = CustodyEvent(
        case=case,
        evidence=shoes,
        seq=3,
        action="handed_over",
        at=timezone.now(),
        from_party="x",
        to_party="y",
        evidence_sha256="",
        recorded_label="forger",
        recorded_at=timezone.now(),
        prev_hash=second.hash,
    )
    record = custody.evidence_record(custody.record_fields(shoes))
    forged.hash = custody.compute_hash(custody.event_content(forged, evidence_record=record))
    forged.save()
    report = custody_verify(case)
    assert (report.ok, report.broken_seq) == (False, 4)


def test_the_newest_events_cut_off_are_detected(logged):
    case, *_ = logged
    _sql("DELETE FROM anticounterfeit_custodyevent WHERE case_id = %s AND seq >= 4", [case.pk])
    report = custody_verify(case)
    assert not report.ok and report.checked == 3 and "newest" in report.problem


def test_a_changed_evidence_hash_is_detected(logged):
    case, photo, _shoes = logged
    _sql("UPDATE anticounterfeit_evidence SET sha256 = %s WHERE id = %s", ["f" * 64, photo.pk])
    report = custody_verify(case)
    assert (report.ok, report.broken_seq) == (False, 1) and "SHA-256" in report.problem


def test_a_changed_file_is_detected(logged):
    case, photo, _shoes = logged
    assert evidence_files_verify(case).ok
    path = Path(photo.file.path)
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))
    report = evidence_files_verify(case)
    assert not report.ok and "#1 v1" in report.problems[0]
    path.unlink()
    assert "missing" in evidence_files_verify(case).problems[0]


@pytest.mark.parametrize(
    ("column", "value"),
    [("place", "别处"), ("method", "网络购买"), ("collected_at", "2020-01-01T00:00:00+00"), ("size", 1)],
)
def test_an_item_record_edited_in_the_database_is_detected(logged, column, value):
    case, photo, _shoes = logged
    _sql(f"UPDATE anticounterfeit_evidence SET {column} = %s WHERE id = %s", [value, photo.pk])  # noqa: S608
    report = custody_verify(case)
    assert (report.ok, report.broken_seq) == (False, 1) and "record of its item" in report.problem


def test_the_collector_changed_in_the_database_is_detected(world, logged):
    case, _photo, shoes = logged
    _sql("UPDATE anticounterfeit_evidence SET collected_by_id = %s WHERE id = %s", [world.zj_admin.pk, shoes.pk])
    assert custody_verify(case).broken_seq == 2


def test_the_item_record_digest_is_the_same_from_the_row_and_from_the_manifest(world, logged):
    from anticounterfeit.services.evidence import _item_data

    _case, photo, _shoes = logged
    photo.refresh_from_db()
    assert custody.evidence_record(custody.record_fields(photo)) == custody.evidence_record(_item_data(photo))


def test_accounts_in_custody_are_officers_of_the_case(world, logged):
    _case, photo, _shoes = logged
    inactive = UserFactory(role="inspector", bureau=world.zj, is_active=False)
    for field, outsider in (("to_user", world.gd_inspector), ("from_user", world.alice), ("to_user", inactive)):
        with pytest.raises(ValidationError) as refused:
            custody_record(
                actor=world.zj_inspector,
                evidence=photo,
                action="handed_over",
                at=timezone.now(),
                from_party="",
                to_party="",
                **{field: outsider, ("from_user" if field == "to_user" else "to_user"): world.zj_admin},
            )
        assert set(refused.value.message_dict) == {field}
    event = custody_record(
        actor=world.zj_inspector,
        evidence=photo,
        action="handed_over",
        at=timezone.now(),
        from_party="",
        to_party="",
        from_user=world.zj_inspector,
        to_user=world.zj_admin,
    )
    assert event.to_user == world.zj_admin


@pytest.mark.parametrize(
    "at",
    [dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(1999, 12, 31, 23, 59, tzinfo=dt.UTC), dt.datetime(2026, 1, 1)],
)
def test_custody_times_before_2000_or_without_a_zone_are_refused(world, logged, at):
    _case, photo, _shoes = logged
    with pytest.raises(ValidationError) as refused:
        custody_record(actor=world.zj_inspector, evidence=photo, action="stored", at=at, from_party="a", to_party="b")
    assert set(refused.value.message_dict) == {"at"}

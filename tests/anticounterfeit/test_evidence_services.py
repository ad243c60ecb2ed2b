"""Adding and correcting evidence: the SHA-256 taken on upload, files refused by content or size leave
nothing behind, physical items, corrections as new versions, who may and when."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from anticounterfeit.choices import CaseStatus, CustodyAction
from anticounterfeit.models import CounterfeitCase, CustodyEvent, Evidence
from anticounterfeit.services.custody import custody_verify
from anticounterfeit.services.evidence import evidence_add, evidence_correct
from cbec_supervision.models import AuditEvent
from tests.anticounterfeit.evidence_support import add_file, add_physical, make_case, png

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    return make_case(world)


def _stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_the_stored_hash_is_the_files_sha256(world, case):
    upload = png(size=5000)
    content = upload.read()
    upload.seek(0)
    item = add_file(world, case, upload=upload, description="店铺页面截图")
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    assert (item.number, item.version, item.size, item.mime_type) == (1, 1, 5000, "image/png")
    assert item.original_name == "现场照片.png"
    with item.file.open("rb") as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == item.sha256


def test_an_item_writes_a_collected_custody_event_and_an_audit_record(world, case):
    item = add_file(world, case)
    event = CustodyEvent.objects.get(case=case)
    assert (event.seq, event.action, event.evidence, event.evidence_sha256) == (
        1,
        CustodyAction.COLLECTED,
        item,
        item.sha256,
    )
    case.refresh_from_db()
    assert (case.custody_seq, case.custody_head_hash) == (1, event.hash)
    audit = AuditEvent.objects.for_object(item).get()
    assert audit.action == "create" and audit.after["sha256"] == item.sha256
    assert audit.related_object_id == str(case.pk)


def test_items_are_numbered_in_their_case(world, case):
    assert [add_file(world, case).number for _ in range(3)] == [1, 2, 3]
    other = make_case(world, case_no="ZJ2026AC000002")
    assert add_file(world, other).number == 1


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_saved(world, case, settings):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 this is an executable" * 10)
    with pytest.raises(ValidationError) as refused:
        add_file(world, case, upload=fake)
    assert "file" in refused.value.message_dict
    assert not Evidence.objects.exists() and not CustodyEvent.objects.exists()
    assert _stored_files(settings) == []


def test_a_file_over_the_limit_is_refused(world, case, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        add_file(world, case, upload=png(size=1001))
    assert "file" in refused.value.message_dict
    assert not Evidence.objects.exists() and _stored_files(settings) == []


def test_a_failure_after_the_file_was_stored_leaves_no_file(world, case, settings, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr("anticounterfeit.services.evidence.audit_record", broken)
    with pytest.raises(RuntimeError):
        add_file(world, case)
    assert not Evidence.objects.exists() and _stored_files(settings) == []


def test_a_file_item_needs_a_file_and_collection_is_not_in_the_future(world, case):
    with pytest.raises(ValidationError) as refused:
        evidence_add(actor=world.zj_inspector, case=case, collected_at=timezone.now() + dt.timedelta(hours=1))
    assert set(refused.value.message_dict) == {"file", "collected_at"}


def test_a_physical_item_has_a_quantity_and_no_file(world, case):
    item = add_physical(world, case, storage_location="证据室 A-3", seal_no="FT-0001")
    assert (item.kind, item.quantity, item.unit, item.sha256, item.file.name) == ("physical", 20, "双", "", "")
    with pytest.raises(ValidationError) as refused:
        add_physical(world, case, quantity=0, upload=png())
    assert set(refused.value.message_dict) == {"quantity", "file"}


def test_only_a_handler_adds_evidence(world, case):
    for outsider in (world.zj_admin, world.hq, world.gd_inspector):
        with pytest.raises(PermissionDenied):
            evidence_add(actor=outsider, case=case, upload=png())
    assert not Evidence.objects.exists()


@pytest.mark.parametrize("status", [CaseStatus.REVIEW, CaseStatus.CLOSED, CaseStatus.NOT_OPENED])
def test_no_evidence_is_added_once_the_case_left_investigation(world, status):
    case = make_case(world, status=status)
    with pytest.raises(ValidationError):
        add_file(world, case)
    assert not Evidence.objects.exists()


def test_evidence_may_be_added_while_the_opening_awaits_approval(world):
    case = make_case(world, status=CaseStatus.PROPOSED)
    assert add_file(world, case).number == 1


def test_a_correction_is_a_new_version_and_keeps_the_old_one(world, case):
    old = add_file(world, case, description="截图")
    new = evidence_correct(actor=world.zj_inspector, evidence=old, reason="地点写错", place="宁波市某仓库")
    assert (new.number, new.version, new.supersedes, new.place, new.sha256) == (1, 2, old, "宁波市某仓库", old.sha256)
    assert new.file.name == old.file.name and new.correction_reason == "地点写错"
    old.refresh_from_db()
    assert old.place == "杭州市某仓库" and not old.is_current and new.is_current
    assert list(Evidence.objects.filter(case=case).current()) == [new]
    event = CustodyEvent.objects.get(case=case, seq=2)
    assert (event.action, event.evidence) == (CustodyAction.CORRECTED, new)
    audit = AuditEvent.objects.for_object(new).get()
    assert (audit.action, audit.reason, audit.before["place"], audit.after["place"]) == (
        "correct",
        "地点写错",
        "杭州市某仓库",
        "宁波市某仓库",
    )
    assert custody_verify(case).ok


def test_a_correction_with_a_new_file_keeps_the_old_file(world, case):
    old = add_file(world, case)
    new = evidence_correct(actor=world.zj_inspector, evidence=old, reason="换成清晰的照片", upload=png("clear.png"))
    assert new.sha256 != old.sha256 and new.file.name != old.file.name
    assert Path(old.file.path).exists() and Path(new.file.path).exists()


def test_a_correction_needs_a_reason_and_the_current_version(world, case):
    old = add_file(world, case)
    with pytest.raises(ValidationError) as refused:
        evidence_correct(actor=world.zj_inspector, evidence=old, reason=" ", place="x")
    assert "reason" in refused.value.message_dict
    evidence_correct(actor=world.zj_inspector, evidence=old, reason="r", place="x")
    with pytest.raises(ValidationError):
        evidence_correct(actor=world.zj_inspector, evidence=old, reason="again", place="y")
    assert Evidence.objects.count() == 2


def test_corrections_are_refused_after_investigation(world, case):
    old = add_file(world, case)
    CounterfeitCase.objects.filter(pk=case.pk).update(status=CaseStatus.REVIEW)
    with pytest.raises(ValidationError):
        evidence_correct(actor=world.zj_inspector, evidence=old, reason="r", place="x")
    with pytest.raises(PermissionDenied):
        evidence_correct(actor=world.zj_admin, evidence=old, reason="r", place="x")


def test_a_long_place_and_collector_name_are_cut_to_the_custody_fields(world, case):
    world.zj_inspector.first_name, world.zj_inspector.last_name = "甲" * 150, "乙" * 150
    world.zj_inspector.save()
    place = ("杭州市某区某街道某仓库" * 30)[:300]  # 300 characters: the item's limit, over the event's 200
    item = add_file(world, case, place=place)
    event = CustodyEvent.objects.get(evidence=item)
    assert item.place == place and event.place == place
    assert event.from_party == place[:200] and len(event.to_party) == 200
    assert custody_verify(case).ok


@pytest.mark.parametrize(
    "collected_at",
    [dt.datetime(1, 1, 1, tzinfo=dt.UTC), dt.datetime(1999, 12, 31, 23, 59, tzinfo=dt.UTC), dt.datetime(2026, 1, 1)],
    ids=["year-1", "1999", "naive"],
)
def test_collection_before_2000_is_refused(world, case, collected_at):
    with pytest.raises(ValidationError) as refused:
        add_physical(world, case, collected_at=collected_at)
    assert set(refused.value.message_dict) == {"collected_at"}
    item = add_physical(world, case)
    with pytest.raises(ValidationError) as refused:
        evidence_correct(actor=world.zj_inspector, evidence=item, reason="r", collected_at=collected_at)
    assert set(refused.value.message_dict) == {"collected_at"}


def test_an_interview_recording_is_evidence_but_an_executable_named_mp3_is_not(world):
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from anticounterfeit.choices import CaseDuty
    from anticounterfeit.models import CaseAssignment, CounterfeitCase
    from anticounterfeit.services.evidence import evidence_add

    case = CounterfeitCase.objects.create(case_no="ZJ2026AC000077", title="t", bureau=world.zj)
    CaseAssignment.objects.create(case=case, user=world.zj_inspector, duty=CaseDuty.HANDLER)
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 64
    item = evidence_add(actor=world.zj_inspector, case=case, upload=SimpleUploadedFile("询问录音.mp3", mp3))
    assert (item.mime_type, item.size) == ("audio/mpeg", len(mp3))
    with pytest.raises(ValidationError):
        evidence_add(actor=world.zj_inspector, case=case, upload=SimpleUploadedFile("x.mp3", b"MZ\x90\x00" * 64))

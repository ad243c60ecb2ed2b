"""Evidence packs: exported from a case, verified from the ZIP alone (and against the database by the
command); a changed file byte, a changed manifest, a removed custody event, a forged pack whose hashes
were all recomputed, a corrupt file and unsafe paths are all reported, never with a traceback."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from anticounterfeit import custody, packs
from anticounterfeit.choices import CustodyAction
from anticounterfeit.services.custody import custody_record
from anticounterfeit.services.evidence import evidence_correct, evidence_pack_export
from cbec_supervision.models import AuditEvent
from tests.anticounterfeit.evidence_support import add_file, add_physical, make_case, png
from tests.conftest import api_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(world):
    case = make_case(world)
    photo = add_file(world, case, upload=png("店铺 截图.png"), description="店铺页面截图")
    evidence_correct(actor=world.zj_inspector, evidence=photo, reason="补充说明", description="店铺页面截图（含价格）")
    shoes = add_physical(world, case, seal_no="FT-0001")
    custody_record(
        actor=world.zj_inspector,
        evidence=shoes,
        action=CustodyAction.STORED,
        at=timezone.now(),
        from_party="办案人员",
        to_party="证据室",
    )
    add_file(world, case, upload=png("invoice.png", size=70000))
    case.refresh_from_db()
    return case


@pytest.fixture
def pack(world, case):
    return evidence_pack_export(actor=world.zj_inspector, case=case)


def _copy(pack, tmp_path) -> Path:
    path = tmp_path / "pack.zip"
    with pack.file.open("rb") as source:
        path.write_bytes(source.read())
    return path


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy the pack entry by entry; ``change(name, data)`` returns new data, or None to drop the entry."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info))
            if data is not None:
                new.writestr(info.filename, data)


def _command(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("verify_evidence_pack", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_an_exported_pack_holds_every_version_and_verifies(world, case, pack, tmp_path):
    path = _copy(pack, tmp_path)
    assert pack.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() and pack.size == path.stat().st_size
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        sums = archive.read("SHA256SUMS").decode()
        pdf = archive.read("summary.pdf")
        readme = archive.read("README.txt").decode()
    assert {"files/1-v1-店铺_截图.png", "files/1-v2-店铺_截图.png", "files/3-v1-invoice.png"} <= names
    assert {"manifest.json", "SHA256SUMS", "summary.pdf", "README.txt"} <= names
    assert hashlib.sha256(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()).hexdigest() == (
        pack.manifest_sha256
    )
    assert manifest["case"]["case_no"] == case.case_no and manifest["case"]["party"] == "某某鞋店"
    assert [(i["number"], i["version"]) for i in manifest["items"]] == [(1, 1), (1, 2), (2, 1), (3, 1)]
    assert manifest["items"][1]["correction_reason"] == "补充说明" and manifest["items"][2]["seal_no"] == "FT-0001"
    assert len(manifest["custody"]) == 5 and manifest["custody_head"] == {"seq": 5, "hash": case.custody_head_hash}
    assert "SHA256SUMS" not in sums and f"{pack.manifest_sha256}  manifest.json" in sums
    assert pdf.startswith(b"%PDF") and b"STSong-Light" in pdf
    assert "sha256sum -c SHA256SUMS" in readme and "verify_evidence_pack" in readme
    report = packs.verify_pack(path)
    assert report.ok, report.problems
    assert (report.files, report.custody, report.manifest_sha256) == (3, 5, pack.manifest_sha256)
    audit = AuditEvent.objects.for_object(pack).get()
    assert audit.action == "export" and audit.after["manifest_sha256"] == pack.manifest_sha256


def test_sha256sum_checks_the_unzipped_pack(pack, tmp_path):
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(_copy(pack, tmp_path)) as archive:
        archive.extractall(folder)
    result = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_command_says_ok_and_finds_the_recorded_manifest(pack, tmp_path):
    code, out = _command(str(_copy(pack, tmp_path)))
    assert code == 0
    assert out.splitlines()[-1] == f"ok files=3 custody=5 manifest={pack.manifest_sha256}"
    assert "recorded" in out


def test_a_changed_file_byte_is_detected(pack, tmp_path):
    source, forged = _copy(pack, tmp_path), tmp_path / "forged.zip"

    def flip(name, data):
        return data[:-1] + bytes([data[-1] ^ 1]) if name == "files/3-v1-invoice.png" else data

    _rewrite(source, forged, flip)
    report = packs.verify_pack(forged)
    assert any("files/3-v1-invoice.png" in p and "manifest" in p for p in report.problems)
    code, out = _command(str(forged), "--offline")
    assert code == 1 and out.splitlines()[-1].startswith("FAILED problems=")


def test_a_changed_manifest_is_detected(pack, tmp_path):
    source, forged = _copy(pack, tmp_path), tmp_path / "forged.zip"

    def edit(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["items"][0]["place"] = "别处"
        return json.dumps(manifest, ensure_ascii=False).encode()

    _rewrite(source, forged, edit)
    assert any("manifest.json" in p and "SHA256SUMS" in p for p in packs.verify_pack(forged).problems)


def test_a_removed_custody_event_is_detected(pack, tmp_path):
    source, forged = _copy(pack, tmp_path), tmp_path / "forged.zip"

    def drop_event(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        del manifest["custody"][3]
        return json.dumps(manifest).encode()

    _rewrite(source, forged, drop_event)
    problems = packs.verify_pack(forged).problems
    assert any("Chain of custody" in p for p in problems)


def _forge_consistently(source: Path, target: Path) -> None:
    """A pack changed with every hash recomputed: a custody event edited and rehashed down the chain, the
    head moved, SHA256SUMS rewritten. Only the manifest's SHA-256 recorded at export can catch it."""
    with zipfile.ZipFile(source) as old:
        entries = {info.filename: old.read(info) for info in old.infolist()}
    manifest = json.loads(entries["manifest.json"])
    prev = custody.GENESIS_HASH
    for event in manifest["custody"]:
        if event["seq"] == 4:
            event["to_party"] = "某人家中"
        event["prev_hash"] = prev
        event["hash"] = prev = custody.compute_hash(event)
    manifest["custody_head"]["hash"] = prev
    entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    entries["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in entries.items() if name != "SHA256SUMS"
    ).encode()
    with zipfile.ZipFile(target, "w") as new:
        for name, data in entries.items():
            new.writestr(name, data)


def test_a_fully_recomputed_forgery_is_caught_only_against_the_database(pack, tmp_path):
    forged = tmp_path / "forged.zip"
    _forge_consistently(_copy(pack, tmp_path), forged)
    assert packs.verify_pack(forged).ok
    code, out = _command(str(forged), "--offline")
    assert code == 0 and out.splitlines()[-1].startswith("ok files=3 custody=5 manifest=")
    code, out = _command(str(forged))
    assert code == 1
    assert "matches no evidence pack recorded" in out and out.splitlines()[-1] == "FAILED problems=1"


@pytest.mark.parametrize(
    "content",
    [b"", b"not a zip at all", b"PK\x03\x04" + b"\x00" * 100],
    ids=["empty", "text", "truncated"],
)
def test_a_corrupt_file_is_a_clean_failure(tmp_path, content):
    path = tmp_path / "bad.zip"
    path.write_bytes(content)
    report = packs.verify_pack(path)
    assert not report.ok
    code, out = _command(str(path), "--offline")
    assert code == 1 and out.splitlines()[-1] == "FAILED problems=1"


def test_a_missing_file_is_a_clean_failure(tmp_path):
    code, out = _command(str(tmp_path / "nothing.zip"), "--offline")
    assert code == 1 and out.splitlines()[-1] == "FAILED problems=1"


def test_a_corrupt_entry_is_reported(pack, tmp_path):
    path = _copy(pack, tmp_path)
    data = bytearray(path.read_bytes())
    offset = data.find(b"\x89PNG")
    data[offset + 200] ^= 0xFF  # inside a stored file: its CRC no longer matches
    path.write_bytes(bytes(data))
    report = packs.verify_pack(path)
    assert not report.ok


@pytest.mark.parametrize("evil", ["../../etc/passwd", "/etc/passwd", "files/../../x"])
def test_zip_slip_paths_are_refused(pack, tmp_path, evil):
    source, forged = _copy(pack, tmp_path), tmp_path / "forged.zip"
    _rewrite(source, forged, lambda name, data: data)
    with zipfile.ZipFile(forged, "a") as archive:
        archive.writestr(zipfile.ZipInfo(evil), b"owned")
    problems = packs.verify_pack(forged).problems
    assert any("unsafe path" in p for p in problems)


def test_files_not_in_the_manifest_are_reported(pack, tmp_path):
    source, forged = _copy(pack, tmp_path), tmp_path / "forged.zip"
    _rewrite(source, forged, lambda name, data: data)
    with zipfile.ZipFile(forged, "a") as archive:
        archive.writestr("files/9-v1-planted.png", b"planted")
    assert any("planted" in p and "not in the manifest" in p for p in packs.verify_pack(forged).problems)


def test_enterprises_and_outsiders_may_not_export(world, case):
    for user in (world.alice, world.gd_inspector):
        with pytest.raises(PermissionDenied):
            evidence_pack_export(actor=user, case=case)
    assert evidence_pack_export(actor=world.hq, case=case).evidence_count == 4


def test_a_stored_file_changed_on_disk_stops_the_export(world, case):
    item = case.evidence.get(number=3)
    Path(item.file.path).write_bytes(b"\x89PNG\r\n\x1a\n changed")
    with pytest.raises(ValidationError):
        evidence_pack_export(actor=world.zj_inspector, case=case)
    assert not case.packs.exists()


# --- review fixes -----------------------------------------------------------------------------------


def _rezip(source: Path, target: Path, change) -> None:
    """Like ``_rewrite``, then SHA256SUMS recomputed over every other entry (an offline-consistent pack)."""
    with zipfile.ZipFile(source) as old:
        entries = {info.filename: old.read(info) for info in old.infolist()}
    entries = {name: data for name, data in change(entries).items() if data is not None}
    entries["SHA256SUMS"] = "".join(
        f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in entries.items() if name != "SHA256SUMS"
    ).encode()
    with zipfile.ZipFile(target, "w") as new:
        for name, data in entries.items():
            new.writestr(name, data)


def _edit_manifest(edit):
    def change(entries):
        manifest = json.loads(entries["manifest.json"])
        edit(manifest)
        entries["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
        return entries

    return change


def test_a_long_description_is_cut_in_the_summary_but_whole_in_the_manifest(world, case, tmp_path):
    description = (
        "仿冒运动鞋，鞋底印有伪造商标。" * 700
    )  # 10,500 characters: a cell taller than a page if printed whole
    add_physical(world, case, description=description[:10000])
    pack = evidence_pack_export(actor=world.zj_inspector, case=case)
    path = _copy(pack, tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["items"][-1]["description"] == description[:10000]
    assert packs.verify_pack(path).ok
    assert packs.clip("甲" * 1000) == "甲" * 300 + "…" and packs.clip("a\n" * 20).count("\n") == 7


def test_a_summary_that_cannot_be_laid_out_is_a_clean_refusal(world, case, monkeypatch):
    add_physical(world, case, description="仿" * 10000)
    monkeypatch.setattr(packs, "CELL_CHARS", 100000)
    with pytest.raises(ValidationError) as refused:
        evidence_pack_export(actor=world.zj_inspector, case=case)
    assert "summary" in str(refused.value)
    assert not case.packs.exists()
    response = api_as(world.zj_inspector).post(f"/api/v1/counterfeit-cases/{case.pk}/packs/")
    assert response.status_code == 400


def test_the_command_names_this_exact_pack(pack, tmp_path):
    code, out = _command(str(_copy(pack, tmp_path)))
    assert code == 0 and "this exact pack" in out


def test_a_replaced_summary_is_caught_by_the_zip_hash_online(pack, tmp_path):
    forged = tmp_path / "forged.zip"
    _rezip(_copy(pack, tmp_path), forged, lambda entries: {**entries, "summary.pdf": b"%PDF-1.4 forged"})
    assert packs.verify_pack(forged).ok  # the manifest still matches: offline, nothing shows
    code, out = _command(str(forged))
    assert code == 1 and "ZIP differs" in out and out.splitlines()[-1] == "FAILED problems=1"


def test_entries_beyond_a_packs_are_reported(pack, tmp_path):
    extra, missing = tmp_path / "extra.zip", tmp_path / "missing.zip"
    _rezip(_copy(pack, tmp_path), extra, lambda entries: {**entries, "notes.txt": b"planted"})
    assert any("notes.txt" in p and "not part of an evidence pack" in p for p in packs.verify_pack(extra).problems)
    _rezip(_copy(pack, tmp_path), missing, lambda entries: {**entries, "README.txt": None})
    assert any("README.txt" in p for p in packs.verify_pack(missing).problems)


def test_an_item_record_changed_in_the_manifest_breaks_the_chain(pack, tmp_path):
    forged = tmp_path / "forged.zip"

    def move(manifest):
        manifest["items"][0]["place"] = "别处"

    _rezip(_copy(pack, tmp_path), forged, _edit_manifest(move))
    problems = packs.verify_pack(forged).problems
    assert any("Chain of custody" in p and "record of the item" in p for p in problems), problems


def test_an_oversized_sha256sums_is_not_read(pack, tmp_path, monkeypatch):
    monkeypatch.setattr(packs, "_SUMS_LIMIT", 100)
    problems = packs.verify_pack(_copy(pack, tmp_path)).problems
    assert any("SHA256SUMS is too large" in p for p in problems)


def _rehashed(change):
    """Change the manifest, then rehash its custody chain and head (so the walk reaches the odd value)."""

    def forge(manifest):
        change(manifest)
        prev = custody.GENESIS_HASH
        for event in manifest["custody"]:
            event["prev_hash"] = prev
            event["hash"] = prev = custody.compute_hash(event)
        manifest["custody_head"]["hash"] = prev

    return forge


@pytest.mark.parametrize(
    "forge",
    [
        _rehashed(lambda m: m["custody"][0].update(evidence_id=[1])),
        _rehashed(lambda m: m["custody"][0].update(evidence_id={"x": 1})),
        lambda m: m["items"][0].update(id=[1, 2]),
        lambda m: m["items"][0].update(id={"a": 1}),
        lambda m: m["custody"][0].update(evidence_id=[1]),
        lambda m: m["custody"][0].update(evidence_id={"x": 1}),
        lambda m: m["custody_head"].update(seq=[5], hash={"h": 1}),
        lambda m: m["items"][0].update(collected_at="0001-01-01T00:00:00+14:00", sha256=["x"], size={}),
    ],
    ids=[
        "rehashed-event-item-list",
        "rehashed-event-item-dict",
        "item-id-list",
        "item-id-dict",
        "event-item-list",
        "event-item-dict",
        "head",
        "odd-item-fields",
    ],
)
def test_a_forged_manifest_with_odd_types_is_a_report_not_a_traceback(pack, tmp_path, forge):
    forged = tmp_path / "forged.zip"
    _rezip(_copy(pack, tmp_path), forged, _edit_manifest(forge))
    report = packs.verify_pack(forged)
    assert not report.ok and not any("could not be checked" in p for p in report.problems), report.problems
    code, out = _command(str(forged), "--offline")
    assert code == 1 and out.splitlines()[-1].startswith("FAILED problems=")

"""Verifying an evidence pack: ``evidence_pack_verify_s`` beside ``evidence_pack_sha256sum_s``.

Generated data, made once per database and scale (kept and reused by later runs): at BENCH_SCALE 1.0 a
case with 1,000 evidence files totalling 100 MB, sized like real evidence (many small photos and
screenshots, some documents, a few large videos), random (incompressible) content, each added through
``evidence_add`` (checked, hashed, a custody event each), and one evidence pack exported from it (the
export is kept too).

``evidence_pack_verify_s`` is ``anticounterfeit.packs.verify_pack`` on the pack's ZIP: every file hashed
and checked against the manifest, ``SHA256SUMS`` checked, the custody log recomputed.
``evidence_pack_sha256sum_s`` is the ``sha256sum -c SHA256SUMS`` binary over the same pack unzipped in a
temporary folder, as the issue asks. That binary (coreutils 9.1) does not use the CPU's SHA instructions,
which Python's OpenSSL does, so it is slower per byte than the verification itself (a ratio below 1 is not
a flattering setup): ``evidence_pack_hash_floor_s`` is the honest floor, the same unzipped files read and
hashed with ``hashlib`` and nothing else, and ``evidence_pack_hash_floor_ratio`` the verification's
overhead over it (the ZIP's own reading, the manifest, ``SHA256SUMS``, the custody chain). Caches are cold
as a first verification finds them: before each run of each, the ZIP and the unzipped files are evicted
from the OS page cache (``posix_fadvise(DONTNEED)`` after ``fsync``, which needs no privilege).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from bench.timing import medians, seconds

TAG = "EVP"
#: (share of the files, share of the bytes, extension): many small photos and screenshots, some
#: documents, a few large videos
_MIX = ((0.80, 0.22, ".jpg"), (0.17, 0.13, ".pdf"), (0.03, 0.65, ".mp4"))
_HEADS = {
    ".jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    ".pdf": b"%PDF-1.7\n",
    ".mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",
}


def _sizes(scale: float, rng: random.Random) -> list[tuple[int, str]]:
    """(size, extension) of each file: the mix above, log-normal within each kind, summing to the total."""
    count = max(20, int(1000 * scale))
    total = int(100 * 1024 * 1024 * scale)
    files: list[tuple[int, str]] = []
    for file_share, byte_share, ext in _MIX:
        n = max(1, round(count * file_share))
        weights = [rng.lognormvariate(0, 0.6) for _ in range(n)]
        budget = total * byte_share
        files += [(max(1024, int(budget * w / sum(weights))), ext) for w in weights]
    rng.shuffle(files)
    return files


def generate(scale: float, seed: int = 2026) -> tuple[int, int]:
    """The case and its pack (their ids), generated on the first run at this scale."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from accounts.choices import Role
    from accounts.models import Bureau, User
    from anticounterfeit.choices import CaseDuty, CaseStatus
    from anticounterfeit.models import CaseAssignment, CounterfeitCase, EvidencePack
    from anticounterfeit.services.evidence import evidence_add, evidence_pack_export

    rng = random.Random(seed)
    files = _sizes(scale, rng)
    case_no = f"BENCH{TAG}{len(files):06d}"
    case = CounterfeitCase.objects.filter(case_no=case_no).first()
    if case is not None and case.evidence.count() == len(files):
        pack = EvidencePack.objects.filter(case=case).order_by("-id").first()
        if pack is not None and pack.file.storage.exists(pack.file.name):
            return case.pk, pack.pk
        return case.pk, evidence_pack_export(actor="command:bench", case=case).pk
    if case is not None:  # a run stopped half-way: start again under a new number
        case_no = f"{case_no}-{timezone.now():%H%M%S}"
    bureau = Bureau.objects.filter(is_active=True).exclude(code="HQ").order_by("code").first()
    handler, _ = User.objects.get_or_create(
        username="bench-evidence", defaults={"role": Role.INSPECTOR, "bureau": bureau, "is_active": True}
    )
    case = CounterfeitCase.objects.create(
        case_no=case_no, title="基准测试：仿冒运动鞋证据", bureau=bureau, brand="Bench", status=CaseStatus.INVESTIGATING
    )
    CaseAssignment.objects.create(case=case, user=handler, duty=CaseDuty.HANDLER)
    collected = timezone.now() - dt.timedelta(days=30)
    for i, (size, ext) in enumerate(files, start=1):
        head = _HEADS[ext]
        content = head + rng.randbytes(size - len(head))
        evidence_add(
            actor=handler,
            case=case,
            upload=SimpleUploadedFile(f"证据{i:04d}{ext}", content),
            collected_at=collected,
            place="杭州市某仓库",
            method="现场检查",
            description=f"第 {i} 项",
        )
    return case.pk, evidence_pack_export(actor="command:bench", case=case).pk


def _evict(path: Path) -> None:
    """Drop the file's pages from the OS page cache (clean pages: no privilege needed)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def run(scale: float) -> dict[str, float]:
    from anticounterfeit.models import EvidencePack
    from anticounterfeit.packs import verify_pack

    _case_id, pack_id = generate(scale)
    pack = EvidencePack.objects.get(pk=pack_id)
    work = Path(tempfile.mkdtemp(prefix="bench-evidence-pack-"))
    try:
        zip_path = work / "pack.zip"
        with pack.file.open("rb") as source, open(zip_path, "wb") as target:
            shutil.copyfileobj(source, target, 1024 * 1024)
        unzipped = work / "unzipped"
        with zipfile.ZipFile(zip_path) as archive:
            archive.extractall(unzipped)
        extracted = [p for p in unzipped.rglob("*") if p.is_file()]
        report = verify_pack(zip_path)
        if not report.ok:
            raise RuntimeError(f"the benchmark's pack does not verify: {report.problems[:3]}")

        def verify() -> None:
            assert verify_pack(zip_path).ok

        def sha256sum() -> None:
            subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=unzipped, check=True)

        def hash_files() -> None:
            for path in extracted:
                digest = hashlib.sha256()
                with open(path, "rb") as f:
                    while chunk := f.read(1024 * 1024):
                        digest.update(chunk)

        def once() -> list[float]:
            _evict(zip_path)
            verify_s = seconds(verify)
            for path in extracted:
                _evict(path)
            floor_s = seconds(sha256sum)
            for path in extracted:
                _evict(path)
            hash_s = seconds(hash_files)
            return [verify_s, floor_s, hash_s]

        verify_s, floor_s, hash_s = medians(once)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "evidence_pack_files": float(report.files),
        "evidence_pack_mb": round(pack.size / 1024 / 1024, 1),
        "evidence_pack_verify_s": round(verify_s, 3),
        "evidence_pack_sha256sum_s": round(floor_s, 3),
        "evidence_pack_verify_ratio": round(verify_s / floor_s, 2),
        "evidence_pack_hash_floor_s": round(hash_s, 3),
        "evidence_pack_hash_floor_ratio": round(verify_s / hash_s, 2),
    }

"""The HS code reference table, loaded from the shipped China Customs files."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from django.db import transaction

from catalogues.models import HSCode
from cbec_supervision.audit import Actor, audit_record, snapshot
from cbec_supervision.models import ReferenceDataset

DATASET = "hs8_2023"


def _read(path: Path) -> dict[str, tuple[str, str]]:
    rows = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)  # header
        for row in reader:
            if row and row[0].strip().isdigit() and len(row[0].strip()) == 8:
                rows[row[0].strip()] = (row[1].strip(), row[4].strip() if len(row) > 4 else "")
    return rows


@transaction.atomic
def hs_codes_load(*, zh_path: Path, en_path: Path, actor: Actor) -> tuple[int, bool]:
    """Load the 8-digit codes with Chinese and English names. Returns (rows, whether anything changed)."""
    digest = hashlib.sha256(zh_path.read_bytes() + en_path.read_bytes()).hexdigest()
    dataset = ReferenceDataset.objects.filter(name=DATASET).first()
    if dataset and dataset.sha256 == digest and HSCode.objects.count() == dataset.row_count:
        return dataset.row_count, False
    zh, en = _read(zh_path), _read(en_path)
    codes = [
        HSCode(code=code, name=name, name_en=en.get(code, ("", ""))[0], unit=unit) for code, (name, unit) in zh.items()
    ]
    HSCode.objects.all().delete()
    HSCode.objects.bulk_create(codes, batch_size=2000)
    before = snapshot(dataset) if dataset else None
    dataset, _created = ReferenceDataset.objects.update_or_create(
        name=DATASET,
        defaults={"source": f"{zh_path.name}, {en_path.name}", "sha256": digest, "row_count": len(codes)},
    )
    audit_record(
        actor=actor,
        action="create" if before is None else "update",
        obj=dataset,
        before=before,
        after=snapshot(dataset),
    )
    return len(codes), True

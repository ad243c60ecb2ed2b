"""What the evidence tests share: a case under investigation with a handler, uploads that pass the
content check, and items added through the service."""

from __future__ import annotations

import os

from django.core.files.uploadedfile import SimpleUploadedFile

from anticounterfeit.choices import CaseDuty, CaseStatus
from anticounterfeit.models import CaseAssignment, CounterfeitCase
from anticounterfeit.services.evidence import evidence_add

PNG_MAGIC = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def png(name: str = "现场照片.png", size: int = 2000, seed: bytes | None = None) -> SimpleUploadedFile:
    body = (seed or os.urandom(16)) * (size // 16 + 1)
    return SimpleUploadedFile(name, PNG_MAGIC + body[: max(0, size - len(PNG_MAGIC))], content_type="image/png")


def make_case(world, *, status: str = CaseStatus.INVESTIGATING, case_no: str = "ZJ2026AC000001") -> CounterfeitCase:
    case = CounterfeitCase.objects.create(
        case_no=case_no, title="仿冒品牌运动鞋", bureau=world.zj, brand="NIKE", party_name="某某鞋店", status=status
    )
    CaseAssignment.objects.create(case=case, user=world.zj_inspector, duty=CaseDuty.HANDLER)
    return case


def add_file(world, case, **kwargs):
    kwargs.setdefault("upload", png())
    kwargs.setdefault("place", "杭州市某仓库")
    kwargs.setdefault("method", "现场检查")
    return evidence_add(actor=world.zj_inspector, case=case, **kwargs)


def add_physical(world, case, **kwargs):
    kwargs.setdefault("description", "仿冒运动鞋")
    kwargs.setdefault("quantity", 20)
    kwargs.setdefault("unit", "双")
    return evidence_add(actor=world.zj_inspector, case=case, kind="physical", **kwargs)

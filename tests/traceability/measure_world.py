"""Fixtures of the measure tests (imported by them by name).

An investigation led by Zhejiang (the bureau of the platform, Tmall Co), notified by Guangdong, about
Alice Co's building blocks sold on Tmall Co. ``world.pat`` works for the platform, ``world.carol`` for
Carol Co (another Zhejiang operator, with nothing to do with the case).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.choices import Role
from filings.choices import FilingStatus
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory, UserFactory
from traceability import services
from traceability.models import Investigation

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

URLS = ["https://shop.example.com/item/1", "https://shop.example.com/item/2"]


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "proof.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def in_days(days: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(days=days)


@pytest.fixture
def case(world) -> SimpleNamespace:
    world.alice_co.status = FilingStatus.APPROVED
    world.alice_co.filing_no = "ZJ-E-0001"
    world.alice_co.save()
    world.tmall = EnterpriseFilingFactory(
        name="Tmall Co", bureau=world.zj, is_platform=True, is_operator=False, status=FilingStatus.APPROVED
    )
    world.carol_co = EnterpriseFilingFactory(name="Carol Co", bureau=world.zj, status=FilingStatus.APPROVED)
    world.bob_co.status = FilingStatus.APPROVED
    world.bob_co.save()
    world.pat = UserFactory(username="pat", role=Role.ENTERPRISE, bureau=None, enterprise=world.tmall)
    world.carol = UserFactory(username="carol", role=Role.ENTERPRISE, bureau=None, enterprise=world.carol_co)
    world.blocks = ProductFilingFactory(enterprise=world.alice_co, status=FilingStatus.APPROVED)
    world.bobs_toy = ProductFilingFactory(enterprise=world.bob_co, status=FilingStatus.APPROVED)
    world.investigation = Investigation.objects.create(
        case_no="ZJ-2026-0001",
        title="积木小零件脱落",
        lead_bureau=world.zj,
        notifying_bureau=world.gd,
        enterprise=world.alice_co,
        platform=world.tmall,
    )
    return world


def issue(world, type: str = "destruction", **fields):
    """A measure of ``type`` issued by Zhejiang's inspector to Alice Co about its blocks."""
    values = {
        "investigation": world.investigation,
        "type": type,
        "enterprise": world.alice_co,
        "product": world.blocks,
        "description": "销毁库存",
        "legal_basis": "《进出口商品检验法》第三十五条",
        "deadline": in_days(10),
    }
    if type == "delisting":
        values.update(platform=world.tmall, listing_urls=URLS)
    values.update(fields)
    return services.measure_issue(actor=world.zj_inspector, **values)


def acknowledged(world, type: str = "destruction", **fields):
    measure = issue(world, type, **fields)
    return services.measure_acknowledge(actor=world.alice, measure=measure)


def completed(world, type: str = "destruction", **fields):
    """A measure completed by Alice Co with the proof its type needs."""
    measure = acknowledged(world, type, **fields)
    files: dict = {}
    if type == "destruction":
        files = {"photo": [png()], "warehouse_confirmation": [pdf()]}
    elif type == "rectification":
        files = {"rectification_report": [pdf()]}
    elif type == "delisting":
        for url in measure.listing_urls:
            services.measure_confirm_delisting(actor=world.pat, measure=measure, url=url)
    elif type == "recall":
        files = {"recall_plan": [pdf()]}
        services.measure_report_progress(
            actor=world.alice, measure=measure, reported_on=None, units_sold=100, units_recovered=90
        )
    return services.measure_respond(actor=world.alice, measure=measure, response="已完成", files=files)

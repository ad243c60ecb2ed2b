"""Files on risk signals (issue 10: attachments): added by the reporter and the competent bureau to an
open signal, at intake or later, read by whoever reads the signal."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cbec_supervision.models import Attachment, AuditEvent
from risk_monitoring.models import RiskSignal
from risk_monitoring.services import risk_signal_close, risk_signal_create
from tests.conftest import api_as
from tests.pages import PNG

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk-signals/"


def _png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _signal(goods):
    return risk_signal_create(actor=goods.gd_inspector, source="complaint", title="x", products=[goods.alice_toy])


def test_the_competent_bureau_adds_a_file_every_bureau_reads_it(goods):
    signal = _signal(goods)
    response = api_as(goods.zj_inspector).post(f"{URL}{signal.pk}/attachments/", {"file": _png()}, format="multipart")
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "risk_evidence" and len(response.json()["sha256"]) == 64
    listed = api_as(goods.hq).get(f"{URL}{signal.pk}/attachments/")
    assert [row["original_name"] for row in listed.json()] == ["photo.png"]
    assert AuditEvent.objects.for_object(signal).filter(action="attach").count() == 1
    assert api_as(goods.alice).get(f"{URL}{signal.pk}/attachments/").status_code == 404


def test_only_the_reporter_and_the_competent_bureau_add_files_to_an_open_signal(goods):
    signal = _signal(goods)
    outsider = RiskSignal.objects.create(
        source="complaint", title="y", enterprise=goods.bob_co, competent_bureau=goods.gd
    )
    # The Guangdong inspector reported the first one; the second is Guangdong's to triage, not Zhejiang's.
    assert (
        api_as(goods.gd_inspector)
        .post(f"{URL}{signal.pk}/attachments/", {"file": _png()}, format="multipart")
        .status_code
        == 201
    )
    assert (
        api_as(goods.zj_inspector)
        .post(f"{URL}{outsider.pk}/attachments/", {"file": _png()}, format="multipart")
        .status_code
        == 403
    )
    risk_signal_close(actor=goods.zj_inspector, signal=signal, reason="r")
    closed = api_as(goods.zj_inspector).post(f"{URL}{signal.pk}/attachments/", {"file": _png()}, format="multipart")
    assert closed.status_code == 400 and "file" in closed.json()


def test_a_file_of_the_wrong_type_is_refused_on_the_file(goods):
    signal = _signal(goods)
    response = api_as(goods.zj_inspector).post(
        f"{URL}{signal.pk}/attachments/",
        {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10)},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()
    assert not Attachment.objects.exists()


def test_an_enterprise_reports_a_risk_with_a_photo_and_adds_another(goods, client):
    client.force_login(goods.alice)
    response = client.post(
        reverse("risk_monitoring:signal_create"),
        {"title": "电池过热", "hazard": "fire", "product": goods.alice_toy.pk, "file": _png("burn.png")},
    )
    signal = RiskSignal.objects.get()
    assert response.status_code == 302
    assert [a.original_name for a in Attachment.objects.for_object(signal)] == ["burn.png"]
    page = client.get(signal.get_absolute_url())
    assert b'data-testid="attach-form"' in page.content and b"burn.png" in page.content
    client.post(reverse("risk_monitoring:signal_attach", args=[signal.pk]), {"file": _png("second.png")})
    assert Attachment.objects.for_object(signal).count() == 2

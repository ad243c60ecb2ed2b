"""The port bureau verifying a batch opens the filings on it: the products on its lines, their test
reports and report files, and the operator, platform and warehouse.

Approved filings are read by every bureau anyway (tests/filings/test_national_sharing.py); here the
national sharing is switched off, so what is checked is the path ``imports`` registers with the
scoping gate (``imports.apps``): the port bureau sees them because of the batch, and another bureau
does not.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from filings import services
from filings.models import EnterpriseFilingQuerySet, ProductFilingQuerySet
from imports.models import ImportBatch, VerificationTask
from tests.builders import TOY
from tests.conftest import api_as
from tests.factories import EnterpriseFilingFactory
from tests.scoping import PORT_BUREAU, port_batch, user_for

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def not_shared(monkeypatch):
    """Filings visible only by their paths: no national sharing."""
    monkeypatch.setattr(EnterpriseFilingQuerySet, "scope_shared_with_staff", None)
    monkeypatch.setattr(ProductFilingQuerySet, "scope_shared_with_staff", None)


@pytest.fixture
def batch_at_the_port(world, approved_alice_co):
    """Alice Co's toys with a test report and its file, declared at the Ningbo port: verification."""
    toy = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    services.product_submit(actor=world.alice, product=toy)
    toy = services.product_approve(actor=world.zj_inspector, product=toy)
    report = services.product_test_report_add(
        actor=world.alice,
        product=toy,
        lab="CTI 华测",
        report_no="R-2026-001",
        issued_on=dt.date(2026, 1, 5),
        verdict="pass",
        upload=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
    )
    response = api_as(world.alice).post(
        "/api/v1/import-batches/",
        {
            "port_bureau": PORT_BUREAU,
            "mode": "bonded",
            "items": [{"product": toy.pk, "quantity": 10, "value_cny": 990}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    batch = ImportBatch.objects.get(pk=response.json()["id"])
    assert batch.status == "verification_required"
    assert VerificationTask.objects.get(batch=batch).bureau.code == PORT_BUREAU
    return batch, toy, report


def test_over_the_api_the_port_bureau_reads_the_product_its_reports_and_the_operator(
    world, not_shared, batch_at_the_port
):
    batch, toy, report = batch_at_the_port
    port_inspector = user_for(world, "port_bureau_inspector")
    body = api_as(port_inspector).get(f"/api/v1/products/{toy.pk}/").json()
    assert body["id"] == toy.pk and [r["report_no"] for r in body["test_reports"]] == ["R-2026-001"]
    assert api_as(port_inspector).get(f"/api/v1/enterprises/{batch.enterprise_id}/").status_code == 200
    listed = {row["id"] for row in api_as(port_inspector).get("/api/v1/products/").json()["results"]}
    assert listed == {toy.pk}
    # Another bureau, with no part in the batch, does not.
    assert api_as(world.gd_inspector).get(f"/api/v1/products/{toy.pk}/").status_code == 404
    assert api_as(world.gd_inspector).get(f"/api/v1/enterprises/{batch.enterprise_id}/").status_code == 404


def test_in_the_pages_the_port_bureau_opens_what_it_verifies_and_accepts_the_report(
    world, not_shared, batch_at_the_port, client
):
    batch, toy, report = batch_at_the_port
    client.force_login(user_for(world, "port_bureau_inspector"))
    page = client.get(reverse("imports:batch_detail", args=[batch.pk])).content.decode()
    download = reverse("attachment_download", args=[report.attachment_id])
    assert f'href="{download}"' in page and f'href="{toy.get_absolute_url()}#test-reports"' in page
    assert f'href="{toy.get_absolute_url()}"' in page  # the line links to its product too
    assert client.get(download).status_code == 200
    product_page = client.get(toy.get_absolute_url()).content.decode()
    assert "R-2026-001" in product_page and 'data-testid="decisions"' not in product_page  # reads, does not decide
    assert client.get(reverse("filings:enterprise_detail", args=[batch.enterprise_id])).status_code == 200

    response = client.post(
        reverse("imports:batch_verify", args=[batch.pk, "pass"]), {"accepted_reports": [report.pk], "note": "合格"}
    )
    assert response.status_code == 302
    task = VerificationTask.objects.get(batch=batch)
    assert task.status == "passed" and list(task.accepted_reports.all()) == [report]

    client.force_login(world.gd_inspector)
    assert client.get(download).status_code == 404
    assert client.get(toy.get_absolute_url()).status_code == 404


def test_the_platform_and_the_warehouse_on_the_batch_are_open_to_the_port_bureau(world):
    platform = EnterpriseFilingFactory(name="Tmall Global", is_operator=False, is_platform=True)
    warehouse = EnterpriseFilingFactory(name="Cainiao", is_operator=False, is_logistics=True)
    elsewhere = EnterpriseFilingFactory(name="Other Co")
    port_batch(world, platform=platform, warehouse=warehouse)
    port_inspector = user_for(world, "port_bureau_inspector")
    for filing in (world.alice_co, platform, warehouse):
        assert api_as(port_inspector).get(f"/api/v1/enterprises/{filing.pk}/").status_code == 200, filing.name
    assert api_as(port_inspector).get(f"/api/v1/enterprises/{elsewhere.pk}/").status_code == 404
    assert api_as(world.gd_inspector).get(f"/api/v1/enterprises/{platform.pk}/").status_code == 404
    # Reading is not deciding: the port bureau is not the competent bureau.
    response = api_as(port_inspector).post(
        f"/api/v1/enterprises/{platform.pk}/set-bureau/", {"bureau": PORT_BUREAU, "reason": "x"}, format="json"
    )
    assert response.status_code == 403

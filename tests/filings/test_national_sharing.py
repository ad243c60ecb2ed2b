"""Approved filings are shared nationally; writes stay with the competent bureau.

Every bureau's staff read enterprise and product filings that are approved, suspended or revoked
(they have a filing number, and a suspension is news other bureaus need); drafts, submitted,
returned and rejected filings stay with the competent bureau and the enterprise. Enterprise users
still see only their own. Test reports and their files follow their product; change requests stay
with the competent bureau.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from filings import services
from filings.choices import FILING_SHARED, FilingStatus
from filings.models import EnterpriseFiling, ProductFiling, ProductTestReport
from tests.builders import TOY
from tests.conftest import api_as
from tests.factories import EnterpriseFilingFactory, ProductFilingFactory
from tests.scoping import ScopedAccessTests, ScopedPageTests, port_batch

pytestmark = pytest.mark.django_db

EVERY_BUREAU = frozenset({"owner", "same_bureau_inspector", "other_bureau_inspector", "port_bureau_inspector", "hq"})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _approved(world) -> EnterpriseFiling:
    EnterpriseFiling.objects.filter(pk=world.alice_co.pk).update(status=FilingStatus.APPROVED, filing_no="ZJ-E-1")
    return EnterpriseFiling.objects.get(pk=world.alice_co.pk)


class TestApprovedEnterpriseFilingScope(ScopedAccessTests, ScopedPageTests):
    """Alice Co, approved: read by every bureau and headquarters, not by Bob; changed by nobody
    directly (Alice through a change request)."""

    route = "enterprises"
    visible_to = EVERY_BUREAU
    editable_by = frozenset()
    update_payload = {"contact_name": "王五"}
    update_status = {"owner": 400}
    html_detail_url_name = "filings:enterprise_detail"

    def make_object(self, world):
        return _approved(world)

    def make_more_objects(self, world, count):
        EnterpriseFilingFactory.create_batch(count, bureau=world.gd, region_code="440104", status="approved")


class TestApprovedProductFilingScope(ScopedAccessTests, ScopedPageTests):
    """Alice Co's approved product: read by every bureau, changed by none of them."""

    route = "products"
    visible_to = EVERY_BUREAU
    editable_by = frozenset()
    update_payload = {"brand": "Duplo"}
    update_status = {"owner": 400}
    html_detail_url_name = "filings:product_detail"

    def make_object(self, world):
        return ProductFilingFactory(enterprise=_approved(world), status=FilingStatus.APPROVED)

    def put_on_a_batch(self, world, obj):
        port_batch(world, product=obj)


class TestReturnedProductFilingScope(ScopedAccessTests, ScopedPageTests):
    """A product returned for correction stays with Alice Co and its competent bureau."""

    route = "products"
    visible_to = frozenset({"owner", "same_bureau_inspector", "port_bureau_inspector", "hq"})
    editable_by = frozenset({"owner"})
    update_payload = {"brand": "Duplo"}
    html_detail_url_name = "filings:product_detail"

    def make_object(self, world):
        return ProductFilingFactory(enterprise=_approved(world), status=FilingStatus.RETURNED)

    def put_on_a_batch(self, world, obj):
        port_batch(world, product=obj)


@pytest.mark.parametrize("status", FilingStatus.values)
def test_another_bureau_reads_a_filing_once_it_has_a_filing_number(world, status):
    filing = EnterpriseFilingFactory(bureau=world.zj, status=status)
    product = ProductFilingFactory(enterprise=filing, status=status)
    shared = status in FILING_SHARED
    assert shared == (status in ("approved", "suspended", "revoked"))
    for model, obj, route in ((EnterpriseFiling, filing, "enterprises"), (ProductFiling, product, "products")):
        assert (obj in model.objects.visible_to(world.gd_inspector)) == shared, (model, status)
        assert api_as(world.gd_inspector).get(f"/api/v1/{route}/{obj.pk}/").status_code == (200 if shared else 404)
        assert obj in model.objects.visible_to(world.zj_inspector)
        assert obj not in model.objects.visible_to(world.bob)  # enterprise users: their own only


def test_the_list_of_another_bureau_holds_the_shared_filings_and_its_own(world):
    approved = EnterpriseFilingFactory(bureau=world.zj, status="approved")
    draft = EnterpriseFilingFactory(bureau=world.zj, status="draft")
    body = api_as(world.gd_inspector).get("/api/v1/enterprises/?page_size=100").json()
    ids = {row["id"] for row in body["results"]}
    assert approved.pk in ids and world.bob_co.pk in ids and draft.pk not in ids
    assert {row["id"] for row in api_as(world.bob).get("/api/v1/enterprises/").json()["results"]} == {world.bob_co.pk}


# --- writes stay with the competent bureau --------------------------------------------------------


@pytest.fixture
def approved_toy(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    services.product_submit(actor=world.alice, product=product)
    return services.product_approve(actor=world.zj_inspector, product=product)


@pytest.mark.parametrize(("action", "body"), [("suspend", {"reason": "抽检不合格"}), ("revoke", {"reason": "x"})])
def test_another_bureau_reads_but_cannot_decide_on_an_approved_enterprise(world, approved_alice_co, action, body):
    client = api_as(world.gd_inspector)
    assert client.get(f"/api/v1/enterprises/{approved_alice_co.pk}/").status_code == 200
    response = client.post(f"/api/v1/enterprises/{approved_alice_co.pk}/{action}/", body, format="json")
    assert response.status_code == 403, response.content
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).status == "approved"
    response = client.post(
        f"/api/v1/enterprises/{approved_alice_co.pk}/set-bureau/", {"bureau": "GD", "reason": "迁址"}, format="json"
    )
    assert response.status_code == 403, response.content
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).bureau_id == world.zj.pk
    # The competent bureau can.
    ok = api_as(world.zj_inspector).post(f"/api/v1/enterprises/{approved_alice_co.pk}/{action}/", body, format="json")
    assert ok.status_code == 200, ok.content


def test_another_bureau_cannot_decide_on_an_approved_product(world, approved_toy):
    response = api_as(world.gd_inspector).post(
        f"/api/v1/products/{approved_toy.pk}/reject/", {"reason": "x"}, format="json"
    )
    assert response.status_code in (400, 403)  # an approved product cannot be rejected by anyone
    with pytest.raises(PermissionDenied):
        services.product_decide(actor=world.gd_inspector, product=approved_toy, status="suspended", reason="x")
    assert ProductFiling.objects.get(pk=approved_toy.pk).status == "approved"


def test_the_page_offers_decisions_only_to_the_competent_bureau(world, approved_alice_co, approved_toy, client):
    pages = [
        reverse("filings:enterprise_detail", args=[approved_alice_co.pk]),
        reverse("filings:product_detail", args=[approved_toy.pk]),
    ]
    client.force_login(world.gd_inspector)
    for page in pages:
        html = client.get(page).content.decode()
        assert 'data-testid="decisions"' not in html and 'data-testid="decide-suspend"' not in html, page
    enterprise_page = client.get(pages[0]).content.decode()
    assert 'data-testid="colleagues"' not in enterprise_page  # the enterprise's accounts are not shared
    client.force_login(world.zj_inspector)
    for page in pages:
        assert 'data-testid="decide-suspend"' in client.get(page).content.decode(), page


def test_a_decision_posted_from_another_bureau_s_page_is_refused(world, approved_alice_co, client):
    client.force_login(world.gd_inspector)
    url = reverse("filings:enterprise_decide", args=[approved_alice_co.pk, "suspend"])
    response = client.post(url, {"reason": "抽检不合格"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Only inspectors of the competent bureau may decide on this." in response.content.decode()
    assert EnterpriseFiling.objects.get(pk=approved_alice_co.pk).status == "approved"


# --- what follows the filing, and what does not ----------------------------------------------------


def test_test_reports_and_their_files_follow_the_product(world, approved_toy, client):
    report = services.product_test_report_add(
        actor=world.alice,
        product=approved_toy,
        lab="CTI 华测",
        report_no="R-2026-001",
        issued_on=dt.date(2026, 1, 5),
        verdict="pass",
        upload=SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf"),
    )
    assert report in ProductTestReport.objects.visible_to(world.gd_inspector)
    body = api_as(world.gd_inspector).get(f"/api/v1/products/{approved_toy.pk}/").json()
    assert [r["report_no"] for r in body["test_reports"]] == ["R-2026-001"]
    download = reverse("attachment_download", args=[report.attachment_id])
    client.force_login(world.gd_inspector)
    assert client.get(download).status_code == 200
    client.force_login(world.bob)
    assert client.get(download).status_code == 404
    # A draft's report stays with the competent bureau.
    draft = services.product_create(actor=world.alice, enterprise=approved_toy.enterprise, **{**TOY, "model": "X1"})
    draft_report = services.product_test_report_add(
        actor=world.alice,
        product=draft,
        lab="CTI",
        report_no="R-2",
        issued_on=dt.date(2026, 1, 5),
        verdict="pass",
        upload=SimpleUploadedFile("r2.pdf", PDF, content_type="application/pdf"),
    )
    assert draft_report not in ProductTestReport.objects.visible_to(world.gd_inspector)
    draft_download = reverse("attachment_download", args=[draft_report.attachment_id])
    client.force_login(world.gd_inspector)
    assert client.get(draft_download).status_code == 404
    client.force_login(world.zj_inspector)
    assert client.get(draft_download).status_code == 200


def test_change_requests_stay_with_the_competent_bureau(world, approved_alice_co, client):
    change = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, changes={"contact_name": "王五"}, explanation="人员调整"
    )
    assert api_as(world.gd_inspector).get(f"/api/v1/change-requests/{change.pk}/").status_code == 404
    assert api_as(world.gd_inspector).post(f"/api/v1/change-requests/{change.pk}/approve/").status_code == 404
    client.force_login(world.gd_inspector)
    page = client.get(reverse("filings:enterprise_detail", args=[approved_alice_co.pk])).content.decode()
    assert 'data-testid="change-requests"' not in page
    client.force_login(world.zj_inspector)
    page = client.get(reverse("filings:enterprise_detail", args=[approved_alice_co.pk])).content.decode()
    assert 'data-testid="change-requests"' in page


def test_another_bureau_s_administrator_does_not_list_the_enterprise_s_accounts(world, approved_alice_co):
    from accounts.choices import Role
    from tests.factories import UserFactory

    gd_admin = UserFactory(role=Role.BUREAU_ADMIN, bureau=world.gd)
    assert api_as(gd_admin).get(f"/api/v1/enterprises/{approved_alice_co.pk}/users/").status_code == 403
    assert api_as(world.zj_admin).get(f"/api/v1/enterprises/{approved_alice_co.pk}/users/").status_code == 200


def test_mine_narrows_a_bureau_s_lists_to_its_own_jurisdiction(world, client):
    ours = _approved(world)
    theirs = EnterpriseFilingFactory(bureau=world.gd, region_code="440104", status="approved", filing_no="GD-E-1")
    ProductFilingFactory(enterprise=theirs, status="approved", filing_no="GD-P-1")
    ProductFilingFactory(enterprise=ours, status="approved", filing_no="ZJ-P-1")
    api = api_as(world.zj_inspector)
    everything = {row["id"] for row in api.get("/api/v1/enterprises/").json()["results"]}
    mine = {row["id"] for row in api.get("/api/v1/enterprises/", {"mine": "true"}).json()["results"]}
    assert {ours.pk, theirs.pk} <= everything
    assert ours.pk in mine and theirs.pk not in mine
    products = api.get("/api/v1/products/", {"mine": "true"}).json()["results"]
    assert {row["enterprise"] for row in products} == {ours.pk}
    # Headquarters has no jurisdiction of its own: the filter leaves the national view as it is.
    national = api_as(world.hq).get("/api/v1/enterprises/", {"mine": "true"}).json()["results"]
    assert {ours.pk, theirs.pk} <= {row["id"] for row in national}
    client.force_login(world.zj_inspector)
    page = client.get(reverse("filings:enterprise_list"), {"mine": "true"}).content.decode()
    assert ours.name in page and theirs.name not in page


def test_a_bureau_s_home_counts_its_own_filings_and_links_to_them(world, client):
    _approved(world)
    EnterpriseFilingFactory.create_batch(3, bureau=world.gd, region_code="440104", status="approved")
    client.force_login(world.zj_inspector)
    queues = {str(q.title): q for q in client.get("/", HTTP_ACCEPT_LANGUAGE="en").context["queues"]}
    approved = queues["Approved enterprises"]
    assert approved.count == 1
    assert approved.url == reverse("filings:enterprise_list") + "?status=approved&mine=true"
    client.force_login(world.hq)
    hq_queues = {str(q.title): q for q in client.get("/", HTTP_ACCEPT_LANGUAGE="en").context["queues"]}
    assert hq_queues["Approved enterprises"].count == 4
    assert "mine" not in hq_queues["Approved enterprises"].url

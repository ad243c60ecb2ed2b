"""The filing list and detail pages: a fixed number of queries whatever the row count, and search."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cbec_supervision.notifications import notify
from filings import services
from filings.choices import FilingStatus
from tests.factories import ChangeRequestFactory, EnterpriseFilingFactory, ProductFilingFactory
from tests.pages import PDF, PNG, browser_as

pytestmark = pytest.mark.django_db


# --- a fixed number of queries whatever the row count ---------------------------------------------


def count_queries(client, url) -> int:
    client.get(url)  # warm up: content types, sessions
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_pages_cost_the_same_with_2_and_25_rows(world):
    hq = browser_as(world.hq)
    inspector = browser_as(world.zj_inspector)
    urls = [
        (hq, reverse("filings:product_list")),
        (hq, reverse("filings:enterprise_list")),
        (inspector, reverse("filings:review_queue")),
        (browser_as(world.alice), reverse("notification_list")),
    ]

    def add(n):
        for _ in range(n):
            enterprise = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
            ProductFilingFactory(enterprise=enterprise, status=FilingStatus.SUBMITTED, submitted_at=timezone.now())
            ChangeRequestFactory(enterprise=enterprise)
        notify(recipients=[world.alice] * n, kind="enterprise_approved", params={})

    add(2)
    few = [count_queries(client, url) for client, url in urls]
    add(23)
    many = [count_queries(client, url) for client, url in urls]
    assert many == few


def test_detail_pages_cost_the_same_with_more_attachments_and_reports(world, toy):
    client = browser_as(world.zj_inspector)
    services.product_label_attach(actor=world.alice, product=toy, upload=SimpleUploadedFile("a.png", PNG))
    few = count_queries(client, toy.get_absolute_url())
    for n in range(5):
        services.product_label_attach(actor=world.alice, product=toy, upload=SimpleUploadedFile(f"{n}.png", PNG))
        services.product_test_report_add(
            actor=world.alice,
            product=toy,
            lab="SGS",
            report_no=f"R{n}",
            issued_on="2026-01-01",
            verdict="pass",
            upload=SimpleUploadedFile(f"{n}.pdf", PDF),
        )
    assert count_queries(client, toy.get_absolute_url()) == few


@pytest.mark.parametrize("query", ["uscc", "filing_no", "brand", "hs_code"])
def test_the_product_list_searches_names_brands_codes_and_numbers(world, toy, query):
    services.product_submit(actor=world.alice, product=toy)
    services.product_approve(actor=world.zj_inspector, product=toy)
    toy.refresh_from_db()
    ProductFilingFactory(enterprise=world.bob_co, brand="Other", hs_code="6111200000")
    value = {"uscc": world.alice_co.uscc, "filing_no": toy.filing_no, "brand": "LEG", "hs_code": "95030089"}[query]
    response = browser_as(world.hq).get(reverse("filings:product_list"), {"q": value})
    assert [row.pk for row in response.context["rows"]] == [toy.pk]


def test_the_enterprise_list_searches_credit_code_name_and_filing_number(world, approved_alice_co):
    client = browser_as(world.hq)
    for value in (approved_alice_co.uscc, "Alice", approved_alice_co.filing_no):
        rows = client.get(reverse("filings:enterprise_list"), {"q": value}).context["rows"]
        assert [row.pk for row in rows] == [approved_alice_co.pk]

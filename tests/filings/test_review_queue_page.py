"""The review queue and the home page's counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from filings.choices import FilingStatus
from filings.models import ChangeRequest
from tests.factories import ChangeRequestFactory, EnterpriseFilingFactory, ProductFilingFactory
from tests.pages import browser_as

pytestmark = pytest.mark.django_db


# --- the review queue -----------------------------------------------------------------------------


def test_the_review_queue_is_oldest_first_and_flags_overdue_rows(world, settings):
    now = timezone.now()
    days = settings.FILING_REVIEW_DAYS
    newest = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=1))
    oldest = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=days + 3))
    middle = EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=days - 1))
    EnterpriseFilingFactory(status=FilingStatus.SUBMITTED, submitted_at=now, bureau=world.gd)  # not Zhejiang's
    late_product = ProductFilingFactory(
        enterprise=world.alice_co, status=FilingStatus.SUBMITTED, submitted_at=now - dt.timedelta(days=days + 1)
    )
    new_product = ProductFilingFactory(enterprise=world.alice_co, status=FilingStatus.SUBMITTED, submitted_at=now)
    old_change = ChangeRequestFactory(enterprise=world.alice_co, submitted_by=world.alice)
    ChangeRequest.objects.filter(pk=old_change.pk).update(created_at=now - dt.timedelta(days=days + 2))

    response = browser_as(world.zj_inspector).get(reverse("filings:review_queue"))
    enterprises = response.context["enterprises"]
    assert [f.pk for f in enterprises] == [oldest.pk, middle.pk, newest.pk]
    assert [f.is_overdue for f in enterprises] == [True, False, False]
    assert enterprises[0].days_waiting == days + 3
    assert [p.pk for p in response.context["products"]] == [late_product.pk, new_product.pk]
    assert response.context["products"][0].is_overdue
    assert response.context["changes"][0].is_overdue
    page = response.content.decode()
    assert page.count('class="table-danger"') == 3 and 'data-testid="overdue"' in page


def test_home_counts_the_queues_of_each_role(world, toy):
    EnterpriseFilingFactory(
        status=FilingStatus.SUBMITTED, submitted_at=timezone.now() - dt.timedelta(days=30)
    )  # Zhejiang, overdue
    inspector = {str(q.title): q.count for q in browser_as(world.zj_inspector).get("/").context["queues"]}
    assert inspector["Filings awaiting review"] == 1
    assert inspector["Overdue reviews"] == 1
    assert inspector["Products awaiting review"] == 0
    # An enterprise's home shows its panels (issue 9 section 4): its filing first, then its products.
    alice = {panel.key: panel.items for panel in browser_as(world.alice).get("/").context["panels"]}
    assert str(alice["filings"][0].display) == "Approved"
    assert {str(item.label): item.figure.value for item in alice["filings"]}["Products: Draft"] == 1

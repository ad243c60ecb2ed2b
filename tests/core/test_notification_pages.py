"""The notifications inbox: unread first, opening follows local links, marking read (htmx too)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cbec_supervision.models import Notification
from cbec_supervision.notifications import notify
from tests.pages import browser_as

pytestmark = pytest.mark.django_db


# --- notifications --------------------------------------------------------------------------------


def test_the_inbox_lists_unread_first_and_marks_read(world):
    notify(recipients=[world.alice], kind="enterprise_approved", params={"name": "Alice Co", "filing_no": "ZJ1"})
    notify(recipients=[world.alice], kind="product_approved", params={"name": "Toy", "filing_no": "ZJP1"}, url="/x/")
    first = Notification.objects.order_by("id").first()
    first.read_at = timezone.now()
    first.save()
    client = browser_as(world.alice)
    response = client.get(reverse("notification_list"))
    assert [n.kind for n in response.context["rows"]] == ["product_approved", "enterprise_approved"]
    assert response.context["unread_notifications"] == 1
    assert 'data-testid="unread-count">1' in response.content.decode()
    client.post(reverse("notification_mark_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_and_follows_its_local_link(world, toy):
    notify(recipients=[world.alice], kind="product_approved", params={"name": "Toy"}, url=toy.get_absolute_url())
    notify(recipients=[world.alice], kind="product_approved", params={"name": "x"}, url="https://evil.example/")
    local = Notification.objects.get(url=toy.get_absolute_url(), params__name="Toy")
    remote = Notification.objects.get(url="https://evil.example/")
    client = browser_as(world.alice)
    response = client.get(reverse("notification_open", args=[local.pk]))
    assert response["Location"] == toy.get_absolute_url()
    assert Notification.objects.get(pk=local.pk).read_at is not None
    assert client.get(reverse("notification_open", args=[remote.pk]))["Location"] == reverse("notification_list")
    assert browser_as(world.bob).get(reverse("notification_open", args=[local.pk])).status_code == 404


def test_the_unread_badge_costs_one_query(world):
    client = browser_as(world.alice)
    notify(recipients=[world.alice], kind="enterprise_approved", params={})
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("accounts:bureau_list"))
    notification_queries = [q for q in queries.captured_queries if "core_notification" in q["sql"]]
    assert len(notification_queries) == 1


def test_htmx_marks_one_notification_read_and_gets_its_row_back(world):
    notify(recipients=[world.alice], kind="enterprise_approved", params={"name": "Alice Co", "filing_no": "ZJ1"})
    notification = Notification.objects.get()
    response = browser_as(world.alice).post(
        reverse("notification_mark_read"), {"id": notification.pk}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-unread="0"' in response.content.decode()
    assert Notification.objects.get().read_at is not None

"""The in-app inbox over the API (``my-notifications/``): each user reads and clears their own."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from cbec_supervision.models import Notification
from cbec_supervision.notifications import TEXTS, notify
from tests.conftest import api_as as _api_as
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROUTE = "/api/v1/my-notifications/"

COMPLETE = {
    "legal_representative": "张三",
    "main_categories": ["light_industry"],
    "systems": ["quality_management", "risk_reporting_recall", "traceability", "consumer_protection"],
    "pledge_signed": True,
}


def api_as(user):
    """A client for ``user`` reading messages in English, the source language the tests assert."""
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def submit_alice_co(world) -> None:
    alice = api_as(world.alice)
    assert alice.patch(f"/api/v1/enterprises/{world.alice_co.pk}/", COMPLETE, format="json").status_code == 200
    assert alice.post(f"/api/v1/enterprises/{world.alice_co.pk}/submit/").status_code == 200


def inbox(user, **query) -> list[dict]:
    response = api_as(user).get(ROUTE, query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_an_approval_arrives_in_every_inbox_of_the_enterprise(world):
    colleague = UserFactory(username="alice2", role="enterprise", bureau=None, enterprise=world.alice_co)
    submit_alice_co(world)
    assert inbox(world.alice) == []
    approved = api_as(world.zj_inspector).post(f"/api/v1/enterprises/{world.alice_co.pk}/approve/").json()
    for user in (world.alice, colleague):
        [message] = inbox(user)
        assert message["kind"] == "enterprise_approved" and message["title"] == "Enterprise filing approved"
        assert approved["filing_no"] in message["body"] and message["read_at"] is None
        assert message["url"] == f"/filings/enterprises/{world.alice_co.pk}/"
        assert set(message) == {"id", "kind", "title", "body", "url", "created_at", "read_at"}
    assert inbox(world.bob) == [] and inbox(world.zj_inspector) == []


def test_a_return_tells_the_enterprise_why(world):
    submit_alice_co(world)
    api_as(world.zj_inspector).post(
        f"/api/v1/enterprises/{world.alice_co.pk}/return/", {"reason": "地址不全"}, format="json"
    )
    [message] = inbox(world.alice)
    assert message["kind"] == "enterprise_returned" and message["body"].endswith("地址不全")


def test_messages_are_worded_in_the_readers_language(world):
    notify(recipients=[world.alice], kind="enterprise_approved", params={"name": "Alice Co", "filing_no": "ZJ1"})
    client = _api_as(world.alice)
    english = client.get(ROUTE, HTTP_ACCEPT_LANGUAGE="en").json()["results"][0]
    chinese = client.get(ROUTE, HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    with translation.override("zh-hans"):
        chinese_title = str(TEXTS["enterprise_approved"][0])
    assert english["title"] == "Enterprise filing approved" and chinese["title"] == chinese_title
    assert "ZJ1" in english["body"] and "ZJ1" in chinese["body"]


def test_unread_ones_are_filtered_and_marked_read_by_id(world):
    first, second = (
        notify(recipients=[world.alice], kind="change_approved", params={"name": n})[0] for n in ("A", "B")
    )
    assert {m["id"] for m in inbox(world.alice, unread="true")} == {first.pk, second.pk}
    response = api_as(world.alice).post(f"{ROUTE}mark-read/", {"ids": [first.pk]}, format="json")
    assert response.status_code == 200 and response.json() == {"marked": 1, "unread": 1}
    assert [m["id"] for m in inbox(world.alice, unread="true")] == [second.pk]
    assert [m["id"] for m in inbox(world.alice, unread="false")] == [first.pk]
    assert len(inbox(world.alice)) == 2


def test_an_empty_body_marks_all_read(world):
    notify(recipients=[world.alice, world.alice], kind="change_approved", params={"name": "A"})
    response = api_as(world.alice).post(f"{ROUTE}mark-read/", {}, format="json")
    assert response.json() == {"marked": 2, "unread": 0}
    assert inbox(world.alice, unread="true") == []


def test_nobody_reads_or_clears_anyone_elses_notifications(world):
    [message] = notify(recipients=[world.alice], kind="change_approved", params={"name": "A"})
    assert inbox(world.hq) == []
    assert api_as(world.hq).get(f"{ROUTE}{message.pk}/").status_code == 404
    response = api_as(world.bob).post(f"{ROUTE}mark-read/", {"ids": [message.pk]}, format="json")
    assert response.json() == {"marked": 0, "unread": 0}
    assert Notification.objects.get(pk=message.pk).read_at is None
    assert api_as(world.alice).get(f"{ROUTE}{message.pk}/").json()["id"] == message.pk


def test_every_role_has_an_inbox_and_anonymous_users_none(world):
    for user in (world.hq, world.zj_admin, world.zj_inspector, world.alice):
        assert api_as(user).get(ROUTE).status_code == 200
    assert _api_as(None).get(ROUTE).status_code == 401
    assert _api_as(None).post(f"{ROUTE}mark-read/", {}, format="json").status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {"ids": "all"},
        {"ids": ["x"]},
        {"ids": [99999999999999999999999]},
        {"ids": [0]},
        {"ids": None},
    ],
)
def test_bad_ids_are_a_400(world, body):
    notify(recipients=[world.alice], kind="change_approved", params={"name": "A"})
    response = api_as(world.alice).post(f"{ROUTE}mark-read/", body, format="json")
    assert response.status_code == 400 and "ids" in response.json()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_a_malformed_body_is_a_400(world):
    response = api_as(world.alice).generic("POST", f"{ROUTE}mark-read/", "{nope", content_type="application/json")
    assert response.status_code == 400


def test_the_inbox_is_not_written_to_through_the_api(world):
    [message] = notify(recipients=[world.alice], kind="change_approved", params={"name": "A"})
    alice = api_as(world.alice)
    assert alice.post(ROUTE, {"kind": "change_approved"}, format="json").status_code == 405
    assert (
        alice.patch(f"{ROUTE}{message.pk}/", {"read_at": timezone.now().isoformat()}, format="json").status_code == 405
    )
    assert alice.delete(f"{ROUTE}{message.pk}/").status_code == 405


def test_a_page_of_notifications_costs_a_fixed_number_of_queries(world):
    client = api_as(world.alice)
    notify(recipients=[world.alice] * 2, kind="change_approved", params={"name": "A"})
    client.get(ROUTE)
    with CaptureQueriesContext(connection) as few:
        assert client.get(ROUTE).status_code == 200
    notify(recipients=[world.alice] * 20, kind="enterprise_returned", params={"name": "A", "reason": "x"})
    with CaptureQueriesContext(connection) as many:
        assert len(client.get(ROUTE).json()["results"]) == 22
    assert len(many) == len(few)

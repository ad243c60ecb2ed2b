"""``notifications/`` (issue 10): inter-bureau notices over the API. The contract's fields; who reads a
notice (the two bureaus' staff, headquarters all; 404 for other bureaus; enterprises never); sending
and acknowledging; the filters; a list costs a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import api_as
from traceability import services
from traceability.models import InterBureauNotice

pytestmark = pytest.mark.django_db

URL = "/api/v1/notifications/"
CONTRACT_FIELDS = {"id", "from_bureau", "to_bureau", "subject", "object_type", "object_id", "due_at", "acknowledged_at"}


def test_a_notice_reads_as_the_contract_says(world, notice, signal):
    body = api_as(world.zj_inspector).get(f"{URL}{notice.pk}/").json()
    assert set(body) >= CONTRACT_FIELDS
    assert {key: body[key] for key in CONTRACT_FIELDS} == {
        "id": notice.pk,
        "from_bureau": "GD",
        "to_bureau": "ZJ",
        "subject": "平台所在地通报",
        "object_type": "risk_signal",
        "object_id": signal.pk,
        "due_at": timezone.localtime(notice.due_at).isoformat(),
        "acknowledged_at": None,
    }
    assert body["due_at"].endswith("+08:00")
    assert (body["body"], body["sent_by"], body["overdue"]) == ("请核查", "gd_inspector", False)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("gd_inspector", 200),  # the sending bureau
        ("zj_inspector", 200),  # the receiving bureau
        ("zj_admin", 200),
        ("hq", 200),
        ("nb_inspector", 404),  # a bureau outside the notice
        ("alice", 403),  # enterprises have no notices at all
        (None, 401),
    ],
)
def test_who_reads_a_notice(world, notice, who, expected):
    client = api_as(getattr(world, who) if who else None)
    assert client.get(f"{URL}{notice.pk}/").status_code == expected
    listed = client.get(URL)
    if expected == 200:
        assert [row["id"] for row in listed.json()["results"]] == [notice.pk]
    elif expected == 404:
        assert listed.status_code == 200 and listed.json()["results"] == []
    else:
        assert listed.status_code == expected
    assert client.get(f"{URL}{notice.pk}/history/").status_code == expected


def test_headquarters_reads_every_notice(world, signal):
    services.notice_send(actor=world.gd_inspector, to_bureau="ZJ", subject="a", obj=signal)
    services.notice_send(actor=world.nb_inspector, to_bureau="SH", subject="b", obj=signal)
    assert api_as(world.hq).get(URL).json()["count"] == 2
    assert api_as(world.zj_inspector).get(URL).json()["count"] == 1


def test_staff_send_a_notice(world, signal):
    due = (timezone.now() + dt.timedelta(days=3)).isoformat()
    response = api_as(world.gd_inspector).post(
        URL,
        {"to_bureau": "ZJ", "subject": "通报", "object_type": "risk_signal", "object_id": signal.pk, "due_at": due},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["from_bureau"], body["to_bureau"], body["object_id"]) == ("GD", "ZJ", signal.pk)
    assert dt.datetime.fromisoformat(body["due_at"]) == dt.datetime.fromisoformat(due)
    default = api_as(world.gd_inspector).post(
        URL, {"to_bureau": "ZJ", "subject": "s", "object_type": "risk_signal", "object_id": signal.pk}, format="json"
    )
    assert default.status_code == 201
    notice = InterBureauNotice.objects.get(pk=default.json()["id"])
    assert notice.due_at == services.default_due_at(notice.sent_at)


def test_enterprises_cannot_send(world, signal):
    response = api_as(world.alice).post(
        URL, {"to_bureau": "ZJ", "subject": "s", "object_type": "risk_signal", "object_id": signal.pk}, format="json"
    )
    assert response.status_code == 403
    assert not InterBureauNotice.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"to_bureau": "GD"}, "to_bureau"),
        ({"to_bureau": "NOPE"}, "to_bureau"),
        ({"to_bureau": ""}, "to_bureau"),
        ({"subject": ""}, "subject"),
        ({"object_type": "recall"}, "object_type"),
        ({"object_id": 2**70}, "object_id"),
        ({"object_id": 99999999}, "object_id"),
        ({"object_id": "abc"}, "object_id"),
        ({"due_at": "tomorrow"}, "due_at"),
        ({"due_at": "2020-01-01T00:00:00+08:00"}, "due_at"),
    ],
)
def test_a_bad_notice_answers_400_per_field(world, signal, body, field):
    data = {"to_bureau": "ZJ", "subject": "s", "object_type": "risk_signal", "object_id": signal.pk, **body}
    response = api_as(world.gd_inspector).post(URL, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not InterBureauNotice.objects.exists()


def test_acknowledge_over_the_api(world, notice):
    url = f"{URL}{notice.pk}/acknowledge/"
    assert api_as(world.nb_inspector).post(url, {}, format="json").status_code == 404
    assert api_as(world.alice).post(url, {}, format="json").status_code == 403
    assert api_as(world.gd_inspector).post(url, {}, format="json").status_code == 403
    response = api_as(world.zj_inspector).post(url, {"note": "收到"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["acknowledged_at"] is not None and response.json()["acknowledged_by"] == "zj_inspector"
    again = api_as(world.zj_admin).post(url, {}, format="json")
    assert again.status_code == 400 and "status" in again.json()


def test_the_filters(world, notice, signal):
    outgoing = services.notice_send(actor=world.zj_inspector, to_bureau="GD", subject="去函", obj=signal)
    InterBureauNotice.objects.filter(pk=notice.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    zj = api_as(world.zj_inspector)

    def ids(query: str) -> set[int]:
        response = zj.get(f"{URL}?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids("direction=incoming") == {notice.pk}
    assert ids("direction=outgoing") == {outgoing.pk}
    assert ids("overdue=true") == {notice.pk}
    assert ids("overdue=false") == {outgoing.pk}
    assert ids("object_type=risk_signal") == {notice.pk, outgoing.pk}
    assert ids(f"object_type=risk_signal&object_id={signal.pk}") == {notice.pk, outgoing.pk}
    assert zj.get(f"{URL}?object_type=nothing").status_code == 400
    services.notice_acknowledge(actor=world.zj_inspector, notice=notice)
    assert ids("acknowledged=true") == {notice.pk}
    assert ids("acknowledged=false") == {outgoing.pk}
    assert ids("overdue=true") == set()
    assert api_as(world.hq).get(f"{URL}?direction=incoming").json()["results"] == []


@pytest.mark.parametrize("who", ["hq", "zj_inspector"])
def test_the_list_costs_a_fixed_number_of_queries(world, signal, who, django_assert_max_num_queries):
    client = api_as(getattr(world, who))

    def send(count: int) -> None:
        for _ in range(count):
            incoming = services.notice_send(actor=world.gd_inspector, to_bureau="ZJ", subject="s", obj=signal)
            services.notice_acknowledge(actor=world.zj_inspector, notice=incoming)
            services.notice_send(actor=world.zj_inspector, to_bureau="SH", subject="s", obj=signal)

    send(2)
    client.get(URL)  # warm up: permission caches, content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    send(20)
    with django_assert_max_num_queries(len(few)):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"{URL}?direction=incoming&overdue=false").status_code == 200

"""One correlation id per request, task and command, recorded on every audit event they make."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import override_settings

from cbec_supervision import correlation
from cbec_supervision.audit import audit_record
from cbec_supervision.management.base import ProjectCommand
from cbec_supervision.models import AuditEvent

pytestmark = pytest.mark.django_db


@override_settings(NUM_PROXIES=1)
def test_behind_a_trusted_proxy_a_request_honours_its_well_formed_request_id_and_echoes_it(world, client):
    client.force_login(world.alice)
    response = client.get(f"/filings/enterprises/{world.alice_co.pk}/", HTTP_X_REQUEST_ID="proxy-4f2a9c1e-77")
    assert response.status_code == 200 and response["X-Request-ID"] == "proxy-4f2a9c1e-77"


@override_settings(NUM_PROXIES=1)
def test_behind_a_trusted_proxy_an_api_change_is_recorded_with_the_request_id(world):
    from tests.conftest import api_as

    response = api_as(world.alice).patch(
        f"/api/v1/enterprises/{world.alice_co.pk}/",
        {"contact_name": "王五"},
        format="json",
        HTTP_X_REQUEST_ID="trace.0123456789abcdef",
    )
    assert response.status_code == 200 and response["X-Request-ID"] == "trace.0123456789abcdef"
    event = AuditEvent.objects.for_object(world.alice_co).last()
    assert event.after["contact_name"] == "王五" and event.correlation_id == "trace.0123456789abcdef"


@override_settings(NUM_PROXIES=0)
def test_without_trusted_proxies_a_clients_request_id_is_ignored(world):
    """A client reusing another request's id must not mix its events into that request's."""
    from tests.conftest import api_as

    victim = "trace.0123456789abcdef"
    response = api_as(world.alice).patch(
        f"/api/v1/enterprises/{world.alice_co.pk}/",
        {"contact_name": "王五"},
        format="json",
        HTTP_X_REQUEST_ID=victim,
    )
    used = response["X-Request-ID"]
    assert response.status_code == 200 and used != victim and correlation.well_formed(used) and len(used) == 32
    event = AuditEvent.objects.for_object(world.alice_co).last()
    assert event.after["contact_name"] == "王五" and event.correlation_id == used
    assert not AuditEvent.objects.filter(correlation_id=victim).exists()


@override_settings(NUM_PROXIES=1)
@pytest.mark.parametrize("incoming", [None, "", "short", "has spaces in it", "x" * 65, "<script>alert(1)</script>"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, incoming):
    headers = {} if incoming is None else {"HTTP_X_REQUEST_ID": incoming}
    first = client.get("/accounts/login/", **headers)["X-Request-ID"]
    second = client.get("/accounts/login/", **headers)["X-Request-ID"]
    assert first != incoming and correlation.well_formed(first) and len(first) == 32 and first != second


def test_the_id_is_gone_after_the_request(client):
    client.get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-4f2a9c1e-77")
    assert correlation.current() == ""


def test_a_task_records_its_task_id(db):
    from cbec_supervision.models import Heartbeat
    from cbec_supervision.tasks import heartbeat

    result = heartbeat.apply()
    event = AuditEvent.objects.for_object(Heartbeat.objects.get(name="worker")).last()
    assert event.correlation_id == result.id and correlation.current() == ""


def test_a_command_runs_under_an_id_of_its_own(world):
    seen = []

    class Probe(ProjectCommand):
        def handle(self, *args, **options):
            audit_record(actor="command:probe", action="update", obj=world.alice_co)
            seen.append(correlation.current())

    call_command(Probe())
    call_command(Probe())
    first, second = seen
    assert correlation.well_formed(first) and first != second and correlation.current() == ""
    events = AuditEvent.objects.for_object(world.alice_co).filter(actor_label="command:probe")
    assert list(events.values_list("correlation_id", flat=True)) == [first, second]


def test_one_action_is_followed_across_objects(world, approved_alice_co):
    """A declaration that refuses goods: the batch's events and its hand-over share the request's id."""
    from risk_monitoring.models import RiskSignal
    from tests.imports.filed import declare_filed

    cyanide = {"description": "氰化钠", "hs_code": "2837111000", "cas_numbers": ["143-33-9"], "quantity": 1}
    with correlation.correlated("req-declare-0001"):
        batch = declare_filed(actor=world.alice, port_bureau="ZJ", items=[{**cyanide, "value_cny": "1"}])
    actions = AuditEvent.objects.filter(correlation_id="req-declare-0001").values_list("action", flat=True)
    # The batch is submitted, the refusal handed over, and risk monitoring's signal created: one id.
    assert sorted(actions) == ["create", "handover", "submit"]
    signal = RiskSignal.objects.get()
    assert set(AuditEvent.objects.filter(correlation_id="req-declare-0001").values_list("object_id", flat=True)) == {
        str(batch.pk),
        str(signal.pk),
    }

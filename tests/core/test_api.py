"""The API skeleton: root, tokens, errors, pagination, schema and docs, health."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.conftest import api_as
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_root_lists_the_routes(world):
    body = api_as(world.zj_inspector).get("/api/v1/").json()
    assert {"bureaus", "enterprises"} <= set(body)


def test_a_token_is_exchanged_for_a_password_and_then_authenticates(world, api):
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/enterprises/").json()["count"] == 1


def test_a_wrong_password_gets_a_400_with_a_message(world, api):
    response = api.post("/api/v1/auth/token/", {"username": "alice", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_missing_fields_get_a_message_each(world, api):
    response = api.post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_the_token_endpoint_is_throttled(world, api, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    cache.clear()
    codes = [api.post("/api/v1/auth/token/", {"username": f"u{i}", "password": "x"}).status_code for i in range(5)]
    cache.clear()
    assert codes == [400, 400, 400, 429, 429]


def test_lists_are_paginated(world):
    body = api_as(world.hq).get("/api/v1/bureaus/", {"page_size": 10}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 36 and len(body["results"]) == 10 and body["next"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/enterprises/abc/", 404),
        ("/api/v1/enterprises/99999999999999999999999/", 404),
        ("/api/v1/enterprises/?status=nonsense", 400),
        ("/api/v1/enterprises/?page=zzz", 404),
        ("/api/v1/enterprises/?ordering=password", 200),  # unknown orderings are ignored
        ("/api/v1/bureaus/NOPE/", 404),
    ],
)
def test_bad_input_never_answers_500(world, path, status):
    response = api_as(world.zj_inspector).get(path)
    assert response.status_code == status, (path, response.status_code)


def test_malformed_json_is_a_400(world):
    client = api_as(world.alice)
    response = client.generic(
        "PATCH", f"/api/v1/enterprises/{world.alice_co.pk}/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_a_service_validation_error_is_a_400_per_field(world):
    response = api_as(world.alice).patch(
        f"/api/v1/enterprises/{world.alice_co.pk}/", {"contact_phone": "12345", "region_code": "999999"}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"contact_phone", "region_code"}


def test_bureaus_are_referred_to_by_code(world):
    body = api_as(world.alice).get("/api/v1/bureaus/NB/").json()
    assert body["code"] == "NB" and body["parent"] == "HQ" and body["level"] == "direct"
    assert body["regions"] == ["3302"]
    assert api_as(world.alice).get(f"/api/v1/enterprises/{world.alice_co.pk}/").json()["bureau"] == "ZJ"


def test_the_schema_and_the_docs_need_no_internet(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/enterprises/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    assert "cdn" not in docs.lower() and "https://" not in docs


def test_healthz_reports_database_and_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] == ("eager" if settings.CELERY_TASK_ALWAYS_EAGER else "ok")

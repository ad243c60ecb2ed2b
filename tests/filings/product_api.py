"""Helpers of the product filing API tests: a client per user, the routes, filing a product."""

from __future__ import annotations

from tests.builders import TOY
from tests.conftest import api_as as _api_as

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")


def api_as(user):
    """A client for ``user`` reading messages in English, the source language the tests assert."""
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def url(product=None, action: str = "") -> str:
    if product is None:
        return f"/api/v1/products/{action}"
    return f"/api/v1/products/{product.pk}/" + (f"{action}/" if action else "")


def file_as(world, payload=None, user=None) -> dict:
    response = api_as(user or world.alice).post(url(), payload or TOY, format="json")
    assert response.status_code == 201, response.content
    return response.json()

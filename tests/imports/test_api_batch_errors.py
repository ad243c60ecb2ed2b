"""Import batches through the API: bad declarations answer 400 (never 500) and store nothing."""

from __future__ import annotations

import pytest

from cbec_supervision.models import AuditEvent
from imports.models import ImportBatch
from tests.imports.batch_api import (
    BABY_GARMENTS,
    URL,
    api_as,
    declare,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_catalogue_indexes")]


# --- never a 500 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"port_bureau": "ZJ"},
        {"port_bureau": "ZJ", "items": "lines"},
        {"port_bureau": "ZJ", "items": {"0": BABY_GARMENTS}},
        {"port_bureau": "ZJ", "items": 5},
        {"port_bureau": "ZJ", "items": None},
        {"port_bureau": "ZJ", "items": []},
        {"port_bureau": "ZJ", "items": [1, "two", None, []]},
        {"port_bureau": "XX", "items": [BABY_GARMENTS]},
        {"port_bureau": "HQ", "items": [BABY_GARMENTS]},
        {"port_bureau": ["ZJ"], "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "mode": "sea", "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "platform": 10**30, "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "warehouse": "abc", "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "arrival_date": "2026-13-45", "items": [BABY_GARMENTS]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "quantity": "1e400"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "quantity": 10**30}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "quantity": 999999999999}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "NaN"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "Infinity"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "abc"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": -1}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": [1]}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": True}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "value_cny": "999999999999.99"}] * 200},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "product": 10**30}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "product": "²"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "product": {"id": 1}}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "cas_numbers": {"a": 1}}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "cas_numbers": ["50-00-1"]}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "un_number": ["1203"]}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "un_number": "١٢٠٣"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "used": "maybe"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "origin_country": "XX"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "hs_code": "12345"}]},
        {"port_bureau": "ZJ", "items": [{**BABY_GARMENTS, "hs_code": "9999999999"}]},
        {"port_bureau": "ZJ", "items": [{"quantity": 1, "value_cny": 1}]},
        {"port_bureau": "ZJ", "items": [BABY_GARMENTS] * 20_001},
    ],
)
def test_bad_declarations_are_a_400_and_store_nothing(world, approved_alice_co, body):
    response = api_as(world.alice).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"', "12", "null"])
def test_a_body_that_is_not_an_object_is_a_400(world, approved_alice_co, raw):
    response = api_as(world.alice).generic("POST", URL, raw, content_type="application/json")
    assert response.status_code == 400, response.content


def test_line_errors_name_their_line(world, approved_alice_co):
    body = declare(world, BABY_GARMENTS, {**BABY_GARMENTS, "origin_country": "XX"}, expect=400)
    assert body == {
        "items": ["Line 2, origin_country: Give the country of origin as an ISO 3166 two-letter code, e.g. DE."]
    }


def test_ids_out_of_range_are_404(world, approved_alice_co):
    client = api_as(world.zj_inspector)
    assert client.get(f"{URL}99999999999999999999999/").status_code == 404
    assert client.get(f"{URL}99999999999999999999999/items/").status_code == 404
    assert client.post(f"{URL}99999999999999999999999/verify/", {"passed": True}, format="json").status_code == 404


def test_nothing_is_audited_for_a_refused_declaration(world, approved_alice_co):
    before = AuditEvent.objects.count()
    declare(world, {**BABY_GARMENTS, "hs_code": "1"}, expect=400)
    assert AuditEvent.objects.count() == before

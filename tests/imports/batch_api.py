"""Helpers of the import batch API tests: the lines declared, a client per user, declaring and reading a batch."""

from __future__ import annotations

from tests.conftest import api_as as _api_as
from tests.imports.filed import filed_lines

URL = "/api/v1/import-batches/"


#: sodium cyanide by its CAS number: in the Catalogue of Hazardous Chemicals (剧毒)
CYANIDE = {
    "description": "氰化钠 分析纯试剂",
    "hs_code": "2837111000",
    "cas_numbers": ["143-33-9"],
    "quantity": 2,
    "unit": "瓶",
    "value_cny": "120.00",
    "origin_country": "DE",
}


#: toys: compulsory certification (CCC) by HS heading 9503
TOYS = {
    "description": "儿童积木玩具",
    "hs_code": "9503008900",
    "quantity": 100,
    "unit": "套",
    "value_cny": "8990.00",
    "origin_country": "DK",
}


#: baby cotton garments: in no catalogue (6111 is not in the CCC starter list)
BABY_GARMENTS = {
    "description": "婴儿纯棉连体衣",
    "hs_code": "6111200000",
    "quantity": 300,
    "unit": "件",
    "value_cny": "15000.50",
    "origin_country": "JP",
}


#: a cleaner whose description names a hazardous chemical: only a suspected match
SUSPECT_CLEANER = {
    "description": "含甲醛溶液的清洁剂",
    "hs_code": "3402900000",
    "quantity": 50,
    "unit": "瓶",
    "value_cny": "900",
    "origin_country": "US",
}


CONTRACT_ITEM_FIELDS = {
    "product",
    "description",
    "hs_code",
    "cas_numbers",
    "un_number",
    "used",
    "quantity",
    "unit",
    "value_cny",
    "origin_country",
    "tier",
    "reasons",
}


def api_as(user):
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def declare(world, *lines, user=None, expect: int = 201, file_goods: bool = True, **fields) -> dict:
    """POST a batch; free-text lines of a bonded batch are filed first (rule 3), unless ``file_goods`` is false."""
    user = user or world.alice
    items = list(lines)
    if file_goods and fields.get("mode", "bonded") == "bonded" and user.enterprise_id:
        items = filed_lines(user.enterprise, items)
    body = {"port_bureau": "ZJ", "mode": "bonded", "items": items, **fields}
    response = api_as(user).post(URL, body, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def verify(world, batch_id: int, body: dict, user=None, expect: int = 200) -> dict:
    response = api_as(user or world.zj_inspector).post(f"{URL}{batch_id}/verify/", body, format="json")
    assert response.status_code == expect, response.content
    return response.json()

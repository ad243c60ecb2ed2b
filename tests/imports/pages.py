"""Helpers of the import page tests: the roles, the lines declared, posting the lines table and files."""

from __future__ import annotations

from imports.models import ImportBatch
from tests.imports.filed import declare_filed

CYANIDE = {
    "description": "氰化钠",
    "hs_code": "2837111000",
    "cas_numbers": ["143-33-9"],
    "quantity": 10,
    "value_cny": 500,
}


TOWEL = {"description": "纯棉浴巾", "hs_code": "6302601000", "quantity": 30, "unit": "条", "value_cny": 900}


HAIR_DRYER = {"description": "电吹风机 1800W", "hs_code": "8516310000", "quantity": 20, "value_cny": 4000}


#: 甲醇 (methanol) found in the description only: a suspected match, to be confirmed or dismissed
CLEANER = {"description": "含甲醇的玻璃清洁剂", "hs_code": "3402509000", "quantity": 5, "value_cny": 150}


def declare(world, *lines, mode="bonded") -> ImportBatch:
    return declare_filed(actor=world.alice, items=[dict(line) for line in lines], port_bureau="ZJ", mode=mode)

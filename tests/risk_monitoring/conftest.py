"""Approved goods to name on signals: Alice Co's toy (Zhejiang) and Bob Co's kettle (Guangdong)."""

from __future__ import annotations

import pytest

from filings.choices import FilingStatus
from tests.factories import ProductFilingFactory


@pytest.fixture
def goods(world, approved_alice_co):
    world.bob_co.status = FilingStatus.APPROVED
    world.bob_co.save()
    world.alice_toy = ProductFilingFactory(
        enterprise=world.alice_co, status=FilingStatus.APPROVED, category="light_industry", gtin="5702016616316"
    )
    world.alice_draft = ProductFilingFactory(enterprise=world.alice_co)
    world.bob_kettle = ProductFilingFactory(enterprise=world.bob_co, status=FilingStatus.APPROVED, name="电热水壶")
    return world


@pytest.fixture
def sampling_world(goods):
    """``goods`` plus an approved platform and an approved bonded warehouse (both Zhejiang)."""
    from tests.factories import EnterpriseFilingFactory

    goods.tmall = EnterpriseFilingFactory(
        name="天猫国际", is_operator=False, is_platform=True, status=FilingStatus.APPROVED
    )
    goods.warehouse = EnterpriseFilingFactory(
        name="杭州保税仓储有限公司", is_operator=False, is_logistics=True, status=FilingStatus.APPROVED
    )
    return goods


#: a passing and a failing test item, as the API takes them
PASS_ITEM = {
    "test_item": "可迁移元素 铅",
    "standard": "GB 6675.4-2014",
    "value": "12",
    "limit": "90",
    "unit": "mg/kg",
    "verdict": "pass",
}
FAIL_ITEM = {
    "test_item": "小零件",
    "standard": "GB 6675.2-2014",
    "value": "脱落",
    "limit": "不得脱落",
    "unit": "",
    "verdict": "fail",
}


def online_body(world, **extra):
    return {
        "channel": "online",
        "product": world.alice_toy.pk,
        "platform": world.tmall.pk,
        "sampled_at": "2026-11-20T10:00:00+08:00",
        "order_no": "TM20261120001",
        "url": "https://detail.tmall.hk/item.htm?id=1",
        "price_paid": "59.90",
        "lab": "SGS Shanghai",
        "results": [PASS_ITEM],
        **extra,
    }


def offline_body(world, **extra):
    return {
        "channel": "offline",
        "product": world.alice_toy.pk,
        "warehouse": world.warehouse.pk,
        "location": "A区3排2层",
        "sampled_at": "2026-11-21",
        "lab": "CTI 华测检测",
        "results": [],
        **extra,
    }

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

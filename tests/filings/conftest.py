"""Fixtures shared by the test modules of this folder."""

from __future__ import annotations

import pytest

from filings import services
from tests.builders import TOY


@pytest.fixture
def submitted_toy(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    return services.product_submit(actor=world.alice, product=product)


@pytest.fixture
def approved_toy(world, submitted_toy):
    return services.product_approve(actor=world.zj_inspector, product=submitted_toy)

"""Alice Co (an approved operator of the Zhejiang bureau) and the partners it may ask:
Tmall Global, an approved platform (user ``tmall``), and Cainiao, an approved warehouse (user ``cainiao``)."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from tests.builders import approve
from tests.factories import EnterpriseFilingFactory, UserFactory


@pytest.fixture
def operator(world):
    return approve(world.alice_co, world.alice, world.zj_inspector)


@pytest.fixture
def platform(world):
    filing = EnterpriseFilingFactory(name="Tmall Global", is_operator=False, is_platform=True, status="approved")
    world.tmall = UserFactory(username="tmall", role=Role.ENTERPRISE, bureau=None, enterprise=filing)
    return filing


@pytest.fixture
def warehouse(world):
    filing = EnterpriseFilingFactory(name="Cainiao", is_operator=False, is_logistics=True, status="approved")
    world.cainiao = UserFactory(username="cainiao", role=Role.ENTERPRISE, bureau=None, enterprise=filing)
    return filing

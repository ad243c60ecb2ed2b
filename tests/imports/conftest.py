"""Fixtures shared by the test modules of this folder: Alice Co approved, its toy, and batches in each state."""

from __future__ import annotations

import pytest

from catalogues.services.editions import invalidate_indexes
from filings import services
from tests.builders import TOY, approve
from tests.imports.pages import CLEANER, CYANIDE, HAIR_DRYER, TOWEL, declare


@pytest.fixture
def fresh_catalogue_indexes():
    """Compiled indexes are cached by edition ids, which a rolled-back test may hand out again.

    The batch API modules use it for every test (``pytestmark``), as their one module did.
    """
    invalidate_indexes()
    yield
    invalidate_indexes()


@pytest.fixture
def alice_co(world):
    return approve(world.alice_co, world.alice, world.zj_inspector)


@pytest.fixture
def approved_toy(world, alice_co):
    toy = services.product_create(actor=world.alice, enterprise=alice_co, **TOY)
    services.product_submit(actor=world.alice, product=toy)
    return services.product_approve(actor=world.zj_inspector, product=toy)


@pytest.fixture
def refused(world, alice_co):
    return declare(world, CYANIDE, TOWEL)


@pytest.fixture
def to_verify(world, approved_toy):
    """Key supervision (a hair dryer under CCC), a suspected match, and the filed toy."""
    return declare(world, HAIR_DRYER, CLEANER, {"product": approved_toy.pk, "quantity": 5, "value_cny": 645})

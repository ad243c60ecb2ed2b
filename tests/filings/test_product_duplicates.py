"""Issue 9, section 3: a product filed twice by the same enterprise (same brand and model, or same
GTIN) is warned about before saving; the enterprise saves it anyway only by saying it is another one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from filings.models import ProductFiling
from filings.selectors import product_duplicates
from tests.builders import TOY
from tests.factories import ProductFilingFactory
from tests.pages import browser_as

pytestmark = pytest.mark.django_db


def form_data(**fields) -> dict:
    data = {**TOY, **fields}
    return {k: v for k, v in data.items() if isinstance(v, str)}


def test_the_same_brand_and_model_or_gtin_are_found(world):
    mine = ProductFilingFactory(enterprise=world.alice_co, brand="LEGO", model="10698", gtin="5702016616316")
    ProductFilingFactory(enterprise=world.bob_co, brand="LEGO", model="10698")  # another enterprise's
    assert product_duplicates(world.alice_co, brand="lego", model="10698", gtin="") == [mine]
    assert product_duplicates(world.alice_co, brand="", model="", gtin="5702016616316") == [mine]
    assert product_duplicates(world.alice_co, brand="LEGO", model="10699", gtin="") == []
    assert product_duplicates(world.alice_co, brand="LEGO", model="10698", gtin="", exclude=mine.pk) == []


def test_a_second_filing_of_the_same_goods_waits_for_confirmation_and_keeps_what_was_typed(world):
    existing = ProductFilingFactory(enterprise=world.alice_co, brand="LEGO", model="10698")
    client = browser_as(world.alice)
    url = reverse("filings:product_create")
    response = client.post(url, form_data(name="积木 第二款"))
    assert response.status_code == 200 and ProductFiling.objects.filter(enterprise=world.alice_co).count() == 1
    html = response.content.decode()
    assert 'data-testid="duplicate-warning"' in html and existing.get_absolute_url() in html
    assert "积木 第二款" in html  # nothing typed is lost
    saved = client.post(url, {**form_data(name="积木 第二款"), "confirm_duplicate": "on"})
    assert saved.status_code == 302 and ProductFiling.objects.filter(enterprise=world.alice_co).count() == 2


def test_editing_a_product_does_not_warn_about_itself(world):
    product = ProductFilingFactory(enterprise=world.alice_co, brand="LEGO", model="10698")
    response = browser_as(world.alice).post(
        reverse("filings:product_edit", args=[product.pk]), form_data(name="积木 改名")
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "积木 改名"

"""Accessibility of the lines tables (issue 9 §6): every input of the batch form and of the dry run
names its column and its line for a screen reader, and no id is used twice."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accessibility import read
from tests.pages import browser_as

pytestmark = pytest.mark.django_db

CLASSIFY_POST = {
    "line-TOTAL_FORMS": "2",
    "line-INITIAL_FORMS": "0",
    "line-MIN_NUM_FORMS": "0",
    "line-MAX_NUM_FORMS": "200",
    "line-0-description": "氰化钠",
    "line-0-cas_numbers": "143-33-9",
    "line-1-description": "纯棉浴巾",
    "line-1-hs_code": "6302601000",
    "text": "",
}


def test_every_input_of_the_batch_form_has_a_label(world, alice_co):
    page = read(browser_as(world.alice).get(reverse("imports:batch_create")).content.decode())
    names = {c.name for c in page.controls}
    assert {"line-0-product", "line-0-quantity", "line-2-origin_country", "line-__prefix__-value_cny"} <= names
    assert page.unlabelled() == []


def test_a_line_input_is_labelled_with_its_column_and_its_line_number(world, alice_co):
    page = read(browser_as(world.alice).get(reverse("imports:batch_create")).content.decode())
    assert page.labels["id_line-1-quantity"] == "Line 2: Quantity"
    assert page.labels["id_line-0-product"] == "Line 1: Product filing"
    assert page.labels["id_line-0-hs_code"] == "Line 1: HS code"  # the type-ahead's search box
    # The row the "Add line" button copies gets its number when it is added.
    assert page.labels["id_line-__prefix__-unit"] == "Line __number__: Unit"


def test_every_input_of_the_dry_run_has_a_label_before_and_after_classifying(world, alice_co):
    client = browser_as(world.alice)
    empty = read(client.get(reverse("imports:classify")).content.decode())
    assert {"line-0-description", "line-0-used", "q"} <= {c.name for c in empty.controls}
    assert empty.unlabelled() == []
    response = client.post(reverse("imports:classify"), CLASSIFY_POST)
    assert response.context["results"]
    shown = read(response.content.decode())
    assert shown.unlabelled() == []
    assert shown.labels["id_line-1-hs_code"] == "Line 2: HS code"


def test_ids_are_unique_on_the_batch_form_and_the_dry_run(world, alice_co):
    client = browser_as(world.alice)
    for html in (
        client.get(reverse("imports:batch_create")).content.decode(),
        client.post(reverse("imports:classify"), CLASSIFY_POST).content.decode(),
    ):
        assert read(html).duplicate_ids() == []

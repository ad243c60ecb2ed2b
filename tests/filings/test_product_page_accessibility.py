"""Accessibility of the product pages (issue 9 §6): one link per product in the list, unique ids and a
label on every input of the product page (its label upload and test report forms both take a file)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.accessibility import read
from tests.pages import browser_as

pytestmark = pytest.mark.django_db


def test_a_product_name_in_the_list_is_one_link_not_a_link_in_a_link(world, toy):
    html = browser_as(world.alice).get(reverse("filings:product_list")).content.decode()
    page = read(html)
    assert toy.get_absolute_url() in html
    assert page.nested_links == []


def test_the_draft_product_page_has_unique_ids_and_labelled_inputs(world, toy):
    response = browser_as(world.alice).get(toy.get_absolute_url())
    assert response.context["label_form"] is not None and response.context["report_form"] is not None
    page = read(response.content.decode())
    assert page.duplicate_ids() == []
    assert page.unlabelled() == []
    assert page.labels["id_label_file"] and page.labels["id_file"]

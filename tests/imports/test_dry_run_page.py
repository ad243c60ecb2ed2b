"""The classification dry run page: tiers and reasons, nothing stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from imports.models import ImportBatch
from tests.pages import browser_as

pytestmark = pytest.mark.django_db


# --- the dry run ----------------------------------------------------------------------------------


def test_the_dry_run_shows_tiers_and_reasons_and_stores_nothing(world, alice_co):
    data = {
        "line-TOTAL_FORMS": "3",
        "line-INITIAL_FORMS": "0",
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "200",
        "line-0-description": "氰化钠",
        "line-0-cas_numbers": "143-33-9",
        "line-1-description": "纯棉浴巾",
        "line-1-hs_code": "6302601000",
        "line-2-description": "甲醇燃料块",
        "line-2-hs_code": "123",
        "text": "电吹风机\t8516310000\t\t\t否",
    }
    response = browser_as(world.alice).post(reverse("imports:classify"), data)
    results = response.context["results"]
    assert [r.get("tier") for r in results] == [2, 1, 3, None]  # pasted lines come first
    cyanide = results[1]
    assert cyanide["missing_hs"] and cyanide["reasons"][0].entry == "12 氰化钠 [剧毒]"
    assert results[3]["errors"]
    assert not ImportBatch.objects.exists()
    assert "12 氰化钠 [剧毒]" in response.content.decode()


def test_the_dry_run_needs_a_line(world):
    data = {"line-TOTAL_FORMS": "3", "line-INITIAL_FORMS": "0", "line-MIN_NUM_FORMS": "0", "line-MAX_NUM_FORMS": "200"}
    response = browser_as(world.zj_inspector).post(reverse("imports:classify"), data)
    assert response.context["results"] is None
    assert "Enter or paste at least one line." in response.content.decode()

"""Duplicate grouping of leads: brands written many ways are one; the key is a stable SHA-256."""

from __future__ import annotations

import re

import pytest

from anticounterfeit.grouping import group_key, is_identifying, name_key, normalise_brand


@pytest.mark.parametrize(
    "spelling",
    [
        "NIKE",
        "Nike",
        "nike",
        "ＮＩＫＥ",
        "ＮＩＫＥ®",
        " N I K E ",
        "Nike™",
        "NIKE©",
        "N.I.K.E.",
        "nike\u3000",
        "N-I-K-E",
        "ｎｉｋｅ℠",
    ],
)
def test_every_spelling_of_a_brand_is_one(spelling):
    assert normalise_brand(spelling) == "nike"


def test_chinese_brands_keep_their_characters_and_lose_full_width_spaces():
    assert normalise_brand("耐克　") == "耐克"
    assert normalise_brand("「耐克」") == "耐克"


def test_different_brands_stay_different():
    assert normalise_brand("Nike") != normalise_brand("Nikon")
    assert normalise_brand("Adidas") != normalise_brand("Adidas Originals")


def test_nothing_normalises_to_nothing():
    assert normalise_brand(None) == ""
    assert normalise_brand("") == ""
    assert normalise_brand(" ®™ - ") == ""


def test_the_key_is_64_hex_digits():
    assert re.fullmatch(r"[0-9a-f]{64}", group_key("Nike", 1, 2))


def test_the_key_ignores_how_the_brand_and_names_are_written():
    assert group_key("ＮＩＫＥ®", "Sneaker Shop", "Air Max 90") == group_key(" n i k e ", "SNEAKER-SHOP", "air max 90")


def test_the_key_tells_enterprises_and_products_apart():
    base = group_key("Nike", 1, 2)
    assert group_key("Nike", 1, 3) != base
    assert group_key("Nike", 4, 2) != base
    assert group_key("Adidas", 1, 2) != base
    # the parts do not slide into one another
    assert group_key("Nike", 1, None) != group_key("Nike", None, 1)
    assert group_key("ab", "c", None) != group_key("a", "bc", None)


def test_a_filing_id_is_not_a_seller_named_with_its_digits():
    assert group_key("Nike", 12, None) != group_key("Nike", "12", None)


def test_the_key_is_stable():
    assert group_key("Nike", 1, 2) == group_key("Nike", 1, 2)
    assert group_key("", None, None) == group_key(None, "", "")


def test_a_lead_naming_nothing_is_not_identifying():
    assert not is_identifying("", None, "")
    assert not is_identifying(" ® ", "", None)
    assert is_identifying("Nike", None, None)
    assert is_identifying("", 3, None)
    assert is_identifying("", None, "球鞋")


def test_rights_holder_names_ignore_case_width_and_spaces():
    assert name_key("Nike, Inc.") == name_key("ＮＩＫＥ,　INC.") == name_key("  nike ,inc. ")
    assert name_key("Nike Inc") != name_key("Nike Inc.")
    assert name_key(None) == ""

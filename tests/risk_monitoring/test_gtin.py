"""GTIN normalisation: GTIN-8/12/13/14 with valid check digits, compared as GTIN-14."""

import pytest

from risk_monitoring.gtin import gtins_in, normalise_gtin


@pytest.mark.parametrize(
    ("text", "gtin14"),
    [
        ("73513537", "00000073513537"),  # GTIN-8 (EAN-8)
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
        ("4006381333931", "04006381333931"),  # GTIN-13 (EAN-13)
        ("98412345678908", "98412345678908"),  # GTIN-14
    ],
)
def test_each_gtin_length_with_a_valid_check_digit_becomes_its_gtin14(text, gtin14):
    assert normalise_gtin(text) == gtin14


@pytest.mark.parametrize("text", ["73513538", "036000291453", "4006381333932", "98412345678909"])
def test_a_wrong_check_digit_is_no_gtin(text):
    assert normalise_gtin(text) is None


def test_a_upc_a_and_its_ean13_with_a_leading_zero_are_the_same_gtin():
    assert normalise_gtin("036000291452") == normalise_gtin("0036000291452")


@pytest.mark.parametrize(
    "text", ["4006 3813 33931", "4-006381-333931", "４００６３８１３３３９３１", " 4006381333931 "]
)
def test_spaces_hyphens_and_full_width_digits_are_read_through(text):
    assert normalise_gtin(text) == "04006381333931"


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "None",
        "1234567",
        "123456789",
        "40063813339310",
        "400638133393A",
        "00000000",
        "0000000000000",
        "12345678901234567",
    ],
)
def test_other_lengths_letters_and_all_zero_placeholders_are_no_gtin(text):
    assert normalise_gtin(text) is None


def test_every_valid_gtin_is_found_in_a_messy_barcode_field_in_order_once():
    text = "EAN: 4006381333931, 036000291452 and 7351-3537; 1234567890123 / 4 006381 333931\n5901234123457"
    assert gtins_in(text) == ["04006381333931", "00036000291452", "00000073513537", "05901234123457"]


def test_numbers_separated_only_by_a_space_are_read_one_by_one():
    assert gtins_in("4006381333931 5901234123457") == ["04006381333931", "05901234123457"]


def test_a_field_without_a_valid_gtin_gives_none():
    assert gtins_in("None") == []
    assert gtins_in(None) == []
    assert gtins_in("batch 1234, ref 99") == []

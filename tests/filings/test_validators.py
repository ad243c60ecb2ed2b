"""Credit codes (GB 32100) and mainland phone numbers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from stdnum.cn import uscc as stdnum_uscc

from filings.validators import validate_phone, validate_uscc


@pytest.mark.parametrize(
    "code",
    [
        "91110000600037341L",  # a real code, as python-stdnum documents it
        "91330100MA2CB7K3X8",
        " 9133 0100 MA2C B7K3 X8 ",  # spaces are ignored
        "91330100ma2cb7k3x8",  # lower case is normalised
    ],
)
def test_valid_codes(code):
    assert validate_uscc(code) == code.replace(" ", "").upper()


def test_codes_whose_first_characters_are_letters_are_accepted():
    body = "N2330100MA2CB7K3X"  # registration authority N (agriculture)
    code = body + stdnum_uscc.calc_check_digit(body)
    assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("91110000600037341", "18 characters"),
        ("91110000600037341M", "should be L"),
        ("9111000060003734IL", "cannot contain I"),
        ("91990000600037341L", "administrative division"),
        ("91AB0000600037341L", "administrative division"),
    ],
)
def test_invalid_codes_say_why(code, message):
    with pytest.raises(ValidationError, match=message):
        validate_uscc(code)


@pytest.mark.parametrize(
    ("phone", "normalised"),
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0571-87654321", "0571-87654321"),
        ("010-12345678-123", "010-12345678-123"),
        ("400-820-8820", "400-820-8820"),
    ],
)
def test_mainland_phone_numbers(phone, normalised):
    assert validate_phone(phone) == normalised


@pytest.mark.parametrize("phone", ["12345", "23812345678", "1381234567", "phone", "+1 415 555 0100"])
def test_other_phone_numbers_are_refused(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)

"""Validators for identifiers that enterprises file: unified social credit codes and phone numbers."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

# GB 32100-2015: characters allowed in a unified social credit code (no I, O, S, V, Z).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB/T 2260 province-level prefixes, plus 10 for registrations made by central authorities.
PROVINCE_PREFIXES = frozenset(
    "10 11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82".split()
)


def normalise_uscc(value: str) -> str:
    return stdnum_uscc.compact(unicodedata.normalize("NFKC", value or ""))


def validate_uscc(value: str) -> str:
    """Return the normalised code, or raise ValidationError saying what is wrong with it.

    python-stdnum computes the check character; its own ``validate`` is not used because it
    rejects real codes whose registration-authority character is a letter (e.g. ``N`` or ``Y``).
    """
    code = normalise_uscc(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(n)d.") % {"n": len(code)},
            code="length",
        )
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("A unified social credit code cannot contain %(chars)s.") % {"chars": ", ".join(bad)}, code="characters"
        )
    region = code[2:8]
    if not region.isdigit() or region[:2] not in PROVINCE_PREFIXES:
        raise ValidationError(
            _("Characters 3 to 8 must be a known administrative division code; %(region)s is not.")
            % {"region": region},
            code="region",
        )
    expected = stdnum_uscc.calc_check_digit(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("The check character is wrong: the last character should be %(expected)s.") % {"expected": expected},
            code="checksum",
        )
    return code


_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?$")
_SERVICE_RE = re.compile(r"^(400|800)-?[0-9]{3}-?[0-9]{4}$")


def normalise_phone(value: str) -> str:
    phone = re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", value or ""))
    if phone.startswith("+86"):
        phone = phone[3:]
    elif phone.startswith("0086"):
        phone = phone[4:]
    return phone.lstrip("-")


def validate_phone(value: str) -> str:
    """Mainland mobile (11 digits from 13-19), landline with area code, or 400/800 numbers."""
    phone = normalise_phone(value)
    if _MOBILE_RE.match(phone) or _LANDLINE_RE.match(phone) or _SERVICE_RE.match(phone):
        return phone
    raise ValidationError(
        _(
            "Enter a mainland phone number: a mobile number (e.g. 13812345678) or a landline with its area code "
            "(e.g. 0571-87654321)."
        ),
        code="phone",
    )

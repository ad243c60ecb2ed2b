"""Duplicate grouping of counterfeit leads: pure functions, no database.

Leads about the same brand, enterprise and product are duplicates of one another. Brands are written
many ways ("ＮＩＫＥ®", "Nike", " N I K E "), so each part is normalised before it is hashed: Unicode
NFKC (full-width letters become ASCII), case folded, spaces, punctuation and the trademark signs
(™ ® © ℠) dropped. The enterprise is its filing id when the lead names a filed enterprise, else the
seller's name as written; the product likewise (filing id, else the goods' name).
"""

from __future__ import annotations

import hashlib
import unicodedata

#: dropped before NFKC, which would turn ™ into "TM" and ℠ into "SM"
_MARKS = str.maketrans("", "", "™®©℠")
#: the separator between the parts of the key (a control character no normalised text keeps)
_SEPARATOR = "\x1f"


def normalise_brand(text: str | None) -> str:
    """``text`` with width, case, spaces, punctuation and trademark signs ignored."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text).translate(_MARKS)).casefold()
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in ("Z", "P", "C"))


def name_key(name: str | None) -> str:
    """A name with case, width and spaces ignored (how rights holders are matched by name)."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0] != "Z")


def _ref(value: int | str | None) -> str:
    """A filing id as ``#<id>``, a name normalised (so a seller named "12" is not filing 12)."""
    if value is None or value == "":
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"#{value}"
    normalised = normalise_brand(str(value))
    return f"={normalised}" if normalised else ""


def group_key(brand: str | None, enterprise_ref: int | str | None, product_ref: int | str | None) -> str:
    """The duplicate group of a lead: SHA-256 (64 hex digits) of its normalised brand, enterprise and
    product. ``enterprise_ref``: the enterprise filing id (an int) or the seller's name; ``product_ref``:
    the product filing id or the goods' name."""
    parts = (normalise_brand(brand), _ref(enterprise_ref), _ref(product_ref))
    return hashlib.sha256(_SEPARATOR.join(parts).encode("utf-8")).hexdigest()


def is_identifying(brand: str | None, enterprise_ref: int | str | None, product_ref: int | str | None) -> bool:
    """Whether the parts name anything at all: a lead naming none of them has no duplicates."""
    return bool(normalise_brand(brand) or _ref(enterprise_ref) or _ref(product_ref))

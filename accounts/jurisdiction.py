"""Territorial management: which bureau is competent for a region code. Pure, no database.

Region codes are GB/T 2260 administrative division codes (six digits). A bureau is assigned
prefixes of them: two digits for a province, four for a city (宁波 3302, 厦门 3502, 深圳 4403,
珠海 4404). The longest assigned prefix wins, so a Ningbo enterprise belongs to the Ningbo bureau
and the rest of Zhejiang to the Zhejiang bureau.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

REGION_CODE_RE = re.compile(r"^[0-9]{6}$")


def is_region_code(value: str) -> bool:
    return bool(REGION_CODE_RE.match(value or ""))


def competent_bureau_code(region_code: str, prefixes: Mapping[str, str]) -> str | None:
    """Return the bureau code whose region prefix is the longest match for ``region_code``.

    ``prefixes`` maps a region prefix ("33", "3302") to a bureau code. Returns None when no
    prefix matches or the region code is malformed.
    """
    if not is_region_code(region_code):
        return None
    for length in (6, 4, 2):
        code = prefixes.get(region_code[:length])
        if code:
            return code
    return None

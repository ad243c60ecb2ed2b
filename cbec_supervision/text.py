"""Text normalisers every app applies to what people type or upload. Pure: no database."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_SPLIT = re.compile(r"[;,；，、\s]+")


def nfkc(value: str) -> str:
    """Full-width forms (１２０３, ＤＥ) read as their ASCII forms; compatibility characters folded."""
    return unicodedata.normalize("NFKC", value)


def split_list(value: Any) -> list[str]:
    """A list given as a list, or as text separated by ; , 、 or spaces."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        items = _SPLIT.split(str(value))
    return [item.strip() for item in items if item and item.strip()]

"""Matching an overseas notice (or any risk signal) to filed products. Pure: no database, no models.

The caller hands the filed products in as plain ``Candidate`` values; matches come back best first,
one per product:

1. ``gtin``: a GTIN of the record equals the product's GTIN, both in their GTIN-14 form (so a UPC-A
   matches its EAN-13 with a leading 0). Certain: the signal is linked at once.
2. ``brand_model``: brand and model both equal once normalised (width, case, spaces, hyphens,
   underscores and dots ignored); a record naming several models ("AB-1; AB-2") matches each.
   Proposed for an inspector to confirm.
3. ``name``: the record's product name found in the product's Chinese or English name, or the other
   way round, once normalised: whole words for Latin script, characters for Chinese; the shorter
   name must be long enough to mean something. Proposed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from risk_monitoring.gtin import normalise_gtin

if TYPE_CHECKING:
    from risk_monitoring.feeds import OverseasRecord

GTIN, BRAND_MODEL, NAME = "gtin", "brand_model", "name"

#: the shortest name that may match by containment: Latin letters and digits, Chinese characters
MIN_NAME_LATIN = 6
MIN_NAME_CJK = 3

_IGNORED_IN_CODES = re.compile(r"[\s\-_.\u2010-\u2015\u2212]+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"\w+")
# separators between several models in one field ("AB-1; AB-2", "AB-1, AB-2")
_SEVERAL = re.compile(r"[;,/，；、]")


@dataclass(frozen=True)
class Candidate:
    """A filed product as matching sees it."""

    id: int | str
    gtin: str = ""
    brand: str = ""
    model: str = ""
    name: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class Match:
    candidate_id: int | str
    how: str
    certain: bool


def code_key(value: str | None) -> str:
    """A brand or model as compared: NFKC (full width to ASCII), case folded, without spaces,
    hyphens, underscores or dots."""
    return _IGNORED_IN_CODES.sub("", unicodedata.normalize("NFKC", value or "").casefold())


def name_key(value: str | None) -> str:
    """A product name as compared: NFKC, case folded, its words joined by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", value or "").casefold()))


def _long_enough(key: str) -> bool:
    cjk = len(_CJK.findall(key))
    if cjk:
        return cjk >= MIN_NAME_CJK
    return len(key.replace(" ", "")) >= MIN_NAME_LATIN


def names_match(one: str | None, other: str | None) -> bool:
    """Whether one normalised name holds the other (the shorter long enough to count)."""
    a, b = name_key(one), name_key(other)
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if not _long_enough(short):
        return False
    if _CJK.search(short):
        return short.replace(" ", "") in long.replace(" ", "")
    return f" {short} " in f" {long} "


def match(
    candidates: Iterable[Candidate],
    *,
    gtins: Sequence[str] = (),
    brand: str = "",
    model: str = "",
    names: Sequence[str] = (),
) -> list[Match]:
    """The candidates matching the given identifiers, best first, each candidate once."""
    candidates = list(candidates)
    wanted = {g for g in (normalise_gtin(gtin) for gtin in gtins) if g}
    brand_key = code_key(brand)
    model_keys = {key for key in (code_key(part) for part in _SEVERAL.split(model or "")) if key}
    names = [name for name in names if name_key(name)]
    found: dict[int | str, Match] = {}

    def add(candidate: Candidate, how: str, certain: bool) -> None:
        found.setdefault(candidate.id, Match(candidate.id, how, certain))

    if wanted:
        for candidate in candidates:
            if normalise_gtin(candidate.gtin) in wanted:
                add(candidate, GTIN, True)
    if brand_key and model_keys:
        for candidate in candidates:
            if code_key(candidate.brand) == brand_key and code_key(candidate.model) in model_keys:
                add(candidate, BRAND_MODEL, False)
    if names:
        for candidate in candidates:
            if any(names_match(name, own) for name in names for own in (candidate.name, candidate.name_en)):
                add(candidate, NAME, False)
    return list(found.values())


def match_record(record: OverseasRecord, candidates: Iterable[Candidate]) -> list[Match]:
    """The candidates matching an overseas notice, best first."""
    return match(
        candidates,
        gtins=record.gtins,
        brand=record.brand,
        model=record.model,
        names=[record.product_name] if record.product_name else [],
    )

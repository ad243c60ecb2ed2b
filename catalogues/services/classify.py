"""The engine's view of a filed product or a declared line, and classification against the
editions in force. Filings and imports both classify through here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

from catalogues.choices import CatalogueKind
from catalogues.classification import Decision, Item, classify, classify_many
from catalogues.services.editions import compiled_index, editions_applied


class FiledGoods(Protocol):
    """What the engine reads of a product filing (``filings.ProductFiling`` has these fields)."""

    name: str
    name_en: str
    listed_name: str
    hs_code: str
    cas_numbers: list[str]
    un_number: str
    used: bool
    category: str
    materials: str


def engine_item(line: Mapping[str, Any], product: FiledGoods | None = None) -> Item:
    """What the engine sees of a line: the line's own values, completed from its filed product."""
    description = line.get("description") or ""
    if product is not None:
        description = " ".join(filter(None, (description, product.name, product.name_en, product.listed_name)))
        cas = tuple(dict.fromkeys([*line.get("cas_numbers", ()), *product.cas_numbers]))
        return Item(
            description=description,
            hs_code=line.get("hs_code") or product.hs_code,
            cas_numbers=cas,
            un_number=line.get("un_number") or product.un_number,
            used=bool(line.get("used")) or product.used,
            category=product.category,
            materials=product.materials,
        )
    return Item(
        description=description,
        hs_code=line.get("hs_code") or "",
        cas_numbers=tuple(line.get("cas_numbers") or ()),
        un_number=line.get("un_number") or "",
        used=bool(line.get("used")),
        category=line.get("category") or "",
        materials=line.get("materials") or "",
    )


def classify_lines(
    lines: Sequence[Mapping[str, Any]],
    *,
    products: Mapping[int, FiledGoods] | None = None,
    strict: bool = False,
    at: dt.date | None = None,
) -> tuple[list[Decision], dict[str, dict]]:
    """Classify lines against the editions in force; returns the decisions and the editions applied."""
    index, editions = compiled_index(at)
    products = products or {}
    items = [engine_item(line, _filed(products, line.get("product"))) for line in lines]
    decisions = classify_many(items, index, strict=strict)
    return decisions, editions_applied(editions)


def _filed(products: Mapping[int, FiledGoods], product_id: int | None) -> FiledGoods | None:
    return None if product_id is None else products.get(product_id)


def classify_filed_product(product: FiledGoods, *, strict: bool = False) -> tuple[Decision, dict[str, dict]]:
    """A filed product alone, as the engine sees it, against the editions in force."""
    index, editions = compiled_index()
    return classify(engine_item({}, product), index, strict=strict), editions_applied(editions)


def certification_required(hs_codes: Iterable[str]) -> set[str]:
    """Those of ``hs_codes`` that the compulsory certification (CCC) catalogue in force lists.

    That catalogue is matched on HS codes only, so a product's code alone tells whether its filing
    needs a CCC certificate; one look-up of the editions in force for any number of codes.
    """
    codes = {code for code in hs_codes if code}
    if not codes:
        return set()
    index, _editions = compiled_index()
    return {
        code
        for code in codes
        if any(r.catalogue == CatalogueKind.COMPULSORY_CERTIFICATION for r in index._hs_reasons(code))
    }

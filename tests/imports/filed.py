"""Bonded goods are filed goods (issue 8, rule 3): the tests' free-text lines, filed first.

A bonded line names an approved product filing of the declaring operator. Tests written as lines
(description, HS code, CAS numbers, …) get an approved product filing of the operator with exactly
those values (made with the factory, as filed before), and the line names it; the line keeps its own
values, which the declaration accepts because they are the filing's.
"""

from __future__ import annotations

import re
from typing import Any

from filings.choices import FilingStatus
from imports.services.declarations import import_batch_declare
from tests.factories import ProductFilingFactory


def filed_product(enterprise, line: dict[str, Any]):
    """An approved product filing of ``enterprise`` carrying the line's goods."""
    return ProductFilingFactory(
        enterprise=enterprise,
        name=(line.get("description") or "已备案商品")[:200],
        hs_code=line.get("hs_code") or "9503008900",
        cas_numbers=list(line.get("cas_numbers") or ()),
        un_number=re.sub(r"^UN\s*", "", str(line.get("un_number") or "").upper()),
        used=bool(line.get("used")),
        status=FilingStatus.APPROVED,
    )


def filed_lines(enterprise, lines: list[Any]) -> list[Any]:
    """``lines`` with each free-text line naming a filed product of ``enterprise`` (one per distinct line)."""
    made: dict[tuple, int] = {}
    out = []
    for line in lines:
        if not isinstance(line, dict) or line.get("product") not in (None, "") or not line.get("hs_code"):
            out.append(line)
            continue
        key = (
            line.get("description"),
            line.get("hs_code"),
            tuple(line.get("cas_numbers") or ()),
            line.get("un_number"),
        )
        if key not in made:
            made[key] = filed_product(enterprise, line).pk
        out.append({**line, "product": made[key]})
    return out


def declare_filed(*, actor, items, mode: str = "bonded", **fields):
    """``import_batch_declare`` with the free-text lines of a bonded batch filed first."""
    if mode == "bonded" and not isinstance(actor, str) and actor.enterprise_id and isinstance(items, list):
        items = filed_lines(actor.enterprise, items)
    return import_batch_declare(actor=actor, items=items, mode=mode, **fields)

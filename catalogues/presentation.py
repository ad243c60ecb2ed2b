"""Classification reasons as people read them: labels, the catalogue behind each, links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from catalogues.choices import CATALOGUE_TIER, TIER_COLOURS, CatalogueKind, Tier
from catalogues.classification import CERTAIN, OUT_OF_SCOPE

TIER_LABELS = dict(Tier.choices)
CATALOGUE_LABELS = {
    **dict(CatalogueKind.choices),
    OUT_OF_SCOPE: gettext_lazy("Outside the regime (not light industry, textile or electrical goods)"),
}
MATCHED_ON = {
    "cas": gettext_lazy("CAS number"),
    "un_number": gettext_lazy("UN number"),
    "hs_code": gettext_lazy("HS code"),
    "name": gettext_lazy("name"),
    "used_flag": gettext_lazy("used flag"),
}


@dataclass(frozen=True)
class ReasonRow:
    """One reason of a classification, as people read it."""

    kind: str
    catalogue: str
    edition: str
    edition_id: int | None
    entry: str
    entry_id: int | None
    matched_on: str
    value: str
    certainty: float
    tier: int

    @property
    def certain(self) -> bool:
        return self.certainty >= CERTAIN

    @property
    def tier_colour(self) -> str:
        return TIER_COLOURS.get(self.tier, "secondary")

    @property
    def tier_label(self) -> str:
        return TIER_LABELS.get(self.tier, "")


def reason_rows(reasons: list[dict] | None, editions: dict[str, dict] | None) -> list[ReasonRow]:
    """The stored reasons of an item (``Reason.as_dict``) with labels and links to their catalogues."""
    editions = editions or {}
    rows = []
    for r in reasons or ():
        kind = r.get("catalogue", "")
        applied = editions.get(kind) or {}
        edition_id = applied.get("id") if applied.get("edition") == r.get("edition") else None
        rows.append(
            ReasonRow(
                kind=kind,
                catalogue=str(CATALOGUE_LABELS.get(kind, kind)),
                edition=r.get("edition", ""),
                edition_id=edition_id,
                entry=r.get("entry", ""),
                entry_id=r.get("entry_id"),
                matched_on=str(MATCHED_ON.get(r.get("matched_on"), r.get("matched_on", ""))),
                value=str(r.get("value", "")),
                certainty=float(r.get("certainty") or 0),
                tier=int(r.get("tier") or 3),
            )
        )
    rows.sort(key=lambda row: (row.tier, -row.certainty))
    return rows


def editions_rows(editions: dict[str, dict] | None) -> list[dict[str, Any]]:
    rows = []
    for kind, label in CatalogueKind.choices:
        applied = (editions or {}).get(kind)
        if applied:
            effective = applied.get("effective_from")
            rows.append(
                {
                    "kind": kind,
                    "label": label,
                    "edition": applied.get("edition", ""),
                    "id": applied.get("id"),
                    "effective_from": dt.date.fromisoformat(effective) if effective else None,
                    "tier": CATALOGUE_TIER[kind],
                    "tier_label": TIER_LABELS.get(CATALOGUE_TIER[kind], ""),
                    "tier_colour": TIER_COLOURS.get(CATALOGUE_TIER[kind], "secondary"),
                }
            )
    return rows

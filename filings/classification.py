"""The three-tier import classification engine. Pure: no database, no Django models.

An item (description, HS code, CAS numbers, UN number, used flag, category, materials) is checked
against compiled catalogue indexes and gets a tier (1 prohibited, 2 key supervision, 3 general
supervision) with every reason behind it: which catalogue, which edition, which entry, matched on
what value, and how certain the match is.

Exact matches on CAS number, UN number and HS prefix are certain (1.0). A catalogue name found in
the free-text description is only *suspected*: it raises the tier but marks the item for an
inspector's confirmation. Name matching guards against silly matches: one-character names (氨, 氯,
钠) only match a whole token, a negated mention (无甲醛, 不含苯) does not count, and a name inside a
longer catalogue name matched at the same place gives way to the longer one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CERTAIN = 1.0
#: certainty of a name match, by how the name was found
NAME_CERTAINTY = {"name": 0.8, "alias": 0.7, "base_name": 0.6, "english": 0.6}

TIER_PROHIBITED, TIER_KEY, TIER_GENERAL = 1, 2, 3

FOLLOW_UP = {
    TIER_PROHIBITED: "refuse_entry",
    TIER_KEY: "onsite_verification",
    TIER_GENERAL: "post_market_sampling",
}

# A mention preceded by one of these is a statement of absence, not of content.
_NEGATIONS = ("无", "不含", "未含", "零", "免", "非", "去", "不添加", "未添加", "free")
_QUALIFIER = re.compile(r"[\[［(（][^\]］)）]*[\]］)）]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_WORD = re.compile(r"[a-z0-9][a-z0-9\-']*")
_TOKEN_SPLIT = re.compile(r"[\s,，;；、/|:：。.!！?？()（）\[\]【】]+")
_MIN_CJK_SUBSTRING = 2
_MIN_ENGLISH = 5
#: used and waste goods are barred by the guidance itself (废旧物品), whatever catalogue is loaded
USED_GOODS_ENTRY = "废旧物品 (used and waste goods)"
USED_GOODS_EDITION = "国质检检〔2015〕250号"


@dataclass(frozen=True, slots=True)
class EntryRef:
    """One catalogue entry as the engine knows it."""

    catalogue: str
    edition: str
    entry_id: int
    label: str
    tier: int
    highly_toxic: bool = False


@dataclass(frozen=True, slots=True)
class Reason:
    catalogue: str
    edition: str
    entry: str
    entry_id: int | None
    matched_on: str  # cas | un_number | hs_code | name | used_flag
    value: str
    certainty: float
    tier: int

    def as_dict(self) -> dict:
        return {
            "catalogue": self.catalogue,
            "edition": self.edition,
            "entry": self.entry,
            "entry_id": self.entry_id,
            "matched_on": self.matched_on,
            "value": self.value,
            "certainty": self.certainty,
            "tier": self.tier,
        }


@dataclass(frozen=True, slots=True)
class Item:
    description: str = ""
    hs_code: str = ""
    cas_numbers: Sequence[str] = ()
    un_number: str = ""
    used: bool = False
    category: str = ""
    materials: str = ""


@dataclass(slots=True)
class Decision:
    tier: int
    reasons: list[Reason] = field(default_factory=list)
    follow_up: str = FOLLOW_UP[TIER_GENERAL]
    #: the tier rests on a suspected (name) match only: an inspector must confirm it
    needs_confirmation: bool = False
    #: the enterprise is under strict supervision: at least tier 2 whatever matched
    strict_supervision: bool = False

    def as_dict(self) -> dict:
        return {
            "tier": self.tier,
            "reasons": [r.as_dict() for r in self.reasons],
            "follow_up": self.follow_up,
            "needs_confirmation": self.needs_confirmation,
            "strict_supervision": self.strict_supervision,
        }


@dataclass(frozen=True, slots=True)
class EntryData:
    """What the engine needs of a catalogue entry, as loaded from the database or a file."""

    entry_id: int
    seq: str
    name: str
    aliases: Sequence[str] = ()
    cas: str = ""
    un_number: str = ""
    hs_prefix: str = ""
    highly_toxic: bool = False
    #: whether the name (and aliases) may be searched for in descriptions
    match_names: bool = True


@dataclass(frozen=True, slots=True)
class CatalogueData:
    kind: str
    edition: str
    tier: int
    entries: Sequence[EntryData]


def _label(entry: EntryData) -> str:
    label = f"{entry.seq} {entry.name}".strip()
    return f"{label} [剧毒]" if entry.highly_toxic else label


def _name_variants(entry: EntryData) -> Iterable[tuple[str, str]]:
    """(text, how) pairs to look for: the name, its aliases, and each without bracketed qualifiers."""
    seen: set[str] = set()
    for text, how in [(entry.name, "name"), *((a, "alias") for a in entry.aliases)]:
        for variant, variant_how in ((text, how), (_QUALIFIER.sub("", text), "base_name")):
            variant = variant.strip()
            if variant and variant not in seen:
                seen.add(variant)
                yield variant, variant_how


class CompiledIndex:
    """Lookup structures for the catalogue editions in force, built once per set of editions."""

    def __init__(self, catalogues: Iterable[CatalogueData]):
        self.editions: dict[str, str] = {}
        self.by_cas: dict[str, list[EntryRef]] = {}
        self.by_un: dict[str, list[EntryRef]] = {}
        self.by_hs: dict[str, list[EntryRef]] = {}
        #: CJK names by their first two characters: [(name, refs, certainty)], longest first
        self._cjk: dict[str, list[tuple[str, tuple[EntryRef, ...], float]]] = {}
        self._cjk_first: set[str] = set()
        #: one-character names and other short names: only whole tokens match
        self._tokens: dict[str, list[tuple[EntryRef, float]]] = {}
        #: English names by their number of words, lowercased
        self._english: dict[str, list[tuple[EntryRef, float]]] = {}
        self._english_lengths: set[int] = set()
        names: dict[str, dict[EntryRef, float]] = {}
        for catalogue in catalogues:
            self.editions[catalogue.kind] = catalogue.edition
            for entry in catalogue.entries:
                ref = EntryRef(
                    catalogue.kind, catalogue.edition, entry.entry_id, _label(entry), catalogue.tier, entry.highly_toxic
                )
                if entry.cas:
                    self.by_cas.setdefault(entry.cas, []).append(ref)
                if entry.un_number:
                    self.by_un.setdefault(entry.un_number, []).append(ref)
                if entry.hs_prefix:
                    self.by_hs.setdefault(entry.hs_prefix, []).append(ref)
                if not entry.match_names:
                    continue
                for text, how in _name_variants(entry):
                    certainty = NAME_CERTAINTY[how]
                    if _CJK.search(text):
                        key = text
                        slot = names.setdefault(key, {})
                        slot[ref] = max(slot.get(ref, 0.0), certainty)
                    else:
                        lowered = " ".join(_WORD.findall(text.lower()))
                        if len(lowered) >= _MIN_ENGLISH:
                            self._english.setdefault(lowered, []).append((ref, NAME_CERTAINTY["english"]))
                            self._english_lengths.add(lowered.count(" ") + 1)
        self.hs_lengths = sorted({len(p) for p in self.by_hs}, reverse=True)
        for text, refs in names.items():
            if len(text) < _MIN_CJK_SUBSTRING:
                self._tokens.setdefault(text, []).extend(refs.items())
                continue
            certainty = max(refs.values())
            self._cjk.setdefault(text[:2], []).append((text, tuple(refs), certainty))
            self._cjk_first.add(text[0])
        for bucket in self._cjk.values():
            bucket.sort(key=lambda row: -len(row[0]))

    # --- name matching ----------------------------------------------------------------------

    def _negated(self, text: str, start: int) -> bool:
        before = text[max(0, start - 3) : start]
        return any(before.endswith(word) for word in _NEGATIONS)

    def match_names(self, text: str) -> list[tuple[str, EntryRef, float]]:
        """Catalogue names found in ``text``: (name found, entry, certainty)."""
        found: list[tuple[str, EntryRef, float]] = []
        if not text:
            return found
        first, buckets = self._cjk_first, self._cjk
        covered_to = -1  # end of the longest name matched so far: shorter names inside it give way
        length = len(text)
        for i in range(length - 1):
            if text[i] not in first:
                continue
            bucket = buckets.get(text[i : i + 2])
            if bucket is None:
                continue
            for name, refs, certainty in bucket:
                end = i + len(name)
                if end <= length and text.startswith(name, i):
                    if end <= covered_to or self._negated(text, i):
                        break
                    covered_to = end
                    found.extend((name, ref, certainty) for ref in refs)
                    break  # longest first: the rest of the bucket is inside this one
        if self._tokens:
            for token in _TOKEN_SPLIT.split(text):
                for ref, certainty in self._tokens.get(token, ()):
                    found.append((token, ref, certainty))
        if self._english:
            words = _WORD.findall(text.lower())
            for n in self._english_lengths:
                for i in range(len(words) - n + 1):
                    phrase = " ".join(words[i : i + n])
                    for ref, certainty in self._english.get(phrase, ()):
                        if i == 0 or words[i - 1] not in ("no", "non", "free", "without"):
                            found.append((phrase, ref, certainty))
        return found


def _normalise_hs(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit()) if code else ""


def classify(item: Item, index: CompiledIndex, *, strict: bool = False) -> Decision:
    """The tier of one item and every reason for it. Tier 3 when nothing matches."""
    reasons: list[Reason] = []
    append = reasons.append
    for cas in item.cas_numbers:
        for ref in index.by_cas.get(cas, ()):
            append(Reason(ref.catalogue, ref.edition, ref.label, ref.entry_id, "cas", cas, CERTAIN, ref.tier))
    if item.un_number:
        for ref in index.by_un.get(item.un_number, ()):
            append(
                Reason(
                    ref.catalogue, ref.edition, ref.label, ref.entry_id, "un_number", item.un_number, CERTAIN, ref.tier
                )
            )
    if item.hs_code and index.hs_lengths:
        code = _normalise_hs(item.hs_code)
        by_hs = index.by_hs
        for n in index.hs_lengths:
            if n <= len(code):
                for ref in by_hs.get(code[:n], ()):
                    append(
                        Reason(ref.catalogue, ref.edition, ref.label, ref.entry_id, "hs_code", code, CERTAIN, ref.tier)
                    )
    if item.used:
        edition = index.editions.get("prohibited_goods", USED_GOODS_EDITION)
        append(
            Reason("prohibited_goods", edition, USED_GOODS_ENTRY, None, "used_flag", "true", CERTAIN, TIER_PROHIBITED)
        )
    certain_ids = {r.entry_id for r in reasons}
    for text in (item.description, item.materials):
        for name, ref, certainty in index.match_names(text):
            if ref.entry_id not in certain_ids:
                certain_ids.add(ref.entry_id)
                append(Reason(ref.catalogue, ref.edition, ref.label, ref.entry_id, "name", name, certainty, ref.tier))

    tier = TIER_GENERAL
    certain_tier = TIER_GENERAL
    for reason in reasons:
        if reason.tier < tier:
            tier = reason.tier
        if reason.certainty >= CERTAIN and reason.tier < certain_tier:
            certain_tier = reason.tier
    if strict and tier > TIER_KEY:
        tier = TIER_KEY
        certain_tier = min(certain_tier, TIER_KEY)
    return Decision(
        tier=tier,
        reasons=reasons,
        follow_up=FOLLOW_UP[tier],
        needs_confirmation=tier < certain_tier,
        strict_supervision=strict,
    )


def batch_tier(tiers: Iterable[int | None]) -> int | None:
    """A batch is as severe as its most severe item."""
    present = [t for t in tiers if t is not None]
    return min(present) if present else None

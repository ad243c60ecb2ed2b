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

The regime covers light industry, textile and electrical goods (「消费品为轻工、纺织及电子电器类产品」).
Given a scope table, an item whose HS code lies outside it (food, medicines, cosmetics, vehicles…)
carries an ``out_of_scope`` reason in tier 2: it is never general supervision by default, but goes to
an inspector.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from operator import add

import ahocorasick

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
_TOKEN_SPLIT = re.compile(r"[\s,，;；、/|:：。.!！?？()（）\[\]【】0-9]")
_FREE_AFTER = re.compile(r"[\s-]*free\b", re.IGNORECASE)
_MIN_CJK_SUBSTRING = 2
_MIN_ENGLISH = 5
#: used and waste goods are barred by the guidance itself (废旧物品), whatever catalogue is loaded
USED_GOODS_ENTRY = "废旧物品 (used and waste goods)"
USED_GOODS_EDITION = "国质检检〔2015〕250号"
#: the catalogue name of the reason an item outside the regime's scope carries
OUT_OF_SCOPE = "out_of_scope"
#: the entry of that reason when no row of the scope table covers the code
UNLISTED_SCOPE_ENTRY = "未列入轻工、纺织及电子电器类产品 not listed as light industry, textile or electrical goods"


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


@dataclass(frozen=True, slots=True)
class Decision:
    tier: int
    #: a tuple: decisions with no reason are one shared object
    reasons: Sequence[Reason] = ()
    follow_up: str = FOLLOW_UP[TIER_GENERAL]
    #: the tier rests on a suspected (name) match only: an inspector must confirm it
    needs_confirmation: bool = False
    #: the enterprise is under strict supervision: the line keeps the tier its catalogues give, and is
    #: verified on site with its batch whatever that tier
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
    #: the legal basis the entry cites (the remark of a prohibited goods list), shown with it in every reason
    basis: str = ""


@dataclass(frozen=True, slots=True)
class CatalogueData:
    kind: str
    edition: str
    tier: int
    entries: Sequence[EntryData]


@dataclass(frozen=True, slots=True)
class ScopeRule:
    """One row of the scope table: an HS prefix inside or outside the regime (light industry,
    textile and electrical goods), with the category it belongs to and its name."""

    prefix: str
    in_scope: bool
    category: str
    name: str


@dataclass(frozen=True, slots=True)
class ScopeData:
    """The scope table: the longest prefix of a code that has a row decides; a code with no row is
    out of scope. ``edition`` names the table (file and hash), as a catalogue edition is named."""

    edition: str
    rules: Sequence[ScopeRule]


def _label(entry: EntryData) -> str:
    label = f"{entry.seq} {entry.name}".strip()
    if entry.highly_toxic:
        label = f"{label} [剧毒]"
    return f"{label} — {entry.basis}" if entry.basis else label


def _name_variants(entry: EntryData) -> Iterable[tuple[str, str]]:
    """(text, how) pairs to look for: the name, its aliases, and each without bracketed qualifiers."""
    seen: set[str] = set()
    for text, how in [(entry.name, "name"), *((a, "alias") for a in entry.aliases)]:
        for variant, variant_how in ((text, how), (_QUALIFIER.sub("", text), "base_name")):
            variant = variant.strip()
            if variant and variant not in seen:
                seen.add(variant)
                yield variant, variant_how


_CJK_KIND, _TOKEN_KIND, _ENGLISH_KIND = 0, 1, 2


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() and ch.isascii()


class CompiledIndex:
    """Lookup structures for the catalogue editions in force, built once per set of editions.

    Exact keys go in dicts. Names go in one Aho-Corasick automaton (pyahocorasick), so a
    description is scanned once, in C, whatever the number of names; the guards then run on the
    few hits only. Reasons are immutable, so the reasons an exact key or a name gives are built
    here, once, and shared by every decision that has them; what an item carries is then looked
    up, not rebuilt, item by item.
    """

    def __init__(self, catalogues: Iterable[CatalogueData], scope: ScopeData | None = None):
        self.editions: dict[str, str] = {}
        #: the scope table's rules by prefix; with no table, every code is in scope
        self.scope = scope
        self._scope_rules = {rule.prefix: rule for rule in scope.rules} if scope else {}
        self._scope_lengths = sorted({len(p) for p in self._scope_rules}, reverse=True)
        self._scope_reasons: dict[str, Reason | None] = {}
        self.by_cas: dict[str, list[EntryRef]] = {}
        self.by_un: dict[str, list[EntryRef]] = {}
        self.by_hs: dict[str, list[EntryRef]] = {}
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
                    if _CJK.search(text):
                        key, certainty = text.lower(), NAME_CERTAINTY[how]
                    else:
                        key, certainty = " ".join(_WORD.findall(text.lower())), NAME_CERTAINTY["english"]
                        if len(key) < _MIN_ENGLISH:
                            continue
                    slot = names.setdefault(key, {})
                    slot[ref] = max(slot.get(ref, 0.0), certainty)
        self.hs_lengths = sorted({len(p) for p in self.by_hs}, reverse=True)
        #: the reasons each exact key gives, in the order of its entries
        self._cas_reasons = {cas: _reasons(refs, "cas", cas) for cas, refs in self.by_cas.items()}
        self._un_reasons = {un: _reasons(refs, "un_number", un) for un, refs in self.by_un.items()}
        self._used_reason = Reason(
            "prohibited_goods",
            self.editions.get("prohibited_goods", USED_GOODS_EDITION),
            USED_GOODS_ENTRY,
            None,
            "used_flag",
            "true",
            CERTAIN,
            TIER_PROHIBITED,
        )
        #: decisions of items that carry nothing but an HS code, by code, per strictness
        self.hs_decisions: dict[bool, dict[str, Decision]] = {False: {}, True: {}}
        self.automaton = ahocorasick.Automaton()
        for key, refs in names.items():
            if not _CJK.search(key):
                kind = _ENGLISH_KIND
            elif len(key) < _MIN_CJK_SUBSTRING:
                kind = _TOKEN_KIND  # one-character names: only a whole token counts
            else:
                kind = _CJK_KIND
            found = tuple(refs.items())
            reasons = tuple(
                (ref.entry_id, Reason(ref.catalogue, ref.edition, ref.label, ref.entry_id, "name", key, c, ref.tier))
                for ref, c in found
            )
            value = (key, len(key), kind, found, reasons)
            # Case variants are added instead of lowering every text scanned: a scan is then one pass
            # over the text as declared (mixed case such as "tOLuene" is not matched).
            for variant in {key, key.upper(), key.capitalize(), key.title()}:
                if len(variant) == len(key):
                    self.automaton.add_word(variant, value)
        self._has_names = len(self.automaton) > 0
        if self._has_names:
            self.automaton.make_automaton()

    def forget_decisions(self) -> None:
        """Empty the per-code decision caches, as a freshly compiled index has them."""
        for cache in self.hs_decisions.values():
            cache.clear()
        self._scope_reasons.clear()

    # --- exact keys -------------------------------------------------------------------------

    def _hs_reasons(self, code: str) -> list[Reason]:
        """The reasons an HS code gives: every catalogue prefix it starts with, longest first."""
        if not code.isdigit():
            code = _normalise_hs(code)
        reasons: list[Reason] = []
        by_hs = self.by_hs
        for n in self.hs_lengths:
            if n <= len(code):
                refs = by_hs.get(code[:n])
                if refs:
                    reasons.extend(_reasons(refs, "hs_code", code))
        return reasons

    def _code_decision(self, code: str, strict: bool) -> Decision:
        """The decision of an item that carries nothing but ``code``, made once per code."""
        cache = self.hs_decisions[strict]
        decision = cache.get(code)
        if decision is None:
            # Most codes start with no catalogue prefix: tell so before building anything.
            digits = code if code.isdigit() else _normalise_hs(code)
            by_hs, size = self.by_hs, len(digits)
            reasons: list[Reason] = []
            for n in self.hs_lengths:
                if n <= size and digits[:n] in by_hs:
                    reasons = self._hs_reasons(digits)
                    break
            out_of_scope = self._scope_reason(code) if code else None
            if out_of_scope is not None:
                reasons.append(out_of_scope)
            decision = _decision(reasons, strict) if reasons else (_STRICT_NOTHING if strict else _NOTHING)
            if len(cache) < _HS_CACHE_SIZE:
                cache[code] = decision
        return decision

    def _scope_reason(self, code: str) -> Reason | None:
        """The out-of-scope reason of an HS code, or None when the code is in scope (or no table)."""
        if self.scope is None:
            return None
        given = self._scope_reasons.get(code, _UNSEEN)
        if given is not _UNSEEN:
            return given  # type: ignore[return-value]
        digits = _normalise_hs(code)
        rule = None
        for n in self._scope_lengths:
            if n <= len(digits):
                rule = self._scope_rules.get(digits[:n])
                if rule is not None:
                    break
        if rule is not None and rule.in_scope:
            reason = None
        else:
            entry = f"{rule.prefix} {rule.name}" if rule is not None else UNLISTED_SCOPE_ENTRY
            reason = Reason(OUT_OF_SCOPE, self.scope.edition, entry, None, "hs_code", code, CERTAIN, TIER_KEY)
        if len(self._scope_reasons) < _HS_CACHE_SIZE:
            self._scope_reasons[code] = reason
        return reason

    # --- name matching ----------------------------------------------------------------------

    @staticmethod
    def _negated(text: str, start: int, begin: int = 0) -> bool:
        return text[max(begin, start - 4) : start].rstrip().lower().endswith(_NEGATIONS)

    def match_names(self, text: str) -> list[tuple[str, EntryRef, float]]:
        """Catalogue names found in ``text``: (name found, entry, certainty)."""
        return self.match_names_many([text]).get(0, [])

    def match_names_many(self, texts: Sequence[str]) -> dict[int, list[tuple[str, EntryRef, float]]]:
        """Names found in each of many texts, by text position (texts without names are left out)."""
        return {
            which: [(value[0], ref, certainty) for value in values for ref, certainty in value[3]]
            for which, values in self._scan(texts).items()
        }

    def _scan(self, texts: Sequence[str]) -> dict[int, list[tuple]]:
        """The automaton's entries of the names found in each text, by text position.

        The texts are joined with a separator that no name contains and scanned in one pass of the
        automaton; the few hits are then mapped back to their text and guarded.
        """
        found: dict[int, list[tuple]] = {}
        if not self._has_names or not texts:
            return found
        joined = "\x00".join(texts)
        hits = [(end - value[1] + 1, end + 1, value) for end, value in self.automaton.iter(joined)]
        if not hits:
            return found
        # where each text starts in the joined string: the lengths before it, plus one separator each
        starts = list(map(add, accumulate(map(len, texts), initial=0), range(len(texts) + 1)))
        hits.sort(key=lambda hit: (hit[0], -(hit[1] - hit[0])))
        covered_to = -1
        for start, end, value in hits:
            kind = value[2]
            which = bisect_right(starts, start) - 1
            begin = starts[which]
            stop = begin + len(texts[which])
            if kind == _TOKEN_KIND:
                before = joined[start - 1] if start > begin else " "
                after = joined[end] if end < stop else " "
                if not (_TOKEN_SPLIT.match(before) and _TOKEN_SPLIT.match(after)):
                    continue
            elif kind == _ENGLISH_KIND:
                if (start > begin and _is_word_char(joined[start - 1])) or (end < stop and _is_word_char(joined[end])):
                    continue
                words = joined[begin:start].lower().split()
                if words and words[-1] in ("no", "non", "without"):
                    continue
                if _FREE_AFTER.match(joined, end, stop):  # "toluene free", "toluene-free"
                    continue
            # Longest first at each start: a name inside a longer matched name gives way to it.
            if end <= covered_to or self._negated(joined, start, begin):
                continue
            covered_to = end
            slot = found.get(which)
            if slot is None:
                found[which] = [value]
            else:
                slot.append(value)
        return found


def _reasons(refs: Iterable[EntryRef], matched_on: str, value: str) -> tuple[Reason, ...]:
    return tuple(Reason(r.catalogue, r.edition, r.label, r.entry_id, matched_on, value, CERTAIN, r.tier) for r in refs)


def _normalise_hs(code: str) -> str:
    if code.isdigit():
        return code
    return "".join(ch for ch in code if ch.isdigit())


def _text(item: Item) -> str:
    # Description and materials are scanned as one text.
    return f"{item.description}\n{item.materials}" if item.materials else item.description


def classify(item: Item, index: CompiledIndex, *, strict: bool = False) -> Decision:
    """The tier of one item and every reason for it. Tier 3 when nothing matches."""
    text = _text(item)
    return _decide(item, index, strict, index._scan([text]).get(0) if text else None)


def classify_many(items: Sequence[Item], index: CompiledIndex, *, strict: bool = False) -> list[Decision]:
    """``classify`` over many items (a batch), scanning all their texts for names in one pass."""
    names = index._scan(
        [f"{item.description}\n{item.materials}" if item.materials else item.description for item in items]
    )
    # Most items carry only an HS code: their decision depends on the code alone, so it is
    # made once per code and shared (codes are a bounded set). The rest go through _decide.
    get = index.hs_decisions[strict].get
    code_decision = index._code_decision
    return [
        _decide(item, index, strict, names.get(position))
        if item.cas_numbers or item.un_number or item.used or position in names
        else get(item.hs_code) or code_decision(item.hs_code, strict)
        for position, item in enumerate(items)
    ]


def _decide(item: Item, index: CompiledIndex, strict: bool, found: list[tuple] | None) -> Decision:
    """Every reason, in order: CAS numbers, UN number, HS code, used flag, then names (an entry
    already matched on an exact key is not repeated as a suspicion)."""
    reasons: list[Reason] = []
    if item.cas_numbers:
        cas_reasons = index._cas_reasons
        for cas in item.cas_numbers:
            given = cas_reasons.get(cas)
            if given:
                reasons.extend(given)
    if item.un_number:
        given = index._un_reasons.get(item.un_number)
        if given:
            reasons.extend(given)
    if item.hs_code:
        reasons.extend(index._hs_reasons(item.hs_code))
        out_of_scope = index._scope_reason(item.hs_code)
        if out_of_scope is not None:
            reasons.append(out_of_scope)
    if item.used:
        reasons.append(index._used_reason)
    if found:
        seen = {r.entry_id for r in reasons}
        for value in found:
            for entry_id, reason in value[4]:
                if entry_id not in seen:
                    seen.add(entry_id)
                    reasons.append(reason)
    return _decision(reasons, strict)


def _decision(reasons: Sequence[Reason], strict: bool) -> Decision:
    if not reasons:
        return _STRICT_NOTHING if strict else _NOTHING
    tier = certain_tier = TIER_GENERAL
    for reason in reasons:
        if reason.tier < tier:
            tier = reason.tier
        if reason.certainty >= CERTAIN and reason.tier < certain_tier:
            certain_tier = reason.tier
    follow_up = FOLLOW_UP[TIER_KEY] if strict and tier > TIER_KEY else FOLLOW_UP[tier]
    return Decision(tier, tuple(reasons), follow_up, tier < certain_tier, strict)


_HS_CACHE_SIZE = 100_000
_UNSEEN = object()
_NOTHING = Decision(TIER_GENERAL, (), FOLLOW_UP[TIER_GENERAL], False, False)
#: under strict supervision general goods stay tier 3, but are verified on site with their batch
_STRICT_NOTHING = Decision(TIER_GENERAL, (), FOLLOW_UP[TIER_KEY], False, True)


def batch_tier(tiers: Iterable[int | None]) -> int | None:
    """A batch is as severe as its most severe item."""
    present = [t for t in tiers if t is not None]
    return min(present) if present else None

"""Classification benchmark: generated lines (bench.workload) against the catalogue editions in force.

The engine is timed as the import service calls it: ``classify_many`` over a batch of items.

The floor is the least work that gives the same answer, on the same catalogue data and the same
items: one dict lookup per key (each CAS number, the UN number, each HS prefix length the catalogues
use) and one pass of the same Aho-Corasick automaton over the same texts (description and materials
of each item, joined as the engine joins them), its hits collected in C. The engine's extra cost
over it is deciding: the guards on name hits, the reasons and the decisions.

Caches, per timed run: the compiled index (dicts and automaton) is built once per set of editions
in force and kept across requests, so it is warm, as a request finds it (building it is a one-off
after a catalogue load, not a per-request cost). The engine's per-code decision cache is emptied
before every timed run, as a freshly compiled index has it: each run starts as the first batch after
a catalogue load would.
"""

from __future__ import annotations

from collections.abc import Sequence

from bench import workload
from bench.timing import medians, seconds
from catalogues.classification import CompiledIndex, Item, classify_many


def items(n: int, seed: int = 2026) -> list[Item]:
    return [
        Item(
            description=line.description,
            hs_code=line.hs_code,
            cas_numbers=line.cas_numbers,
            un_number=line.un_number,
            used=line.used,
            materials=line.materials,
        )
        for line in workload.lines(n, seed)
    ]


def floor(items: Sequence[Item], index: CompiledIndex) -> int:
    """The dict lookups and the automaton pass any classifier of these items must at least do."""
    by_cas, by_un, by_hs, lengths = index.by_cas, index.by_un, index.by_hs, index.hs_lengths
    found = 0
    for item in items:
        for cas in item.cas_numbers:
            if cas in by_cas:
                found += 1
        if item.un_number in by_un:
            found += 1
        code = item.hs_code
        for n in lengths:
            if code[:n] in by_hs:
                found += 1
    texts = [f"{item.description}\n{item.materials}" if item.materials else item.description for item in items]
    return found + len(list(index.automaton.iter("\x00".join(texts))))


def run(scale: float) -> dict[str, float]:
    from catalogues.services.editions import compiled_index

    index, _editions = compiled_index()
    n = max(1000, int(100_000 * scale))
    batch = items(n)

    def once() -> tuple[float, float]:
        index.forget_decisions()  # cold, as a freshly compiled index
        return seconds(lambda: classify_many(batch, index)), seconds(lambda: floor(batch, index))

    engine_s, floor_s = medians(once)
    decisions = classify_many(batch, index)
    engine_rate, floor_rate = n / engine_s, n / floor_s
    return {
        "classify_items": n,
        "classify_items_per_s": round(engine_rate),
        "classify_floor_items_per_s": round(floor_rate),
        "classify_ratio": round(floor_rate / engine_rate, 2),
        "classify_tier1_share_pct": round(100 * sum(d.tier == 1 for d in decisions) / n, 2),
        "classify_suspected_share_pct": round(100 * sum(d.needs_confirmation for d in decisions) / n, 2),
    }

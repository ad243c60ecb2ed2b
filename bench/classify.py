"""Classification benchmark: generated items against the full shipped catalogues.

The floor is what a bare dict/set lookup per key (each CAS number, the UN number, each HS prefix
length) costs on the same items: the engine is measured against it.
"""

from __future__ import annotations

import random
import time

from catalogues.classification import CompiledIndex, Item, classify, classify_many

GOODS = [
    ("儿童益智积木玩具", "9503008900", "ABS 塑料"),
    ("婴儿纯棉连体衣", "6111200000", "100% 棉"),
    ("女士真丝围巾", "6214100000", "桑蚕丝"),
    ("家用电吹风 2000W", "8516310000", ""),
    ("不锈钢真空保温杯 500ml", "9617001900", "304 不锈钢"),
    ("移动电源 10000mAh", "8507600090", "锂离子电芯"),
    ("蓝牙无线耳机", "8518300000", ""),
    ("硅胶婴儿奶嘴", "3926909090", "食品级硅胶"),
    ("陶瓷餐具套装", "6911101900", "骨瓷"),
    ("男士运动跑鞋", "6404110000", "网布 橡胶底"),
    ("儿童书包", "4202129000", "涤纶"),
    ("LED 台灯", "9405210000", ""),
    ("手机充电器 20W", "8504401400", ""),
    ("羊毛混纺毛衣", "6110110000", "70% 羊毛"),
    ("木制拼图", "9503006000", "榉木"),
    ("Organic cotton baby blanket", "6301300000", "cotton"),
    ("Stainless steel kitchen knife set", "8211910000", "steel"),
]
SUSPECT = ["强力去污清洁剂（含甲醛溶液）", "Toluene based glue", "无甲醛环保儿童睡衣", "含氯消毒片", "氯化钠盐灯"]
CAS_POOL = ["50-00-0", "143-33-9", "7732-18-5", "64-17-5", "9002-88-4", "108-88-3", "25038-59-9"]
UN_POOL = ["3480", "3481", "1203", "1266", "3091"]


def generate(n: int, seed: int = 2026) -> list[Item]:
    rng = random.Random(seed)
    items = []
    for i in range(n):
        name, hs, materials = rng.choice(GOODS)
        roll = rng.random()
        description = f"{name} 款式{i % 97}"
        cas: tuple[str, ...] = ()
        un = ""
        used = False
        if roll < 0.03:
            description = rng.choice(SUSPECT)
        elif roll < 0.08:
            cas = tuple(rng.sample(CAS_POOL, rng.randint(1, 2)))
        elif roll < 0.10:
            un = rng.choice(UN_POOL)
        elif roll < 0.11:
            used = True
        items.append(
            Item(description=description, hs_code=hs, cas_numbers=cas, un_number=un, used=used, materials=materials)
        )
    return items


def _floor(items: list[Item], index: CompiledIndex) -> int:
    """One dict lookup per key of each item; what any classifier must at least do."""
    by_cas, by_un, by_hs, lengths = index.by_cas, index.by_un, index.by_hs, index.hs_lengths
    hits = 0
    for item in items:
        for cas in item.cas_numbers:
            if cas in by_cas:
                hits += 1
        if item.un_number in by_un:
            hits += 1
        code = item.hs_code
        for n in lengths:
            if code[:n] in by_hs:
                hits += 1
    return hits


def _best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run(index: CompiledIndex, n: int) -> dict[str, float]:
    items = generate(n)

    def engine():
        classify_many(items, index)

    engine_s = _best_of(3, engine)
    floor_s = _best_of(3, lambda: _floor(items, index))
    engine_rate, floor_rate = n / engine_s, n / floor_s
    tiers = [classify(item, index).tier for item in items[:20_000]]
    return {
        "classify_items": n,
        "classify_items_per_s": round(engine_rate),
        "classify_floor_items_per_s": round(floor_rate),
        "classify_ratio": round(floor_rate / engine_rate, 2),
        "classify_tier1_share_pct": round(100 * tiers.count(1) / len(tiers), 1),
    }

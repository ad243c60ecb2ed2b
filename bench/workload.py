"""What operators declare, generated: the data both the classification and the batch benchmarks run on.

HS codes are drawn from the whole China Customs table (data/hs8_2023_*.csv, the 8,957 8-digit codes
the API validates against), declared with 10 digits, with a Zipf skew: a few codes carry most lines,
as in real trade. Ranks are a seeded shuffle with the chapters cross-border e-commerce ships most
(food and milk powder, cosmetics, clothing, shoes, toys, small electrical goods, ...) ahead of the
rest, so the head of the distribution is consumer goods and the long tail is everything else
(chemicals included, whose names are catalogue names).

Descriptions are product names as listings and customs lines word them: a brand, the goods' short
name (cut from the commodity name, Chinese or, on about one line in five, English) and a size or
model. Besides what the commodity names bring themselves, about 2% of lines name a listed substance
("含甲醛溶液", "Toluene based glue") and about 3% state its absence ("无甲醛", "acetone-free"), which
the engine must recognise as a negation. About one line in four (classification benchmark only:
the API's lines carry no materials) gives its materials. Shares of lines: 2% carry CAS numbers (half
of them listed), 1% a UN number, 0.2% are used goods.
"""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

#: chapters and headings cross-border e-commerce ships most: they take the head of the Zipf ranking
CONSUMER_PREFIXES = tuple(
    "0402 0404 1901 2106 2202 3004 3303 3304 3305 3306 3307 3401 3924 3926 4202 6101 6102 6103 6104 6105 6106 "
    "6107 6108 6109 6110 6111 6112 6115 6116 6117 6201 6202 6203 6204 6205 6206 6209 6211 6214 6301 6302 6304 "
    "6401 6402 6403 6404 6505 6601 6911 6912 7013 7113 7117 7323 8211 8214 8215 8414 8415 8418 8450 8467 8471 "
    "8504 8507 8508 8509 8510 8513 8516 8517 8518 8519 8521 8525 8528 8539 8712 8715 9004 9006 9018 9019 9025 "
    "9102 9403 9404 9405 9503 9504 9506 9603 9608 9613 9615 9619".split()
)
ZIPF_EXPONENT = 1.0
#: share of lines of each kind
CAS_SHARE, UN_SHARE, USED_SHARE = 0.02, 0.01, 0.002
SUSPECT_SHARE, NEGATED_SHARE, ENGLISH_SHARE, MATERIALS_SHARE = 0.02, 0.03, 0.2, 0.25

BRANDS = (
    "小熊 美的 Philips 贝亲 Anker 乐高 无印良品 Nike 花王 雅诗兰黛 Braun "
    "飞利浦 宜家 Zara 松下 百利达 爱他美 Dyson LEGO Pigeon 好孩子 安踏"
).split()
SIZES = (
    "500ml 900g 1kg XL M码 2000W 10000mAh 3件装 6-12月 36码 50片 20W Type-C 蓝色 均码 120x200cm 套装 礼盒装 12支 2024款"
).split()
MATERIALS = (
    "100% 棉|ABS 塑料|304 不锈钢|涤纶|食品级硅胶|锂离子电芯|PP|聚酯纤维|桑蚕丝|榉木|70% 羊毛 30% 锦纶|cotton|polyester|"
    "stainless steel|PU 皮革|玻璃"
).split("|")
#: phrases naming a listed substance: the engine must flag them (a suspected match)
SUSPECT = (
    "含甲醛溶液|甲苯稀释剂|丙酮洗甲水|高锰酸钾消毒片|双氧水 500ml|异丙醇清洁湿巾|Acetone nail polish remover|"
    "Toluene based glue|液化石油气 卡式炉气罐|氢氧化钠管道疏通剂|含三氯甲烷|乙酸乙酯 指甲油|"
    "GLUE, TOLUENE BASED|麻黄浸膏粉|硫酸 电池补充液"
).split("|")
#: phrases stating a listed substance's absence: the engine must not flag them
NEGATED = (
    "无甲醛|不含苯|零甲醛|不添加甲醇|免丙酮|无氯|toluene-free|acetone free|非甲苯配方|不含甲醛溶液|无苯 无甲醛"
).split("|")
CAS_LISTED = ["50-00-0", "67-64-1", "108-88-3", "67-56-1", "7722-84-1", "64-17-5", "7647-01-0", "143-33-9"]
CAS_UNLISTED = ["7732-18-5", "56-81-5", "9002-88-4", "77-92-9", "7647-14-5", "25038-59-9", "9003-07-0"]
UN_NUMBERS = ["3480", "3481", "3090", "3091", "1266", "1950", "1993", "2037", "1170", "3077"]
_CUT = re.compile(r"[，,；;（(：:]")


@dataclass(frozen=True, slots=True)
class Line:
    """One declared line, before it becomes an engine Item or an API line."""

    description: str
    hs_code: str
    cas_numbers: tuple[str, ...] = ()
    un_number: str = ""
    used: bool = False
    materials: str = ""
    unit: str = ""


def _read(path: Path) -> dict[str, tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        rows = csv.reader(f)
        next(rows)
        return {row[0]: (row[1], row[4]) for row in rows if row and len(row[0]) == 8}


def _short(name: str) -> str:
    """A product's short name from a commodity name: up to the first qualifier, without 其他/Other."""
    name = _CUT.split(name, maxsplit=1)[0].strip()
    for prefix in ("其他", "Other ", "other "):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = name[len(prefix) :]
    return name[:24].strip()


@cache
def hs_table() -> tuple[tuple[str, str, str, str], ...]:
    """(code, Chinese short name, English short name, unit) of every code, in Zipf rank order."""
    zh = _read(DATA / "hs8_2023_zh.csv")
    en = _read(DATA / "hs8_2023_en.csv")
    rng = random.Random(8957)
    codes = sorted(zh)
    rng.shuffle(codes)
    codes.sort(key=lambda code: not code.startswith(CONSUMER_PREFIXES))  # stable: shuffled within each group
    return tuple((c, _short(zh[c][0]), _short(en.get(c, zh[c])[0]), zh[c][1]) for c in codes)


@cache
def _cumulative_weights(n: int) -> list[float]:
    return list(accumulate(1 / rank**ZIPF_EXPONENT for rank in range(1, n + 1)))


def lines(n: int, seed: int = 2026, *, materials: bool = True) -> list[Line]:
    """``n`` declared lines, the same for the same seed."""
    rng = random.Random(seed)
    table = hs_table()
    drawn = rng.choices(table, cum_weights=_cumulative_weights(len(table)), k=n)
    out = []
    for code, zh_name, en_name, unit in drawn:
        english = rng.random() < ENGLISH_SHARE
        parts = [rng.choice(BRANDS), en_name if english else zh_name, rng.choice(SIZES)]
        roll = rng.random()
        if roll < SUSPECT_SHARE:
            parts.insert(2, rng.choice(SUSPECT))
        elif roll < SUSPECT_SHARE + NEGATED_SHARE:
            parts.insert(2, rng.choice(NEGATED))
        roll = rng.random()
        cas: tuple[str, ...] = ()
        un = ""
        if roll < CAS_SHARE:
            pool = CAS_LISTED if rng.random() < 0.5 else CAS_UNLISTED
            cas = tuple(rng.sample(pool, rng.randint(1, 2)))
        elif roll < CAS_SHARE + UN_SHARE:
            un = rng.choice(UN_NUMBERS)
        suffix = "00" if rng.random() < 0.8 else rng.choice(("10", "90", "20", "99"))
        out.append(
            Line(
                description=" ".join(parts),
                hs_code=code + suffix,
                cas_numbers=cas,
                un_number=un,
                used=rng.random() < USED_SHARE,
                materials=rng.choice(MATERIALS) if materials and rng.random() < MATERIALS_SHARE else "",
                unit=unit,
            )
        )
    return out

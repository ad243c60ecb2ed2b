"""The benchmarks' own machinery: the generated workload is what it says, the floor counts what the
engine needs, runs are timed as medians after a warm-up."""

from __future__ import annotations

from collections import Counter

import pytest

from bench import classify as classify_bench
from bench import timing, workload
from catalogues.classification import CatalogueData, CompiledIndex, EntryData, Item, classify_many


@pytest.fixture(scope="module")
def lines():
    return workload.lines(20_000, seed=7)


def test_codes_come_from_the_whole_customs_table_declared_with_ten_digits(lines):
    table = {code for code, *_ in workload.hs_table()}
    assert len(table) == 8957
    assert all(len(line.hs_code) == 10 and line.hs_code[:8] in table for line in lines)
    assert len({line.hs_code[:8] for line in lines}) > 3000  # a long tail, not a handful of codes


def test_codes_are_skewed_with_consumer_goods_at_the_head(lines):
    counts = Counter(line.hs_code[:8] for line in lines).most_common()
    top = sum(n for _code, n in counts[:100])
    assert 0.3 < top / len(lines) < 0.8
    assert all(code.startswith(workload.CONSUMER_PREFIXES) for code, _n in counts[:20])


def test_the_shares_of_substances_and_used_goods_are_as_documented(lines):
    n = len(lines)
    assert abs(sum(bool(line.cas_numbers) for line in lines) / n - workload.CAS_SHARE) < 0.005
    assert abs(sum(bool(line.un_number) for line in lines) / n - workload.UN_SHARE) < 0.004
    assert sum(line.used for line in lines) < 0.005 * n
    suspect = sum(any(p in line.description for p in workload.SUSPECT) for line in lines) / n
    negated = sum(any(p in line.description for p in workload.NEGATED) for line in lines) / n
    assert abs(suspect - workload.SUSPECT_SHARE) < 0.005 and abs(negated - workload.NEGATED_SHARE) < 0.006


def test_the_same_seed_gives_the_same_lines_and_another_seed_others():
    assert workload.lines(200, seed=1) == workload.lines(200, seed=1)
    assert workload.lines(200, seed=1) != workload.lines(200, seed=2)
    assert not any(line.materials for line in workload.lines(200, seed=1, materials=False))


def test_the_floor_does_the_lookups_and_the_scan_the_answer_needs():
    index = CompiledIndex(
        [
            CatalogueData("hazardous_chemicals", "2015", 1, [EntryData(1, "23", "甲醛溶液", (), "50-00-0")]),
            CatalogueData(
                "compulsory_certification", "s", 2, [EntryData(2, "9503", "玩具", hs_prefix="9503", match_names=False)]
            ),
        ]
    )
    items = [
        Item(description="积木", hs_code="9503008900"),
        Item(description="清洁剂", hs_code="3402900000", materials="含甲醛溶液", cas_numbers=("50-00-0",)),
        Item(description="无甲醛溶液 T恤", hs_code="6109100021"),
    ]
    # one HS prefix, one CAS number, two automaton hits (the negated one is the engine's to reject)
    assert classify_bench.floor(items, index) == 4
    assert [d.tier for d in classify_many(items, index)] == [2, 1, 3]


def test_medians_come_after_the_warm_up_and_pair_each_figure_with_its_baseline():
    samples = iter([(100.0, 100.0), (3.0, 1.0), (1.0, 2.0), (2.0, 3.0), (9.0, 9.0), (4.0, 0.5)])
    assert timing.medians(lambda: next(samples), runs=5, warmups=1) == [3.0, 2.0]
    assert timing.RUNS >= 5


@pytest.mark.django_db
def test_the_evidence_pack_benchmark_verifies_a_real_pack_beside_both_floors():
    from bench import evidence_pack

    figures = evidence_pack.run(0.002)  # 20 files, about 200 KB: a pack exported, then verified
    assert figures["evidence_pack_files"] == 20
    for name in (
        "evidence_pack_verify_s",
        "evidence_pack_sha256sum_s",
        "evidence_pack_verify_ratio",
        "evidence_pack_hash_floor_s",
        "evidence_pack_hash_floor_ratio",
    ):
        assert figures[name] > 0, name

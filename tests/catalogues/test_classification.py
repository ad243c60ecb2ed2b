"""The classification engine, pure: every catalogue kind drives its tier, name matching is guarded."""

from __future__ import annotations

import pytest

from catalogues.classification import CatalogueData, CompiledIndex, EntryData, Item, batch_tier, classify


def _index(*catalogues: CatalogueData) -> CompiledIndex:
    return CompiledIndex(catalogues)


HAZARDOUS = CatalogueData(
    "hazardous_chemicals",
    "2015",
    1,
    [
        EntryData(1, "2", "氯", ("液氯", "氯气"), "7782-50-5", highly_toxic=True),
        EntryData(2, "12", "氰化钠", ("山奈",), "143-33-9", highly_toxic=True),
        EntryData(3, "23", "甲醛溶液", ("福尔马林溶液",), "50-00-0"),
        EntryData(4, "5", "乙醇[无水]", ("无水酒精",), "64-17-5"),
        EntryData(5, "33", "钠", ("金属钠",), "7440-23-5"),
    ],
)
PRECURSORS = CatalogueData(
    "precursor_chemicals",
    "2021",
    1,
    [
        EntryData(11, "36", "甲苯", ("Toluene",), "108-88-3"),
        EntryData(12, "12", "麻黄素(麻黄碱)", ("Ephedrine",), "299-42-3"),
    ],
)
RESTRICTED = CatalogueData("restricted_toxic", "2020", 1, [EntryData(21, "1", "多氯联苯", (), "1336-36-3")])
DANGEROUS = CatalogueData(
    "dangerous_goods",
    "GB 12268-2012",
    1,
    [
        EntryData(31, "1203", "MOTOR SPIRIT or GASOLINE or PETROL", un_number="1203", match_names=False),
        EntryData(32, "3480", "LITHIUM ION BATTERIES", un_number="3480", match_names=False),
    ],
)
PROHIBITED = CatalogueData(
    "prohibited_goods",
    "2019",
    1,
    [
        EntryData(41, "2844", "放射性元素及其化合物", hs_prefix="2844"),
        EntryData(42, "", "核材料", ()),
    ],
)
LEGAL = CatalogueData(
    "legal_inspection", "2024", 2, [EntryData(51, "6111", "婴儿服装", hs_prefix="6111", match_names=False)]
)
CCC = CatalogueData(
    "compulsory_certification",
    "starter",
    2,
    [
        EntryData(61, "9503", "玩具", hs_prefix="9503", match_names=False),
        EntryData(62, "850440", "静止式变流器", hs_prefix="850440", match_names=False),
    ],
)
INDEX = _index(HAZARDOUS, PRECURSORS, RESTRICTED, DANGEROUS, PROHIBITED, LEGAL, CCC)


@pytest.mark.parametrize(
    ("item", "catalogue", "matched_on", "tier"),
    [
        (Item(cas_numbers=("143-33-9",)), "hazardous_chemicals", "cas", 1),
        (Item(cas_numbers=("299-42-3",)), "precursor_chemicals", "cas", 1),
        (Item(cas_numbers=("1336-36-3",)), "restricted_toxic", "cas", 1),
        (Item(un_number="1203"), "dangerous_goods", "un_number", 1),
        (Item(hs_code="2844409000"), "prohibited_goods", "hs_code", 1),
        (Item(used=True), "prohibited_goods", "used_flag", 1),
        (Item(hs_code="6111200000"), "legal_inspection", "hs_code", 2),
        (Item(hs_code="9503008900"), "compulsory_certification", "hs_code", 2),
        (Item(hs_code="8504401400"), "compulsory_certification", "hs_code", 2),
    ],
)
def test_each_catalogue_kind_drives_its_tier(item, catalogue, matched_on, tier):
    decision = classify(item, INDEX)
    assert decision.tier == tier
    reason = decision.reasons[0]
    assert (reason.catalogue, reason.matched_on, reason.certainty) == (catalogue, matched_on, 1.0)
    assert reason.edition == INDEX.editions.get(catalogue, reason.edition)
    assert not decision.needs_confirmation


def test_nothing_matched_is_general_supervision_with_sampling_after_sale():
    decision = classify(Item(description="纯棉成人T恤", hs_code="6109100021"), INDEX)
    assert (decision.tier, tuple(decision.reasons), decision.follow_up) == (3, (), "post_market_sampling")


def test_follow_up_follows_the_tier():
    assert classify(Item(cas_numbers=("143-33-9",)), INDEX).follow_up == "refuse_entry"
    assert classify(Item(hs_code="9503008900"), INDEX).follow_up == "onsite_verification"


def test_the_most_severe_reason_decides_and_every_reason_is_kept():
    decision = classify(Item(hs_code="9503008900", cas_numbers=("50-00-0",)), INDEX)
    assert decision.tier == 1
    assert {r.catalogue for r in decision.reasons} == {"compulsory_certification", "hazardous_chemicals"}


def test_highly_toxic_entries_are_labelled():
    reason = classify(Item(cas_numbers=("143-33-9",)), INDEX).reasons[0]
    assert reason.entry == "12 氰化钠 [剧毒]" and reason.entry_id == 2


def test_an_hs_prefix_matches_every_code_that_starts_with_it_and_no_other():
    assert classify(Item(hs_code="8504401400"), INDEX).tier == 2
    assert classify(Item(hs_code="8504309000"), INDEX).tier == 3  # 850430 is not 850440
    assert classify(Item(hs_code="9503.0089.00"), INDEX).tier == 2  # separators ignored


class TestNameMatching:
    def test_a_chinese_name_in_the_description_is_suspected(self):
        decision = classify(Item(description="强力去污清洁剂（含甲醛溶液）"), INDEX)
        assert decision.tier == 1 and decision.needs_confirmation
        reason = decision.reasons[0]
        assert (reason.matched_on, reason.value, reason.certainty) == ("name", "甲醛溶液", 0.8)
        assert reason.certainty < 1

    def test_aliases_and_base_names_count_with_less_certainty(self):
        alias = classify(Item(description="福尔马林溶液 500ml"), INDEX).reasons[0]
        base = classify(Item(description="麻黄素提取物"), INDEX).reasons[0]
        assert alias.certainty == 0.7 and base.value == "麻黄素" and base.certainty == 0.6

    def test_english_names_match_whole_words(self):
        assert classify(Item(description="Toluene based glue"), INDEX).tier == 1
        assert classify(Item(description="GLUE, TOLUENE BASED"), INDEX).tier == 1
        assert classify(Item(description="glue (toluene free)"), INDEX).tier == 3
        assert classify(Item(description="Toluenes"), INDEX).tier == 3

    @pytest.mark.parametrize(
        "description",
        [
            "氯化钠盐灯",  # sodium chloride lamp: 氯 and 钠 are one-character names
            "纳米钠离子电池",  # 钠 inside a longer word
            "无甲醛环保儿童睡衣",  # formaldehyde-FREE
            "不含甲醛溶液的洗衣液",
            "含氯消毒片说明书",  # 氯 inside a word
        ],
    )
    def test_silly_matches_are_avoided(self, description):
        decision = classify(Item(description=description), INDEX)
        assert decision.tier == 3, decision.reasons

    def test_a_one_character_name_matches_as_a_whole_token(self):
        assert classify(Item(description="钠"), INDEX).tier == 1
        assert classify(Item(description="金属 钠 50g"), INDEX).tier == 1

    def test_the_longest_name_wins_where_names_overlap(self):
        reasons = classify(Item(description="乙醇[无水] 分析纯"), INDEX).reasons
        assert [r.value for r in reasons] == ["乙醇[无水]"]

    def test_a_certain_match_is_not_repeated_as_a_suspicion(self):
        decision = classify(Item(description="氰化钠", cas_numbers=("143-33-9",)), INDEX)
        assert [r.matched_on for r in decision.reasons] == ["cas"]
        assert not decision.needs_confirmation

    def test_names_are_searched_in_materials_too(self):
        assert classify(Item(description="儿童玩具", materials="含多氯联苯涂层"), INDEX).tier == 1

    def test_names_of_hs_only_catalogues_are_not_searched(self):
        assert classify(Item(description="毛绒玩具"), INDEX).tier == 3

    def test_a_term_of_the_prohibited_goods_list_is_suspected(self):
        decision = classify(Item(description="含核材料的纪念品"), INDEX)
        assert decision.tier == 1 and decision.reasons[0].catalogue == "prohibited_goods"


class TestStrictSupervision:
    def test_every_item_keeps_its_catalogue_tier_and_is_verified_on_site(self):
        decision = classify(Item(description="纯棉T恤", hs_code="6109100021"), INDEX, strict=True)
        assert decision.tier == 3 and decision.strict_supervision and decision.follow_up == "onsite_verification"
        assert not decision.needs_confirmation
        assert classify(Item(description="纯棉T恤", hs_code="6109100021"), INDEX).follow_up == "post_market_sampling"

    def test_prohibited_stays_prohibited(self):
        assert classify(Item(un_number="1203"), INDEX, strict=True).tier == 1


def test_a_suspected_match_does_not_need_confirmation_when_a_certain_one_gives_the_same_tier():
    decision = classify(Item(description="甲苯", cas_numbers=("143-33-9",)), INDEX)
    assert decision.tier == 1 and not decision.needs_confirmation


def test_the_used_flag_has_an_edition_even_without_a_prohibited_goods_catalogue():
    index = _index(HAZARDOUS)
    reason = classify(Item(used=True), index).reasons[0]
    assert reason.edition and reason.entry_id is None


def test_decisions_serialise_with_the_contract_fields():
    data = classify(Item(cas_numbers=("143-33-9",)), INDEX).as_dict()
    assert set(data["reasons"][0]) >= {"catalogue", "edition", "entry", "matched_on", "value", "certainty"}
    assert data["tier"] == 1


@pytest.mark.parametrize(("tiers", "expected"), [([3, 2, 3], 2), ([3, 1, 2], 1), ([3], 3), ([None, None], None)])
def test_a_batch_is_as_severe_as_its_most_severe_item(tiers, expected):
    assert batch_tier(tiers) == expected


def test_an_empty_index_classifies_everything_as_general_supervision():
    assert classify(Item(description="甲醛溶液", cas_numbers=("50-00-0",)), _index()).tier == 3


def test_classifying_many_at_once_decides_exactly_as_one_by_one():
    from catalogues.classification import classify_many

    items = [
        Item(description="氯化钠盐灯", hs_code="9405219000"),
        Item(description="含甲醛溶液的清洁剂"),
        Item(description="钠", hs_code="2805110000"),
        Item(hs_code="9503008900"),
        Item(hs_code="9503008900"),  # the same code twice: the shared decision is still right
        Item(hs_code="6109100021", cas_numbers=("143-33-9",)),
        Item(description="Toluene based glue", materials="无甲醛"),
        Item(un_number="3480"),
        Item(used=True, hs_code="8517130000"),
        Item(description="甲醛溶液\x00钠"),  # the separator cannot join two texts into a name
        Item(),
    ]
    for strict in (False, True):
        assert classify_many(items, INDEX, strict=strict) == [classify(i, INDEX, strict=strict) for i in items]


class TestReasonsAndSharing:
    """The engine builds the reasons of exact keys and names once per index and shares them; the
    decisions must stay exactly what building them item by item gives."""

    def test_reasons_come_in_order_cas_un_hs_used_then_names(self):
        item = Item(
            description="含多氯联苯的甲醛溶液",
            hs_code="9503008900",
            cas_numbers=("143-33-9", "50-00-0"),
            un_number="1203",
            used=True,
        )
        reasons = classify(item, INDEX).reasons
        assert [(r.matched_on, r.value) for r in reasons] == [
            ("cas", "143-33-9"),
            ("cas", "50-00-0"),
            ("un_number", "1203"),
            ("hs_code", "9503008900"),
            ("used_flag", "true"),
            ("name", "多氯联苯"),  # 甲醛溶液 is already matched on its CAS number
        ]

    def test_a_key_listed_in_two_catalogues_gives_a_reason_for_each(self):
        index = _index(
            HAZARDOUS,
            PRECURSORS,
            CatalogueData("restricted_toxic", "2020", 1, [EntryData(71, "9", "甲苯类", (), "108-88-3")]),
        )
        reasons = classify(Item(cas_numbers=("108-88-3",)), index).reasons
        assert [(r.catalogue, r.entry_id) for r in reasons] == [("precursor_chemicals", 11), ("restricted_toxic", 71)]

    def test_every_prefix_a_code_starts_with_counts_longest_first_and_a_short_code_matches_once(self):
        index = _index(
            CatalogueData(
                "legal_inspection",
                "2024",
                2,
                [
                    EntryData(81, "61", "针织服装", hs_prefix="61", match_names=False),
                    EntryData(82, "6111", "婴儿服装", hs_prefix="6111", match_names=False),
                ],
            )
        )
        assert [r.entry_id for r in classify(Item(hs_code="6111200000"), index).reasons] == [82, 81]
        assert [r.entry_id for r in classify(Item(hs_code="61"), index).reasons] == [81]

    def test_a_code_with_separators_is_recorded_normalised_in_a_batch_too(self):
        from catalogues.classification import classify_many

        decisions = classify_many([Item(hs_code="9503.0089.00"), Item(hs_code="9503.0089.00")], INDEX)
        assert [r.value for d in decisions for r in d.reasons] == ["9503008900", "9503008900"]

    def test_the_decision_cache_keeps_strictness_apart_and_can_be_emptied(self):
        from catalogues.classification import classify_many

        index = _index(CCC)
        items = [Item(hs_code="6109100021"), Item(hs_code="9503008900")]
        assert [d.tier for d in classify_many(items, index)] == [3, 2]
        assert [d.tier for d in classify_many(items, index, strict=True)] == [3, 2]
        assert [d.follow_up for d in classify_many(items, index, strict=True)] == ["onsite_verification"] * 2
        assert [d.follow_up for d in classify_many(items, index)] == ["post_market_sampling", "onsite_verification"]
        assert [d.tier for d in classify_many(items, index)] == [3, 2]
        assert index.hs_decisions[False] and index.hs_decisions[True]
        index.forget_decisions()
        assert not index.hs_decisions[False] and not index.hs_decisions[True]
        assert classify_many(items, index) == [classify(item, index) for item in items]

    def test_names_found_are_reported_with_their_entry_and_certainty(self):
        found = INDEX.match_names("福尔马林溶液 和 Toluene")
        assert [(name, ref.entry_id, certainty) for name, ref, certainty in found] == [
            ("福尔马林溶液", 3, 0.7),
            ("toluene", 11, 0.6),
        ]
        assert INDEX.match_names_many(["纯棉T恤", "甲苯"]) == {1: [("甲苯", INDEX.match_names("甲苯")[0][1], 0.8)]}

    def test_a_batch_of_many_texts_maps_every_name_to_its_own_item(self):
        from catalogues.classification import classify_many

        texts = ["无甲醛", "甲醛溶液", "", "钠", "金属钠", "Toluene", "no toluene", "钠盐"] * 50
        items = [Item(description=text, materials="含多氯联苯" if i % 7 == 0 else "") for i, text in enumerate(texts)]
        assert classify_many(items, INDEX) == [classify(item, INDEX) for item in items]

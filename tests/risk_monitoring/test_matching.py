"""Matching a notice to filed products: GTIN (certain), then brand + model, then name (proposed)."""

from risk_monitoring.feeds import OverseasRecord
from risk_monitoring.matching import Candidate, Match, code_key, match, match_record, names_match


def test_a_gtin_match_is_certain_and_a_upc_a_matches_its_ean13():
    candidates = [Candidate(1, gtin="0036000291452"), Candidate(2, gtin="4006381333931")]
    assert match(candidates, gtins=["036000291452"]) == [Match(1, "gtin", True)]


def test_an_invalid_gtin_matches_nothing_even_when_equal():
    assert match([Candidate(1, gtin="4006381333932")], gtins=["4006381333932"]) == []


def test_brand_and_model_match_through_width_case_spaces_hyphens_underscores_and_dots():
    candidates = [
        Candidate(1, brand="ＨＡＰＰＹ kids", model="ｈｋ２０２４．０１"),
        Candidate(2, brand="Happy Kids", model="HK2025"),
    ]
    assert match(candidates, brand="Happy-Kids", model="HK-2024_01") == [Match(1, "brand_model", False)]


def test_brand_alone_or_model_alone_is_no_match():
    candidates = [Candidate(1, brand="Happy Kids", model="HK-1"), Candidate(2, brand="Other", model="HK-2")]
    assert match(candidates, brand="Happy Kids", model="HK-2") == []
    assert match(candidates, brand="Happy Kids") == []
    assert match(candidates, model="HK-1") == []


def test_a_record_naming_several_models_matches_each():
    candidates = [Candidate(1, brand="Acme", model="AB-1"), Candidate(2, brand="Acme", model="AB 2")]
    assert [m.candidate_id for m in match(candidates, brand="acme", model="AB-1; AB-2")] == [1, 2]


def test_a_name_matches_by_whole_words_either_way_in_english_or_chinese():
    candidates = [
        Candidate(1, name="毛绒玩具熊", name_en="Soft plush bear for babies"),
        Candidate(2, name="电水壶", name_en="Kettle"),
        Candidate(3, name="儿童雨衣", name_en="Raincoat"),
    ]
    assert match(candidates, names=["Plush Bear"]) == [Match(1, "name", False)]
    assert match(candidates, names=["不锈钢电水壶"]) == [Match(2, "name", False)]
    assert match(candidates, names=["ＳＯＦＴ plush bear for babies, brown"]) == [Match(1, "name", False)]


def test_a_name_too_short_or_inside_another_word_does_not_match():
    assert not names_match("Toy", "Toy car")  # too short to mean anything
    assert not names_match("玩具", "毛绒玩具")  # two characters
    assert not names_match("scarves", "Wool scarveset")  # not a whole word
    assert not names_match("", "Kettle")
    assert names_match("Kettle", "Electric kettle 1.7 l")


def test_matches_come_best_first_one_per_product():
    candidates = [
        Candidate(1, name="Travel adapter"),
        Candidate(2, brand="Volt", model="TA-1", name="Travel adapter"),
        Candidate(3, gtin="4006381333931", brand="Volt", model="TA-1", name="Travel adapter"),
    ]
    found = match(candidates, gtins=["4006381333931"], brand="Volt", model="TA 1", names=["Travel adapter"])
    assert found == [Match(3, "gtin", True), Match(2, "brand_model", False), Match(1, "name", False)]


def test_an_overseas_record_is_matched_on_its_gtins_brand_model_and_product_name():
    record = OverseasRecord(
        source="safety_gate",
        reference="A12/1/24",
        gtins=["00036000291452"],
        brand="Dreamy",
        model="DS 77",
        product_name="Baby sleeping bag",
    )
    candidates = [
        Candidate(1, name_en="Baby sleeping bag"),
        Candidate(2, brand="dreamy", model="ds-77"),
        Candidate(3, gtin="036000291452"),
    ]
    assert [(m.candidate_id, m.how) for m in match_record(record, candidates)] == [
        (3, "gtin"),
        (2, "brand_model"),
        (1, "name"),
    ]


def test_code_key_folds_width_case_and_separators():
    assert code_key("ＡＢ－１２ c_d.e") == "ab12cde"

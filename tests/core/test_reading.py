"""The UI reads right in each language: country names, pinyin order, actors and people by name."""

from __future__ import annotations

import csv

import pytest
from django.utils import translation
from django_countries import countries

from cbec_supervision.collation import sort_names
from cbec_supervision.countries import REFERENCE, country_choices

pytestmark = pytest.mark.django_db


def _reference_zh() -> set[str]:
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return {row["name_zh"] for row in csv.DictReader(f)}


def test_every_country_has_one_chinese_name_of_the_reference_list_and_none_twice():
    reference = _reference_zh()
    with translation.override("zh-hans"):
        names = [str(name) for _code, name in countries]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)
    assert not [n for n in names if n not in reference]
    assert len(names) == len(list(countries))


def test_chinese_country_names_are_the_standard_ones():
    with translation.override("zh-hans"):
        assert countries.name("NP") == "尼泊尔"
        assert countries.name("TJ") == "塔吉克斯坦"
        assert countries.name("AS") == "美属萨摩亚"
        assert countries.name("WS") == "萨摩亚"


def test_english_country_names_stay_english():
    with translation.override("en"):
        assert countries.name("NP") == "Nepal"
        assert all(name.isascii() or code in {"AX", "BL", "CI", "CW", "RE", "TR"} for code, name in country_choices())


def test_chinese_country_choices_are_in_pinyin_order():
    with translation.override("zh-hans"):
        names = [name for _code, name in country_choices()]
    # 阿 (a) < 巴 (ba) < 德 (de) < 美 (mei) < 中 (zhong): pinyin, not code or code-point order.
    assert names.index("阿富汗") < names.index("巴西") < names.index("德国") < names.index("美国") < names.index("中国")
    assert names[0].startswith("阿")


def test_english_country_choices_are_alphabetical():
    with translation.override("en"):
        names = [name for _code, name in country_choices()]
    assert names == sorted(names, key=str.casefold)


def test_python_lists_sort_by_pinyin_in_chinese_and_by_name_in_english():
    words = ["浙江", "北京", "广东", "安徽"]
    assert sort_names(words, key=str, language="zh-hans") == ["安徽", "北京", "广东", "浙江"]
    assert sort_names(["b", "A", "c"], key=str, language="en") == ["A", "b", "c"]


def test_system_actors_read_as_words_not_codes():
    from cbec_supervision.actors import actor_display

    with translation.override("en"):
        assert actor_display("command:seed_demo") == "System (demo data)"
        assert actor_display("signup:newent") == "Self-registration"
        assert actor_display("task:imports.batches_recheck") == "System task"
        assert actor_display("zj_inspector") == "zj_inspector"


def test_a_history_names_the_person_behind_a_user_id(world, client):
    from cbec_supervision.templatetags.cbec import _name_people

    change = {"before": "—", "after": f"#{world.zj_inspector.pk}"}
    _name_people([(change, "after", world.zj_inspector.pk)])
    expected = world.zj_inspector.get_full_name() or world.zj_inspector.get_username()
    assert change["after"] == expected


def test_a_tier_badge_shows_its_label_in_its_colour_not_a_digit():
    from django.template.loader import render_to_string

    html = render_to_string("includes/tier_badge.html", {"tier": 1, "label": "Prohibited", "colour": "danger"})
    assert "text-bg-danger" in html and ">Prohibited</span>" in html

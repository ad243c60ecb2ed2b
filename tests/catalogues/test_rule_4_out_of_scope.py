"""Rule 4 (issue 8): out of scope is not "general supervision".

「消费品为轻工、纺织及电子电器类产品」: goods whose HS code lies outside the light-industry, textile and
electrical chapters (food, medicines, cosmetics, vehicles…) are not released as tier 3: they carry a
reason whose catalogue is ``out_of_scope``, with the row of the scope table behind it, in tier 2, so
that an inspector sees them. The table is shipped in ``data/scope/`` with its source, and is
configurable (``CBEC_SCOPE_TABLE``).
"""

from __future__ import annotations

import csv

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from catalogues.classification import (
    OUT_OF_SCOPE,
    UNLISTED_SCOPE_ENTRY,
    CompiledIndex,
    Item,
    ScopeData,
    ScopeRule,
    classify,
    classify_many,
)
from catalogues.models import HSCode
from catalogues.presentation import reason_rows
from catalogues.scope import parse_scope_table, scope_table
from catalogues.services.classify import classify_lines
from catalogues.services.editions import invalidate_indexes
from tests.conftest import api_as
from tests.imports.batch_api import BABY_GARMENTS

pytestmark = pytest.mark.django_db

TABLE = settings.BASE_DIR / "data" / "scope" / "consumer_goods_scope.csv"
SCOPE = ScopeData(
    "test 1",
    (
        ScopeRule("33", False, "cosmetics", "化妆品 cosmetics"),
        ScopeRule("3401", True, "light_industry", "肥皂 soap"),
        ScopeRule("34", False, "chemicals", "其他 other"),
        ScopeRule("61", True, "textile", "针织服装 knitted apparel"),
    ),
)
LIPSTICK = Item(description="Lipstick", hs_code="3304100010")


@pytest.fixture(autouse=True)
def fresh_catalogue_indexes():
    invalidate_indexes()
    yield
    invalidate_indexes()


def test_rule_4_goods_outside_the_chapters_carry_an_out_of_scope_reason_in_tier_2():
    decision = classify(LIPSTICK, CompiledIndex([], SCOPE))
    assert decision.tier == 2 and decision.follow_up == "onsite_verification"
    assert not decision.needs_confirmation
    (reason,) = decision.reasons
    assert reason.catalogue == OUT_OF_SCOPE and reason.edition == "test 1"
    assert reason.entry == "33 化妆品 cosmetics" and reason.matched_on == "hs_code"
    assert reason.value == "3304100010" and reason.certainty == 1.0 and reason.tier == 2


def test_rule_4_the_longest_listed_prefix_decides():
    index = CompiledIndex([], SCOPE)
    soap, polish = classify_many([Item(hs_code="3401110000"), Item(hs_code="3405100000")], index)
    assert soap.tier == 3 and soap.reasons == ()
    assert polish.tier == 2 and polish.reasons[0].entry == "34 其他 other"


def test_rule_4_a_code_no_row_covers_is_out_of_scope_too():
    (reason,) = classify(Item(hs_code="7208100000"), CompiledIndex([], SCOPE)).reasons
    assert reason.catalogue == OUT_OF_SCOPE and reason.entry == UNLISTED_SCOPE_ENTRY


def test_rule_4_in_scope_goods_stay_general_supervision():
    decision = classify(Item(description="婴儿纯棉连体衣", hs_code="6111200010"), CompiledIndex([], SCOPE))
    assert decision.tier == 3 and decision.reasons == () and decision.follow_up == "post_market_sampling"


def test_rule_4_the_same_code_decides_the_same_way_on_every_path():
    """The per-code fast path of a batch and the full path of a line with more to check agree."""
    index = CompiledIndex([], SCOPE)
    alone, with_cas = classify_many([LIPSTICK, Item(hs_code="3304100010", cas_numbers=("64-17-5",))], index)
    assert alone.reasons == with_cas.reasons and alone.tier == with_cas.tier == 2


def test_rule_4_without_a_table_nothing_is_out_of_scope():
    assert classify(LIPSTICK, CompiledIndex([])).reasons == ()


def test_rule_4_the_shipped_table_names_real_chapters_and_headings():
    rows = list(csv.DictReader(TABLE.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == ["hs_prefix", "scope", "category", "name"]
    codes = list(HSCode.objects.values_list("code", flat=True))
    for row in rows:
        assert any(code.startswith(row["hs_prefix"]) for code in codes), row
        assert row["scope"] in ("in", "out") and row["name"]
    in_scope = {row["category"] for row in rows if row["scope"] == "in"}
    assert in_scope == {"light_industry", "textile", "electrical"}
    assert "scope/consumer_goods_scope.csv" in (settings.BASE_DIR / "data" / "SOURCES.md").read_text()


@pytest.mark.parametrize(
    ("what", "hs_code", "category"),
    [
        ("infant formula", "1901101000", "food"),
        ("red wine", "2204210000", "food"),
        ("vitamin tablets", "2106909090", "food"),
        ("medicine", "3004909099", "medicines"),
        ("face cream", "3304990000", "cosmetics"),
        ("car", "8703236000", "vehicles"),
    ],
)
def test_rule_4_food_medicines_cosmetics_and_vehicles_are_out_of_scope(what, hs_code, category):
    (decision,) = classify_lines([{"description": what, "hs_code": hs_code}])[0]
    reasons = [r for r in decision.reasons if r.catalogue == OUT_OF_SCOPE]
    assert decision.tier <= 2 and len(reasons) == 1, what
    rows = {row["hs_prefix"]: row for row in csv.DictReader(TABLE.open(encoding="utf-8", newline=""))}
    assert rows[reasons[0].entry.split()[0]]["category"] == category


@pytest.mark.parametrize(
    "hs_code",
    ["6111200010", "6403990090", "9503008900", "8516310000", "3924100000", "4202210000", "9619001100", "9404909000"],
)
def test_rule_4_light_industry_textile_and_electrical_goods_are_in_scope(hs_code):
    (decision,) = classify_lines([{"description": "goods", "hs_code": hs_code}])[0]
    assert all(r.catalogue != OUT_OF_SCOPE for r in decision.reasons), hs_code


def test_rule_4_the_dry_run_shows_the_reason_and_the_table_applied(world):
    client = api_as(world.alice)
    face_cream = {"description": "保湿面霜", "hs_code": "3304990000"}
    response = client.post("/api/v1/classify/", {"items": [face_cream, BABY_GARMENTS]}, format="json")
    assert response.status_code == 200, response.content
    cream, garments = response.json()["items"]
    assert cream["tier"] == 2 and cream["follow_up"] == "onsite_verification"
    (reason,) = cream["reasons"]
    assert reason["catalogue"] == "out_of_scope" and reason["certainty"] == 1.0 and reason["entry"].startswith("33 ")
    assert garments["tier"] == 3
    assert response.json()["editions"]["out_of_scope"]["edition"].startswith("consumer_goods_scope.csv ")


def test_rule_4_the_reason_reads_as_outside_the_regime():
    (decision,) = classify_lines([{"description": "face cream", "hs_code": "3304990000"}])[0]
    (row,) = reason_rows([r.as_dict() for r in decision.reasons], None)
    assert "light industry, textile or electrical" in str(row.catalogue)


def test_rule_4_the_table_is_configurable(tmp_path, settings):
    table = tmp_path / "scope.csv"
    table.write_text("hs_prefix,scope,category,name\n33,in,light_industry,化妆品 cosmetics\n", encoding="utf-8")
    settings.CBEC_SCOPE_TABLE = str(table)
    invalidate_indexes()
    (cream, car) = classify_lines([{"hs_code": "3304990000"}, {"hs_code": "8703236000"}])[0]
    assert cream.tier == 3 and cream.reasons == ()
    assert car.tier == 2 and car.reasons[0].entry == UNLISTED_SCOPE_ENTRY
    settings.CBEC_SCOPE_TABLE = ""
    invalidate_indexes()
    assert scope_table() is None
    assert classify_lines([{"hs_code": "8703236000"}])[0][0].reasons == ()


@pytest.mark.parametrize(
    "content",
    [
        "prefix,scope\n33,in\n",
        "hs_prefix,scope,category,name\n3,in,x,y\n",
        "hs_prefix,scope,category,name\n33,maybe,x,y\n",
        "hs_prefix,scope,category,name\n33,in,x,y\n33,out,x,y\n",
    ],
)
def test_rule_4_a_malformed_table_is_a_configuration_error(content):
    with pytest.raises(ImproperlyConfigured):
        parse_scope_table(content.encode(), "bad.csv")

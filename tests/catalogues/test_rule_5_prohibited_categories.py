"""Rule 5 (issue 8): prohibited categories work out of the box.

「可能危及公共安全的核生化等涉恐及放射性等产品；……法律法规禁止进境的其他产品」: the project ships a
starter prohibited goods list by HS heading, each row with its legal basis, loaded by
``load_reference_data``; a radioactive source or a firearm declared today is tier 1 on a certain
match, and the reason names the entry and its legal basis.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from catalogues.classification import CatalogueData, CompiledIndex, EntryData, Item, classify
from catalogues.models import CatalogueEdition, CatalogueEntry, HSCode
from catalogues.services.classify import classify_lines
from catalogues.services.editions import SHIPPED_CATALOGUES, invalidate_indexes
from cbec_supervision.models import AuditEvent
from tests.conftest import api_as as _api_as
from tests.imports.batch_api import BABY_GARMENTS, TOYS

pytestmark = pytest.mark.django_db

STARTER = settings.BASE_DIR / "data" / "catalogues" / "prohibited_goods_starter.csv"
GUIDANCE = "国质检检〔2015〕250号"
COBALT_SOURCE = {"description": "钴-60密封放射源（工业探伤用）", "hs_code": "2844432000", "quantity": 1}
RIFLE = {"description": "Sporting rifle", "hs_code": "9303300000", "quantity": 2}


@pytest.fixture(autouse=True)
def fresh_catalogue_indexes():
    invalidate_indexes()
    yield
    invalidate_indexes()


def starter_rows() -> list[dict[str, str]]:
    with STARTER.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def prohibited_reasons(decision) -> list:
    return [r for r in decision.reasons if r.catalogue == "prohibited_goods"]


def test_rule_5_the_starter_list_is_shipped_in_the_official_layout_and_loaded():
    assert any(kind == "prohibited_goods" for kind, *_ in SHIPPED_CATALOGUES)
    edition = CatalogueEdition.objects.get(kind="prohibited_goods")
    rows = starter_rows()
    assert edition.edition == "starter" and edition.entry_count == len(rows) == 25
    assert list(rows[0]) == ["HS编码", "名称", "备注"]
    entries = list(edition.entries.values_list("hs_prefix", "name", "remark"))
    assert entries == [(r["HS编码"], r["名称"], r["备注"]) for r in rows]


def test_rule_5_every_row_cites_its_legal_basis():
    for row in starter_rows():
        assert GUIDANCE in row["备注"], row
        assert "《" in row["备注"] and "》" in row["备注"], row


def test_rule_5_every_prefix_exists_in_the_china_customs_hs_table():
    codes = set(HSCode.objects.values_list("code", flat=True))
    assert len(codes) == 8957
    missing = [r["HS编码"] for r in starter_rows() if not any(code.startswith(r["HS编码"]) for code in codes)]
    assert missing == []
    # and the check can fail: a heading the table lacks is found
    assert not any(code.startswith("9399") for code in codes)


def test_rule_5_a_radioactive_source_declared_today_is_tier_1_with_the_entry_and_its_legal_basis():
    (decision,), editions = classify_lines([COBALT_SOURCE])
    assert decision.tier == 1 and not decision.needs_confirmation
    (reason,) = prohibited_reasons(decision)
    assert reason.matched_on == "hs_code" and reason.value == "2844432000" and reason.certainty == 1.0
    assert reason.edition == "starter" == editions["prohibited_goods"]["edition"]
    assert reason.entry.startswith("2844 放射性化学元素及放射性同位素")
    assert "可能危及公共安全的核生化等涉恐及放射性等产品" in reason.entry
    assert "《放射性同位素与射线装置安全和防护条例》" in reason.entry
    assert reason.entry_id == CatalogueEntry.objects.get(edition__kind="prohibited_goods", hs_prefix="2844").pk


def test_rule_5_a_radioactive_source_by_its_hs_code_alone_is_tier_1():
    (decision,), _ = classify_lines([{"hs_code": "2844400000"}])
    assert decision.tier == 1
    assert [r.entry.split(" ")[0] for r in prohibited_reasons(decision)] == ["2844"]


def test_rule_5_arms_are_tier_1_by_the_list_of_prohibited_articles(world):
    (decision,), _ = classify_lines([RIFLE])
    assert decision.tier == 1 and not decision.needs_confirmation
    (reason,) = prohibited_reasons(decision)
    assert reason.entry.startswith("9303 ")
    assert "《中华人民共和国禁止进出境物品表》" in reason.entry and "各种武器" in reason.entry


def test_rule_5_the_dry_run_refuses_a_radioactive_source_and_shows_the_legal_basis(world):
    client = _api_as(world.alice)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/classify/", {"items": [COBALT_SOURCE, BABY_GARMENTS]}, format="json")
    assert response.status_code == 200, response.content
    source, garments = response.json()["items"]
    assert source["tier"] == 1 and source["follow_up"] == "refuse_entry"
    (reason,) = [r for r in source["reasons"] if r["catalogue"] == "prohibited_goods"]
    assert reason["edition"] == "starter" and reason["matched_on"] == "hs_code"
    assert "《放射性同位素与射线装置安全和防护条例》" in reason["entry"]
    assert garments["tier"] == 3 and garments["reasons"] == []


def test_rule_5_ordinary_goods_keep_their_tier():
    toys, garments = classify_lines([TOYS, BABY_GARMENTS])[0]
    # a toy is under compulsory certification (tier 2), nothing prohibited; baby garments stay tier 3
    assert toys.tier == 2 and prohibited_reasons(toys) == []
    assert [r.catalogue for r in toys.reasons] == ["compulsory_certification"]
    assert garments.tier == 3 and garments.reasons == ()


@pytest.mark.parametrize(
    "description",
    ["玩具手枪 水弹枪", "儿童仿真军用武器模型玩具", "空气净化器 可杀灭99%细菌及病毒", "加湿器 可加重水箱"],
)
def test_rule_5_ordinary_descriptions_do_not_match_the_names_of_the_list(description):
    (decision,), _ = classify_lines([{"description": description, "hs_code": "8509800000"}])
    assert prohibited_reasons(decision) == []


def test_rule_5_a_description_naming_a_listed_article_is_suspected_for_the_reviewer():
    (decision,), _ = classify_lines([{"description": "古柯叶茶包", "hs_code": "0902300000"}])
    assert decision.tier == 1 and decision.needs_confirmation
    (reason,) = prohibited_reasons(decision)
    assert reason.matched_on == "name" and reason.entry.startswith("121130 古柯叶")


def test_rule_5_loading_the_reference_data_twice_changes_nothing():
    before = list(CatalogueEntry.objects.filter(edition__kind="prohibited_goods").values_list("pk", "hs_prefix"))
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("load_reference_data", stdout=out)
    assert "catalogues: already loaded" in out.getvalue()
    assert CatalogueEdition.objects.filter(kind="prohibited_goods").count() == 1
    after = list(CatalogueEntry.objects.filter(edition__kind="prohibited_goods").values_list("pk", "hs_prefix"))
    assert after == before and AuditEvent.objects.count() == events


def test_rule_5_the_engine_carries_an_entry_s_legal_basis_in_its_reason():
    index = CompiledIndex(
        [
            CatalogueData(
                "prohibited_goods",
                "s",
                1,
                [EntryData(1, "9303", "猎枪", hs_prefix="9303", match_names=False, basis="《禁止进出境物品表》")],
            ),
            CatalogueData("compulsory_certification", "s", 2, [EntryData(2, "9503", "玩具", hs_prefix="9503")]),
        ]
    )
    (reason,) = classify(Item(hs_code="9303200000"), index).reasons
    assert reason.entry == "9303 猎枪 — 《禁止进出境物品表》"
    (toy,) = classify(Item(hs_code="9503008900"), index).reasons
    assert toy.entry == "9503 玩具"  # no basis, no dash


def test_rule_5_only_the_prohibited_goods_remark_is_a_legal_basis():
    (decision,), _ = classify_lines([{"hs_code": "9503008900"}])
    (reason,) = decision.reasons
    assert reason.catalogue == "compulsory_certification" and reason.entry == "9503 玩具"

"""The search box finds counterfeit cases and leads, among what the reader may see (issue 12)."""

from __future__ import annotations

import pytest

from anticounterfeit.choices import CaseDuty
from anticounterfeit.models import CaseAssignment, CounterfeitCase, CounterfeitLead
from cbec_supervision.search import SearchQuery, search

pytestmark = pytest.mark.django_db


@pytest.fixture
def found(world):
    case = CounterfeitCase.objects.create(
        case_no="ZJ2026AC000042", title="店铺销售仿冒运动鞋", brand="AURORA", bureau=world.zj
    )
    lead = CounterfeitLead.objects.create(
        bureau=world.zj, channel="informant", title="举报直播间仿冒手表", brand="LUMIERE", seller_name="星耀直播间"
    )
    return case, lead


def _keys(user, text: str) -> dict[str, list[int]]:
    return {g.searcher.key: [row.pk for row in g.rows] for g in search(user, SearchQuery.parse(text))}


def test_the_bureau_administrator_finds_the_case_by_number_and_by_brand(world, found):
    case, _lead = found
    assert _keys(world.zj_admin, "zj2026ac00004")["anticounterfeit.case"] == [case.pk]
    assert _keys(world.zj_admin, "aurora")["anticounterfeit.case"] == [case.pk]


def test_an_inspector_finds_the_case_only_once_assigned(world, found):
    case, _lead = found
    assert "anticounterfeit.case" not in _keys(world.zj_inspector, "ZJ2026AC000042")
    CaseAssignment.objects.create(case=case, user=world.zj_inspector, duty=CaseDuty.HANDLER)
    assert _keys(world.zj_inspector, "ZJ2026AC000042")["anticounterfeit.case"] == [case.pk]


def test_leads_are_found_by_the_bureau_and_never_by_others(world, found):
    _case, lead = found
    assert _keys(world.zj_inspector, "星耀")["anticounterfeit.lead"] == [lead.pk]
    assert "anticounterfeit.lead" not in _keys(world.gd_inspector, "星耀")
    assert _keys(world.alice, "星耀") == {}
    assert _keys(world.alice, "ZJ2026AC000042") == {}

"""The classification dry run: the same engine as a declaration, and nothing stored."""

from __future__ import annotations

import pytest

from accounts.choices import Role
from catalogues.services.editions import invalidate_indexes
from cbec_supervision.models import AuditEvent
from filings import services
from filings.models import EnterpriseFiling, ProductFiling
from imports.models import ImportBatch, ImportItem
from tests.builders import TOY, approve
from tests.conftest import api_as as _api_as
from tests.factories import UserFactory
from tests.imports.batch_api import BABY_GARMENTS, CYANIDE, SUSPECT_CLEANER, TOYS

pytestmark = pytest.mark.django_db

URL = "/api/v1/classify/"


@pytest.fixture(autouse=True)
def fresh_catalogue_indexes():
    invalidate_indexes()
    yield
    invalidate_indexes()


def api_as(user):
    client = _api_as(user)
    client.credentials(HTTP_ACCEPT_LANGUAGE="en")
    return client


def classify(user, *lines, expect: int = 200) -> dict:
    response = api_as(user).post(URL, {"items": list(lines)}, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def approved_toy(world, enterprise, user, reviewer) -> ProductFiling:
    product = services.product_create(actor=user, enterprise=enterprise, **TOY)
    services.product_submit(actor=user, product=product)
    return services.product_approve(actor=reviewer, product=product)


def test_a_dry_run_classifies_like_a_declaration_and_stores_nothing(world, approved_alice_co):
    counts = (ImportBatch.objects.count(), ImportItem.objects.count(), AuditEvent.objects.count())
    body = classify(world.alice, CYANIDE, TOYS, BABY_GARMENTS)
    assert (ImportBatch.objects.count(), ImportItem.objects.count(), AuditEvent.objects.count()) == counts

    cyanide, toys, garments = body["items"]
    assert [item["tier"] for item in body["items"]] == [1, 2, 3]
    assert [item["follow_up"] for item in body["items"]] == [
        "refuse_entry",
        "onsite_verification",
        "post_market_sampling",
    ]
    reason = next(r for r in cyanide["reasons"] if r["matched_on"] == "cas")
    assert {"catalogue", "edition", "entry", "matched_on", "value", "certainty"} <= set(reason)
    assert (reason["catalogue"], reason["edition"], reason["value"], reason["certainty"]) == (
        "hazardous_chemicals",
        "2015 (excerpt)",
        "143-33-9",
        1.0,
    )
    assert toys["reasons"][0]["catalogue"] == "compulsory_certification" and garments["reasons"] == []
    assert not any(item["needs_confirmation"] for item in body["items"])
    assert body["editions"]["compulsory_certification"]["edition"] == "starter"


def test_amounts_are_not_needed_for_a_dry_run(world, approved_alice_co):
    body = classify(world.alice, {"description": "儿童积木玩具", "hs_code": "9503008900"})
    assert body["items"][0]["tier"] == 2


def test_a_name_match_is_only_suspected_and_needs_confirmation(world, approved_alice_co):
    item = classify(world.alice, SUSPECT_CLEANER)["items"][0]
    assert item["tier"] == 1 and item["needs_confirmation"] is True
    (reason,) = item["reasons"]
    assert reason["matched_on"] == "name" and 0 < reason["certainty"] < 1


def test_materials_are_read_for_names_too(world, approved_alice_co):
    line = {**BABY_GARMENTS, "description": "儿童睡衣", "materials": "含甲醛溶液整理剂"}
    item = classify(world.alice, line)["items"][0]
    assert item["tier"] == 1 and item["reasons"][0]["matched_on"] == "name"


def test_strict_supervision_of_the_enterprise_applies_to_its_dry_runs(world, approved_alice_co):
    EnterpriseFiling.objects.filter(pk=approved_alice_co.pk).update(supervision_level="strict")
    item = classify(world.alice, BABY_GARMENTS)["items"][0]
    assert item["tier"] == 3 and item["strict_supervision"] is True
    assert item["follow_up"] == "onsite_verification"
    # Staff classify goods as such, not as any one enterprise.
    assert classify(world.zj_inspector, BABY_GARMENTS)["items"][0]["tier"] == 3


def test_an_enterprise_dry_runs_its_own_approved_products_only(world, approved_alice_co):
    own = approved_toy(world, approved_alice_co, world.alice, world.zj_inspector)
    gd_reviewer = UserFactory(username="gd_reviewer", role=Role.INSPECTOR, bureau=world.gd)
    bobs = approved_toy(world, approve(world.bob_co, world.bob, gd_reviewer), world.bob, gd_reviewer)
    assert classify(world.alice, {"product": own.pk})["items"][0]["tier"] == 2
    body = classify(world.alice, {"product": own.pk}, {"product": bobs.pk}, expect=400)
    assert body == {"items": ["Line 2, product: Only the enterprise's own approved products can be classified."]}
    draft = services.product_create(actor=world.alice, enterprise=approved_alice_co, **{**TOY, "model": "X1"})
    classify(world.alice, {"product": draft.pk}, expect=400)


def test_staff_classify_any_product_they_may_see(world, approved_alice_co):
    draft = services.product_create(actor=world.alice, enterprise=approved_alice_co, **TOY)
    assert classify(world.zj_inspector, {"product": draft.pk})["items"][0]["tier"] == 2
    assert classify(world.hq, {"product": draft.pk})["items"][0]["tier"] == 2
    body = classify(world.gd_inspector, {"product": draft.pk}, expect=400)
    assert body == {"items": ["Line 1, product: No product filing with this id."]}


def test_errors_are_reported_per_line(world, approved_alice_co):
    body = classify(
        world.alice,
        BABY_GARMENTS,
        {**BABY_GARMENTS, "hs_code": "12"},
        {**BABY_GARMENTS, "category": "food"},
        expect=400,
    )
    assert body["items"][0] == "Line 2, hs_code: An HS code has 10 digits."
    assert body["items"][1].startswith("Line 3, category:")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"items": "lines"},
        {"items": 7},
        {"items": None},
        {"items": []},
        {"items": {"a": 1}},
        {"items": [1, None, "x"]},
        {"items": [{"description": "x"}]},
        {"items": [{**BABY_GARMENTS, "product": 10**40}]},
        {"items": [{**BABY_GARMENTS, "quantity": "1e99999"}]},
        {"items": [{**BABY_GARMENTS, "cas_numbers": 5}]},
        {"items": [BABY_GARMENTS] * 20_001},
        [BABY_GARMENTS],
        "text",
    ],
)
def test_bad_requests_are_a_400(world, approved_alice_co, body):
    response = api_as(world.alice).post(URL, body, format="json")
    assert response.status_code == 400, response.content


def test_malformed_json_is_a_400(world):
    response = api_as(world.alice).generic("POST", URL, "{nope", content_type="application/json")
    assert response.status_code == 400


def test_only_signed_in_users_classify_and_only_by_post(world):
    assert _api_as(None).post(URL, {"items": [BABY_GARMENTS]}, format="json").status_code == 401
    assert api_as(world.alice).get(URL).status_code == 405

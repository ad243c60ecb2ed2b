"""Rule 6, at the port: every batch of an enterprise under strict supervision is verified on site.

The goods keep the tier their catalogues give (statistics by tier stay true); the batch records that
it is verified because of its operator ("strict supervision"), and lifting the decision returns the
enterprise's next batches to the normal flow.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from cbec_supervision.models import AuditEvent
from filings import services
from imports.models import ImportBatch
from imports.services.declarations import STRICT_SUPERVISION_REASON
from tests.imports.batch_api import BABY_GARMENTS, CYANIDE, TOYS, URL, api_as, declare, verify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_catalogue_indexes")]


def _submitted(batch_id: int) -> AuditEvent:
    batches = ContentType.objects.get_for_model(ImportBatch)
    return AuditEvent.objects.get(content_type=batches, object_id=str(batch_id), action="submit")


@pytest.fixture
def strict_alice_co(world, alice_co):
    return services.enterprise_strict_supervision_place(actor=world.zj_admin, filing=alice_co, reason="多次抽检不合格")


def test_a_strict_operators_all_tier_3_batch_is_verified_on_site_and_its_lines_stay_tier_3(world, strict_alice_co):
    batch = declare(world, BABY_GARMENTS, BABY_GARMENTS)
    assert (batch["status"], batch["tier"], batch["strict_supervision"]) == ("verification_required", 3, True)
    assert [item["tier"] for item in batch["items"]] == [3, 3]
    assert {item["follow_up"] for item in batch["items"]} == {"onsite_verification"}
    assert batch["verification"]["status"] == "open"
    assert _submitted(batch["id"]).reason == STRICT_SUPERVISION_REASON == "strict supervision"


def test_the_batch_page_says_why_it_is_verified(world, strict_alice_co, client):
    batch = declare(world, BABY_GARMENTS)
    client.force_login(world.zj_inspector)
    page = client.get(ImportBatch.objects.get(pk=batch["id"]).get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert 'data-testid="strict-supervision"' in text
    assert "Verified on site because the operator is under strict supervision" in text


def test_a_prohibited_line_is_still_refused_and_direct_mail_keeps_its_regime(world, strict_alice_co):
    batch = declare(world, CYANIDE, BABY_GARMENTS)
    assert batch["status"] == "partially_refused" and batch["verification"]["status"] == "open"
    assert [item["status"] for item in batch["items"]] == ["refused", "verification_required"]
    direct = declare(world, BABY_GARMENTS, mode="direct_mail")
    assert (direct["status"], direct["tier"]) == ("postal", None)


def test_key_supervision_goods_keep_tier_2(world, strict_alice_co):
    batch = declare(world, TOYS, BABY_GARMENTS)
    assert (batch["status"], batch["tier"]) == ("verification_required", 2)
    assert [item["tier"] for item in batch["items"]] == [2, 3]


def test_verification_passed_releases_it_with_its_tiers_unchanged(world, strict_alice_co):
    batch = declare(world, BABY_GARMENTS)
    verify(world, batch["id"], {"passed": True, "note": "现场核查无异常"})
    after = api_as(world.zj_inspector).get(f"{URL}{batch['id']}/").json()
    assert (after["status"], after["tier"]) == ("released", 3)


def test_lifting_it_returns_the_next_batches_to_the_normal_flow(world, strict_alice_co):
    verified = declare(world, BABY_GARMENTS)
    services.enterprise_strict_supervision_lift(actor=world.zj_admin, filing=strict_alice_co, reason="整改完成")
    batch = declare(world, BABY_GARMENTS)
    assert (batch["status"], batch["tier"], batch["strict_supervision"]) == ("released", 3, False)
    assert batch["items"][0]["follow_up"] == "post_market_sampling"
    assert _submitted(batch["id"]).reason == ""
    # The batch declared under strict supervision keeps its record.
    assert ImportBatch.objects.get(pk=verified["id"]).strict_supervision is True


def test_a_product_filed_under_strict_supervision_keeps_its_catalogue_tier(world, strict_alice_co):
    from tests.builders import TOY

    toy = services.product_create(actor=world.alice, enterprise=strict_alice_co, **TOY)
    toy = services.product_submit(actor=world.alice, product=toy)
    assert toy.tier == 2 and toy.classification["strict_supervision"] is True

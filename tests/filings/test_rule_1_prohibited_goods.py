"""Rule 1: prohibited goods are never approved for sale (「禁止上述产品以跨境电子商务形式入境」).

A product the catalogues certainly put in tier 1 is refused at submission; a suspected tier-1 match
is confirmed or dismissed by the reviewer before approval; an approved product that a new edition
puts in tier 1 is flagged to its competent bureau until an officer suspends it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from catalogues.services import editions
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent, Notification
from filings import services
from filings.choices import FilingStatus, Suspicion
from filings.models import ProductFiling
from tests.builders import TOY
from tests.filings.product_api import api_as, url

pytestmark = pytest.mark.django_db

REASON = "名称中的“氰化钠”是实验说明文字，产品不含该物质"
#: a toy chemistry set whose name mentions sodium cyanide: a suspected (name-only) tier-1 match
SUSPECTED = {**TOY, "name": "儿童化学实验套装 氰化钠演示卡片", "model": "CHEM-1"}


def _file(world, **fields):
    return services.product_create(actor=world.alice, enterprise=world.alice_co, **{**TOY, **fields})


def _actions(product) -> list[str]:
    return list(AuditEvent.objects.for_object(product).order_by("id").values_list("action", flat=True))


# --- (a) a certain tier-1 match is refused at submission --------------------------------------------


def test_rule_1_certain_tier1_refused_at_submit(world, approved_alice_co):
    product = _file(world, name="氰化钠 分析纯", cas_numbers=["143-33-9"], hs_code="2837111000")
    with pytest.raises(ValidationError) as refused:
        services.product_submit(actor=world.alice, product=product)
    messages = refused.value.message_dict["classification"]
    assert "Prohibited goods cannot be filed" in messages[0]
    assert any("Catalogue of Hazardous Chemicals, edition 2015 (excerpt)" in m and "氰化钠" in m for m in messages)
    product.refresh_from_db()
    assert (product.status, product.tier, product.classification, product.filing_no) == ("draft", None, None, None)
    assert _actions(product) == ["create"]


def test_rule_1_used_goods_are_refused_at_submit_too(world, approved_alice_co):
    product = _file(world, used=True)
    with pytest.raises(ValidationError, match="废旧物品"):
        services.product_submit(actor=world.alice, product=product)
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.DRAFT


def test_rule_1_certain_tier1_refused_at_submit_through_the_api(world, approved_alice_co):
    product = _file(world, cas_numbers=["143-33-9"])
    response = api_as(world.alice).post(url(product, "submit"))
    assert response.status_code == 400
    body = response.json()
    assert "氰化钠" in " ".join(body["classification"]) and "2015 (excerpt)" in " ".join(body["classification"])
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.DRAFT


def test_rule_1_a_returned_product_stays_returned_when_refused(world, approved_alice_co):
    product = services.product_submit(actor=world.alice, product=_file(world))
    services.product_return(actor=world.zj_inspector, product=product, reason="请补充成分")
    services.product_update(actor=world.alice, product=product, cas_numbers=["143-33-9"])
    with pytest.raises(ValidationError):
        services.product_submit(actor=world.alice, product=product)
    assert ProductFiling.objects.get(pk=product.pk).status == FilingStatus.RETURNED


# --- (b) a suspected tier-1 match is decided by the reviewer -----------------------------------------


@pytest.fixture
def suspected(world, approved_alice_co):
    product = services.product_create(actor=world.alice, enterprise=world.alice_co, **SUSPECTED)
    return services.product_submit(actor=world.alice, product=product)


def test_rule_1_suspected_must_be_decided_before_approval(world, suspected):
    assert (suspected.status, suspected.tier, suspected.suspicion) == ("submitted", 1, Suspicion.PENDING)
    assert suspected.classification["needs_confirmation"] is True
    with pytest.raises(ValidationError) as refused:
        services.product_approve(actor=world.zj_inspector, product=suspected)
    assert "suspicion" in refused.value.message_dict
    assert ProductFiling.objects.get(pk=suspected.pk).status == FilingStatus.SUBMITTED

    product = services.product_suspicion_decide(
        actor=world.zj_inspector, product=suspected, confirmed=False, reason=REASON
    )
    # The suspected reasons are dropped: the toy is tier 2 by the CCC catalogue alone.
    assert (product.suspicion, product.tier, product.suspicion_reason) == (Suspicion.DISMISSED, 2, REASON)
    assert product.suspicion_decided_by == world.zj_inspector and product.suspicion_decided_at is not None
    assert all(r["certainty"] == 1.0 for r in product.classification["reasons"])
    assert product.classification["needs_confirmation"] is False
    assert [r["value"] for r in product.classification["dismissed"]] == ["氰化钠"]
    event = AuditEvent.objects.for_object(product).get(action=AuditAction.DISMISS_SUSPICION)
    assert (event.before["tier"], event.after["tier"], event.reason) == (1, 2, REASON)
    approved = services.product_approve(actor=world.zj_inspector, product=product)
    assert approved.status == FilingStatus.APPROVED and approved.filing_no


def test_rule_1_a_confirmed_suspicion_is_prohibited_and_the_reviewer_rejects(world, suspected):
    product = services.product_suspicion_decide(
        actor=world.zj_inspector, product=suspected, confirmed=True, reason="确认"
    )
    assert (product.suspicion, product.tier) == (Suspicion.CONFIRMED, 1)
    with pytest.raises(ValidationError) as refused:
        services.product_approve(actor=world.zj_inspector, product=product)
    assert "Prohibited goods are never approved" in refused.value.message_dict["classification"][0]
    assert "氰化钠" in " ".join(refused.value.message_dict["classification"])
    rejected = services.product_reject(actor=world.zj_inspector, product=product, reason="禁止入境商品")
    assert rejected.status == FilingStatus.REJECTED and rejected.filing_no is None
    assert AuditAction.CONFIRM_SUSPICION in _actions(product)


def test_rule_1_the_suspicion_decision_needs_a_reason_and_a_pending_suspicion(world, suspected, submitted_toy):
    with pytest.raises(ValidationError) as no_reason:
        services.product_suspicion_decide(actor=world.zj_inspector, product=suspected, confirmed=False, reason=" ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError, match="No suspected prohibited goods match"):
        services.product_suspicion_decide(actor=world.zj_inspector, product=submitted_toy, confirmed=True, reason="x")
    assert ProductFiling.objects.get(pk=suspected.pk).suspicion == Suspicion.PENDING


@pytest.mark.parametrize("who", ["gd_inspector", "alice", "hq"])
def test_rule_1_only_the_competent_bureau_decides_the_suspicion(world, suspected, who):
    with pytest.raises(PermissionDenied):
        services.product_suspicion_decide(actor=getattr(world, who), product=suspected, confirmed=False, reason=REASON)
    assert ProductFiling.objects.get(pk=suspected.pk).suspicion == Suspicion.PENDING


@pytest.mark.parametrize(
    ("action", "expected"), [("confirm-suspicion", "confirmed"), ("dismiss-suspicion", "dismissed")]
)
def test_rule_1_suspicion_api_actions(world, suspected, action, expected):
    without = api_as(world.zj_inspector).post(url(suspected, action), {}, format="json")
    assert without.status_code == 400 and "reason" in without.json()
    response = api_as(world.zj_inspector).post(url(suspected, action), {"reason": REASON}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["suspicion"], body["suspicion_reason"]) == (expected, REASON)
    assert body["tier"] == (1 if expected == "confirmed" else 2)
    again = api_as(world.zj_inspector).post(url(suspected, action), {"reason": REASON}, format="json")
    assert again.status_code == 400 and "suspicion" in again.json()


@pytest.mark.parametrize(("who", "status"), [("gd_inspector", 404), ("bob", 404), ("alice", 403), ("hq", 403)])
def test_rule_1_suspicion_api_scope(world, suspected, who, status):
    response = api_as(getattr(world, who)).post(url(suspected, "dismiss-suspicion"), {"reason": REASON}, format="json")
    assert response.status_code == status
    assert ProductFiling.objects.get(pk=suspected.pk).suspicion == Suspicion.PENDING


def test_rule_1_approve_through_the_api_is_refused_while_pending(world, suspected):
    response = api_as(world.zj_inspector).post(url(suspected, "approve"))
    assert response.status_code == 400 and "suspicion" in response.json()


def test_rule_1_the_product_page_shows_the_suspicion_and_its_buttons(world, suspected, client):
    client.force_login(world.zj_inspector)
    page = client.get(suspected.get_absolute_url()).content.decode()
    assert 'data-testid="suspicion"' in page and 'data-testid="confirm-suspicion"' in page
    assert 'data-testid="dismiss-suspicion"' in page and "suspicion-dismiss-reason" in page
    client.force_login(world.alice)
    own = client.get(suspected.get_absolute_url()).content.decode()
    assert 'data-testid="suspicion"' in own and 'data-testid="confirm-suspicion"' not in own


def test_rule_1_the_page_dismisses_the_suspicion_with_a_reason(world, suspected, client):
    client.force_login(world.zj_inspector)
    target = f"/filings/products/{suspected.pk}/suspicion/dismiss/"
    refused = client.post(target, {"reason": ""}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert ProductFiling.objects.get(pk=suspected.pk).suspicion == Suspicion.PENDING
    assert "Give a reason" in refused.content.decode()
    response = client.post(target, {"reason": REASON}, follow=True)
    assert response.status_code == 200
    product = ProductFiling.objects.get(pk=suspected.pk)
    assert product.suspicion == Suspicion.DISMISSED
    page = response.content.decode()
    assert REASON in page and 'data-testid="dismissed-reasons"' in page
    assert client.post(f"/filings/products/{suspected.pk}/suspicion/maybe/").status_code == 404


def test_rule_1_another_bureau_cannot_open_the_page_action(world, suspected, client):
    client.force_login(world.gd_inspector)
    response = client.post(f"/filings/products/{suspected.pk}/suspicion/confirm/", {"reason": REASON})
    assert response.status_code == 404
    assert ProductFiling.objects.get(pk=suspected.pk).suspicion == Suspicion.PENDING


# --- (c) an approved product a new edition puts in tier 1 is flagged ----------------------------------

TOYS_PROHIBITED = "HS编码,名称,备注\n9503,玩具（试验性禁止）,测试依据\n".encode()


def load_prohibited_toys(django_capture_on_commit_callbacks, effective: dt.date | None = None):
    """A prohibited goods edition listing toys, in force today; its hand-over runs as after the commit."""
    with django_capture_on_commit_callbacks(execute=True):
        return editions.catalogue_import(
            actor="test",
            kind="prohibited_goods",
            edition="2026 test",
            effective_from=effective or timezone.localdate(),
            content=TOYS_PROHIBITED,
            filename="prohibited_2026.csv",
        )


def test_rule_1_catalogue_load_flags_approved_tier1(world, approved_toy, django_capture_on_commit_callbacks):
    load_prohibited_toys(django_capture_on_commit_callbacks)
    product = ProductFiling.objects.get(pk=approved_toy.pk)
    assert product.status == FilingStatus.APPROVED and product.prohibited_flag_open
    assert [r["entry"] for r in product.prohibited_reasons] == ["9503 玩具（试验性禁止） — 测试依据"]
    assert product.tier == 2  # the decision it was approved under stays on record
    event = AuditEvent.objects.for_object(product).get(action=AuditAction.FLAG_PROHIBITED)
    assert event.actor_label == "task:filings.reclassify_products"
    assert event.after["classification_now"]["tier"] == 1
    # Notified to the competent bureau's staff, nobody else.
    notified = set(
        Notification.objects.filter(kind="product_prohibited_flagged").values_list("recipient__username", flat=True)
    )
    assert notified == {"zj_inspector", "zj_admin"}
    # Running it again changes nothing: one flag, one notification each.
    assert services.products_reclassify(actor="test", product_ids=[product.pk]) == {
        "reclassified": 0,
        "flagged": 0,
        "unchanged": 1,
    }
    assert Notification.objects.filter(kind="product_prohibited_flagged").count() == 2


def test_rule_1_flagged_products_are_listed_shown_and_handled_by_suspension(
    world, approved_toy, django_capture_on_commit_callbacks, client
):
    load_prohibited_toys(django_capture_on_commit_callbacks)
    listed = api_as(world.zj_inspector).get(url(), {"flagged": "true"}).json()
    assert [row["id"] for row in listed["results"]] == [approved_toy.pk] and listed["results"][0]["flagged"] is True
    assert api_as(world.zj_inspector).get(url(), {"flagged": "false"}).json()["count"] == 0
    client.force_login(world.zj_inspector)
    page = client.get(approved_toy.get_absolute_url()).content.decode()
    assert 'data-testid="prohibited-flag"' in page and "alert-danger" in page
    assert "玩具（试验性禁止）" in page
    assert client.get("/filings/products/?flagged=true").status_code == 200

    suspended = services.product_suspend(actor=world.zj_inspector, product=approved_toy, reason="新版目录列为禁止")
    assert not suspended.prohibited_flag_open
    assert api_as(world.zj_inspector).get(url(), {"flagged": "true"}).json()["count"] == 0
    page = client.get(approved_toy.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "handled: the filing is Suspended" in page
    with pytest.raises(ValidationError) as refused:
        services.product_reinstate(actor=world.zj_inspector, product=suspended)
    assert "classification" in refused.value.message_dict


def test_rule_1_an_edition_not_yet_in_force_flags_nothing(world, approved_toy, django_capture_on_commit_callbacks):
    load_prohibited_toys(django_capture_on_commit_callbacks, timezone.localdate() + dt.timedelta(days=30))
    assert ProductFiling.objects.get(pk=approved_toy.pk).prohibited_flagged_at is None


def test_rule_1_a_flagged_products_bonded_lines_are_refused_as_tier_1(
    world, approved_toy, django_capture_on_commit_callbacks
):
    from imports.services.declarations import import_batch_declare

    load_prohibited_toys(django_capture_on_commit_callbacks)
    batch = import_batch_declare(
        actor=world.alice,
        port_bureau="ZJ",
        items=[{"product": approved_toy.pk, "quantity": 10, "unit": "盒", "value_cny": "990.00"}],
    )
    line = batch.items.get()
    assert (line.tier, batch.status) == (1, "refused")
    assert "prohibited_goods" in {r["catalogue"] for r in line.reasons}


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"cas_numbers": ["143-33-9"]}, "classification"), ({"ccc_certificate": ""}, "ccc_certificate")],
)
def test_rule_1_and_7_a_change_request_cannot_turn_an_approved_product_into_one_that_may_not_be_approved(
    world, approved_alice_co, changes, field
):
    """An approved toy changed into sodium cyanide, or stripped of its CCC certificate, stays as it was."""
    from filings.choices import ChangeRequestStatus

    product = services.product_submit(actor=world.alice, product=_file(world))
    services.product_approve(actor=world.zj_inspector, product=product)
    request = services.change_request_submit(
        actor=world.alice, enterprise=approved_alice_co, product=product, changes=changes, explanation="变更"
    )
    with pytest.raises(ValidationError) as refused:
        services.change_request_decide(actor=world.zj_inspector, request=request, status=ChangeRequestStatus.APPROVED)
    assert field in refused.value.message_dict
    product.refresh_from_db()
    assert product.status == "approved" and product.tier == 2 and product.cas_numbers == []
    assert product.ccc_certificate

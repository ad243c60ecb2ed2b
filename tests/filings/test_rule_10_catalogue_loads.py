"""Rule 10 (products): catalogue loads re-check what is pending.

When a catalogue edition comes into force (``handovers.CATALOGUE_EDITION_IN_FORCE``), submitted
product filings are classified again, in tasks of at most ``RECLASSIFY_CHUNK`` products, each change
audited with the old and the new classification; approved ones newly in tier 1 are flagged (rule 1).
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from catalogues.services import editions
from cbec_supervision import handovers
from cbec_supervision.choices import AuditAction
from cbec_supervision.models import AuditEvent
from filings import services
from filings.choices import Suspicion
from filings.models import ProductFiling
from filings.services import prohibited
from tests.builders import TOY

pytestmark = pytest.mark.django_db

TEE = {
    **TOY,
    "name": "纯棉T恤",
    "hs_code": "6109100021",
    "category": "textile",
    "subcategory": "clothing",
    "gtin": "",
    "ccc_certificate": "",
}


def _submitted(world, **fields):
    product = services.product_create(actor=world.alice, enterprise=world.alice_co, **{**TEE, **fields})
    return services.product_submit(actor=world.alice, product=product)


def _load(
    django_capture_on_commit_callbacks, kind="legal_inspection", content="HS编码,名称,备注\n6109,针织T恤衫,法检\n"
):
    with django_capture_on_commit_callbacks(execute=True):
        return editions.catalogue_import(
            actor="test",
            kind=kind,
            edition="2026 test",
            effective_from=timezone.localdate(),
            content=content.encode(),
            filename="catalogue.csv",
        )


def test_rule_10_the_filings_receiver_is_connected():
    assert "filings.services.prohibited.catalogue_edition_in_force" in handovers.receivers(
        handovers.CATALOGUE_EDITION_IN_FORCE
    )


def test_rule_10_catalogue_load_reclassifies_submitted_products(
    world, approved_alice_co, django_capture_on_commit_callbacks
):
    product = _submitted(world)
    assert product.tier == 3
    edition = _load(django_capture_on_commit_callbacks)
    product.refresh_from_db()
    assert product.tier == 2
    assert [r["catalogue"] for r in product.classification["reasons"]] == ["legal_inspection"]
    assert product.classification["editions"]["legal_inspection"]["id"] == edition.pk
    event = AuditEvent.objects.for_object(product).get(action=AuditAction.RECLASSIFY)
    assert (event.before["tier"], event.after["tier"]) == (3, 2)
    assert event.before["classification"]["reasons"] == []
    assert event.after["classification"]["reasons"][0]["entry"] == "6109 针织T恤衫"
    assert event.actor_label == "task:filings.reclassify_products"
    # Idempotent: a second run (a redelivered task) records nothing new.
    assert services.products_reclassify(actor="test", product_ids=[product.pk])["unchanged"] == 1
    assert AuditEvent.objects.for_object(product).filter(action=AuditAction.RECLASSIFY).count() == 1


def test_rule_10_drafts_and_decided_filings_are_left_alone(
    world, approved_alice_co, django_capture_on_commit_callbacks
):
    draft = services.product_create(actor=world.alice, enterprise=world.alice_co, **TEE)
    returned = _submitted(world, name="退回的T恤")
    services.product_return(actor=world.zj_inspector, product=returned, reason="补充标签")
    _load(django_capture_on_commit_callbacks)
    assert ProductFiling.objects.get(pk=draft.pk).tier is None
    assert ProductFiling.objects.get(pk=returned.pk).tier == 3


def test_rule_10_the_work_is_split_into_chunks(
    world, approved_alice_co, django_capture_on_commit_callbacks, monkeypatch
):
    products = [_submitted(world, name=f"T恤{n}") for n in range(5)]
    monkeypatch.setattr(prohibited, "RECLASSIFY_CHUNK", 2)
    calls = []
    original = prohibited.products_reclassify

    def spy(*, actor, product_ids):
        calls.append(list(product_ids))
        return original(actor=actor, product_ids=product_ids)

    monkeypatch.setattr("filings.tasks.products_reclassify", spy)
    _load(django_capture_on_commit_callbacks)
    assert calls == [[p.pk for p in products[:2]], [p.pk for p in products[2:4]], [products[4].pk]]
    assert set(ProductFiling.objects.filter(pk__in=[p.pk for p in products]).values_list("tier", flat=True)) == {2}


def test_rule_10_a_new_suspicion_waits_for_the_reviewer(world, approved_alice_co, django_capture_on_commit_callbacks):
    product = _submitted(world, name="纯棉T恤 灭蚁灵图案")
    assert product.suspicion == Suspicion.NONE  # 灭蚁灵 is not in the shipped excerpt
    _load(
        django_capture_on_commit_callbacks,
        kind="restricted_toxic",
        content="序号,品名,别名,CAS号,备注\n1,灭蚁灵,,2385-85-5,剧毒\n",
    )
    product.refresh_from_db()
    assert (product.tier, product.suspicion) == (1, Suspicion.PENDING)
    assert product.classification["needs_confirmation"] is True


def test_rule_10_a_dismissed_suspicion_stays_dismissed(world, approved_alice_co, django_capture_on_commit_callbacks):
    product = _submitted(world, name="纯棉T恤 氰化钠图案")
    assert product.suspicion == Suspicion.PENDING
    services.product_suspicion_decide(actor=world.zj_inspector, product=product, confirmed=False, reason="图案文字")
    _load(django_capture_on_commit_callbacks)
    product.refresh_from_db()
    assert (product.tier, product.suspicion) == (2, Suspicion.DISMISSED)
    assert [r["catalogue"] for r in product.classification["reasons"]] == ["legal_inspection"]
    assert [r["value"] for r in product.classification["dismissed"]] == ["氰化钠"]

"""Rule 10 (imports): a catalogue edition in force re-checks the batch lines still pending.

Lines awaiting on-site verification are classified again under the editions in force (in tasks of at
most ``RECHECK_CHUNK`` batches), each change audited with both decisions; a line the new edition
certainly prohibits is refused at once and handed to risk monitoring; released and refused lines are
decisions taken and stay as they are.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from catalogues.services import editions
from cbec_supervision import handovers
from cbec_supervision.models import AuditEvent
from filings.choices import FilingStatus
from imports.models import ImportBatch
from imports.services import recheck
from imports.services.declarations import import_batch_declare
from tests.factories import ProductFilingFactory
from tests.imports.batch_api import BABY_GARMENTS, TOYS
from tests.imports.filed import filed_product

pytestmark = pytest.mark.django_db

AMOUNTS = {"quantity": 10, "unit": "件", "value_cny": "100.00", "origin_country": "JP"}
#: n-butyl acetate: in none of the shipped catalogues
BUTYL_ACETATE = "序号,品名,别名,CAS号,备注\n1,乙酸正丁酯,醋酸丁酯,123-86-4,\n"


def _load(capture, content=BUTYL_ACETATE, kind="precursor_chemicals"):
    with capture(execute=True):
        return editions.catalogue_import(
            actor="test",
            kind=kind,
            edition="2026 增补",
            effective_from=timezone.localdate(),
            content=content.encode(),
            filename="catalogue.csv",
        )


@pytest.fixture
def pending(world, approved_alice_co):
    """A batch with a toy (tier 2, awaiting verification), a solvent (out of scope: tier 2, awaiting) and
    garments (released on declaration)."""
    solvent = ProductFilingFactory(
        enterprise=approved_alice_co,
        name="指甲油稀释剂",
        hs_code="3814000000",
        cas_numbers=["123-86-4"],
        status=FilingStatus.APPROVED,
    )
    lines = [
        {"product": filed_product(approved_alice_co, TOYS).pk, **AMOUNTS},
        {"product": solvent.pk, **AMOUNTS},
        {"product": filed_product(approved_alice_co, BABY_GARMENTS).pk, **AMOUNTS},
    ]
    batch = import_batch_declare(actor=world.alice, items=lines, port_bureau="ZJ")
    assert [(i.tier, i.status) for i in batch.items.order_by("line_no")] == [
        (2, "verification_required"),
        (2, "verification_required"),
        (3, "released"),
    ]
    return batch


def test_rule_10_the_imports_receiver_is_connected():
    assert "imports.services.recheck.catalogue_edition_in_force" in handovers.receivers(
        handovers.CATALOGUE_EDITION_IN_FORCE
    )


def test_rule_10_a_new_edition_refuses_a_pending_line_it_prohibits(world, pending, django_capture_on_commit_callbacks):
    received = []
    handovers.connect(handovers.ITEMS_REFUSED, received.append)
    try:
        edition = _load(django_capture_on_commit_callbacks)
    finally:
        handovers.disconnect(handovers.ITEMS_REFUSED, received.append)
    batch = ImportBatch.objects.get(pk=pending.pk)
    toy, solvent, garments = batch.items.order_by("line_no")
    assert (solvent.tier, solvent.status, solvent.follow_up) == (1, "refused", "refuse_entry")
    assert (toy.tier, toy.status) == (2, "verification_required")
    assert garments.status == "released"
    assert (batch.status, batch.tier) == ("partially_refused", 1)
    assert batch.editions["precursor_chemicals"]["id"] == edition.pk
    (announcement,) = received
    assert announcement.payload["items"] == [{"id": solvent.pk, "line_no": 2, "hs_code": "3814000000"}]
    # Both decisions on the record: the old reasons and editions before, the new ones after.
    event = AuditEvent.objects.for_object(solvent).get(action="update")
    assert event.before["tier"] == 2 and event.after["tier"] == 1
    assert event.before["editions"]["precursor_chemicals"]["id"] != edition.pk
    assert event.after["editions"]["precursor_chemicals"]["id"] == edition.pk
    assert any(r["value"] == "123-86-4" for r in event.after["reasons"])
    assert "2026 增补" in event.reason


def test_rule_10_an_edition_that_changes_nothing_records_nothing(world, pending, django_capture_on_commit_callbacks):
    _load(django_capture_on_commit_callbacks, content="序号,品名,别名,CAS号,备注\n1,某物质,,50-00-0,\n")
    batch = ImportBatch.objects.get(pk=pending.pk)
    assert batch.status == "verification_required"
    for obj in (batch, *batch.items.all()):
        assert not AuditEvent.objects.for_object(obj).filter(action="update").exists()


def test_rule_10_decided_lines_are_not_reopened(world, approved_alice_co, django_capture_on_commit_callbacks):
    solvent = ProductFilingFactory(
        enterprise=approved_alice_co,
        name="指甲油稀释剂",
        hs_code="3924100000",
        cas_numbers=["123-86-4"],
        status=FilingStatus.APPROVED,
    )  # household plastics: in scope, tier 3, released at once
    batch = import_batch_declare(actor=world.alice, items=[{"product": solvent.pk, **AMOUNTS}], port_bureau="ZJ")
    assert batch.status == "released"
    _load(django_capture_on_commit_callbacks)
    item = batch.items.get()
    assert (item.tier, item.status) == (3, "released")


def test_rule_10_the_work_is_split_into_chunks(world, pending, django_capture_on_commit_callbacks, monkeypatch):
    second = import_batch_declare(
        actor=world.alice, items=[{"product": pending.items.get(line_no=1).product_id, **AMOUNTS}], port_bureau="ZJ"
    )
    monkeypatch.setattr(recheck, "RECHECK_CHUNK", 1)
    calls = []

    def spy(*, actor, batch_ids, edition=""):
        calls.append(list(batch_ids))
        return {"lines": 0, "changed": 0, "refused": 0}

    monkeypatch.setattr("imports.tasks.batches_recheck", spy)
    _load(django_capture_on_commit_callbacks)
    assert calls == [[pending.pk], [second.pk]]


def test_rule_10_running_twice_changes_nothing_more(world, pending, django_capture_on_commit_callbacks):
    _load(django_capture_on_commit_callbacks)
    counts = recheck.batches_recheck(actor="test", batch_ids=[pending.pk], edition="again")
    assert counts == {"lines": 1, "changed": 0, "refused": 0}


def test_rule_10_a_dismissed_suspicion_stays_dismissed_and_a_new_one_awaits_a_decision(
    world, approved_alice_co, django_capture_on_commit_callbacks
):
    from imports.services.verification import import_item_confirm
    from tests.imports.batch_api import SUSPECT_CLEANER

    cleaner = filed_product(approved_alice_co, SUSPECT_CLEANER)  # "含甲醛溶液的清洁剂": a suspected match
    batch = import_batch_declare(actor=world.alice, items=[{"product": cleaner.pk, **AMOUNTS}], port_bureau="ZJ")
    item = batch.items.get()
    import_item_confirm(actor=world.zj_inspector, item=item, confirmed=False, note="成分表不含甲醛")
    item.refresh_from_db()
    assert (item.confirmation, item.tier, item.status) == ("dismissed", 3, "verification_required")

    # An edition that changes nothing for this line leaves the dismissal alone.
    _load(django_capture_on_commit_callbacks)
    item.refresh_from_db()
    assert item.confirmation == "dismissed" and item.reasons == []

    # A new edition naming something else in the description brings a new suspicion to decide.
    _load(
        django_capture_on_commit_callbacks,
        kind="restricted_toxic",
        content="序号,品名,别名,CAS号,备注\n1,清洁剂,,,\n",
    )
    item.refresh_from_db()
    assert item.confirmation == "pending" and item.tier == 1
    assert [r["value"] for r in item.reasons] == ["清洁剂"]  # the dismissed 甲醛溶液 is not raised again

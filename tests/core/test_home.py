"""The home page's work queues: each app contributes its own, in one fixed order, at a fixed cost."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cbec_supervision.home import work_queues

pytestmark = pytest.mark.django_db


def titles(user) -> list[str]:
    return [str(queue.title) for queue in work_queues(user)]


def queries_of(user) -> int:
    with CaptureQueriesContext(connection) as queries:
        work_queues(user)
    return len(queries.captured_queries)


def test_an_enterprise_user_sees_its_filing_products_batches_and_notifications_in_that_order(world):
    assert titles(world.alice) == [
        "My enterprise filing",
        "Products: Draft",
        "Products: Returned for correction",
        "Products: Submitted",
        "Products: Approved",
        "Batches awaiting verification",
        "Unread notifications",
    ]


def test_bureau_staff_see_the_verifications_among_the_review_queues(world):
    assert titles(world.zj_inspector) == [
        "Filings awaiting review",
        "Products awaiting review",
        "Open on-site verifications",
        "Risk signals to triage",
        "Risk dashboard",
        "Investigations to lead",
        "Notices to acknowledge",
        "Measures to verify",
        "Consumer risk notices to review",
        "Change requests pending",
        "Counterfeit leads to triage",
        "Counterfeit cases waiting for you",
        "Overdue reviews",
        "Approved enterprises",
        "Approved products",
        "All enterprise filings",
        "All product filings",
    ]


def test_headquarters_see_the_bureaus_last_and_no_verifications(world):
    queues = titles(world.hq)
    assert queues[-1] == "Bureaus" and "Open on-site verifications" not in queues
    assert queues[:2] == ["Filings awaiting review", "Products awaiting review"]


def test_the_queues_cost_a_fixed_number_of_queries(world):
    # As before the queues were registered per app: one aggregate per kind of filing, one count per queue.
    # Bureau staff have five more: the risk-signal queue of their jurisdiction, the investigations their
    # bureau leads, the notices to acknowledge, the consumer risk notices to review, the measures to
    # verify; their administrators one more: the strict-supervision proposals. Two more for the counterfeit
    # leads to triage and the counterfeit cases waiting for them (issue 12).
    assert queries_of(world.alice) == 4
    assert queries_of(world.zj_inspector) == 11
    assert queries_of(world.zj_admin) == 12
    assert queries_of(world.hq) == 4


def test_an_app_registers_its_queues_once_and_they_take_their_rank(world, monkeypatch):
    from cbec_supervision import home

    monkeypatch.setattr(home, "_providers", list(home._providers))

    def sampling_queues(user):
        return [home.Queue("Samplings to plan", 3, "/samplings/", rank=122)]

    home.register_queues(sampling_queues)
    home.register_queues(sampling_queues)
    queues = titles(world.zj_inspector)
    assert queues.count("Samplings to plan") == 1
    assert queues[2:5] == ["Open on-site verifications", "Samplings to plan", "Risk signals to triage"]

"""Every new signal is matched to filed goods (issue 10): by GTIN linked at once, by brand and model or
by name proposed; an inspector confirms or rejects a proposal (page and API); the queue of each matched
product's bureau holds the signal; unmatched overseas notices are browsed by every bureau."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cbec_supervision.models import AuditEvent
from filings.choices import FilingStatus
from risk_monitoring.models import RiskSignal, SignalMatchProposal
from risk_monitoring.services import risk_signal_create, risk_signal_report
from risk_monitoring.services.matching import CandidatePool, Probe, stored_forms
from tests.conftest import api_as
from tests.factories import ProductFilingFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk-signals/"


@pytest.fixture
def filed(goods):
    """Alice Co's (ZJ) heater filed with an EAN-13, Bob Co's (GD) Dreamy DS-77 sleeping bag."""
    approved = {"status": FilingStatus.APPROVED}
    goods.heater = ProductFilingFactory(
        enterprise=goods.alice_co, gtin="0036000291452", name="暖风机", name_en="Ceramic space heater", **approved
    )
    goods.bag = ProductFilingFactory(
        enterprise=goods.bob_co, name="婴儿睡袋", name_en="Baby sleeping bag", brand="Dreamy", model="DS-77", **approved
    )
    return goods


def test_stored_forms_of_a_gtin14():
    assert stored_forms("00036000291452") == ["00036000291452", "0036000291452", "036000291452"]
    assert stored_forms("00000073513537") == ["00000073513537", "0000073513537", "000073513537", "73513537"]
    assert stored_forms("05702016616316") == ["05702016616316", "5702016616316"]


def test_a_staff_signal_with_a_upc_a_is_linked_to_the_product_filed_with_its_ean13(filed):
    signal = risk_signal_create(actor=filed.gd_inspector, source="complaint", title="过热", gtin="036000291452")
    signal.refresh_from_db()
    assert signal.product_ids() == [filed.heater.pk]
    assert (signal.product, signal.enterprise, signal.competent_bureau) == (filed.heater, filed.alice_co, filed.zj)
    assert signal.category == "light_industry"  # the product's, as none was given
    assert signal in RiskSignal.objects.queue_of(filed.zj_inspector)
    assert AuditEvent.objects.filter(object_id=str(signal.pk), reason="Matched to filed goods.").exists()


def test_a_draft_product_is_never_matched(filed):
    ProductFilingFactory(enterprise=filed.alice_co, gtin="4006381333931")
    signal = risk_signal_create(actor=filed.zj_inspector, source="inspection", title="x", gtin="4006381333931")
    assert signal.product_ids() == []


def test_brand_and_model_written_differently_are_proposed_not_linked(filed):
    signal = risk_signal_create(
        actor=filed.zj_inspector, source="inspection", title="睡袋帽绳", brand="ＤＲＥＡＭＹ", model="ds 77"
    )
    assert signal.product_ids() == []
    assert list(signal.match_proposals.values_list("product", "how", "status")) == [
        (filed.bag.pk, "brand_model", "proposed")
    ]


def test_a_name_is_proposed_both_ways_and_a_short_name_is_not(filed):
    short = ProductFilingFactory(enterprise=filed.alice_co, name="熊", name_en="Bear", status=FilingStatus.APPROVED)
    signal = risk_signal_create(
        actor=filed.zj_inspector, source="complaint", title="Recall of the ceramic space heater model 2024 bear"
    )
    proposed = dict(signal.match_proposals.values_list("product", "how"))
    assert proposed == {filed.heater.pk: "name"}
    assert short.pk not in proposed
    pool = CandidatePool([Probe(names=("space",))])  # a word too short to mean anything on its own
    assert pool.matches(0) == []


def test_an_enterprise_report_is_matched_to_its_own_goods_only(filed):
    ProductFilingFactory(enterprise=filed.bob_co, gtin="0036000291452", status=FilingStatus.APPROVED)
    signal = risk_signal_report(actor=filed.alice, title="自查发现过热", gtin="036000291452")
    assert signal.product_ids() == [filed.heater.pk]


def test_a_proposal_confirmed_over_the_api_links_the_product(filed):
    signal = risk_signal_create(actor=filed.zj_inspector, source="inspection", title="x", brand="Dreamy", model="DS77")
    (proposal,) = signal.match_proposals.all()
    client = api_as(filed.gd_inspector)  # the bureau of the proposed product's enterprise
    listed = client.get(f"{URL}{signal.pk}/proposals/").json()
    assert [(p["product"], p["how"], p["status"], p["bureau"]) for p in listed] == [
        (filed.bag.pk, "brand_model", "proposed", "GD")
    ]
    response = client.post(f"{URL}{signal.pk}/proposals/{proposal.pk}/confirm/", {"reason": "同款"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed" and response.json()["decided_by"] == "gd_inspector"
    data = client.get(f"{URL}{signal.pk}/").json()
    assert (data["product"], data["products"], data["enterprise"]) == (filed.bag.pk, [filed.bag.pk], filed.bob_co.pk)
    again = client.post(f"{URL}{signal.pk}/proposals/{proposal.pk}/reject/", {}, format="json")
    assert again.status_code == 400 and "status" in again.json()


def test_who_may_decide_a_proposal(filed):
    other = ProductFilingFactory(
        enterprise=filed.alice_co, brand="Dreamy", model="DS-77", name="睡袋", status=FilingStatus.APPROVED
    )
    signal = risk_signal_create(
        actor=filed.zj_inspector,
        source="inspection",
        title="x",
        brand="Dreamy",
        model="DS-77",
        products=[filed.alice_toy],
    )
    ours = signal.match_proposals.get(product=other)
    theirs = signal.match_proposals.get(product=filed.bag)
    # GD is neither the competent bureau (ZJ) nor Alice Co's: 403 on Alice Co's product
    gd = api_as(filed.gd_inspector)
    assert gd.post(f"{URL}{signal.pk}/proposals/{ours.pk}/reject/", {}, format="json").status_code == 403
    # an enterprise reads nothing of a staff signal: 404
    assert api_as(filed.alice).post(f"{URL}{signal.pk}/proposals/{ours.pk}/confirm/").status_code == 404
    # a proposal of another signal: 404
    assert gd.post(f"{URL}{signal.pk}/proposals/999999/confirm/").status_code == 404
    assert (
        gd.post(f"{URL}{signal.pk}/proposals/{theirs.pk}/reject/", {"reason": "不同款"}, format="json").json()["status"]
        == "rejected"
    )
    signal.refresh_from_db()
    assert signal.product_ids() == [filed.alice_toy.pk]


def test_the_detail_page_shows_the_proposals_and_their_buttons(filed, client):
    signal = risk_signal_create(actor=filed.zj_inspector, source="inspection", title="x", brand="dreamy", model="ds-77")
    (proposal,) = signal.match_proposals.all()
    client.force_login(filed.gd_inspector)
    page = client.get(signal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="signal-proposal"' in page and 'data-testid="proposal-confirm"' in page
    client.post(reverse("risk_monitoring:proposal_reject", args=[signal.pk, proposal.pk]), {"reason": "不是"})
    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    page = client.get(signal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-testid="proposal-confirm"' not in page and "Rejected" in page
    client.post(reverse("risk_monitoring:proposal_confirm", args=[signal.pk, proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.status == "rejected"  # decided once


def test_a_signal_matched_to_goods_of_two_bureaus_is_in_both_queues_and_unmatched_ones_in_none(filed):
    ProductFilingFactory(enterprise=filed.bob_co, gtin="036000291452", status=FilingStatus.APPROVED)
    both = risk_signal_create(
        actor=filed.hq, source="overseas_notification", title="Heater", gtin="036000291452", overseas_reference="X-1"
    )
    lonely = risk_signal_create(
        actor=filed.hq, source="overseas_notification", title="Kite", gtin="73513537", overseas_reference="X-2"
    )
    assert both in RiskSignal.objects.queue_of(filed.zj_inspector)
    assert both in RiskSignal.objects.queue_of(filed.gd_inspector)
    assert lonely not in RiskSignal.objects.queue_of(filed.zj_inspector)
    assert lonely not in RiskSignal.objects.queue_of(filed.gd_inspector)
    ids = [row["id"] for row in api_as(filed.gd_inspector).get(f"{URL}?unmatched=true").json()["results"]]
    assert ids == [lonely.pk]
    assert [row["id"] for row in api_as(filed.hq).get(f"{URL}?unmatched=true").json()["results"]] == [lonely.pk]
    mine = [row["id"] for row in api_as(filed.gd_inspector).get(f"{URL}?mine=true").json()["results"]]
    assert both.pk in mine


def test_the_queue_costs_a_fixed_number_of_queries(filed, django_assert_max_num_queries):
    for n in range(10):
        risk_signal_create(actor=filed.hq, source="overseas_notification", title=f"t{n}", gtin="036000291452")
    client = api_as(filed.zj_inspector)
    with django_assert_max_num_queries(8):
        response = client.get(f"{URL}?mine=true")
    assert response.json()["count"] == 10


def test_a_proposal_is_not_offered_again_for_a_product_already_linked(filed):
    signal = risk_signal_create(
        actor=filed.gd_inspector,
        source="complaint",
        title="x",
        brand="Dreamy",
        model="DS-77",
        products=[filed.bag],
    )
    assert not SignalMatchProposal.objects.filter(signal=signal).exists()


def test_the_bureau_of_a_linked_product_triages_the_signal_in_its_queue(filed):
    ProductFilingFactory(enterprise=filed.bob_co, gtin="036000291452", status=FilingStatus.APPROVED)
    signal = risk_signal_create(
        actor=filed.hq, source="overseas_notification", title="Heater", gtin="036000291452", overseas_reference="X-9"
    )
    assert signal.competent_bureau == filed.zj
    response = api_as(filed.gd_inspector).post(
        f"{URL}{signal.pk}/assess/", {"severity": "high", "reason": "同款在售"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "assessed"

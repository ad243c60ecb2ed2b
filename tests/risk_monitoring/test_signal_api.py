"""``risk-signals/`` (issue 10): the national network reads every signal, an enterprise its own reports;
intake by staff and enterprises; triage actions; the bureau's queue."""

from __future__ import annotations

import pytest

from risk_monitoring.models import RiskSignal
from tests.conftest import api_as
from tests.factories import ProductFilingFactory
from tests.scoping import ScopedAccessTests, ScopedPageTests

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk-signals/"
STAFF = frozenset({"same_bureau_inspector", "other_bureau_inspector", "port_bureau_inspector", "hq"})


class _SignalScope(ScopedAccessTests, ScopedPageTests):
    route = "risk-signals"
    editable_by = None
    html_detail_url_name = "risk_monitoring:signal_detail"
    source = ""

    def make_object(self, world):
        signal = RiskSignal.objects.create(
            source=self.source, title="小零件脱落", enterprise=world.alice_co, competent_bureau=world.zj
        )
        signal.products.add(ProductFilingFactory(enterprise=world.alice_co))
        return signal


class TestAnEnterpriseReportIsReadByItsEnterpriseAndEveryBureau(_SignalScope):
    source = "enterprise_report"
    visible_to = STAFF | {"owner"}


class TestAStaffSignalIsReadByEveryBureauNotByTheEnterprise(_SignalScope):
    source = "complaint"
    visible_to = STAFF


def test_staff_create_a_signal_naming_another_bureaus_product(goods):
    response = api_as(goods.gd_inspector).post(
        URL,
        {
            "source": "overseas_notification",
            "title": "Safety Gate A12/00123/25",
            "product": goods.alice_toy.pk,
            "products": [goods.bob_kettle.pk],
            "hazard": "choking",
            "overseas_reference": "A12/00123/25",
            "origin_country": "cn",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["product"], body["products"]) == (goods.alice_toy.pk, [goods.alice_toy.pk, goods.bob_kettle.pk])
    assert (body["enterprise"], body["reported_by"], body["severity"], body["status"]) == (
        goods.alice_co.pk,
        "GD",
        "",
        "new",
    )
    assert body["origin_country"] == "CN"


def test_an_enterprise_users_signal_is_its_own_report_whatever_it_sends(goods):
    response = api_as(goods.alice).post(
        URL,
        {"source": "complaint", "title": "色牢度问题", "product": goods.alice_toy.pk, "enterprise": goods.bob_co.pk},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["source"], body["enterprise"], body["reported_by"]) == ("enterprise_report", goods.alice_co.pk, None)
    other = api_as(goods.alice).post(URL, {"title": "x", "product": goods.bob_kettle.pk}, format="json")
    assert other.status_code == 400 and "products" in other.json()


@pytest.mark.parametrize(
    "body",
    [
        {"source": "enterprise_report", "title": "x"},
        {"source": "complaint"},
        {"source": "complaint", "title": "x", "product": 2**70},
        {"source": "complaint", "title": "x", "product": 99999999},
        {"source": "complaint", "title": "x", "hazard": "radiation"},
        {"source": "complaint", "title": "x", "products": "abc"},
        {"title": "x"},
    ],
)
def test_bad_intake_answers_400_per_field(goods, body):
    response = api_as(goods.zj_inspector).post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    assert not RiskSignal.objects.exists()


def test_triage_over_the_api(goods):
    signal_id = (
        api_as(goods.gd_inspector)
        .post(URL, {"source": "complaint", "title": "x", "product": goods.alice_toy.pk}, format="json")
        .json()["id"]
    )
    gd, zj = api_as(goods.gd_inspector), api_as(goods.zj_inspector)
    assert gd.post(f"{URL}{signal_id}/assess/", {"severity": "high", "reason": "r"}, format="json").status_code == 403
    assert zj.post(f"{URL}{signal_id}/assess/", {"severity": "x", "reason": "r"}, format="json").status_code == 400
    response = zj.post(f"{URL}{signal_id}/assess/", {"severity": "high", "reason": "窒息风险"}, format="json")
    assert response.status_code == 200 and (response.json()["status"], response.json()["severity"]) == (
        "assessed",
        "high",
    )
    again = zj.post(f"{URL}{signal_id}/assess/", {"severity": "low", "reason": "r"}, format="json")
    assert again.status_code == 400 and "status" in again.json()
    assert zj.post(f"{URL}{signal_id}/close/", {}, format="json").status_code == 400
    closed = zj.post(f"{URL}{signal_id}/close/", {"reason": "已处置"}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_an_enterprise_does_not_triage_its_own_report(goods):
    signal_id = api_as(goods.alice).post(URL, {"title": "x"}, format="json").json()["id"]
    response = api_as(goods.alice).post(f"{URL}{signal_id}/assess/", {"severity": "low", "reason": "r"}, format="json")
    assert response.status_code == 403


def test_duplicates_over_the_api(goods):
    client = api_as(goods.zj_inspector)
    first, second = (
        client.post(URL, {"source": "complaint", "title": t, "enterprise": goods.alice_co.pk}, format="json").json()[
            "id"
        ]
        for t in ("a", "b")
    )
    assert client.post(f"{URL}{second}/duplicate/", {"duplicate_of": 99999999}, format="json").status_code == 400
    response = client.post(f"{URL}{second}/duplicate/", {"duplicate_of": first}, format="json")
    assert response.status_code == 200 and response.json()["duplicate_of"] == first


def test_filters_and_my_queue(goods):
    zj = api_as(goods.zj_inspector)
    zj.post(URL, {"source": "complaint", "title": "a", "product": goods.alice_toy.pk, "hazard": "fire"}, format="json")
    zj.post(URL, {"source": "sampling", "title": "b", "product": goods.bob_kettle.pk}, format="json")

    def titles(client, query):
        return sorted(row["title"] for row in client.get(f"{URL}?{query}").json()["results"])

    assert titles(zj, "mine=true") == ["a"]
    assert titles(api_as(goods.gd_inspector), "mine=true") == ["b"]
    assert titles(zj, "source=sampling") == ["b"]
    assert titles(zj, "hazard=fire") == ["a"]
    assert titles(zj, f"product={goods.bob_kettle.pk}") == ["b"]
    assert titles(zj, f"enterprise={goods.alice_co.pk}") == ["a"]
    assert titles(zj, "reported_by=ZJ") == ["a", "b"]
    assert titles(zj, "status=new&severity=high") == []
    assert zj.get(f"{URL}?product=abc").status_code == 400


def test_the_list_costs_a_fixed_number_of_queries(goods, django_assert_max_num_queries):
    client = api_as(goods.zj_inspector)
    for n in range(25):
        client.post(
            URL,
            {"source": "complaint", "title": f"s{n}", "products": [goods.alice_toy.pk, goods.bob_kettle.pk]},
            format="json",
        )
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert response.json()["count"] == 25

"""Risk-signal pages (issue 10): the list, the detail with its triage forms, intake by staff and enterprises."""

from __future__ import annotations

import pytest
from django.urls import reverse

from risk_monitoring.models import RiskSignal
from risk_monitoring.services import risk_signal_create

pytestmark = pytest.mark.django_db

LIST = reverse("risk_monitoring:signal_list")
NEW = reverse("risk_monitoring:signal_create")


def _signal(goods):
    return risk_signal_create(
        actor=goods.gd_inspector, source="complaint", title="小零件脱落", products=[goods.alice_toy]
    )


def test_staff_see_the_list_and_their_queue_with_a_fixed_number_of_queries(
    goods, client, django_assert_max_num_queries
):
    for _ in range(3):
        _signal(goods)
    client.force_login(goods.zj_inspector)
    client.get(LIST)
    for _ in range(20):
        _signal(goods)
    with django_assert_max_num_queries(30):
        response = client.get(f"{LIST}?mine=true")
    assert response.status_code == 200
    assert response.content.count(b'data-testid="signal-row"') == 23
    assert b'data-testid="nav-risk-signals"' in response.content


def test_the_competent_bureau_triages_on_the_detail_page(goods, client):
    signal = _signal(goods)
    url = signal.get_absolute_url()
    client.force_login(goods.gd_inspector)
    assert b'data-testid="assess-form"' not in client.get(url).content
    client.force_login(goods.zj_inspector)
    page = client.get(url)
    assert b'data-testid="assess-form"' in page.content and b'data-testid="close-form"' in page.content
    client.post(reverse("risk_monitoring:signal_assess", args=[signal.pk]), {"severity": "high", "reason": "窒息"})
    signal.refresh_from_db()
    assert (signal.status, signal.severity) == ("assessed", "high")
    client.post(reverse("risk_monitoring:signal_close", args=[signal.pk]), {"reason": ""})
    signal.refresh_from_db()
    assert signal.status == "assessed"
    client.post(reverse("risk_monitoring:signal_close", args=[signal.pk]), {"reason": "已处置"})
    signal.refresh_from_db()
    assert signal.status == "closed"


def test_another_bureau_posting_a_triage_changes_nothing(goods, client):
    signal = _signal(goods)
    client.force_login(goods.gd_inspector)
    client.post(reverse("risk_monitoring:signal_assess", args=[signal.pk]), {"severity": "high", "reason": "r"})
    signal.refresh_from_db()
    assert signal.status == "new"


def test_staff_enter_a_new_signal(goods, client):
    client.force_login(goods.zj_inspector)
    assert client.get(NEW).status_code == 200
    response = client.post(
        NEW, {"source": "inspection", "title": "标签缺失", "hazard": "labelling", "product": goods.bob_kettle.pk}
    )
    signal = RiskSignal.objects.get()
    assert response.status_code == 302 and response.url == signal.get_absolute_url()
    assert (signal.source, signal.enterprise, signal.reported_by) == ("inspection", goods.bob_co, goods.zj)
    refused = client.post(
        NEW, {"source": "inspection", "title": "x", "hazard": "other", "product": goods.alice_draft.pk}
    )
    assert refused.status_code == 200 and RiskSignal.objects.count() == 1


def test_an_enterprise_reports_a_risk_about_its_own_goods(goods, client):
    client.force_login(goods.alice)
    page = client.get(NEW)
    assert page.status_code == 200 and goods.alice_toy.name.encode() in page.content
    assert goods.bob_kettle.name.encode() not in page.content
    assert b'data-testid="nav-risk-report"' in page.content
    response = client.post(NEW, {"title": "电池过热", "hazard": "fire", "product": goods.alice_toy.pk})
    signal = RiskSignal.objects.get()
    assert response.status_code == 302
    assert (signal.source, signal.enterprise, signal.product) == ("enterprise_report", goods.alice_co, goods.alice_toy)
    listed = client.get(LIST)
    assert listed.status_code == 200 and "电池过热".encode() in listed.content
    assert b'data-testid="assess-form"' not in client.get(signal.get_absolute_url()).content


def test_an_enterprise_does_not_see_staff_signals(goods, client):
    signal = _signal(goods)
    client.force_login(goods.alice)
    assert client.get(signal.get_absolute_url()).status_code == 404
    assert "小零件脱落".encode() not in client.get(LIST).content


def test_the_home_page_shows_the_bureaus_queue(goods, client):
    _signal(goods)
    client.force_login(goods.zj_inspector)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Risk signals to triage" in response.content.decode()

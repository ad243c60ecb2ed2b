"""Sampling-plan pages (issue 10): the list, the generate form, the detail with its adjustments; scoping
(another bureau 404, enterprises 403) and query budgets."""

from __future__ import annotations

import pytest
from django.urls import reverse

from filings.choices import FilingStatus
from risk_monitoring import plan_views, services
from risk_monitoring.models import Lab, SamplingPlan
from tests.factories import ProductFilingFactory

pytestmark = pytest.mark.django_db

LIST = reverse("risk_monitoring:plan_list")
NEW = reverse("risk_monitoring:plan_generate")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def shelf(goods):
    goods.zj_goods = [goods.alice_toy] + [
        ProductFilingFactory(enterprise=goods.alice_co, status=FilingStatus.APPROVED) for _ in range(14)
    ]
    goods.lab_a = Lab.objects.create(name="SGS Shanghai", name_key="sgs shanghai")
    goods.lab_b = Lab.objects.create(name="CTI Hangzhou", name_key="cti hangzhou")
    return goods


def _plan(shelf, **kwargs):
    params = {"month": "2026-12", "size": 5, "labs": [(shelf.lab_a, 3), (shelf.lab_b, 3)], "seed": 99}
    params.update(kwargs)
    return services.plan_generate(actor=shelf.zj_inspector, **params)


def test_an_inspector_generates_a_plan_on_the_form(shelf, client):
    client.force_login(shelf.zj_inspector)
    page = client.get(NEW, **EN)
    assert page.status_code == 200 and b'data-testid="plan-form"' in page.content
    response = client.post(
        NEW,
        {
            "month": "2026-12",
            "size": 6,
            "random_share": "0.20",
            "channel": "online",
            "lab_1": shelf.lab_a.pk,
            "capacity_1": 4,
            "lab_2": shelf.lab_b.pk,
            "capacity_2": 4,
        },
    )
    plan = SamplingPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert plan.items.count() == 6 and plan.items.filter(reason="random").count() == 2
    assert plan.seed is not None


def test_the_form_shows_refusals_on_its_fields(shelf, client):
    client.force_login(shelf.zj_inspector)
    response = client.post(
        NEW, {"month": "2026-13", "size": 6, "random_share": "0.2", "channel": "online", "lab_1": shelf.lab_a.pk}, **EN
    )
    assert response.status_code == 200 and not SamplingPlan.objects.exists()
    assert b"Give the laboratory&#x27;s capacity." in response.content
    response = client.post(
        NEW,
        {
            "month": "2026-13",
            "size": 6,
            "random_share": "0.2",
            "channel": "online",
            "lab_1": shelf.lab_a.pk,
            "capacity_1": 3,
        },
        **EN,
    )
    assert response.status_code == 200 and b"A month is written YYYY-MM." in response.content


def test_headquarters_reads_but_does_not_generate_and_enterprises_are_refused(shelf, client):
    plan = _plan(shelf)
    client.force_login(shelf.hq)
    assert client.get(LIST).status_code == 200
    assert client.get(plan.get_absolute_url()).status_code == 200
    assert client.get(NEW).status_code == 403
    client.force_login(shelf.alice)
    assert client.get(LIST).status_code == 403
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert client.get(NEW).status_code == 403


def test_another_bureau_gets_404_on_a_plan_and_does_not_see_it_listed(shelf, client):
    plan = _plan(shelf)
    client.force_login(shelf.gd_inspector)
    assert client.get(plan.get_absolute_url()).status_code == 404
    assert b'data-testid="plan-row"' not in client.get(LIST).content
    response = client.post(reverse("risk_monitoring:plan_publish", args=[plan.pk]))
    assert response.status_code == 404
    item = plan.items.first()
    response = client.post(reverse("risk_monitoring:plan_item_remove", args=[plan.pk, item.pk]), {"reason": "x"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_the_list_costs_a_fixed_number_of_queries(shelf, client, django_assert_max_num_queries):
    _plan(shelf)
    client.force_login(shelf.zj_inspector)
    client.get(LIST)
    for seed in range(8):
        _plan(shelf, seed=seed)
    with django_assert_max_num_queries(8):
        response = client.get(LIST, **EN)
    assert response.content.count(b'data-testid="plan-row"') == 9
    assert b'data-testid="nav-sampling-plans"' in response.content
    assert b'data-testid="plan-generate"' in response.content


def test_the_detail_shows_reasons_labs_and_adjust_actions_with_a_fixed_number_of_queries(
    shelf, client, django_assert_max_num_queries
):
    small = _plan(shelf, size=2)
    client.force_login(shelf.zj_inspector)
    client.get(small.get_absolute_url())
    plan = _plan(shelf, size=6, labs=[(shelf.lab_a, 10), (shelf.lab_b, 10)])
    with django_assert_max_num_queries(10):
        page = client.get(plan.get_absolute_url(), **EN)
    content = page.content.decode()
    assert content.count('data-testid="plan-item"') == 6
    assert content.count('data-testid="plan-item-reason"') == 6 and "Random" in content and "Risk" in content
    assert 'data-testid="plan-item-remove-form"' in content and 'data-testid="publish-form"' in content
    assert str(plan.seed) in content
    client.force_login(shelf.hq)
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="plan-item-remove-form"' not in page and 'data-testid="publish-form"' not in page


def test_adjusting_and_publishing_on_the_detail_page(shelf, client):
    plan = _plan(shelf, size=4, labs=[(shelf.lab_a, 3), (shelf.lab_b, 2)])
    items = list(plan.items.all())
    client.force_login(shelf.zj_inspector)
    url = plan.get_absolute_url()
    assert (
        client.post(reverse("risk_monitoring:plan_item_remove", args=[plan.pk, items[0].pk]), {"reason": ""}).url == url
    )
    items[0].refresh_from_db()
    assert not items[0].removed
    client.post(reverse("risk_monitoring:plan_item_remove", args=[plan.pk, items[0].pk]), {"reason": "停售"})
    items[0].refresh_from_db()
    assert items[0].removed and items[0].adjustment_note == "停售"
    outside = next(p for p in shelf.zj_goods if p.pk not in {i.product_id for i in items})
    client.post(
        reverse("risk_monitoring:plan_item_add", args=[plan.pk]),
        {"product": outside.pk, "lab": shelf.lab_b.pk, "reason": "投诉"},
    )
    added = plan.items.get(product=outside, removed=False)
    assert (added.reason, added.lab_id) == ("added", shelf.lab_b.pk)
    in_a = plan.items.filter(removed=False, lab=shelf.lab_a).first()
    response = client.post(
        reverse("risk_monitoring:plan_item_lab", args=[plan.pk, in_a.pk]), {"lab": shelf.lab_b.pk}, **EN
    )
    in_a.refresh_from_db()
    assert in_a.lab_id == shelf.lab_a.pk  # lab B is full (2 of 2)
    page = client.get(response.url, **EN).content.decode()
    assert "capacity for the month is used up" in page
    client.post(reverse("risk_monitoring:plan_publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == "published"
    page = client.get(url).content.decode()
    assert 'data-testid="plan-item-remove-form"' not in page
    client.post(reverse("risk_monitoring:plan_close", args=[plan.pk]), {"reason": ""})
    plan.refresh_from_db()
    assert plan.status == "closed"


def test_record_this_sampling_links_to_the_sampling_form_once_it_exists(shelf, client, monkeypatch):
    plan = _plan(shelf, size=2)
    services.plan_publish(actor=shelf.zj_inspector, plan=plan)
    client.force_login(shelf.zj_inspector)
    monkeypatch.setattr(plan_views, "SAMPLING_CREATE_URL_NAME", "risk_monitoring:no_such_page")
    assert b'data-testid="plan-item-record"' not in client.get(plan.get_absolute_url()).content
    monkeypatch.setattr(plan_views, "SAMPLING_CREATE_URL_NAME", "risk_monitoring:signal_create")
    page = client.get(plan.get_absolute_url()).content.decode()
    item = plan.items.first()
    assert f"{reverse('risk_monitoring:signal_create')}?product={item.product_id}&amp;plan_item={item.pk}" in page

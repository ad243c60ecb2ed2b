"""Sampling pages (issue 10): the list (fixed queries), a new sample with its results formset, the
detail with its results, signal and history, results entry and the lifecycle actions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from risk_monitoring.models import RiskSignal, Sampling
from risk_monitoring.services import sampling_create
from tests.risk_monitoring.conftest import FAIL_ITEM, PASS_ITEM

pytestmark = pytest.mark.django_db

LIST = reverse("risk_monitoring:sampling_list")
NEW = reverse("risk_monitoring:sampling_create")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _sampling(w, results=(PASS_ITEM,), **extra):
    return sampling_create(
        actor=w.gd_inspector,
        channel="offline",
        product=w.alice_toy,
        warehouse=w.warehouse,
        location="A区",
        sampled_at=timezone.now(),
        lab="SGS Shanghai",
        results=list(results),
        **extra,
    )


def _formset(rows, total=3):
    data = {"result-TOTAL_FORMS": str(total), "result-INITIAL_FORMS": "0", "result-MAX_NUM_FORMS": "200"}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"result-{index}-{name}"] = value
    return data


def test_the_list_costs_a_fixed_number_of_queries(sampling_world, client, django_assert_max_num_queries):
    w = sampling_world
    _sampling(w)
    client.force_login(w.zj_inspector)
    client.get(LIST)
    for _ in range(15):
        _sampling(w, results=(FAIL_ITEM,))
    with django_assert_max_num_queries(30):
        response = client.get(f"{LIST}?verdict=fail", **EN)
    assert response.status_code == 200
    assert response.content.count(b'data-testid="sampling-row"') == 15
    assert b'data-testid="nav-samplings"' in response.content


def test_staff_record_an_online_sample_with_results_on_the_form(sampling_world, client):
    w = sampling_world
    client.force_login(w.gd_inspector)
    page = client.get(NEW, **EN)
    assert page.status_code == 200 and b'data-testid="add-result"' in page.content
    data = {
        "channel": "online",
        "purpose": "routine",
        "product": w.alice_toy.pk,
        "sampled_at": "2026-11-20T10:00",
        "lab": "SGS Shanghai",
        "platform": w.tmall.pk,
        "url": "https://detail.tmall.hk/item.htm?id=1",
        "order_no": "TM1",
        "price_paid": "59.90",
        **_formset([PASS_ITEM, FAIL_ITEM]),
    }
    response = client.post(NEW, data)
    sampling = Sampling.objects.get()
    assert response.status_code == 302 and response.url == sampling.get_absolute_url()
    assert (sampling.verdict, sampling.status, sampling.results.count()) == ("fail", "results_entered", 2)
    detail = client.get(sampling.get_absolute_url(), **EN)
    assert b'data-testid="sampling-signal"' in detail.content
    assert detail.content.count(b'data-testid="result-row"') == 2
    assert b'data-testid="history"' in detail.content


def test_the_form_shows_the_services_refusals_per_field(sampling_world, client):
    w = sampling_world
    client.force_login(w.gd_inspector)
    data = {
        "channel": "online",
        "purpose": "routine",
        "product": w.alice_draft.pk,
        "sampled_at": "2026-11-20T10:00",
        "lab": "SGS",
        **_formset([{**PASS_ITEM, "verdict": ""}]),
    }
    response = client.post(NEW, data, **EN)
    assert response.status_code == 200
    form = response.context["form"]
    assert {"product", "order_no", "url"} <= set(form.errors)
    assert "Result 1" in " ".join(form.non_field_errors())
    assert not Sampling.objects.exists()


def test_an_enterprise_reads_its_own_samplings_but_takes_none(sampling_world, client):
    w = sampling_world
    sampling = _sampling(w, results=(FAIL_ITEM,))
    client.force_login(w.alice)
    assert client.get(NEW).status_code == 403
    page = client.get(sampling.get_absolute_url(), **EN)
    assert page.status_code == 200
    assert b'data-testid="sampling-signal"' not in page.content and b'data-testid="enter-results"' not in page.content
    assert client.get(LIST).content.count(b'data-testid="sampling-row"') == 1
    client.force_login(w.bob)
    assert client.get(sampling.get_absolute_url()).status_code == 404
    assert client.get(LIST).content.count(b'data-testid="sampling-row"') == 0
    assert client.get(reverse("risk_monitoring:sampling_results", args=[sampling.pk])).status_code == 404


def test_results_and_lifecycle_on_the_pages(sampling_world, client):
    w = sampling_world
    sampling = _sampling(w, results=())
    client.force_login(w.zj_inspector)
    assert b'data-testid="send-form"' not in client.get(sampling.get_absolute_url()).content
    client.post(reverse("risk_monitoring:sampling_send_to_lab", args=[sampling.pk]), {})
    sampling.refresh_from_db()
    assert sampling.status == "sampled"  # another bureau's sampling
    client.force_login(w.gd_inspector)
    client.post(reverse("risk_monitoring:sampling_send_to_lab", args=[sampling.pk]), {"lab_report_no": "R1"})
    sampling.refresh_from_db()
    assert (sampling.status, sampling.lab_report_no) == ("at_lab", "R1")
    url = reverse("risk_monitoring:sampling_results", args=[sampling.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"lab_report_no": "R1", **_formset([FAIL_ITEM])})
    sampling.refresh_from_db()
    assert (sampling.status, sampling.verdict) == ("results_entered", "fail")
    again = client.post(url, {"lab_report_no": "R1", **_formset([FAIL_ITEM, PASS_ITEM])}, **EN)
    assert again.status_code == 302, again.context["meta"].errors
    assert RiskSignal.objects.filter(source="sampling").count() == 1
    assert Sampling.objects.get().results.count() == 2
    page = client.get(url)
    assert page.context["formset"].initial[1]["test_item"] == PASS_ITEM["test_item"]
    client.post(reverse("risk_monitoring:sampling_close", args=[sampling.pk]), {"note": "完成"})
    sampling.refresh_from_db()
    assert sampling.status == "closed"
    response = client.post(url, _formset([PASS_ITEM]), **EN)
    assert response.status_code == 200 and Sampling.objects.get().verdict == "fail"


def test_the_history_reads_the_results_as_sentences_not_data(sampling_world, client):
    w = sampling_world
    sampling = _sampling(w, results=(FAIL_ITEM,))
    client.force_login(w.gd_inspector)
    page = client.get(sampling.get_absolute_url(), **EN).content.decode()
    history = page[page.index('data-testid="history"') :]
    assert FAIL_ITEM["unit"] == "" and "小零件 脱落 (limit 不得脱落): Fail" in history
    assert "Test results" in history and "test_results" not in history and "{&#x27;" not in history

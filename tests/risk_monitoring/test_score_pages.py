"""The risk-score pages: the riskiest subjects, a subject's score explained (factors translated, points
adding up, a bar each) with its history; an enterprise reaches its own from its home page, and
nothing else (404)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from risk_monitoring.models import RiskScore, RiskSignal

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def scored(goods):
    signal = RiskSignal.objects.create(source="complaint", title="t", enterprise=goods.alice_co)
    signal.products.set([goods.alice_toy])
    call_command("compute_risk_scores", stdout=io.StringIO())
    call_command("compute_risk_scores", stdout=io.StringIO())
    return goods


def _url(subject_type, subject_id):
    return reverse("risk_monitoring:score_detail", args=[subject_type, subject_id])


def test_staff_see_the_riskiest_lists(client, scored, django_assert_max_num_queries):
    client.force_login(scored.zj_inspector)
    with django_assert_max_num_queries(10):  # session, user, the page count and rows, the two top lists
        response = client.get(reverse("risk_monitoring:score_list"), **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Riskiest enterprises" in page and "Alice Co" in page and "Toys" in page
    assert page.count('data-testid="score-row"') == 5  # current scores only
    history = client.get(reverse("risk_monitoring:score_list"), {"history": "true"}, **EN).content.decode()
    assert history.count('data-testid="score-row"') == 10


def test_a_score_explained_with_its_factors_and_history(client, scored):
    client.force_login(scored.gd_inspector)
    page = client.get(_url("product", scored.alice_toy.pk), **EN).content.decode()
    assert "Complaints" in page and "1 complaints (recency-weighted)" in page
    assert "Sampling failure rate" in page and "Not sampled" in page
    assert page.count('data-testid="factor-row"') == 8
    assert page.count("progress-bar") == 8
    assert "History" in page
    row = RiskScore.objects.current().get(subject_type="product", subject_id=str(scored.alice_toy.pk))
    assert f"{int(row.score)} / 100" in page
    assert client.get(_url("subcategory", "toys"), **EN).status_code == 200


def test_an_enterprise_reads_its_own_scores_only(client, scored):
    client.force_login(scored.alice)
    home = client.get(reverse("home"), **EN).content.decode()
    assert "My risk score" in home and _url("enterprise", scored.alice_co.pk) in home
    assert client.get(_url("enterprise", scored.alice_co.pk), **EN).status_code == 200
    assert client.get(_url("product", scored.alice_toy.pk), **EN).status_code == 200
    for subject_type, subject_id in (
        ("enterprise", scored.bob_co.pk),
        ("product", scored.bob_kettle.pk),
        ("subcategory", "toys"),
        ("planet", "1"),
    ):
        assert client.get(_url(subject_type, subject_id), **EN).status_code == 404
    page = client.get(reverse("risk_monitoring:score_list"), **EN).content.decode()
    assert page.count('data-testid="score-row"') == 2 and "Bob Co" not in page

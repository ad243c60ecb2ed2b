"""``risk-scores/`` over the API: read-only, explained, scoped (an enterprise reads its own only), current
unless the history is asked, a fixed number of queries per page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from risk_monitoring.models import RiskScore
from tests.conftest import api_as

pytestmark = pytest.mark.django_db

URL = "/api/v1/risk-scores/"


@pytest.fixture
def scored(goods):
    call_command("compute_risk_scores", stdout=io.StringIO())
    call_command("compute_risk_scores", stdout=io.StringIO())  # a second run: history
    return goods


def _row(subject_type, subject_id):
    return RiskScore.objects.current().get(subject_type=subject_type, subject_id=str(subject_id))


def test_staff_read_every_current_score_with_its_factors(scored):
    response = api_as(scored.gd_inspector).get(URL)
    body = response.json()
    types = sorted(r["subject_type"] for r in body["results"])
    assert types == ["enterprise", "enterprise", "product", "product", "subcategory"]
    assert body["count"] == 5  # current only
    row = body["results"][0]
    assert set(row) >= {"subject_type", "subject_id", "score", "level", "factors", "computed_at"}
    assert 0 <= row["score"] <= 100 and row["level"] in ("high", "medium", "low")
    assert sum(f["contribution"] for f in row["factors"]) == row["score"]
    assert set(row["factors"][0]) >= {"name", "value", "weight", "contribution"}


def test_the_filters_and_the_history(scored):
    client = api_as(scored.zj_inspector)
    products = client.get(URL, {"subject_type": "product"}).json()
    assert products["count"] == 2
    one = client.get(URL, {"subject_type": "product", "subject_id": scored.alice_toy.pk}).json()
    assert one["count"] == 1
    history = client.get(URL, {"subject_type": "product", "subject_id": scored.alice_toy.pk, "history": "true"}).json()
    assert history["count"] == 2 and sum(r["is_current"] for r in history["results"]) == 1
    pk = one["results"][0]["id"]
    per_subject = client.get(f"{URL}{pk}/history/").json()
    assert per_subject["count"] == 2
    assert client.get(URL, {"level": "low"}).status_code == 200
    assert client.get(URL, {"subject_type": "planet"}).status_code == 400


def test_an_enterprise_reads_its_own_score_and_its_products_only(scored):
    client = api_as(scored.alice)
    body = client.get(URL).json()
    seen = {(r["subject_type"], r["subject_id"]) for r in body["results"]}
    assert seen == {("enterprise", str(scored.alice_co.pk)), ("product", str(scored.alice_toy.pk))}
    own = _row("product", scored.alice_toy.pk)
    assert client.get(f"{URL}{own.pk}/").status_code == 200
    assert client.get(f"{URL}{own.pk}/history/").json()["count"] == 2
    for subject_type, subject_id in (
        ("enterprise", scored.bob_co.pk),
        ("product", scored.bob_kettle.pk),
        ("subcategory", "toys"),
    ):
        other = _row(subject_type, subject_id)
        assert client.get(f"{URL}{other.pk}/").status_code == 404
        assert client.get(f"{URL}{other.pk}/history/").status_code == 404


def test_read_only(scored):
    row = _row("enterprise", scored.alice_co.pk)
    client = api_as(scored.hq)
    # No one holds a write permission on scores: refused before the method is looked at.
    assert client.post(URL, {"subject_type": "enterprise"}, format="json").status_code in (403, 405)
    assert client.delete(f"{URL}{row.pk}/").status_code in (403, 405)
    assert RiskScore.objects.filter(pk=row.pk).exists()
    assert api_as(None).get(URL).status_code in (401, 403)


def test_the_list_costs_a_fixed_number_of_queries(scored, django_assert_max_num_queries):
    client = api_as(scored.zj_inspector)
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"history": "true"}).status_code == 200

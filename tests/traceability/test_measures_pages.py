"""Measure pages: the list ("My measures" for an enterprise, the bureau's for staff), the detail page with
the actions each role may take, the issue form from an investigation, the voluntary recall form, the
recovery chart with its table, the navigation and the home queues; 404 outside."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.traceability.measure_world import URLS, acknowledged, case, completed, in_days, issue, pdf, png
from traceability import services
from traceability.models import Measure

pytestmark = pytest.mark.django_db
__all__ = ["case"]

LIST = reverse("traceability:measure_list")
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url, **EN)
    assert response.status_code == 200
    return response.content.decode()


def test_the_enterprise_sees_my_measures_in_its_menu_and_on_its_home_page(case, client):
    issue(case)
    home = page(client, case.alice, "/")
    assert 'data-testid="nav-measures"' in home and "Measures to act on" in home
    listing = page(client, case.alice, LIST)
    assert "My measures" in listing and listing.count('data-testid="measure-row"') == 1
    assert page(client, case.carol, LIST).count('data-testid="measure-row"') == 0


def test_staff_see_measures_in_the_risk_menu_and_those_to_verify_on_their_home_page(case, client):
    completed(case)
    home = page(client, case.zj_inspector, "/")
    assert 'data-testid="nav-measures"' in home and "Measures to verify" in home
    assert page(client, case.zj_inspector, f"{LIST}?status=completed").count('data-testid="measure-row"') == 1


def test_the_list_costs_a_fixed_number_of_queries(case, client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    issue(case)
    client.force_login(case.zj_inspector)
    with CaptureQueriesContext(connection) as few:
        client.get(LIST, **EN)
    for _ in range(10):
        issue(case, "recall")
    with django_assert_max_num_queries(len(few)):
        client.get(LIST, **EN)


def test_the_enterprise_acknowledges_and_responds_with_files_on_the_page(case, client):
    measure = issue(case)
    detail = page(client, case.alice, measure.get_absolute_url())
    assert 'data-testid="acknowledge-form"' in detail and 'data-testid="verify-form"' not in detail
    assert 'data-testid="missing-proof"' in detail and "Warehouse confirmation" in detail
    client.post(reverse("traceability:measure_acknowledge", args=[measure.pk]), **EN)
    assert Measure.objects.get(pk=measure.pk).status == "acknowledged"
    detail = page(client, case.alice, measure.get_absolute_url())
    assert 'data-testid="respond-form"' in detail and 'enctype="multipart/form-data"' in detail
    url = reverse("traceability:measure_respond", args=[measure.pk])
    refused = client.post(url, {"response": "已销毁", "photo": png()}, follow=True, **EN).content.decode()
    assert "Attach the proof this measure requires: Warehouse confirmation." in refused
    client.post(url, {"response": "已销毁", "photo": [png()], "warehouse_confirmation": pdf()}, **EN)
    measure.refresh_from_db()
    assert measure.status == "completed"
    assert "photo.png" in page(client, case.alice, measure.get_absolute_url())


def test_the_inspector_verifies_or_sends_back_on_the_page(case, client):
    measure = completed(case, "rectification")
    detail = page(client, case.zj_inspector, measure.get_absolute_url())
    assert 'data-testid="verify-form"' in detail and "Re-check" in detail
    assert 'data-testid="verify-form"' not in page(client, case.gd_inspector, measure.get_absolute_url())
    client.force_login(case.zj_inspector)
    client.post(
        reverse("traceability:measure_verify", args=[measure.pk]),
        {"recheck_passed": "true", "recheck_note": "复查合格"},
        **EN,
    )
    measure.refresh_from_db()
    assert measure.status == "verified" and measure.recheck_passed is True
    other = completed(case)
    client.post(reverse("traceability:measure_reject", args=[other.pk]), {"reason": "照片不清晰"}, **EN)
    assert Measure.objects.get(pk=other.pk).status == "acknowledged"


def test_the_platform_confirms_listings_on_the_page(case, client):
    measure = acknowledged(case, "delisting")
    detail = page(client, case.pat, measure.get_absolute_url())
    assert detail.count('data-testid="confirm-listing"') == 2 and 'data-testid="acknowledge-form"' not in detail
    client.post(reverse("traceability:measure_delisting", args=[measure.pk]), {"url": URLS[0]}, **EN)
    detail = page(client, case.pat, measure.get_absolute_url())
    assert detail.count('data-testid="confirm-listing"') == 1 and 'data-testid="listing-confirmed"' in detail
    assert "Measures to act on" in page(client, case.pat, "/")


def test_the_recall_page_shows_the_recovery_rate_as_a_chart_and_a_table(case, client):
    measure = acknowledged(case, "recall")
    client.force_login(case.alice)
    client.post(
        reverse("traceability:measure_progress", args=[measure.pk]),
        {"units_sold": "200", "units_recovered": "50", "channels": ["platform_orders", "sms"]},
        **EN,
    )
    detail = page(client, case.zj_inspector, measure.get_absolute_url())
    assert 'data-testid="chart"' in detail and 'id="recovery-data"' in detail and "chart.umd.js" in detail
    assert detail.count('data-testid="progress-row"') == 1 and "25%" in detail and "Platform order records" in detail


def test_staff_issue_a_measure_from_the_investigation(case, client):
    url = reverse("traceability:measure_issue", args=[case.investigation.pk])
    assert case.investigation.case_no in page(client, case.zj_inspector, url)
    response = client.post(
        url,
        {
            "type": "destruction",
            "enterprise": case.alice_co.pk,
            "product": case.blocks.pk,
            "description": "销毁",
            "legal_basis": "法规",
            "deadline_date": in_days(5).date().isoformat(),
        },
        **EN,
    )
    measure = Measure.objects.get()
    assert response.status_code == 302 and response.url == measure.get_absolute_url()
    refused = client.post(url, {"type": "delisting", "enterprise": case.alice_co.pk, "description": "d"}, **EN)
    assert refused.status_code == 200 and Measure.objects.count() == 1
    client.force_login(case.gd_inspector)
    assert client.get(url, **EN).status_code == 403
    client.force_login(case.alice)
    assert client.get(url, **EN).status_code == 404


def test_an_enterprise_opens_a_voluntary_recall_and_the_bureau_reviews_it(case, client):
    url = reverse("traceability:measure_voluntary")
    assert case.blocks.name in page(client, case.alice, url)
    client.post(
        url,
        {"product": case.blocks.pk, "description": "主动召回", "deadline_date": in_days(20).date().isoformat()},
        **EN,
    )
    measure = Measure.objects.get(voluntary=True)
    assert 'data-testid="review-form"' in page(client, case.zj_inspector, measure.get_absolute_url())
    client.post(reverse("traceability:measure_review", args=[measure.pk]), {"decision": "accept"}, **EN)
    assert Measure.objects.get(pk=measure.pk).review_status == "accepted"


@pytest.mark.parametrize("who", ["carol", "bob", "pat"])
def test_others_get_404(case, client, who):
    measure = issue(case)
    client.force_login(getattr(case, who))
    assert client.get(measure.get_absolute_url(), **EN).status_code == 404
    assert client.post(reverse("traceability:measure_acknowledge", args=[measure.pk]), **EN).status_code == 404
    services.measure_acknowledge(actor=case.alice, measure=measure)


def test_the_investigation_page_include_lists_its_measures_with_the_recovery_rate(case, rf):
    from django.template.loader import render_to_string

    from traceability.selectors import investigation_measures

    measure = acknowledged(case, "recall")
    services.measure_report_progress(
        actor=case.alice, measure=measure, reported_on=None, units_sold=10, units_recovered=4
    )
    issue(case)
    measures = investigation_measures(case.investigation.pk, case.zj_inspector)
    html = render_to_string(
        "traceability/includes/investigation_measures.html",
        {"measures": measures, "investigation": case.investigation, "may_issue": True},
    )
    assert html.count('data-testid="investigation-measure"') == 2 and "40%" in html
    assert reverse("traceability:measure_issue", args=[case.investigation.pk]) in html
    assert investigation_measures(case.investigation.pk, case.carol) == []

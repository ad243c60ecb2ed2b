"""Third-party results accepted or verified, and the labs' trust records (issue 10): a verification
sampling's verdict compared with the report's is recorded against the report's lab; an inconsistent
one makes the lab "verify only" (accepting its reports refused) until a bureau administrator restores it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cbec_supervision.models import AuditEvent
from filings.models import ProductTestReport
from risk_monitoring import services
from risk_monitoring.models import Lab, LabCheck, Sampling
from tests.conftest import api_as
from tests.pages import messages_of
from tests.risk_monitoring.conftest import FAIL_ITEM, PASS_ITEM

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def report(sampling_world):
    return ProductTestReport.objects.create(
        product=sampling_world.alice_toy,
        lab="Acme Testing Lab",
        report_no="ACME-2026-001",
        issued_on=dt.date(2026, 1, 15),
        standard="GB 6675.2-2014",
        verdict="pass",
    )


def _verify(w, report, results, actor=None):
    actor = actor or w.zj_inspector
    sampling = services.lab_verification_order(actor=actor, report=report, channel="offline")
    assert (sampling.status, sampling.purpose, sampling.report_id) == ("planned", "verification", report.pk)
    sampling = services.sampling_take(actor=actor, sampling=sampling, sampled_at=timezone.now(), lab="CTI 华测检测")
    return services.sampling_enter_results(actor=actor, sampling=sampling, results=results)


def test_a_consistent_verification_counts_for_the_lab(sampling_world, report):
    w = sampling_world
    sampling = _verify(w, report, [PASS_ITEM])
    check = LabCheck.objects.get()
    assert (check.outcome, check.lab.name, check.sampling_id, check.report_id) == (
        "consistent",
        "Acme Testing Lab",
        sampling.pk,
        report.pk,
    )
    assert not check.lab.verify_only
    assert Lab.objects.get(name="CTI 华测检测").checks.count() == 0  # the verifying lab is not judged


def test_inconsistent_then_verify_only_then_accept_refused_then_restored(sampling_world, report):
    w = sampling_world
    sampling = _verify(w, report, [FAIL_ITEM])
    assert sampling.verdict == "fail" and sampling.signal is not None  # a failed sampling raises its signal
    lab = Lab.objects.get(name="Acme Testing Lab")
    assert LabCheck.objects.get(lab=lab).outcome == "inconsistent" and lab.verify_only
    with pytest.raises(ValidationError) as refused:
        services.lab_reports_accept(actor=w.gd_inspector, reports=[report], context="product_review")
    assert "accepted_reports" in refused.value.message_dict
    assert not LabCheck.objects.filter(outcome="accepted").exists()
    with pytest.raises(PermissionDenied):
        services.lab_trust_restore(actor=w.zj_inspector, lab=lab, reason="复核")
    with pytest.raises(ValidationError):
        services.lab_trust_restore(actor=w.zj_admin, lab=lab, reason=" ")
    services.lab_trust_restore(actor=w.zj_admin, lab=lab, reason="实验室已整改，CNAS 复评审通过")
    lab.refresh_from_db()
    assert not lab.verify_only and lab.trust_restored_by == w.zj_admin
    assert AuditEvent.objects.for_object(lab).filter(reason__contains="CNAS").exists()
    with pytest.raises(ValidationError):
        services.lab_trust_restore(actor=w.zj_admin, lab=lab, reason="again")
    [check] = services.lab_reports_accept(actor=w.gd_inspector, reports=[report], context="product_review")
    assert (check.outcome, check.context, check.bureau.code) == ("accepted", "product_review", "GD")
    # A new inconsistent verification makes it verify only again.
    _verify(w, report, [FAIL_ITEM])
    assert Lab.objects.get(pk=lab.pk).verify_only


def test_an_inconsistency_older_than_12_months_no_longer_counts(sampling_world, report):
    w = sampling_world
    _verify(w, report, [FAIL_ITEM])
    LabCheck.objects.update(decided_at=timezone.now() - dt.timedelta(days=366))
    assert not Lab.objects.get(name="Acme Testing Lab").verify_only
    assert services.accept_refusal(report) == ""


def test_corrected_results_update_the_outcome_not_add_one(sampling_world, report):
    w = sampling_world
    sampling = _verify(w, report, [FAIL_ITEM])
    services.sampling_enter_results(actor=w.zj_inspector, sampling=sampling, results=[PASS_ITEM])
    check = LabCheck.objects.get()
    assert check.outcome == "consistent" and not check.lab.verify_only


def test_the_trust_record_over_the_api(sampling_world, report):
    w = sampling_world
    services.lab_reports_accept(actor=w.zj_inspector, reports=[report], context="product_review")
    _verify(w, report, [FAIL_ITEM])
    lab = Lab.objects.get(name="Acme Testing Lab")
    body = api_as(w.gd_inspector).get(f"/api/v1/labs/{lab.pk}/").json()
    assert (body["accepted"], body["verified"], body["inconsistent"], body["verify_only"]) == (1, 1, 1, True)
    assert api_as(w.alice).get(f"/api/v1/labs/{lab.pk}/").status_code in (403, 404)
    assert api_as(w.zj_inspector).post(f"/api/v1/labs/{lab.pk}/restore/", {"reason": "x"}).status_code == 403
    assert api_as(w.zj_admin).post(f"/api/v1/labs/{lab.pk}/restore/", {}).status_code == 400
    restored = api_as(w.zj_admin).post(f"/api/v1/labs/{lab.pk}/restore/", {"reason": "整改完成"}, format="json")
    assert restored.status_code == 200 and restored.json()["verify_only"] is False


def test_accept_or_verify_from_the_product_page(sampling_world, report, client):
    w = sampling_world
    client.force_login(w.gd_inspector)
    product_page = client.get(w.alice_toy.get_absolute_url(), **EN)
    url = reverse("risk_monitoring:report_decide", args=[report.pk])
    assert url.encode() in product_page.content
    assert b'data-testid="accept-form"' in client.get(url, **EN).content
    client.post(url, {"action": "accept", "note": "报告有效"})
    assert LabCheck.objects.get().outcome == "accepted"
    response = client.post(url, {"action": "verify", "channel": "online"})
    sampling = Sampling.objects.get()
    assert response.status_code == 302 and response.url == sampling.get_absolute_url()
    assert (sampling.purpose, sampling.report_id, sampling.status) == ("verification", report.pk, "planned")
    # enterprises see neither the actions nor the page
    client.force_login(w.alice)
    assert url.encode() not in client.get(w.alice_toy.get_absolute_url()).content
    assert client.get(url).status_code == 403


def test_a_verify_only_labs_report_cannot_be_accepted_on_the_page(sampling_world, report, client):
    w = sampling_world
    _verify(w, report, [FAIL_ITEM])
    client.force_login(w.gd_inspector)
    url = reverse("risk_monitoring:report_decide", args=[report.pk])
    page = client.get(url, **EN)
    assert b'data-testid="verify-only"' in page.content and b'data-testid="accept-form"' not in page.content
    response = client.post(url, {"action": "accept"}, follow=True, **EN)
    assert any("verified, not accepted" in m for m in messages_of(response))
    assert not LabCheck.objects.filter(outcome="accepted").exists()


def test_lab_pages_and_restore(sampling_world, report, client, django_assert_max_num_queries):
    w = sampling_world
    _verify(w, report, [FAIL_ITEM])
    for n in range(5):
        services.lab_for_name(f"Lab {n}")
    lab = Lab.objects.get(name="Acme Testing Lab")
    client.force_login(w.zj_inspector)
    with django_assert_max_num_queries(25):
        listing = client.get(reverse("risk_monitoring:lab_list"), **EN)
    assert listing.content.count(b'data-testid="lab-row"') == 7
    detail = client.get(lab.get_absolute_url(), **EN)
    assert b'data-testid="restore-form"' not in detail.content
    assert b"Verify only" in detail.content and b'data-testid="trust-inconsistent">1<' in detail.content
    client.force_login(w.zj_admin)
    assert b'data-testid="restore-form"' in client.get(lab.get_absolute_url()).content
    client.post(reverse("risk_monitoring:lab_restore", args=[lab.pk]), {"reason": "复评审通过"})
    assert not Lab.objects.get(pk=lab.pk).verify_only
    client.force_login(w.alice)
    assert client.get(reverse("risk_monitoring:lab_list")).status_code == 403
    assert client.get(lab.get_absolute_url()).status_code == 403

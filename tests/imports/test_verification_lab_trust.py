"""On-site verification and the labs' trust records (issue 10): each third-party report accepted counts
as ``accepted`` on its lab's record; a verify-only lab's reports are refused, and nothing is decided."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from filings import services
from imports.choices import BatchStatus, Confirmation, VerificationStatus
from imports.models import ImportItem
from risk_monitoring import services as risk_services
from risk_monitoring.models import Lab, LabCheck
from tests.conftest import api_as
from tests.pages import browser_as, messages_of

pytestmark = pytest.mark.django_db

LAB = "SGS-CSTC Standards Technical Services (Shanghai)"


def _report(world, product, verdict="pass"):
    return services.product_test_report_add(
        actor=world.alice,
        product=product,
        lab=LAB,
        report_no=f"SHTY2026{verdict}",
        issued_on="2026-01-15",
        verdict=verdict,
        standard="GB 6675.2-2014",
    )


def _dismiss_suspicions(world, batch):
    for item in ImportItem.objects.filter(batch=batch, confirmation=Confirmation.PENDING):
        from imports.services.verification import import_item_confirm

        import_item_confirm(actor=world.zj_inspector, item=item, confirmed=False, note="误报")


def _make_verify_only(world, product):
    """An inconsistent verification: the lab's passing report, a failing verification sampling."""
    report = _report(world, product, verdict="fail")
    sampling = risk_services.lab_verification_order(actor=world.zj_inspector, report=report, channel="offline")
    sampling = risk_services.sampling_take(
        actor=world.zj_inspector, sampling=sampling, sampled_at=timezone.now(), lab="CTI"
    )
    risk_services.sampling_enter_results(
        actor=world.zj_inspector,
        sampling=sampling,
        results=[{"test_item": "小零件", "verdict": "pass"}],
    )
    assert Lab.objects.get(name=LAB).verify_only


def test_accepted_reports_count_on_the_labs_record(world, to_verify, approved_toy):
    report = _report(world, approved_toy)
    _dismiss_suspicions(world, to_verify)
    client = browser_as(world.zj_inspector)
    client.post(
        reverse("imports:batch_verify", args=[to_verify.pk, "pass"]),
        {"accepted_reports": [report.pk], "note": "现场核查货证相符。"},
    )
    to_verify.refresh_from_db()
    assert to_verify.status == BatchStatus.RELEASED
    check = LabCheck.objects.get()
    assert (check.outcome, check.context, check.report_id, check.verification_task_id, check.lab.name) == (
        "accepted",
        "onsite_verification",
        report.pk,
        to_verify.verification.pk,
        LAB,
    )


def test_a_verify_only_labs_report_is_refused_and_nothing_is_decided(world, to_verify, approved_toy):
    _make_verify_only(world, approved_toy)
    report = _report(world, approved_toy)
    _dismiss_suspicions(world, to_verify)
    response = browser_as(world.zj_inspector).post(
        reverse("imports:batch_verify", args=[to_verify.pk, "pass"]),
        {"accepted_reports": [report.pk], "note": "货证相符"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert any("verified, not accepted" in m for m in messages_of(response))
    to_verify.refresh_from_db()
    assert to_verify.verification.status == VerificationStatus.OPEN
    assert not LabCheck.objects.filter(outcome="accepted").exists()
    # Over the API: 400 with the reason on accepted_reports.
    answer = api_as(world.zj_inspector).post(
        f"/api/v1/import-batches/{to_verify.pk}/verify/",
        {"passed": True, "accepted_reports": [report.pk]},
        format="json",
    )
    assert answer.status_code == 400 and "accepted_reports" in answer.json()
    # Without accepting it, the batch passes.
    ok = api_as(world.zj_inspector).post(
        f"/api/v1/import-batches/{to_verify.pk}/verify/", {"passed": True}, format="json"
    )
    assert ok.status_code == 200, ok.content

"""Requesting a half-yearly report (who may, for which bureau, revisions) and generating it (running,
done, failed with the reason, retried, never recomputed once done)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cbec_supervision.models import AuditEvent
from reports import services
from reports.choices import ReportStatus
from reports.models import HalfYearReport
from tests.factories import BranchBureauFactory, UserFactory

pytestmark = pytest.mark.django_db


def actions(report):
    return [(e.action, e.actor_label) for e in AuditEvent.objects.for_object(report).order_by("id")]


def test_headquarters_queues_a_bureau_report_by_code_audited(world, compute, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.report_request(actor=world.hq, period="2026h1", bureau="zj")
    assert (report.period, report.bureau, report.revision, report.status) == ("2026H1", world.zj, 1, "queued")
    assert report.requested_by == world.hq and report.task_id
    assert actions(report) == [("create", "hq")]
    assert len(callbacks) == 1 and compute.calls == []  # queued, not computed


def test_headquarters_queues_the_national_report(world, compute):
    report = services.report_request(actor=world.hq, period="2025H2")
    assert report.bureau is None and report.is_national


def test_a_bureau_administrator_queues_their_jurisdictions_reports_but_not_the_national_one(world, compute):
    branch = BranchBureauFactory(parent=world.zj)
    assert services.report_request(actor=world.zj_admin, period="2026H1", bureau="ZJ").bureau == world.zj
    assert services.report_request(actor=world.zj_admin, period="2026H1", bureau=branch.code).bureau == branch
    with pytest.raises(PermissionDenied):
        services.report_request(actor=world.zj_admin, period="2026H1", bureau="GD")
    with pytest.raises(PermissionDenied):
        services.report_request(actor=world.zj_admin, period="2026H1")


@pytest.mark.parametrize("who", ["zj_inspector", "gd_inspector", "alice"])
def test_inspectors_and_enterprises_may_not_request_reports(world, who):
    with pytest.raises(PermissionDenied):
        services.report_request(actor=getattr(world, who), period="2026H1", bureau="ZJ")
    assert not HalfYearReport.objects.exists()


@pytest.mark.parametrize("period", ["2026H3", "2026", "H1", "", "2015H1", "2026-H1"])
def test_an_invalid_period_is_refused_on_its_field(world, period):
    with pytest.raises(ValidationError) as error:
        services.report_request(actor=world.hq, period=period, bureau="ZJ")
    assert list(error.value.message_dict) == ["period"]


def test_an_unknown_bureau_is_refused_on_its_field(world):
    with pytest.raises(ValidationError) as error:
        services.report_request(actor=world.hq, period="2026H1", bureau="XX")
    assert list(error.value.message_dict) == ["bureau"]


def test_the_same_period_and_bureau_again_makes_a_new_revision_and_keeps_the_old(world, compute):
    first = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    second = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    other = services.report_request(actor=world.hq, period="2026H1", bureau="GD")
    national = [services.report_request(actor=world.hq, period="2026H1").revision for _ in range(2)]
    assert (first.revision, second.revision, other.revision, national) == (1, 2, 1, [1, 2])
    assert HalfYearReport.objects.filter(period="2026H1", bureau=world.zj).count() == 2


def test_running_a_report_stores_the_figures_with_their_parameters(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    report = services.report_run(report.pk)
    assert report.status == ReportStatus.DONE and report.progress == 100 and report.attempts == 1
    assert report.figures["sampling"]["total"] == 250
    assert report.started_at and report.finished_at and report.computed_at
    assert compute.calls == [("2026H1", "ZJ", report.computed_at)]
    assert report.params["bureau"] == "ZJ" and "ZJ" in report.params["jurisdiction"]
    assert report.params["start"] == "2026-01-01T00:00:00+08:00"
    assert report.params["end"] == "2026-07-01T00:00:00+08:00"
    assert report.params["as_of"] == report.computed_at.isoformat()
    assert actions(report) == [
        ("create", "hq"),
        ("update", "task:reports.generate"),
        ("update", "task:reports.generate"),
    ]


def test_a_failed_run_keeps_the_reason_and_a_retry_finishes_it(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    compute.fail = RuntimeError("the worker lost its database")
    report = services.report_run(report.pk)
    assert report.status == ReportStatus.FAILED and "the worker lost its database" in report.error
    assert report.figures is None and report.finished_at
    last = AuditEvent.objects.for_object(report).order_by("id").last()
    assert "the worker lost its database" in last.reason
    report = services.report_run(report.pk)
    assert report.status == ReportStatus.DONE and report.error == "" and report.attempts == 2


def test_an_interrupted_run_left_running_is_taken_up_again(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    HalfYearReport.objects.filter(pk=report.pk).update(status=ReportStatus.RUNNING, attempts=1)
    assert services.report_run(report.pk).status == ReportStatus.DONE


def test_a_done_report_run_again_changes_nothing(world, compute):
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    done = services.report_run(report.pk)
    events = AuditEvent.objects.for_object(done).count()
    again = services.report_run(report.pk)
    assert len(compute.calls) == 1 and AuditEvent.objects.for_object(done).count() == events
    assert (again.finished_at, again.attempts, again.figures) == (done.finished_at, 1, done.figures)


def test_the_progress_is_written_while_running(world, monkeypatch):
    seen = []

    def slow(period, bureau, *, as_of, progress=None):
        progress(40)
        seen.append(HalfYearReport.objects.get().progress)
        return {"period": str(period)}

    monkeypatch.setattr("reports.figures.compute", slow)
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    services.report_run(report.pk)
    assert seen == [40]


def test_an_inactive_administrator_may_not_request(world):
    user = UserFactory(username="gone", role=world.zj_admin.role, bureau=world.zj, is_active=False)
    with pytest.raises(PermissionDenied):
        services.report_request(actor=user, period="2026H1", bureau="ZJ")


def test_headquarters_own_bureau_has_no_report_of_its_own(world):
    with pytest.raises(ValidationError) as error:
        services.report_request(actor=world.hq, period="2026H1", bureau="HQ")
    assert list(error.value.message_dict) == ["bureau"]


def test_two_deliveries_running_alongside_keep_the_figures_of_the_first_to_finish(world, monkeypatch):
    """The second delivery finishes after the first: the report stays done with the first figures."""
    report = services.report_request(actor=world.hq, period="2026H1", bureau="ZJ")
    calls = []

    def compute(period, bureau, *, as_of, progress=None):
        calls.append(1)
        if len(calls) == 1:  # while the first computes, a second delivery runs to the end
            services.report_run(report.pk)
        return {"period": str(period), "run": len(calls)}

    monkeypatch.setattr("reports.figures.compute", compute)
    done = services.report_run(report.pk)
    assert done.status == ReportStatus.DONE and done.figures["run"] == 2 and done.attempts == 2

"""Values of reports, with their labels and allowed transitions: the one source of truth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


#: status -> statuses it may move to. A failed or interrupted run may be retried (running again); a done
#: report never changes: generating the same period and bureau again makes a new revision.
REPORT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReportStatus.QUEUED: (ReportStatus.RUNNING, ReportStatus.FAILED),
    ReportStatus.RUNNING: (ReportStatus.RUNNING, ReportStatus.DONE, ReportStatus.FAILED),
    ReportStatus.FAILED: (ReportStatus.RUNNING,),
    ReportStatus.DONE: (),
}

REPORT_STATUS_COLOURS: dict[str, str] = {
    ReportStatus.QUEUED: "secondary",
    ReportStatus.RUNNING: "info",
    ReportStatus.DONE: "success",
    ReportStatus.FAILED: "danger",
}


class ReportFormat(models.TextChoices):
    XLSX = "xlsx", "XLSX"
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"

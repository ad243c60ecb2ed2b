"""Half-yearly statistics reports (issue 13): one row per generated revision of a period's report, for a
bureau (its jurisdiction) or national (no bureau)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.scoping import ScopedQuerySet
from reports.choices import REPORT_STATUS_COLOURS, ReportStatus


class HalfYearReportQuerySet(ScopedQuerySet):
    """A bureau's reports are read by the staff of its jurisdiction (the bureau and its parent direct
    bureau) and by headquarters; the national reports by headquarters only; enterprises never."""

    scope_bureau_paths = ("bureau",)


class HalfYearReport(models.Model):
    """One revision of the half-yearly statistics of a bureau's jurisdiction (or national, ``bureau``
    empty) for a period (``2026H1``). Generated in the background (status queued → running → done |
    failed, with progress and the reason of a failure); the figures are stored with the parameters and
    the moment they were computed, so the report is reproducible. Generating the same period and bureau
    again makes a new revision; the old ones are kept."""

    period = models.CharField(_("period"), max_length=6)
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="half_year_reports",
    )
    revision = models.PositiveIntegerField(_("revision"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    #: 0-100, while running
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("reason of the failure"), blank=True)
    #: what the figures were computed with (period bounds, bureaus covered, code version…)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    #: the figures (the JSON download), once done
    figures = models.JSONField(_("figures"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: the moment the figures describe the data as of (the start of the computation)
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    task_id = models.CharField(_("task id"), max_length=100, blank=True)

    objects = HalfYearReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("half-yearly report")
        verbose_name_plural = _("half-yearly reports")
        ordering = ["-period", "bureau__code", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "bureau", "revision"], condition=Q(bureau__isnull=False), name="report_revision_uniq"
            ),
            models.UniqueConstraint(
                fields=["period", "revision"], condition=Q(bureau__isnull=True), name="national_report_revision_uniq"
            ),
        ]
        indexes = [models.Index(fields=["period", "bureau", "-revision"], name="report_period_idx")]

    def __str__(self) -> str:
        return f"{self.period} {self.bureau.code if self.bureau_id and self.bureau else '-'} r{self.revision}"

    @property
    def status_colour(self) -> str:
        return REPORT_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_national(self) -> bool:
        return self.bureau_id is None

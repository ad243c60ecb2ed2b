"""Measures ordered in an investigation, and their follow-up: recall progress, delisting confirmations (issue 11)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from traceability.choices import (
    MEASURE_OPEN,
    MEASURE_REQUIRED_PROOF,
    MEASURE_STATUS_COLOURS,
    VOLUNTARY_REVIEW_COLOURS,
    MeasureStatus,
    MeasureType,
    RecallChannel,
    VoluntaryReview,
)

if TYPE_CHECKING:
    pass

from traceability.models.investigations import Investigation

# --- measures --------------------------------------------------------------------------------------


class MeasureQuerySet(ScopedQuerySet):
    """A measure is read by whoever reads its investigation (a voluntary recall, with none: the bureau
    competent for its enterprise), and by the enterprise it is addressed to and the platform concerned."""

    scope_bureau_paths = ("investigation__lead_bureau", "investigation__notifying_bureau", "enterprise__bureau")
    scope_enterprise_paths = ("enterprise", "platform")

    def open(self) -> MeasureQuerySet:
        return self.filter(status__in=MEASURE_OPEN)


class Measure(TimeStampedModel):
    """A measure ordered on an investigation (or a voluntary recall an enterprise opens itself): its
    target, legal basis, deadline and the proof it needs; acknowledged and completed by the enterprise,
    verified by the inspector; overdue when its deadline passes."""

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    type = models.CharField(_("type"), max_length=20, choices=MeasureType.choices)
    #: the enterprise the measure is addressed to
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="measures"
    )
    #: the platform concerned (a delisting or recall of a seller's goods on it): it sees and confirms
    platform = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_measures",
    )
    product = models.ForeignKey(
        "filings.ProductFiling",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    batch = models.ForeignKey(
        "imports.ImportBatch",
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    description = models.TextField(_("description"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.ISSUED)
    #: the enterprise's answer with its proof (the files are attachments of the measure)
    response = models.TextField(_("response"), blank=True)
    #: a voluntary recall opened by the enterprise itself, reviewed by the bureau
    voluntary = models.BooleanField(_("voluntary"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_reason = models.TextField(_("reason for rejecting the proof"), blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    #: a delisting's listings (URLs) the platform is to take down and confirm one by one
    listing_urls = models.JSONField(_("listing URLs"), default=list, blank=True)
    #: a rectification order ends with a re-check by the inspector, recorded when it is verified
    recheck_passed = models.BooleanField(_("re-check passed"), null=True, blank=True)
    recheck_note = models.TextField(_("re-check note"), blank=True)
    #: a voluntary recall's review by the enterprise's competent bureau
    review_status = models.CharField(
        _("review"), max_length=20, choices=VoluntaryReview.choices, blank=True, default=""
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: when a recall below the required recovery rate at its deadline was flagged (once)
    low_recovery_flagged_at = models.DateTimeField(_("flagged for low recovery at"), null=True, blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="measure_enterprise_idx"),
            models.Index(fields=["status", "deadline"], name="measure_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:measure_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return MEASURE_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in MEASURE_OPEN

    @property
    def is_past_deadline(self) -> bool:
        return self.is_open and self.status != MeasureStatus.COMPLETED and self.deadline < timezone.now()

    @property
    def required_proof(self) -> tuple[str, ...]:
        return MEASURE_REQUIRED_PROOF.get(self.type, ())

    @property
    def latest_progress(self) -> RecallProgress | None:
        """The last progress report (from the prefetched reports where they are)."""
        reports = list(self.progress_reports.all())
        return reports[-1] if reports else None

    @property
    def awaits_review(self) -> bool:
        """A voluntary recall the bureau has not accepted (yet): nothing else happens to it meanwhile."""
        return self.voluntary and self.review_status != VoluntaryReview.ACCEPTED

    @property
    def review_colour(self) -> str:
        return VOLUNTARY_REVIEW_COLOURS.get(self.review_status, "secondary")

    @property
    def supervising_bureau_id(self) -> int | None:
        """The bureau that verifies: the investigation's lead bureau (a voluntary recall: the enterprise's)."""
        if self.investigation_id is not None:
            return self.investigation.lead_bureau_id
        return self.enterprise.bureau_id


class RecallProgressQuerySet(ScopedQuerySet):
    scope_follows = "measure"


class RecallProgress(models.Model):
    """A recall's progress report: units sold and units recovered so far (cumulative), and how buyers
    were reached. The recovery rate over time is read from these."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_on = models.DateField(_("reported on"))
    units_sold = models.PositiveIntegerField(_("units sold"))
    units_recovered = models.PositiveIntegerField(_("units recovered (cumulative)"))
    channels = models.JSONField(_("channels used to reach buyers"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RecallProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("recall progress report")
        verbose_name_plural = _("recall progress reports")
        ordering = ["measure", "reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.reported_on:%Y-%m-%d} {self.units_recovered}/{self.units_sold}"

    @property
    def recovery_rate(self) -> float:
        return self.units_recovered / self.units_sold if self.units_sold else 0.0

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(RecallChannel.choices)
        return [str(labels.get(value, value)) for value in self.channels]


class DelistingConfirmationQuerySet(ScopedQuerySet):
    scope_follows = "measure"


class DelistingConfirmation(models.Model):
    """The platform's confirmation that one listing (URL) of a delisting order was taken down."""

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="delistings")
    url = models.URLField(_("listing URL"), max_length=1000)
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DelistingConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delisting confirmation")
        verbose_name_plural = _("delisting confirmations")
        ordering = ["measure", "confirmed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "url"], name="delisting_once_per_url")]

    def __str__(self) -> str:
        return self.url

"""Investigations, their case numbers and their timeline (issue 11)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import BureauYearSequence, TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from traceability.choices import (
    INVESTIGATION_OPEN,
    INVESTIGATION_STATUS_COLOURS,
    InvestigationEventKind,
    InvestigationStatus,
    ResponsibleParty,
)

if TYPE_CHECKING:
    pass


# --- investigations --------------------------------------------------------------------------------


class InvestigationQuerySet(ScopedQuerySet):
    """An investigation is read by the staff of its lead bureau's and its notifying bureau's
    jurisdictions, and by headquarters; never by enterprises (they see the measures addressed to them)."""

    scope_bureau_paths = ("lead_bureau", "notifying_bureau")

    def open(self) -> InvestigationQuerySet:
        return self.filter(status__in=INVESTIGATION_OPEN)


class Investigation(TimeStampedModel):
    """A traceability investigation (追溯调查): opened from risk signals or failed samplings by any
    bureau, led by the bureau competent for the platform enterprise (territorial management), followed
    through measures to its findings."""

    case_no = models.CharField(_("case number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    signals = models.ManyToManyField(
        "risk_monitoring.RiskSignal", verbose_name=_("risk signals"), blank=True, related_name="investigations"
    )
    samplings = models.ManyToManyField(
        "risk_monitoring.Sampling", verbose_name=_("samplings"), blank=True, related_name="investigations"
    )
    #: the operator whose goods are concerned
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investigations",
    )
    platform = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_investigations",
    )
    products = models.ManyToManyField(
        "filings.ProductFiling", verbose_name=_("products"), blank=True, related_name="investigations"
    )
    #: the bureau competent for the platform enterprise (else the operator's): it investigates
    lead_bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("lead bureau"), on_delete=models.PROTECT, related_name="led_investigations"
    )
    #: the bureau that opened the case (and notified the lead bureau when it is another)
    notifying_bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("notifying bureau"),
        on_delete=models.PROTECT,
        related_name="notified_investigations",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=InvestigationStatus.choices, default=InvestigationStatus.OPENED
    )
    major = models.BooleanField(_("major case"), default=False)
    #: when the immediate report of a major case went to headquarters, and the local government was informed
    major_reported_at = models.DateTimeField(_("reported to headquarters at"), null=True, blank=True)
    local_government_informed_at = models.DateTimeField(_("local government informed at"), null=True, blank=True)
    # findings, on closing
    root_cause = models.TextField(_("root cause"), blank=True)
    responsible_party = models.CharField(
        _("responsible party"), max_length=20, choices=ResponsibleParty.choices, blank=True
    )
    responsible_enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("responsible enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the findings confirm a quality problem of the responsible enterprise's goods (counts for escalation)
    quality_problem_confirmed = models.BooleanField(_("quality problem confirmed"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lead_bureau", "status"], name="investigation_lead_idx"),
            models.Index(fields=["notifying_bureau", "status"], name="investigation_notifying_idx"),
            models.Index(
                fields=["responsible_enterprise", "closed_at"],
                name="investigation_escalation_idx",
                condition=Q(quality_problem_confirmed=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_no} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:investigation_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return INVESTIGATION_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in INVESTIGATION_OPEN


class InvestigationSequence(BureauYearSequence):
    """The last case number issued per bureau and year (``ZJ2026T000001``): numbers are never reused."""

    class Meta:
        verbose_name = _("investigation number sequence")
        verbose_name_plural = _("investigation number sequences")
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="unique_investigation_sequence")]


class InvestigationEventQuerySet(ScopedQuerySet):
    scope_follows = "investigation"


class InvestigationEvent(models.Model):
    """A line of a case's timeline (the API's ``events``): opened, status changes, reassignment, notices,
    measures, the major-case report, notes, closing. Written by the services, in their transaction, beside
    the audit trail (which keeps the before and after of every change)."""

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InvestigationEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: who acted when no person did (a task, a command)
    actor_label = models.CharField(_("by (system)"), max_length=100, blank=True)
    message = models.TextField(_("message"), blank=True)
    #: what the line refers to: ``{"measure": id}``, ``{"notice": id}``, ``{"from": code, "to": code}``…
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = InvestigationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation event")
        verbose_name_plural = _("investigation events")
        ordering = ["investigation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.investigation_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

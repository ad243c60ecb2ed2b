"""Escalation of an enterprise to strict supervision: the proposals."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from traceability.choices import (
    PROPOSAL_STATUS_COLOURS,
    ProposalStatus,
)
from traceability.models.investigations import Investigation

if TYPE_CHECKING:
    pass


# --- escalation to strict supervision --------------------------------------------------------------


class StrictSupervisionProposalQuerySet(ScopedQuerySet):
    """A proposal is read by the staff of the enterprise's competent bureau's jurisdiction and by
    headquarters; never by enterprises."""

    scope_bureau_paths = ("enterprise__bureau",)

    def open(self) -> StrictSupervisionProposalQuerySet:
        return self.filter(status=ProposalStatus.PROPOSED)


class StrictSupervisionProposal(TimeStampedModel):
    """A proposal to place an enterprise under strict supervision: its confirmed quality problems in
    closed investigations reached the threshold within the window (``escalation_check``). The competent
    bureau's administrator confirms it (through the filing's strict-supervision decision) or dismisses it
    with a reason."""

    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="strict_supervision_proposals",
    )
    #: the closed investigations with confirmed quality problems that were counted
    investigations = models.ManyToManyField(
        Investigation, verbose_name=_("investigations counted"), related_name="strict_supervision_proposals"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    objects = StrictSupervisionProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("strict supervision proposal")
        verbose_name_plural = _("strict supervision proposals")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(status=ProposalStatus.PROPOSED),
                name="one_open_strict_proposal_per_enterprise",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.enterprise_id} {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:escalation_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return PROPOSAL_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.PROPOSED

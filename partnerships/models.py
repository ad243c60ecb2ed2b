"""Partnerships: an operator sells on a platform, or stores its goods with a warehouse, once confirmed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from partnerships.choices import (
    PARTNERSHIP_LIVE,
    PARTNERSHIP_STATUS_COLOURS,
    PartnershipKind,
    PartnershipStatus,
)


class PartnershipQuerySet(ScopedQuerySet):
    # Both sides see it, and the bureaus competent for either side.
    scope_bureau_paths = ("operator__bureau", "partner__bureau")
    scope_enterprise_paths = ("operator", "partner")

    def confirmed(self) -> PartnershipQuerySet:
        return self.filter(status=PartnershipStatus.CONFIRMED)

    def live(self) -> PartnershipQuerySet:
        return self.filter(status__in=PARTNERSHIP_LIVE)


class Partnership(TimeStampedModel):
    """An operator's partnership with a platform it sells on or a warehouse that holds its goods.

    The operator asks (``requested``); the partner confirms or refuses it, and may suspend a
    confirmed one and reinstate it. Only a confirmed partner may be named on the operator's batches
    (「推动电商平台企业加强对电商经营企业的监督管理」).
    """

    kind = models.CharField(_("kind"), max_length=10, choices=PartnershipKind.choices)
    operator = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="partnerships_as_operator",
    )
    partner = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("platform or warehouse"),
        on_delete=models.PROTECT,
        related_name="partnerships_as_partner",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PartnershipStatus.choices, default=PartnershipStatus.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason given"), blank=True)
    note = models.TextField(_("note"), blank=True)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-requested_at", "-id"]
        indexes = [
            # "the sellers of platform X": the partner's side of the list and of the selector
            models.Index(fields=["partner", "kind", "status"], name="partnership_partner_idx"),
        ]
        constraints = [
            # At most one live partnership per operator, partner and kind; a refused or withdrawn
            # one stays on record and the operator may ask again.
            models.UniqueConstraint(
                fields=["operator", "partner", "kind"],
                condition=Q(status__in=PARTNERSHIP_LIVE),
                name="partnership_one_live_per_partner",
                violation_error_message=_("This operator already has a partnership of this kind with this partner."),
            ),
            models.CheckConstraint(condition=~Q(operator=F("partner")), name="partnership_not_with_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.operator} → {self.partner} ({self.get_kind_display()})"

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership_list") + f"?id={self.pk}"

    @property
    def status_colour(self) -> str:
        return PARTNERSHIP_STATUS_COLOURS.get(self.status, "secondary")

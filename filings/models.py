"""Enterprise filings (and, with the filings issue, product filings and their review)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from filings.choices import FILING_STATUS_COLOURS, EnterpriseType, FilingStatus, SupervisionLevel


class EnterpriseFilingQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("bureau",)
    scope_enterprise_paths = ("pk",)


class EnterpriseFiling(TimeStampedModel):
    """A CBEC enterprise on record with its competent bureau ("file once, shared nationwide")."""

    name = models.CharField(_("enterprise name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    is_operator = models.BooleanField(_("operator"), default=False)
    is_platform = models.BooleanField(_("platform"), default=False)
    is_logistics = models.BooleanField(_("logistics and warehousing enterprise"), default=False)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    region_code = models.CharField(_("region code"), max_length=6)
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("competent bureau"), on_delete=models.PROTECT, related_name="enterprises"
    )
    filing_no = models.CharField(_("filing number"), max_length=30, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.DRAFT)
    supervision_level = models.CharField(
        _("supervision level"), max_length=10, choices=SupervisionLevel.choices, default=SupervisionLevel.NORMAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = EnterpriseFilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise filing")
        verbose_name_plural = _("enterprise filings")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bureau", "status"], name="enterprise_bureau_status_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def types(self) -> list[str]:
        flags = (
            (EnterpriseType.OPERATOR, self.is_operator),
            (EnterpriseType.PLATFORM, self.is_platform),
            (EnterpriseType.LOGISTICS, self.is_logistics),
        )
        return [str(value) for value, on in flags if on]

    @property
    def status_colour(self) -> str:
        return FILING_STATUS_COLOURS.get(self.status, "secondary")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("filings:enterprise_detail", args=[self.pk])

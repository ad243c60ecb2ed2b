"""Consumer risk notices."""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from risk_monitoring.choices import Hazard
from traceability.choices import (
    CONSUMER_NOTICE_STATUS_COLOURS,
    ConsumerNoticeStatus,
)

if TYPE_CHECKING:
    pass

from traceability.models.investigations import Investigation

# --- consumer risk notices -------------------------------------------------------------------------


def consumer_notice_image_upload_to(instance: ConsumerNotice, filename: str) -> str:  # noqa: ARG001
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"consumer_notices/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ConsumerNoticeQuerySet(ScopedQuerySet):
    """Staff of the issuing (or reviewing) bureau's jurisdiction and the issuing enterprise's users
    manage a notice; every bureau's staff read the published ones; anyone reads ``published()``
    (the public pages)."""

    scope_bureau_paths = ("bureau",)
    scope_enterprise_paths = ("enterprise",)
    scope_shared_with_staff = Q(status=ConsumerNoticeStatus.PUBLISHED)

    def published(self) -> ConsumerNoticeQuerySet:
        return self.filter(status=ConsumerNoticeStatus.PUBLISHED)

    def awaiting_review(self) -> ConsumerNoticeQuerySet:
        return self.filter(status=ConsumerNoticeStatus.SUBMITTED)


class ConsumerNotice(TimeStampedModel):
    """A consumer risk notice (消费者风险提示), in Chinese and English: the product, its hazard and what
    consumers should do. Bureau staff publish their own at once; an enterprise's notice is reviewed by its
    competent bureau. Published notices are public (``/notices/``, and their Atom feed)."""

    title_zh = models.CharField(_("title (Chinese)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    product_text = models.CharField(_("product"), max_length=300)
    product = models.ForeignKey(
        "filings.ProductFiling",
        verbose_name=_("filed product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consumer_notices",
    )
    hazard = models.CharField(_("hazard"), max_length=30, choices=Hazard.choices)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    what_to_do_zh = models.TextField(_("what to do (Chinese)"), blank=True)
    what_to_do_en = models.TextField(_("what to do (English)"), blank=True)
    image = models.FileField(_("image"), upload_to=consumer_notice_image_upload_to, max_length=255, blank=True)
    #: the issuing bureau; for an enterprise's notice, its competent bureau (which reviews it)
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="consumer_notices"
    )
    #: the issuing enterprise (empty when a bureau issues the notice)
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("issuing enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consumer_notices",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ConsumerNoticeStatus.choices, default=ConsumerNoticeStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)
    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consumer_notices",
    )
    signal = models.ForeignKey(
        "risk_monitoring.RiskSignal",
        verbose_name=_("risk signal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consumer_notices",
    )

    objects = ConsumerNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("consumer risk notice")
        verbose_name_plural = _("consumer risk notices")
        ordering = ["-published_at", "-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["-published_at"],
                name="consumer_notice_public_idx",
                condition=Q(status=ConsumerNoticeStatus.PUBLISHED),
            ),
            models.Index(fields=["bureau", "status"], name="consumer_notice_bureau_idx"),
            models.Index(fields=["enterprise", "status"], name="consumer_notice_ent_idx"),
        ]

    def __str__(self) -> str:
        return self.title_zh or self.title_en or f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:consumer_notice_detail", args=[self.pk])

    def get_public_url(self) -> str:
        return reverse("public_notices:detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return CONSUMER_NOTICE_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_published(self) -> bool:
        return self.status == ConsumerNoticeStatus.PUBLISHED

    def in_language(self, field: str, language: str | None = None) -> str:
        """``field`` (``title``, ``description``, ``what_to_do``) in ``language`` (the active one), else
        in the other language."""
        english = (language or get_language() or "").lower().startswith("en")
        first, second = ("en", "zh") if english else ("zh", "en")
        return str(getattr(self, f"{field}_{first}") or getattr(self, f"{field}_{second}") or "")

    @property
    def title(self) -> str:
        return self.in_language("title")

    @property
    def description(self) -> str:
        return self.in_language("description")

    @property
    def what_to_do(self) -> str:
        return self.in_language("what_to_do")

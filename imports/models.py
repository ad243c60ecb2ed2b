"""Import batches and their lines, on-site verification, and export declarations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from catalogues.choices import TIER_COLOURS, FollowUp, Tier
from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from filings.models import EnterpriseFiling, ProductFiling, ProductTestReport
from imports.choices import (
    BATCH_STATUS_COLOURS,
    ITEM_STATUS_COLOURS,
    BatchMode,
    BatchStatus,
    Confirmation,
    ItemStatus,
    VerificationStatus,
)


class ImportBatchQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("enterprise__bureau", "port_bureau")
    scope_enterprise_paths = ("enterprise", "platform", "warehouse")


class ImportBatch(TimeStampedModel):
    """Goods declared for bulk entry and central storage (or direct mail), classified on submission."""

    batch_no = models.CharField(_("batch number"), max_length=40, unique=True)
    enterprise = models.ForeignKey(
        EnterpriseFiling, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="import_batches"
    )
    platform = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_import_batches",
    )
    warehouse = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("warehouse (logistics enterprise)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warehouse_import_batches",
    )
    mode = models.CharField(_("mode"), max_length=20, choices=BatchMode.choices, default=BatchMode.BONDED)
    port_bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("port bureau"), on_delete=models.PROTECT, related_name="import_batches"
    )
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=30, choices=BatchStatus.choices, default=BatchStatus.SUBMITTED)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True, choices=Tier.choices)
    #: the catalogue editions in force when the batch was classified: {kind: {"id": .., "edition": ..}}
    editions = models.JSONField(_("catalogue editions applied"), default=dict, blank=True)
    #: the operator was under strict supervision when it declared: the batch is verified on site
    #: whatever its tiers (the lines keep the tiers their catalogues give)
    strict_supervision = models.BooleanField(_("under strict supervision"), default=False)
    item_count = models.PositiveIntegerField(_("lines"), default=0)
    total_value_cny = models.DecimalField(_("total value (CNY)"), max_digits=16, decimal_places=2, default=0)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="batch_status_idx")]

    def __str__(self) -> str:
        return self.batch_no

    def get_absolute_url(self) -> str:
        return reverse("imports:batch_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return BATCH_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def tier_colour(self) -> str:
        return TIER_COLOURS.get(self.tier, "secondary")


class ImportItem(models.Model):
    """One declared line: a filed product or a free description, and its classification."""

    batch = models.ForeignKey(ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="items")
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(
        ProductFiling,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="import_items",
    )
    description = models.CharField(_("description"), max_length=500, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    cas_numbers = models.JSONField(_("CAS numbers"), default=list, blank=True)
    un_number = models.CharField(_("UN number"), max_length=4, blank=True)
    used = models.BooleanField(_("used or refurbished"), default=False)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    value_cny = models.DecimalField(_("value (CNY)"), max_digits=14, decimal_places=2)
    origin_country = CountryField(_("country of origin"), blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True, choices=Tier.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=30, choices=FollowUp.choices, blank=True)
    confirmation = models.CharField(_("confirmation"), max_length=20, choices=Confirmation.choices, blank=True)
    #: why the inspector confirmed or dismissed the suspected match (required to dismiss)
    confirmation_note = models.TextField(_("confirmation note"), blank=True)
    #: the suspected reasons the inspector dismissed: a later re-check does not raise them again
    dismissed_reasons = models.JSONField(_("dismissed suspicions"), default=list, blank=True)
    #: refused, awaiting on-site verification, released, or postal: each line proceeds by its own tier
    status = models.CharField(_("status"), max_length=30, choices=ItemStatus.choices, default=ItemStatus.RELEASED)

    class Meta:
        verbose_name = _("import item")
        verbose_name_plural = _("import items")
        ordering = ["batch", "line_no"]
        constraints = [models.UniqueConstraint(fields=["batch", "line_no"], name="unique_batch_line")]

    def __str__(self) -> str:
        return f"{self.batch_id}/{self.line_no}"

    @property
    def tier_colour(self) -> str:
        return TIER_COLOURS.get(self.tier, "secondary")

    @property
    def status_colour(self) -> str:
        return ITEM_STATUS_COLOURS.get(self.status, "secondary")


class VerificationTaskQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("bureau", "batch__enterprise__bureau")
    scope_enterprise_paths = ("batch__enterprise",)


class VerificationTask(TimeStampedModel):
    """On-site verification (现场核查) of a batch with key-supervision goods, by the port bureau.

    Third-party results may be accepted, and verified where needed; the decision releases or
    refuses the batch.
    """

    batch = models.OneToOneField(
        ImportBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="verification"
    )
    bureau = models.ForeignKey("accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=20, choices=VerificationStatus.choices, default=VerificationStatus.OPEN
    )
    accepted_reports = models.ManyToManyField(
        ProductTestReport, verbose_name=_("third-party results accepted"), blank=True, related_name="+"
    )
    note = models.TextField(_("findings"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = VerificationTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("on-site verification")
        verbose_name_plural = _("on-site verifications")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.batch}"


class ExportDeclarationQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("enterprise__bureau",)
    scope_enterprise_paths = ("enterprise",)


class ExportDeclaration(TimeStampedModel):
    """An export order under full declaration (全申报): the pool post-market sampling draws from."""

    enterprise = models.ForeignKey(
        EnterpriseFiling, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="export_declarations"
    )
    product = models.ForeignKey(
        ProductFiling,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="export_declarations",
    )
    order_no = models.CharField(_("order number"), max_length=60)
    description = models.CharField(_("description"), max_length=500, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    destination_country = CountryField(_("destination"))
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3, default=1)
    value_cny = models.DecimalField(_("value (CNY)"), max_digits=14, decimal_places=2)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = ExportDeclarationQuerySet.as_manager()

    class Meta:
        verbose_name = _("export declaration")
        verbose_name_plural = _("export declarations")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "order_no"], name="unique_export_order")]

    def __str__(self) -> str:
        return self.order_no

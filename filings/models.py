"""Enterprise and product filings, their change requests, and the HS code reference table."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from filings.choices import (
    BATCH_STATUS_COLOURS,
    CATALOGUE_TIER,
    CHANGE_REQUEST_COLOURS,
    FILING_STATUS_COLOURS,
    TIER_COLOURS,
    BatchMode,
    BatchStatus,
    CatalogueKind,
    ChangeRequestStatus,
    Confirmation,
    EnterpriseSystem,
    EnterpriseType,
    FilingStatus,
    FollowUp,
    GoodsCategory,
    ProductSubcategory,
    SequenceKind,
    SupervisionLevel,
    TestVerdict,
    Tier,
    VerificationStatus,
)


class ReviewFields(models.Model):
    """What every reviewed filing records: status, when it was submitted and decided, and why."""

    status = models.CharField(_("status"), max_length=20, choices=FilingStatus.choices, default=FilingStatus.DRAFT)
    filing_no = models.CharField(_("filing number"), max_length=30, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason given"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def status_colour(self) -> str:
        return FILING_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def review_due_at(self) -> dt.datetime | None:
        """Submissions are to be decided within FILING_REVIEW_DAYS days."""
        if self.status != FilingStatus.SUBMITTED or self.submitted_at is None:
            return None
        return self.submitted_at + dt.timedelta(days=settings.FILING_REVIEW_DAYS)

    @property
    def is_overdue(self) -> bool:
        due = self.review_due_at
        return due is not None and due < timezone.now()


class EnterpriseFilingQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("bureau",)
    scope_enterprise_paths = ("pk",)


class EnterpriseFiling(ReviewFields, TimeStampedModel):
    """A CBEC enterprise on record with its competent bureau ("file once, shared nationwide")."""

    name = models.CharField(_("enterprise name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    is_operator = models.BooleanField(_("operator"), default=False)
    is_platform = models.BooleanField(_("platform"), default=False)
    is_logistics = models.BooleanField(_("logistics and warehousing enterprise"), default=False)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    region_code = models.CharField(_("region code"), max_length=6)
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("competent bureau"), on_delete=models.PROTECT, related_name="enterprises"
    )
    main_categories = models.JSONField(_("main goods categories"), default=list, blank=True)
    platform_name = models.CharField(_("platform name"), max_length=200, blank=True)
    platform_url = models.URLField(_("platform URL"), blank=True)
    systems = models.JSONField(_("declared systems"), default=list, blank=True)
    pledge_signed = models.BooleanField(_("quality-integrity pledge signed"), default=False)
    pledge_signed_at = models.DateTimeField(_("pledge signed at"), null=True, blank=True)
    supervision_level = models.CharField(
        _("supervision level"), max_length=10, choices=SupervisionLevel.choices, default=SupervisionLevel.NORMAL
    )

    objects = EnterpriseFilingQuerySet.as_manager()

    #: labels of the codes in its JSON list fields, for the history timeline
    history_choices = {"main_categories": GoodsCategory.choices, "systems": EnterpriseSystem.choices}

    class Meta:
        verbose_name = _("enterprise filing")
        verbose_name_plural = _("enterprise filings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["bureau", "status"], name="enterprise_bureau_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="enterprise_queue_idx"),
        ]
        permissions = [("review_enterprisefiling", "Can review enterprise filings")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("filings:enterprise_detail", args=[self.pk])

    @property
    def types(self) -> list[str]:
        flags = (
            (EnterpriseType.OPERATOR, self.is_operator),
            (EnterpriseType.PLATFORM, self.is_platform),
            (EnterpriseType.LOGISTICS, self.is_logistics),
        )
        return [str(value) for value, on in flags if on]


class ProductFilingQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("enterprise__bureau",)
    scope_enterprise_paths = ("enterprise",)


class ProductFiling(ReviewFields, TimeStampedModel):
    """A product an enterprise sells across borders, filed before it first goes on sale."""

    enterprise = models.ForeignKey(
        EnterpriseFiling, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("product name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    listed_name = models.CharField(_("name as listed on the platform"), max_length=300, blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    model = models.CharField(_("specification / model"), max_length=100, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True, db_index=True)
    origin_country = CountryField(_("country of origin"), blank=True)
    manufacturer = models.CharField(_("manufacturer"), max_length=200, blank=True)
    manufacturer_address = models.CharField(_("manufacturer address"), max_length=300, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=20, choices=GoodsCategory.choices, blank=True)
    subcategory = models.CharField(_("sub-category"), max_length=30, choices=ProductSubcategory.choices, blank=True)
    materials = models.TextField(_("materials / composition"), blank=True)
    cas_numbers = models.JSONField(_("CAS numbers of declared substances"), default=list, blank=True)
    contains_hazardous_substances = models.BooleanField(_("contains toxic or harmful substances"), default=False)
    un_number = models.CharField(_("UN number"), max_length=4, blank=True)
    gtin = models.CharField(_("barcode (GTIN)"), max_length=14, blank=True, db_index=True)
    used = models.BooleanField(_("used or refurbished"), default=False)
    ccc_certificate = models.CharField(_("CCC certificate number"), max_length=50, blank=True)
    label_text = models.TextField(_("Chinese label and warnings"), blank=True)
    tier = models.PositiveSmallIntegerField(_("tier"), null=True, blank=True)
    classification = models.JSONField(_("classification"), null=True, blank=True)

    objects = ProductFilingQuerySet.as_manager()

    class Meta:
        verbose_name = _("product filing")
        verbose_name_plural = _("product filings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="product_enterprise_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="product_queue_idx"),
            models.Index(fields=["brand"], name="product_brand_idx"),
        ]
        permissions = [("review_productfiling", "Can review product filings")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("filings:product_detail", args=[self.pk])


class TestReportQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("product__enterprise__bureau",)
    scope_enterprise_paths = ("product__enterprise",)


class ProductTestReport(models.Model):
    """A third-party test report for a product: the lab's finding, with the report file."""

    product = models.ForeignKey(
        ProductFiling, verbose_name=_("product"), on_delete=models.CASCADE, related_name="test_reports"
    )
    lab = models.CharField(_("laboratory"), max_length=200)
    report_no = models.CharField(_("report number"), max_length=100)
    issued_on = models.DateField(_("date of issue"))
    standard = models.CharField(_("standard"), max_length=200, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=TestVerdict.choices)
    attachment = models.ForeignKey(
        "core.Attachment",
        verbose_name=_("report file"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = TestReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("third-party test report")
        verbose_name_plural = _("third-party test reports")
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "lab", "report_no"], name="unique_report_per_product"),
        ]

    def __str__(self) -> str:
        return f"{self.lab} {self.report_no}"


class ChangeRequestQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("enterprise__bureau",)
    scope_enterprise_paths = ("enterprise",)


class ChangeRequest(TimeStampedModel):
    """Changes to an approved filing, reviewed before they take effect.

    Until it is approved, the approved version stays in force. ``product`` is empty for a change
    to the enterprise filing itself.
    """

    enterprise = models.ForeignKey(
        EnterpriseFiling, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="change_requests"
    )
    product = models.ForeignKey(
        ProductFiling,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    changes = models.JSONField(_("proposed values"))
    original = models.JSONField(_("values in force when proposed"))
    explanation = models.TextField(_("explanation"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.PROTECT, related_name="+"
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
    decision_reason = models.TextField(_("reason given"), blank=True)

    objects = ChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["created_at", "id"]
        constraints = [
            # One open change request per filing at a time.
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="pending", product__isnull=True),
                name="one_pending_enterprise_change",
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=models.Q(status="pending", product__isnull=False),
                name="one_pending_product_change",
            ),
        ]

    def __str__(self) -> str:
        target = self.product or self.enterprise
        return f"{target} #{self.pk}"

    @property
    def target(self):
        return self.product or self.enterprise

    @property
    def status_colour(self) -> str:
        return CHANGE_REQUEST_COLOURS.get(self.status, "secondary")

    def get_absolute_url(self) -> str:
        return reverse("filings:change_request_detail", args=[self.pk])


class FilingSequence(models.Model):
    """The last filing number issued per bureau, year and kind: numbers are never reused."""

    bureau = models.ForeignKey("accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=SequenceKind.choices)
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("filing number sequence")
        verbose_name_plural = _("filing number sequences")
        constraints = [models.UniqueConstraint(fields=["bureau", "year", "kind"], name="unique_filing_sequence")]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}/{self.kind}: {self.last}"


class HSCode(models.Model):
    """A China Customs 8-digit commodity code; a declared 10-digit code must start with one."""

    code = models.CharField(_("commodity code"), max_length=8, primary_key=True)
    name = models.TextField(_("name"))
    name_en = models.TextField(_("English name"), blank=True)
    unit = models.CharField(_("unit"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("HS code")
        verbose_name_plural = _("HS codes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- Imports: catalogues, batches, on-site verification, export declarations --------------------


class CatalogueEditionQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        # Catalogues are public rules: every signed-in user may read them.
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()

    def in_force(self, at: dt.date | None = None) -> list[CatalogueEdition]:
        """The edition of each kind in force on ``at`` (today): the latest effective date, then the
        one loaded later."""
        at = at or timezone.localdate()
        chosen: dict[str, CatalogueEdition] = {}
        for edition in self.filter(effective_from__lte=at).order_by("kind", "-effective_from", "-id"):
            chosen.setdefault(edition.kind, edition)
        return list(chosen.values())


class CatalogueEdition(models.Model):
    """One edition of a catalogue (hazardous chemicals 2015, ...), in force from its date."""

    kind = models.CharField(_("catalogue"), max_length=30, choices=CatalogueKind.choices)
    edition = models.CharField(_("edition"), max_length=50)
    effective_from = models.DateField(_("effective from"))
    source_name = models.CharField(_("source file"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now, editable=False)
    loaded_by = models.CharField(_("loaded by"), max_length=200, blank=True)

    objects = CatalogueEditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalogue edition")
        verbose_name_plural = _("catalogue editions")
        ordering = ["kind", "-effective_from", "-id"]
        constraints = [models.UniqueConstraint(fields=["kind", "edition"], name="unique_catalogue_edition")]
        permissions = [("load_catalogueedition", "Can load a catalogue edition")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.edition}"

    def get_absolute_url(self) -> str:
        return reverse("filings:catalogue_detail", args=[self.pk])

    @property
    def tier(self) -> int:
        return CATALOGUE_TIER[self.kind]


class CatalogueEntry(models.Model):
    """One row of a catalogue edition: a chemical, a UN number or an HS prefix, with its names."""

    edition = models.ForeignKey(
        CatalogueEdition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="entries"
    )
    row = models.PositiveIntegerField(_("row in the file"))
    seq = models.CharField(_("serial number"), max_length=20, blank=True)
    name = models.CharField(_("name"), max_length=500)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    cas = models.CharField(_("CAS number"), max_length=20, blank=True, db_index=True)
    un_number = models.CharField(_("UN number"), max_length=4, blank=True, db_index=True)
    hs_prefix = models.CharField(_("HS code prefix"), max_length=10, blank=True, db_index=True)
    category = models.CharField(_("class"), max_length=100, blank=True)
    remark = models.CharField(_("remark"), max_length=500, blank=True)
    highly_toxic = models.BooleanField(_("highly toxic"), default=False)

    class Meta:
        verbose_name = _("catalogue entry")
        verbose_name_plural = _("catalogue entries")
        ordering = ["edition", "row"]

    def __str__(self) -> str:
        return f"{self.seq} {self.name}".strip()


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
    #: the operator was under strict supervision when it declared: every line at least tier 2
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
        return reverse("filings:batch_detail", args=[self.pk])

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

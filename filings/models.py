"""Enterprise and product filings, their third-party test reports and change requests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from filings.choices import (
    CHANGE_REQUEST_COLOURS,
    FILING_ENDED,
    FILING_SHARED,
    FILING_STATUS_COLOURS,
    SUSPICION_COLOURS,
    TEST_VERDICT_COLOURS,
    ChangeRequestStatus,
    EnterpriseSystem,
    EnterpriseType,
    FilingStatus,
    GoodsCategory,
    ProductSubcategory,
    SequenceKind,
    SupervisionLevel,
    Suspicion,
    TestVerdict,
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


def _same_uscc(enterprise_id: int) -> models.QuerySet:
    """The credit code of the filing ``enterprise_id``, as a subquery."""
    return EnterpriseFiling._base_manager.filter(pk=enterprise_id).values("uscc")


class EnterpriseFilingQuerySet(ScopedQuerySet):
    scope_bureau_paths = ("bureau",)
    # Its users see every filing under their enterprise's credit code: the ones it filed before a
    # rejection or revocation stay readable after it files again (``enterprise_refile``).
    scope_enterprise_paths = ("pk", lambda enterprise_id: Q(uscc__in=_same_uscc(enterprise_id)))
    # Shared nationally once approved; drafts and pending or refused filings stay with the
    # competent bureau and the enterprise. Writes stay with the competent bureau (the services).
    scope_shared_with_staff = Q(status__in=FILING_SHARED)


class EnterpriseFiling(ReviewFields, TimeStampedModel):
    """A CBEC enterprise on record with its competent bureau ("file once, shared nationwide")."""

    name = models.CharField(_("enterprise name"), max_length=200)
    uscc = models.CharField(_("unified social credit code"), max_length=18)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("follows the filing"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_filing",
        help_text=_("The rejected or revoked filing of the same enterprise that this one files again."),
    )
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
    #: the competent bureau's last decision on the supervision level: when, by whom and why
    supervision_decided_at = models.DateTimeField(_("supervision level decided at"), null=True, blank=True)
    supervision_decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("supervision level decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    supervision_reason = models.TextField(_("reason for the supervision level"), blank=True)

    objects = EnterpriseFilingQuerySet.as_manager()

    #: what a decision on it (and on a change to it) needs, beside the jurisdiction
    review_permission = "filings.review_enterprisefiling"
    #: what placing it under strict supervision (or lifting it) needs, beside the jurisdiction
    supervise_permission = "filings.supervise_enterprisefiling"

    #: labels of the codes in its JSON list fields, for the history timeline
    history_choices = {"main_categories": GoodsCategory.choices, "systems": EnterpriseSystem.choices}

    class Meta:
        verbose_name = _("enterprise filing")
        verbose_name_plural = _("enterprise filings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["bureau", "status"], name="enterprise_bureau_status_idx"),
            models.Index(fields=["status", "submitted_at"], name="enterprise_queue_idx"),
            # The enterprise picker's prefix lookups (LIKE 'x%'), whatever the database's collation.
            models.Index(fields=["name"], name="enterprise_name_prefix_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["uscc"], name="enterprise_uscc_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]
        permissions = [
            ("review_enterprisefiling", "Can review enterprise filings"),
            ("supervise_enterprisefiling", "Can place enterprises under strict supervision and lift it"),
        ]
        constraints = [
            # One live filing per credit code; a rejected or revoked one stays, and may be filed again.
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~Q(status__in=FILING_ENDED),
                name="enterprise_one_live_filing_per_uscc",
                violation_error_message=_("An enterprise with this credit code is already on file."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("filings:enterprise_detail", args=[self.pk])

    @property
    def followed_by(self) -> EnterpriseFiling | None:
        """The filing that files this one again after its rejection or revocation, if any."""
        try:
            return self.next_filing
        except EnterpriseFiling.DoesNotExist:
            return None

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
    scope_shared_with_staff = Q(status__in=FILING_SHARED)


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
    #: a suspected (name-only) tier-1 match, which the reviewer confirms or dismisses before approval (rule 1)
    suspicion = models.CharField(
        _("suspected prohibited goods"), max_length=10, choices=Suspicion.choices, default=Suspicion.NONE, blank=True
    )
    suspicion_decided_at = models.DateTimeField(_("suspicion decided at"), null=True, blank=True)
    suspicion_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suspicion decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suspicion_reason = models.TextField(_("reason for the suspicion decision"), blank=True)
    #: an approved product that a catalogue edition in force since puts in tier 1 (rule 1): flagged
    #: to its competent bureau until an officer suspends it (the flag is handled once it is no longer approved)
    prohibited_flagged_at = models.DateTimeField(_("flagged as prohibited at"), null=True, blank=True)
    prohibited_reasons = models.JSONField(_("why it is now prohibited"), default=list, blank=True)

    objects = ProductFilingQuerySet.as_manager()

    #: what a decision on it (and on a change to it) needs, beside the jurisdiction
    review_permission = "filings.review_productfiling"

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

    @property
    def suspicion_colour(self) -> str:
        return SUSPICION_COLOURS.get(self.suspicion, "secondary")

    @property
    def prohibited_flag_open(self) -> bool:
        """Flagged as prohibited and still approved: its competent bureau has yet to suspend it."""
        return self.prohibited_flagged_at is not None and self.status == FilingStatus.APPROVED


class TestReportQuerySet(ScopedQuerySet):
    # Whoever may read the product reads its test reports (and their files, which the product owns).
    scope_follows = "product"


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

    @property
    def verdict_colour(self) -> str:
        return TEST_VERDICT_COLOURS.get(self.verdict, "secondary")


class ChangeRequestQuerySet(ScopedQuerySet):
    # Proposals and decisions on them are the competent bureau's work: not shared with other bureaus.
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

"""Risk signals: risk information from every source, triaged by the competent bureau (issue 10)."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from filings.choices import GoodsCategory, ProductSubcategory
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.choices import (
    RISK_LEVEL_COLOURS,
    SAMPLING_STATUS_COLOURS,
    SAMPLING_VERDICT_COLOURS,
    SEVERITY_COLOURS,
    SIGNAL_OPEN,
    SIGNAL_STATUS_COLOURS,
    Hazard,
    ResultVerdict,
    RiskLevel,
    SamplingChannel,
    SamplingPurpose,
    SamplingStatus,
    SamplingVerdict,
    ScoreSubject,
    Severity,
    SignalSource,
    SignalStatus,
)

if TYPE_CHECKING:
    from accounts.models import User


class RiskSignalQuerySet(ScopedQuerySet):
    """The national network: every bureau's staff (and headquarters) read every signal; an
    enterprise user reads only the reports its own enterprise made; no one else reads any."""

    def scope_condition(self, user: User) -> Q | None:
        if user.is_bureau_staff:
            return Q()
        if user.is_enterprise_user and user.enterprise_id:
            return Q(source=SignalSource.ENTERPRISE_REPORT, enterprise_id=user.enterprise_id)
        return None

    def open(self) -> RiskSignalQuerySet:
        return self.filter(status__in=SIGNAL_OPEN)

    def queue_of(self, user: User) -> RiskSignalQuerySet:
        """A bureau's queue: the open signals about enterprises in its jurisdiction (none for others)."""
        if not user.is_bureau_staff:
            return self.none()
        return self.open().filter(competent_bureau__in=user.jurisdiction())


class RiskSignal(TimeStampedModel):
    """A piece of risk information about cross-border goods: from an inspection, a complaint, an
    enterprise's own report, an overseas notification or a sampling; triaged (assessed, then handed
    to an investigation or closed) by the bureau competent for the enterprise concerned."""

    source = models.CharField(_("source"), max_length=30, choices=SignalSource.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    enterprise = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_signals",
    )
    #: the first of ``products`` (the contract's ``product``)
    product = models.ForeignKey(
        ProductFiling,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    products = models.ManyToManyField(
        ProductFiling, verbose_name=_("products"), blank=True, related_name="risk_signals"
    )
    platform = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_risk_signals",
    )
    category = models.CharField(_("category"), max_length=20, choices=GoodsCategory.choices, blank=True)
    subcategory = models.CharField(_("sub-category"), max_length=30, choices=ProductSubcategory.choices, blank=True)
    hazard = models.CharField(_("hazard"), max_length=20, choices=Hazard.choices, default=Hazard.OTHER)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    severity_reason = models.TextField(_("reason for the severity"), blank=True)
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True)
    brand = models.CharField(_("brand"), max_length=200, blank=True)
    model = models.CharField(_("model"), max_length=200, blank=True)
    origin_country = CountryField(_("country of origin"), blank=True)
    #: the overseas notice's own number (a Safety Gate alert number, a CPSC recall number)
    overseas_reference = models.CharField(_("overseas reference"), max_length=100, blank=True)
    reported_by = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("reported by (bureau)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_risk_signals",
    )
    reported_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the enterprise's bureau: the signal is in its queue
    competent_bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("competent bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="risk_signal_queue",
    )
    status = models.CharField(_("status"), max_length=20, choices=SignalStatus.choices, default=SignalStatus.NEW)
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    #: how many times it was raised: refused lines of the same goods join one open signal
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    assessed_at = models.DateTimeField(_("assessed at"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RiskSignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk signal")
        verbose_name_plural = _("risk signals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "overseas_reference"],
                condition=~Q(overseas_reference=""),
                name="unique_signal_reference",
            )
        ]
        indexes = [
            models.Index(fields=["status", "competent_bureau"], name="signal_queue_idx"),
            models.Index(fields=["source", "status"], name="signal_source_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("risk_monitoring:signal_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return SIGNAL_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def severity_colour(self) -> str:
        return SEVERITY_COLOURS.get(self.severity, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in SIGNAL_OPEN

    def product_ids(self) -> list[int]:
        """The filed products, the first (``product``) first; from the prefetched rows when there are."""
        ids = sorted(p.pk for p in self.products.all())
        if self.product_id is not None:
            ids = [self.product_id, *(i for i in ids if i != self.product_id)]
        return ids


# --- sampling --------------------------------------------------------------------------------------


class Lab(TimeStampedModel):
    """A testing laboratory, as samplings and third-party reports name it. Matched or created by its
    name (``name_key``: the name with case, width and spaces ignored), so "SGS Shanghai" and
    "sgs  shanghai" are one lab."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("name key"), max_length=200, unique=True, editable=False)
    #: the accreditation number (CNAS L1234), when known
    accreditation = models.CharField(_("accreditation number"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("laboratory")
        verbose_name_plural = _("laboratories")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("risk_monitoring:lab_detail", args=[self.pk])

    @staticmethod
    def key_of(name: str) -> str:
        """The name as labs are matched: NFKC (full width to ASCII), case folded, spaces collapsed."""
        return " ".join(unicodedata.normalize("NFKC", name or "").casefold().split())


class SamplingQuerySet(ScopedQuerySet):
    """Samplings are read nationally by every bureau's staff (they feed every bureau's risk scores);
    an enterprise reads the samplings of its own goods, and a platform or warehouse those taken on
    it."""

    scope_enterprise_paths = ("enterprise", "platform", "warehouse")
    scope_shared_with_staff = Q()


class Sampling(TimeStampedModel):
    """A sample of filed goods: bought online as a consumer on the platform, or taken offline in a
    bonded warehouse; sent to a lab, whose results (test item by test item) give its verdict."""

    sampling_no = models.CharField(_("sampling number"), max_length=30, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=SamplingChannel.choices)
    purpose = models.CharField(
        _("purpose"), max_length=20, choices=SamplingPurpose.choices, default=SamplingPurpose.ROUTINE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SamplingStatus.choices, default=SamplingStatus.SAMPLED
    )
    #: the bureau that took the sample
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("sampling bureau"), on_delete=models.PROTECT, related_name="samplings"
    )
    product = models.ForeignKey(
        ProductFiling, verbose_name=_("product"), on_delete=models.PROTECT, related_name="samplings"
    )
    #: the product's operator (its enterprise filing), kept on the row for set-based counts
    enterprise = models.ForeignKey(
        EnterpriseFiling, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="samplings"
    )
    platform = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_samplings",
    )
    warehouse = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("warehouse"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warehouse_samplings",
    )
    # online: what a consumer would have: the listing, the order, the price paid
    url = models.URLField(_("listing URL"), max_length=1000, blank=True)
    order_no = models.CharField(_("order number"), max_length=100, blank=True)
    price_paid = models.DecimalField(_("price paid (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True)
    # offline: where in the warehouse, and from which declared batch
    location = models.CharField(_("location"), max_length=300, blank=True)
    batch = models.ForeignKey(
        "imports.ImportBatch",
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="samplings",
    )
    quantity = models.CharField(_("quantity sampled"), max_length=100, blank=True)
    sampled_at = models.DateTimeField(_("sampled at"), null=True, blank=True)
    lab = models.ForeignKey(
        Lab, verbose_name=_("laboratory"), null=True, blank=True, on_delete=models.PROTECT, related_name="samplings"
    )
    lab_report_no = models.CharField(_("lab report number"), max_length=100, blank=True)
    sent_to_lab_at = models.DateTimeField(_("sent to the lab at"), null=True, blank=True)
    results_entered_at = models.DateTimeField(_("results entered at"), null=True, blank=True)
    verdict = models.CharField(
        _("verdict"), max_length=10, choices=SamplingVerdict.choices, default=SamplingVerdict.PENDING
    )
    note = models.TextField(_("note"), blank=True)
    #: the sampling signal a failure raised
    signal = models.ForeignKey(
        RiskSignal,
        verbose_name=_("risk signal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="samplings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = SamplingQuerySet.as_manager()

    class Meta:
        verbose_name = _("sampling")
        verbose_name_plural = _("samplings")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["product", "verdict"], name="sampling_product_idx"),
            models.Index(fields=["enterprise", "verdict"], name="sampling_enterprise_idx"),
            models.Index(fields=["bureau", "status"], name="sampling_bureau_idx"),
        ]

    def __str__(self) -> str:
        return self.sampling_no

    def get_absolute_url(self) -> str:
        return reverse("risk_monitoring:sampling_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return SAMPLING_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def verdict_colour(self) -> str:
        return SAMPLING_VERDICT_COLOURS.get(self.verdict, "secondary")


class SamplingResultQuerySet(ScopedQuerySet):
    scope_follows = "sampling"


class SamplingResult(models.Model):
    """One test item of a sampling: the standard, the measured value against its limit, the verdict."""

    sampling = models.ForeignKey(Sampling, verbose_name=_("sampling"), on_delete=models.CASCADE, related_name="results")
    position = models.PositiveIntegerField(_("position"), default=0)
    test_item = models.CharField(_("test item"), max_length=200)
    standard = models.CharField(_("standard"), max_length=200, blank=True)
    value = models.CharField(_("measured value"), max_length=100, blank=True)
    limit = models.CharField(_("limit"), max_length=100, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    verdict = models.CharField(_("verdict"), max_length=10, choices=ResultVerdict.choices)

    objects = SamplingResultQuerySet.as_manager()

    class Meta:
        verbose_name = _("test result")
        verbose_name_plural = _("test results")
        ordering = ["sampling", "position", "id"]

    def __str__(self) -> str:
        return f"{self.test_item}: {self.get_verdict_display()}"


# --- risk scores -----------------------------------------------------------------------------------


class RiskScoreQuerySet(ScopedQuerySet):
    """Bureau staff read every score (the national network); an enterprise reads its own score and
    its own products' scores, no one else's; sub-category scores are staff only."""

    def scope_condition(self, user: User) -> Q | None:
        # Not ``scope_shared_with_staff = Q()``: an empty Q joined by OR to the base condition
        # (``pk__in=[]``) is dropped, and staff would read nothing.
        if user.is_bureau_staff:
            return Q()
        if user.is_enterprise_user and user.enterprise_id:
            # A sub-category's score names no enterprise: staff only.
            return Q(enterprise_id=user.enterprise_id)
        return None

    def current(self) -> RiskScoreQuerySet:
        return self.filter(is_current=True)


class RiskScore(models.Model):
    """An explained risk score of an enterprise, a product or a product sub-category at one moment.

    ``factors`` lists each factor as ``{"name", "value", "weight", "contribution"}``; the
    contributions sum to ``score`` (0-100). A recomputation adds a row and makes it the current one:
    the history is kept.
    """

    subject_type = models.CharField(_("subject type"), max_length=20, choices=ScoreSubject.choices)
    #: the enterprise or product filing id, or the sub-category code
    subject_id = models.CharField(_("subject"), max_length=40)
    #: the enterprise the score is about (a product's: its operator); for scoping and joins
    enterprise = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    product = models.ForeignKey(
        ProductFiling, verbose_name=_("product"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    factors = models.JSONField(_("factors"), default=list)
    computed_at = models.DateTimeField(_("computed at"))
    is_current = models.BooleanField(_("current"), default=True)

    objects = RiskScoreQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk score")
        verbose_name_plural = _("risk scores")
        ordering = ["-computed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"],
                condition=Q(is_current=True),
                name="one_current_score_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "-computed_at"], name="score_history_idx"),
            models.Index(fields=["subject_type", "is_current", "-score"], name="score_rank_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_type_display()} {self.subject_id}: {self.score}"

    @property
    def level_colour(self) -> str:
        return RISK_LEVEL_COLOURS.get(self.level, "secondary")


class RiskScoreRun(models.Model):
    """One recomputation of risk scores: the nightly full run, a run after events, or the command.

    It is what the run's audit event is recorded on (one event per run, not one per score), with the
    counts of the scores it wrote.
    """

    KIND_FULL, KIND_EVENTS = "full", "events"
    KIND_CHOICES = [(KIND_FULL, _("Full recomputation")), (KIND_EVENTS, _("After events"))]

    kind = models.CharField(_("kind"), max_length=10, choices=KIND_CHOICES)
    #: the ``computed_at`` of the scores it wrote
    computed_at = models.DateTimeField(_("computed at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: scores written per subject type, and chunks run
    counts = models.JSONField(_("counts"), default=dict)

    class Meta:
        verbose_name = _("risk score run")
        verbose_name_plural = _("risk score runs")
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.computed_at:%Y-%m-%d %H:%M}"

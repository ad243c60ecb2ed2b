"""Sampling: laboratories, samplings and their results, lab checks and sampling plans."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from filings.models import EnterpriseFiling, ProductFiling, ProductTestReport
from risk_monitoring.choices import (
    LAB_CHECK_COLOURS,
    LAB_VERIFY_ONLY_DAYS,
    PLAN_ITEM_REASON_COLOURS,
    PLAN_STATUS_COLOURS,
    SAMPLING_STATUS_COLOURS,
    SAMPLING_VERDICT_COLOURS,
    LabCheckContext,
    LabCheckOutcome,
    PlanItemReason,
    PlanStatus,
    ResultVerdict,
    SamplingChannel,
    SamplingPurpose,
    SamplingStatus,
    SamplingVerdict,
)

if TYPE_CHECKING:
    from accounts.models import User

from risk_monitoring.models.signals import RiskSignal

# --- sampling --------------------------------------------------------------------------------------


class LabQuerySet(models.QuerySet):
    """Labs are reference data of the national network: every bureau's staff read them (see the
    views: enterprises see the lab's name on their samplings only)."""

    def visible_to(self, user: User | None) -> LabQuerySet:
        if user is None or not user.is_active or not user.is_authenticated:
            return self.none()
        return self.all() if (user.is_hq or user.is_bureau_staff) else self.none()

    def with_trust(self) -> LabQuerySet:
        """Each lab with its trust record counted in the same query: ``accepted_count``,
        ``consistent_count``, ``inconsistent_count`` and ``last_inconsistent_at``."""
        return self.annotate(
            accepted_count=Count("checks", filter=Q(checks__outcome=LabCheckOutcome.ACCEPTED), distinct=True),
            consistent_count=Count("checks", filter=Q(checks__outcome=LabCheckOutcome.CONSISTENT), distinct=True),
            inconsistent_count=Count("checks", filter=Q(checks__outcome=LabCheckOutcome.INCONSISTENT), distinct=True),
            last_inconsistent_at=Max("checks__decided_at", filter=Q(checks__outcome=LabCheckOutcome.INCONSISTENT)),
        )


class Lab(TimeStampedModel):
    """A testing laboratory, as samplings and third-party reports name it. Matched or created by its
    name (``name_key``: the name with case, width and spaces ignored), so "SGS Shanghai" and
    "sgs  shanghai" are one lab."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("name key"), max_length=200, unique=True, editable=False)
    #: the accreditation number (CNAS L1234), when known
    accreditation = models.CharField(_("accreditation number"), max_length=50, blank=True)
    #: a bureau administrator restored the lab's trust: inconsistent verifications before this
    #: moment no longer make it "verify only"
    trust_restored_at = models.DateTimeField(_("trust restored at"), null=True, blank=True)
    trust_restored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trust restored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    trust_restored_reason = models.TextField(_("reason for restoring trust"), blank=True)

    objects = LabQuerySet.as_manager()

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

    def last_inconsistent(self) -> dt.datetime | None:
        """When its last inconsistent verification was decided (annotated by ``with_trust`` on lists)."""
        if hasattr(self, "last_inconsistent_at"):
            value: dt.datetime | None = self.last_inconsistent_at
            return value
        return self.checks.filter(outcome=LabCheckOutcome.INCONSISTENT).aggregate(last=Max("decided_at"))["last"]

    @property
    def verify_only(self) -> bool:
        """Whether its reports are verified, not accepted: an inconsistent verification within the
        last 12 months that no bureau administrator has restored the lab's trust after."""
        last = self.last_inconsistent()
        if last is None or last < timezone.now() - dt.timedelta(days=LAB_VERIFY_ONLY_DAYS):
            return False
        return self.trust_restored_at is None or last > self.trust_restored_at


class SamplingQuerySet(ScopedQuerySet):
    """Samplings are read nationally by every bureau's staff (they feed every bureau's risk scores);
    an enterprise reads the samplings of its own goods, and a platform or warehouse those taken on
    it."""

    scope_enterprise_paths = ("enterprise", "platform", "warehouse")

    def scope_condition(self, user: User) -> Q | None:
        # Every row for staff: said outright, as ``scope_shared_with_staff = Q()`` would be an empty
        # condition, dropped when OR-ed with the others (and so matching nothing).
        if user.is_bureau_staff:
            return ~Q(pk=None)
        return super().scope_condition(user)


def results_text(rows: object) -> str:
    """Test results as a history line: "Lead 142 mg/kg (limit 90): fail; …" (— for none)."""
    if not isinstance(rows, list) or not rows:
        return "—"
    verdicts = dict(ResultVerdict.choices)
    lines = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        value = " ".join(str(part) for part in (row.get("value"), row.get("unit")) if part)
        limit = f" ({_('limit')} {row['limit']})" if row.get("limit") else ""
        verdict = verdicts.get(row.get("verdict"), row.get("verdict"))
        lines.append(f"{row.get('test_item', '')} {value}{limit}: {verdict}")
    return "; ".join(lines) or "—"


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
    #: a verification sampling: the third-party report (filed with the product) it verifies
    report = models.ForeignKey(
        ProductTestReport,
        verbose_name=_("third-party report verified"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verification_samplings",
    )
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

    #: the audit snapshot's results (``test_results``), as the history timeline shows them
    history_labels = {"test_results": _("test results")}
    history_formats = {"test_results": lambda rows: results_text(rows)}

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


class SamplingSequence(models.Model):
    """The last sampling number issued per bureau and year: numbers are never reused."""

    bureau = models.ForeignKey("accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("sampling number sequence")
        verbose_name_plural = _("sampling number sequences")
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="unique_sampling_sequence")]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}: {self.last}"


class LabCheckQuerySet(ScopedQuerySet):
    """A lab's trust record is the inspectors' business: every bureau's staff read it, enterprises none."""

    def scope_condition(self, user: User) -> Q | None:
        return ~Q(pk=None) if user.is_bureau_staff else None


class LabCheck(models.Model):
    """One decision on a lab's third-party report: accepted as it is (at an on-site verification or a
    product review), or verified by a sampling of the same product, consistent or not. The lab's
    trust record counts them."""

    lab = models.ForeignKey(Lab, verbose_name=_("laboratory"), on_delete=models.PROTECT, related_name="checks")
    product = models.ForeignKey(
        ProductFiling, verbose_name=_("product"), on_delete=models.PROTECT, related_name="lab_checks"
    )
    report = models.ForeignKey(
        ProductTestReport,
        verbose_name=_("third-party report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lab_checks",
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=LabCheckOutcome.choices)
    context = models.CharField(_("context"), max_length=30, choices=LabCheckContext.choices)
    #: the verification sampling (consistent / inconsistent outcomes)
    sampling = models.OneToOneField(
        Sampling,
        verbose_name=_("verification sampling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lab_check",
    )
    #: the on-site verification that accepted it (by id: imports is a sibling app)
    verification_task_id = models.PositiveBigIntegerField(_("on-site verification"), null=True, blank=True)
    bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("bureau"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    note = models.TextField(_("note"), blank=True)

    objects = LabCheckQuerySet.as_manager()

    class Meta:
        verbose_name = _("lab check")
        verbose_name_plural = _("lab checks")
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["lab", "outcome", "decided_at"], name="lab_check_trust_idx")]

    def __str__(self) -> str:
        return f"{self.lab_id}: {self.get_outcome_display()}"

    @property
    def outcome_colour(self) -> str:
        return LAB_CHECK_COLOURS.get(self.outcome, "secondary")


# --- sampling plans --------------------------------------------------------------------------------


class SamplingPlanQuerySet(ScopedQuerySet):
    """A plan is its bureau's work: the staff of the bureau (and of its parent direct bureau) and
    headquarters read it; other bureaus and enterprises never."""

    scope_bureau_paths = ("bureau",)


class SamplingPlan(TimeStampedModel):
    """A bureau's monthly plan of the goods to sample, drawn by ``risk_monitoring.planning``: weighted
    by risk score with a random share, within the labs' capacities. The seed and the candidates (with
    their weights) are stored, so the draw can be run again and checked."""

    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="sampling_plans"
    )
    month = models.CharField(
        _("month"),
        max_length=7,
        validators=[RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("A month is written YYYY-MM."))],
    )
    #: the size asked for (the plan holds fewer items when capacity or candidates were short)
    size = models.PositiveIntegerField(_("size"))
    random_share = models.DecimalField(
        _("random share"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    seed = models.PositiveBigIntegerField(_("random seed"))
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the draw's other inputs and outcome: labs and capacities, baseline weight, channel,
    #: random and risk counts, shortfalls
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    #: the candidates as drawn from: ``[[product_id, weight, sub-category], ...]``
    candidates = models.JSONField(_("candidates"), default=list, blank=True, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True)

    objects = SamplingPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("sampling plan")
        verbose_name_plural = _("sampling plans")
        ordering = ["-month", "-created_at", "-id"]
        indexes = [models.Index(fields=["bureau", "month"], name="plan_bureau_month_idx")]

    def __str__(self) -> str:
        return f"{self.month} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("risk_monitoring:plan_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return PLAN_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT

    def lab_capacities(self) -> dict[int, int]:
        """Lab id -> samples per month, as given when the plan was generated."""
        return {int(row["lab"]): int(row["capacity"]) for row in self.parameters.get("labs", [])}


class SamplingPlanItemQuerySet(ScopedQuerySet):
    scope_follows = "plan"

    def active(self) -> SamplingPlanItemQuerySet:
        return self.filter(removed=False)


class SamplingPlanItem(models.Model):
    """One product of a plan: why (risk, random, added), its weight and score when drawn, the lab,
    and the sampling that fulfils it once taken. An item removed from a draft stays, marked, with
    the reason."""

    plan = models.ForeignKey(SamplingPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(_("position"), default=0)
    product = models.ForeignKey(
        ProductFiling, verbose_name=_("product"), on_delete=models.PROTECT, related_name="sampling_plan_items"
    )
    enterprise = models.ForeignKey(
        EnterpriseFiling, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="sampling_plan_items"
    )
    lab = models.ForeignKey(
        Lab, verbose_name=_("laboratory"), null=True, blank=True, on_delete=models.PROTECT, related_name="plan_items"
    )
    reason = models.CharField(_("reason"), max_length=10, choices=PlanItemReason.choices)
    #: the weight it was drawn with (its score, or the baseline when it had none)
    weight = models.DecimalField(_("weight"), max_digits=7, decimal_places=2)
    #: its current risk score when drawn (none: not scored yet)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    #: approximate probability that the draw picked it (see ``risk_monitoring.planning``)
    inclusion_probability = models.FloatField(_("inclusion probability"), null=True, blank=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=SamplingChannel.choices, default=SamplingChannel.ONLINE
    )
    adjusted = models.BooleanField(_("adjusted"), default=False)
    adjustment_note = models.TextField(_("adjustment note"), blank=True)
    removed = models.BooleanField(_("removed"), default=False)
    #: the sampling taken for this item
    sampling = models.ForeignKey(
        Sampling,
        verbose_name=_("sampling"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_items",
    )

    objects = SamplingPlanItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("sampling plan item")
        verbose_name_plural = _("sampling plan items")
        ordering = ["plan", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "product"], condition=Q(removed=False), name="one_active_item_per_plan_product"
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan} / {self.product_id}"

    @property
    def reason_colour(self) -> str:
        return PLAN_ITEM_REASON_COLOURS.get(self.reason, "secondary")

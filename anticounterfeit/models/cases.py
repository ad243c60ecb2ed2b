"""Counterfeit cases, the people assigned to them and the documents of their procedure (issue 12)."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from anticounterfeit.choices import (
    CASE_OPEN,
    CASE_STATUS_COLOURS,
    CaseDocumentKind,
    CaseDuty,
    CaseStatus,
    DecisionKind,
    ServiceMethod,
)
from cbec_supervision.models import BureauYearSequence, TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet


def _assigned_to(user_id: int) -> Q:
    """Cases on which ``user_id`` holds a duty now (an assignment that has not ended)."""
    return Q(Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), user_id=user_id, ended_at__isnull=True)))


class CounterfeitCaseQuerySet(ScopedQuerySet):
    """A case is read by the people assigned to it (handlers, reviewer, deciding officer), by the
    administrators of its bureau's jurisdiction and by headquarters; other inspectors of the bureau
    do not see it, and enterprises never do."""

    scope_bureau_paths = ("bureau",)
    scope_bureau_roles = (Role.BUREAU_ADMIN,)
    scope_user_paths = (_assigned_to,)

    def open(self) -> CounterfeitCaseQuerySet:
        return self.filter(status__in=CASE_OPEN)


class CounterfeitCase(TimeStampedModel):
    """An anti-counterfeit enforcement case (打假案件), from the request to open it to its closing, run
    by the bureau where it was opened. Its handlers investigate and collect evidence, its reviewer
    reviews, its deciding officer decides: three different people (``CaseAssignment``)."""

    case_no = models.CharField(_("case number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    #: the handling bureau
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="counterfeit_cases"
    )
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    rights_holders = models.ManyToManyField(
        "anticounterfeit.RightsHolder", verbose_name=_("rights holders"), blank=True, related_name="cases"
    )
    #: the party (当事人): the enterprise the case is against
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("party"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterfeit_cases",
    )
    #: the party as named when it is not a filed enterprise (a shop, a person)
    party_name = models.CharField(_("party (if not filed)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.PROPOSED)
    # links
    enterprises = models.ManyToManyField(
        "filings.EnterpriseFiling", verbose_name=_("enterprises involved"), blank=True, related_name="+"
    )
    products = models.ManyToManyField(
        "filings.ProductFiling", verbose_name=_("products"), blank=True, related_name="counterfeit_cases"
    )
    signals = models.ManyToManyField(
        "risk_monitoring.RiskSignal", verbose_name=_("risk signals"), blank=True, related_name="counterfeit_cases"
    )
    investigations = models.ManyToManyField(
        "traceability.Investigation", verbose_name=_("investigations"), blank=True, related_name="counterfeit_cases"
    )
    # the procedure: who and when
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opening approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    submitted_for_review_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    notice_served_at = models.DateTimeField(_("notice served at"), null=True, blank=True)
    hearing_requested = models.BooleanField(_("hearing requested"), default=False)
    hearing_waived = models.BooleanField(_("hearing waived"), default=False)
    hearing_held_at = models.DateTimeField(_("hearing held at"), null=True, blank=True)
    decision_no = models.CharField(_("decision number"), max_length=60, blank=True)
    decision_kind = models.CharField(_("decision"), max_length=20, choices=DecisionKind.choices, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    service_method = models.CharField(_("service method"), max_length=20, choices=ServiceMethod.choices, blank=True)
    enforced_at = models.DateTimeField(_("enforced at"), null=True, blank=True)
    transferred_at = models.DateTimeField(_("transferred at"), null=True, blank=True)
    #: the public security organ or procuratorate the case went to
    transferred_to = models.CharField(_("transferred to"), max_length=200, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # figures for the statistics
    fine_amount_cny = models.DecimalField(_("fine (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    illegal_gains_cny = models.DecimalField(
        _("illegal gains confiscated (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    goods_value_cny = models.DecimalField(
        _("value of the goods (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    confiscated_quantity = models.PositiveIntegerField(_("items confiscated"), null=True, blank=True)
    fine_paid_cny = models.DecimalField(_("fine paid (CNY)"), max_digits=14, decimal_places=2, null=True, blank=True)
    # the head of the case's chain of custody (its last position and hash: ``anticounterfeit.custody``)
    custody_seq = models.PositiveIntegerField(_("custody log length"), default=0, editable=False)
    custody_head_hash = models.CharField(_("custody log head"), max_length=64, blank=True, editable=False)

    objects = CounterfeitCaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("counterfeit case")
        verbose_name_plural = _("counterfeit cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["bureau", "status"], name="ccase_bureau_status_idx")]

    def __str__(self) -> str:
        return f"{self.case_no} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("anticounterfeit:case_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return CASE_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in CASE_OPEN


class CaseSequence(BureauYearSequence):
    """The last case number issued per bureau and year (``ZJ2026AC000001``): numbers are never reused."""

    class Meta:
        verbose_name = _("counterfeit case number sequence")
        verbose_name_plural = _("counterfeit case number sequences")
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="unique_counterfeit_case_sequence")]


class CaseAssignmentQuerySet(ScopedQuerySet):
    scope_follows = "case"

    def active(self) -> CaseAssignmentQuerySet:
        return self.filter(ended_at__isnull=True)


class CaseAssignment(models.Model):
    """A person holding a duty on a case. Ending an assignment keeps it (``ended_at``): who has ever
    handled a case may never review or decide it."""

    case = models.ForeignKey(
        CounterfeitCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="case_assignments"
    )
    duty = models.CharField(_("duty"), max_length=20, choices=CaseDuty.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned at"), default=timezone.now)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)

    objects = CaseAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("case assignment")
        verbose_name_plural = _("case assignments")
        ordering = ["case", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "user", "duty"], condition=Q(ended_at__isnull=True), name="one_active_duty_per_person"
            ),
            models.UniqueConstraint(
                fields=["case", "duty"],
                condition=Q(ended_at__isnull=True) & Q(duty__in=[CaseDuty.REVIEWER, CaseDuty.DECIDER]),
                name="one_active_reviewer_and_decider",
            ),
        ]
        indexes = [models.Index(fields=["user", "case"], name="case_assignment_user_idx")]

    def __str__(self) -> str:
        # The history reads "assigned Reviewer: zj_legal" (``user`` is loaded for it: one query at most).
        return f"{self.get_duty_display()}: {self.user}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


def case_document_upload_to(instance: CaseDocument, filename: str) -> str:  # noqa: ARG001 - Django passes both
    # The stored name carries no user input: the original name is kept in a field.
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"counterfeit/documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class CaseDocumentQuerySet(ScopedQuerySet):
    scope_follows = "case"


class CaseDocument(models.Model):
    """A document of the procedure (执法文书): the text the step's form took, with its number and an
    optional signed scan. Written by the step's service; a correction is a new document."""

    case = models.ForeignKey(
        CounterfeitCase, verbose_name=_("case"), on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CaseDocumentKind.choices)
    number = models.CharField(_("document number"), max_length=60, blank=True)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(_("signed copy"), upload_to=case_document_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    mime_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    written_at = models.DateTimeField(_("written at"), default=timezone.now)

    objects = CaseDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["case", "written_at", "id"]
        indexes = [models.Index(fields=["case", "kind"], name="case_document_kind_idx")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.get_kind_display()}"

"""Models of traceability: inter-bureau notices (issue 10); investigations and their measures (issue 11)."""

from __future__ import annotations

import datetime as dt
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
from traceability import notice_objects
from traceability.choices import (
    CONSUMER_NOTICE_STATUS_COLOURS,
    INVESTIGATION_OPEN,
    INVESTIGATION_STATUS_COLOURS,
    MEASURE_OPEN,
    MEASURE_REQUIRED_PROOF,
    MEASURE_STATUS_COLOURS,
    NOTICE_STATE_COLOURS,
    PROPOSAL_STATUS_COLOURS,
    VOLUNTARY_REVIEW_COLOURS,
    ConsumerNoticeStatus,
    InvestigationEventKind,
    InvestigationStatus,
    MeasureStatus,
    MeasureType,
    NoticeState,
    ProposalStatus,
    RecallChannel,
    ResponsibleParty,
    VoluntaryReview,
)

if TYPE_CHECKING:
    from accounts.models import User


class InterBureauNoticeQuerySet(ScopedQuerySet):
    """Staff of the sending or the receiving bureau's jurisdiction read a notice; headquarters reads
    all of them; enterprises none (no enterprise path)."""

    scope_bureau_paths = ("from_bureau", "to_bureau")

    def incoming_for(self, user: User) -> InterBureauNoticeQuerySet:
        """Notices to a bureau of the user's jurisdiction (none for anyone but bureau staff)."""
        if not user.is_bureau_staff:
            return self.none()
        return self.filter(to_bureau__in=user.jurisdiction())

    def outgoing_for(self, user: User) -> InterBureauNoticeQuerySet:
        """Notices from a bureau of the user's jurisdiction (headquarters: from its own bureau)."""
        if user.is_bureau_staff:
            return self.filter(from_bureau__in=user.jurisdiction())
        if user.is_hq and user.bureau_id is not None:
            return self.filter(from_bureau_id=user.bureau_id)
        return self.none()

    def unacknowledged(self) -> InterBureauNoticeQuerySet:
        return self.filter(acknowledged_at__isnull=True)

    def overdue(self, now: dt.datetime | None = None) -> InterBureauNoticeQuerySet:
        """Not acknowledged and past due."""
        return self.unacknowledged().filter(due_at__lt=now or timezone.now())

    def about(self, obj: models.Model) -> InterBureauNoticeQuerySet:
        name = notice_objects.type_of(obj)
        if name is None:
            return self.none()
        return self.filter(object_type=name, object_id=obj.pk)


class InterBureauNotice(TimeStampedModel):
    """A notice from one bureau to another about an object (a risk signal; later an investigation).

    The receiving bureau acknowledges it by its due date (by default the end of the fifth working day
    after it was sent); one still unacknowledged past due is flagged once, to the staff of both.
    """

    from_bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("from bureau"), on_delete=models.PROTECT, related_name="notices_sent"
    )
    to_bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("to bureau"), on_delete=models.PROTECT, related_name="notices_received"
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    #: the registered type of the object (``traceability.notice_objects``), e.g. ``risk_signal``
    object_type = models.CharField(_("object type"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("object id"))
    due_at = models.DateTimeField(_("due"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement_note = models.TextField(_("acknowledgement note"), blank=True)
    #: when the overdue flag went to both bureaus (once)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)

    objects = InterBureauNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("inter-bureau notice")
        verbose_name_plural = _("inter-bureau notices")
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["to_bureau", "acknowledged_at"], name="notice_incoming_idx"),
            models.Index(fields=["from_bureau", "sent_at"], name="notice_outgoing_idx"),
            models.Index(fields=["object_type", "object_id"], name="notice_object_idx"),
            models.Index(
                fields=["due_at"],
                name="notice_unflagged_due_idx",
                condition=Q(acknowledged_at__isnull=True, overdue_flagged_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(from_bureau=models.F("to_bureau")), name="notice_to_another_bureau"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:notice_detail", args=[self.pk])

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    @property
    def is_overdue(self) -> bool:
        return self.acknowledged_at is None and self.due_at < timezone.now()

    @property
    def state(self) -> str:
        if self.acknowledged_at is not None:
            return NoticeState.ACKNOWLEDGED
        return NoticeState.OVERDUE if self.is_overdue else NoticeState.AWAITING

    @property
    def state_label(self) -> str:
        return str(NoticeState(self.state).label)

    @property
    def state_colour(self) -> str:
        return NOTICE_STATE_COLOURS[NoticeState(self.state)]

    @property
    def object_entry(self) -> notice_objects.NoticeObjectType | None:
        return notice_objects.get(self.object_type)

    @property
    def object_label(self) -> str:
        entry = self.object_entry
        return f"{entry.label if entry else self.object_type} #{self.object_id}"

    @property
    def object_url(self) -> str:
        entry = self.object_entry
        return entry.url(self.object_id) if entry else ""


# --- investigations --------------------------------------------------------------------------------


class InvestigationQuerySet(ScopedQuerySet):
    """An investigation is read by the staff of its lead bureau's and its notifying bureau's
    jurisdictions, and by headquarters; never by enterprises (they see the measures addressed to them)."""

    scope_bureau_paths = ("lead_bureau", "notifying_bureau")

    def open(self) -> InvestigationQuerySet:
        return self.filter(status__in=INVESTIGATION_OPEN)


class Investigation(TimeStampedModel):
    """A traceability investigation (追溯调查): opened from risk signals or failed samplings by any
    bureau, led by the bureau competent for the platform enterprise (territorial management), followed
    through measures to its findings."""

    case_no = models.CharField(_("case number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    signals = models.ManyToManyField(
        "risk_monitoring.RiskSignal", verbose_name=_("risk signals"), blank=True, related_name="investigations"
    )
    samplings = models.ManyToManyField(
        "risk_monitoring.Sampling", verbose_name=_("samplings"), blank=True, related_name="investigations"
    )
    #: the operator whose goods are concerned
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="investigations",
    )
    platform = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_investigations",
    )
    products = models.ManyToManyField(
        "filings.ProductFiling", verbose_name=_("products"), blank=True, related_name="investigations"
    )
    #: the bureau competent for the platform enterprise (else the operator's): it investigates
    lead_bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("lead bureau"), on_delete=models.PROTECT, related_name="led_investigations"
    )
    #: the bureau that opened the case (and notified the lead bureau when it is another)
    notifying_bureau = models.ForeignKey(
        "accounts.Bureau",
        verbose_name=_("notifying bureau"),
        on_delete=models.PROTECT,
        related_name="notified_investigations",
    )
    status = models.CharField(
        _("status"), max_length=30, choices=InvestigationStatus.choices, default=InvestigationStatus.OPENED
    )
    major = models.BooleanField(_("major case"), default=False)
    #: when the immediate report of a major case went to headquarters, and the local government was informed
    major_reported_at = models.DateTimeField(_("reported to headquarters at"), null=True, blank=True)
    local_government_informed_at = models.DateTimeField(_("local government informed at"), null=True, blank=True)
    # findings, on closing
    root_cause = models.TextField(_("root cause"), blank=True)
    responsible_party = models.CharField(
        _("responsible party"), max_length=20, choices=ResponsibleParty.choices, blank=True
    )
    responsible_enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("responsible enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the findings confirm a quality problem of the responsible enterprise's goods (counts for escalation)
    quality_problem_confirmed = models.BooleanField(_("quality problem confirmed"), default=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = InvestigationQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation")
        verbose_name_plural = _("investigations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["lead_bureau", "status"], name="investigation_lead_idx"),
            models.Index(fields=["notifying_bureau", "status"], name="investigation_notifying_idx"),
            models.Index(
                fields=["responsible_enterprise", "closed_at"],
                name="investigation_escalation_idx",
                condition=Q(quality_problem_confirmed=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_no} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:investigation_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return INVESTIGATION_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in INVESTIGATION_OPEN


class InvestigationSequence(models.Model):
    """The last case number issued per bureau and year (``ZJ2026T000001``): numbers are never reused."""

    bureau = models.ForeignKey("accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("investigation number sequence")
        verbose_name_plural = _("investigation number sequences")
        constraints = [models.UniqueConstraint(fields=["bureau", "year"], name="unique_investigation_sequence")]

    def __str__(self) -> str:
        return f"{self.bureau_id}/{self.year}: {self.last}"


class InvestigationEventQuerySet(ScopedQuerySet):
    scope_follows = "investigation"


class InvestigationEvent(models.Model):
    """A line of a case's timeline (the API's ``events``): opened, status changes, reassignment, notices,
    measures, the major-case report, notes, closing. Written by the services, in their transaction, beside
    the audit trail (which keeps the before and after of every change)."""

    investigation = models.ForeignKey(
        Investigation, verbose_name=_("investigation"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=InvestigationEventKind.choices)
    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: who acted when no person did (a task, a command)
    actor_label = models.CharField(_("by (system)"), max_length=100, blank=True)
    message = models.TextField(_("message"), blank=True)
    #: what the line refers to: ``{"measure": id}``, ``{"notice": id}``, ``{"from": code, "to": code}``…
    data = models.JSONField(_("data"), default=dict, blank=True)

    objects = InvestigationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("investigation event")
        verbose_name_plural = _("investigation events")
        ordering = ["investigation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.investigation_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


# --- measures --------------------------------------------------------------------------------------


class MeasureQuerySet(ScopedQuerySet):
    """A measure is read by whoever reads its investigation (a voluntary recall, with none: the bureau
    competent for its enterprise), and by the enterprise it is addressed to and the platform concerned."""

    scope_bureau_paths = ("investigation__lead_bureau", "investigation__notifying_bureau", "enterprise__bureau")
    scope_enterprise_paths = ("enterprise", "platform")

    def open(self) -> MeasureQuerySet:
        return self.filter(status__in=MEASURE_OPEN)


class Measure(TimeStampedModel):
    """A measure ordered on an investigation (or a voluntary recall an enterprise opens itself): its
    target, legal basis, deadline and the proof it needs; acknowledged and completed by the enterprise,
    verified by the inspector; overdue when its deadline passes."""

    investigation = models.ForeignKey(
        Investigation,
        verbose_name=_("investigation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    type = models.CharField(_("type"), max_length=20, choices=MeasureType.choices)
    #: the enterprise the measure is addressed to
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling", verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="measures"
    )
    #: the platform concerned (a delisting or recall of a seller's goods on it): it sees and confirms
    platform = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="platform_measures",
    )
    product = models.ForeignKey(
        "filings.ProductFiling",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    batch = models.ForeignKey(
        "imports.ImportBatch",
        verbose_name=_("import batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    description = models.TextField(_("description"))
    legal_basis = models.TextField(_("legal basis"), blank=True)
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices, default=MeasureStatus.ISSUED)
    #: the enterprise's answer with its proof (the files are attachments of the measure)
    response = models.TextField(_("response"), blank=True)
    #: a voluntary recall opened by the enterprise itself, reviewed by the bureau
    voluntary = models.BooleanField(_("voluntary"), default=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rejected_reason = models.TextField(_("reason for rejecting the proof"), blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    #: a delisting's listings (URLs) the platform is to take down and confirm one by one
    listing_urls = models.JSONField(_("listing URLs"), default=list, blank=True)
    #: a rectification order ends with a re-check by the inspector, recorded when it is verified
    recheck_passed = models.BooleanField(_("re-check passed"), null=True, blank=True)
    recheck_note = models.TextField(_("re-check note"), blank=True)
    #: a voluntary recall's review by the enterprise's competent bureau
    review_status = models.CharField(
        _("review"), max_length=20, choices=VoluntaryReview.choices, blank=True, default=""
    )
    review_reason = models.TextField(_("review reason"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: when a recall below the required recovery rate at its deadline was flagged (once)
    low_recovery_flagged_at = models.DateTimeField(_("flagged for low recovery at"), null=True, blank=True)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["enterprise", "status"], name="measure_enterprise_idx"),
            models.Index(fields=["status", "deadline"], name="measure_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("traceability:measure_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return MEASURE_STATUS_COLOURS.get(self.status, "secondary")

    @property
    def is_open(self) -> bool:
        return self.status in MEASURE_OPEN

    @property
    def is_past_deadline(self) -> bool:
        return self.is_open and self.status != MeasureStatus.COMPLETED and self.deadline < timezone.now()

    @property
    def required_proof(self) -> tuple[str, ...]:
        return MEASURE_REQUIRED_PROOF.get(self.type, ())

    @property
    def latest_progress(self) -> RecallProgress | None:
        """The last progress report (from the prefetched reports where they are)."""
        reports = list(self.progress_reports.all())
        return reports[-1] if reports else None

    @property
    def awaits_review(self) -> bool:
        """A voluntary recall the bureau has not accepted (yet): nothing else happens to it meanwhile."""
        return self.voluntary and self.review_status != VoluntaryReview.ACCEPTED

    @property
    def review_colour(self) -> str:
        return VOLUNTARY_REVIEW_COLOURS.get(self.review_status, "secondary")

    @property
    def supervising_bureau_id(self) -> int | None:
        """The bureau that verifies: the investigation's lead bureau (a voluntary recall: the enterprise's)."""
        if self.investigation_id is not None:
            return self.investigation.lead_bureau_id
        return self.enterprise.bureau_id


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


class RecallProgressQuerySet(ScopedQuerySet):
    scope_follows = "measure"


class RecallProgress(models.Model):
    """A recall's progress report: units sold and units recovered so far (cumulative), and how buyers
    were reached. The recovery rate over time is read from these."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="progress_reports"
    )
    reported_on = models.DateField(_("reported on"))
    units_sold = models.PositiveIntegerField(_("units sold"))
    units_recovered = models.PositiveIntegerField(_("units recovered (cumulative)"))
    channels = models.JSONField(_("channels used to reach buyers"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RecallProgressQuerySet.as_manager()

    class Meta:
        verbose_name = _("recall progress report")
        verbose_name_plural = _("recall progress reports")
        ordering = ["measure", "reported_on", "id"]

    def __str__(self) -> str:
        return f"{self.measure_id} {self.reported_on:%Y-%m-%d} {self.units_recovered}/{self.units_sold}"

    @property
    def recovery_rate(self) -> float:
        return self.units_recovered / self.units_sold if self.units_sold else 0.0

    @property
    def channel_labels(self) -> list[str]:
        labels = dict(RecallChannel.choices)
        return [str(labels.get(value, value)) for value in self.channels]


class DelistingConfirmationQuerySet(ScopedQuerySet):
    scope_follows = "measure"


class DelistingConfirmation(models.Model):
    """The platform's confirmation that one listing (URL) of a delisting order was taken down."""

    measure = models.ForeignKey(Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="delistings")
    url = models.URLField(_("listing URL"), max_length=1000)
    confirmed_at = models.DateTimeField(_("confirmed at"), default=timezone.now)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DelistingConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("delisting confirmation")
        verbose_name_plural = _("delisting confirmations")
        ordering = ["measure", "confirmed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["measure", "url"], name="delisting_once_per_url")]

    def __str__(self) -> str:
        return self.url

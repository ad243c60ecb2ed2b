"""Risk signals: risk information from every source, triaged by the competent bureau (issue 10);
overseas notices' matching proposals and import runs; consumers' complaints."""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.choices import BureauLevel, Role
from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet
from filings.choices import GoodsCategory, ProductSubcategory
from filings.models import EnterpriseFiling, ProductFiling
from risk_monitoring.choices import (
    PROPOSAL_STATUS_COLOURS,
    SEVERITY_COLOURS,
    SIGNAL_OPEN,
    SIGNAL_STATUS_COLOURS,
    Hazard,
    MatchHow,
    OverseasFeed,
    ProposalStatus,
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
        """A bureau's queue: the open signals about enterprises in its jurisdiction (none for others):
        its competent bureau's, and those linked to a filed product of an enterprise of the
        jurisdiction (a signal matched to goods of several bureaus is in each of their queues).
        Headquarters' queue: the national triage of signals no bureau is competent for yet (a
        consumer's complaint about goods and a platform not on file)."""
        if user.is_hq:
            return self.open().filter(competent_bureau__level=BureauLevel.HQ)
        if not user.is_bureau_staff:
            return self.none()
        jurisdiction = user.jurisdiction()
        linked = RiskSignal.products.through.objects.filter(productfiling__enterprise__bureau__in=jurisdiction).values(
            "risksignal_id"
        )
        return self.open().filter(Q(competent_bureau__in=jurisdiction) | Q(pk__in=linked))

    def unmatched_overseas(self) -> RiskSignalQuerySet:
        """Overseas notifications linked to no filed product (headquarters' and every bureau's to browse)."""
        return self.filter(source=SignalSource.OVERSEAS_NOTIFICATION, product__isnull=True)


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
    #: the published feed of an imported overseas notice: its reference is unique within the feed
    overseas_feed = models.CharField(_("overseas feed"), max_length=20, choices=OverseasFeed.choices, blank=True)
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
                fields=["source", "overseas_feed", "overseas_reference"],
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


# --- overseas notices: matching proposals and import runs ------------------------------------------


class SignalMatchProposalQuerySet(ScopedQuerySet):
    """A proposal is read with its signal."""

    scope_follows = "signal"


class SignalMatchProposal(models.Model):
    """A filed product that may be what a signal is about, matched by brand and model or by name
    (not by GTIN, which links at once): an inspector confirms it (the product is linked to the
    signal) or rejects it."""

    signal = models.ForeignKey(
        RiskSignal, verbose_name=_("risk signal"), on_delete=models.CASCADE, related_name="match_proposals"
    )
    product = models.ForeignKey(
        ProductFiling, verbose_name=_("product"), on_delete=models.CASCADE, related_name="risk_match_proposals"
    )
    how = models.CharField(_("matched by"), max_length=20, choices=MatchHow.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = SignalMatchProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        ordering = ["signal", "id"]
        constraints = [models.UniqueConstraint(fields=["signal", "product"], name="one_proposal_per_product")]
        indexes = [models.Index(fields=["product", "status"], name="proposal_product_idx")]

    def __str__(self) -> str:
        return f"{self.signal_id} ~ {self.product_id} ({self.how})"

    @property
    def status_colour(self) -> str:
        return PROPOSAL_STATUS_COLOURS.get(self.status, "secondary")


class OverseasImportQuerySet(ScopedQuerySet):
    """Import runs are read by those who may run them: bureau administrators and headquarters."""

    def scope_condition(self, user: User) -> Q | None:
        if user.is_bureau_staff and user.role == Role.BUREAU_ADMIN:
            return Q()
        return None


def overseas_import_upload_to(instance: OverseasImport, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"overseas_imports/{instance.feed}/{instance.sha256[:2]}/{instance.sha256}{suffix}"


class OverseasImport(models.Model):
    """One import of an overseas feed file (the command or the upload page): who, when, which feed,
    the file (kept, with its SHA-256) and the outcome: counts and the records refused by position."""

    feed = models.CharField(_("feed"), max_length=20, choices=OverseasFeed.choices)
    file = models.FileField(_("file"), upload_to=overseas_import_upload_to, max_length=255, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    imported = models.PositiveIntegerField(_("imported"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    matched = models.PositiveIntegerField(_("matched"), default=0)
    #: the records not imported: ``{"position", "reference", "message"}`` each (re-imports are not errors)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    #: the whole file could not be read (then nothing was imported)
    failure = models.TextField(_("failure"), blank=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the command or task that ran it, when no person did
    actor_label = models.CharField(_("run by"), max_length=100, blank=True)

    objects = OverseasImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("overseas notice import")
        verbose_name_plural = _("overseas notice imports")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_feed_display()} {self.original_name} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("risk_monitoring:overseas_import_detail", args=[self.pk])

    @property
    def summary(self) -> str:
        return f"imported={self.imported} skipped={self.skipped} matched={self.matched}"


# --- consumer complaints ---------------------------------------------------------------------------


class ConsumerComplaintQuerySet(ScopedQuerySet):
    """A complaint is read with its signal: by bureau staff and headquarters only (an enterprise
    never reads a ``complaint`` signal, so never the complainant's name or contact)."""

    scope_follows = "signal"


class ConsumerComplaint(TimeStampedModel):
    """What a consumer told through the public complaint form (no login), kept beside the ``complaint``
    signal it raised. The complainant's personal data lives here, not on the signal: the signal's
    text is what triage reads, this row is who to call back.

    The client's address is not kept: only its network (``client_network``: an IPv4 /24 or an IPv6
    /48, for seeing where a wave of complaints comes from) and a keyed hash of the full address
    (``client_hash``: the same sender twice, without knowing who)."""

    #: what the consumer is shown and quotes when calling back (``TS`` + date + 6 characters)
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    signal = models.OneToOneField(
        RiskSignal, verbose_name=_("risk signal"), on_delete=models.CASCADE, related_name="complaint"
    )
    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=254)
    #: ``phone`` or ``email``: how the contact is reached
    contact_kind = models.CharField(_("contact kind"), max_length=10)
    platform = models.ForeignKey(
        EnterpriseFiling,
        verbose_name=_("platform"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: the platform as the consumer wrote it, when it is not in the list
    platform_name = models.CharField(_("platform (as written)"), max_length=200, blank=True)
    listing_url = models.URLField(_("listing URL"), max_length=1000, blank=True)
    order_no = models.CharField(_("order number"), max_length=100, blank=True)
    product_text = models.CharField(_("product (as written)"), max_length=300)
    what_happened = models.TextField(_("what happened"))
    occurred_on = models.DateField(_("occurred on"), null=True, blank=True)
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    #: the language the form was filled in: the one to answer in
    language = models.CharField(_("language"), max_length=10, blank=True)
    client_network = models.CharField(_("client network"), max_length=50, blank=True)
    client_hash = models.CharField(_("client hash"), max_length=64, blank=True, db_index=True)

    objects = ConsumerComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("consumer complaint")
        verbose_name_plural = _("consumer complaints")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return self.signal.get_absolute_url()


# --- sampling plans --------------------------------------------------------------------------------

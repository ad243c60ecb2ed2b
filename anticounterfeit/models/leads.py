"""Rights holders and counterfeit leads (issue 12)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from anticounterfeit.choices import LEAD_STATUS_COLOURS, DismissalReason, LeadChannel, LeadStatus
from cbec_supervision.models import TimeStampedModel
from cbec_supervision.scoping import ScopedQuerySet


class RightsHolderQuerySet(ScopedQuerySet):
    """Rights holders are reference data of the whole network: every bureau's staff and headquarters
    read them; enterprises never do."""

    scope_shared_with_staff = Q()


class RightsHolder(TimeStampedModel):
    """The owner of a trademark (or other right) that counterfeits infringe, with the people to contact
    and their authorisation documents (attachments of kind ``authorisation``). Matched or created by
    name (``name_key``: the name with case, width and spaces ignored)."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("name key"), max_length=200, unique=True, editable=False)
    country = CountryField(_("country"), blank=True)
    #: the brands (trademarks) the holder owns, as written on goods
    brands = models.JSONField(_("brands"), default=list, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    #: the agent (law firm, brand-protection company) acting for the holder in China, if any
    authorised_agent = models.CharField(_("authorised agent"), max_length=200, blank=True)
    authorisation_valid_until = models.DateField(_("authorisation valid until"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = RightsHolderQuerySet.as_manager()

    class Meta:
        verbose_name = _("rights holder")
        verbose_name_plural = _("rights holders")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("anticounterfeit:rights_holder_detail", args=[self.pk])


class CounterfeitLeadQuerySet(ScopedQuerySet):
    """A lead is read by the staff of its bureau's jurisdiction and by headquarters; never by
    enterprises (rights holders' and platforms' reports are entered by staff)."""

    scope_bureau_paths = ("bureau",)

    def awaiting_triage(self) -> CounterfeitLeadQuerySet:
        return self.filter(status=LeadStatus.NEW)


class CounterfeitLead(TimeStampedModel):
    """A lead (线索) about counterfeit or shoddy goods, from any channel. Triage dismisses it with a
    reason or merges it into a case; leads about the same brand, enterprise and product share a
    ``group_key`` and are shown together as duplicates."""

    #: the bureau handling the lead (the receiving bureau)
    bureau = models.ForeignKey(
        "accounts.Bureau", verbose_name=_("bureau"), on_delete=models.PROTECT, related_name="counterfeit_leads"
    )
    channel = models.CharField(_("channel"), max_length=30, choices=LeadChannel.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    brand = models.CharField(_("brand"), max_length=100, blank=True)
    rights_holder = models.ForeignKey(
        RightsHolder,
        verbose_name=_("rights holder"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    enterprise = models.ForeignKey(
        "filings.EnterpriseFiling",
        verbose_name=_("enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterfeit_leads",
    )
    #: the seller or shop as the lead names it, when it is not (or not yet known to be) a filed enterprise
    seller_name = models.CharField(_("seller or shop"), max_length=200, blank=True)
    product = models.ForeignKey(
        "filings.ProductFiling",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterfeit_leads",
    )
    #: the goods as the lead describes them, when they are not a filed product
    product_name = models.CharField(_("goods"), max_length=200, blank=True)
    #: listing URLs
    urls = models.JSONField(_("listing URLs"), default=list, blank=True)
    #: who reported it (a complainant, an informant: kept within the bureau)
    reporter_name = models.CharField(_("reported by"), max_length=100, blank=True)
    reporter_contact = models.CharField(_("reporter's contact"), max_length=100, blank=True)
    #: the reporter's own reference (a rights holder's complaint number, another bureau's letter)
    source_reference = models.CharField(_("source reference"), max_length=100, blank=True)
    #: a risk signal or sampling the lead came from, when it did
    signal = models.ForeignKey(
        "risk_monitoring.RiskSignal",
        verbose_name=_("risk signal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterfeit_leads",
    )
    sampling = models.ForeignKey(
        "risk_monitoring.Sampling",
        verbose_name=_("sampling"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="counterfeit_leads",
    )
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    #: brand + enterprise + product, normalised (``anticounterfeit.grouping``): duplicates share it
    group_key = models.CharField(_("duplicate group"), max_length=64, db_index=True, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=LeadStatus.choices, default=LeadStatus.NEW)
    dismissal_reason = models.CharField(
        _("reason for dismissal"), max_length=30, choices=DismissalReason.choices, blank=True
    )
    triage_note = models.TextField(_("triage note"), blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("triaged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)
    #: the case the lead was merged into
    case = models.ForeignKey(
        "anticounterfeit.CounterfeitCase",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = CounterfeitLeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("counterfeit lead")
        verbose_name_plural = _("counterfeit leads")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["bureau", "status"], name="lead_bureau_status_idx")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("anticounterfeit:lead_detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return LEAD_STATUS_COLOURS.get(self.status, "secondary")

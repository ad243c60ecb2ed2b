"""Catalogue editions and their entries, and the China Customs HS code table: the rules goods are
classified against. Public reference data: every signed-in user may read them."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalogues.choices import CATALOGUE_TIER, CatalogueKind
from cbec_supervision.scoping import ScopedQuerySet


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
    #: when its coming into force was announced to the other apps (once per edition: rule 10)
    announced_at = models.DateTimeField(_("coming into force announced at"), null=True, blank=True)

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
        return reverse("catalogues:catalogue_detail", args=[self.pk])

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

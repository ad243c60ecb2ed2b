"""Catalogue kinds, the tier each puts goods in, and the follow-up of each tier: the one source of truth."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CatalogueKind(models.TextChoices):
    HAZARDOUS_CHEMICALS = "hazardous_chemicals", _("Catalogue of Hazardous Chemicals")
    PRECURSOR_CHEMICALS = "precursor_chemicals", _("Precursor chemicals")
    RESTRICTED_TOXIC = "restricted_toxic", _("Strictly restricted toxic chemicals")
    DANGEROUS_GOODS = "dangerous_goods", _("Dangerous goods list")
    PROHIBITED_GOODS = "prohibited_goods", _("Other prohibited goods")
    LEGAL_INSPECTION = "legal_inspection", _("Legal-inspection catalogue")
    COMPULSORY_CERTIFICATION = "compulsory_certification", _("Compulsory certification (CCC) catalogue")


#: the tier an entry of each catalogue puts an item in (DOMAIN.md section 3)
CATALOGUE_TIER: dict[str, int] = {
    CatalogueKind.HAZARDOUS_CHEMICALS: 1,
    CatalogueKind.PRECURSOR_CHEMICALS: 1,
    CatalogueKind.RESTRICTED_TOXIC: 1,
    CatalogueKind.DANGEROUS_GOODS: 1,
    CatalogueKind.PROHIBITED_GOODS: 1,
    CatalogueKind.LEGAL_INSPECTION: 2,
    CatalogueKind.COMPULSORY_CERTIFICATION: 2,
}
#: the column layout each kind is published in
CHEMICAL_KINDS = (CatalogueKind.HAZARDOUS_CHEMICALS, CatalogueKind.PRECURSOR_CHEMICALS, CatalogueKind.RESTRICTED_TOXIC)
HS_KINDS = (CatalogueKind.PROHIBITED_GOODS, CatalogueKind.LEGAL_INSPECTION, CatalogueKind.COMPULSORY_CERTIFICATION)


class Tier(models.IntegerChoices):
    PROHIBITED = 1, _("Prohibited")
    KEY_SUPERVISION = 2, _("Key supervision")
    GENERAL_SUPERVISION = 3, _("General supervision")


TIER_COLOURS = {1: "danger", 2: "warning", 3: "success"}


class FollowUp(models.TextChoices):
    REFUSE_ENTRY = "refuse_entry", _("Refuse entry and raise a risk signal")
    ONSITE_VERIFICATION = "onsite_verification", _("On-site verification")
    POST_MARKET_SAMPLING = "post_market_sampling", _("Risk-based supervisory sampling after sale")
    POSTAL_REGIME = "postal_regime", _("Express and postal regime (direct mail)")

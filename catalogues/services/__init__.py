"""Every write on catalogues and reference tables goes through these services; classification reads."""

from catalogues.services.classify import certification_required, classify_filed_product, classify_lines, engine_item
from catalogues.services.editions import (
    catalogue_import,
    compiled_index,
    editions_applied,
    editions_in_force_announce,
    shipped_catalogues_load,
)
from catalogues.services.reference import hs_codes_load

__all__ = [
    "catalogue_import",
    "certification_required",
    "editions_in_force_announce",
    "classify_filed_product",
    "classify_lines",
    "compiled_index",
    "editions_applied",
    "engine_item",
    "hs_codes_load",
    "shipped_catalogues_load",
]

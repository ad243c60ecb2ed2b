"""Every write on catalogues and reference tables goes through these services; classification reads."""

from catalogues.services.classify import classify_filed_product, classify_lines, engine_item
from catalogues.services.editions import (
    catalogue_import,
    compiled_index,
    editions_applied,
    shipped_catalogues_load,
)
from catalogues.services.reference import hs_codes_load

__all__ = [
    "catalogue_import",
    "classify_filed_product",
    "classify_lines",
    "compiled_index",
    "editions_applied",
    "engine_item",
    "hs_codes_load",
    "shipped_catalogues_load",
]

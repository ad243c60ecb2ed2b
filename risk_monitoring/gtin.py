"""GTIN (EAN/UPC) normalisation. Pure: no database, no Django models.

A GTIN-8, GTIN-12 (UPC-A), GTIN-13 (EAN-13) or GTIN-14 is compared in its GTIN-14 form: the digits
left-padded with zeros. So the UPC-A 036000291452 and the EAN-13 0036000291452 are the same item, as
GS1 defines them. Only numbers with a valid check digit count; an all-zero number (a placeholder) never
does.
"""

from __future__ import annotations

import re

from stdnum import ean

from cbec_supervision.text import nfkc

#: the lengths of the GTIN family (GTIN-8, UPC-A, EAN-13, GTIN-14)
GTIN_LENGTHS = (8, 12, 13, 14)

# separators people put inside one number: spaces and the hyphen family
_INSIDE = re.compile(r"[\s\-\u2010-\u2015\u2212]+")
# separators between numbers in a free-text field
_BETWEEN = re.compile(r"[,;/|\n\r\t、，；]+|\b(?:and|or|und|et)\b", re.IGNORECASE)
# a run of digit groups joined by spaces or hyphens
_RUN = re.compile(r"\d+(?:[ \-\u2010-\u2015\u2212]+\d+)*")


def normalise_gtin(text: object) -> str | None:
    """The GTIN-14 form of a GTIN-8/12/13/14 with a valid check digit, else None.

    Spaces and hyphens inside the number are ignored; full-width digits read as ASCII.
    """
    if text is None:
        return None
    value = _INSIDE.sub("", nfkc(str(text)))
    if not re.fullmatch(r"[0-9]+", value) or len(value) not in GTIN_LENGTHS:
        return None
    if not value.strip("0") or not ean.is_valid(value):
        return None
    return value.zfill(14)


def gtins_in(text: object) -> list[str]:
    """Every valid GTIN in a free-text field, as GTIN-14s, in order of appearance, without duplicates.

    A barcode field may hold several numbers separated by commas, semicolons, slashes, line breaks or
    "and"; a number may itself be written in groups ("4 006381 333931"). A run of groups that is a
    valid GTIN as a whole counts as one; otherwise each group is tried on its own.
    """
    if text is None:
        return []
    found: list[str] = []
    for piece in _BETWEEN.split(nfkc(str(text))):
        for run in _RUN.findall(piece or ""):
            whole = normalise_gtin(run)
            parts = [whole] if whole else [normalise_gtin(group) for group in _INSIDE.split(run)]
            for gtin in parts:
                if gtin and gtin not in found:
                    found.append(gtin)
    return found

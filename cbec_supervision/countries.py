"""Country names: the Chinese names of GB/T 2659 (ISO 3166-1), sorted by pinyin in Chinese.

django-countries' own Chinese catalogue has wrong names (尼珀尔, 塔吉克斯斯坦, two 美属萨摩亚群岛):
``COUNTRIES_OVERRIDE`` (settings) gives every code its name from the shipped reference list
``data/country_names_zh.csv`` when the active language is Chinese, and django-countries' English
name otherwise.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.utils.functional import lazy
from django.utils.translation import get_language

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "country_names_zh.csv"


@cache
def reference_names() -> dict[str, tuple[str, str]]:
    """``{alpha2: (English name, Chinese name)}`` from the shipped reference list."""
    with REFERENCE.open(encoding="utf-8", newline="") as f:
        return {row["alpha2"]: (row["name_en"], row["name_zh"]) for row in csv.DictReader(f)}


def _name(code: str) -> str:
    english, chinese = reference_names()[code]
    # Settings import this module: no database or model imports at its top.
    return chinese if (get_language() or "").lower().startswith("zh") else english


def overrides() -> dict[str, object]:
    """``COUNTRIES_OVERRIDE``: each code's name, resolved in the language active when it is read."""
    lazy_name = lazy(_name, str)
    return {code: lazy_name(code) for code in reference_names()}


def country_choices() -> list[tuple[str, str]]:
    """``(code, name)`` of every country, by pinyin in Chinese and alphabetically in English."""
    from django_countries import countries

    from cbec_supervision.collation import sort_names

    return [(code, name) for code, name in sort_names(((c.code, str(c.name)) for c in countries), key=lambda c: c[1])]

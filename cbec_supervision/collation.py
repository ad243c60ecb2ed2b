"""Names in the order people of each language expect: Chinese by pinyin, English alphabetically.

Chinese is ordered by PostgreSQL's ICU collation ``zh-x-icu`` (the CLDR root order for Chinese,
which is pinyin), in the database for querysets and through the database for lists built in Python,
so one collation orders every Chinese list of the application (no second library to keep in step).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate, Lower
from django.utils.translation import get_language

ZH_COLLATION = "zh-x-icu"
T = TypeVar("T")


def is_chinese(language: str | None = None) -> bool:
    return (language or get_language() or "").lower().startswith("zh")


def by_name(field: str = "name", field_en: str | None = None, language: str | None = None):
    """An ``order_by`` expression for a name column in the active language."""
    if is_chinese(language):
        return Collate(F(field), ZH_COLLATION).asc()
    return Lower(field_en or field).asc()


@lru_cache(maxsize=32)
def _pinyin_order(names: tuple[str, ...]) -> tuple[int, ...]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT i FROM unnest(%s::text[]) WITH ORDINALITY AS t(n, i) ORDER BY n COLLATE "{ZH_COLLATION}", i',
            [list(names)],
        )
        return tuple(row[0] - 1 for row in cursor.fetchall())


def sort_names(items: Iterable[T], key, language: str | None = None) -> list[T]:
    """``items`` sorted by ``key(item)``: by pinyin in Chinese, case-insensitively otherwise."""
    items = list(items)
    if not is_chinese(language):
        return sorted(items, key=lambda item: str(key(item)).casefold())
    order = _pinyin_order(tuple(str(key(item)) for item in items))
    return [items[i] for i in order]

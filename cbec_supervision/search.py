"""One search box: any object the user may see, found by its identifiers.

The project package names no domain app: each app registers a ``Searcher`` from its
``AppConfig.ready`` (``register_searcher``): a function of the user and the parsed query answering
a queryset already narrowed by the model's ``visible_to(user)``, or None when the query cannot be
one of its identifiers. The results page runs each searcher once (one query per kind, each capped).

What the query is read as (``SearchQuery``): an 18-character credit code (USCC), a CAS number, a
run of digits (an HS code prefix, or a GTIN of 8, 12, 13 or 14 digits), a filing, batch or case
number (letters and digits), or else words of a name. Identifier fields are matched exactly or by
prefix on indexed columns; names by substring, which on PostgreSQL is an ``ILIKE`` that the
``pg_trgm`` GIN indexes of each app's search migration serve (not a scan). On SQLite, names are
matched with ``icontains``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, models
from django.db.models import F, Lookup, Q
from django.utils.functional import Promise, cached_property

if TYPE_CHECKING:
    from accounts.models import User

#: the least a query must have to be searched
MIN_LENGTH = 2
#: the most rows shown per kind
GROUP_LIMIT = 10

_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
_CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")
_IDENTIFIER = re.compile(r"^[A-Z0-9][A-Z0-9\-/]*$")


@dataclass(frozen=True)
class SearchQuery:
    """The text typed in the box, and what identifiers it may be."""

    text: str

    @classmethod
    def parse(cls, raw: str | None) -> SearchQuery:
        return cls(" ".join((raw or "").split())[:100])

    @cached_property
    def upper(self) -> str:
        return self.text.upper()

    @property
    def searchable(self) -> bool:
        return len(self.text) >= MIN_LENGTH

    @property
    def is_uscc(self) -> bool:
        return bool(_USCC.match(self.upper))

    @property
    def is_cas(self) -> bool:
        return bool(_CAS.match(self.text))

    @property
    def is_digits(self) -> bool:
        return self.text.isdigit()

    @property
    def is_gtin(self) -> bool:
        return self.is_digits and len(self.text) in (8, 12, 13, 14)

    @property
    def is_hs_prefix(self) -> bool:
        return self.is_digits and 2 <= len(self.text) <= 10

    @property
    def is_identifier(self) -> bool:
        """Letters and digits with at least one digit: a filing, batch or case number (or its start)."""
        return bool(_IDENTIFIER.match(self.upper)) and any(c.isdigit() for c in self.text)

    @property
    def is_words(self) -> bool:
        """Could be (part of) a name: anything but a bare number or a CAS number."""
        return not self.is_digits and not self.is_cas


class _ILike(Lookup):
    """``lhs ILIKE rhs`` as written, so that a ``gin_trgm_ops`` index on the column serves it.

    (Django's ``icontains`` compares ``UPPER(column)``, which an index on the column does not serve.)
    """

    lookup_name = "trgm_ilike"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


def contains(field: str, text: str) -> Q:
    """``field`` contains ``text``, ignoring case: trigram-indexed on PostgreSQL, ``icontains`` elsewhere."""
    if connection.vendor == "postgresql":
        pattern = f"%{connection.ops.prep_for_like_query(text)}%"
        return Q(_ILike(F(field), pattern))
    return Q(**{f"{field}__icontains": text})


def list_contains(field: str, value: str) -> Q:
    """A JSON list ``field`` holds ``value``: ``@>`` on PostgreSQL (GIN-indexed), a text match elsewhere."""
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})


SearchFunction = Callable[["User", SearchQuery], "models.QuerySet[Any] | None"]


@dataclass(frozen=True)
class Searcher:
    """One kind of object the search box finds."""

    key: str
    label: str | Promise
    #: the matching rows the user may see (``visible_to``), ordered, or None if the query cannot match
    search: SearchFunction
    #: a second line under each result (an identifier, the enterprise, the status); no query
    describe: Callable[[Any], str] = lambda _obj: ""
    #: the place of the group on the results page
    rank: int = 0


_SEARCHERS: dict[str, Searcher] = {}


def register_searcher(searcher: Searcher) -> None:
    """Let the search box find a kind of object (call it from ``AppConfig.ready``; idempotent)."""
    _SEARCHERS[searcher.key] = searcher


def searchers() -> list[Searcher]:
    return sorted(_SEARCHERS.values(), key=lambda searcher: searcher.rank)


@dataclass(frozen=True)
class ResultGroup:
    searcher: Searcher
    rows: list[Any]
    #: more rows matched than are shown
    more: bool

    @property
    def label(self) -> str | Promise:
        return self.searcher.label

    def results(self) -> list[tuple[Any, str]]:
        return [(row, self.searcher.describe(row)) for row in self.rows]


def search(user: User, query: SearchQuery, *, limit: int = GROUP_LIMIT) -> list[ResultGroup]:
    """The groups of results for ``query`` (kinds without a match left out): one query per kind."""
    if not query.searchable:
        return []
    groups = []
    for searcher in searchers():
        queryset = searcher.search(user, query)
        if queryset is None:
            continue
        rows = list(queryset[: limit + 1])
        if rows:
            groups.append(ResultGroup(searcher, rows[:limit], len(rows) > limit))
    return groups

"""The scope table of the regime: which HS chapters and headings are light industry, textile and
electrical goods (「消费品为轻工、纺织及电子电器类产品」). Shipped in ``data/scope/`` with its source
(``data/SOURCES.md``); the ``CBEC_SCOPE_TABLE`` setting names another file to use instead (the same
columns: ``hs_prefix,scope,category,name``, ``scope`` being ``in`` or ``out``), or ``""`` for none.
"""

from __future__ import annotations

import csv
import hashlib
import io
import threading
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from catalogues.classification import ScopeData, ScopeRule

COLUMNS = ("hs_prefix", "scope", "category", "name")

_lock = threading.Lock()
_cache: dict[tuple, ScopeData] = {}


def parse_scope_table(content: bytes, name: str) -> ScopeData:
    """The rules of a scope table file; a malformed row is an error naming the row."""
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig")))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise ImproperlyConfigured(f"{name}: the columns are {','.join(COLUMNS)}.")
    rules, seen = [], set()
    for row_no, row in enumerate(reader, start=2):
        prefix = (row.get("hs_prefix") or "").strip()
        scope = (row.get("scope") or "").strip()
        if not prefix.isdigit() or not 2 <= len(prefix) <= 10 or scope not in ("in", "out") or None in row:
            raise ImproperlyConfigured(f"{name}, row {row_no}: give an HS prefix of 2 to 10 digits and in or out.")
        if prefix in seen:
            raise ImproperlyConfigured(f"{name}, row {row_no}: {prefix} is listed twice.")
        seen.add(prefix)
        category, label = (row.get("category") or "").strip(), (row.get("name") or "").strip()
        rules.append(ScopeRule(prefix, scope == "in", category, label))
    return ScopeData(f"{name} {hashlib.sha256(content).hexdigest()[:12]}", tuple(rules))


def scope_table() -> ScopeData | None:
    """The scope table in use, read once per version of its file; None when none is configured."""
    configured = getattr(settings, "CBEC_SCOPE_TABLE", "")
    if not configured:
        return None
    path = Path(configured)
    try:
        stat = path.stat()
    except OSError as exc:
        raise ImproperlyConfigured(f"CBEC_SCOPE_TABLE: cannot read {path}: {exc}") from None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _lock:
        table = _cache.get(key)
    if table is None:
        table = parse_scope_table(path.read_bytes(), path.name)
        with _lock:
            _cache.clear()
            _cache[key] = table
    return table

"""PLACEHOLDER (foundation): the figures helper fills this module.

``compute(period, bureau, *, as_of, progress=None) -> dict``: every figure of the half-yearly report of
``bureau``'s jurisdiction (or national when ``bureau`` is None) for ``period``, computed with set-based
SQL aggregation (never rows loaded into Python), as a JSON-ready dict with at least the keys of the
contract: ``period``, ``bureau``, ``generated_at``, ``filings``, ``imports``, ``sampling`` (``total``,
``failed``, ``nonconformity_rate``), ``risk_signals`` (``by_source``), ``investigations``, ``measures``
(``by_type``), ``counterfeit``, ``major_cases``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from reports.periods import Period


def compute(
    period: Period, bureau: Any, *, as_of: dt.datetime, progress: Callable[[int], None] | None = None
) -> dict[str, Any]:
    raise NotImplementedError("filled by the figures part")

"""Every figure of a half-yearly report (issue 13), computed with set-based SQL aggregation.

``compute(period, bureau, *, as_of, progress=None) -> dict``: the figures of ``bureau``'s jurisdiction (the
bureau and its branch bureaus; national when ``bureau`` is None) for ``period``, as a JSON-ready dict (ints,
floats rounded to 4 places, amounts as strings with 2 decimals, ISO datetimes) with the contract keys
``period``, ``bureau``, ``generated_at``, ``filings``, ``imports``, ``sampling``, ``risk_signals``,
``investigations``, ``measures``, ``counterfeit``, ``major_cases``, plus ``window``, ``previous_period``,
``comparison`` and ``links``.

Each record counts for the bureau responsible for it and for the moment of its event:

- enterprise / product filings: the competent bureau (of the product's enterprise); approved / revoked at
  their audit event (``decided_at`` is overwritten by later decisions); cumulative = approved before the
  end and not revoked by then;
- import batches and their lines: the declaring operator's competent bureau (not the port bureau), when
  declared (``created_at``); export declarations: the enterprise's bureau, when declared;
- samplings: the sampling bureau, when sampled (``sampled_at``); the verdict as it stands now;
- risk signals: the competent bureau, when raised; their severity and status as they stand now;
- investigations: the lead bureau (as it stands now), opened (``created_at``) / closed (``closed_at``);
  transferred = the lead bureau reassigned away (the case's timeline);
- measures: their investigation's lead bureau; issued (``created_at``), completed (``completed_at``),
  overdue when their deadline fell in the period and they were not completed by it;
- counterfeit leads and cases: their bureau; received / opened / closed / transferred / decided at.

The window of a period is [start, end) in Asia/Shanghai, cut at ``as_of`` when the period is not over yet
(so a figure computed again later for the same ``as_of`` gives the same number).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from accounts.models import Bureau
from reports import figures_sections as sections
from reports.periods import Period
from risk_monitoring.choices import SamplingChannel, SamplingVerdict, SignalSource

#: the order of the sections and the progress reported after each
_SECTIONS: tuple[tuple[str, Callable[[sections.Window, Bureau | None], Any], int], ...] = (
    ("imports", sections.imports, 30),
    ("sampling", sections.sampling, 45),
    ("risk_signals", sections.risk_signals, 55),
    ("investigations", sections.investigations, 65),
    ("measures", sections.measures, 72),
    ("counterfeit", sections.counterfeit, 80),
    ("major_cases", sections.major_cases, 85),
)


def window_of(period: Period, as_of: dt.datetime) -> sections.Window:
    """[start, end) of ``period``, its end cut at ``as_of`` when earlier."""
    return period.start, min(period.end, as_of)


def compute(
    period: Period,
    bureau: Bureau | None,
    *,
    as_of: dt.datetime,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The figures of ``period`` for ``bureau``'s jurisdiction (national when None), as of ``as_of``.

    A fixed number of queries whatever the data size (about 25); ``progress(percent)`` is called
    between the sections."""

    def step(percent: int) -> None:
        if progress is not None:
            progress(percent)

    window = window_of(period, as_of)
    figures: dict[str, Any] = {
        "period": str(period),
        "bureau": bureau.code if bureau is not None else None,
        "generated_at": sections.iso(as_of),
        "window": {"start": sections.iso(window[0]), "end": sections.iso(window[1])},
    }
    figures["filings"] = {
        "enterprises": sections.enterprise_filings(window, bureau),
        "products": sections.product_filings(window, bureau),
    }
    step(15)
    for key, section, percent in _SECTIONS:
        figures[key] = section(window, bureau)
        step(percent)
    previous = period.previous()
    figures["previous_period"] = str(previous)
    previous_window = window_of(previous, as_of)
    figures["comparison"] = {
        "current": sections.headline_of(figures),
        "previous": sections.headline(previous_window, bureau) if previous_window[0] < previous_window[1] else {},
    }
    step(95)
    figures["links"] = links(period, bureau)
    step(100)
    return figures


def _url(name: str, **params: Any) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")}, doseq=True)
    return f"{reverse(name)}?{query}" if query else reverse(name)


def links(period: Period, bureau: Bureau | None) -> dict[str, str]:
    """For the main figures, the filtered list of the records behind them, where the lists have the
    filters (dates are inclusive days in Asia/Shanghai). Lists filtering by a single bureau (not its
    jurisdiction) are linked for the national report only."""
    first = period.start.date().isoformat()
    last = (period.end - dt.timedelta(days=1)).date().isoformat()
    code = bureau.code if bureau is not None else None
    out = {
        "sampling.total": _url(
            "risk_monitoring:sampling_list", jurisdiction=code, sampled_after=first, sampled_before=last
        ),
        "sampling.failed": _url(
            "risk_monitoring:sampling_list",
            jurisdiction=code,
            verdict=SamplingVerdict.FAIL.value,
            sampled_after=first,
            sampled_before=last,
        ),
        "risk_signals.total": _url(
            "risk_monitoring:signal_list", jurisdiction=code, created_after=first, created_before=last
        ),
    }
    signals = {"jurisdiction": code, "created_after": first, "created_before": last}
    samplings = {"jurisdiction": code, "sampled_after": first, "sampled_before": last}
    for source in SignalSource:
        out[f"risk_signals.by_source.{source.value}"] = _url(
            "risk_monitoring:signal_list", **{**signals, "source": source.value}
        )
    for channel in SamplingChannel:
        out[f"sampling.by_channel.{channel.value}"] = _url(
            "risk_monitoring:sampling_list", **{**samplings, "channel": channel.value}
        )
    if bureau is None:
        out["imports.batches.total"] = _url("imports:batch_list", declared_after=first, declared_before=last)
        out["major_cases"] = _url("traceability:investigation_list", major="true")
        out["counterfeit.leads"] = _url("anticounterfeit:lead_list", received_after=first, received_before=last)
    return out

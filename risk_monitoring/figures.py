"""Pure helpers of the risk dashboard: the months it shows, a month series with its gaps filled, and
failure rates. No database access, no Django settings: functions of their arguments only."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

#: the periods the dashboard offers, in months (the current month included)
PERIOD_CHOICES = (3, 6, 12)
DEFAULT_MONTHS = 12

#: series colours, told apart by hue, each readable as text on white (contrast above 4.5:1)
PALETTE = (
    "#0b5ed7",  # blue
    "#b02a37",  # red
    "#146c43",  # green
    "#997404",  # ochre
    "#6f42c1",  # purple
    "#087990",  # teal
    "#ab296a",  # pink
    "#495057",  # grey
    "#a04c00",  # orange
    "#3d5a80",  # slate
)


def colour(index: int) -> str:
    """The palette's colour for the ``index``-th series (the palette repeats past its end)."""
    return PALETTE[index % len(PALETTE)]


@dataclass(frozen=True)
class Month:
    """A calendar month: its first and last day."""

    first: dt.date

    @property
    def last(self) -> dt.date:
        return self.first.replace(day=calendar.monthrange(self.first.year, self.first.month)[1])

    @property
    def label(self) -> str:
        return self.first.strftime("%Y-%m")


def month_of(day: dt.date) -> dt.date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def last_months(today: dt.date, count: int) -> list[Month]:
    """The last ``count`` calendar months, oldest first, the month of ``today`` last."""
    if count < 1:
        raise ValueError("count must be at least 1")
    index = today.year * 12 + today.month - 1
    months = []
    for n in range(index - count + 1, index + 1):
        months.append(Month(dt.date(n // 12, n % 12 + 1, 1)))
    return months


def fill_months(months: Iterable[Month], counts: Mapping[dt.date, int]) -> list[int]:
    """The counts in the order of ``months``, 0 for a month with none (``counts`` is keyed by the
    month's first day; keys outside ``months`` are ignored)."""
    return [int(counts.get(month.first, 0)) for month in months]


def month_series(
    months: list[Month], rows: Iterable[tuple[dt.date, str, int]], keys: Iterable[str] = ()
) -> dict[str, list[int]]:
    """Grouped rows ``(month's first day, key, count)`` as one gap-filled series per key.

    Series come in the order of ``keys`` first (each present even when all zero), then any other key
    in the order met; counts of the same month and key add up.
    """
    by_key: dict[str, dict[dt.date, int]] = {key: {} for key in keys}
    for month, key, count in rows:
        bucket = by_key.setdefault(key, {})
        bucket[month] = bucket.get(month, 0) + int(count)
    return {key: fill_months(months, counts) for key, counts in by_key.items()}


@dataclass(frozen=True)
class Rate:
    """Failures among the samplings with a verdict: the counts, and the rate when there is one."""

    failed: int
    total: int

    @property
    def percent(self) -> Decimal | None:
        """The failure rate in percent, to one decimal (half up); ``None`` with no verdict yet."""
        return failure_percent(self.failed, self.total)

    @property
    def ratio(self) -> float:
        """The rate as a fraction (0 with no verdict), what a chart's bar length is."""
        return self.failed / self.total if self.total else 0.0


def failure_percent(failed: int, total: int) -> Decimal | None:
    """``failed`` out of ``total`` in percent, one decimal, rounded half up; ``None`` when ``total`` is 0.

    A count below 0 or failures above the total are a caller's error.
    """
    if failed < 0 or total < 0 or failed > total:
        raise ValueError(f"failed={failed} total={total}: not a rate")
    if total == 0:
        return None
    return (Decimal(100) * failed / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def sorted_rates(rates: Mapping[str, Rate]) -> list[tuple[str, Rate]]:
    """Rates worst first: by rate, then by failures, then by key (stable for equal figures); those
    with no verdict last."""
    return sorted(
        rates.items(),
        key=lambda item: (item[1].total == 0, -item[1].ratio, -item[1].failed, item[0]),
    )

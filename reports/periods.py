"""Half-year periods (pure: no database): ``2026H1`` is 1 January to 30 June, ``2026H2`` 1 July to
31 December, both in Asia/Shanghai. A period is the half-open interval [start, end): 30 June 23:59:59
belongs to H1, 1 July 00:00 to H2."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_PATTERN = re.compile(r"^(\d{4})H([12])$")
#: the first half-year reported (the guidance asks from the second half of 2015)
FIRST = (2015, 2)


class PeriodError(ValueError):
    """Not a half-year period this system reports on."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int

    @classmethod
    def parse(cls, text: object) -> Period:
        """``"2026H1"`` → Period(2026, 1). Raises PeriodError for anything else, or before 2015H2."""
        match = _PATTERN.match(str(text).strip().upper()) if isinstance(text, str) else None
        if match is None:
            raise PeriodError("a period is written YYYYH1 or YYYYH2")
        period = cls(int(match.group(1)), int(match.group(2)))
        if (period.year, period.half) < FIRST:
            raise PeriodError("the half-yearly reports start with 2015H2")
        return period

    @classmethod
    def containing(cls, moment: dt.datetime) -> Period:
        local = moment.astimezone(SHANGHAI)
        return cls(local.year, 1 if local.month <= 6 else 2)

    def __str__(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def start(self) -> dt.datetime:
        return dt.datetime(self.year, 1 if self.half == 1 else 7, 1, tzinfo=SHANGHAI)

    @property
    def end(self) -> dt.datetime:
        """The first moment after the period (exclusive)."""
        return (
            dt.datetime(self.year, 7, 1, tzinfo=SHANGHAI)
            if self.half == 1
            else dt.datetime(self.year + 1, 1, 1, tzinfo=SHANGHAI)
        )

    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def next(self) -> Period:
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

"""Working days in mainland China, and the due date of an inter-bureau notice. No database access.

A working day is Monday to Friday, less the public holidays, plus the weekend days worked instead
(调休), as the State Council's yearly notice on public holidays (国务院办公厅关于部分节假日安排的通知)
arranges them. The dates come from the ``chinese-calendar`` package, which carries every year's notice
from 2004 on; for a year it does not yet carry (the notice is published each November) the rule falls
back to Monday to Friday, so a due date is never refused, only possibly a holiday early.

Times are in Asia/Shanghai: a notice sent on a day is due at the end of its N-th working day after that
day (23:59:59.999999 local time).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from chinese_calendar import constants as _calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: the years whose holidays and adjusted working days the calendar carries
_KNOWN_YEARS = frozenset(day.year for day in _calendar.holidays)


def is_working_day(day: dt.date) -> bool:
    """Whether ``day`` is a working day in mainland China (Monday to Friday, holidays and 调休 applied)."""
    if day.year in _KNOWN_YEARS:
        if day in _calendar.workdays:
            return True
        if day in _calendar.holidays:
            return False
    return day.weekday() < 5


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day after ``start`` (``start`` itself not counted); ``start`` for 0 or less."""
    day = start
    remaining = days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def end_of_day(day: dt.date) -> dt.datetime:
    """The last instant of ``day`` in Asia/Shanghai."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=SHANGHAI)


def due_at(sent_at: dt.datetime, working_days: int) -> dt.datetime:
    """When a notice sent at ``sent_at`` is due: the end of the ``working_days``-th working day after
    the day it was sent (Asia/Shanghai), at least the end of that day."""
    local_day = sent_at.astimezone(SHANGHAI).date()
    return end_of_day(add_working_days(local_day, max(0, working_days)))

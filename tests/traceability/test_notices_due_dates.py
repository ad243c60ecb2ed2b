"""Due dates of inter-bureau notices: working days in mainland China (weekends, public holidays and the
weekend days worked instead), counted in Asia/Shanghai, due at the end of the day; the setting."""

from __future__ import annotations

import datetime as dt

import pytest

from traceability import services, workdays
from traceability.workdays import SHANGHAI, add_working_days, due_at, is_working_day


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 11, 30), True),  # Monday
        (dt.date(2026, 11, 28), False),  # Saturday
        (dt.date(2026, 10, 1), False),  # National Day, a Thursday
        (dt.date(2026, 10, 10), True),  # Saturday worked instead (调休)
        (dt.date(2026, 2, 14), True),  # Saturday worked before the Spring Festival
        (dt.date(2026, 2, 23), False),  # Monday within the Spring Festival
        (dt.date(2025, 1, 26), True),  # Sunday worked before the 2025 Spring Festival
    ],
)
def test_a_working_day_follows_the_state_councils_arrangement(day, working):
    assert is_working_day(day) is working


def test_a_year_the_calendar_does_not_carry_yet_falls_back_to_monday_to_friday():
    assert is_working_day(dt.date(2040, 1, 2)) is True  # a Monday
    assert is_working_day(dt.date(2040, 1, 7)) is False  # a Saturday


def test_five_working_days_skip_the_weekend():
    # Sent on a Friday: Monday to Friday of the next week.
    assert due_at(local(2026, 11, 27, 10), 5) == local(2026, 12, 4, 23, 59, 59, 999999)
    # Sent on a Saturday: the same Friday (the day sent is never counted).
    assert due_at(local(2026, 11, 28, 10), 5).date() == dt.date(2026, 12, 4)


def test_national_day_is_skipped_and_its_adjusted_saturday_counts():
    # 1-7 October 2026 are holidays; Saturday 10 October is worked.
    assert add_working_days(dt.date(2026, 9, 30), 5) == dt.date(2026, 10, 13)


def test_the_spring_festival_is_skipped():
    # Friday 13 February 2026: Saturday 14th is worked, 15-23 are holidays.
    assert add_working_days(dt.date(2026, 2, 13), 5) == dt.date(2026, 2, 27)


def test_the_day_sent_is_the_day_in_beijing_time():
    # 20:00 UTC on Friday is 04:00 on Saturday in Beijing: counted from Saturday.
    sent = dt.datetime(2026, 11, 27, 20, tzinfo=dt.UTC)
    assert due_at(sent, 1) == local(2026, 11, 30, 23, 59, 59, 999999)
    # 17:00 UTC on Thursday is 01:00 on Friday in Beijing.
    assert due_at(dt.datetime(2026, 11, 26, 17, tzinfo=dt.UTC), 1).date() == dt.date(2026, 11, 30)


def test_the_default_follows_the_setting(settings):
    sent = local(2026, 11, 27, 10)
    assert services.default_due_at(sent) == workdays.end_of_day(dt.date(2026, 12, 4))
    settings.CBEC_NOTICE_DUE_WORKING_DAYS = 2
    assert services.default_due_at(sent) == workdays.end_of_day(dt.date(2026, 12, 1))
    settings.CBEC_NOTICE_DUE_WORKING_DAYS = 0  # at least one working day
    assert services.default_due_at(sent) == workdays.end_of_day(dt.date(2026, 11, 30))

"""Half-year periods: parsing and their edges in Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.periods import SHANGHAI, Period, PeriodError


@pytest.mark.parametrize("text", ["2026H3", "2026h0", "26H1", "2026-H1", "", "H1", "2015H1", None, 2026])
def test_anything_but_a_half_year_from_2015h2_is_refused(text):
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_the_halves_meet_at_midnight_on_1_july_in_shanghai():
    h1, h2 = Period.parse("2026H1"), Period.parse("2026h2")
    assert h1.end == h2.start == dt.datetime(2026, 7, 1, tzinfo=SHANGHAI)
    last_moment_of_june = dt.datetime(2026, 6, 30, 23, 59, 59, tzinfo=SHANGHAI)
    assert Period.containing(last_moment_of_june) == h1
    assert Period.containing(h2.start) == h2
    # 30 June 16:00 UTC is already 1 July in Shanghai
    assert Period.containing(dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)) == h2


def test_previous_and_next_cross_the_year():
    assert Period.parse("2026H1").previous() == Period(2025, 2)
    assert Period.parse("2025H2").next() == Period(2026, 1)
    assert str(Period(2026, 1)) == "2026H1"

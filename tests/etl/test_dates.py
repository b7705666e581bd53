"""Date normalisation: resolved against the publication date, with precision."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.dates import UNRESOLVED, normalize_date
from etl.records import DateValue

TUESDAY = date(2019, 10, 29)


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("Monday", "2019-10-28", "2019-10-28", "day"),
    ("on Sunday", "2019-10-27", "2019-10-27", "day"),
    ("last Tuesday", "2019-10-22", "2019-10-22", "day"),
    ("next Tuesday", "2019-11-05", "2019-11-05", "day"),
    ("yesterday", "2019-10-28", "2019-10-28", "day"),
    ("today", "2019-10-29", "2019-10-29", "day"),
    ("September", "2019-09-01", "2019-09-30", "month"),
    ("in December", "2019-12-01", "2019-12-31", "month"),  # nearest, with no tense
    ("last week", "2019-10-21", "2019-10-27", "week"),
    ("earlier last week", "2019-10-21", "2019-10-27", "week"),
    ("this week", "2019-10-28", "2019-11-03", "week"),
    ("next month", "2019-11-01", "2019-11-30", "month"),
    ("the start of the month", "2019-10-01", "2019-10-31", "month"),
    ("earlier this month", "2019-10-01", "2019-10-31", "month"),
    ("last year", "2018-01-01", "2018-12-31", "year"),
    ("two weeks ago", "2019-10-14", "2019-10-20", "week"),
    ("October 29th, 2019", "2019-10-29", "2019-10-29", "day"),
    ("29 October 2019", "2019-10-29", "2019-10-29", "day"),
    ("Oct. 3", "2019-10-03", "2019-10-03", "day"),
    ("Dec. 3", "2019-12-03", "2019-12-03", "day"),  # nearest, with no tense
    ("May 1", "2019-05-01", "2019-05-01", "day"),
    ("September 2020", "2020-09-01", "2020-09-30", "month"),
    ("2017", "2017-01-01", "2017-12-31", "year"),
    ("2019-03-04", "2019-03-04", "2019-03-04", "day"),
])
def test_resolves(text: str, start: str, end: str, precision: str) -> None:
    value = normalize_date(text, TUESDAY)
    assert isinstance(value, DateValue)
    assert (value.start.isoformat(), value.end.isoformat(), value.precision) == (
        start, end, precision)


@pytest.mark.parametrize(("text", "tense", "start"), [
    ("Friday", "future", date(2019, 11, 1)),
    ("Friday", "present", date(2019, 11, 1)),  # "the summit opens on Friday"
    ("Friday", "past", date(2019, 10, 25)),
    ("Friday", "", date(2019, 10, 25)),  # news reports what happened
    ("in December", "past", date(2018, 12, 1)),
    ("in December", "future", date(2019, 12, 1)),
    ("in June", "", date(2019, 6, 1)),  # nearest: four months back, eight ahead
    ("in February", "", date(2020, 2, 1)),
    ("in March", "future", date(2020, 3, 1)),
    ("Dec. 3", "past", date(2018, 12, 3)),
    ("Jan. 4", "future", date(2020, 1, 4)),
    ("since December", "future", date(2018, 12, 1)),  # "will meet, the first time since ..."
])
def test_tense_chooses_the_side(text: str, tense: str, start: date) -> None:
    value = normalize_date(text, TUESDAY, tense=tense)
    assert isinstance(value, DateValue) and value.start == start


@pytest.mark.parametrize("text", ["a month", "two years", "several weeks", "second", "the past",
                                  "four hours", "recent days and the decades"])
def test_not_dates(text: str) -> None:
    assert normalize_date(text, TUESDAY) is None


@pytest.mark.parametrize("text", ["Monday", "last week", "September", "Oct. 3"])
def test_relative_without_anchor_stays_unresolved(text: str) -> None:
    assert normalize_date(text, None) == UNRESOLVED


def test_absolute_without_anchor_still_resolves() -> None:
    value = normalize_date("October 29th, 2019", None)
    assert isinstance(value, DateValue) and value.start == date(2019, 10, 29)


def test_iso_names() -> None:
    assert DateValue(date(2019, 10, 21), date(2019, 10, 27), "week").iso == "2019-W43"
    assert DateValue(date(2019, 9, 1), date(2019, 9, 30), "month").iso == "2019-09"


@given(st.text(max_size=60), st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
       st.sampled_from(["", "past", "present", "future"]))
def test_never_raises_and_intervals_are_sane(text: str, anchor: date, tense: str) -> None:
    value = normalize_date(text, anchor, tense=tense)
    assert value is None or value == UNRESOLVED or isinstance(value, DateValue)
    if isinstance(value, DateValue):
        assert value.start <= value.end
        span = (value.end - value.start).days
        assert span == {"day": 0, "week": 6}.get(value.precision, span)
        if value.precision == "month":
            assert value.start.day == 1 and value.start.month == value.end.month
        if value.precision == "year":
            assert (value.start.month, value.start.day, value.end.month, value.end.day) == (
                1, 1, 12, 31)


@given(st.sampled_from(["Monday", "last week", "September", "yesterday", "next month"]),
       st.dates(min_value=date(1950, 1, 1), max_value=date(2090, 1, 1)))
def test_past_expressions_do_not_end_after_their_period(text: str, anchor: date) -> None:
    value = normalize_date(text, anchor, tense="past")
    assert isinstance(value, DateValue)
    if text != "next month":
        assert value.start <= anchor

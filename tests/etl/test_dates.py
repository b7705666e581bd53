"""Date normalisation: resolved against the publication date, with precision."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.dates import UNRESOLVED, normalize_date, normalize_range, weekday_range
from etl.places import PlaceResolver
from etl.records import DateValue
from tests.extraction_support import extract_text

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


# --- forms added with etl/rules/dates.toml (anchor: Tuesday 29 October 2019) -----------------

@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("tomorrow", "2019-10-30", "2019-10-30", "day"),
    ("this month", "2019-10-01", "2019-10-31", "month"),
    ("Monday night", "2019-10-28", "2019-10-28", "day"),
    ("Sunday evening", "2019-10-27", "2019-10-27", "day"),
    ("Monday's", "2019-10-28", "2019-10-28", "day"),  # "Monday's talks"
    ("this Thursday", "2019-10-31", "2019-10-31", "day"),  # the Thursday of this week
    ("Nov. 2", "2019-11-02", "2019-11-02", "day"),
    ("October 3rd", "2019-10-03", "2019-10-03", "day"),
    ("on 15 November", "2019-11-15", "2019-11-15", "day"),
    ("mid-May", "2019-05-01", "2019-05-31", "month"),
    ("at the start of the year", "2019-01-01", "2019-12-31", "year"),
    ("the end of the year", "2019-01-01", "2019-12-31", "year"),
    ("after 2012", "2012-01-01", "2012-12-31", "year"),
    ("since November", "2018-11-01", "2018-11-30", "month"),
    ("October last year", "2018-10-01", "2018-10-31", "month"),
    ("April of next year", "2020-04-01", "2020-04-30", "month"),
    ("Friday, Oct. 25, 2019 - 07:30 GMT", "2019-10-25", "2019-10-25", "day"),
])
def test_resolves_added_forms(text: str, start: str, end: str, precision: str) -> None:
    value = normalize_date(text, TUESDAY)
    assert isinstance(value, DateValue)
    assert (value.start.isoformat(), value.end.isoformat(), value.precision) == (
        start, end, precision)


@pytest.mark.parametrize("text", [
    "11:05 GMT", "[10:04:31]", "17:55", "9 a.m.", "overnight", "at the weekend", "the weekend",
    "in the spring", "the end of the summer", "this winter", "for the past year",
    "over the past year", "the past year", "over the last two months", "two years later",
    "for six years", "every Monday", "a few days ago",
])
def test_not_dates_added(text: str) -> None:
    assert normalize_date(text, TUESDAY) is None


@pytest.mark.parametrize(("text", "tense", "start"), [
    ("in October", "present", date(2019, 10, 1)),  # "when the leaders meet in October"
    ("in September", "present", date(2020, 9, 1)),
    ("by March", "past", date(2020, 3, 1)),  # a deadline, past clause: the nearest
    ("before the end of November", "past", date(2019, 11, 1)),
    ("since June", "future", date(2019, 6, 1)),
    ("Sunday", "past", date(2019, 10, 27)),
])
def test_direction(text: str, tense: str, start: date) -> None:
    value = normalize_date(text, TUESDAY, tense=tense)
    assert isinstance(value, DateValue) and value.start == start


@pytest.mark.parametrize(("tense", "start"), [
    ("past", TUESDAY), ("present", TUESDAY), ("", TUESDAY), ("future", date(2019, 11, 5))])
def test_a_weekday_naming_the_publication_day_is_that_day(tense: str, start: date) -> None:
    value = normalize_date("on Tuesday", TUESDAY, tense=tense)
    assert isinstance(value, DateValue) and value.start == start


@pytest.mark.parametrize(("text", "start", "precision"), [
    ("That December", date(2014, 12, 1), "month"),
    ("that September", date(2014, 9, 1), "month"),
    ("June of that year", date(2014, 6, 1), "month"),
    ("the 12th", date(2014, 3, 12), "day"),
])
def test_anaphoric_dates_take_the_date_named_before(text: str, start: date,
                                                   precision: str) -> None:
    before = DateValue(date(2014, 3, 1), date(2014, 3, 31), "month")
    value = normalize_date(text, TUESDAY, context=before)
    assert isinstance(value, DateValue) and (value.start, value.precision) == (start, precision)


def test_an_ordinal_without_a_month_before_it_is_no_date() -> None:
    assert normalize_date("the 12th", TUESDAY) is None


@pytest.mark.parametrize(("text", "start", "end"), [
    ("from October 2 to 4", date(2019, 10, 2), date(2019, 10, 4)),
    ("2-4 November", date(2019, 11, 2), date(2019, 11, 4)),
    ("October 30 to November 1", date(2019, 10, 30), date(2019, 11, 1)),
    ("from 28 to 30 October 2019", date(2019, 10, 28), date(2019, 10, 30)),
])
def test_day_ranges(text: str, start: date, end: date) -> None:
    assert normalize_range(text, TUESDAY) == DateValue(start, end, "day")


@pytest.mark.parametrize("text", ["March 2", "Monday to Wednesday", "4 to 2 March", "2019-2021"])
def test_not_day_ranges(text: str) -> None:
    assert normalize_range(text, TUESDAY) is None


def test_weekday_ranges_are_two_days() -> None:
    text = "from Monday to Wednesday"
    spans = weekday_range(text)
    assert spans is not None
    assert [text[a:b] for a, b in spans] == ["Monday", "Wednesday"]
    assert weekday_range("Monday") is None


# --- date mentions in parsed sentences: the direction the clause gives -----------------------

SATURDAY = date(2022, 6, 18)  # a Saturday in June


def dates_of(text: str, resolver: PlaceResolver,
             published: date | None = SATURDAY) -> list[tuple[str, str]]:
    extraction = extract_text(text, resolver, published=published)
    return [(m.text, m.name) for m in extraction.mentions if m.kind == "date"]


@pytest.mark.parametrize(("text", "expected"), [
    # a plan in the present points ahead; the past of a plan, to the nearest
    ("The next summit is scheduled for May in Accra.", "2023-05"),
    ("A vote on the treaty is expected in July.", "2022-07"),
    ("A visit by the prime minister, which had been expected in July, was called off.",
     "2022-07"),
    ("The governor accepted an invitation to visit Lagos in August.", "2022-08"),
    ("The envoys met in Dakar in May.", "2022-05"),
    ("The envoys will meet in Dakar in May.", "2023-05"),
    ("The leaders meet in Lima in April, the ministry said.", "2023-04"),
    ("The border has been closed since July.", "2021-07"),
    # participles take the time of their clause
    ("Ministers attending the summit on Friday agreed a budget.", "2022-06-17"),
    ("Following Thursday's meeting, the minister said a deal was close.", "2022-06-16"),
    ("The agreement reached on Wednesday will take effect in a month.", "2022-06-15"),
    ("A tour of the harbour, set for Friday afternoon, was cancelled.", "2022-06-17"),
    # AP style, and the publication day itself
    ("The two ministers met Tuesday in Accra.", "2022-06-14"),
    ("The minister held talks here on Saturday with his counterpart.", "2022-06-18"),
    ("The council voted Monday night to approve the plan.", "2022-06-13"),
])
def test_date_mention_direction(text: str, expected: str, resolver: PlaceResolver) -> None:
    assert [name for _, name in dates_of(text, resolver)] == [expected]


def test_not_date_mentions(resolver: PlaceResolver) -> None:
    text = ("At 11:05 GMT the talks resumed. The ministers have spoken often over the past year "
            "and will meet at the weekend. The delegation travelled overnight.")
    assert dates_of(text, resolver) == []


def test_anaphoric_month_takes_the_year_named_before(resolver: PlaceResolver) -> None:
    text = ("The two men first met in Oslo in March 2015. That December, they met again in "
            "Bergen, and in May of that year they had spoken by phone.")
    assert [name for _, name in dates_of(text, resolver)] == ["2015-03", "2015-12", "2015-05"]


def test_ordinal_day_takes_the_month_named_before(resolver: PlaceResolver) -> None:
    text = "The minister will arrive on July 5th and leave on the 9th."
    assert [name for _, name in dates_of(text, resolver)] == ["2022-07-05", "2022-07-09"]


def test_ranges(resolver: PlaceResolver) -> None:
    text = ("The president is on an official visit from June 16 to 19. The talks will run from "
            "Monday to Wednesday in Geneva.")
    found = dates_of(text, resolver)
    assert ("June 16 to 19", "2022-06-16/2022-06-19") in found  # one mention, a day interval
    assert [n for t, n in found if t in ("Monday", "Wednesday")] == ["2022-06-20", "2022-06-22"]


def test_a_date_in_the_dateline_is_metadata(resolver: PlaceResolver) -> None:
    text = "OSLO, June 18 (Wire) -- The two ministers met on Friday."
    assert dates_of(text, resolver) == [("Friday", "2022-06-17")]


@pytest.mark.parametrize(("text", "day"), [
    ("18.1.2020", date(2020, 1, 18)), ("12.06.2019", date(2019, 6, 12)),
    ("Sat 26 Oct 2019 18.05 BST", date(2019, 10, 26)),
    ("Oct 8, 2019 6:47 PM CDT", date(2019, 10, 8)),
])
def test_numeric_dates_and_clock_times_beside_dates(text: str, day: date) -> None:
    assert normalize_date(text, TUESDAY) == DateValue(day, day, "day")

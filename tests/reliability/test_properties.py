"""Property tests at the edges the unit tests' strategies do not reach: date-like words and
extreme anchors for the normaliser, every metadata parser on lines built from metadata
vocabulary, the place resolver on any name and context, and ingest on arbitrary JSON records.
(tests/etl/test_dates.py, test_metadata.py and test_ingest.py cover plain random text.)"""

from __future__ import annotations

import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.dates import UNRESOLVED, normalize_date
from etl.ingest import iter_articles
from etl.metadata import (
    find_date,
    parse_date,
    parse_dateline,
    parse_metadata,
    parse_publication_line,
)
from etl.places import PlaceContext, PlaceResolver
from etl.records import GEO_PRECISIONS, Article, DateValue, InputError

DATE_WORDS = ["Monday", "Friday", "last", "next", "this", "week", "month", "year", "ago", "two",
              "earlier", "later", "September", "Dec.", "Feb", "29", "31", "1st", "2019", "9999",
              "0001", "10000", "yesterday", "today", "tomorrow", "the", "start", "end", "of",
              "in", "on", ",", "-", "/", "2019-02-29", "0", "-1", "ten", "decades", "mid"]
DATE_TEXT = st.lists(st.sampled_from(DATE_WORDS), max_size=6).map(" ".join)
ANCHORS = st.one_of(st.none(), st.dates(), st.sampled_from(
    [date.min, date.max, date(1, 1, 7), date(9999, 12, 25), date(2020, 2, 29)]))


def sane(value: DateValue) -> None:
    """An interval that matches its precision."""
    assert value.start <= value.end
    days = (value.end - value.start).days
    if value.precision == "day":
        assert days == 0
    elif value.precision == "week":
        assert days == 6 and value.start.weekday() == 0
    elif value.precision == "month":
        assert (value.start.day, value.start.month) == (1, value.end.month)
        assert (value.end + timedelta(days=1)).day == 1 if value.end < date.max else True
    else:
        assert value.precision == "year"
        assert (value.start.month, value.start.day, value.end.month, value.end.day) == (
            1, 1, 12, 31)


@settings(max_examples=400, deadline=None)
@given(DATE_TEXT, ANCHORS, st.sampled_from(["", "past", "present", "future"]))
def test_date_normaliser_never_raises_even_at_the_ends_of_the_calendar(
        text: str, anchor: date | None, tense: str) -> None:
    value = normalize_date(text, anchor, tense=tense)
    assert value is None or value == UNRESOLVED or isinstance(value, DateValue)
    if isinstance(value, DateValue):
        sane(value)


@pytest.mark.parametrize(("text", "anchor"), [
    ("next week", date.max), ("next month", date(9999, 12, 1)), ("next year", date(9999, 6, 1)),
    ("last week", date.min), ("last year", date(1, 6, 1)), ("two weeks ago", date(1, 1, 3)),
    ("Monday", date.min), ("tomorrow", date.max), ("in January", date(1, 3, 1)),
])
def test_relative_dates_past_the_calendar_are_unknown_not_errors(text: str,
                                                                 anchor: date) -> None:
    value = normalize_date(text, anchor, tense="")
    assert value is None or isinstance(value, DateValue)
    if isinstance(value, DateValue):
        sane(value)


META_WORDS = ["Published", "in", "Dawn", ",", "October", "29th", "2019", "Posted", "on", "by",
              "Jane", "Doe", "|", "Reuters", "Updated", ":", "12/03/2021", "KABUL", "—", "(AP)",
              "-", "Title:", "Source:", "©", "All", "rights", "reserved", "First", "The",
              "Nation", "31", "February", "0000", "9999", "\n", "NEW", "YORK", "Afghanistan"]
META_LINE = st.lists(st.sampled_from(META_WORDS), max_size=10).map(" ".join) | st.text(
    max_size=40)


@settings(max_examples=400, deadline=None)
@given(META_LINE)
def test_dateline_and_publication_line_parsers_never_raise(line: str) -> None:
    publication = parse_publication_line(line)
    if publication is not None:
        publisher, published, author = publication
        assert isinstance(publisher, str) and isinstance(author, str)
        assert published is None or isinstance(published, date)
    dateline = parse_dateline(line)
    if dateline is not None:
        start, end = dateline.span
        assert 0 <= start < end <= len(line)
        assert line[start:end].upper() == line[start:end]  # an all-caps place as written
    found = find_date(line)
    if found is not None:
        value, (start, end) = found
        assert 0 <= start < end <= len(line) and parse_date(line[start:end]) == value
    meta = parse_metadata(line)
    assert meta.body == meta.body.strip() and meta.body in line


@pytest.fixture(scope="module")
def resolver() -> PlaceResolver:
    return PlaceResolver()


CODES = st.sampled_from(["", "US", "PK", "AF", "QA", "RU", "ZZ", "us", "\x00"])


@settings(max_examples=300, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=30) | st.sampled_from(["Moscow", "Paris", "Springfield", "Idaho",
                                                     "Georgia", "", " ", "Kabul\x00", "İstanbul"]),
       country=CODES, admin1=st.text(max_size=3), qualifier=st.tuples(CODES, st.text(max_size=3)),
       shares=st.dictionaries(CODES, st.floats(allow_nan=True, allow_infinity=True), max_size=3))
def test_place_resolver_never_raises(resolver: PlaceResolver, name: str, country: str,
                                     admin1: str, qualifier: tuple[str, str],
                                     shares: dict[str, float]) -> None:
    context = PlaceContext(country, admin1, shares, qualifier)
    for place in (resolver.resolve(name, context), resolver.country(name)):
        if place is not None:
            assert -90 <= place.lat <= 90 and -180 <= place.lon <= 180
            assert place.precision in GEO_PRECISIONS and place.reason
    resolver.qualifier_codes(name)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["KABUL: Envoys met on Monday.", "9999-12-31", "1e400", "NaN"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=5), children, max_size=3), max_leaves=6)
RECORDS = st.dictionaries(st.sampled_from(["text", "title", "published", "source", "url",
                                           "body", "date", "TEXT"]), JSON_VALUES, max_size=6)


@settings(max_examples=250, deadline=None)
@given(st.lists(RECORDS, min_size=1, max_size=4), st.sampled_from([".jsonl", ".csv"]))
def test_ingest_never_raises_on_arbitrary_records(records: list[dict], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"records{suffix}"
        if suffix == ".jsonl":
            path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
        else:
            keys = sorted({k for r in records for k in r}) or ["text"]
            lines = [",".join(keys)] + [",".join(json.dumps(str(r.get(k, "")))
                                                 for k in keys) for r in records]
            path.write_text("\n".join(lines), encoding="utf-8")
        for item in iter_articles([path]):
            assert isinstance(item, Article | InputError)
            if isinstance(item, Article):
                assert item.text.strip() and any(c.isalpha() for c in item.text)
                assert item.published is None or date(1, 1, 1) <= item.published

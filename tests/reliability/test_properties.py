"""Property tests at the edges the unit tests' strategies do not reach: date-like words and
extreme anchors for the normaliser, every metadata parser on lines built from metadata
vocabulary, the place resolver on any name and context, and ingest on arbitrary JSON records.
(tests/etl/test_dates.py, test_metadata.py and test_ingest.py cover plain random text.)"""

from __future__ import annotations

import csv
import json
import re
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.dates import UNRESOLVED, normalize_date
from etl.ingest import PUBLISHED_COLUMNS, clean_text, iter_articles
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
    code, admin1 = resolver.qualifier_codes(name)
    assert code == "" or (len(code) == 2 and code.isascii() and code.isupper()), code
    assert code or not admin1  # a region is always named with its country


@pytest.mark.parametrize(("qualifier", "codes"), [
    ("Idaho", ("US", "ID")), ("Ga.", ("US", "GA")), ("Ontario", ("CA", "08")),
    ("Lebanon", ("LB", "")), ("Kabul\x00", ("", "")), ("", ("", "")),
])
def test_qualifier_codes_name_the_state_or_country(resolver: PlaceResolver, qualifier: str,
                                                   codes: tuple[str, str]) -> None:
    assert resolver.qualifier_codes(qualifier) == codes


@settings(max_examples=60, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture])
@given(st.sampled_from([("Moscow", "Idaho", "US"), ("Moscow", "Russia", "RU"),
                        ("Paris", "Texas", "US"), ("Paris", "France", "FR"),
                        ("London", "Ontario", "CA"), ("Springfield", "Illinois", "US"),
                        ("Hyderabad", "Pakistan", "PK"), ("Hyderabad", "India", "IN")]),
       st.sampled_from(["", "US", "RU", "FR", "PK", "IN", "CA"]))
def test_a_named_qualifier_beats_the_dateline(resolver: PlaceResolver,
                                              case: tuple[str, str, str], dateline: str) -> None:
    """"Moscow, Idaho" is in Idaho whatever the dateline says: the qualifier is the strongest
    evidence, so it must decide the country."""
    name, qualifier, country = case
    place = resolver.resolve(name, PlaceContext(
        dateline, "", {dateline: 1.0} if dateline else {}, resolver.qualifier_codes(qualifier)))
    assert place is not None and place.country_code == country, (name, qualifier, place)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
    | st.sampled_from(["KABUL: Envoys met on Monday.", "9999-12-31", "1e400", "NaN",
                       "2020-03-04", "1583280000", "KABUL: Envoys met on Monday.\n"
                       "Published in Dawn, October 29th, 2019"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=5), children, max_size=3), max_leaves=6)
DATED_TEXT = "KABUL: Envoys met on Monday.\nPublished in Dawn, October 29th, 2019"
DATE_FIELD = st.sampled_from(["2020-03-04", "soon", "", "1583280000"]) | st.integers() | (
    st.dates().map(date.isoformat))
RECORDS = st.dictionaries(st.sampled_from(["text", "title", "published", "source", "url",
                                           "body", "date", "TEXT"]), JSON_VALUES, max_size=6) | (
    st.fixed_dictionaries({"text": st.sampled_from([DATED_TEXT, "Envoys met on Monday."])},
                          optional={"published": DATE_FIELD, "date": DATE_FIELD}))


@settings(max_examples=250, deadline=None)
@given(st.lists(RECORDS, min_size=1, max_size=4), st.sampled_from([".jsonl", ".csv"]))
def test_ingest_of_any_records_never_raises_and_dates_them_from_their_fields(
        records: list[dict], suffix: str) -> None:
    keys = sorted({k for r in records for k in r}) or ["text"]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"records{suffix}"
        if suffix == ".jsonl":
            path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
        else:
            with path.open("w", encoding="utf-8", newline="") as out:
                writer = csv.writer(out)
                writer.writerow(keys)
                writer.writerows([str(r.get(k, "")) for k in keys] for r in records)
        items = list(iter_articles([path]))
    for item in items:
        assert isinstance(item, Article | InputError)
        if isinstance(item, Article):
            assert item.text.strip() and any(c.isalpha() for c in item.text)
            row = int(re.split(r"#L|#row", item.path)[-1]) - 1
            seen = records[row] if suffix == ".jsonl" else {
                k: str(records[row].get(k, "")) for k in keys}
            assert item.published in allowed_published(seen), (seen, item.published)


def field_date(value: object) -> date | None:
    """A published field as the ingest documents it: a date string, or a Unix timestamp in
    seconds (milliseconds above 1e11)."""
    if isinstance(value, str):
        return parse_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000 if abs(value) > 1e11 else value,
                                          UTC).date()
        except (OverflowError, OSError, ValueError):
            return None
    return None


def allowed_published(record: dict) -> set[date | None]:
    """The record's own published field wins; without a date there, the date comes from a
    publication line in the record's text (which field is the text is the ingest's choice),
    or there is none."""
    key = next((k for k in PUBLISHED_COLUMNS if k in record), None)
    from_field = field_date(record[key]) if key else None
    if from_field is not None:
        return {from_field}
    texts = [v for v in record.values() if isinstance(v, str)] + [
        "\n\n".join(v) for v in record.values()
        if isinstance(v, list) and all(isinstance(x, str) for x in v)]
    return {None} | {parse_metadata(clean_text(t)).published for t in texts}


def test_a_records_published_field_wins_over_its_text(tmp_path: Path) -> None:
    """The examples the property above is sure to meet, spelled out."""
    text = DATED_TEXT
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"text": text, "published": "2020-03-04"}, {"text": text, "date": 1583280000},
        {"text": text, "published": 1583280000000}, {"text": text, "published": "soon"},
        {"text": "KABUL: Envoys met on Monday."}]), encoding="utf-8")
    published = [a.published for a in iter_articles([path]) if isinstance(a, Article)]
    assert published == [date(2020, 3, 4)] * 3 + [date(2019, 10, 29), None]

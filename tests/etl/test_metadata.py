"""Golden and property tests for metadata parsed from article text (etl/metadata.py)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.metadata import (
    find_date,
    parse_date,
    parse_dateline,
    parse_metadata,
    parse_publication_line,
)

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_0f3ca805edc1ce03.txt"


def test_seed_article_metadata() -> None:
    text = SEED.read_text(encoding="utf-8")
    meta = parse_metadata(text)
    assert meta.dateline == "Islamabad"
    assert meta.dateline_span == (0, 9)
    assert meta.publisher == "Dawn"
    assert meta.published == date(2019, 10, 29)
    assert meta.body.startswith("ISLAMABAD: United States Special Envoy")
    assert "Published in" not in meta.body
    assert meta.body.endswith("“an environment conducive for negotiations”.")


# --- datelines ------------------------------------------------------------------------------

DATELINES = [
    # text, place, region, agency
    ("ISLAMABAD: United States Special Envoy", "Islamabad", "", ""),
    ("KABUL, Afghanistan — The president said", "Kabul", "Afghanistan", ""),
    ("MOSCOW (Reuters) - Russia hosted", "Moscow", "", "Reuters"),
    ("NEW YORK, March 3 (AP) — The council met", "New York", "", "AP"),
    ("DOHA, Qatar: Talks resumed", "Doha", "Qatar", ""),
    ("WASHINGTON — The State Department said", "Washington", "", ""),
    ("WASHINGTON, D.C. — Officials said", "Washington", "D.C.", ""),
    ("ST. LOUIS (AP) — A judge ruled", "St. Louis", "", "AP"),
    ("DAR ES SALAAM, Tanzania (Reuters) - Leaders met", "Dar es Salaam", "Tanzania", "Reuters"),
    ("SÃO PAULO — Protesters gathered", "São Paulo", "", ""),
    ("KABUL—The envoy arrived", "Kabul", "", ""),
    ("UNITED NATIONS (AP) — Diplomats met", "United Nations", "", "AP"),
    ("BEIJING, 3 March (Xinhua) -- Ministers met", "Beijing", "", "Xinhua"),
    ("N'DJAMENA, Chad: Rebels and the government", "N'Djamena", "Chad", ""),
]


@pytest.mark.parametrize(("text", "place", "region", "agency"), DATELINES)
def test_dateline_golden(text: str, place: str, region: str, agency: str) -> None:
    found = parse_dateline(text)
    assert found is not None
    assert (found.place, found.region, found.agency) == (place, region, agency)
    start, end = found.span
    assert start == 0
    assert text[start:end].casefold() == place.casefold()


@pytest.mark.parametrize(
    "text",
    [
        "NATO said on Monday that the alliance would meet.",  # no separator: a sentence
        "Nato: the alliance said",  # not all capitals
        "Islamabad: the capital",  # not all capitals
        "US: Trump says talks are dead",  # a headline kicker, not a place (<= 3 letters)
        "UN: Council to meet",
        "FBI: suspect arrested",
        "US-led forces withdrew",  # a hyphenated word, not a separator
        "NATO: Allies agree",  # an organisation
        "BREAKING: Talks collapse",  # a kicker
        "BREAKING NEWS: Talks collapse",
        "The ISLAMABAD: meeting",  # not at the start
        "ISLAMABAD:\nUnited States",  # nothing after the separator on the line
        "AMB KHALILZAD, who is here for talks, said - no",  # a clause, not a region
        "KABUL, Afghanistan, Central Asia, Earth — too many qualifiers",
        "2019: a year of talks",
        "",
    ],
)
def test_not_a_dateline(text: str) -> None:
    assert parse_dateline(text) is None


# --- publication lines ----------------------------------------------------------------------

PUBLICATION_LINES = [
    # line, publisher, published, author
    ("Published in Dawn, October 29th, 2019", "Dawn", date(2019, 10, 29), ""),
    ("Published in The Express Tribune, March 3rd, 2021", "The Express Tribune",
     date(2021, 3, 3), ""),
    ("Published in Dawn, Islamabad, October 29th, 2019", "Dawn", date(2019, 10, 29), ""),
    ("Published: 3 March 2021", "", date(2021, 3, 3), ""),
    ("Published on March 4, 2021 10:32 am PKT", "", date(2021, 3, 4), ""),
    ("First published in The Nation on 2021-03-04", "The Nation", date(2021, 3, 4), ""),
    ("Originally published by Reuters on 4 March 2021", "Reuters", date(2021, 3, 4), ""),
    ("Reuters | March 4, 2021", "Reuters", date(2021, 3, 4), ""),
    ("March 4, 2021 | Al Jazeera", "Al Jazeera", date(2021, 3, 4), ""),
    ("Posted on 12/03/2021 by John Smith", "", date(2021, 3, 12), "John Smith"),  # day-first
    ("Posted on 03/25/2021", "", date(2021, 3, 25), ""),  # day-first impossible: month-first
    ("*Published in Dawn, October 29th, 2019*", "Dawn", date(2019, 10, 29), ""),  # Markdown
    ("Published in Dawn, October 2019", "Dawn", None, ""),  # no day: line removed, no date
    ("Updated: 4 March 2021", "", None, ""),  # an update is not a publication date
]


@pytest.mark.parametrize(("line", "publisher", "published", "author"), PUBLICATION_LINES)
def test_publication_line_golden(
    line: str, publisher: str, published: date | None, author: str
) -> None:
    assert parse_publication_line(line) == (publisher, published, author)


@pytest.mark.parametrize(
    "line",
    [
        "Published reports say the talks in 2019 failed.",
        "Posted guards at the embassy were doubled in 2019 after the attack.",
        "Updated figures for 2019 show more violence than expected.",
        "Published in Dawn",  # no date at all
        "Home | World | Asia",
        "The talks were held on October 29, 2019 in Islamabad.",
        "Published in Dawn, October 29th, 2019" + " and more" * 40,  # too long for a meta line
    ],
)
def test_not_a_publication_line(line: str) -> None:
    assert parse_publication_line(line) is None


# --- dates ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29 Oct 2019", date(2019, 10, 29)),
        ("29th of October, 2019", date(2019, 10, 29)),
        ("October 29th, 2019", date(2019, 10, 29)),
        ("Sept. 3, 2021", date(2021, 9, 3)),
        ("2019-10-29T07:00:00+05:00", date(2019, 10, 29)),
        ("2019/10/29", date(2019, 10, 29)),
        ("12/03/2021", date(2021, 3, 12)),  # ambiguous: day-first
        ("12.03.2021", date(2021, 3, 12)),
        ("03/25/2021", date(2021, 3, 25)),  # day-first impossible: month-first
        ("on 31/02/2021 or 1 March 2021", date(2021, 3, 1)),  # invalid dates are skipped
        ("29 February 2019", None),
        ("March 2021", None),  # no day: never invented
        ("2019", None),
        ("12/03/21", None),  # two-digit years are too ambiguous
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_find_date_returns_the_earliest_date_and_its_span() -> None:
    text = "Talks on 2021-03-04, after a meeting on 3 March 2020"
    assert find_date(text) == (date(2021, 3, 4), (9, 19))


# --- whole texts ----------------------------------------------------------------------------


def test_header_lines_are_fields_and_removed() -> None:
    text = (
        "Title: Envoy meets PM\nSource: Dawn\nDate: 29 October 2019\nBy Anwar Iqbal\n\n"
        "ISLAMABAD: The envoy met the prime minister.\n"
    )
    meta = parse_metadata(text)
    assert (meta.title, meta.publisher, meta.published, meta.author) == (
        "Envoy meets PM", "Dawn", date(2019, 10, 29), "Anwar Iqbal",
    )
    assert meta.body == "ISLAMABAD: The envoy met the prime minister."
    assert meta.dateline == "Islamabad"
    assert meta.body[slice(*meta.dateline_span)] == "ISLAMABAD"  # type: ignore[misc]


def test_byline_with_outlet() -> None:
    meta = parse_metadata("By Anwar Iqbal | Dawn\nWASHINGTON: Officials met.")
    assert (meta.author, meta.publisher, meta.body) == (
        "Anwar Iqbal", "Dawn", "WASHINGTON: Officials met.",
    )


def test_publication_line_at_the_start() -> None:
    meta = parse_metadata("Reuters | March 4, 2021\n\nMOSCOW (Reuters) - Diplomats met.")
    assert (meta.publisher, meta.published) == ("Reuters", date(2021, 3, 4))
    assert meta.body == "MOSCOW (Reuters) - Diplomats met."
    assert meta.dateline_span == (0, 6)


def test_footer_lines_and_copyright_removed() -> None:
    text = (
        "KABUL: Leaders met.\n\nPublished: 3 March 2021\n"
        "Copyright 2021 The Associated Press. All rights reserved.\n"
    )
    meta = parse_metadata(text)
    assert meta.body == "KABUL: Leaders met."
    assert (meta.publisher, meta.published) == ("The Associated Press", date(2021, 3, 3))


def test_updated_line_does_not_give_the_publication_date() -> None:
    meta = parse_metadata("Updated: 5 March 2021\nPublished: 3 March 2021\nDOHA: Talks resumed.")
    assert meta.published == date(2021, 3, 3)
    assert meta.body == "DOHA: Talks resumed."


def test_content_lines_are_not_removed() -> None:
    text = "Published reports say the talks failed in 2019.\nThe envoy left on 29 October 2019."
    meta = parse_metadata(text)
    assert meta.body == text
    assert meta.published is None


def test_markdown_front_matter_and_heading() -> None:
    text = (
        "---\ntitle: 'Talks resume'\ndate: 2021-03-04\nsource: Al Jazeera\n---\n\n"
        "# A heading that front matter outranks\n\nDOHA, Qatar — Negotiators met.\n"
    )
    meta = parse_metadata(text, markdown=True)
    assert (meta.title, meta.publisher, meta.published) == (
        "Talks resume", "Al Jazeera", date(2021, 3, 4),
    )
    assert meta.body == "DOHA, Qatar — Negotiators met."
    assert (meta.dateline, meta.dateline_region) == ("Doha", "Qatar")


def test_markdown_setext_heading() -> None:
    meta = parse_metadata("Ministers meet\n==============\n\nMOSCOW: They met.", markdown=True)
    assert (meta.title, meta.body) == ("Ministers meet", "MOSCOW: They met.")


def test_heading_is_content_outside_markdown() -> None:
    text = "# not a heading in a .txt file\nKABUL: Leaders met."
    assert parse_metadata(text).body == text


def test_only_metadata_leaves_an_empty_body() -> None:
    meta = parse_metadata("Title: Nothing here\nPublished in Dawn, October 29th, 2019\n")
    assert meta.body == ""
    assert meta.title == "Nothing here"
    assert meta.dateline_span is None


# --- properties -----------------------------------------------------------------------------

META_PIECES = st.sampled_from(
    [
        "Title: Talks", "Source: Dawn", "Date: 12/03/2021", "By Our Correspondent",
        "Published in Dawn, October 29th, 2019", "Reuters | March 4, 2021", "---", "# Head",
        "title: x", "ISLAMABAD: The envoy met.", "KABUL, Afghanistan — x", "US: x", "",
        "© 2021 Reuters", "Posted on 03/25/2021 by", "Updated: 1 May 2020", "==", "\r", " ",
        "MOSCOW (Reuters) -", "Published: ", "NEW YORK, March 3 (AP) —",
    ]
)
TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(META_PIECES, st.text(max_size=20)), max_size=12).map("\n".join),
)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.booleans())
def test_parse_metadata_never_raises_and_body_is_a_slice(text: str, markdown: bool) -> None:
    meta = parse_metadata(text, markdown=markdown)
    assert meta.body in text
    assert meta.body == meta.body.strip()
    if meta.dateline_span is not None:
        start, end = meta.dateline_span
        assert 0 <= start < end <= len(meta.body)
        assert meta.body[start:end].casefold() == meta.dateline.casefold()
    else:
        assert meta.dateline == ""


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_date_never_raises(text: str) -> None:
    assert parse_date(text) is None or isinstance(parse_date(text), date)


def test_headline_above_a_posted_line() -> None:
    meta = parse_metadata("Trade minister courts drug makers\nPosted: 14 September 2023\n\n"
                          "HYDERABAD, India: The minister held talks on Wednesday.")
    assert meta.title == "Trade minister courts drug makers"
    assert meta.published == date(2023, 9, 14)
    assert meta.dateline == "Hyderabad" and meta.body.startswith("HYDERABAD")


@pytest.mark.parametrize("line", ["Monday 19 February 2024", "Mon, 19 February 2024",
                                  "19 February 2024", "February 19, 2024"])
def test_a_bare_date_line_is_the_publication_date(line: str) -> None:
    meta = parse_metadata(f"{line}\n\nADDIS ABABA (AFP) - Leaders ended a summit on Sunday.")
    assert meta.published == date(2024, 2, 19)
    assert meta.body.startswith("ADDIS ABABA")


def test_a_sentence_is_not_a_headline() -> None:
    meta = parse_metadata("The talks ended without a deal.\nPosted: 14 September 2023\n")
    assert meta.title == ""

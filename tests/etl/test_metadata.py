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
    rule,
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
    ("ROME (RNS) Cardinals gathered", "Rome", "", "RNS"),  # no separator after a known agency
    ("MONROVIA – The president returned", "Monrovia", "", ""),  # en dash
    ("KELOWNA, B.C. — The premier said", "Kelowna", "B.C.", ""),
    ("BAUCAU, Timor-Leste — The minister flew", "Baucau", "Timor-Leste", ""),
    ("SAN JOSÉ — The ministers signed", "San José", "", ""),
    ("ASUNCIÓN — The talks resumed", "Asunción", "", ""),
    ("**LEXINGTON, Ky.** — Breeders met", "Lexington", "Ky.", ""),  # bold Markdown
    ("DANANG, March 3 (Xinhua) -- The two sides", "Danang", "", "Xinhua"),
]


@pytest.mark.parametrize(("text", "place", "region", "agency"), DATELINES)
def test_dateline_golden(text: str, place: str, region: str, agency: str) -> None:
    found = parse_dateline(text)
    assert found is not None
    assert (found.place, found.region, found.agency) == (place, region, agency)
    start, end = found.span
    assert start == len(text) - len(text.lstrip("*"))
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
        "ANCHOR: Good evening",  # a speaker label of a transcript
        "USAID (the agency) said it would",  # no separator and no known agency
        "Hanoi (Xinhua) -- Talks",  # title case: parse_dateline keeps to capitals
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
    # a time before or after the date, in the styles of several newsrooms
    ("Published 9:05 AM CET, March 2, 2021", "", date(2021, 3, 2), ""),
    ("Posted Mar 2, 2021 9:05 PM CDT", "", date(2021, 3, 2), ""),
    ("Posted Feb. 3, 2021, 6:40 p.m.", "", date(2021, 2, 3), ""),
    ("Aired March 2, 2021 - 21:00 ET", "", date(2021, 3, 2), ""),
    ("Published at : March 2, 2021", "", date(2021, 3, 2), ""),
    ("Published in the Valley Ledger, March 2, 2021", "Valley Ledger", date(2021, 3, 2), ""),
    # a masthead, kicker or outlet line around one date
    ("HARBOUR TOWN GAZETTE — Tuesday, Mar. 2, 2021", "HARBOUR TOWN GAZETTE",
     date(2021, 3, 2), ""),
    ("WORLD AFFAIRS · 02.03.2021", "", date(2021, 3, 2), ""),  # a section, not a publisher
    ("Lakeside Dispatch · 2 March 2021 · 4 min read", "Lakeside Dispatch", date(2021, 3, 2), ""),
    ("Inland Wire | Lakeport | Tuesday, March 2, 2021", "Inland Wire", date(2021, 3, 2), ""),
    ("The Harbour Courier / 05:14 AM March 2, 2021", "The Harbour Courier",
     date(2021, 3, 2), ""),
    ("Valley Ledger | Posted Mar. 2, 2021, 6:40 p.m.", "Valley Ledger", date(2021, 3, 2), ""),
    ("A version of this article appears in print on March 2, 2021, Section A, Page 4, with "
     "the headline: Talks Resume.", "", date(2021, 3, 2), ""),
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
        "Posted 3 March 2021 and then the talks collapsed",  # words after the date
        "Kabul — the talks of 3 March 2021 failed",  # a clause, not a name and a date
        "Aired complaints in 2021 about the deal.",
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
        ("Thu, 04 Mar 2021 11:40:00 GMT", date(2021, 3, 4)),  # RFC 2822
        ("2021-03-04T23:30:00-05:00", date(2021, 3, 4)),  # the date as written, not UTC's
        ("4.3.2021 14:32", date(2021, 3, 4)),  # Finnish and German style, no leading zeros
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
        "Published 9:05 AM CET, March 2, 2021", "Lakeport, 2 March 2021", "###", "-ENDS-",
        "Issued by:", "(Reporting by Ana Ruiz; Editing by Tom Hale)", "**LEXINGTON, Ky.** —",
        "HANOI, March 2 (Xinhua) --", "Updated 2021-03-03 01:15:40", "Editor: Wang Lin",
        "PRESS RELEASE", "By a Staff Correspondent", "Enditem", "___", "x. Enditem",
        "GAZETTE — Tuesday, Mar. 2, 2021", "[10:00:09]", "Wire · 2.3.2021 · 3 min read",
        "Hanoi (Xinhua) --", "ROME (RNS) Pope", "Aired March 2, 2021 - 21:00 ET", "**", "*",
    ]
)
TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(META_PIECES, st.text(max_size=20)), max_size=12).map("\n".join),
)


@settings(max_examples=1000, deadline=None)
@given(TEXTS, st.booleans())
def test_parse_metadata_never_raises_and_body_is_a_slice(text: str, markdown: bool) -> None:
    meta = parse_metadata(text, markdown=markdown)
    assert meta.body in text
    assert meta.body == meta.body.strip()
    if meta.dateline_span is not None:
        start, end = meta.dateline_span
        assert 0 <= start < end <= len(meta.body)
        assert meta.body[start:end].casefold() == meta.dateline.casefold()
    else:  # none, or the place of a removed "Place, date" line
        assert meta.dateline == "" or meta.dateline.casefold() in text.casefold()


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


# --- header blocks, footers and press releases (invented examples of each newsroom style) ---


def test_headline_byline_and_time_first_publication_line_are_header() -> None:
    meta = parse_metadata(
        "Envoys agree to resume ferry talks\n\nBy JANE ROWE, Associated Press\n\n"
        "Published 9:05 AM CET, March 2, 2021\n\n"
        "LISBON (AP) — The envoys met on Monday.\n"
    )
    assert (meta.title, meta.author, meta.publisher, meta.published) == (
        "Envoys agree to resume ferry talks", "Jane Rowe", "Associated Press", date(2021, 3, 2))
    assert meta.body == "LISBON (AP) — The envoys met on Monday."  # the byline is no content
    assert (meta.dateline, meta.dateline_span) == ("Lisbon", (0, 6))


@pytest.mark.parametrize("line", [
    "Mar. 2, 2021 9:05 AM EST", "Tuesday, March 2, 2021 - 09:05 GMT", "Tue 2 Mar 2021 09.05 GMT",
    "2.3.2021 9:05", "Issued: 2 March 2021", "Posted Mar 2, 2021 9:05 PM CDT",
    "Source: Lakeside Wire | 2021-03-02 21:15:40",
])
def test_date_lines_under_a_headline(line: str) -> None:
    meta = parse_metadata(f"Ports agree on ferry timetable\n\n{line}\n\nQUITO — Officials met.")
    assert meta.published == date(2021, 3, 2)
    assert meta.title == "Ports agree on ferry timetable"
    assert meta.body == "QUITO — Officials met." and meta.dateline == "Quito"


def test_a_headline_and_standfirst_above_the_date_line() -> None:
    meta = parse_metadata(
        "Ferry deal within reach\n\n"
        "After a year of stalled talks, the two ports say a timetable is close\n\n"
        "Tue 2 Mar 2021 09.05 GMT\n\nBOGOTÁ — The ministers met on Monday.")
    assert (meta.title, meta.published, meta.dateline) == (
        "Ferry deal within reach", date(2021, 3, 2), "Bogotá")
    assert meta.body.startswith("BOGOTÁ —")


def test_a_headline_right_above_a_dateline_is_the_title() -> None:
    meta = parse_metadata("Ports agree on ferry timetable\n\nVALPARAÍSO (Reuters) - Talks ended.")
    assert (meta.title, meta.dateline) == ("Ports agree on ferry timetable", "Valparaíso")
    assert meta.body == "VALPARAÍSO (Reuters) - Talks ended."


@pytest.mark.parametrize("byline", ["By a Staff Correspondent", "By our Lagos correspondent",
                                    "By: Tom Hale - Reporter"])
def test_bylines_without_or_with_a_role(byline: str) -> None:
    meta = parse_metadata(f"Published 2 March 2021\n\nTalks resume\n\n{byline}\n\n"
                          "ACCRA — The ministers met.")
    assert meta.body == "ACCRA — The ministers met."
    assert meta.author in ("", "Tom Hale")


def test_a_masthead_is_not_a_dateline() -> None:
    meta = parse_metadata("HARBOUR TOWN GAZETTE — Tuesday, Mar. 2, 2021\n\n"
                          "Council backs ferry bid\n\nPORTLAND, Maine — The council voted.")
    assert (meta.dateline, meta.dateline_region) == ("Portland", "Maine")
    assert (meta.publisher, meta.published) == ("HARBOUR TOWN GAZETTE", date(2021, 3, 2))


def test_press_release_letterhead_and_end_marker() -> None:
    meta = parse_metadata(
        "REPUBLIC OF ESTAVIA\nMINISTRY OF TRADE\nOffice of the Press Secretary\n\n"
        "PRESS RELEASE\nFor Immediate Release\n2 March 2021\n\n"
        "Minister Holds Talks with Visiting Delegation\n\n"
        "PORT ROYAL – The minister met the delegation on Monday.\n\n###\n")
    assert (meta.published, meta.dateline) == (date(2021, 3, 2), "Port Royal")
    assert meta.title == "Minister Holds Talks with Visiting Delegation"
    assert meta.body == "PORT ROYAL – The minister met the delegation on Monday."


def test_press_release_place_and_date_line_and_contact_footer() -> None:
    meta = parse_metadata(
        "PRESS RELEASE\nMinistry of Fisheries\nLakeport, 2 March 2021\n\n"
        "Coastal states agree to share radar data\n\n"
        "Ministers from four states agreed on Friday to share radar data.\n\n-ENDS-\n\n"
        "For media enquiries, please contact the press office.\n")
    assert (meta.published, meta.dateline, meta.dateline_span) == (
        date(2021, 3, 2), "Lakeport", None)  # the place line is removed: no span in the body
    assert meta.body == ("Coastal states agree to share radar data\n\n"
                         "Ministers from four states agreed on Friday to share radar data.")


def test_issued_by_block_and_issued_line() -> None:
    meta = parse_metadata(
        "MINISTRY OF ENERGY\n\nPRESS STATEMENT\nIssued: 2 March 2021\n\n"
        "MINISTERS AGREE WATER SHARE FOR 2022\n\nKARIBU — The ministers met yesterday.\n\n"
        "Issued by:\nPublic Relations Unit\nMinistry of Energy\n")
    assert (meta.published, meta.dateline) == (date(2021, 3, 2), "Karibu")
    assert meta.body == "KARIBU — The ministers met yesterday."


def test_wire_footer_editor_enditem_and_dateline_day_with_an_updates_year() -> None:
    meta = parse_metadata(
        "Ports pledge faster rail link\n\n"
        "DANANG, March 2 (Xinhua) -- The ministers held talks here on Tuesday. Enditem\n\n"
        "Editor: Wang Lin\nUpdated 2021-03-03 01:15:40\n")
    assert meta.body == "DANANG, March 2 (Xinhua) -- The ministers held talks here on Tuesday."
    assert meta.published == date(2021, 3, 2)  # the dateline's day, the update's year
    assert "Wang Lin" not in meta.body


def test_a_dateline_day_after_the_update_is_the_year_before() -> None:
    meta = parse_metadata("HANOI, December 31 (Xinhua) -- Talks ended.\n\nUpdated 2021-01-01")
    assert meta.published == date(2020, 12, 31)


def test_a_dateline_day_without_any_year_gives_no_date() -> None:
    assert parse_metadata("HANOI, March 2 (Xinhua) -- Talks ended.").published is None


def test_credit_line_and_update_line_at_the_foot() -> None:
    meta = parse_metadata(
        "OSLO (Reuters) - The ministers met on Monday.\n\n"
        "(Reporting by Ana Ruiz; additional reporting by Li Wei in Bergen; Editing by Tom Hale)"
        "\n\nUpdated March 2, 2021 09:12 GMT\n")
    assert meta.body == "OSLO (Reuters) - The ministers met on Monday."
    assert meta.published == date(2021, 3, 2)  # the update, as no other date is given


def test_an_update_does_not_outrank_the_publication_line() -> None:
    meta = parse_metadata("Published 1 March 2021\n\nOSLO — Talks.\n\nUpdated March 2, 2021")
    assert meta.published == date(2021, 3, 1)


def test_a_correction_note_after_a_rule_and_a_print_edition_footer() -> None:
    meta = parse_metadata(
        "QUITO (AP) — The council met.\n\n___\n\n"
        "This story has been corrected to show that Rowe is the trade minister.\n")
    assert meta.body == "QUITO (AP) — The council met."
    meta = parse_metadata(
        "The council met.\n\nA version of this article appears in print on March 2, 2021, "
        "Section A, Page 4, with the headline: Council Meets.")
    assert (meta.body, meta.published) == ("The council met.", date(2021, 3, 2))


def test_a_content_sentence_about_reporting_stays() -> None:
    text = "KABUL: Talks ended.\nReporting by local media suggested the talks had failed."
    assert parse_metadata(text).body == text


def test_broadcast_transcript_header() -> None:
    meta = parse_metadata(
        "MORNING REPORT\n\nTalks Resume Over River Water\n\nAired March 2, 2021 - 10:00 ET\n\n"
        "THIS IS A RUSH TRANSCRIPT. THIS COPY MAY NOT BE IN ITS FINAL FORM.\n\n[10:00:09]\n\n"
        "ANCHOR: Good morning. The ministers met today.")
    assert (meta.published, meta.dateline) == (date(2021, 3, 2), "")  # ANCHOR is no place
    assert meta.body == "ANCHOR: Good morning. The ministers met today."
    assert meta.title == "Talks Resume Over River Water"


def test_bold_markdown_dateline_and_italic_meta_line() -> None:
    meta = parse_metadata(
        "# Breeders meet in Kentucky\n\n*Bluegrass Dispatch · 2 March 2021 · 3 min read*\n\n"
        "**LEXINGTON, Ky.** — Breeders met on Monday.", markdown=True)
    assert (meta.title, meta.publisher, meta.published) == (
        "Breeders meet in Kentucky", "Bluegrass Dispatch", date(2021, 3, 2))
    assert (meta.dateline, meta.dateline_region, meta.dateline_span) == ("Lexington", "Ky.", (0, 9))
    assert meta.body.startswith("LEXINGTON, Ky.** —")  # the body starts at the place


@pytest.mark.parametrize(("text", "place", "published"), [
    ("Hanoi (Xinhua) -- The ministers met.", "Hanoi", None),  # title case with an agency
    ("Lakeport, 2 March 2021 – The ministers met.", "Lakeport", date(2021, 3, 2)),
    ("Atlanta (CNN) -- Officials said.", "Atlanta", None),
])
def test_title_case_datelines(text: str, place: str, published: date | None) -> None:
    meta = parse_metadata(text)
    assert (meta.dateline, meta.published) == (place, published)
    assert meta.body[slice(*meta.dateline_span)] == place  # type: ignore[misc]


@pytest.mark.parametrize("text", [
    "Washington (pictured) — said it would.",  # not a known agency
    "Monday, 2 March 2021 – the ministers met.",  # a day, not a place
    "Ministers met, 2 March 2021 – said an aide.",  # not capitalised words
])
def test_title_case_openings_that_are_not_datelines(text: str) -> None:
    assert parse_metadata(text).dateline == ""


def test_letterhead_without_any_date_or_dateline_is_kept() -> None:
    text = "REPUBLIC OF ESTAVIA\nMINISTRY OF TRADE\n\nThe minister met the delegation."
    assert parse_metadata(text).body == text


# --- the rules file ----------------------------------------------------------------------------


def test_rules_file_lists_are_loaded() -> None:
    for section, key in [("publication", "dated_prefixes"), ("footer", "end_markers"),
                         ("dateline", "agencies"), ("header", "letterhead_starts"),
                         ("columns", "text")]:
        assert rule(section, key), (section, key)
    assert "aired" in rule("publication", "dated_prefixes")
    assert rule("publication", "no such key") == ()


@pytest.mark.parametrize("line", ["By ,", "By | -"])
def test_a_byline_of_separators_only_names_no_one(line: str) -> None:
    meta = parse_metadata(f"Talks resume\n\n{line}\n\nACCRA — The ministers met.")
    assert meta.author == "" and meta.body.endswith("The ministers met.")

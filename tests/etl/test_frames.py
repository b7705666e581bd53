"""Event frames filled from the discourse: dates, venues and participants a clause leaves
unsaid, each fill with its source (etl.frames). Examples are our own."""

from __future__ import annotations

from datetime import date

import pytest

from etl.places import PlaceResolver
from etl.records import Event, Extraction
from tests.extraction_support import extract_text

THURSDAY = date(2022, 11, 17)


def run(text: str, resolver: PlaceResolver, *, dateline: str = "",
        published: date | None = THURSDAY) -> Extraction:
    return extract_text(text, resolver, dateline=dateline, published=published)


def held(ex: Extraction) -> list[Event]:
    return [e for e in ex.events if e.status == "held"]


@pytest.mark.parametrize(("phrase", "day"), [
    ("The next day", date(2022, 11, 14)),
    ("The following morning", date(2022, 11, 14)),
    ("Later that day", date(2022, 11, 13)),
])
def test_a_relative_day_counts_from_the_day_the_story_named(
        resolver: PlaceResolver, phrase: str, day: date) -> None:
    ex = run(f"Finance Minister Odile Marchand landed in Lisbon on Sunday. {phrase} she met "
             "Portuguese Prime Minister Rui Valente.", resolver)
    met = next(e for e in held(ex) if e.event_type == "meeting")
    assert met.date is not None and met.date.start == day and met.date.precision == "day"
    assert phrase in met.date_reason and "Sunday" in met.date_reason


def test_a_relative_day_without_a_day_before_it_gives_no_date(
        resolver: PlaceResolver) -> None:
    ex = run("The next day Finance Minister Odile Marchand met Portuguese Prime Minister Rui "
             "Valente.", resolver)
    assert all(e.date is None for e in held(ex))


def test_there_and_an_arrival_place_the_event(resolver: PlaceResolver) -> None:
    ex = run("On Monday, President Tomas Varga flew to Nairobi. There he was received by "
             "President Grace Wanjiru.", resolver, dateline="Budapest")
    met = next(e for e in held(ex) if e.event_type == "meeting")
    assert met.place is not None and met.place.name == "Nairobi"
    assert "'there'" in met.place.reason
    assert met.date is not None and met.date.start == date(2022, 11, 14)
    arrived = run("President Tomas Varga arrived in Nairobi on Monday. He held talks with "
                  "President Grace Wanjiru.", resolver, dateline="Budapest")
    talks = next(e for e in held(arrived) if e.event_type == "talks")
    assert talks.place is not None and talks.place.name == "Nairobi"
    assert "arrived in Nairobi" in talks.place.reason


def test_the_dateline_places_recent_events_only(resolver: PlaceResolver) -> None:
    recent = run("President Tomas Varga met President Grace Wanjiru on Tuesday.", resolver,
                 dateline="Nairobi")
    met = held(recent)[0]
    assert met.place is not None and met.place.name == "Nairobi"
    assert "dateline" in met.place.reason
    old = run("President Tomas Varga first met President Grace Wanjiru in June 2015.",
              resolver, dateline="Nairobi")
    assert held(old)[0].place is None


def test_they_and_the_two_leaders_are_the_people_just_named(
        resolver: PlaceResolver) -> None:
    ex = run("Finance Minister Odile Marchand and Portuguese Prime Minister Rui Valente spoke "
             "at a conference in Porto on Monday. The two leaders then held talks on trade.",
             resolver)
    talks = next(e for e in held(ex) if e.event_type == "talks")
    assert {"Odile Marchand", "Rui Valente"} <= {name for name, _ in talks.actors}
    assert "two leaders" in talks.actors_reason


def test_an_encounter_told_again_is_one_event(resolver: PlaceResolver) -> None:
    ex = run("President Tomas Varga held talks with President Grace Wanjiru in Nairobi on "
             "Monday. The meeting was attended by Foreign Minister Alice Mutua.", resolver)
    [meeting] = held(ex)
    assert {name for name, _ in meeting.actors} == {"Tomas Varga", "Grace Wanjiru",
                                                    "Alice Mutua"}
    assert "told again in sentence 1" in meeting.reason
    apart = run("President Tomas Varga held talks with President Grace Wanjiru in Nairobi on "
                "Monday. Varga met Foreign Minister Alice Mutua in Mombasa on Tuesday.",
                resolver)
    assert len(held(apart)) == 2


def test_a_date_of_a_future_clause_is_not_carried_on(resolver: PlaceResolver) -> None:
    ex = run("Minister Odile Marchand will travel to Lisbon on Friday. She met the Portuguese "
             "ambassador Rui Valente at the ministry.", resolver)
    met = next(e for e in ex.events if e.event_type == "meeting")
    assert met.status == "held" and met.date is not None and met.date.precision == "week"
    assert "Friday" not in met.date_reason


def test_a_report_that_goes_on_telling_the_talks_joins_them(resolver: PlaceResolver) -> None:
    ex = run("Norway and Iceland failed to settle their quota dispute at talks in Oslo on "
             "Monday. Fisheries Minister Eirik Dahl and Food Minister Sigrun Olafs met for two "
             "hours.", resolver)
    [talks] = held(ex)
    assert talks.place is not None and talks.place.name == "Oslo"
    assert talks.date is not None and talks.date.start == date(2022, 11, 14)
    assert {"Norway", "Iceland", "Eirik Dahl", "Sigrun Olafs"} <= {n for n, _ in talks.actors}


def test_the_venue_of_other_people_is_not_carried_on(resolver: PlaceResolver) -> None:
    ex = run("President Tomas Varga met President Grace Wanjiru in Mombasa on Monday. Also on "
             "Monday, Trade Minister Alice Mutua met the German envoy Jonas Weber.", resolver,
             dateline="Nairobi")
    mutua = next(e for e in held(ex) if ("Alice Mutua", "person") in e.actors)
    assert mutua.place is None or mutua.place.name != "Mombasa"


def test_a_held_event_dated_nowhere_took_place_the_week_before_publication(
        resolver: PlaceResolver) -> None:
    ex = run("President Tomas Varga met President Grace Wanjiru to discuss the railway.",
             resolver)
    met = held(ex)[0]
    assert met.date is not None and met.date.precision == "week"
    assert (met.date.start, met.date.end) == (date(2022, 11, 10), THURSDAY)
    assert "publication date" in met.date_reason
    undated = run("President Tomas Varga met President Grace Wanjiru.", resolver,
                  published=None)
    assert held(undated)[0].date is None


def test_short_wire_paragraphs_go_on_with_the_next(resolver: PlaceResolver) -> None:
    ex = run("Finance Minister Odile Marchand spoke in Lisbon on Tuesday.\n\n"
             "She also met Portuguese Prime Minister Rui Valente.", resolver)
    met = held(ex)[-1]
    assert met.date is not None and met.date.start == date(2022, 11, 15)


def test_a_guest_named_beside_the_title_and_placed_by_the_next_sentence(
        resolver: PlaceResolver) -> None:
    ex = run("The Minister of Culture of Chile, Rosa Tapia, received the Deputy Minister at "
             "Peru's culture ministry, Hugo Quispe, on Tuesday. The Deputy Minister had "
             "arrived in Valparaiso on Monday night.", resolver, published=None)
    met = next(e for e in held(ex) if ("Hugo Quispe", "person") in e.actors)
    assert ("Rosa Tapia", "person") in met.actors
    assert met.place is not None and met.place.name.startswith("Valpara")
    assert "had arrived" in met.place.reason


def test_the_background_of_a_pluperfect_is_no_anchor(resolver: PlaceResolver) -> None:
    ex = run("President Tomas Varga met President Grace Wanjiru in Nairobi on Tuesday. He had "
             "landed in Nairobi on Monday. Later that day Varga met Trade Minister Alice "
             "Mutua.", resolver)
    later = next(e for e in held(ex) if ("Alice Mutua", "person") in e.actors)
    assert later.date is not None and later.date.start == date(2022, 11, 15)
    assert later.date_reason.startswith("counted from")


def test_the_occasion_a_report_names(resolver: PlaceResolver) -> None:
    ex = run("West African leaders ended their summit in Accra on Sunday. On the sidelines of "
             "the summit, President Tomas Varga and President Grace Wanjiru held talks on "
             "trade. President Ali Musa and President Joy Obi also held a meeting on the "
             "sidelines.", resolver, published=date(2022, 11, 15))
    talks = next(e for e in held(ex) if ("Tomas Varga", "person") in e.actors)
    assert talks.date is not None and talks.date.start == date(2022, 11, 13)
    assert talks.date_reason.startswith("the date of 'summit'")
    other = next(e for e in held(ex) if ("Ali Musa", "person") in e.actors)
    assert ("Tomas Varga", "person") not in other.actors  # 'also': another encounter
    hosted = run("Finance Minister Odile Marchand held talks with three envoys in Lisbon on "
                 "Monday. Marchand hosted Rui Valente and Marta Pires for the talks.", resolver)
    [one] = held(hosted)
    assert {("Rui Valente", "person"), ("Marta Pires", "person")} <= set(one.actors)


def test_the_ministers_of_two_countries_are_the_ministers(resolver: PlaceResolver) -> None:
    ex = run("The trade ministers of Norway and Iceland met in Oslo on Monday. Norway's Trade "
             "Minister Eirik Dahl said the talks were useful, and Iceland's Trade Minister "
             "Sigrun Olafs agreed.", resolver, published=date(2022, 11, 15))
    met = next(e for e in held(ex) if e.event_type == "meeting")
    assert set(met.actors) == {("Eirik Dahl", "person"), ("Sigrun Olafs", "person")}
    assert "Norway: Eirik Dahl" in met.actors_reason


def test_a_day_named_in_a_relative_clause_is_background(resolver: PlaceResolver) -> None:
    ex = run("Finance Minister Odile Marchand met Prime Minister Rui Valente in Lisbon on "
             "Wednesday. Marchand, who flew in on Tuesday, praised the talks. Earlier in the day "
             "Marchand met Mayor Ana Sousa.", resolver)
    later = next(e for e in held(ex) if ("Ana Sousa", "person") in e.actors)
    assert later.date is not None and later.date.start == date(2022, 11, 16)

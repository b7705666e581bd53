"""Events from sentences: triggers, status, participants, venue and date (general rules)."""

from __future__ import annotations

from datetime import date

import pytest

from etl.places import PlaceResolver
from etl.records import Event, Extraction
from tests.extraction_support import extract_text

FRIDAY = date(2021, 3, 5)


def run(text: str, resolver: PlaceResolver, *, dateline: str = "",
        published: date | None = FRIDAY) -> Extraction:
    return extract_text(text, resolver, dateline=dateline, published=published)


def only(events: list[Event], **conditions: object) -> Event:
    hits = [e for e in events if all(getattr(e, k) == v for k, v in conditions.items())]
    assert len(hits) == 1, [(e.event_type, e.status, e.actors) for e in events]
    return hits[0]


def actors(event: Event) -> set[str]:
    return {name for name, _ in event.actors}


def test_meeting_in_a_city_on_a_weekday(resolver: PlaceResolver) -> None:
    ex = run("German Chancellor Olaf Scholz met French President Emmanuel Macron in Paris "
             "on Tuesday to discuss energy prices.", resolver)
    event = only(ex.events, event_type="meeting")
    assert event.status == "held"
    assert {"Olaf Scholz", "Emmanuel Macron"} <= actors(event)
    assert event.place is not None and event.place.name == "Paris"
    assert event.place.country_code == "FR"
    assert event.date is not None and event.date.start == date(2021, 3, 2)


def test_planned_meeting_points_forward(resolver: PlaceResolver) -> None:
    ex = run("Foreign Minister Sergey Lavrov is expected to meet Wang Yi in Beijing next week.",
             resolver)
    event = only(ex.events, event_type="meeting")
    assert event.status == "planned"
    assert event.date is not None and event.date.start == date(2021, 3, 8)
    assert event.place is not None and event.place.country_code == "CN"


def test_cancelled_meeting(resolver: PlaceResolver) -> None:
    ex = run("President Joe Biden cancelled a planned meeting with Prime Minister Narendra "
             "Modi.", resolver)
    event = only(ex.events, event_type="meeting")
    assert event.status == "cancelled"
    assert {"Joe Biden", "Narendra Modi"} <= actors(event)
    assert event.place is None


def test_postponed_talks_count_as_cancelled(resolver: PlaceResolver) -> None:
    ex = run("The two governments postponed talks on the border dispute.", resolver)
    assert only(ex.events, event_type="talks").status == "cancelled"


def test_negated_meeting_is_no_event(resolver: PlaceResolver) -> None:
    ex = run("Kenyan President William Ruto did not meet the opposition leader Raila Odinga.",
             resolver)
    assert not [e for e in ex.events if e.event_type == "meeting"]


def test_phone_call_has_no_venue(resolver: PlaceResolver) -> None:
    ex = run("NAIROBI: President William Ruto spoke by phone with Ethiopian Prime Minister "
             "Abiy Ahmed on Thursday.", resolver, dateline="Nairobi")
    event = only(ex.events, event_type="call")
    assert {"William Ruto", "Abiy Ahmed"} <= actors(event)
    assert event.place is None
    assert event.date is not None and event.date.start == date(2021, 3, 4)


def test_unplaced_visit_falls_back_to_the_dateline(resolver: PlaceResolver) -> None:
    ex = run("NAIROBI: Ethiopian Prime Minister Abiy Ahmed visited on Monday. He met President "
             "William Ruto.", resolver, dateline="Nairobi")
    visit = only(ex.events, event_type="visit")
    assert visit.place is not None and visit.place.name == "Nairobi"
    meeting = only(ex.events, event_type="meeting")
    assert "Abiy Ahmed" in actors(meeting)  # "He" is the last subject


def test_an_appeal_is_not_a_meeting(resolver: PlaceResolver) -> None:
    ex = run("The United Nations called on the Taliban to reopen girls' schools.", resolver)
    assert not ex.events


def test_talks_of_a_country_include_the_envoys_country(resolver: PlaceResolver) -> None:
    ex = run("US special envoy Tom Perriello held talks with officials from Sudan and Egypt "
             "in Cairo on Monday.", resolver)
    event = only(ex.events, event_type="talks")
    assert {"Tom Perriello", "Sudan", "Egypt", "United States"} <= actors(event)
    assert event.place is not None and event.place.name == "Cairo"


def test_title_reference_takes_the_introduced_person(resolver: PlaceResolver) -> None:
    ex = run("Foreign Minister Sergey Lavrov arrived in Ankara. The foreign minister met "
             "President Recep Tayyip Erdogan on Wednesday.", resolver)
    event = only(ex.events, event_type="meeting")
    assert {"Sergey Lavrov", "Recep Tayyip Erdogan"} <= actors(event)


def test_qualified_place_name(resolver: PlaceResolver) -> None:
    ex = run("The delegation met local farmers in Moscow, Idaho, on Monday.", resolver)
    places = [m for m in ex.mentions if m.kind == "place" and m.text.startswith("Moscow")]
    assert places and places[0].place is not None and places[0].place.country_code == "US"


def test_relative_date_without_publication_date_stays_empty(resolver: PlaceResolver) -> None:
    ex = run("Ruto met Odinga in Mombasa on Monday.", resolver, published=None)
    dates = [m for m in ex.mentions if m.kind == "date"]
    assert dates and dates[0].date is None and dates[0].name == ""


def test_refusal_is_no_event(resolver: PlaceResolver) -> None:
    ex = run("The opposition leader refused to meet President William Ruto in Nairobi.", resolver)
    assert not [e for e in ex.events if e.event_type == "meeting"]


def test_wanting_to_visit_is_not_a_held_visit(resolver: PlaceResolver) -> None:
    ex = run("Ambassador Laurent Bessiere said he wanted to visit Lyon.", resolver)
    assert [e.status for e in ex.events] == ["planned"]


def test_a_date_after_publication_makes_the_event_planned(resolver: PlaceResolver) -> None:
    ex = run("Foreign Minister Sergey Lavrov travels to Ankara next Monday to meet President "
             "Recep Tayyip Erdogan.", resolver)
    event = only(ex.events, event_type="meeting")
    assert event.status == "planned"
    assert event.place is not None and event.place.name == "Ankara"  # the trip's destination


def test_topics_are_not_participants(resolver: PlaceResolver) -> None:
    ex = run("Russia, Turkey and Iran held talks on Syria in Astana on Monday.", resolver)
    event = only(ex.events, event_type="talks")
    assert actors(event) == {"Russia", "Turkey", "Iran"}


def test_hosting_needs_a_guest(resolver: PlaceResolver) -> None:
    assert not run("Qatar has hosted the group's political office since 2013.", resolver).events
    ex = run("Emir Tamim bin Hamad Al Thani hosted President Emmanuel Macron in Doha on "
             "Monday.", resolver)
    assert "Emmanuel Macron" in actors(only(ex.events, event_type="meeting"))


def test_a_bare_surname_is_the_person_named_before(resolver: PlaceResolver) -> None:
    ex = run("South Korean President Park Ji-hoon spoke to reporters. Later, Park met Prime "
             "Minister Kenji Morimoto in Tokyo.", resolver)
    event = only(ex.events, event_type="meeting")
    assert {"Park Ji-hoon", "Kenji Morimoto"} <= actors(event)


def test_a_name_in_apposition_to_a_title_is_a_person(resolver: PlaceResolver) -> None:
    ex = run("The summit was opened by the chairperson of the AU Commission, Amadou Diallo, "
             "who spoke for an hour.", resolver)
    assert any(m.kind == "person" and m.name == "Amadou Diallo" for m in ex.mentions)


def test_postponed_until_a_month_points_forward(resolver: PlaceResolver) -> None:
    ex = run("The talks have been postponed until February, the envoy said.", resolver)
    dates = [m for m in ex.mentions if m.kind == "date"]
    assert dates and dates[0].date is not None and dates[0].date.start == date(2022, 2, 1)


def test_an_event_framing_a_clause(resolver: PlaceResolver) -> None:
    ex = run("President Park Ji-hoon and Prime Minister Kenji Morimoto agreed in a phone call "
             "on Wednesday to set up a working group.", resolver)
    event = only(ex.events, event_type="call")
    assert event.status == "held" and event.place is None
    assert {"Park Ji-hoon", "Kenji Morimoto"} <= actors(event)
    assert event.date is not None and event.date.start == date(2021, 3, 3)


def test_a_surname_the_model_took_for_a_date(resolver: PlaceResolver) -> None:
    ex = run("Commerce Secretary Janet Morrow arrived on Sunday. Morrow is scheduled to meet "
             "Vice Premier Liu Zhenhua on Tuesday.", resolver)
    assert {"Janet Morrow", "Liu Zhenhua"} <= actors(only(ex.events, event_type="meeting"))


def test_a_site_is_put_at_the_dateline(resolver: PlaceResolver) -> None:
    ex = run("NAIROBI: President William Ruto met Prime Minister Abiy Ahmed at State House on "
             "Tuesday.", resolver, dateline="Nairobi")
    event = only(ex.events, event_type="meeting")
    assert event.place is not None and event.place.name == "State House"
    assert event.place.country_code == "KE" and "dateline" in event.place.reason


def test_a_site_is_put_in_the_city_named_before_it_not_at_a_distant_dateline(
        resolver: PlaceResolver) -> None:
    ex = run("CAIRO: Egypt's water minister held talks with his Ethiopian counterpart in Entebbe "
             "on Monday. Uganda's foreign minister is hosting the negotiations at State House.",
             resolver, dateline="Cairo")
    site = next(m for m in ex.mentions if m.text == "State House")
    assert site.place is not None and site.place.country_code == "UG"
    assert "Entebbe" in site.place.reason


def test_a_noun_with_a_partner_and_its_own_time_or_place_is_an_encounter(
        resolver: PlaceResolver) -> None:
    ex = run("Foreign Minister Azamat Dzhumabaev presented the border map to deputies on "
             "Wednesday, days after last week's talks with Farrukh Nazarov in Vienna.",
             resolver, published=date(2024, 10, 17))
    talks = only(ex.events, event_type="talks")
    assert talks.status == "held" and talks.place is not None and talks.place.name == "Vienna"
    assert {"Azamat Dzhumabaev", "Farrukh Nazarov"} <= actors(talks)
    assert talks.date is not None and talks.date.iso == "2024-W41"
    passing = run("Khalilzad discussed the peace talks with the Taliban.", resolver)
    assert not [e for e in passing.events if e.event_type == "talks"]


def test_their_talks_somewhere_are_talks_of_the_people_named_before(
        resolver: PlaceResolver) -> None:
    ex = run("Bolivian Foreign Minister Marcela Quispe met her Chilean counterpart Ignacio "
             "Valdés Rojas in Santiago on Monday, ten days after their talks in Lima last "
             "month.", resolver, published=date(2024, 10, 2))
    talks = only(ex.events, event_type="talks")
    assert talks.place is not None and talks.place.name == "Lima"
    assert actors(talks) == {"Marcela Quispe", "Ignacio Valdés Rojas"}
    assert talks.date is not None and talks.date.iso == "2024-09"
    praise = run("They praised their cooperation in the region.", resolver)
    assert not praise.events


def test_an_undated_unplaced_report_goes_on_telling_the_event_before_it(
        resolver: PlaceResolver) -> None:
    ex = run("Britain and the European Union held talks in London on Wednesday. UK negotiator "
             "Alistair Grey and European Commission Vice-President Tomas Kovacik met for more "
             "than three hours.", resolver,
             published=date(2021, 6, 10))
    [met] = ex.events  # one encounter, told twice
    assert met.place is not None and met.place.name == "London"
    assert met.date is not None and met.date.iso == "2021-06-09"
    assert {"Alistair Grey", "Tomas Kovacik"} <= actors(met)
    assert "told again in sentence 1" in met.reason
    alone = run("UK negotiator Alistair Grey and European Commission Vice-President Tomas "
                "Kovacik met for more than three hours.", resolver)
    alone_date = only(alone.events, event_type="meeting").date
    assert alone_date is not None and alone_date.precision == "week"  # only the publication


def test_a_group_tagged_as_a_place(resolver: PlaceResolver) -> None:
    ex = run("The dispute is expected to overshadow the G7 summit in Cornwall, which opens on "
             "Friday.", resolver)
    assert [m.kind for m in ex.mentions if m.text.endswith("G7")] == ["organization"]


@pytest.mark.parametrize("text", [
    "The provincial government met the deadline for the budget on Tuesday.",
    "The new tariff plan was met with protests in the capital on Tuesday.",
    "Senator Ines Alvarado called the court ruling unacceptable on Tuesday.",
    "President Ilir Dervishi would meet Prime Minister Ana Kovac only if the troops left.",
    "No meeting between President Ilir Dervishi and Prime Minister Ana Kovac is planned.",
    "President Ilir Dervishi ruled out talks with Prime Minister Ana Kovac on Tuesday.",
])
def test_other_senses_and_moods_are_no_held_event(resolver: PlaceResolver, text: str) -> None:
    assert not [e for e in run(text, resolver).events if e.status == "held"]


@pytest.mark.parametrize(("text", "kind"), [
    ("Trade Minister Lena Holm paid a courtesy call on King Harald on Tuesday.", "meeting"),
    ("Trade Minister Lena Holm held five hours of talks with Mayor Jan Berg on Tuesday.",
     "talks"),
    ("Trade Minister Lena Holm concluded a two-hour meeting with Mayor Jan Berg on Tuesday.",
     "meeting"),
    ("Trade Minister Lena Holm said on Tuesday after a day of talks with Mayor Jan Berg that "
     "the port would reopen.", "talks"),
    ("Trade Minister Lena Holm chaired a working lunch with Mayor Jan Berg on Tuesday.",
     "meeting"),
])
def test_held_encounters_in_many_words(resolver: PlaceResolver, text: str, kind: str) -> None:
    event = only(run(text, resolver).events, status="held")
    assert event.event_type == kind
    assert "Lena Holm" in actors(event)


def test_sat_down_to_talk_is_a_meeting_and_a_bullet_is_a_sentence(
        resolver: PlaceResolver) -> None:
    ex = run("Trade Minister Lena Holm sat down with Mayor Jan Berg in Oslo on Tuesday to talk "
             "about the port.", resolver)
    assert only(ex.events, status="held").event_type == "meeting"
    points = run("KEY POINTS\n- Trade Minister Lena Holm met Mayor Jan Berg in Oslo\n"
                 "- Holm spoke by phone with Mayor Eva Lind", resolver)
    met = only(points.events, event_type="meeting")
    assert met.place is not None and met.place.name == "Oslo"
    assert actors(met) == {"Lena Holm", "Jan Berg"}


def test_be_to_is_a_plan(resolver: PlaceResolver) -> None:
    ex = run("Trade Minister Lena Holm is to meet Mayor Jan Berg in Oslo.", resolver)
    assert only(ex.events, event_type="meeting").status == "planned"


def test_signing_between_two_people_is_a_meeting(resolver: PlaceResolver) -> None:
    ex = run("Trade Minister Lena Holm and Mayor Jan Berg signed a port accord in Oslo on "
             "Tuesday.", resolver)
    assert actors(only(ex.events, status="held")) == {"Lena Holm", "Jan Berg"}
    treaty = run("Norway and Sweden signed a border treaty in 1905.", resolver)
    assert not treaty.events  # countries sign treaties without meeting


def test_days_of_talks_that_ended_span_the_days(resolver: PlaceResolver) -> None:
    ex = run("Three days of talks between Trade Minister Lena Holm and Mayor Jan Berg ended in "
             "Oslo on Wednesday.", resolver)
    talks = only(ex.events, event_type="talks")
    assert talks.status == "held" and talks.date is not None
    assert (talks.date.start, talks.date.end) == (date(2021, 3, 1), date(2021, 3, 3))


@pytest.mark.parametrize("text", [
    "The old town was visited by tragedy on Tuesday.",
    "Minister Ilir Dervishi said he would meet Ana Kovac only if the talks were held in Oslo.",
])
def test_no_one_came_and_a_condition_is_no_event(resolver: PlaceResolver, text: str) -> None:
    assert not [e for e in run(text, resolver).events if e.status == "held"]


def test_a_capital_named_by_its_nationality_or_the_dateline(resolver: PlaceResolver) -> None:
    ex = run("In the Kenyan capital on Tuesday, Trade Minister Lena Holm held talks with Mayor "
             "Jan Berg.", resolver)
    talks = only(ex.events, event_type="talks")
    assert talks.place is not None and talks.place.name == "Nairobi"
    assert "capital of Kenya" in talks.place.reason
    bare = run("Trade Minister Lena Holm held talks in the capital on Tuesday with Mayor Jan "
               "Berg.", resolver, dateline="Oslo")
    talks = only(bare.events, event_type="talks")
    assert talks.place is not None and talks.place.name == "Oslo"

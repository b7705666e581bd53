"""Canonical actors within an article: short forms, titles, countries."""

from __future__ import annotations

from datetime import date

import pytest

from etl.actors import (
    acronym_of,
    canonical_organization,
    canonical_people,
    country_name,
    is_generic_body,
    is_nationality,
    is_speaker_label,
    is_title_alone,
    organization_body,
    strip_titles,
)
from etl.gazetteer import shared_gazetteer
from etl.lexicon import is_region
from etl.places import PlaceResolver
from tests.extraction_support import extract_text


@pytest.mark.parametrize(("raw", "stripped"), [
    ("Amb Khalilzad", "Khalilzad"),
    ("President Ashraf Ghani", "Ashraf Ghani"),
    ("Prime Minister Imran Khan", "Imran Khan"),
    ("Dr. Abdullah Abdullah", "Abdullah Abdullah"),
    ("Ghani’s", "Ghani"),
    ("King", "King"),  # a lone word is kept: it may be a surname
])
def test_strip_titles(raw: str, stripped: str) -> None:
    assert strip_titles(raw) == stripped


def test_short_forms_take_the_full_name() -> None:
    resolved = canonical_people(["Zalmay Khalilzad", "Khalilzad", "Ashraf Ghani", "Ghani",
                                 "Abdullah Abdullah", "Abdullah"])
    assert resolved["Khalilzad"][0] == "Zalmay Khalilzad"
    assert resolved["Ghani"][0] == "Ashraf Ghani"
    assert resolved["Abdullah"][0] == "Abdullah Abdullah"
    assert "short form" in resolved["Ghani"][1]


def test_ambiguous_short_form_stays_as_written() -> None:
    resolved = canonical_people(["Hillary Clinton", "Bill Clinton", "Clinton"])
    assert resolved["Clinton"][0] == "Clinton"
    assert "ambiguous" in resolved["Clinton"][1]


def test_middle_name_forms_join_the_fullest() -> None:
    resolved = canonical_people(["John Fitzgerald Kennedy", "John Kennedy", "Kennedy"])
    assert resolved["Kennedy"][0] == "John Fitzgerald Kennedy"
    assert resolved["John Kennedy"][0] == "John Fitzgerald Kennedy"


def test_surname_first_names() -> None:
    resolved = canonical_people(["Li Wenhao", "Li", "Park Ji-hoon", "Park"])
    assert resolved["Li"][0] == "Li Wenhao"
    assert resolved["Park"][0] == "Park Ji-hoon"


def test_a_middle_word_alone_is_not_a_short_form() -> None:
    resolved = canonical_people(["Hassan Sheikh Mohamud", "Sheikh"])
    assert resolved["Sheikh"][0] == "Sheikh"


@pytest.mark.parametrize(("text", "name"), [
    ("US", "United States"), ("U.S.", "United States"),
    ("the United States of America", "United States"), ("Britain", "United Kingdom"),
    ("Russia", "Russia"), ("Pakistan", "Pakistan"), ("UAE", "United Arab Emirates"),
])
def test_countries_have_one_name(text: str, name: str) -> None:
    found = country_name(text, shared_gazetteer())
    assert found is not None and found[0] == name


def test_not_a_country() -> None:
    assert country_name("Dawn", shared_gazetteer()) is None


def test_organization_names() -> None:
    assert canonical_organization("the Taliban’s") == "Taliban"
    assert canonical_organization("The United Nations") == "United Nations"


# --- words that name no actor (etl/rules/actors.toml) -------------------------------------

@pytest.mark.parametrize("word", ["Guatemalan", "KAZAKH", "Azerbaijanis", "Nordic", "Danes",
                                  "Chinese", "Uzbek", "Norwegian"])
def test_nationalities_are_not_actors(word: str) -> None:
    assert is_nationality(word, shared_gazetteer())


@pytest.mark.parametrize("word", ["Guatemala", "Kazakhstan", "Kenyatta", "Acosta",
                                  "United Nations", "Indiana"])
def test_countries_and_names_are_not_nationalities(word: str) -> None:
    assert not is_nationality(word, shared_gazetteer())


def test_regions_labels_and_generic_bodies() -> None:
    assert is_region("the Western Balkans") and is_region("Sahel")
    assert is_region("the Orinoco River") and not is_region("Zambezi River Authority")
    assert is_speaker_label("CORRESPONDENT") and is_speaker_label("GMT")
    assert not is_speaker_label("Gmt Holdings")
    assert is_generic_body("the Government") and is_generic_body("Heads of State")
    assert not is_generic_body("High Council of State")
    assert is_title_alone("King") and not is_title_alone("King Tupou")


@pytest.mark.parametrize(("raw", "body"), [
    ("council of the Lakeland Water Authority", "Lakeland Water Authority"),
    ("LWA council", "LWA"),
    ("board of governors of the Coral Bank", "Coral Bank"),
    ("LWA Council", "LWA Council"),
    ("Council of Ministers", "Council of Ministers"),  # a named body of its own
])
def test_bodies_of_an_organization(raw: str, body: str) -> None:
    assert organization_body(raw) == body


def test_acronyms() -> None:
    assert acronym_of("Lakeland Water Authority") == "LWA"


def test_short_form_of_a_short_form_takes_the_fullest_name() -> None:
    resolved = canonical_people(["Marta Ruiz Olmedo", "Ruiz Olmedo", "Ruiz"])
    assert resolved["Ruiz"][0] == "Marta Ruiz Olmedo"
    assert resolved["Ruiz Olmedo"][0] == "Marta Ruiz Olmedo"


def test_the_first_of_two_surnames_alone() -> None:
    resolved = canonical_people(["Tomeu Ferrer Vidal", "Ferrer"])
    assert resolved["Ferrer"][0] == "Tomeu Ferrer Vidal"
    assert canonical_people(["Hassan Sheikh Mohamud", "Sheikh"])["Sheikh"][0] == "Sheikh"


# --- whole articles: the model's spans corrected by the text around them --------------------

def actors_of(text: str, resolver: PlaceResolver) -> set[tuple[str, str]]:
    extraction = extract_text(text, resolver, published=date(2024, 3, 8))
    return {(m.name, m.kind) for m in extraction.mentions
            if m.kind in ("person", "organization", "country")}


def test_nationalities_and_regions_are_not_actors(resolver: PlaceResolver) -> None:
    found = actors_of("Peru's trade minister, Ramiro Quilca, met his Guatemalan counterpart, "
                      "Ximena Batz, on Thursday to discuss shipping through the Pacific and "
                      "the Sahel.", resolver)
    names = {n for n, _ in found}
    assert not names & {"Guatemalan", "Pacific", "Sahel"}
    assert ("Ximena Batz", "person") in found and ("Ramiro Quilca", "person") in found


def test_a_name_in_apposition_to_a_role_is_a_person(resolver: PlaceResolver) -> None:
    found = actors_of("The talks were held on Monday. Olsen spoke by phone with Torvald "
                      "Brekke, the prime minister of Norway, who promised funds.", resolver)
    assert ("Torvald Brekke", "person") in found


def test_speaker_labels_and_time_zones_name_no_one(resolver: PlaceResolver) -> None:
    found = actors_of("ANCHOR: Good evening.\nCORRESPONDENT (voice-over): The ministers met "
                      "at 09:00 GMT in Astana.", resolver)
    assert not {n for n, _ in found} & {"ANCHOR", "CORRESPONDENT", "GMT"}


def test_a_town_after_a_preposition_is_a_place(resolver: PlaceResolver) -> None:
    extraction_names = actors_of("After lunch the two ministers crossed the bridge to Tornio, "
                                 "where they visited a border station.", resolver)
    assert "Tornio" not in {n for n, _ in extraction_names}


def test_the_council_of_an_organization_is_the_organization(resolver: PlaceResolver) -> None:
    found = actors_of("The Lakeland Water Authority (LWA) said the council of the Lakeland "
                      "Water Authority would meet in December; the LWA council approved the "
                      "budget.", resolver)
    orgs = {n for n, k in found if k == "organization"}
    assert orgs == {"Lakeland Water Authority"}


def test_a_lone_title_is_no_name(resolver: PlaceResolver) -> None:
    found = actors_of("Councilor Dara Whitby voted against the plan on Tuesday.", resolver)
    assert ("Dara Whitby", "person") in found
    assert not any(n.startswith("Councilor") for n, _ in found)


def test_a_dateline_s_qualifying_country_is_no_actor(resolver: PlaceResolver) -> None:
    text = "LIMA, Peru (AP) — Minister Lena Holm met Mayor Jan Berg on Monday."
    ex = extract_text(text, resolver, dateline="Lima", dateline_region="Peru",
                      published=date(2024, 3, 8))
    names = {m.name for m in ex.mentions if m.kind in ("person", "organization", "country")}
    assert {"Lena Holm", "Jan Berg"} <= names and "Peru" not in names

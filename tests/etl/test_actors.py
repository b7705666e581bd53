"""Canonical actors within an article: short forms, titles, countries."""

from __future__ import annotations

from datetime import date

import pytest

from etl.actors import canonical_organization, canonical_people, country_name, strip_titles
from etl.gazetteer import shared_gazetteer
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


def test_possessive_country_names_a_person_and_nationalities_are_no_actors(
        resolver: PlaceResolver) -> None:
    ex = extract_text("Chile's Tomas Irarrazaval and the Nordic envoys met Guatemalan officials "
                      "in Lima on Monday.", resolver, published=date(2024, 3, 8))
    actors = {(m.name, m.kind) for m in ex.mentions if m.kind in ("person", "organization",
                                                                    "country")}
    assert ("Tomas Irarrazaval", "person") in actors
    assert not {name for name, _ in actors} & {"Nordic", "Guatemalan"}


def test_a_small_town_after_a_locative_and_a_counterpart_s_name(resolver: PlaceResolver) -> None:
    ex = extract_text("Minister Lena Holm met her Danish counterpart Jens Lauritsen and then "
                      "flew on to Kiruna.", resolver, published=date(2024, 3, 8))
    kinds = {m.text: m.kind for m in ex.mentions}
    assert kinds.get("Kiruna") == "place"
    assert kinds.get("Jens Lauritsen") == "person"


def test_speaker_labels_and_a_dateline_s_country_are_no_actors(resolver: PlaceResolver) -> None:
    text = ("LIMA, Peru (AP) — Minister Lena Holm met Mayor Jan Berg on Monday.\n"
            "CORRESPONDENT (voice-over): The two agreed on a port.\n"
            "ANCHOR: Thank you.")
    ex = extract_text(text, resolver, dateline="Lima", dateline_region="Peru",
                      published=date(2024, 3, 8))
    names = {m.name for m in ex.mentions if m.kind in ("person", "organization", "country")}
    assert {"Lena Holm", "Jan Berg"} <= names
    assert not names & {"CORRESPONDENT", "ANCHOR", "Peru"}

"""Place names in other roles, and places chosen by the article's other places."""

from __future__ import annotations

from geopy.distance import geodesic

from etl.places import PlaceResolver
from etl.records import Extraction, Mention
from tests.extraction_support import extract_text


def kinds(ex: Extraction, text: str) -> list[Mention]:
    return [m for m in ex.mentions if m.text == text]


def test_nationalities_qualifiers_and_organisations_are_toponyms(
        resolver: PlaceResolver) -> None:
    ex = extract_text("The Clarke County School District welcomed two Russian students in "
                      "Athens, Ga., on Monday. Teachers from Winder and Watkinsville joined "
                      "them.", resolver)
    russian = kinds(ex, "Russian")
    assert [m.kind for m in russian] == ["toponym"]
    assert russian[0].place is not None and russian[0].place.country_code == "RU"
    assert russian[0].place.precision == "country"
    ga = kinds(ex, "Ga.")
    assert [m.kind for m in ga] == ["toponym"] and ga[0].place is not None
    assert ga[0].place.name == "Georgia" and ga[0].place.precision == "region"
    county = kinds(ex, "Clarke County")
    assert [m.kind for m in county] == ["toponym"] and county[0].place is not None
    assert county[0].place.country_code == "US"
    athens = [m for m in ex.mentions if m.kind == "place" and m.text.startswith("Athens")]
    assert athens and athens[0].place is not None and athens[0].place.country_code == "US"
    # Toponyms name no venue: no event and no actor comes of them.
    assert all(name != "Russia" for e in ex.events for name, _ in e.actors)


def test_a_country_name_follows_the_article_s_other_places(resolver: PlaceResolver) -> None:
    state = extract_text("Flooding closed roads in Georgia on Monday. Schools in Macon, Athens "
                         "and Savannah stayed shut.", resolver)
    georgia = kinds(state, "Georgia")
    assert georgia and georgia[0].kind == "place" and georgia[0].place is not None
    assert georgia[0].place.country_code == "US"
    country = extract_text("Georgia accused Moscow of shelling villages near Tbilisi and "
                           "Gori on Monday.", resolver)
    assert [m.kind for m in kinds(country, "Georgia")] == ["country"]


def test_a_part_of_a_region_stands_at_the_region(resolver: PlaceResolver) -> None:
    ex = extract_text("Storms hit Northeast Georgia and North Texas overnight, officials in "
                      "Atlanta said.", resolver)
    for text, point in (("Northeast Georgia", (32.65, -83.45)), ("North Texas", (31.46, -99.33))):
        found = [m for m in ex.mentions if m.text == text and m.place is not None]
        assert found, [(m.text, m.kind, m.place) for m in ex.mentions]
        place = found[0].place
        assert place is not None and place.precision == "region"
        assert geodesic((place.lat, place.lon), point).km < 50


def test_a_country_named_as_a_venue_is_drawn_at_its_capital(resolver: PlaceResolver) -> None:
    ex = extract_text("Foreign Minister Ali Khan met his counterpart Jon Berg in Qatar on "
                      "Monday.", resolver)
    venue = ex.events[0].place
    assert venue is not None and venue.name == "Doha" and venue.precision == "country"
    qatar = kinds(ex, "Qatar")[0].place
    assert qatar is not None and qatar.name == "Qatar"
    assert geodesic((qatar.lat, qatar.lon), (25.29, 51.53)).km > 10  # its own point


def test_continents_are_toponyms_at_their_point(resolver: PlaceResolver) -> None:
    ex = extract_text("European ministers met Asian envoys in Brussels on Monday.", resolver)
    found = {m.text: m for m in ex.mentions if m.kind == "toponym"}
    assert set(found) >= {"European", "Asian"}
    europe = found["European"].place
    assert europe is not None and europe.precision == "continent" and europe.name == "Europe"
    assert geodesic((europe.lat, europe.lon), (48.69, 9.14)).km < 50
    assert all(m.kind != "place" for m in ex.mentions if m.text in found)


def test_a_name_the_gazetteer_lacks_stands_at_the_place_it_holds(
        resolver: PlaceResolver) -> None:
    ex = extract_text("Lamar County Commissioners met in Paris, Texas, on Monday.", resolver)
    (board,) = [m for m in ex.mentions if m.text == "Lamar County Commissioners"]
    assert board.place is not None and "named after Lamar County" in board.place.reason
    assert geodesic((board.place.lat, board.place.lon), (33.67, -95.57)).km < 60  # Texas's
    center = extract_text("Teachers gathered at the Dublin Community Recreation Center on "
                          "Monday, officials in Columbus and Hilliard said.", resolver)
    (site,) = [m for m in center.mentions if "Recreation Center" in m.text]
    assert site.place is not None and site.place.country_code == "US"  # Dublin, Ohio
    assert geodesic((site.place.lat, site.place.lon), (40.10, -83.11)).km < 20


def test_a_site_named_after_a_person_is_not_put_at_a_town_of_that_name(
        resolver: PlaceResolver) -> None:
    ex = extract_text("The talks were held at Churchill Downs on Monday.", resolver)
    assert all(m.place is None or m.place.name != "Churchill" for m in ex.mentions)
    assert all("named after" not in m.reason for m in ex.mentions)


def test_people_chambers_and_small_namesakes_are_no_places(resolver: PlaceResolver) -> None:
    ex = extract_text("President Trump met Xi Jinping in Beijing on Monday. Trump said the "
                      "House would vote on Friday.", resolver)
    places = {m.text for m in ex.mentions if m.kind in ("place", "toponym")}
    assert places == {"Beijing"}
    assert [m.kind for m in ex.mentions if m.text == "House"] == ["organization"]
    assert {m.kind for m in ex.mentions if m.text == "Trump"} == {"person"}


def test_a_town_the_model_missed_is_found_among_the_article_s_places(
        resolver: PlaceResolver) -> None:
    # The model sees no entity in "Dilworth" and a group in "Moorhead".
    for text, town, point in (
            ("Flooding closed roads in Fargo and Grand Forks on Monday. Dilworth stayed dry.",
             "Dilworth", (46.88, -96.70)),
            ("Flooding closed roads in Fargo and Grand Forks on Monday, and Moorhead closed "
             "two bridges.", "Moorhead", (46.87, -96.77))):
        ex = extract_text(text, resolver)
        (found,) = [m for m in ex.mentions if m.text == town]
        assert found.kind == "place" and found.place is not None, found
        assert geodesic((found.place.lat, found.place.lon), point).km < 20
    alone = extract_text("Moorhead closed two bridges on Monday. Dilworth stayed dry.", resolver)
    assert all(m.kind != "place" for m in alone.mentions)

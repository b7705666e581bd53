"""Place resolution: context before population; countries and regions at their own points."""

from __future__ import annotations

import pytest
from geopy.distance import geodesic

from etl.places import GazetteerGeocoder, PlaceContext, PlaceResolver


def test_largest_by_default(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Moscow", PlaceContext())
    assert place is not None and place.country_code == "RU" and place.precision == "city"


def test_qualifier_wins(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Moscow", PlaceContext(qualifier=resolver.qualifier_codes("Idaho")))
    assert place is not None and place.country_code == "US"
    assert "region or country in the text" in place.reason
    paris = resolver.resolve("Paris", PlaceContext(qualifier=resolver.qualifier_codes("Texas")))
    assert paris is not None and paris.country_code == "US"


def test_a_small_town_is_found_in_the_region_named_with_it(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Paris", PlaceContext(qualifier=resolver.qualifier_codes("Ky.")))
    assert place is not None and place.country_code == "US" and place.precision == "city"
    assert geodesic((place.lat, place.lon), (38.21, -84.25)).km < 20


def test_a_town_missing_in_the_named_region_is_not_taken_elsewhere(
        resolver: PlaceResolver) -> None:
    # No Paris in Spain: never Paris, France; a town the gazetteer lacks stands at its region.
    assert resolver.resolve("Paris", PlaceContext(
        qualifier=resolver.qualifier_codes("Spain"))) is None
    place = resolver.resolve("Xqzzyville", PlaceContext(qualifier=resolver.qualifier_codes(
        "W.Va.")))
    assert place is not None and place.country_code == "US" and place.precision == "region"
    assert geodesic((place.lat, place.lon), (38.64, -80.61)).km < 50


@pytest.mark.parametrize(("name", "country", "point"), [
    ("Ontario", "CA", (49.25, -84.5)), ("Helmand", "AF", (31.0, 64.0)),
    ("Khyber Pakhtunkhwa", "PK", (34.5, 72.0)), ("Rapides Parish", "US", (31.17, -92.48))])
def test_regions_of_every_country_are_known(resolver: PlaceResolver, name: str, country: str,
                                           point: tuple[float, float]) -> None:
    place = resolver.resolve(name, PlaceContext())
    assert place is not None and place.precision == "region" and place.country_code == country
    assert geodesic((place.lat, place.lon), point).km < 400


def test_the_other_places_of_the_article_choose_the_town(resolver: PlaceResolver) -> None:
    names = ["Alexandria", "Rapides Parish", "Pineville"]
    context = PlaceContext(neighbours=resolver.neighbours(names))
    place = resolver.resolve("Alexandria", context)
    assert place is not None and place.country_code == "US"
    assert geodesic((place.lat, place.lon), (31.31, -92.45)).km < 20
    assert "near the article's other places" in place.reason
    alone = resolver.resolve("Alexandria", PlaceContext())
    assert alone is not None and alone.country_code == "EG"


def test_a_small_town_needs_evidence_beyond_its_name(resolver: PlaceResolver) -> None:
    assert resolver.resolve("Pineville", PlaceContext()) is None
    neighbours = resolver.neighbours(["Pineville", "Rapides Parish"])
    place = resolver.resolve("Pineville", PlaceContext(neighbours=neighbours))
    assert place is not None and place.country_code == "US"


def test_a_user_bias_breaks_ties_only(resolver: PlaceResolver) -> None:
    biased = PlaceResolver(gazetteer=resolver.gazetteer, prefer_country="us")
    athens = biased.resolve("Athens", PlaceContext())
    assert athens is not None and athens.country_code == "US"
    assert biased.resolve("Athens", PlaceContext(country_shares={"GR": 1.0})).country_code \
        == "GR"  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["Africa", "the Middle East", "Pacific", "Red Sea",
                                  "the Zambezi River", "Central Asia"])
def test_continents_regions_and_waters_are_no_places(resolver: PlaceResolver,
                                                      name: str) -> None:
    assert not resolver.is_place_name(name)
    assert resolver.resolve(name, PlaceContext()) is None


def test_a_region_of_the_story_s_country_beats_a_town_abroad(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Virginia", PlaceContext(dateline_country="US"))
    assert place is not None and place.country_code == "US" and place.precision == "region"


def test_dateline_country_beats_population(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Hyderabad", PlaceContext(dateline_country="PK"))
    assert place is not None and place.country_code == "PK"
    assert resolver.resolve("Hyderabad", PlaceContext()).country_code == "IN"  # type: ignore[union-attr]


def test_article_countries_beat_population(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Tripoli", PlaceContext(country_shares={"LB": 1.0}))
    assert place is not None and place.country_code == "LB"


def test_main_name_beats_alternate_name(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Islamabad", PlaceContext())
    assert place is not None and place.country_code == "PK"


def test_country_is_put_at_its_own_point_and_has_a_capital(resolver: PlaceResolver) -> None:
    place = resolver.country("United States")
    assert place is not None and place.name == "United States" and place.precision == "country"
    assert geodesic((place.lat, place.lon), (39.76, -98.5)).km < 161  # not Washington
    capital = resolver.capital("QA")
    assert capital is not None and capital.name == "Doha" and capital.precision == "city"
    assert geodesic((capital.lat, capital.lon), (25.2854, 51.5310)).km < 25


def test_region(resolver: PlaceResolver) -> None:
    place = resolver.resolve("Idaho", PlaceContext())
    assert place is not None and place.precision == "region" and place.country_code == "US"
    assert geodesic((place.lat, place.lon), (44.07, -114.74)).km < 400


def test_unknown_place(resolver: PlaceResolver) -> None:
    assert resolver.resolve("Xqzzyville", PlaceContext()) is None


def test_offline_geocoder_speaks_geopy() -> None:
    location = GazetteerGeocoder().geocode("Kabul")
    assert location is not None and location.raw["country_code"] == "AF"
    assert geodesic(location.point, (34.5553, 69.2075)).km < 25


@pytest.mark.parametrize(("written", "codes"), [
    ("Ga.", ("US", "GA")), ("W.Va.", ("US", "WV")), ("S.C.", ("US", "SC")), ("NY", ("US", "NY")),
    ("D.C.", ("US", "DC")), ("B.C.", ("CA", "02")), ("Ont.", ("CA", "08")), ("NSW", ("AU", "02"))])
def test_newsroom_abbreviations_name_their_region(resolver: PlaceResolver, written: str,
                                                  codes: tuple[str, str]) -> None:
    assert resolver.qualifier_codes(written) == codes

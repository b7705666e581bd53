"""Place resolution: context before population, countries at their capitals."""

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


def test_a_town_missing_in_the_named_region_is_not_taken_elsewhere(
        resolver: PlaceResolver) -> None:
    # Paris, Kentucky is smaller than the gazetteer's towns: never Paris, France.
    place = resolver.resolve("Paris", PlaceContext(qualifier=resolver.qualifier_codes("Ky.")))
    assert place is not None and place.country_code == "US" and place.precision == "region"
    assert geodesic((place.lat, place.lon), (38.21, -84.25)).km < 161
    assert resolver.resolve("Paris", PlaceContext(
        qualifier=resolver.qualifier_codes("Spain"))) is None


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


def test_country_is_put_at_its_capital(resolver: PlaceResolver) -> None:
    place = resolver.country("Qatar")
    assert place is not None and place.name == "Doha" and place.precision == "country"
    assert geodesic((place.lat, place.lon), (25.2854, 51.5310)).km < 25


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

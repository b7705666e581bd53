"""The opt-in online geocoder: cached on disk, and the offline gazetteer when it fails."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut
from geopy.location import Location

from etl.places import CachedOnlineGeocoder, PlaceContext, PlaceResolver


class FakeService:
    """Stands in for a geopy geocoder: answers from a dict, or raises what it is told to."""

    def __init__(self, answers: dict[str, tuple[float, float]] | None = None,
                 error: Exception | None = None) -> None:
        self.answers = answers or {}
        self.error = error
        self.calls: list[str] = []

    def geocode(self, query: str, **_: Any) -> Location | None:
        self.calls.append(query)
        if self.error is not None:
            raise self.error
        if query not in self.answers:
            return None
        lat, lon = self.answers[query]
        raw = {"addresstype": "city", "address": {"country_code": "qa"}}
        return Location(f"{query}, Somewhere", (lat, lon), raw)


def online(tmp_path: Path, service: FakeService) -> CachedOnlineGeocoder:
    return CachedOnlineGeocoder("fake", tmp_path / "cache.json", min_delay=0,
                                geocoder=service)  # type: ignore[arg-type]


def test_answers_are_cached_on_disk(tmp_path: Path) -> None:
    service = FakeService({"Doha": (25.29, 51.53)})
    geocoder = online(tmp_path, service)
    place = PlaceResolver(geocoder).resolve("Doha", PlaceContext())
    assert place is not None and place.country_code == "QA" and place.lat == 25.29
    geocoder.save()
    assert "doha" in json.loads((tmp_path / "cache.json").read_text())

    second = FakeService({"Doha": (0.0, 0.0)})
    again = online(tmp_path, second)
    assert PlaceResolver(again).resolve("Doha", PlaceContext()).lat == 25.29  # type: ignore[union-attr]
    assert second.calls == []  # a place already seen costs no request


@pytest.mark.parametrize("error", [GeocoderTimedOut("slow"), GeocoderServiceError("429"),
                                   OSError("network unreachable")])
def test_failures_fall_back_to_the_gazetteer_with_one_warning(
        tmp_path: Path, error: Exception, caplog: pytest.LogCaptureFixture) -> None:
    service = FakeService(error=error)
    geocoder = online(tmp_path, service)
    resolver = PlaceResolver(geocoder)
    with caplog.at_level(logging.WARNING):
        for name in ("Kabul", "Moscow", "Doha", "Islamabad", "Lima"):
            place = resolver.resolve(name, PlaceContext())
            assert place is not None and place.precision == "city"
    assert len([r for r in caplog.records if "offline gazetteer" in r.message]) == 1
    assert len(service.calls) == 3  # after three failures in a row it stops asking


def test_unknown_to_the_service_uses_the_gazetteer(tmp_path: Path) -> None:
    geocoder = online(tmp_path, FakeService({}))
    place = PlaceResolver(geocoder).resolve("Kabul", PlaceContext())
    assert place is not None and place.country_code == "AF"


def test_a_corrupt_cache_is_ignored(tmp_path: Path) -> None:
    """A broken cache file costs a request, not the service: the answer is the service's
    (a point the gazetteer's Doha is not at) and the file is rewritten whole."""
    (tmp_path / "cache.json").write_text("{not json", encoding="utf-8")
    service = FakeService({"Doha": (25.0, 51.0)})
    geocoder = online(tmp_path, service)
    place = PlaceResolver(geocoder).resolve("Doha", PlaceContext())
    assert place is not None and (place.lat, place.lon, place.country_code) == (25.0, 51.0, "QA")
    assert service.calls == ["Doha"]
    geocoder.save()
    assert json.loads((tmp_path / "cache.json").read_text())["doha"]["lat"] == 25.0

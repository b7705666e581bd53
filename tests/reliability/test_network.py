"""Unreliable network: the default run never connects anywhere; an online geocoder that is
slow, failing, rate-limited or talking nonsense costs bounded time, one warning, and falls back
to the offline gazetteer; its answers are cached so a second run asks nothing again."""

from __future__ import annotations

import functools
import logging
import time
from pathlib import Path

import pytest
from geopy.adapters import URLLibAdapter
from geopy.geocoders import Nominatim

import etl.places
from dashboard import aggregate
from dashboard.data import read_tables
from dashboard.filters import Filters, filter_events, mentions_for
from etl import run
from etl.places import CachedOnlineGeocoder, PlaceContext, PlaceResolver
from tests.reliability.conftest import ROOT, SEEDS, FakeGeocoder

TIMEOUT = 0.5  # the client's bound per request in these tests


def test_the_default_run_and_the_dashboard_make_no_connection(
        no_network: list[str], tmp_path: Path) -> None:
    summary = run.build_tables([SEEDS, ROOT / "devset" / "articles"], tmp_path / "out")
    assert summary.n_articles > 10 and summary.n_events > 0
    tables = read_tables(tmp_path / "out")
    events = filter_events(tables.events, tables.articles, Filters())
    assert not aggregate.venues(events).empty
    assert not aggregate.actor_counts(events, mentions_for(tables.mentions, events)).empty
    assert not aggregate.timeline(events, "month").empty
    assert no_network == []


def test_the_dashboard_page_makes_no_connection(no_network: list[str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    run.build_tables([SEEDS], tmp_path / "out")
    monkeypatch.setenv("PARLEY_DATA", str(tmp_path / "out"))
    monkeypatch.setenv("PARLEY_SEEDS", "")
    app = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60).run()
    assert not app.exception and not app.error
    assert no_network == []


def nominatim(fake: FakeGeocoder) -> Nominatim:
    """Nominatim on the fake server, built as ``CachedOnlineGeocoder`` builds its own."""
    return Nominatim(domain=f"127.0.0.1:{fake.port}", scheme="http", timeout=TIMEOUT,
                     user_agent="parley-tests", adapter_factory=URLLibAdapter)


def online(fake: FakeGeocoder, cache: Path) -> CachedOnlineGeocoder:
    return CachedOnlineGeocoder("nominatim", cache, min_delay=0.0, geocoder=nominatim(fake),
                                timeout=TIMEOUT)


NAMES = ("Kabul", "Islamabad", "Doha", "Moscow", "Geneva", "Lima")


@pytest.mark.parametrize("mode", ["slow", "trickle", "500", "429", "junk", "badshape", "down"])
def test_a_failing_service_costs_bounded_time_and_one_warning(
        fake_geocoder: FakeGeocoder, mode: str, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    fake_geocoder.mode = mode
    geocoder = online(fake_geocoder, tmp_path / "cache.json")
    if mode == "down":  # nothing listens there
        geocoder.geocoder = Nominatim(domain="127.0.0.1:9", scheme="http", timeout=TIMEOUT,
                                      user_agent="parley-tests", adapter_factory=URLLibAdapter)
    resolver = PlaceResolver(geocoder)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="etl.places"):
        places = [resolver.resolve(name, PlaceContext()) for name in NAMES]
    elapsed = time.monotonic() - started
    offline = [PlaceResolver().resolve(name, PlaceContext()) for name in NAMES]
    assert places == offline  # the gazetteer's answers, every one
    assert len([r for r in caplog.records if "offline gazetteer" in r.getMessage()]) == 1
    assert len(fake_geocoder.requests) <= 3  # no hidden retries; it stops after three
    assert elapsed < 3 * (TIMEOUT + 0.5), f"{mode}: {elapsed:.1f} s"
    geocoder.save()
    assert not (tmp_path / "cache.json").exists()  # failures are not cached as answers


def test_answers_are_cached_so_a_second_run_asks_nothing(
        fake_geocoder: FakeGeocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(etl.places, "CachedOnlineGeocoder", functools.partial(
        CachedOnlineGeocoder, geocoder=nominatim(fake_geocoder), min_delay=0.0))
    out = tmp_path / "out"
    first = run.build_tables([SEEDS], out, geocoder="nominatim", incremental=False)
    asked = set(fake_geocoder.requests)
    assert {"Kabul", "Islamabad", "Moscow"} <= asked
    assert list((out / ".cache").glob("geocode-nominatim.json"))

    fake_geocoder.requests.clear()
    fake_geocoder.mode = "500"  # a second run must not even notice the service is down
    with caplog.at_level(logging.WARNING):
        second = run.build_tables([SEEDS], out, geocoder="nominatim", incremental=False)
    assert fake_geocoder.requests == []
    assert not [r for r in caplog.records if "offline gazetteer" in r.getMessage()]
    assert (second.n_articles, second.n_events) == (first.n_articles, first.n_events)

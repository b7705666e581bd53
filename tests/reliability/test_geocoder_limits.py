"""The online geocoder with its real settings, against a fake Nominatim on 127.0.0.1: one
request a second (from the server's clock), a wall-clock cap of 5 s a request however the
server dribbles, and the `--geocoder NAME` path of the command line that builds it.

Only the service's address is changed (geopy's ``domain`` and ``scheme``): the user agent,
timeout and rate are the ones a user gets.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from pathlib import Path

import geopy.geocoders
import pandas as pd
import pytest
from geopy.geocoders import Nominatim

from etl.__main__ import main
from etl.places import CachedOnlineGeocoder, PlaceContext, PlaceResolver
from tests.reliability.conftest import PLACES, FakeGeocoder

# Delay between the client's send and the server's handler (both in this process, so a GC
# pause or a busy core delays either): 0.4 s was seen once in ten runs. A limiter that ignores
# min_delay shows gaps of a few ms; one at half the rate fails on the total (2 s for 4 gaps).
JITTER_S = 0.5
# What one name may take beyond its request: the gazetteer's answer, a thread's start, jitter.
SLACK_S = 1.5
CAP_S = 5.0  # the wall-clock cap of one request that a user gets
KNOWN = ("Kabul", "Islamabad", "Doha", "Moscow", "Geneva")  # every name the fake service knows


@pytest.fixture
def loopback_nominatim(fake_geocoder: FakeGeocoder, monkeypatch: pytest.MonkeyPatch
                       ) -> FakeGeocoder:
    """Make geopy's "nominatim" the fake server, so Parley builds its own client for it."""
    monkeypatch.setitem(geopy.geocoders.SERVICE_TO_GEOCODER, "nominatim", functools.partial(
        Nominatim, domain=f"127.0.0.1:{fake_geocoder.port}", scheme="http"))
    return fake_geocoder


def gaps(arrived: list[float]) -> list[float]:
    return [b - a for a, b in zip(arrived, arrived[1:], strict=False)]


def one_a_second(arrived: list[float]) -> bool:
    """No two requests closer than a second (less jitter), nor all of them on average."""
    between = gaps(arrived)
    return min(between) >= 1.0 - JITTER_S and sum(between) >= len(between) - JITTER_S


def from_service(name: str, lat: float, lon: float) -> bool:
    known = PLACES.get(name.lower())
    return known is not None and (lat, lon) == known[:2]


@pytest.mark.slow  # waits out the real rate limit: ~4 s
def test_one_request_a_second_and_every_name_answered_by_the_service(
        loopback_nominatim: FakeGeocoder, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    PlaceResolver().resolve("Kabul", PlaceContext())  # the gazetteer loaded before the clock
    geocoder = CachedOnlineGeocoder("nominatim", tmp_path / "cache.json")  # the defaults
    resolver = PlaceResolver(geocoder)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="etl.places"):
        places = {name: resolver.resolve(name, PlaceContext()) for name in KNOWN}
    elapsed = time.monotonic() - started

    assert loopback_nominatim.requests == list(KNOWN)  # each asked once, none left out
    assert one_a_second(loopback_nominatim.arrived), gaps(loopback_nominatim.arrived)
    assert elapsed < len(KNOWN) - 1 + SLACK_S, f"{elapsed:.1f} s"  # no slower than the rate
    for name, place in places.items():  # the service's point, not the gazetteer's
        assert place is not None and from_service(name, place.lat, place.lon), (name, place)
    assert not caplog.records, [r.getMessage() for r in caplog.records]

    geocoder.save()
    assert set(json.loads((tmp_path / "cache.json").read_text())) == {n.lower() for n in KNOWN}


@pytest.mark.slow  # three requests cut at the real 5 s each: ~15 s
def test_a_dribbling_service_is_cut_at_5_s_a_request_and_dropped_after_three(
        loopback_nominatim: FakeGeocoder, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """The fake sends its answer a byte every 0.3 s, for longer than any cap: a socket
    timeout (5 s a read) never fires, so only the wall-clock cap ends each request."""
    loopback_nominatim.mode = "dribble"
    names = KNOWN[:4]
    offline = PlaceResolver()
    expected = {name: offline.resolve(name, PlaceContext()) for name in names}  # warm, too
    resolver = PlaceResolver(CachedOnlineGeocoder("nominatim", tmp_path / "cache.json"))
    with caplog.at_level(logging.WARNING, logger="etl.places"):
        for i, name in enumerate(names):
            started = time.monotonic()
            place = resolver.resolve(name, PlaceContext())
            took = time.monotonic() - started
            assert place == expected[name], (name, place)  # the gazetteer's answer
            warned = [r.getMessage() for r in caplog.records]
            assert len(warned) == 1 and "offline gazetteer" in warned[0], warned
            if i < 3:  # asked, and cut at the cap
                assert CAP_S - JITTER_S <= took < CAP_S + SLACK_S, f"{name}: {took:.1f} s"
                assert loopback_nominatim.requests == list(names[:i + 1])
            else:  # three failures in a row: not asked again in this run
                assert took < SLACK_S, f"{name}: {took:.1f} s"
                assert loopback_nominatim.requests == list(names[:3])
    assert f"within {CAP_S:g} s" in warned[0], warned
    assert all(gap >= CAP_S - JITTER_S for gap in gaps(loopback_nominatim.arrived)), gaps(
        loopback_nominatim.arrived)  # one request at a time, each held to the cap


ARTICLES = {
    "islamabad.txt": "ISLAMABAD: US envoy Zalmay Khalilzad met Prime Minister Imran Khan in "
                     "Islamabad on Monday to discuss the peace talks, officials said.\n"
                     "Published in Dawn, October 29th, 2019\n",
    "geneva.txt": "GENEVA: Norwegian Foreign Minister Ine Eriksen Soreide met Iranian Foreign "
                  "Minister Javad Zarif in Geneva on Tuesday, officials said.\n"
                  "Published in Swissinfo, November 5th, 2019\n",
}


@pytest.mark.slow
def test_the_command_line_geocodes_with_the_named_service(
        loopback_nominatim: FakeGeocoder, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(folder), "--out", str(out), "--geocoder", "nominatim", "--workers", "2",
                 "-q"]) == 0
    assert "ignoring --workers 2" in capsys.readouterr().err  # one process keeps the rate

    asked = loopback_nominatim.requests
    # Each name the pipeline looks up, once ("US" of "US envoy": the fake knows it not).
    assert sorted(asked) == ["Geneva", "Islamabad", "US"], asked
    assert one_a_second(loopback_nominatim.arrived), gaps(loopback_nominatim.arrived)
    events = pd.read_parquet(out / "events.parquet").to_dict("records")
    # The place is named by the service's address ("Geneva, fake"): its first part is the name.
    venues = {(e["place"].split(",")[0], e["lat"], e["lon"]) for e in events if e["place"]}
    assert venues == {("Islamabad", 33.7, 73.1), ("Geneva", 46.2, 6.1)}  # the service's points
    cached = json.loads((out / ".cache" / "geocode-nominatim.json").read_text())
    assert set(cached) == {"islamabad", "geneva", "us"}  # "us" as no answer: not asked again

    loopback_nominatim.requests.clear()  # a second run asks nothing it asked before
    assert main([str(folder), "--out", str(out), "--geocoder", "nominatim", "--no-cache",
                 "-q"]) == 0
    assert loopback_nominatim.requests == []


@pytest.mark.parametrize(("service", "advice"), [
    ("nosuch", "is not a geopy service"), ("bing", "needs settings"),
])
def test_a_service_that_cannot_be_built_is_an_error_not_a_traceback(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], service: str, advice: str) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text(ARTICLES["geneva.txt"], encoding="utf-8")
    assert main([str(folder), "--out", str(tmp_path / "out"), "--geocoder", service,
                 "-q"]) == 2
    err = capsys.readouterr().err
    assert advice in err and "nominatim" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "events.parquet").exists()

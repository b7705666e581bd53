"""The online geocoder with its real settings, against a fake Nominatim on 127.0.0.1: one
request a second (from the server's clock), a 5 s wall-clock budget a run, and the
`--geocoder NAME` path of the command line that builds it.

Only the service's address is changed (geopy's ``domain`` and ``scheme``): the user agent,
timeout, rate and budget are the ones a user gets.
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
from etl.places import ONLINE_BUDGET_S, CachedOnlineGeocoder, PlaceContext, PlaceResolver
from tests.reliability.conftest import PLACES, FakeGeocoder

# Scheduling jitter between the client's send and the server's handler, on a busy machine.
JITTER_S = 0.25
# What the run may take beyond the budget: the gazetteer's answers, a thread's start, jitter.
SLACK_S = 2.5
NAMES = ("Kabul", "Islamabad", "Doha", "Moscow", "Geneva", "Lima", "Cairo", "Nairobi", "Quito",
         "Hanoi")


@pytest.fixture
def loopback_nominatim(fake_geocoder: FakeGeocoder, monkeypatch: pytest.MonkeyPatch
                       ) -> FakeGeocoder:
    """Make geopy's "nominatim" the fake server, so Parley builds its own client for it."""
    monkeypatch.setitem(geopy.geocoders.SERVICE_TO_GEOCODER, "nominatim", functools.partial(
        Nominatim, domain=f"127.0.0.1:{fake_geocoder.port}", scheme="http"))
    return fake_geocoder


def one_a_second(arrived: list[float]) -> bool:
    """No two requests closer than a second (less jitter), nor all of them on average."""
    gaps = [b - a for a, b in zip(arrived, arrived[1:], strict=False)]
    return min(gaps) >= 1.0 - JITTER_S and sum(gaps) >= len(gaps) - JITTER_S


def from_service(name: str, lat: float, lon: float) -> bool:
    known = PLACES.get(name.lower())
    return known is not None and (lat, lon) == known[:2]


@pytest.mark.slow  # waits out the real rate limit and budget
def test_one_request_a_second_and_a_budget_of_5_s_a_run(
        loopback_nominatim: FakeGeocoder, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    offline = PlaceResolver()
    expected = {name: offline.resolve(name, PlaceContext()) for name in NAMES}  # warm, too
    geocoder = CachedOnlineGeocoder("nominatim", tmp_path / "cache.json")  # the defaults
    resolver = PlaceResolver(geocoder)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="etl.places"):
        places = {name: resolver.resolve(name, PlaceContext()) for name in NAMES}
    elapsed = time.monotonic() - started

    asked = list(loopback_nominatim.requests)
    assert 3 <= len(asked) <= ONLINE_BUDGET_S + 1, asked  # about one a second for 5 s
    assert asked == list(NAMES[:len(asked)])
    assert one_a_second(loopback_nominatim.arrived), loopback_nominatim.arrived
    assert elapsed < ONLINE_BUDGET_S + SLACK_S, f"{elapsed:.1f} s"
    for name in asked:  # the service's answer where it had one, else the gazetteer's
        place = places[name]
        assert place is not None
        assert from_service(name, place.lat, place.lon) or (
            name.lower() not in PLACES and place == expected[name]), (name, place)
    for name in NAMES[len(asked):]:  # after the budget: the gazetteer, without asking
        assert places[name] == expected[name]
    spent = [r.getMessage() for r in caplog.records if "ran out" in r.getMessage()]
    assert len(spent) == 1 and "offline gazetteer" in spent[0] and "--no-cache" in spent[0]
    assert not [r for r in caplog.records if "failed" in r.getMessage()]

    geocoder.save()  # the end of the run: the answers are kept, the next run has its budget
    assert set(json.loads((tmp_path / "cache.json").read_text())) == {n.lower() for n in asked}
    loopback_nominatim.requests.clear()
    rest = NAMES[len(asked):]
    for name in rest[:2]:
        resolver.resolve(name, PlaceContext())
    assert loopback_nominatim.requests == list(rest[:2])


@pytest.mark.slow
def test_a_slow_service_is_cut_off_at_the_budget(
        loopback_nominatim: FakeGeocoder, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    """Each answer takes 3 s, within the 5 s a request may take: without a budget for the run
    six names would cost 18 s. The second request is cut when the run's 5 s are spent."""
    loopback_nominatim.mode = "slow"
    offline = PlaceResolver()
    expected = {name: offline.resolve(name, PlaceContext()) for name in NAMES[:6]}
    resolver = PlaceResolver(CachedOnlineGeocoder("nominatim", tmp_path / "cache.json"))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="etl.places"):
        places = {name: resolver.resolve(name, PlaceContext()) for name in NAMES[:6]}
    elapsed = time.monotonic() - started
    assert elapsed < ONLINE_BUDGET_S + SLACK_S, f"{elapsed:.1f} s"
    assert loopback_nominatim.requests == ["Kabul", "Islamabad"]
    kabul = places["Kabul"]
    assert kabul is not None and from_service("Kabul", kabul.lat, kabul.lon)
    assert all(places[n] == expected[n] for n in NAMES[1:6])
    assert len([r for r in caplog.records if "ran out" in r.getMessage()]) == 1
    assert not [r for r in caplog.records if "failed" in r.getMessage()]  # not the service's


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
    assert {"Islamabad", "Geneva"} <= set(asked) and len(asked) <= ONLINE_BUDGET_S + 1, asked
    assert one_a_second(loopback_nominatim.arrived), loopback_nominatim.arrived
    events = pd.read_parquet(out / "events.parquet").to_dict("records")
    # The place is named by the service's address ("Geneva, fake"): its first part is the name.
    venues = {(e["place"].split(",")[0], e["lat"], e["lon"]) for e in events if e["place"]}
    assert venues == {("Islamabad", 33.7, 73.1), ("Geneva", 46.2, 6.1)}  # the service's points
    cached = json.loads((out / ".cache" / "geocode-nominatim.json").read_text())
    assert {"islamabad", "geneva"} <= set(cached)

    loopback_nominatim.requests.clear()  # a second run asks nothing it asked before
    assert main([str(folder), "--out", str(out), "--geocoder", "nominatim", "--no-cache",
                 "-q"]) == 0
    assert not {"Islamabad", "Geneva"} & set(loopback_nominatim.requests)


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

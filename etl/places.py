"""Place names → coordinates, disambiguated by the article's context.

Geocoders are geopy `Geocoder`s that return geopy `Location`s: the offline GeoNames gazetteer
by default, or any online geopy service the user asks for (rate-limited, cached on disk,
falling back to the gazetteer when it fails). Choosing among candidates is ours: which
Moscow is decided by an explicit qualifier ("Moscow, Idaho"), then the dateline's and the
article's countries, then population; the winning reason is kept with the row.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from geopy.adapters import URLLibAdapter
from geopy.exc import ConfigurationError, GeocoderNotFound, GeocoderTimedOut
from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from etl.atomic import write_json_atomic
from etl.gazetteer import Gazetteer, normalize_name, shared_gazetteer
from etl.lexicon import PART_LEADING, PART_TRAILING, is_region
from etl.records import GeocoderSetupError, Place

log = logging.getLogger(__name__)

USER_AGENT = "parley-news-map/0.1"


# Two places this close support each other: the "100 miles" of geoparsing evaluations.
NEAR_KM = 161.0
# A name's candidates looked at for its neighbours: the most likely few.
MAX_SPOTS = 25


@dataclass(frozen=True, slots=True)
class Spot:
    """One candidate of a name, with its share of that name's vote."""

    lat: float
    lon: float
    country: str
    admin1: str
    weight: float


@dataclass(frozen=True)
class Neighbours:
    """Where the article's place names can lie. Each name's candidates share one vote in
    proportion to their population (a region's counted as a tenth), so a name only one place
    bears ("Rapides Parish") votes fully, "Washington" mostly for the capital, and
    "Springfield" for no town in particular. A candidate is supported by the votes of the
    *other* names that fall in its first-level region or within 161 km of it."""

    spots: Mapping[str, tuple[Spot, ...]] = field(default_factory=dict)

    def near_share(self, name: str, country: str, admin1: str, lat: float,
                   lon: float) -> float:
        """The share of the other names' votes in this region or near this point."""
        def near(s: Spot) -> bool:
            return (s.country == country and s.admin1 == admin1 and bool(admin1)) or \
                _km(s.lat, s.lon, lat, lon) <= NEAR_KM
        return self._share(name, near)

    def country_share(self, name: str, country: str) -> float:
        """The share of the other names' votes in this country."""
        return self._share(name, lambda s: s.country == country)

    def _share(self, name: str, inside: Callable[[Spot], bool]) -> float:
        key = normalize_name(name)
        others = [spots for n, spots in self.spots.items() if n != key]
        if not others:
            return 0.0
        return sum(s.weight for spots in others for s in spots if inside(s)) / len(others)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Distance by the equirectangular approximation: exact enough at 161 km, and this runs
    for every pair of candidates of an article's places."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371.0 * math.hypot(x, math.radians(lat2 - lat1))


@dataclass(frozen=True)
class PlaceContext:
    """What the article says about where it is: used to choose among same-named places."""

    dateline_country: str = ""
    dateline_admin1: str = ""
    country_shares: Mapping[str, float] = field(default_factory=dict)  # code → share of mentions
    # (country, admin1) named right after the place: ("US", "ID") for "Moscow, Idaho".
    qualifier: tuple[str, str] = ("", "")
    neighbours: Neighbours = field(default_factory=Neighbours)


class CandidateSource(Protocol):
    def candidates(self, name: str) -> list[Location]: ...


class GazetteerGeocoder(Geocoder):
    """The offline default: GeoNames places and regions, as geopy Locations."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__()
        self.gazetteer = gazetteer or shared_gazetteer()

    def candidates(self, name: str) -> list[Location]:
        cities = [
            Location(city.name, (city.lat, city.lon), {
                "geonameid": city.geonameid, "country_code": city.country_code,
                "admin1": city.admin1, "population": city.population, "primary": primary,
                "precision": "city",
            })
            for city, primary in self.gazetteer.cities(name)
        ]
        regions = [
            Location(region.name, (region.lat, region.lon), {
                "country_code": region.country_code, "admin1": region.admin1,
                "population": region.population, "primary": region.main,
                "precision": "region",
                "level": region.level,
            })
            for region in self.gazetteer.regions(name)
        ]
        return cities + regions

    def geocode(self, query: str, *, exactly_one: bool = True, **_: Any) -> Any:
        found = sorted(self.candidates(query), key=lambda loc: -loc.raw["population"])
        if exactly_one:
            return found[0] if found else None
        return found or None


def online_service(service: str, timeout: float) -> Geocoder:
    """geopy's geocoder for ``service``, on urllib (no retries hidden behind the timeout)."""
    try:
        return get_geocoder_for_service(service)(
            user_agent=USER_AGENT, timeout=timeout, adapter_factory=URLLibAdapter)
    except GeocoderNotFound:
        raise GeocoderSetupError(
            f"--geocoder {service!r} is not a geopy service; use offline (the default) or a "
            "service such as nominatim") from None
    except (TypeError, ConfigurationError) as exc:  # e.g. a required api_key
        raise GeocoderSetupError(
            f"--geocoder {service!r} needs settings Parley does not pass ({exc}); use offline "
            "(the default) or a service without a key, such as nominatim") from None


class CachedOnlineGeocoder:
    """Any geopy service, rate-limited and cached on disk, that never hangs and never raises.

    Every failure (timeout, rate limit, service error) falls back to the offline gazetteer;
    the first one is logged as a warning, and after three in a row the service is not asked
    again in this run.
    """

    def __init__(self, service: str, cache_path: Path, *, timeout: float = 5.0,
                 min_delay: float = 1.0, geocoder: Geocoder | None = None,
                 fallback: CandidateSource | None = None) -> None:
        self.service = service
        self.timeout = timeout  # wall-clock bound of one request, however the server dribbles
        self.geocoder = geocoder if geocoder is not None else online_service(service, timeout)
        self.fallback = fallback or GazetteerGeocoder()
        self.cache_path = cache_path
        self.min_delay = min_delay
        self.cache: dict[str, dict[str, Any] | None] = self._load_cache()
        self.dirty = False
        self.failures = 0
        self.warned = False
        self._last_call = 0.0

    def _load_cache(self) -> dict[str, dict[str, Any] | None]:
        try:
            data = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def candidates(self, name: str) -> list[Location]:
        key = normalize_name(name)
        if key not in self.cache:
            if self.failures >= 3:
                return self.fallback.candidates(name)
            try:
                self.cache[key] = self._ask(name)
                self.failures = 0
                self.dirty = True
            except Exception as exc:  # noqa: BLE001 - a remote service's answer, any shape
                self.failures += 1
                if not self.warned:
                    log.warning("geocoder %s failed (%s); using the offline gazetteer",
                                self.service, exc)
                    self.warned = True
                return self.fallback.candidates(name)
        hit = self.cache[key]
        if hit is None:
            return self.fallback.candidates(name)
        return [Location(hit["address"], (hit["lat"], hit["lon"]), hit)]

    def _ask(self, name: str) -> dict[str, Any] | None:
        wait = self._last_call + self.min_delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self._last_call = time.monotonic()
        location = self._within_timeout(name)
        if location is None:
            return None
        lat, lon = location.latitude, location.longitude
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
            raise ValueError(f"answer without usable coordinates: {location.raw!r:.200}")
        raw = location.raw if isinstance(location.raw, dict) else {}
        address = raw.get("address", {}) if isinstance(raw.get("address"), dict) else {}
        kind = str(raw.get("addresstype") or raw.get("type") or "city")
        return {
            "address": location.address, "lat": location.latitude, "lon": location.longitude,
            "country_code": str(address.get("country_code", "")).upper(), "admin1": "",
            "population": 0, "primary": True,
            "precision": {"country": "country", "state": "region", "region": "region",
                          "province": "region", "county": "region"}.get(kind, "city"),
        }

    def _within_timeout(self, name: str) -> Any:
        """The geocoder's answer, or GeocoderTimedOut after ``timeout`` seconds: a socket
        timeout bounds each read, not a server sending one byte at a time."""
        answer: list[Any] = []
        failure: list[BaseException] = []

        def call() -> None:
            try:
                answer.append(self.geocoder.geocode(name, exactly_one=True, addressdetails=True))
            except BaseException as exc:  # noqa: BLE001 - handed to the caller below
                failure.append(exc)

        worker = threading.Thread(target=call, name="parley-geocode", daemon=True)
        worker.start()
        worker.join(self.timeout)
        if worker.is_alive():  # left to finish on its own; its answer is dropped
            raise GeocoderTimedOut(f"no answer within {self.timeout:g} s")
        if failure:
            raise failure[0]
        return answer[0]

    def save(self) -> None:
        """Write the cache atomically, so a crash never leaves half a file."""
        if not self.dirty:
            return
        write_json_atomic(self.cache_path, self.cache, indent=None)
        self.dirty = False


# A town smaller than this is only taken when the text points to its country or region.
MIN_UNSUPPORTED_POPULATION = 50_000


class PlaceResolver:
    """Resolve country and place names for one run."""

    def __init__(self, source: CandidateSource | None = None,
                 gazetteer: Gazetteer | None = None, prefer_country: str = "") -> None:
        self.gazetteer = gazetteer or shared_gazetteer()
        self.source = source or GazetteerGeocoder(self.gazetteer)
        self.prefer_country = prefer_country.upper()

    def country(self, name: str) -> Place | None:
        """A country used as a place stands at its own point, with country precision."""
        country = self.gazetteer.country(name)
        if country is None or math.isnan(country.lat):
            return None
        return Place(country.name, country.code, country.lat, country.lon, "country",
                     f"country {country.name}, at its own point")

    def capital(self, code: str) -> Place | None:
        """Where a country named as a venue is drawn: its capital city."""
        country = self.gazetteer.countries.get(code)
        if country is None or math.isnan(country.capital_lat):
            return None
        return Place(country.capital, country.code, country.capital_lat, country.capital_lon,
                     "city", f"the capital of {country.name}")

    @staticmethod
    def is_place_name(name: str) -> bool:
        """False for continents, world regions, seas and rivers, which are no places of
        Parley's (a meeting is not held in 'the Pacific'), whatever a gazetteer says
        ('Africa' is also an old name of Mahdia, Tunisia)."""
        return bool(normalize_name(name)) and not is_region(normalize_name(name))

    def neighbours(self, names: Iterable[str]) -> Neighbours:
        """The evidence an article's place names give each other (see `Neighbours`)."""
        spots: dict[str, tuple[Spot, ...]] = {}
        for name in {normalize_name(n) for n in names if self.is_place_name(n)}:
            found = [(c.lat, c.lon, c.country_code, c.admin1, max(c.population, 1))
                     for c, _ in self.gazetteer.cities(name)]
            found += [(r.lat, r.lon, r.country_code, r.admin1, max(r.population // 10, 1))
                      for r in self.gazetteer.regions(name)]
            state = self.gazetteer.abbreviation(name) if not found else None
            if state is not None:  # "Ga." in "Athens, Ga."
                found = [(state.lat, state.lon, state.country_code, state.admin1, 1)]
            found = sorted(found, key=lambda f: -f[4])[:MAX_SPOTS]
            total = sum(f[4] for f in found)
            if found:
                spots[name] = tuple(Spot(*f[:4], weight=f[4] / total) for f in found)
        return Neighbours(spots)

    def resolve(self, name: str, context: PlaceContext) -> Place | None:
        """The most likely place of this name in this article, or None when unknown."""
        if not self.is_place_name(name):
            return None
        candidates = self.source.candidates(name)
        if not candidates:
            return self._within(name, context.qualifier) or self.abbreviated(name) or \
                self._part_of(name, context)
        scored = sorted(((score(name, loc, context, self.prefer_country), i, loc)
                         for i, loc in enumerate(candidates)),
                        key=lambda t: (-t[0][0], t[1]))
        (_, why), _, best = scored[0]
        q_country, q_admin1 = context.qualifier
        if q_country and (best.raw.get("country_code") != q_country or (
                q_admin1 and best.raw.get("admin1") != q_admin1)):
            return self._within(name, context.qualifier)  # "Paris, Ky." is no Paris in France
        population = int(best.raw.get("population") or 0)
        if best.raw.get("precision") == "city" and 0 < population < MIN_UNSUPPORTED_POPULATION \
                and not any(w in why for w in EVIDENCE):
            return None  # a small town nothing in the text points to: unknown beats wrong
        others = len({(loc.raw.get("country_code"), loc.address) for *_, loc in scored[1:]})
        reason = f"{best.address} ({best.raw.get('country_code', '')}): {why}"
        if others:
            reason += f"; chosen over {others} other place(s) of that name"
        return Place(best.address, str(best.raw.get("country_code", "")), best.latitude,
                     best.longitude, str(best.raw.get("precision", "city")), reason)

    def abbreviated(self, name: str) -> Place | None:
        """A region as newsrooms abbreviate it, written alone: "D.C.", "B.C."."""
        return self.qualifier_place(name) if "." in name and self.gazetteer.abbreviation(
            name) else None

    def _part_of(self, name: str, context: PlaceContext) -> Place | None:
        """'Northeast Georgia', 'Kermanshah province': the region named inside, at its point."""
        words = name.split()
        while len(words) > 1 and words[0].lower() in PART_LEADING:
            words = words[1:]
        while len(words) > 1 and words[-1].lower() in PART_TRAILING:
            words = words[:-1]
        if len(words) == len(name.split()):
            return None
        inner = self.resolve(" ".join(words), context)
        if inner is None or inner.precision == "city":
            return None  # "North Jackson" is a town of its own, not a part of Jackson
        return replace(inner, name=name, precision="region",
                       reason=f"part of {inner.name}: {inner.reason}")

    def country_or_region(self, name: str, neighbours: Neighbours) -> Place | None:
        """A country's name, unless the article's other places say it is a region or a town
        of that name elsewhere: "Georgia" among Atlanta and Athens, "Lebanon" among the towns
        of Tennessee."""
        country = self.country(name)
        if country is None:
            return None
        elsewhere = [loc for loc in self.source.candidates(name)
                     if loc.raw.get("country_code") != country.country_code]
        if not elsewhere or neighbours.country_share(name, country.country_code) >= 0.25:
            return country

        def support(loc: Location) -> float:  # a state: its country; a town: nearby
            if loc.raw.get("level") == "admin1":
                return neighbours.country_share(name, loc.raw.get("country_code", ""))
            return neighbours.near_share(name, loc.raw.get("country_code", ""),
                                         loc.raw.get("admin1", ""), loc.latitude,
                                         loc.longitude)
        best = max(elsewhere, key=support)
        there = support(best)
        if there < 0.5:
            return country
        code = str(best.raw.get("country_code", ""))
        return Place(best.address, code, best.latitude, best.longitude,
                     str(best.raw.get("precision", "city")),
                     f"{best.address} ({code}), not the country: {there:.0%} of the article's "
                     "other places are in its country or near it")

    def _within(self, name: str, qualifier: tuple[str, str]) -> Place | None:
        """A place the gazetteer lacks in the region the text names, put at that region's
        point, or None when the region is a whole country."""
        country, admin1 = qualifier
        point = self.gazetteer.region_point(country, admin1) if admin1 else None
        if point is None:
            return None
        return Place(name, country, point[0], point[1], "region",
                     f"not in the gazetteer in {admin1}, {country}: put at the region's point")

    def qualifier_place(self, qualifier: str) -> Place | None:
        """The region or country a qualifier names, at its own point: "Ga.", "Ontario"."""
        country, admin1 = self.qualifier_codes(qualifier)
        region = self.gazetteer.admin1(country, admin1) if admin1 else None
        if region is not None:
            return Place(region.name, country, region.lat, region.lon, "region",
                         f"region {region.name} of {country}")
        return self.country(qualifier) if country else None

    def qualifier_codes(self, qualifier: str) -> tuple[str, str]:
        """(country, admin1) named by a qualifier such as "Idaho", "Ga.", "Ontario" or
        "Lebanon"."""
        if not qualifier:
            return "", ""
        state = self.gazetteer.abbreviation(qualifier)
        if state is not None:
            return state.country_code, state.admin1
        regions = [r for r in self.gazetteer.regions(qualifier) if r.level == "admin1"]
        if regions:
            return regions[0].country_code, regions[0].admin1
        country = self.gazetteer.country(qualifier)
        return (country.code, "") if country else ("", "")


# What the article's other places weigh, on the scale of log10(population): all of them
# nearby outweighs a town 10,000 times as big; all in the same country, one 30 times as big.
NEAR_WEIGHT = 4.0
COUNTRY_WEIGHT = 1.5
# Words of a reason that say the text itself pointed to the place.
EVIDENCE = ("named with", "dateline", "mentioned", "near the article")


def score(name: str, candidate: Location, context: PlaceContext,
          prefer_country: str = "") -> tuple[float, str]:
    """Score one candidate: evidence in the text, in the order of its strength (a qualifier,
    the dateline, the article's other places, its countries), then the user's bias
    (``prefer_country``, --prefer-country), then population and kind."""
    raw = candidate.raw
    code, admin1 = raw.get("country_code", ""), raw.get("admin1", "")
    population = max(int(raw.get("population") or 0), 1)
    value = math.log10(population)
    reasons = []
    q_country, q_admin1 = context.qualifier
    if q_country and q_country == code and (not q_admin1 or q_admin1 == admin1):
        value += 10
        reasons.append("named with its region or country in the text")
    if context.dateline_country == code:
        value += 1.5
        reasons.append("in the dateline's country")
        if context.dateline_admin1 and context.dateline_admin1 == admin1:
            value += 1.0
    near = context.neighbours.near_share(name, code, admin1, candidate.latitude,
                                         candidate.longitude)
    in_country = context.neighbours.country_share(name, code)
    if near >= 0.2 or in_country >= 0.5:
        value += NEAR_WEIGHT * near + COUNTRY_WEIGHT * in_country
        reasons.append(f"near the article's other places ({near:.0%} nearby or in its "
                       f"region, {in_country:.0%} in its country)")
    share = context.country_shares.get(code, 0.0)
    if share:
        value += 0.6 + 0.6 * share
        reasons.append("its country is mentioned in the article")
    if prefer_country and prefer_country == code:
        value += 1.5  # as strong as the dateline's country, which it stands in for
        reasons.append("in the preferred country")
    if raw.get("precision") == "region":
        value -= 1.0  # a region's people are many towns': "New York" is the city first
    if raw.get("primary", True):
        value += 2.0
    else:
        reasons.append("by an alternate name")
    if not reasons or reasons == ["by an alternate name"]:
        reasons.insert(0, f"largest of that name (population {population:,})")
    return value, ", ".join(reasons)

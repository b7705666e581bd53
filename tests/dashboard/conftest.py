"""Tables for the dashboard tests: the real ETL's seed output when `etl.run` exists, otherwise
hand-made tables that follow the contract and encode the seed article's expected events.

The hand-made tables (``fixture_tables``) also hold two short reports from other outlets,
written for these tests: the Kabul briefing and the Moscow talks are each told by several
articles, so one event has several reports (``report_id``) and sources, and the reasons the ETL
records are there to show. ``PARLEY_TEST_TABLES=fixture`` makes the app and browser tests use
them even when the ETL is installed (e.g. while the ETL is being changed).
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
COURIER_ID = "a1b2c3d4e5f607182"
WIRE_ID = "a9e8d7c6b5a4f3e21"
# Two reports in our own words, by outlets invented for the tests.
# A formula a spreadsheet would run: it reaches the mentions table (text and name) through
# the Courier's first sentence, the report of the Kabul briefing, so the page's downloads carry it.
FORMULA = "=cmd|' /C calc'!A0"
COURIER_TEXT = (
    "KABUL: US envoy Zalmay Khalilzad briefed President Ashraf Ghani and Abdullah Abdullah in "
    f"Kabul this week on his efforts to restart the peace talks, a group calling itself "
    f"{FORMULA} said.\n"
    "Khalilzad also described the four-party talks he held in Moscow with Russia, China and "
    "Pakistan this week.")
WIRE_TEXT = (
    "MOSCOW: Diplomats from Russia, China and Pakistan sat down with the American envoy "
    "Khalilzad in Moscow this week to look for a way back to the Afghan peace talks.")
OTHER_ARTICLES = [
    # (article_id, path, title, publisher, published, dateline, text)
    (COURIER_ID, "corpus/courier.txt", "Envoy briefs Afghan leaders", "Kabul Courier",
     "2019-10-27", "KABUL", COURIER_TEXT),
    (WIRE_ID, "corpus/wire.txt", "Four powers meet on Afghan peace", "Eurasia Wire",
     "2019-10-26", "MOSCOW", WIRE_TEXT),
]
MERGE_KABUL = ("venues 0 km apart (Kabul), dates overlap (2019-W43), 3 shared participants, "
               "same type (briefing)")
MERGE_MOSCOW = ("venues 0 km apart (Moscow), dates overlap (2019-W43), {n} shared "
                "participants, same type (talks)")
# Reports of the seed's events in the other articles:
# (event_id, report_id, article_id, line, type, date precision, actors, merge_reason)
OTHER_REPORTS = [
    ("e5", "r5b", COURIER_ID, 0, "briefing", [("Zalmay Khalilzad", "person"),
     ("Ashraf Ghani", "person"), ("Abdullah Abdullah", "person")], MERGE_KABUL),
    ("e6", "r6b", COURIER_ID, 1, "talks", [("Zalmay Khalilzad", "person"),
     ("Russia", "country"), ("China", "country"), ("Pakistan", "country")],
     MERGE_MOSCOW.format(n=4)),
    ("e6", "r6c", WIRE_ID, 0, "talks", [("Russia", "country"), ("China", "country"),
     ("Pakistan", "country"), ("Zalmay Khalilzad", "person")], MERGE_MOSCOW.format(n=4)),
]
# (article_id, surface text, kind, canonical name, line, reason)
OTHER_MENTIONS = [
    (COURIER_ID, "KABUL", "place", "Kabul", 0, ""),
    (COURIER_ID, "Zalmay Khalilzad", "person", "Zalmay Khalilzad", 0, ""),
    (COURIER_ID, "Ashraf Ghani", "person", "Ashraf Ghani", 0, ""),
    (COURIER_ID, "Abdullah Abdullah", "person", "Abdullah Abdullah", 0, ""),
    (COURIER_ID, "Kabul", "place", "Kabul", 0,
     "Kabul, Kabul (AF): in the dateline's country; chosen over 2 other place(s) of that name"),
    (COURIER_ID, FORMULA, "organization", FORMULA, 0, ""),
    (COURIER_ID, "Khalilzad", "person", "Zalmay Khalilzad", 1,
     "short form of Zalmay Khalilzad, named in sentence 0"),
    (COURIER_ID, "Moscow", "place", "Moscow", 1, ""),
    (COURIER_ID, "Russia", "country", "Russia", 1, ""),
    (COURIER_ID, "China", "country", "China", 1, ""),
    (COURIER_ID, "Pakistan", "country", "Pakistan", 1, ""),
    (WIRE_ID, "Russia", "country", "Russia", 0, ""),
    (WIRE_ID, "China", "country", "China", 0, ""),
    (WIRE_ID, "Pakistan", "country", "Pakistan", 0, ""),
    (WIRE_ID, "Khalilzad", "person", "Zalmay Khalilzad", 0,
     "short form of Zalmay Khalilzad, named in 2 other articles"),
    (WIRE_ID, "Moscow", "place", "Moscow", 0, "Moscow, Moscow (RU): the dateline"),
]
# Why the seed's resolver chose what it chose (mention line, surface text) -> reason.
SEED_REASONS = {
    (1, "Khalilzad"): "short form of Zalmay Khalilzad, named in sentence 0",
    (8, "Ghani"): "short form of Ashraf Ghani, named in sentence 7",
    (8, "Kabul"): "Kabul, Kabul (AF): in the dateline's country; chosen over 2 other place(s) "
                  "of that name",
}
SEED_ROW_REASONS = {("e5", "Zalmay Khalilzad"): "'The US special envoy' is Zalmay Khalilzad, "
                                                "introduced as envoy in sentence 0"}
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
    ("Pakistan", "country", "Pakistan", 9), ("China", "country", "China", 9),
    ("Russia", "country", "Russia", 9), ("Moscow", "place", "Moscow", 9),
]
PLACES = {"Islamabad": ("PK", 33.72, 73.04), "Kabul": ("AF", 34.53, 69.17),
          "Moscow": ("RU", 55.75, 37.62)}


def _first_sentence(line: str) -> str:
    cut = line.find(". ")
    return line if cut < 0 else line[: cut + 1]


def _mention(article_id: str, lines: list[str], surface: str, kind: str, name: str,
             line: int, reason: str) -> dict:
    """A mention row for the first occurrence of ``surface`` on ``line``. A surface the line
    does not hold is an error in the fixture, not a row to drop in silence."""
    at = lines[line].find(surface)
    if at < 0:
        raise ValueError(f"fixture mention {surface!r} is not on line {line} of {article_id}")
    start = sum(len(x) + 1 for x in lines[:line]) + at
    cc, lat, lon = PLACES.get(name, ("", None, None))
    return {
        "article_id": article_id, "sentence_id": line, "start": start,
        "end": start + len(surface), "text": surface, "kind": kind, "name": name,
        "country_code": cc, "lat": lat, "lon": lon, "geo_precision": "city" if cc else "",
        "date_start": name if kind == "date" else "",
        "date_end": name if kind == "date" else "",
        "date_precision": "day" if kind == "date" else "", "reason": reason,
    }


def fixture_tables() -> dict[str, pd.DataFrame]:
    """The seed article's expected tables, with offsets computed from the real text, plus the
    other outlets' reports of two of its events."""
    text = SEED_FILE.read_text(encoding="utf-8")
    lines = text.split("\n")
    articles = pd.DataFrame([{
        "article_id": ARTICLE_ID, "path": "seeds/000_0f3ca805edc1ce03.txt",
        "title": "Khalilzad meets Imran as peace efforts gain momentum", "publisher": "Dawn",
        "published": "2019-10-29", "dateline": "ISLAMABAD", "n_sentences": len(lines),
        "sha256": "0f3ca805edc1ce03", "text": text,
    }] + [{
        "article_id": aid, "path": path, "title": title, "publisher": publisher,
        "published": published, "dateline": dateline, "n_sentences": body.count("\n") + 1,
        "sha256": aid[1:], "text": body,
    } for aid, path, title, publisher, published, dateline, body in OTHER_ARTICLES],
        columns=[*ARTICLE_COLUMNS, "text"])
    texts = {aid: body.split("\n") for aid, *_, body in OTHER_ARTICLES}
    mentions = [_mention(ARTICLE_ID, lines, surface, kind, name, line,
                      SEED_REASONS.get((line, surface), ""))
             for surface, kind, name, line in MENTIONS]
    mentions += [_mention(aid, texts[aid], surface, kind, name, line, reason)
              for aid, surface, kind, name, line, reason in OTHER_MENTIONS]
    sources = {eid: [ARTICLE_ID] for eid, *_ in EVENTS}
    for eid, _, aid, *_ in OTHER_REPORTS:
        sources[eid] = sorted({*sources[eid], aid})
    events = []
    for eid, etype, status, place, cc, lat, lon, ds, de, prec, line, actors in EVENTS:
        for actor, akind in actors:
            events.append({
                "event_id": eid, "report_id": eid, "article_id": ARTICLE_ID,
                "sentence_id": line, "event_type": etype, "status": status, "date_start": ds,
                "date_end": de, "date_precision": prec, "place": place, "country_code": cc,
                "lat": lat, "lon": lon, "geo_precision": "city" if place else "",
                "actor": actor, "actor_kind": akind, "sentence": _first_sentence(lines[line]),
                "n_sources": len(sources[eid]), "sources": ";".join(sources[eid]),
                "reason": SEED_ROW_REASONS.get((eid, actor), ""), "merge_reason": "",
            })
    seed_event = {row["event_id"]: row for row in events}
    for eid, rid, aid, line, etype, actors, merge in OTHER_REPORTS:
        base = seed_event[eid]
        for actor, akind in actors:
            events.append({
                **base, "report_id": rid, "article_id": aid, "sentence_id": line,
                "event_type": etype, "actor": actor, "actor_kind": akind,
                "sentence": texts[aid][line], "reason": "", "merge_reason": merge,
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
    if os.environ.get("PARLEY_TEST_TABLES", "") == "fixture":
        return False
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


@pytest.fixture(scope="session")
def fixture_tables_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made tables (several reports per event, reasons) in a folder."""
    return write_tables(fixture_tables(), tmp_path_factory.mktemp("fixture-tables"))


@pytest.fixture
def corpus_env(fixture_tables_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at the hand-made tables, whatever the ETL would make of the seed."""
    monkeypatch.setenv("PARLEY_DATA", str(fixture_tables_dir))
    monkeypatch.setenv("PARLEY_SEEDS", "")
    return fixture_tables_dir


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

"""The seed article (Dawn, 29 Oct 2019, dateline Islamabad) against its gold annotation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from geopy.distance import geodesic

from etl.records import ARTICLE_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS
from etl.run import build_tables

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

VENUES = {  # real coordinates
    "Islamabad": (33.6938, 73.0652),
    "Kabul": (34.5553, 69.2075),
    "Moscow": (55.7558, 37.6173),
    "Doha": (25.2854, 51.5310),
}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    out = tmp_path_factory.mktemp("seed")
    summary = build_tables([SEEDS], out)
    assert summary.n_articles == 1 and not summary.errors
    return {name: pd.read_csv(out / f"{name}.csv", keep_default_na=False)
            for name in ("articles", "mentions", "events")}


def test_columns_are_the_contract(tables: dict[str, pd.DataFrame]) -> None:
    assert tuple(tables["articles"].columns) == ARTICLE_COLUMNS
    assert tuple(tables["mentions"].columns) == MENTION_COLUMNS
    assert tuple(tables["events"].columns) == EVENT_COLUMNS


def test_article_metadata(tables: dict[str, pd.DataFrame]) -> None:
    article = tables["articles"].iloc[0]
    assert article["publisher"] == "Dawn"
    assert article["published"] == "2019-10-29"
    assert article["dateline"] == "Islamabad"


def names(mentions: pd.DataFrame, kind: str) -> set[str]:
    return set(mentions.loc[mentions["kind"] == kind, "name"])


def test_actors(tables: dict[str, pd.DataFrame]) -> None:
    m = tables["mentions"]
    persons = names(m, "person")
    assert {"Zalmay Khalilzad", "Imran Khan", "Ashraf Ghani", "Abdullah Abdullah"} <= persons
    assert persons & {"Donald Trump", "Trump"}
    assert not persons & {"Khalilzad", "Amb Khalilzad", "Ghani"}  # short forms resolved
    assert names(m, "organization") == {"Taliban"}
    assert {"United States", "Pakistan", "Afghanistan", "China", "Russia", "Qatar"} <= names(
        m, "country")
    assert "Dawn" not in set(m["name"])  # the publisher is not an actor


@pytest.mark.parametrize("text", ["Amb Khalilzad", "Khalilzad", "The US special envoy"])
def test_references_to_khalilzad(tables: dict[str, pd.DataFrame], text: str) -> None:
    m = tables["mentions"]
    article_text = (SEEDS / "000_0f3ca805edc1ce03.txt").read_text(encoding="utf-8")
    rows = m[m["name"] == "Zalmay Khalilzad"]
    surface = {article_text[s:e] for s, e in zip(rows["start"], rows["end"], strict=True)}
    assert any(text.endswith(s) or s.endswith(text) for s in surface), surface


def test_the_prime_minister_is_imran_khan(tables: dict[str, pd.DataFrame]) -> None:
    m = tables["mentions"]
    assert set(m.loc[m["text"].str.lower() == "the prime minister", "name"]) == {"Imran Khan"}
    assert set(m.loc[m["text"] == "the PM", "name"]) == {"Imran Khan"}


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("Monday", "2019-10-28", "2019-10-28", "day"),
    ("September", "2019-09-01", "2019-09-30", "month"),
    ("earlier last week", "2019-10-21", "2019-10-27", "week"),
    ("the start of the month", "2019-10-01", "2019-10-31", "month"),
])
def test_dates(tables: dict[str, pd.DataFrame], text: str, start: str, end: str,
               precision: str) -> None:
    m = tables["mentions"]
    row = m[(m["kind"] == "date") & (m["text"] == text)]
    assert len(row) == 1
    assert tuple(row.iloc[0][["date_start", "date_end", "date_precision"]]) == (
        start, end, precision)


def events_by_id(events: pd.DataFrame) -> list[dict[str, object]]:
    out = []
    for _, rows in events.groupby("event_id", sort=False):
        first = rows.iloc[0].to_dict()
        first["actors"] = set(rows["actor"]) - {""}
        out.append(first)
    return out


def find(events: list[dict[str, object]], **conditions: object) -> dict[str, object]:
    hits = [e for e in events if all(e[k] == v for k, v in conditions.items())]
    assert len(hits) >= 1, f"no event with {conditions}"
    return hits[0]


def test_held_events(tables: dict[str, pd.DataFrame]) -> None:
    events = events_by_id(tables["events"])
    meeting = find(events, status="held", place="Islamabad", event_type="meeting")
    assert {"Zalmay Khalilzad", "Imran Khan"} <= meeting["actors"]  # type: ignore[operator]
    assert meeting["date_start"] == meeting["date_end"] == "2019-10-28"

    briefing = find(events, status="held", place="Kabul", event_type="briefing")
    assert {"Zalmay Khalilzad", "Ashraf Ghani", "Abdullah Abdullah"} <= briefing["actors"]  # type: ignore[operator]

    moscow = find(events, status="held", place="Moscow", event_type="talks")
    assert {"Pakistan", "China", "Russia", "United States"} <= moscow["actors"]  # type: ignore[operator]
    assert (moscow["date_start"], moscow["date_end"], moscow["date_precision"]) == (
        "2019-10-21", "2019-10-27", "week")

    doha = find(events, status="held", place="Doha", event_type="talks")
    assert {"Zalmay Khalilzad", "Taliban"} <= doha["actors"]  # type: ignore[operator]


def test_planned_and_cancelled(tables: dict[str, pd.DataFrame]) -> None:
    events = events_by_id(tables["events"])
    planned = find(events, status="planned", event_type="meeting")
    assert "Zalmay Khalilzad" in planned["actors"]  # type: ignore[operator]
    assert "officials" in str(planned["sentence"])
    cancelled = find(events, status="cancelled", event_type="meeting")
    assert cancelled["actors"] & {"Trump", "Donald Trump"}  # type: ignore[operator]
    assert {"Ashraf Ghani", "Taliban"} <= cancelled["actors"]  # type: ignore[operator]


def test_held_venues_are_the_four_cities(tables: dict[str, pd.DataFrame]) -> None:
    e = tables["events"]
    held = e[e["status"] == "held"].drop_duplicates("event_id")
    assert set(held["place"]) == set(VENUES)
    for _, row in held.iterrows():
        km = geodesic((row["lat"], row["lon"]), VENUES[row["place"]]).km
        assert km < 25, f"{row['place']} is {km:.0f} km off"


def test_every_event_row_has_provenance(tables: dict[str, pd.DataFrame]) -> None:
    e = tables["events"]
    articles = set(tables["articles"]["article_id"])
    assert set(e["article_id"]) <= articles
    assert (e["sentence"].str.len() > 20).all()

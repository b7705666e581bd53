"""The scorer on tiny hand-made gold and tables: no ETL run, no model, no network."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from etl.evaluate import (
    GoldError,
    Tables,
    main,
    match_articles,
    norm_name,
    parse_gold,
    score,
    split_path,
)
from etl.records import ARTICLE_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS

GENEVA = (46.20222, 6.14569)
GENEVA_200KM_NORTH = (46.20222 + 1.8, 6.14569)  # 1.8 degrees of latitude is about 200 km
LAUSANNE = (46.516, 6.63282)  # about 50 km from Geneva


def gold_doc(**overrides: Any) -> dict[str, Any]:
    """One gold article: two actors, one place, one date, one held and one planned meeting."""
    article = {
        "file": "a.txt", "record": None, "title": None,
        "published": "2024-05-15", "dateline": "Geneva",
        "actors": [
            {"name": "Lena Marthinsen", "kind": "person"},
            {"name": "United States", "kind": "country", "aliases": ["US", "U.S."]},
        ],
        "places": [{"name": "Geneva", "lat": GENEVA[0], "lon": GENEVA[1]}],
        "dates": [{"text": "on Monday", "start": "2024-05-13", "end": "2024-05-13",
                   "precision": "day"}],
        "events": [
            {"type": "meeting", "status": "held", "place": "Geneva",
             "lat": GENEVA[0], "lon": GENEVA[1],
             "date": {"start": "2024-05-13", "end": "2024-05-13", "precision": "day"},
             "actors": ["Lena Marthinsen", "United States"]},
            {"type": "talks", "status": "planned", "place": None, "lat": None, "lon": None,
             "date": None, "actors": ["United States"]},
        ],
    }
    article.update(overrides)
    return {"version": 1, "articles": [article]}


def mention(name: str, kind: str, *, point: tuple[float, float] | None = None,
            day: tuple[str, str, str] | None = None, article_id: str = "A1") -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(MENTION_COLUMNS, "")
    row.update(article_id=article_id, sentence_id=0, start=0, end=len(name), text=name,
               kind=kind, name=name, lat=None, lon=None)
    if point:
        row.update(lat=point[0], lon=point[1], geo_precision="city")
    if day:
        row.update(date_start=day[0], date_end=day[1], date_precision=day[2])
    return row


def event_rows(event_id: str, actors: list[str], *, status: str = "held",
               point: tuple[float, float] | None = GENEVA,
               day: tuple[str, str] | None = ("2024-05-13", "2024-05-13"),
               article_id: str = "A1") -> list[dict[str, Any]]:
    rows = []
    for actor in actors or [""]:
        row: dict[str, Any] = dict.fromkeys(EVENT_COLUMNS, "")
        row.update(event_id=event_id, article_id=article_id, sentence_id=0,
                   event_type="meeting", status=status, actor=actor, lat=None, lon=None,
                   place="Geneva" if point else "")
        if point:
            row.update(lat=point[0], lon=point[1])
        if day:
            row.update(date_start=day[0], date_end=day[1], date_precision="day")
        rows.append(row)
    return rows


def perfect_mentions() -> list[dict[str, Any]]:
    return [
        mention("Lena Marthinsen", "person"),
        mention("United States", "country"),
        mention("Geneva", "place", point=GENEVA),
        mention("2024-05-13", "date", day=("2024-05-13", "2024-05-13", "day")),
    ]


def tables(mentions: list[dict[str, Any]] | None = None,
           events: list[dict[str, Any]] | None = None,
           articles: list[dict[str, Any]] | None = None) -> Tables:
    if articles is None:
        articles = [{"article_id": "A1", "path": "devset/articles/a.txt", "title": "",
                     "publisher": "", "published": "2024-05-15", "dateline": "GENEVA",
                     "n_sentences": 5, "sha256": ""}]
    if mentions is None:
        mentions = perfect_mentions()
    if events is None:
        events = event_rows("E1", ["Lena Marthinsen", "United States"])
    return Tables(
        articles=pd.DataFrame(articles, columns=list(ARTICLE_COLUMNS)),
        mentions=pd.DataFrame(mentions, columns=list(MENTION_COLUMNS)),
        events=pd.DataFrame(events, columns=list(EVENT_COLUMNS)),
    )


# ---------------------------------------------------------------------------------------------
# actors, places, dates


def test_perfect_match_scores_one_everywhere() -> None:
    s = score(gold_doc(), tables())
    for count in (s.actors, s.places, s.dates, s.held_events):
        assert (count.precision, count.recall, count.f1) == (1.0, 1.0, 1.0)
    assert s.place_accuracy == 1.0
    assert (s.published_ok, s.dateline_ok, s.n_unmatched_articles) == (1, 1, 0)
    assert s.misses == {}


def test_missing_actor_lowers_recall_only() -> None:
    s = score(gold_doc(), tables(mentions=perfect_mentions()[1:]))
    assert s.actors.precision == 1.0
    assert s.actors.recall == 0.5
    assert "missed actor: Lena Marthinsen" in s.misses["a.txt"]


def test_extra_actor_lowers_precision_only() -> None:
    rows = [*perfect_mentions(), mention("Reuters", "organization")]
    s = score(gold_doc(), tables(mentions=rows))
    assert s.actors.recall == 1.0
    assert s.actors.precision == pytest.approx(2 / 3)


def test_repeated_mentions_of_one_actor_count_once() -> None:
    rows = [*perfect_mentions(), mention("Lena Marthinsen", "person")]
    assert score(gold_doc(), tables(mentions=rows)).actors.precision == 1.0


def test_aliases_case_and_accents_match_the_canonical_name() -> None:
    gold = gold_doc(actors=[{"name": "United States", "kind": "country", "aliases": ["U.S."]},
                            {"name": "Tomáš Kováčik", "kind": "person"}])
    rows = [mention("u.s.", "country"), mention("Tomas  Kovacik", "person")]
    s = score(gold, tables(mentions=rows))
    assert (s.actors.tp, s.actors.fp, s.actors.fn) == (2, 0, 0)


def test_wrong_kind_is_a_miss_and_an_extra() -> None:
    rows = [mention("Lena Marthinsen", "organization"), mention("United States", "country")]
    s = score(gold_doc(), tables(mentions=rows))
    assert (s.actors.tp, s.actors.fp, s.actors.fn) == (1, 1, 1)


def test_place_200_km_off_matches_by_name_but_fails_accuracy() -> None:
    rows = [m for m in perfect_mentions() if m["kind"] != "place"]
    rows.append(mention("Geneva", "place", point=GENEVA_200KM_NORTH))
    s = score(gold_doc(), tables(mentions=rows))
    assert s.places.f1 == 1.0
    assert s.place_accuracy == 0.0
    assert any("km off: Geneva" in line for line in s.misses["a.txt"])


def test_place_within_161_km_is_accurate() -> None:
    rows = [m for m in perfect_mentions() if m["kind"] != "place"]
    rows.append(mention("Geneva", "place", point=LAUSANNE))
    assert score(gold_doc(), tables(mentions=rows)).place_accuracy == 1.0


def test_place_without_coordinates_fails_accuracy() -> None:
    rows = [m for m in perfect_mentions() if m["kind"] != "place"]
    rows.append(mention("Geneva", "place"))
    s = score(gold_doc(), tables(mentions=rows))
    assert (s.places.tp, s.places_within) == (1, 0)


def test_date_with_wrong_precision_is_a_miss_and_an_extra() -> None:
    rows = [m for m in perfect_mentions() if m["kind"] != "date"]
    rows.append(mention("2024-W20", "date", day=("2024-05-13", "2024-05-19", "week")))
    s = score(gold_doc(), tables(mentions=rows))
    assert (s.dates.tp, s.dates.fp, s.dates.fn) == (0, 1, 1)


def test_week_dates_match_on_their_range() -> None:
    week = {"text": "last week", "start": "2024-05-06", "end": "2024-05-12", "precision": "week"}
    rows = [mention("2024-W19", "date", day=("2024-05-06", "2024-05-12", "week"))]
    s = score(gold_doc(dates=[week]), tables(mentions=rows))
    assert s.dates.f1 == 1.0


# ---------------------------------------------------------------------------------------------
# held meetings


def held(rows: list[dict[str, Any]], **gold: Any) -> tuple[int, int, int]:
    c = score(gold_doc(**gold), tables(events=rows)).held_events
    return c.tp, c.fp, c.fn


def test_planned_events_are_not_scored_as_held() -> None:
    events = [*event_rows("E1", ["Lena Marthinsen", "United States"]),
              *event_rows("E2", ["United States"], status="planned", point=None, day=None)]
    assert held(events) == (1, 0, 0)


def test_held_event_at_a_venue_200_km_off_does_not_match() -> None:
    assert held(event_rows("E1", ["Lena Marthinsen", "US"], point=GENEVA_200KM_NORTH)) == (0, 1, 1)


def test_held_event_nearby_with_alias_participant_matches() -> None:
    assert held(event_rows("E1", ["Lena Marthinsen", "U.S."], point=LAUSANNE)) == (1, 0, 0)


def test_held_event_needs_overlapping_dates() -> None:
    next_day = event_rows("E1", ["Lena Marthinsen"], day=("2024-05-14", "2024-05-14"))
    whole_month = event_rows("E1", ["Lena Marthinsen"], day=("2024-05-01", "2024-05-31"))
    assert held(next_day) == (0, 1, 1)
    assert held(whole_month) == (1, 0, 0)


def test_held_event_without_date_does_not_match_a_dated_one() -> None:
    assert held(event_rows("E1", ["Lena Marthinsen", "United States"], day=None)) == (0, 1, 1)


def test_held_event_needs_half_the_participants() -> None:
    assert held(event_rows("E1", ["Lena Marthinsen"])) == (1, 0, 0)  # 1/2
    assert held(event_rows("E1", ["Lena Marthinsen", "Iran", "Russia"])) == (0, 1, 1)  # 1/4


def test_held_events_match_one_to_one_best_first() -> None:
    events = [*event_rows("E1", ["Lena Marthinsen"]),
              *event_rows("E2", ["Lena Marthinsen", "United States"])]
    s = score(gold_doc(), tables(events=events))
    assert (s.held_events.tp, s.held_events.fp, s.held_events.fn) == (1, 1, 0)
    assert any("extra held event" in line and "['Lena Marthinsen']" in line
               for line in s.misses["a.txt"])


def test_phone_call_without_venue_matches_a_venueless_event() -> None:
    call = {"type": "call", "status": "held", "place": None, "lat": None, "lon": None,
            "date": {"start": "2024-05-13", "end": "2024-05-13", "precision": "day"},
            "actors": ["Lena Marthinsen", "United States"]}
    events = event_rows("E1", ["Lena Marthinsen", "United States"], point=None)
    assert held(events, events=[call]) == (1, 0, 0)
    assert held(event_rows("E1", ["Lena Marthinsen", "United States"]), events=[call]) == (0, 1, 1)


# ---------------------------------------------------------------------------------------------
# articles, gold and the command


def test_split_path_reads_record_suffixes() -> None:
    assert split_path("devset/articles/w.jsonl#L3") == ("w.jsonl", 3)
    assert split_path("C:\\data\\export.csv#row2") == ("export.csv", 2)
    assert split_path("a.txt") == ("a.txt", None)


def test_records_of_one_file_match_by_title_then_order() -> None:
    gold = parse_gold({"articles": [
        {"file": "w.jsonl", "record": 1, "title": "First story"},
        {"file": "w.jsonl", "record": 2, "title": "Second story"},
        {"file": "w.jsonl", "record": 3, "title": "Third story"},
    ]})
    articles = pd.DataFrame({
        "article_id": ["X", "Y", "Z"],
        "path": ["d/w.jsonl#L2", "d/w.jsonl#L1", "d/w.jsonl#L3"],
        "title": ["Second Story", "", "Untitled"],
    })
    assert match_articles(gold, articles) == {"w.jsonl#2": "X", "w.jsonl#1": "Y",
                                              "w.jsonl#3": "Z"}


def test_unmatched_article_counts_everything_as_missed() -> None:
    other = [{"article_id": "B", "path": "b.txt", "title": "", "publisher": "",
              "published": "", "dateline": "", "n_sentences": 1, "sha256": ""}]
    s = score(gold_doc(), tables(articles=other, mentions=[], events=[]))
    assert s.n_unmatched_articles == 1
    assert (s.actors.fn, s.places.fn, s.dates.fn, s.held_events.fn) == (2, 1, 1, 1)
    assert s.actors.recall == 0.0


def test_wrong_published_date_is_reported() -> None:
    articles = [{"article_id": "A1", "path": "a.txt", "title": "", "publisher": "",
                 "published": "2024-05-14", "dateline": "Geneva", "n_sentences": 5,
                 "sha256": ""}]
    s = score(gold_doc(), tables(articles=articles))
    assert (s.published_ok, s.dateline_ok) == (0, 1)


def test_malformed_gold_raises_a_gold_error() -> None:
    with pytest.raises(GoldError, match="a.txt"):
        parse_gold({"articles": [{"file": "a.txt", "actors": [{"name": "X"}]}]})
    with pytest.raises(GoldError):
        parse_gold({"no": "articles"})


@given(st.text())
def test_norm_name_never_raises(text: str) -> None:
    assert isinstance(norm_name(text), str)


def write_tables(folder: Path, t: Tables) -> None:
    for name in ("articles", "mentions", "events"):
        getattr(t, name).to_csv(folder / f"{name}.csv", index=False)


def test_command_scores_tables_from_a_folder(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "gold.json").write_text(json.dumps(gold_doc()), encoding="utf-8")
    write_tables(tmp_path, tables())
    assert main(["--devset", str(tmp_path), "--tables", str(tmp_path), "-v"]) == 0
    out = capsys.readouterr().out
    assert "held meetings" in out
    assert "1.000" in out and "accuracy@161km: 1.000" in out


def test_command_reports_missing_tables(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "gold.json").write_text(json.dumps(gold_doc()), encoding="utf-8")
    assert main(["--devset", str(tmp_path), "--tables", str(tmp_path / "none")]) == 2
    assert "not found" in capsys.readouterr().err


def test_devset_gold_is_well_formed() -> None:
    """The shipped gold parses, names existing files and keeps events' actors among its actors."""
    devset = Path(__file__).resolve().parents[2] / "devset"
    gold = parse_gold(json.loads((devset / "gold.json").read_text(encoding="utf-8")))
    assert len(gold) >= 14
    for article in gold:
        assert (devset / "articles" / article.file).is_file()
        names = {norm_name(n) for n, _, _ in article.actors}
        for event in article.events:
            assert {norm_name(a) for a in event.actors} <= names, article.key
            assert event.status in ("held", "planned", "cancelled")

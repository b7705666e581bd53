"""The page, headless (AppTest) on the seed tables: runs clean, filters and clicks change what
is shown, the downloads hold exactly the filtered rows."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.elements.arrow import DataframeSelectionState, DataframeState
from streamlit.elements.plotly_chart import PlotlySelectionState, PlotlyState
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
SEED_VENUES = {"Islamabad", "Kabul", "Moscow", "Doha"}


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Every file the app hands to the browser (downloads), by media file id."""
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        files[file_id] = path_or_data if isinstance(path_or_data, bytes) else b""
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return files


def run(query: dict[str, list[str]] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def seed_events(app_env: Path) -> pd.DataFrame:
    return pd.read_csv(app_env / "events.csv", dtype=str, keep_default_na=False)


def chart(at: AppTest, key_prefix: str) -> dict:
    for element in at.get("plotly_chart"):
        if element.proto.id and key_prefix in element.proto.id:
            return json.loads(element.proto.spec)
    raise AssertionError(f"no chart {key_prefix}")


def venues_on_map(at: AppTest) -> set[str]:
    trace = chart(at, "venue_chart")["data"][0]
    return {row[1] for row in trace["customdata"]}


def bar_actors(at: AppTest) -> set[str]:
    return {y for trace in chart(at, "actor_chart")["data"] for y in trace["y"]}


def table(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value


def download(at: AppTest, media: dict[str, bytes], label: str) -> tuple[str, list[dict]]:
    button = next(b for b in at.get("download_button") if b.proto.label == label)
    file_id = Path(button.proto.url).stem
    text = media[file_id].decode("utf-8-sig")
    return button.proto.url, list(csv.DictReader(io.StringIO(text)))


def click(at: AppTest, chart_key: str, *keys: str) -> AppTest:
    """What the browser sends when markers or bars are clicked (see notes/map-clicks.md)."""
    points = [{"point_index": i, "customdata": [k]} for i, k in enumerate(keys)]
    at.session_state[chart_key] = PlotlyState({"selection": PlotlySelectionState(
        {"points": points, "point_indices": list(range(len(keys))), "box": [], "lasso": []})})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_page_runs_on_seed_and_shows_the_four_venues(app_env):
    at = run()
    assert not at.error
    assert venues_on_map(at) == SEED_VENUES
    events = seed_events(app_env)
    assert len(table(at)) == events["event_id"].nunique()
    assert len(at.get("plotly_chart")) == 4  # map, actors, timeline, who-met-whom


def test_map_click_filters_table_actors_and_downloads(app_env, media):
    events = seed_events(app_env)
    kabul = events[events["place"] == "Kabul"]
    at = click(run(), "venue_chart_0", "Kabul (AF)")
    assert set(table(at)["place"]) == {"Kabul"}
    assert len(table(at)) == kabul["event_id"].nunique()
    assert bar_actors(at) == set(kabul["actor"]) - {""}
    assert {"Ashraf Ghani", "Abdullah Abdullah"} <= bar_actors(at)
    assert venues_on_map(at) == SEED_VENUES  # the map still offers the other venues
    assert at.query_params["venue"] in ("Kabul (AF)", ["Kabul (AF)"])
    url, rows = download(at, media, "Download events CSV")
    assert {r["place"] for r in rows} == {"Kabul"}
    assert sorted(r["event_id"] + r["actor"] for r in rows) == sorted(
        kabul["event_id"] + kabul["actor"])
    _, mentions = download(at, media, "Download mentions CSV")
    assert mentions and {r["sentence_id"] for r in mentions} == set(kabul["sentence_id"])
    assert url.endswith(".csv")


def test_clear_button_and_empty_selection_reset_the_venue(app_env):
    events = seed_events(app_env)
    at = click(run(), "venue_chart_0", "Kabul (AF)")
    at.button(key="clear_focus").click().run()
    assert len(table(at)) == events["event_id"].nunique()
    assert "venue" not in at.query_params
    at = click(run(), "venue_chart_0", "Kabul (AF)")
    at = click(at, "venue_chart_0")  # double-click: the selection empties
    assert len(table(at)) == events["event_id"].nunique()


def test_actor_bar_click_filters_by_actor(app_env):
    events = seed_events(app_env)
    with_khan = set(events.loc[events["actor"] == "Imran Khan", "event_id"])
    at = click(run(), "actor_chart_0", "Imran Khan")
    assert len(table(at)) == len(with_khan) >= 1
    assert all("Imran Khan" in p for p in table(at)["participants"])
    assert venues_on_map(at) == set(events.loc[events["event_id"].isin(with_khan)
                                               & (events["status"] == "held"), "place"])


def test_sidebar_filters_change_what_is_shown(app_env, media):
    events = seed_events(app_env)
    at = run()
    at.multiselect(key="actor").select("Abdullah Abdullah").run()
    assert all("Abdullah Abdullah" in p for p in table(at)["participants"])
    assert len(table(at)) == events.loc[events["actor"] == "Abdullah Abdullah",
                                        "event_id"].nunique()
    at.multiselect(key="actor").unselect("Abdullah Abdullah").run()
    at.text_input(key="q").input("Moscow").run()
    assert all("moscow" in s.lower() for s in table(at)["sentence"]) and len(table(at))
    _, rows = download(at, media, "Download events CSV")
    assert rows and all("moscow" in r["sentence"].lower() for r in rows)
    at.text_input(key="q").input("no such words anywhere").run()
    assert not at.exception and not at.dataframe
    assert any("No events match" in i.value for i in at.info)


def test_filters_come_from_the_url(app_env):
    events = seed_events(app_env)
    at = run({"status": ["cancelled"], "venue": ["Kabul (AF)"]})
    assert any("No events match" in i.value for i in at.info)  # Kabul had no cancelled event
    at = run({"status": ["cancelled"]})
    cancelled = events.loc[events["status"] == "cancelled", "event_id"].nunique()
    assert len(table(at)) == cancelled and set(table(at)["status"]) == {"cancelled"}


def test_selecting_a_row_shows_the_article_with_highlights(app_env):
    at = click(run(), "venue_chart_0", "Kabul (AF)")
    shown = at.dataframe[0].proto.id
    state_key = next(k for k in at.session_state
                     if str(k).startswith("events_table_") and str(k) in shown)
    at.session_state[state_key] = DataframeState({"selection": DataframeSelectionState(
        {"rows": [0], "columns": [], "cells": []})})
    # A browser resends every widget's state on each rerun; AppTest keeps a value set from the
    # test for one run only, so the map click is sent again with the row selection.
    at = click(at, "venue_chart_0", "Kabul (AF)")
    assert not at.exception
    html = " ".join(str(e.proto.body) for e in at.get("html"))
    assert "<mark" in html and "Kabul" in html


def test_missing_tables_are_built_from_seeds(tmp_path, monkeypatch):
    pytest.importorskip("etl.run", reason="the ETL's build_tables is not there yet")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text((Path(__file__).resolve().parents[2] / "seeds"
                                  / "000_0f3ca805edc1ce03.txt").read_text(encoding="utf-8"))
    monkeypatch.setenv("PARLEY_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("PARLEY_SEEDS", str(seeds))
    at = run()
    assert (tmp_path / "data" / "events.parquet").is_file()
    assert venues_on_map(at) == SEED_VENUES


def test_missing_tables_without_seeds_explain_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLEY_DATA", str(tmp_path / "nothing"))
    monkeypatch.setenv("PARLEY_SEEDS", "")
    at = run()
    assert at.error and "python -m etl" in at.error[0].value


UPLOAD = """GENEVA: Swiss Foreign Minister Ignazio Cassis met Iranian Foreign Minister
Javad Zarif in Geneva on Tuesday to discuss a prisoner exchange, officials said.
Published in Swissinfo, November 5th, 2019
"""


def test_uploaded_articles_can_be_explored_with_or_without_the_seed(app_env):
    pytest.importorskip("etl.run", reason="the ETL's build_tables is not there yet")
    at = run()
    at.sidebar.file_uploader[0].set_value([
        ("../../../tmp/evil name.txt", UPLOAD.encode(), "text/plain"),
    ]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("1 articles" in s.value for s in at.success)
    corpus = at.radio(key="corpus")
    assert corpus.value == "Both"
    caption = next(c.value for c in at.caption if "articles ·" in c.value)
    assert caption.startswith("2 articles")
    at.radio(key="corpus").set_value("My uploads").run()
    assert not at.exception
    captions = [c.value for c in at.caption if "articles ·" in c.value]
    if captions:  # the upload produced events: only they are shown
        assert captions[0].startswith("1 articles")
        assert not venues_on_map(at) & SEED_VENUES
    else:
        assert any("no events" in i.value for i in at.info)
    assert not Path("/tmp/evil name.txt").exists()


def test_uploader_accepts_only_the_etl_formats(app_env):
    at = run()
    uploader = at.sidebar.file_uploader[0]
    assert set(uploader.allowed_type) == {".txt", ".md", ".html", ".htm", ".jsonl", ".csv"}

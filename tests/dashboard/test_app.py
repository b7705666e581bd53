"""The page, headless (AppTest) on the seed tables: runs clean, filters and clicks change what
is shown, the downloads hold exactly the filtered rows."""

from __future__ import annotations

import base64
import csv
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.elements.arrow import DataframeSelectionState, DataframeState
from streamlit.elements.plotly_chart import PlotlySelectionState, PlotlyState
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest

from dashboard import build
from dashboard.export import DANGEROUS_FIRST
from tests.dashboard.conftest import FORMULA

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


# Written for this test. (With "Ignazio Cassis" as the Swiss minister the small English model
# does not see a person, so the names are ones it knows.)
UPLOAD = """GENEVA: Norwegian Foreign Minister Ine Eriksen Soreide met Iranian Foreign Minister
Javad Zarif in Geneva on Tuesday to discuss a prisoner exchange, officials said.
Published in Swissinfo, November 5th, 2019
"""
UPLOAD_ACTORS = {"Ine Eriksen Soreide", "Javad Zarif"}


def upload(at: AppTest, name: str = "../../../tmp/evil name.txt") -> AppTest:
    """Upload ``UPLOAD`` under ``name`` and build its tables, as the sidebar's button does."""
    at.sidebar.file_uploader[0].set_value([(name, UPLOAD.encode(), "text/plain")]).run()
    at.button(key="upload_go").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    return at


def test_uploaded_articles_can_be_explored_with_or_without_the_seed(app_env, media):
    at = upload(run())
    # One article telling one meeting of two people: one event, not its two actor rows.
    assert [s.value for s in at.success] == ["1 article, 1 event."]
    corpus = at.radio(key="corpus")
    assert corpus.value == "Both"
    caption = next(c.value for c in at.caption if "events shown" in c.value)
    seed_articles = len(pd.read_csv(app_env / "articles.csv", dtype=str))
    assert caption.startswith(f"{seed_articles + 1} articles")

    at.radio(key="corpus").set_value("My uploads").run()
    assert not at.exception
    captions = [c.value for c in at.caption if "events shown" in c.value]
    assert captions and captions[0].startswith("1 article ·"), captions
    # The one meeting the article reports, and nothing of the seed.
    assert venues_on_map(at) == {"Geneva"}
    assert bar_actors(at) == UPLOAD_ACTORS
    shown = table(at)
    assert len(shown) == 1
    event = shown.iloc[0]
    assert (event["place"], event["event_type"], event["status"]) == ("Geneva", "meeting", "held")
    assert set(event["participants"].split(", ")) == UPLOAD_ACTORS
    assert "2019-11-05" in str(event["date"])
    _, rows = download(at, media, "Download events CSV")
    assert {r["actor"] for r in rows} == UPLOAD_ACTORS
    assert {(r["place"], r["country_code"], r["date_start"]) for r in rows} == {
        ("Geneva", "CH", "2019-11-05")}
    assert not Path("/tmp/evil name.txt").exists()


def test_an_upload_dated_after_the_seed_is_shown_beside_it(app_env):
    at = upload(run())
    assert venues_on_map(at) == SEED_VENUES | {"Geneva"}
    assert bar_actors(at) >= UPLOAD_ACTORS
    assert not any("hidden by the date range" in c.value for c in at.caption)


def test_an_upload_without_the_etl_says_how_to_install_it(app_env, monkeypatch):
    def unavailable(*args, **kwargs):
        raise build.EtlUnavailableError("The ETL could not be imported (no module named "
                                        "'spacy'). Install the project with `pip install -e .`.")

    monkeypatch.setattr(build, "run_etl", unavailable)
    at = run()
    at.sidebar.file_uploader[0].set_value([("a.txt", UPLOAD.encode(), "text/plain")]).run()
    at.button(key="upload_go").click().run()
    assert [e.value for e in at.error] == [
        "The ETL could not be imported (no module named 'spacy'). Install the project with "
        "`pip install -e .`."]


def test_a_failed_upload_names_the_failure_in_one_sentence(app_env, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("the folder is read-only.")

    monkeypatch.setattr(build, "run_etl", broken)
    at = run()
    at.sidebar.file_uploader[0].set_value([("a.txt", UPLOAD.encode(), "text/plain")]).run()
    at.button(key="upload_go").click().run()
    assert [e.value for e in at.error] == [
        "Processing failed: the folder is read-only. Check the files' format and retry."]


def test_uploader_accepts_only_the_etl_formats(app_env):
    at = run()
    uploader = at.sidebar.file_uploader[0]
    assert set(uploader.allowed_type) == {".txt", ".md", ".html", ".htm", ".jsonl", ".csv"}


# Several articles report one event (the hand-made tables: the Kabul briefing twice, the
# Moscow talks three times).

def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table with these columns (tables without selection carry no key)."""
    for element in at.dataframe:
        if set(columns) <= set(element.value.columns):
            return element.value
    raise AssertionError(f"no table with {columns}")


def bar_counts(at: AppTest) -> dict[str, int]:
    """Actor -> bar length; plotly sends numbers as typed arrays."""
    out = {}
    for trace in chart(at, "actor_chart")["data"]:
        x = trace["x"]
        if isinstance(x, dict):
            x = np.frombuffer(base64.b64decode(x["bdata"]), dtype=x["dtype"]).tolist()
        out.update(zip(trace["y"], x, strict=True))
    return out


def pick_event(at: AppTest, place: str) -> AppTest:
    """Select the events table's row of the event at ``place``, as a click on it would."""
    shown = table(at)
    row = int((shown["place"] == place).to_numpy().nonzero()[0][0])
    key = next(k for k in at.session_state if str(k).startswith("events_table_")
               and str(k) in at.dataframe[0].proto.id)
    at.session_state[key] = DataframeState({"selection": DataframeSelectionState(
        {"rows": [row], "columns": [], "cells": []})})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_events_not_reports_in_table_map_and_charts(corpus_env, media):
    events = seed_events(corpus_env)
    assert len(events) > events.drop_duplicates(["event_id", "actor"]).shape[0]  # reports
    at = run()
    shown = table(at).set_index("place")
    assert len(table(at)) == events["event_id"].nunique() == 6
    assert shown.loc["Moscow", "n_sources"] == 3 and shown.loc["Kabul", "n_sources"] == 2
    assert shown.loc["Moscow", "reported_by"] == "Dawn, Kabul Courier, Eurasia Wire"
    marker = {row[1]: row[3] for row in chart(at, "venue_chart")["data"][0]["customdata"]}
    assert marker["Moscow"] == 1
    bars = bar_counts(at)
    assert bars["Russia"] == 1 and bars["Zalmay Khalilzad"] == 5
    # The download keeps both levels: one row per report and actor, with event and report ids.
    _, rows = download(at, media, "Download events CSV")
    assert len(rows) == len(events)
    assert {"event_id", "report_id", "article_id", "n_sources", "sources"} <= set(rows[0])
    moscow = [r for r in rows if r["event_id"] == "e6"]
    assert {r["report_id"] for r in moscow} == {"e6", "r6b", "r6c"}
    assert len({r["article_id"] for r in moscow}) == 3


def test_network_node_click_filters_the_page(corpus_env):
    at = run()
    net = chart(at, "network_chart")
    nodes = {row[0] for t in net["data"] if t.get("name") in ("person", "organization",
                                                              "country")
             for row in t["customdata"]}
    assert {"Zalmay Khalilzad", "Ashraf Ghani", "Russia"} <= nodes
    assert "Donald Trump" not in nodes  # only held events link actors
    at = click(at, "network_chart_0", "Ashraf Ghani")
    assert set(table(at)["place"]) == {"Kabul", ""}  # the briefing and the cancelled meeting
    assert all("Ashraf Ghani" in p for p in table(at)["participants"])
    assert at.query_params["focus"] in ("Ashraf Ghani", ["Ashraf Ghani"])
    assert any("actor" in m.value and "Ashraf Ghani" in m.value for m in at.markdown)
    # A bar click afterwards replaces the node's focus, as two bar clicks would.
    at = click(at, f"actor_chart_{at.session_state['version_actor']}", "Imran Khan")
    assert list(table(at)["place"]) == ["Islamabad"]
    at.button(key="clear_focus").click().run()
    assert len(table(at)) == 6 and "focus" not in at.query_params


def test_event_detail_lists_reports_reasons_and_surface_forms(corpus_env):
    at = pick_event(run(), "Moscow")
    reports = frame_with(at, "published", "publisher", "sentence")
    assert list(reports["publisher"]) == ["Eurasia Wire", "Kabul Courier", "Dawn"]
    assert set(reports["status"]) == {"held"}
    headings = " ".join(m.value for m in at.markdown)
    assert "talks in Moscow" in headings and "3 sources" in headings
    assert "merged into this event" in headings and "4 shared" in headings
    assert "short form of Zalmay Khalilzad" in headings
    forms = frame_with(at, "actor", "forms").set_index("actor")
    assert list(forms.loc["Zalmay Khalilzad", "forms"]) == ["Khalilzad", "Zalmay Khalilzad"]
    # The first report's article is shown until another report is picked.
    html = " ".join(str(e.proto.body) for e in at.get("html"))
    assert "sat down with" in html and "<mark" in html


def test_a_click_refills_the_events_table_and_drops_a_row_picked_before(app_env):
    """The table keeps its widget across clicks, so the browser refills it instead of building
    a new one; a row picked before the rows changed would point at another event, so then the
    table starts again unselected."""
    at = run()
    first = at.session_state["events_table_key"]
    at = click(at, "venue_chart_0", "Kabul (AF)")
    assert at.session_state["events_table_key"] == first and first in at.dataframe[0].proto.id
    at.session_state[first] = DataframeState({"selection": DataframeSelectionState(
        {"rows": [0], "columns": [], "cells": []})})
    at.button(key="clear_focus").click().run()
    assert at.session_state["events_table_key"] != first
    assert not any("Reports (" in m.value for m in at.markdown)  # no event detail
    assert len(table(at)) == seed_events(app_env)["event_id"].nunique()


def test_actors_expander_lists_surface_forms(corpus_env):
    at = run()
    assert not any({"events", "forms"} <= set(d.value.columns) for d in at.dataframe)
    at.session_state["actors_open"] = True
    at.run()
    actors = frame_with(at, "actor", "events", "forms").set_index("actor")
    assert actors.loc["Zalmay Khalilzad", "events"] == 5
    assert list(actors.loc["Ashraf Ghani", "forms"]) == ["Ashraf Ghani", "Ghani"]


def test_the_page_downloads_defuse_the_formula_in_the_tables(corpus_env, media):
    """The fixture's formula cell reaches the mentions table; both download buttons of the
    page, on the whole corpus and on a venue click, hand it over as text, never as a formula."""
    at = run()
    for view in (at, click(run(), "venue_chart_0", "Kabul (AF)")):
        _, mentions = download(view, media, "Download mentions CSV")
        hostile = [r for r in mentions if FORMULA in (r["text"], r["name"],
                                                     r["text"][1:], r["name"][1:])]
        assert hostile, "the formula mention is not in the download"
        assert {(r["text"], r["name"]) for r in hostile} == {("'" + FORMULA, "'" + FORMULA)}
        _, events = download(view, media, "Download events CSV")
        for rows in (mentions, events):
            cells = [v for r in rows for v in r.values() if v and not _number(v)]
            assert not [v for v in cells if v.startswith(DANGEROUS_FIRST)]


def _number(value: str) -> bool:
    """A numeric cell (-33.9 is a coordinate, left as a number, not a formula)."""
    try:
        float(value)
    except ValueError:
        return False
    return True

"""The coded events (``dashboard.index``): the page's fast path must say what the frame
functions say, page by page, and break ties the way ``Counter.most_common`` does."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dashboard import aggregate, network
from dashboard.data import one_chunk, read_tables
from dashboard.filters import Filters, filter_events, mention_rows, mentions_for, select
from dashboard.index import build_index, venue_key


def test_index_is_built_once_per_tables(tables):
    assert tables.index is tables.index
    assert tables.index.n_events == tables.events["event_id"].nunique()


def test_results_are_remembered_with_the_index_and_the_oldest_let_go(tables, monkeypatch):
    ix = build_index(tables.events, tables.articles)  # not the shared one: it is filled here
    monkeypatch.setattr("dashboard.index.RESULTS_KEPT", 2)
    calls = []

    def compute(key):
        calls.append(key)
        return [key]

    first = ix.remembered("a", lambda: compute("a"))
    assert ix.remembered("a", lambda: compute("a")) is first and calls == ["a"]
    ix.remembered("b", lambda: compute("b"))
    ix.remembered("a", lambda: compute("a"))  # used again: now the most recent
    ix.remembered("c", lambda: compute("c"))  # lets "b" go, the least recently used
    assert list(ix.results) == ["a", "c"] and calls == ["a", "b", "c"]


def test_a_view_of_the_same_selection_is_computed_once(tables):
    ix = build_index(tables.events, tables.articles)
    calls = []

    def count(index, mask):
        calls.append(int(mask.sum()))
        return int(mask.sum())

    everything, first = ix.everything(), np.zeros(ix.n_events, dtype=bool)
    first[0] = True
    assert ix.for_mask("view", everything, count) == ix.n_events
    assert ix.for_mask("view", everything.copy(), count) == ix.n_events  # equal, not the same
    assert ix.for_mask("view", first, count) == 1  # another selection
    assert ix.for_mask("other view", everything, count) == ix.n_events
    assert calls == [ix.n_events, 1, ix.n_events]


@pytest.mark.parametrize("f", [
    Filters(),
    Filters(venues=("Kabul (AF)",)),
    Filters(focus_actors=("Taliban",), statuses=("held",)),
    Filters(date_from=date(2019, 10, 25), date_to=date(2019, 10, 30), text="khalilzad"),
    Filters(venues=("Moscow (RU)",), focus_actors=("Zalmay Khalilzad",)),
])
def test_selection_matches_the_frame_filters(tables, f):
    ix = tables.index
    chosen = select(ix, f)
    expected = filter_events(tables.events, tables.articles, f)
    assert list(ix.rows(chosen.events)) == list(expected.index)
    assert list(mention_rows(ix, chosen.events)) == list(mentions_for(tables.mentions,
                                                                      expected).index)
    # A chart is not filtered by its own clicks.
    assert (chosen.map == select(ix, f.without("venues")).events).all()
    assert (chosen.actors == select(ix, f.without("focus_actors")).events).all()


def test_views_of_a_selection_match_the_frame_views(tables):
    f = Filters(statuses=("held",))
    chosen = select(tables.index, f)
    events = filter_events(tables.events, tables.articles, f)
    ix = tables.index
    pd.testing.assert_frame_equal(aggregate.venues_of(ix, chosen.events),
                                  aggregate.venues(events))
    pd.testing.assert_frame_equal(aggregate.actor_counts_of(ix, chosen.events),
                                  aggregate.actor_counts(events, tables.mentions))
    pd.testing.assert_frame_equal(aggregate.timeline_of(ix, chosen.events, "week"),
                                  aggregate.timeline(events, "week"))
    net, frame_net = network.network_of(ix, chosen.events), network.network(events)
    pd.testing.assert_frame_equal(net.nodes, frame_net.nodes)
    pd.testing.assert_frame_equal(net.edges, frame_net.edges)
    assert aggregate.undated_of(ix, select(ix, Filters()).events) == 2


def test_summary_pages_are_slices_of_the_whole_table(tables):
    ix = tables.index
    whole = aggregate.summary_of(ix, ix.everything())
    for start, stop in ((0, 2), (2, 4), (4, 100)):
        page = aggregate.summary_of(ix, ix.everything(), start, stop)
        pd.testing.assert_frame_equal(page, whole.iloc[start:stop].reset_index(drop=True))
    assert aggregate.summary_of(ix, ix.everything(), 50, 60).empty


def counter_venues(events: pd.DataFrame, top: int = 3) -> dict[str, str]:
    """The plain definition of a venue's top participants, for comparison."""
    out = {}
    for (place, cc), grp in events.groupby(["place", "country_code"]):
        pairs = grp.drop_duplicates(["event_id", "actor"])
        counts = Counter(a for a in pairs["actor"] if a)
        out[venue_key(place, cc)] = ", ".join(f"{a} ({n})" if n > 1 else a
                                              for a, n in counts.most_common(top))
    return out


@pytest.mark.parametrize("seed", range(5))
def test_top_participants_follow_counter_most_common(seed):
    rng = np.random.default_rng(seed)
    n = 400
    event = rng.integers(0, 120, n)
    place = np.array(["Doha", "Kabul", "Oslo", "Lima"], dtype=object)[event % 4]
    events = pd.DataFrame({
        "event_id": [f"e{e}" for e in event], "article_id": "a", "sentence_id": event,
        "event_type": "talks", "status": "held", "date_start": "2020-01-01",
        "date_end": "2020-01-01", "date_precision": "day", "place": place,
        "country_code": "XX", "lat": 1.0, "lon": 2.0, "geo_precision": "city",
        "actor": rng.choice(["A", "B", "C", "D", "E", ""], n), "actor_kind": "person",
        "sentence": "s"})
    got = aggregate.venues(events).set_index("venue")["participants"].to_dict()
    assert got == counter_venues(events)


def test_timeline_names_a_bounded_number_of_events(tables):
    many = pd.concat([tables.events[tables.events["event_id"] == "e1"].assign(event_id=f"x{i}")
                      for i in range(aggregate.LABELS_PER_BAR + 5)], ignore_index=True)
    bar = aggregate.timeline(many, "day").iloc[0]
    assert bar["n_events"] == aggregate.LABELS_PER_BAR + 5
    assert bar["events"].count("meeting in Islamabad") == aggregate.LABELS_PER_BAR
    assert bar["events"].endswith("… and 5 more")


def test_text_columns_are_arrow_strings_in_one_chunk(frames, tmp_path, table_writer):
    tables = read_tables(table_writer(frames, tmp_path / "t"))
    assert tables.events["actor"].dtype == "str"
    chunked = pd.concat([tables.events, tables.events], ignore_index=True)
    for frame in (tables.events, one_chunk(chunked)):
        arrow = pa.array(frame["sentence"])
        assert not isinstance(arrow, pa.ChunkedArray) or arrow.num_chunks == 1
    pd.testing.assert_frame_equal(one_chunk(chunked), chunked)


def test_index_of_empty_tables_filters_and_counts_nothing(tables):
    ix = build_index(tables.events.iloc[0:0], tables.articles, tables.mentions.iloc[0:0])
    chosen = select(ix, Filters(text="x", actors=("A",)))
    assert not chosen.events.any() and ix.date_bounds() is None
    assert aggregate.venues_of(ix, chosen.events).empty
    assert aggregate.timeline_of(ix, chosen.events, "day").empty
    assert aggregate.summary_of(ix, chosen.events).empty


def test_an_event_takes_its_most_precise_report():
    """One paper says "in October", another "on 28 October" in Doha: the event is dated the
    28th and drawn in Doha, whichever report came first."""
    base = {"event_id": "e", "article_id": "a", "sentence_id": 0, "event_type": "talks",
            "status": "held", "geo_precision": "city", "actor": "A", "actor_kind": "person",
            "sentence": "s", "country_code": "QA", "lat": 25.3, "lon": 51.5}
    events = pd.DataFrame([
        {**base, "report_id": "r1", "date_start": "2019-10-01", "date_end": "2019-10-31",
         "date_precision": "month", "place": "", "lat": np.nan, "lon": np.nan},
        {**base, "report_id": "r2", "article_id": "b", "date_start": "2019-10-28",
         "date_end": "2019-10-28", "date_precision": "day", "place": "Doha"},
        {**base, "report_id": "r3", "article_id": "c", "date_start": "2019-10-27",
         "date_end": "2019-10-27", "date_precision": "day", "place": "Doha"},
    ])
    ix = build_index(events)
    assert ix.n_events == 1 and list(ix.n_sources) == [3]
    assert ix.v_label[ix.label[0]] == "2019-10-28" and ix.v_venue[ix.venue[0]] == "Doha (QA)"
    assert list(ix.report_id[ix.event_reports(0)]) == ["r1", "r2", "r3"]


def test_publisher_and_text_match_any_report(tables):
    ix = tables.index
    kabul = select(ix, Filters(publishers=("Kabul Courier",))).events
    assert set(ix.event_id[kabul]) == {"e5", "e6"}
    assert set(ix.event_id[select(ix, Filters(text="sat down with")).events]) == {"e6"}

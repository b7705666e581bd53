"""Aggregations: venues for the map, actor counts, periods, co-occurrence, the events table."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import aggregate
from dashboard.filters import Filters, filter_events


def test_venues_are_held_events_with_coordinates(tables):
    v = aggregate.venues(tables.events).set_index("place")
    assert set(v.index) == {"Islamabad", "Kabul", "Moscow", "Doha"}  # planned/cancelled out
    assert v.loc["Kabul", "n_events"] == 1
    assert (v.loc["Kabul", "lat"], v.loc["Kabul", "lon"]) == (34.53, 69.17)
    assert v.loc["Kabul", "dates"] == "2019-W43"
    assert v.loc["Doha", "dates"] == "2019-10"
    assert "Ashraf Ghani" in v.loc["Kabul", "participants"]


def test_venues_count_events_not_rows(tables):
    extra = tables.events[tables.events["event_id"] == "e6"].assign(event_id="e7")
    v = aggregate.venues(pd.concat([tables.events, extra])).set_index("place")
    assert v.loc["Moscow", "n_events"] == 2
    assert v.iloc[0].name == "Moscow"  # biggest first
    assert "Zalmay Khalilzad (2)" in v.loc["Moscow", "participants"]


def test_actor_counts_by_events_and_mentions(tables):
    by_events = aggregate.actor_counts(tables.events, tables.mentions, by="events")
    top = by_events.iloc[0]
    assert (top["actor"], top["kind"], top["count"]) == ("Zalmay Khalilzad", "person", 5)
    assert by_events.set_index("actor").loc["Taliban", "kind"] == "organization"
    by_mentions = aggregate.actor_counts(tables.events, tables.mentions, by="mentions")
    assert set(by_mentions["kind"]) <= {"person", "organization", "country"}
    assert by_mentions.set_index("actor").loc["Taliban", "count"] == 3
    assert aggregate.actor_counts(tables.events, tables.mentions, top=2).shape[0] == 2


def test_actor_counts_empty(tables):
    empty = tables.events.iloc[0:0]
    assert aggregate.actor_counts(empty, tables.mentions.iloc[0:0]).empty


@pytest.mark.parametrize(("ids", "expected"), [
    (["e1"], "day"), (["e1", "e5"], "week"), (["e1", "e3"], "month"), ([], "day"),
])
def test_granularity_is_coarsest_precision(tables, ids, expected):
    events = tables.events[tables.events["event_id"].isin(ids)]
    assert aggregate.choose_granularity(events) == expected


def test_granularity_widens_with_span(tables):
    late = tables.events[tables.events["event_id"] == "e1"].assign(
        event_id="late", date_start="2022-01-05", date_end="2022-01-05")
    events = pd.concat([tables.events[tables.events["event_id"] == "e1"], late])
    assert aggregate.choose_granularity(events) == "month"


def test_timeline_counts_each_event_once(tables):
    weeks = aggregate.timeline(tables.events, "week")
    assert weeks["n_events"].sum() == 4  # dated events; undated ones are not drawn
    assert set(weeks["period"].dt.day_of_week) == {0}
    months = aggregate.timeline(tables.events, "month")
    assert list(months["period"].astype(str)) == ["2019-10-01"]


def test_counts_are_of_events_not_reports(tables):
    """The Moscow talks are told by three articles and the Kabul briefing by two: each is one
    event on the map, in the actor counts and on the timeline."""
    assert tables.events.loc[tables.events["event_id"] == "e6", "report_id"].nunique() == 3
    v = aggregate.venues(tables.events).set_index("place")
    assert v.loc["Moscow", "n_events"] == 1 and v.loc["Kabul", "n_events"] == 1
    assert "(" not in v.loc["Moscow", "participants"]  # nobody counted once per report
    counts = aggregate.actor_counts(tables.events, tables.mentions).set_index("actor")
    assert counts.loc["Russia", "count"] == 1 and counts.loc["Abdullah Abdullah", "count"] == 1
    assert aggregate.timeline(tables.events, "week")["n_events"].sum() == 4


def test_event_summary_one_row_per_event_with_provenance(tables):
    kabul = filter_events(tables.events, tables.articles, Filters(venues=("Kabul (AF)",)))
    s = aggregate.event_summary(kabul, tables.articles)
    assert len(s) == 1
    row = s.iloc[0]
    assert row["participants"] == "Zalmay Khalilzad, Ashraf Ghani, Abdullah Abdullah"
    assert row["title"] == tables.articles.iloc[0]["title"]
    assert "Kabul" in row["sentence"]
    assert (row["n_sources"], row["reported_by"]) == (2, "Dawn, Kabul Courier")
    whole = aggregate.event_summary(tables.events, tables.articles)
    assert len(whole) == tables.events["event_id"].nunique()
    assert whole.set_index("event_id").loc["e6", "n_sources"] == 3
    assert list(whole["date_start"].iloc[-2:]) == ["", ""]  # undated last


@pytest.mark.parametrize(("args", "label"), [
    (("2019-10-28", "2019-10-28", "day"), "2019-10-28"),
    (("2019-10-21", "2019-10-27", "week"), "2019-W43"),
    (("2019-10-01", "2019-10-31", "month"), "2019-10"),
    (("2019-01-01", "2019-12-31", "year"), "2019"),
    (("", "", ""), ""),
])
def test_date_label(args, label):
    assert aggregate.date_label(*args) == label


def test_a_venue_with_many_dates_lists_what_its_hover_line_shows(tables):
    from dashboard.labels import HOVER_CHARS, plain

    kabul = tables.events[(tables.events["place"] == "Kabul")
                          & (tables.events["status"] == "held")].iloc[:1]
    days = pd.date_range("2019-01-01", periods=80, freq="D").strftime("%Y-%m-%d")
    many = pd.concat([kabul.assign(event_id=f"k{i}", report_id=f"k{i}", date_start=d,
                                   date_end=d, date_precision="day")
                      for i, d in enumerate(days)], ignore_index=True)
    dates = aggregate.venues(many).set_index("place").loc["Kabul", "dates"]
    assert dates.split(", ") == list(days[:aggregate.DATES_JOINED])
    assert plain(dates) == plain(", ".join(days))  # the hover line is the same
    assert len(", ".join(days)) > len(dates) > HOVER_CHARS

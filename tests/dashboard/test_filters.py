"""Filters act on whole events and every view derives from them."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from dashboard import filters
from dashboard.filters import (
    NO_PUBLISHER,
    Filters,
    filter_events,
    mention_count,
    mention_rows,
    mentions_for,
    row_count,
    select,
    venue_key,
    venue_keys,
)
from dashboard.index import build_index


def ids(frame: pd.DataFrame) -> set[str]:
    return set(frame["event_id"])


def test_no_filter_keeps_everything(tables):
    assert filter_events(tables.events, tables.articles, Filters()).equals(tables.events)


def test_venue_keeps_whole_events_of_that_venue(tables):
    out = filter_events(tables.events, tables.articles, Filters(venues=("Kabul (AF)",)))
    assert ids(out) == {"e5"}
    assert set(out["actor"]) == {"Zalmay Khalilzad", "Ashraf Ghani", "Abdullah Abdullah"}


def test_actor_filter_keeps_co_participants(tables):
    out = filter_events(tables.events, tables.articles, Filters(actors=("Imran Khan",)))
    assert ids(out) == {"e1"}
    assert set(out["actor"]) == {"Imran Khan", "Zalmay Khalilzad"}


def test_actor_and_focus_actor_both_apply(tables):
    f = Filters(actors=("Zalmay Khalilzad",), focus_actors=("Taliban",))
    assert ids(filter_events(tables.events, tables.articles, f)) == {"e3"}


@pytest.mark.parametrize(("date_from", "date_to", "expected"), [
    # The week 21-27 Oct overlaps a range ending on the 21st; the month event overlaps too.
    (date(2019, 10, 15), date(2019, 10, 21), {"e3", "e5", "e6", "e2", "e4"}),
    (date(2019, 10, 28), date(2019, 10, 28), {"e1", "e3", "e2", "e4"}),
    (date(2019, 11, 1), date(2019, 11, 30), {"e2", "e4"}),
])
def test_date_range_keeps_overlapping_and_undated(tables, date_from, date_to, expected):
    f = Filters(date_from=date_from, date_to=date_to)
    assert ids(filter_events(tables.events, tables.articles, f)) == expected


def test_hide_undated(tables):
    f = Filters(date_from=date(2019, 11, 1), date_to=date(2019, 11, 30), hide_undated=True)
    assert filter_events(tables.events, tables.articles, f).empty
    assert ids(filter_events(tables.events, tables.articles, Filters(hide_undated=True))) == {
        "e1", "e3", "e5", "e6"}


def test_missing_end_date_counts_as_start(tables):
    events = tables.events.copy()
    events.loc[events["event_id"] == "e1", "date_end"] = ""
    f = Filters(date_from=date(2019, 10, 28), date_to=date(2019, 10, 28), hide_undated=True)
    assert "e1" in ids(filter_events(events, tables.articles, f))


def test_status_type_place_text_and_source(tables):
    ev, art = tables.events, tables.articles
    assert ids(filter_events(ev, art, Filters(statuses=("cancelled",)))) == {"e4"}
    assert ids(filter_events(ev, art, Filters(event_types=("talks",)))) == {"e3", "e6"}
    assert ids(filter_events(ev, art, Filters(places=("Islamabad (PK)",)))) == {"e1", "e2"}
    assert ids(filter_events(ev, art, Filters(text="MOSCOW"))) == {"e6"}
    assert ids(filter_events(ev, art, Filters(publishers=("Dawn",)))) == ids(ev)
    assert filter_events(ev, art, Filters(publishers=(NO_PUBLISHER,))).empty


def test_a_search_scans_the_sentences_once_and_its_result_stays(tables, monkeypatch):
    ix = build_index(tables.events, tables.articles)  # not the shared one: it is filled here
    scanned = []
    scan = filters.pc.match_substring
    monkeypatch.setattr(filters.pc, "match_substring",
                        lambda *args, **kw: scanned.append(args[1]) or scan(*args, **kw))
    first = select(ix, Filters(text="talks")).events.copy()
    assert first.any() and not first.all()
    assert not select(ix, Filters(text="talks", statuses=("planned",))).events.all()
    assert (select(ix, Filters(text="talks")).events == first).all()  # not narrowed in place
    assert scanned == ["talks"]


def test_text_search_is_literal_not_regex(tables):
    assert filter_events(tables.events, tables.articles, Filters(text="(.*")).empty


def test_without_clears_only_named_fields():
    f = Filters(venues=("Kabul (AF)",), focus_actors=("Taliban",), statuses=("held",))
    assert f.without("venues") == Filters(focus_actors=("Taliban",), statuses=("held",))
    assert not f.is_default() and Filters().is_default()


def test_mentions_for_follows_event_sentences(tables):
    kabul = filter_events(tables.events, tables.articles, Filters(venues=("Kabul (AF)",)))
    out = mentions_for(tables.mentions, kabul)
    # Both reports of the Kabul briefing: the seed's sentence 8 and the Courier's sentence 0.
    said = set(zip(out["article_id"], out["sentence_id"], strict=True))
    assert said == {("a0f3ca805edc1ce03", 8), ("a1b2c3d4e5f607182", 0)}
    assert mentions_for(tables.mentions, kabul.iloc[0:0]).empty


def test_venue_keys_match_venue_key(tables):
    expected = [venue_key(p, c) for p, c in zip(tables.events["place"],
                                                  tables.events["country_code"], strict=True)]
    assert list(venue_keys(tables.events)) == expected
    assert venue_key("", "AF") == "" and venue_key("Gaza", "") == "Gaza"


def test_a_network_edge_keeps_the_events_both_actors_attended(tables):
    from dashboard.selection import PAIR_SEP

    pair = Filters(focus_actors=("Zalmay Khalilzad" + PAIR_SEP + "Taliban",))
    assert ids(filter_events(tables.events, tables.articles, pair)) == {"e3"}
    either = Filters(focus_actors=("Zalmay Khalilzad", "Taliban"))
    assert ids(filter_events(tables.events, tables.articles, either)) > {"e3"}


def test_hidden_undated_counts_what_a_date_range_hides(tables):
    from dashboard.filters import hidden_undated
    from dashboard.index import build_index

    ix = build_index(tables.events, tables.articles)
    ranged = Filters(date_from=date(2019, 10, 1), date_to=date(2019, 10, 31), hide_undated=True)
    assert hidden_undated(ix, ranged) == 2  # e2 planned, e4 cancelled
    assert hidden_undated(ix, Filters(date_from=date(2019, 10, 1),
                                      date_to=date(2019, 10, 31))) == 0


@pytest.mark.parametrize("f", [Filters(), Filters(venues=("Kabul (AF)",)), Filters(text="talks"),
                               Filters(statuses=("planned",)), Filters(text="no such words")])
def test_download_sizes_are_counted_without_finding_the_rows(tables, f):
    ix = tables.index
    mask = select(ix, f).events
    assert row_count(ix, mask) == len(ix.rows(mask))
    assert mention_count(ix, mask) == len(mention_rows(ix, mask))

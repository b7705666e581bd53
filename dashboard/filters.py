"""Pure filters over the events: the one definition of "what the user is looking at".

Filters act on whole events: an event is kept or dropped with all its rows (every report, every
actor), so a filter on one participant still shows everyone who was at that meeting, and a
filter on a publisher or a phrase keeps an event when any of its reports matches. They work on
the coded events (``index.EventIndex``) and return a mask with one entry per event; every view
and both downloads derive from ``select`` (and ``mention_rows``), so they cannot disagree.
``filter_events`` and ``mentions_for`` do the same on plain frames.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from dashboard.index import (
    NO_PUBLISHER,
    EventIndex,
    build_index,
    matching,
    publisher_labels,
    venue_key,
    venue_keys,
)
from dashboard.selection import PAIR_SEP

__all__ = ["NO_PUBLISHER", "Filters", "Selection", "event_mask", "filter_events", "hidden_undated",
           "mention_rows", "mentions_for", "publisher_labels", "select", "venue_key",
           "venue_keys"]

@dataclass(frozen=True)
class Filters:
    """The user's choices; empty tuples and None mean "no restriction"."""

    date_from: date | None = None
    date_to: date | None = None
    hide_undated: bool = False
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    publishers: tuple[str, ...] = ()
    text: str = ""
    # Set by clicking a map marker or an actor bar (cross-filtering), not by the sidebar.
    venues: tuple[str, ...] = ()
    focus_actors: tuple[str, ...] = ()

    def without(self, *names: str) -> Filters:
        """The same filters with some cleared: a chart is not filtered by its own clicks."""
        defaults: dict[str, Any] = {f.name: f.default for f in fields(self) if f.name in names}
        return replace(self, **defaults)

    def is_default(self) -> bool:
        return self == Filters()


@dataclass(frozen=True)
class Selection:
    """Event masks of one rerun. A chart is not filtered by its own clicks, so the map sees the
    events without the venue click and the actor bars those without the actor click."""

    events: np.ndarray
    map: np.ndarray
    actors: np.ndarray
    hidden_undated: int = 0  # undated events that pass every filter but the date range


def _with_actors(ix: EventIndex, wanted: tuple[str, ...]) -> np.ndarray:
    """Events with at least one of the wanted participants; an entry that joins several
    actors by ``PAIR_SEP`` (a clicked network edge) wants events with all of them."""
    keep = np.zeros(ix.n_events, dtype=bool)
    single = tuple(w for w in wanted if PAIR_SEP not in w)
    keep[ix.row_event[matching(ix.row_actor, ix.v_actor, single)]] = True
    for group in (w.split(PAIR_SEP) for w in wanted if PAIR_SEP in w):
        every = np.ones(ix.n_events, dtype=bool)
        for actor in group:
            one = np.zeros(ix.n_events, dtype=bool)
            one[ix.row_event[matching(ix.row_actor, ix.v_actor, (actor,))]] = True
            every &= one
        keep |= every
    return keep


def _any_report(ix: EventIndex, reports: np.ndarray) -> np.ndarray:
    """Events with at least one of the masked reports."""
    keep = np.zeros(ix.n_events, dtype=bool)
    keep[ix.report_event[reports]] = True
    return keep


def _dates(ix: EventIndex, f: Filters) -> np.ndarray:
    """Events whose [start, end] overlaps the range; undated ones unless hidden.

    ``v_date`` is sorted, so comparing codes compares the ISO strings.
    """
    mask = ix.dated.copy()
    if f.date_to is not None:
        mask &= ix.start < np.searchsorted(ix.v_date, f.date_to.isoformat(), side="right")
    if f.date_from is not None:
        mask &= ix.end >= np.searchsorted(ix.v_date, f.date_from.isoformat(), side="left")
    return mask | (~ix.dated & (not f.hide_undated))


def _text(ix: EventIndex, text: str) -> np.ndarray:
    """Events one of whose reports' sentences contains the text, any case; kept with the
    index, since every click after a search filters by it again (a scan of all sentences:
    250 ms on 10M rows)."""
    def search() -> np.ndarray:
        hits = pc.match_substring(ix.report_sentence, text, ignore_case=True)
        return _any_report(ix, hits.to_numpy(zero_copy_only=False))

    return ix.remembered(("text", text), search)


def event_mask(ix: EventIndex, f: Filters) -> np.ndarray:
    """The events that pass every filter, one boolean per event code."""
    mask = _dates(ix, f)
    for values, codes, vocabulary in (
            (f.places, ix.venue, ix.v_venue), (f.venues, ix.venue, ix.v_venue),
            (f.event_types, ix.event_type, ix.v_type), (f.statuses, ix.status, ix.v_status)):
        if values:
            mask &= matching(codes, vocabulary, values)
    if f.publishers:
        mask &= _any_report(ix, matching(ix.publisher, ix.v_publisher, f.publishers))
    if f.text.strip():
        mask &= _text(ix, f.text.strip())
    for wanted in (f.actors, f.focus_actors):
        if wanted:
            mask &= _with_actors(ix, wanted)
    return mask


def select(ix: EventIndex, f: Filters) -> Selection:
    """The masks for one rerun, sharing the sidebar filters' work between them. Hiding the
    undated events only removes them from what the other filters keep, so the one pass also
    counts how many the date range hides."""
    base = event_mask(ix, f.without("venues", "focus_actors", "hide_undated"))
    venue = matching(ix.venue, ix.v_venue, f.venues) if f.venues else True
    actor = _with_actors(ix, f.focus_actors) if f.focus_actors else True
    hidden = 0
    if f.hide_undated:
        hidden = int((base & venue & actor & ~ix.dated).sum())
        base = base & ix.dated
    return Selection(events=base & venue & actor, map=base & actor, actors=base & venue,
                     hidden_undated=hidden)


def hidden_undated(ix: EventIndex, f: Filters) -> int:
    """How many undated events would pass every other filter but are hidden: a date range
    cannot place them, so the page says how many it leaves out."""
    return select(ix, f).hidden_undated


def mention_rows(ix: EventIndex, events: np.ndarray) -> np.ndarray:
    """Positions of the mentions in the sentences of the masked events' reports."""
    return np.flatnonzero(_sentences_of(ix, events)[ix.m_sentence_key])


def _sentences_of(ix: EventIndex, events: np.ndarray) -> np.ndarray:
    """A mask of sentence keys: the sentences of the masked events' reports (the last key,
    -1, is the mentions' "no event")."""
    wanted = np.zeros(len(ix.m_key_count) + 1, dtype=bool)
    wanted[ix.sentence_key[ix.reports(events)]] = True
    return wanted


def mention_count(ix: EventIndex, events: np.ndarray) -> int:
    """``len(mention_rows(...))`` from counts per sentence, without a pass over the mentions."""
    return int(ix.m_key_count[_sentences_of(ix, events)[:-1]].sum())


def row_count(ix: EventIndex, events: np.ndarray) -> int:
    """``len(ix.rows(events))`` from each event's row count."""
    return int(np.diff(ix.event_ptr)[events].sum())


def filter_events(events: pd.DataFrame, articles: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The tidy rows of every event that passes all filters (for frames without an index)."""
    if f.is_default():
        return events  # the first view of every session: no work on a million rows
    ix = build_index(events, articles)
    return events.iloc[ix.rows(event_mask(ix, f))]


def mentions_for(mentions: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Mentions in the sentences that describe the given events (what the filters show)."""
    ix = build_index(events, mentions=mentions)
    return mentions.iloc[mention_rows(ix, ix.everything())]

"""Pure filters over the tidy events table: the one definition of "what the user is looking at".

Filters act on whole events: an event is kept or dropped with all its (event, actor) rows, so a
filter on one participant still shows everyone who was at that meeting. Every view and both
downloads are computed from ``filter_events`` (and ``mentions_for``), so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

import pandas as pd

NO_PUBLISHER = "(no publisher)"


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


def venue_key(place: str, country_code: str) -> str:
    """How a venue is named in filters, URLs and marker customdata: "Kabul (AF)"."""
    if not place:
        return ""
    return f"{place} ({country_code})" if country_code else place


def venue_keys(events: pd.DataFrame) -> pd.Series:
    """``venue_key`` for every row, vectorised."""
    place = events["place"].astype(str)
    cc = events["country_code"].astype(str)
    keys = place.where(cc == "", place + " (" + cc + ")")
    return keys.where(place != "", "")


def publisher_labels(articles: pd.DataFrame) -> pd.Series:
    """article_id -> publisher as shown in the source filter (blank becomes a visible label)."""
    pub = articles["publisher"].astype(str).where(articles["publisher"] != "", NO_PUBLISHER)
    return pd.Series(pub.to_numpy(), index=articles["article_id"].to_numpy())


def date_mask(events: pd.DataFrame, f: Filters) -> pd.Series:
    """Rows whose [date_start, date_end] overlaps the range; undated rows unless hidden.

    ISO dates compare correctly as strings, which keeps this fast on large tables.
    """
    start = events["date_start"].astype(str)
    end = events["date_end"].astype(str).where(events["date_end"] != "", start)
    dated = start != ""
    mask = pd.Series(True, index=events.index)
    if f.date_to is not None:
        mask &= start <= f.date_to.isoformat()
    if f.date_from is not None:
        mask &= end >= f.date_from.isoformat()
    return (mask & dated) | (~dated & (not f.hide_undated))


def filter_events(events: pd.DataFrame, articles: pd.DataFrame, f: Filters) -> pd.DataFrame:
    """The tidy rows of every event that passes all filters."""
    mask = date_mask(events, f)
    if f.places or f.venues:
        keys = venue_keys(events)
        if f.places:
            mask &= keys.isin(f.places)
        if f.venues:
            mask &= keys.isin(f.venues)
    if f.event_types:
        mask &= events["event_type"].isin(f.event_types)
    if f.statuses:
        mask &= events["status"].isin(f.statuses)
    if f.publishers:
        pubs = events["article_id"].map(publisher_labels(articles)).fillna(NO_PUBLISHER)
        mask &= pubs.isin(f.publishers)
    if f.text.strip():
        mask &= events["sentence"].str.contains(f.text.strip(), case=False, regex=False)
    keep = set(events.loc[mask, "event_id"])
    for wanted in (f.actors, f.focus_actors):
        if wanted:
            keep &= set(events.loc[events["actor"].isin(wanted), "event_id"])
    return events[events["event_id"].isin(keep)]


def mentions_for(mentions: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """Mentions in the sentences that describe the given events (what the filters show)."""
    if events.empty:
        return mentions.iloc[0:0]
    wanted = pd.MultiIndex.from_frame(events[["article_id", "sentence_id"]].drop_duplicates())
    have = pd.MultiIndex.from_frame(mentions[["article_id", "sentence_id"]])
    return mentions[have.isin(wanted)]

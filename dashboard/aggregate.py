"""Pure aggregations of the selected events into what each view draws (venues, actors, periods,
the table). Every count is of events (distinct ``event_id``), never of reports: a meeting told
by three articles is one marker, one bar unit per participant, one timeline unit.

Each view has two entry points: ``*_of(ix, mask)`` on the coded events (``index.EventIndex``)
and an event mask, which the page uses on every rerun, and a function of the same name without
the suffix on plain frames (it builds a throwaway index). Both run the same code, so they
cannot disagree; neither needs Streamlit or plotly.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.filters import mention_rows
from dashboard.index import (
    ACTOR_KINDS,
    NO_PUBLISHER,
    PRECISION_RANK,
    EventIndex,
    build_index,
    date_label,
    matching,
)
from dashboard.labels import HOVER_CHARS, card_lines, plain

__all__ = ["ACTOR_KINDS", "PAGE_ROWS", "PRECISION_RANK", "Granularity", "actor_counts",
           "actor_counts_of", "choose_granularity", "date_label", "event_summary",
           "granularity_of", "summary_of", "timeline", "timeline_of", "undated_by_status_of",
           "undated_of", "venues", "venues_of"]

Granularity = Literal["day", "week", "month"]
SUMMARY_COLUMNS = ["event_id", "date", "place", "participants", "event_type", "status",
                   "n_sources", "reported_by", "sentence", "title", "article_id", "sentence_id",
                   "date_start", "event_code"]
PAGE_ROWS = 1_000  # events per page of the table: the browser gets a page, not the corpus
LABELS_PER_BAR = 20  # events named in a timeline bar's hover; the rest are counted
# A venue's dates listed for its hover card, whose line shows HOVER_CHARS characters: each
# date and its separator take more than two, so these fill it, and a venue with a thousand
# dates no longer joins them all on every rerun.
DATES_JOINED = HOVER_CHARS // 2


def _starts(keys: np.ndarray) -> np.ndarray:
    """Where each run of equal keys begins, for keys sorted into runs."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])


def _ranks(keys: np.ndarray) -> np.ndarray:
    """Each item's position within its run of equal keys (keys sorted into runs)."""
    starts = _starts(keys)
    return np.arange(len(keys)) - np.repeat(starts, np.diff(np.r_[starts, len(keys)]))


def summary_of(ix: EventIndex, mask: np.ndarray, start: int = 0, stop: int | None = None
               ) -> pd.DataFrame:
    """Rows ``start:stop`` of the table, one per event: date, place, participants, type, status,
    how many articles reported it and by whom, and the provenance of its representative report
    (sentence, article). Dated events first, in time order; undated ones last, in reading order.
    ``event_code`` is the event's code in the index, for its detail view.

    Only the rows asked for are built, from the index alone: a page of a million-row selection
    stays cheap, and a corpus mapped from disk is not read for it.
    """
    page = ix.order[mask[ix.order]][start:stop]
    if not len(page):
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    participants, reported_by = [], []
    for e in page:
        participants.append(", ".join(dict.fromkeys(
            a for a in ix.v_actor[ix.row_actor[ix.event_rows(e)]] if a)))
        reported_by.append(", ".join(dict.fromkeys(  # only publishers that are known
            p for p in ix.v_publisher[ix.publisher[ix.event_reports(e)]] if p != NO_PUBLISHER)))
    labels = ix.v_label[ix.label[page]]
    articles = ix.v_article.to_numpy(dtype=object)[ix.article[page]]
    sentences = ix.report_sentence.take(pa.array(ix.row_report[ix.first_row[page]]))
    out = pd.DataFrame({
        "event_id": np.asarray(ix.event_id[page], dtype=object),
        "date": np.where(labels == "", "undated", labels),
        "place": ix.v_place[ix.place[page]],
        "participants": np.array(participants, dtype=object),
        "event_type": ix.v_type[ix.event_type[page]],
        "status": ix.v_status[ix.status[page]],
        "n_sources": ix.n_sources[page].astype(np.int64),
        "reported_by": np.array(reported_by, dtype=object),
        "sentence": sentences.to_numpy(zero_copy_only=False).astype(object),
        "title": ix.titles.reindex(articles).fillna("").to_numpy(dtype=object),
        "article_id": articles,
        "sentence_id": ix.sentence_id[page].astype(np.int64),
        "date_start": ix.v_date[ix.start[page]],
        "event_code": page,
    })
    return out[SUMMARY_COLUMNS]


def event_summary(events: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """``summary_of`` every event of a frame."""
    ix = build_index(events, articles)
    return summary_of(ix, ix.everything())


def _joined(groups: np.ndarray, texts: np.ndarray, most: int | None = None) -> dict[int, str]:
    """", ".join of the (first ``most``) texts of each group; ``groups`` sorted."""
    if not len(groups):
        return {}
    starts = _starts(groups)
    ends = np.r_[starts[1:], len(groups)]
    if most is not None:
        ends = np.minimum(ends, starts + most)
    return {int(groups[s]): ", ".join(texts[s:e]) for s, e in zip(starts, ends, strict=True)}


def _top_per_group(group: np.ndarray, counts: np.ndarray, first: np.ndarray, top: int
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The ``top`` items of each group by count, ties by ``first``, as Counter.most_common
    does: (item positions, their rank). ``group`` is sorted; a few linear passes, no sort.

    Count and first appearance make one score, distinct per item, so each rank is one
    maximum per group."""
    starts = _starts(group)
    if not len(starts):
        return starts, starts
    first = first.astype(np.int64)
    latest = int(first.max())
    score = counts.astype(np.int64) * (latest + 1) + (latest - first)
    of_group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(group)]))
    picked, ranks = [], []
    for rank in range(top):
        best = np.maximum.reduceat(score, starts)
        pick = np.flatnonzero((score == best[of_group]) & (score >= 0))
        picked.append(pick)
        ranks.append(np.full(len(pick), rank))
        score[pick] = -1
    return np.concatenate(picked), np.concatenate(ranks)


def venues_of(ix: EventIndex, mask: np.ndarray, *, statuses: tuple[str, ...] = ("held",),
              top: int = 3) -> pd.DataFrame:
    """One row per venue with coordinates: its events, dates and most frequent participants.

    The index keeps events and rows pre-sorted by venue, so this is a few linear passes.
    """
    cols = ["venue", "place", "country_code", "lat", "lon", "n_events", "dates", "participants"]
    keep = mask & ix.has_coords & matching(ix.status, ix.v_status, statuses)
    chosen = ix.by_venue[keep[ix.by_venue]]  # by venue, then in table order
    if not len(chosen):
        return pd.DataFrame(columns=cols)
    at = _starts(ix.venue[chosen])
    present = ix.venue[chosen[at]]
    n_events = np.diff(np.r_[at, len(chosen)])
    first = chosen[at]  # the venue's first event gives its place

    in_label = keep[ix.by_venue_label]
    by_label = ix.by_venue_label[in_label]
    pairs = by_label[_starts(ix.venue_label_key[in_label])]
    pairs = pairs[(ix.v_label != "")[ix.label[pairs]]]
    dates = _joined(ix.venue[pairs], ix.v_label[ix.label[pairs]], most=DATES_JOINED)

    # (venue, actor) counts over distinct (event, actor) pairs, ties in order of appearance.
    in_pair = keep[ix.venue_actor_event]
    rows, who = ix.by_venue_actor[in_pair], ix.venue_actor_key[in_pair]
    starts = _starts(who)
    counts = np.diff(np.r_[starts, len(who)])
    pair_venue = who[starts] // len(ix.v_actor)
    picked, rank = _top_per_group(pair_venue, counts, rows[starts], top)
    picked = picked[np.lexsort((rank, pair_venue[picked]))]
    names = ix.v_actor[who[starts][picked] % len(ix.v_actor)]
    n = counts[picked]
    shown = np.where(n > 1, names + " (" + n.astype(str).astype(object) + ")", names)
    participants = _joined(pair_venue[picked], shown)

    out = pd.DataFrame({
        "venue": ix.v_venue[present],
        "place": ix.v_place[ix.place[first]],
        "country_code": ix.v_country[ix.country[first]],
        "lat": ix.lat[first],
        "lon": ix.lon[first],
        "n_events": n_events,
        "dates": [dates.get(int(v), "undated") for v in present],
        "participants": [participants.get(int(v), "") for v in present],
    })
    # Venue codes follow the sorted keys, so a stable sort by count keeps ties by name.
    return out[cols].sort_values("n_events", ascending=False, kind="stable").reset_index(
        drop=True)


def venues(events: pd.DataFrame, *, statuses: tuple[str, ...] = ("held",), top: int = 3
           ) -> pd.DataFrame:
    """``venues_of`` every event of a frame."""
    ix = build_index(events)
    return venues_of(ix, ix.everything(), statuses=statuses, top=top)


def _top(actors: np.ndarray, kinds: np.ndarray, codes: np.ndarray, top: int) -> pd.DataFrame:
    """The ``top`` most frequent (actor, kind) codes, most frequent first, ties by name."""
    counts = np.bincount(codes, minlength=len(actors))
    seen = np.flatnonzero(counts)
    frame = pd.DataFrame({"actor": actors[seen], "kind": kinds[seen], "count": counts[seen]})
    frame = frame.sort_values(["count", "actor"], ascending=[False, True], kind="stable")
    return frame.head(top).reset_index(drop=True)


def actor_counts_of(ix: EventIndex, mask: np.ndarray, *,
                    by: Literal["events", "mentions"] = "events", top: int = 15,
                    mentions: np.ndarray | None = None) -> pd.DataFrame:
    """The most frequent actors: events they took part in, or times they were mentioned.

    ``mentions`` (positions in the mentions table) defaults to those in the sentences of the
    selected events.
    """
    if by == "events":
        rows = ix.pair_first & mask[ix.row_event]
        return _top(ix.row_pair_actor, ix.row_pair_kind, ix.row_actor_kind[rows], top)
    codes = ix.m_actor_kind[mention_rows(ix, mask) if mentions is None else mentions]
    return _top(ix.mention_pair_actor, ix.mention_pair_kind, codes[codes >= 0], top)


def actor_counts(events: pd.DataFrame, mentions: pd.DataFrame, *,
                 by: Literal["events", "mentions"] = "events", top: int = 15) -> pd.DataFrame:
    """``actor_counts_of`` every event and every mention of the frames."""
    ix = build_index(events, mentions=mentions)
    return actor_counts_of(ix, ix.everything(), by=by, top=top,
                           mentions=np.arange(len(mentions)))


def granularity_of(ix: EventIndex, mask: np.ndarray) -> Granularity:
    """The finest bin that does not pretend: the coarsest precision present (at most month).

    An event dated "in October" must not appear as a spike on 1 October.
    """
    dated = mask & ix.dated
    if not dated.any():
        return "day"
    rank = int(ix.precision_rank[dated].max())
    days = ix.v_period["day"]
    span = pd.Timestamp(days[ix.start[dated].max()]) - pd.Timestamp(days[ix.start[dated].min()])
    span_days = 0 if pd.isna(span) else span.days
    if span_days > 2 * 365:
        rank = max(rank, 2)
    elif span_days > 120:
        rank = max(rank, 1)
    return ("day", "week", "month")[min(rank, 2)]


def choose_granularity(events: pd.DataFrame) -> Granularity:
    """``granularity_of`` every event of a frame."""
    ix = build_index(events)
    return granularity_of(ix, ix.everything())


def timeline_of(ix: EventIndex, mask: np.ndarray, granularity: Granularity) -> pd.DataFrame:
    """Events per period and status; each event counted once, at the start of its date.

    ``events`` names the first events of each bar (its hover text), not all of them.
    """
    cols = ["period", "status", "n_events", "events"]
    # Periods are coded once per distinct date (thousands), not per event (millions).
    date_period, periods = pd.factorize(ix.v_period[granularity], sort=True)
    chosen = np.flatnonzero(mask & ix.dated)
    period_code = date_period[ix.start[chosen]]
    chosen, period_code = chosen[period_code >= 0], period_code[period_code >= 0]
    if not len(chosen):
        return pd.DataFrame(columns=cols)
    key = period_code.astype(np.int64) * len(ix.v_status) + ix.status[chosen]
    if key.max() < 2**16:  # numpy sorts 16-bit keys stably in one linear (radix) pass
        key = key.astype(np.uint16)
    order = np.argsort(key, kind="stable")  # within a bar, events in table order
    starts, rank = _starts(key[order]), _ranks(key[order])
    named = order[rank < LABELS_PER_BAR]
    distinct, at = np.unique(ix.what[chosen[named]], return_inverse=True)
    texts = np.array([plain(what) for what in ix.v_what[distinct]], dtype=object)[at]
    sizes = np.diff(np.r_[starts, len(order)])
    cuts = np.searchsorted(key[named], key[order][starts])
    ends = np.r_[cuts[1:], len(named)]
    group = key[order][starts].astype(np.int64)
    return pd.DataFrame({
        "period": pd.DatetimeIndex(periods)[group // len(ix.v_status)],
        "status": ix.v_status[group % len(ix.v_status)],
        "n_events": sizes,
        "events": [card_lines(texts[a:b], int(n)) for a, b, n in zip(cuts, ends, sizes,
                                                                    strict=True)],
    })[cols]


def timeline(events: pd.DataFrame, granularity: Granularity) -> pd.DataFrame:
    """``timeline_of`` every event of a frame."""
    ix = build_index(events)
    return timeline_of(ix, ix.everything(), granularity)


def undated_of(ix: EventIndex, mask: np.ndarray) -> int:
    """How many selected events have no date (the timeline cannot draw them)."""
    return int((mask & ~ix.dated).sum())


def undated_by_status_of(ix: EventIndex, mask: np.ndarray) -> pd.DataFrame:
    """The selected undated events per status: the timeline's "undated" bar, so more than half
    of a real corpus does not vanish from it."""
    codes = ix.status[mask & ~ix.dated]
    counts = np.bincount(codes, minlength=len(ix.v_status))
    present = np.flatnonzero(counts)
    return pd.DataFrame({"status": ix.v_status[present], "n_events": counts[present]})

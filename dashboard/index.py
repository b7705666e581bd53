"""The events table as integer codes, built once per loaded corpus.

A rerun of the page filters and counts a million tidy rows several times. Doing that with pandas
on text columns took seconds, so every text column that filters or views look at is turned into
codes here, once: one entry per event (most filters are about events, not rows), one per report
(an article's account of the event: its sentence and publisher), one per row for the actors,
one per mention for the sentence it sits in. Filters and aggregations then work with numpy on
these arrays; the tidy frames are only read for the rows actually shown or downloaded. The
index is cached with the tables (``Tables.index``), never copied per rerun.

An event is the corpus-level ``event_id``: reports of one meeting from several articles share
it, so the map, the charts and the table count it once. Its date, venue, type and status are
those of its most precise report (a venue known, then the finest date), so an event reported
as "in October" by one paper and "on 28 October" by another is drawn on the 28th.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.mapped import ColumnScan
from etl.records import ACTOR_KINDS

NO_PUBLISHER = "(no publisher)"
RESULTS_KEPT = 32  # views' results kept with a corpus's index, for every session
T = TypeVar("T")
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


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


def date_label(start: str, end: str, precision: str) -> str:
    """A date as the article meant it: a day, an ISO week, a month or a year."""
    if not start:
        return ""
    ts = pd.Timestamp(start)
    if precision == "week":
        year, week, _ = ts.isocalendar()
        return f"{year}-W{week:02d}"
    if precision == "month":
        return ts.strftime("%Y-%m")
    if precision == "year":
        return str(ts.year)
    if end and end != start and precision not in ("day", ""):
        return f"{start}..{end}"
    return start


def report_ids(events: pd.DataFrame) -> pd.Series:
    """Each row's report; tables written before reports were merged have one per event."""
    event = events["event_id"].astype(str)
    if "report_id" not in events.columns:
        return event
    report = events["report_id"].astype(str)
    blank = report == ""
    return report.where(~blank, event) if blank.any() else report


def encode(values: pd.Series, *, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(int32 codes, distinct values as an object array); sorted values keep string order."""
    codes, uniques = pd.factorize(values, sort=sort)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def encode_ids(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(int32 codes, distinct values in order of first appearance) for an id column: the
    values stay Arrow text, since millions of Python strings took hundreds of megabytes."""
    codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int32), pd.Index(uniques)


def lookup(values: pd.Series, vocabulary: np.ndarray) -> np.ndarray:
    """Codes of ``values`` in ``vocabulary`` (-1 when absent), hashing each distinct value once."""
    codes, uniques = encode(values, sort=False)
    where = pd.Index(vocabulary).get_indexer(pd.Index(uniques)).astype(np.int32)
    return where[codes] if len(codes) else codes


def matching(codes: np.ndarray, vocabulary: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
    """Which codes stand for one of the wanted values: one lookup per code (``np.isin``
    searched, several times slower on millions of codes)."""
    allowed = np.zeros(len(vocabulary) + 1, dtype=bool)  # the last: a code of -1
    allowed[codes_of(vocabulary, wanted)] = True
    return allowed[codes]


def codes_of(vocabulary: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
    """Codes of the wanted values that occur; unknown values match nothing."""
    at = pd.Index(vocabulary).get_indexer(pd.Index(list(wanted), dtype=object))
    return at[at >= 0]


def combine_codes(*codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One code per distinct combination of several code arrays: (codes, first position)."""
    key = np.zeros(len(codes[0]), dtype=np.int64)
    for c in codes:
        key = key * (int(c.max(initial=0)) + 2) + (c.astype(np.int64) + 1)
    combined, uniques = pd.factorize(key, sort=False)
    first = np.full(len(uniques), -1, dtype=np.int64)
    if len(combined):
        _, at = np.unique(combined, return_index=True)
        first = at
    return combined.astype(np.int32), first


@dataclass(frozen=True, eq=False)
class EventIndex:
    """Codes for the events of one corpus; ``v_*`` arrays hold the distinct values, sorted.

    Event arrays are indexed by event code (events in order of first appearance); row arrays
    by position in the tidy table; ``m_*`` arrays by position in the mentions table.
    """

    # Rows of the tidy table.
    row_event: np.ndarray  # event code of each row
    row_report: np.ndarray  # report code of each row
    row_actor: np.ndarray  # code into v_actor
    row_actor_kind: np.ndarray  # code into (row_pair_actor, row_pair_kind)
    pair_first: np.ndarray  # first row of its (event, actor) pair, actor not blank
    by_venue_actor: np.ndarray  # pair_first rows sorted by (venue, actor), table order within
    venue_actor_event: np.ndarray  # event code of each of those rows
    venue_actor_key: np.ndarray  # venue * len(v_actor) + actor of each of those rows (sorted)
    rows_by_event: np.ndarray  # row positions grouped by event, table order within
    event_ptr: np.ndarray  # rows of event e: rows_by_event[event_ptr[e]:event_ptr[e + 1]]
    # Events.
    event_id: pd.Index  # Arrow text
    first_row: np.ndarray  # the event's representative row: its most precise report's first
    n_sources: np.ndarray  # distinct articles among the event's reports
    start: np.ndarray  # code into v_date; "" sorts first, so dated means start > 0 here
    end: np.ndarray  # date_end, or date_start when blank
    dated: np.ndarray
    precision_rank: np.ndarray
    label: np.ndarray  # code into v_label (date as the article meant it)
    by_venue: np.ndarray  # event codes sorted by venue, in order of code within
    by_venue_label: np.ndarray  # event codes sorted by (venue, label), table order within
    venue_label_key: np.ndarray  # venue * len(v_label) + label of each of those events (sorted)
    what: np.ndarray  # code into v_what ("talks in Doha")
    venue: np.ndarray  # code into v_venue
    has_coords: np.ndarray  # place and coordinates known
    lat: np.ndarray
    lon: np.ndarray
    place: np.ndarray  # code into v_place
    country: np.ndarray  # code into v_country
    event_type: np.ndarray
    status: np.ndarray
    order: np.ndarray  # event codes in table order: dated by date, then article, sentence
    article: np.ndarray  # code into v_article of the representative report's article
    sentence_id: np.ndarray  # the representative report's sentence in its article
    # Reports (one article's account of an event), in order of first appearance.
    report_id: pd.Index  # Arrow text
    report_event: np.ndarray  # event code of each report
    reports_by_event: np.ndarray  # report codes grouped by event, first appearance within
    report_ptr: np.ndarray  # reports of event e: reports_by_event[report_ptr[e]:report_ptr[e+1]]
    publisher: np.ndarray  # code into v_publisher
    sentence_key: np.ndarray  # code of (article_id, sentence_id), shared with m_sentence_key
    # Mentions.
    m_sentence_key: np.ndarray  # -1: no event in that sentence
    m_key_count: np.ndarray  # mentions per sentence key
    m_actor_kind: np.ndarray  # code into mention_pair_*; -1 when not an actor
    m_by_article: np.ndarray  # mention positions grouped by article, table order within
    m_article_ptr: np.ndarray  # of article a: m_by_article[m_article_ptr[a]:m_article_ptr[a+1]]
    v_article: pd.Index  # article ids of the events; position = article code
    # Distinct values.
    v_date: np.ndarray
    v_period: dict[str, np.ndarray]  # period start (datetime64) of each v_date, per granularity
    v_label: np.ndarray
    v_what: np.ndarray
    v_venue: np.ndarray
    v_place: np.ndarray
    v_country: np.ndarray
    v_type: np.ndarray
    v_status: np.ndarray
    v_publisher: np.ndarray
    v_actor: np.ndarray
    report_sentence: pa.Array  # each report's sentence (Arrow text: no Python strings)
    # Distinct (actor, kind) pairs: of the tidy table's rows, and of the mentions.
    row_pair_actor: np.ndarray
    row_pair_kind: np.ndarray
    mention_pair_actor: np.ndarray
    mention_pair_kind: np.ndarray
    titles: pd.Series  # article_id -> title (file name when untitled)
    publishers: tuple[str, ...]  # every publisher label of the articles, sorted
    # The last views computed from the index (see ``remembered``), most recent last: kept
    # beside the codes, not part of them.
    results: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict, repr=False,
                                                compare=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def remembered(self, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept with the index under ``key`` (a view and its selection), for
        every session of the page: the opening view, a selection cleared back to the whole
        corpus or one analyst's view opened by another costs one lookup the second time.
        The last ``RESULTS_KEPT`` are kept; callers never change what they get."""
        with self.lock:
            if key in self.results:
                self.results.move_to_end(key)
                return self.results[key]
        value = compute()  # outside the lock: two sessions may compute it once each
        with self.lock:
            self.results[key] = value
            while len(self.results) > RESULTS_KEPT:
                self.results.popitem(last=False)
        return value

    def for_mask(self, view: str, mask: np.ndarray,
                 compute: Callable[[EventIndex, np.ndarray], T]) -> T:
        """``compute(self, mask)``, ``remembered`` under ``view`` (the view and its own
        options) and the selection. The page computes the map and the network without their
        own click, so a click on them, on the table or on a view's own control finds their
        result: 300 ms of venues on 10M rows."""
        digest = hashlib.sha1(np.packbits(mask).tobytes()).digest()
        return self.remembered((view, digest), lambda: compute(self, mask))

    @property
    def n_events(self) -> int:
        return len(self.event_id)

    def everything(self) -> np.ndarray:
        """An event mask that keeps every event."""
        return np.ones(self.n_events, dtype=bool)

    def reports(self, events: np.ndarray) -> np.ndarray:
        """A report mask: the reports of the masked events."""
        return events[self.report_event]

    def event_reports(self, event: int) -> np.ndarray:
        """Codes of one event's reports, in order of first appearance."""
        return self.reports_by_event[self.report_ptr[event]:self.report_ptr[event + 1]]

    def event_rows(self, event: int) -> np.ndarray:
        """Positions of one event's tidy rows, in table order."""
        return self.rows_by_event[self.event_ptr[event]:self.event_ptr[event + 1]]

    def article_mentions(self, article_id: str) -> np.ndarray:
        """Positions of one article's mentions, in table order (none when it has no event)."""
        code = self.v_article.get_indexer([article_id])[0]
        if code < 0:
            return np.zeros(0, dtype=np.int64)
        return self.m_by_article[self.m_article_ptr[code]:self.m_article_ptr[code + 1]]

    def rows(self, events: np.ndarray) -> np.ndarray:
        """Positions of the tidy rows of the masked events, in table order."""
        return np.flatnonzero(events[self.row_event])

    def options(self, vocabulary: np.ndarray) -> list[str]:
        """The distinct non-blank values, sorted: what a sidebar widget offers."""
        return [str(v) for v in vocabulary if v != ""]

    def date_bounds(self) -> tuple[str, str] | None:
        """Earliest start and latest start or end date, as ISO strings; None when undated."""
        if not self.dated.any():
            return None
        ends = np.concatenate([self.start[self.dated], self.end[self.dated]])
        return str(self.v_date[self.start[self.dated].min()]), str(self.v_date[ends.max()])


def _titles(articles: pd.DataFrame) -> pd.Series:
    """article_id -> title, the file name when the article has no title."""
    by_id = articles[["article_id", "path", "title"]].drop_duplicates("article_id").set_index(
        "article_id")
    files = by_id["path"].astype(str).map(lambda p: p.replace("\\", "/").rsplit("/", 1)[-1])
    return by_id["title"].astype(str).where(by_id["title"] != "", files)


def _periods(dates: np.ndarray) -> dict[str, np.ndarray]:
    """Start of the day, ISO week (Monday) and month of each date; NaT for blank ones."""
    ts = pd.Series(pd.to_datetime(pd.Series(dates, dtype=object).replace("", None),
                                  errors="coerce"))
    return {
        "day": ts.dt.normalize().to_numpy(),
        "week": (ts - pd.to_timedelta(ts.dt.day_of_week, unit="D")).dt.normalize().to_numpy(),
        "month": ts.dt.to_period("M").dt.start_time.to_numpy(),
    }


def _sentence_keys(article: np.ndarray, sentence_id: np.ndarray, m_article: np.ndarray,
                   m_sentence_id: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Dense codes of (article, sentence) for reports, and the same codes for mentions."""
    width = int(max(sentence_id.max(initial=0), m_sentence_id.max(initial=0))) + 2
    keys = article.astype(np.int64) * width + (sentence_id.astype(np.int64) + 1)
    m_keys = m_article.astype(np.int64) * width + (m_sentence_id.astype(np.int64) + 1)
    codes, uniques = pd.factorize(keys, sort=False)
    m_codes = pd.Index(uniques).get_indexer(m_keys)
    return codes.astype(np.int32), np.where(m_article < 0, -1, m_codes).astype(np.int32)


def text_at(table: pd.DataFrame | ColumnScan, column: str, positions: np.ndarray) -> pa.Array:
    """A text column at ascending positions, as one Arrow array: a mapped table reads only
    those rows' pages, and no Python string is made."""
    if isinstance(table, ColumnScan):
        values = table.column_at(column, positions)
    else:
        values = pa.chunked_array([pa.array(
            table[column].iloc[positions].astype(str).to_numpy(dtype=object),
            type=pa.large_string())])
    if values.null_count:
        values = pc.fill_null(values, "")
    return pa.concat_arrays(values.chunks) if values.num_chunks else pa.array(
        [], pa.large_string())


def first_of(codes: np.ndarray) -> np.ndarray:
    """The first position of each code, for codes numbered in order of first appearance."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    return np.unique(codes, return_index=True)[1]


def _representatives(events: pd.DataFrame, row_event: np.ndarray, lat: np.ndarray
                     ) -> np.ndarray:
    """Each event's representative row: a report with a venue first, then the finest date,
    then table order. One lexsort over the rows, paid once per load."""
    if not len(row_event):
        return np.zeros(0, dtype=np.int64)
    codes, values = encode(events["date_precision"])
    ranks = np.array([PRECISION_RANK.get(str(v), 8) for v in values], dtype=np.int8)
    rank = np.where((events["date_start"] == "").to_numpy(dtype=bool), 9, ranks[codes])
    no_venue = (events["place"] == "").to_numpy(dtype=bool) | np.isnan(lat)
    order = np.lexsort((np.arange(len(row_event)), rank, no_venue, row_event))
    grouped = row_event[order]
    return order[np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]])]


def _mention_codes(mentions: pd.DataFrame | ColumnScan, v_article: np.ndarray,
                   report_article: np.ndarray, report_sentence_id: np.ndarray
                   ) -> tuple[np.ndarray, dict[str, Any]]:
    """The sentence key of each report, and the index's ``m_*`` and ``mention_pair_*`` fields: each
    mention's sentence (shared with the reports) and actor, and the mentions by article."""
    m_article = lookup(mentions["article_id"], v_article)
    known = m_article >= 0
    by_article = np.flatnonzero(known)[np.argsort(m_article[known], kind="stable")]
    article_ptr = np.concatenate([[0], np.cumsum(np.bincount(m_article[known],
                                                             minlength=len(v_article)))])
    del known
    sentence_key, m_sentence_key = _sentence_keys(
        report_article, report_sentence_id, m_article,
        mentions["sentence_id"].to_numpy(dtype=np.int64))
    del m_article
    m_name, v_m_name = encode(mentions["name"])
    m_kind, v_m_kind = encode(mentions["kind"])
    m_actor_kind, first = combine_codes(m_name, m_kind)
    m_is_actor = (np.isin(v_m_kind, ACTOR_KINDS)[m_kind] & (v_m_name != "")[m_name]
                  if len(m_name) else np.zeros(0, dtype=bool))
    return sentence_key, {
        "m_sentence_key": m_sentence_key,
        "m_key_count": np.bincount(m_sentence_key[m_sentence_key >= 0],
                                   minlength=int(sentence_key.max(initial=-1)) + 1),
        "m_actor_kind": np.where(m_is_actor, m_actor_kind, -1).astype(np.int32),
        "m_by_article": _i32(by_article), "m_article_ptr": _i32(article_ptr),
        "mention_pair_actor": v_m_name[m_name[first]] if len(first) else v_m_name[:0],
        "mention_pair_kind": v_m_kind[m_kind[first]] if len(first) else v_m_kind[:0],
    }


def build_index(events: pd.DataFrame, articles: pd.DataFrame | None = None,
                mentions: pd.DataFrame | None = None) -> EventIndex:
    """Encode the normalised tables (see ``data.normalise``); takes about a second per million
    rows, paid once per load."""
    row_event, event_id = encode_ids(events["event_id"])
    n = len(event_id)
    row_lat = events["lat"].to_numpy(dtype=float, na_value=np.nan)
    first_row = _representatives(events, row_event, row_lat)
    lat = row_lat[first_row]
    del row_lat  # ten-million-row temporaries go as soon as they are used up
    rows_by_event = _i32(np.argsort(row_event, kind="stable"))
    event_ptr = np.concatenate([[0], np.cumsum(np.bincount(row_event, minlength=n))])

    def per_event(col: str, *, sort: bool = True) -> tuple[np.ndarray, np.ndarray]:
        codes, values = encode(events[col], sort=sort)
        return codes[first_row], values

    # Reports: one article's account of an event; the sentence and publisher filters and the
    # mentions of a selection are about reports, so an event is found through any of them.
    row_report, report_id = encode_ids(report_ids(events))
    report_first = first_of(row_report)
    report_event = row_event[report_first]
    row_article, v_article = encode(events["article_id"], sort=False)
    report_article = row_article[report_first]
    pair = np.unique(report_event.astype(np.int64) * (len(v_article) + 1) + report_article)
    n_sources = np.bincount(pair // (len(v_article) + 1), minlength=n)

    row_actor, v_actor = encode(events["actor"])
    kind_codes, v_kind = encode(events["actor_kind"])
    row_actor_kind, row_pair_first = combine_codes(row_actor, kind_codes)
    row_pair_kind = v_kind[kind_codes[row_pair_first]] if len(row_pair_first) else v_kind[:0]
    del kind_codes
    pair_key = row_event.astype(np.int64) * (len(v_actor) + 1) + row_actor
    blank_actor = v_actor == ""
    pair_first = (~pd.Series(pair_key).duplicated().to_numpy()
                  & ~blank_actor[row_actor] if len(row_actor) else np.zeros(0, dtype=bool))
    del pair_key

    v_date = np.unique(np.concatenate([
        np.asarray(pd.unique(events["date_start"]), dtype=object),
        np.asarray(pd.unique(events["date_end"]), dtype=object), np.array([""], dtype=object)]))
    start = lookup(events["date_start"], v_date)[first_row]
    end_raw = lookup(events["date_end"], v_date)[first_row]
    end = np.where(end_raw == 0, start, end_raw)
    precision, v_precision = per_event("date_precision")
    rank = np.array([PRECISION_RANK.get(str(p), 0) for p in v_precision], dtype=np.int8)
    label_codes, label_first = combine_codes(start, end_raw, precision)
    labels = [date_label(str(v_date[start[i]]), str(v_date[end_raw[i]]),
                         str(v_precision[precision[i]])) for i in label_first]
    v_label, label_remap = np.unique(np.array(labels, dtype=object), return_inverse=True)

    place, v_place = per_event("place")
    country, v_country = per_event("country_code")
    venue_codes, venue_first = combine_codes(place, country)
    keys = np.array([venue_key(str(v_place[place[i]]), str(v_country[country[i]]))
                     for i in venue_first], dtype=object)
    v_venue, venue_remap = np.unique(keys, return_inverse=True)
    lon = events["lon"].to_numpy(dtype=float, na_value=np.nan)[first_row]

    row_sentence_id = events["sentence_id"].to_numpy(dtype=np.int64)
    article, sentence_id = row_article[first_row], row_sentence_id[first_row]
    report_sentence_id = row_sentence_id[report_first]
    del row_sentence_id, row_article
    if articles is None:
        articles = pd.DataFrame({"article_id": [], "publisher": [], "title": [], "path": []})
    labels_by_article = publisher_labels(articles)
    pub_of_article = pd.Series(v_article, dtype=object).map(
        labels_by_article[~labels_by_article.index.duplicated()]).astype(object)
    pub_of_article = pub_of_article.where(pub_of_article.notna(), NO_PUBLISHER)
    pub_codes, v_publisher = encode(pub_of_article)
    publishers = tuple(sorted(set(labels_by_article)))
    titles = _titles(articles)
    del labels_by_article, pub_of_article
    if mentions is None:
        mentions = pd.DataFrame({"article_id": [], "sentence_id": [], "kind": [], "name": []})
    sentence_key, mention_codes = _mention_codes(mentions, v_article, report_article,
                                                 report_sentence_id)

    report_sentence = text_at(events, "sentence", report_first)
    del report_first, report_sentence_id
    date_order = np.argsort(np.where(v_date == "", "9999", v_date).astype(str), kind="stable")
    date_rank = np.empty(len(v_date), dtype=np.int64)
    date_rank[date_order] = np.arange(len(v_date))
    order = np.lexsort((sentence_id, article, date_rank[start]))
    event_type, v_type = per_event("event_type")
    status, v_status = per_event("status")
    label = label_remap[label_codes].astype(np.int32)
    venue = venue_remap[venue_codes].astype(np.int32)
    what_codes, what_first = combine_codes(event_type, place)
    v_what = np.array([f"{v_type[event_type[i]]} in {v_place[place[i]] or 'unknown place'}"
                       for i in what_first], dtype=object)
    pairs = _i32(np.flatnonzero(pair_first))
    pair_key = venue[row_event[pairs]].astype(np.int64) * len(v_actor) + row_actor[pairs]
    by_venue_actor = pairs[np.argsort(pair_key, kind="stable")]
    del pairs, pair_key
    label_key = venue.astype(np.int64) * len(v_label) + label
    by_venue_label = _i32(np.argsort(label_key, kind="stable"))
    venue_label_key = label_key[by_venue_label]
    del label_key
    return EventIndex(
        row_event=row_event, row_report=row_report, row_actor=row_actor,
        row_actor_kind=row_actor_kind, pair_first=pair_first, by_venue_actor=by_venue_actor,
        venue_actor_event=row_event[by_venue_actor],
        venue_actor_key=venue[row_event[by_venue_actor]].astype(np.int64) * len(v_actor)
        + row_actor[by_venue_actor],
        rows_by_event=rows_by_event, event_ptr=_i32(event_ptr),
        event_id=event_id, first_row=_i32(first_row), n_sources=_i32(n_sources), start=start,
        end=end,
        dated=start > 0, precision_rank=rank[precision], label=label,
        by_venue=_i32(np.argsort(venue, kind="stable")), by_venue_label=by_venue_label,
        venue_label_key=venue_label_key,
        what=what_codes, venue=venue,
        has_coords=~np.isnan(lat) & ~np.isnan(lon) & (v_place != "")[place],
        lat=lat, lon=lon, place=place, country=country, event_type=event_type, status=status,
        order=_i32(order), article=article, sentence_id=_i32(sentence_id),
        report_id=report_id, report_event=report_event,
        reports_by_event=_i32(np.argsort(report_event, kind="stable")),
        report_ptr=_i32(np.concatenate([[0], np.cumsum(np.bincount(report_event, minlength=n))])),
        publisher=pub_codes[report_article],
        report_sentence=report_sentence, sentence_key=sentence_key,
        **mention_codes, v_article=pd.Index(v_article),
        v_date=v_date, v_period=_periods(v_date), v_label=v_label, v_what=v_what, v_venue=v_venue,
        v_place=v_place, v_country=v_country, v_type=v_type, v_status=v_status,
        v_publisher=v_publisher, v_actor=v_actor,
        row_pair_actor=v_actor[row_actor[row_pair_first]] if len(row_pair_first)
        else v_actor[:0],
        row_pair_kind=row_pair_kind,
        titles=titles, publishers=publishers,
    )


def _i32(positions: np.ndarray) -> np.ndarray:
    """Positions and counts as int32: half the memory of numpy's int64 at ten million rows."""
    return positions.astype(np.int32, copy=False)

"""Pure aggregations of filtered rows into what each view draws (venues, actors, periods, pairs).

They take frames and return frames, so they are tested without Streamlit or plotly.
"""

from __future__ import annotations

from collections import Counter
from pathlib import PurePath
from typing import Literal

import pandas as pd

from dashboard.filters import venue_keys

ACTOR_KINDS = ("person", "organization", "country")
Granularity = Literal["day", "week", "month"]
PRECISION_RANK = {"day": 0, "week": 1, "month": 2, "year": 3}


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


def _first(series: pd.Series) -> str:
    return series.iloc[0] if len(series) else ""


def _participants(actors: pd.Series) -> str:
    return ", ".join(dict.fromkeys(a for a in actors if a))


def event_summary(events: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per event for the table: date, place, participants, type, status, provenance."""
    cols = ["event_id", "date", "place", "participants", "event_type", "status", "sentence",
            "title", "article_id", "sentence_id", "date_start"]
    if events.empty:
        return pd.DataFrame(columns=cols)
    grouped = events.groupby("event_id", sort=False)
    first = grouped.first()
    out = pd.DataFrame({
        "event_id": first.index,
        "date": [date_label(s, e, p) or "undated" for s, e, p in
                 zip(first["date_start"], first["date_end"], first["date_precision"], strict=True)],
        "place": first["place"].to_numpy(),
        "participants": grouped["actor"].agg(_participants).to_numpy(),
        "event_type": first["event_type"].to_numpy(),
        "status": first["status"].to_numpy(),
        "sentence": first["sentence"].to_numpy(),
        "article_id": first["article_id"].to_numpy(),
        "sentence_id": first["sentence_id"].to_numpy(),
        "date_start": first["date_start"].to_numpy(),
    })
    titles = articles.set_index("article_id")
    files = titles["path"].map(lambda p: PurePath(p.replace("\\", "/")).name)
    titles = titles["title"].where(titles["title"] != "", files)  # untitled: its file name
    out["title"] = out["article_id"].map(titles).fillna("")
    # Dated events first, in time order; undated ones last, in reading order.
    out = out.sort_values(["date_start", "article_id", "sentence_id"],
                          key=lambda s: s.replace("", "9999") if s.name == "date_start" else s)
    return out[cols].reset_index(drop=True)


def venues(events: pd.DataFrame, *, statuses: tuple[str, ...] = ("held",), top: int = 3
           ) -> pd.DataFrame:
    """One row per venue with coordinates: its events, dates and most frequent participants."""
    cols = ["venue", "place", "country_code", "lat", "lon", "n_events", "dates", "participants"]
    rows = events[events["status"].isin(statuses) & events["lat"].notna()
                  & events["lon"].notna() & (events["place"] != "")]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.assign(venue=venue_keys(rows))
    out = []
    for venue, grp in rows.groupby("venue", sort=True):
        per_event = grp.drop_duplicates("event_id")
        dates = sorted({date_label(s, e, p) for s, e, p in zip(
            per_event["date_start"], per_event["date_end"], per_event["date_precision"],
            strict=True)} - {""})
        counts = Counter(a for a in grp.drop_duplicates(["event_id", "actor"])["actor"] if a)
        out.append({
            "venue": venue,
            "place": _first(grp["place"]),
            "country_code": _first(grp["country_code"]),
            "lat": float(grp["lat"].iloc[0]),
            "lon": float(grp["lon"].iloc[0]),
            "n_events": per_event.shape[0],
            "dates": ", ".join(dates) if dates else "undated",
            "participants": ", ".join(f"{a} ({n})" if n > 1 else a
                                      for a, n in counts.most_common(top)),
        })
    return pd.DataFrame(out, columns=cols).sort_values(
        ["n_events", "venue"], ascending=[False, True]).reset_index(drop=True)


def actor_counts(events: pd.DataFrame, mentions: pd.DataFrame, *,
                 by: Literal["events", "mentions"] = "events", top: int = 15) -> pd.DataFrame:
    """The most frequent actors: events they took part in, or times they were mentioned."""
    cols = ["actor", "kind", "count"]
    if by == "events":
        rows = events[events["actor"] != ""].drop_duplicates(["event_id", "actor"])
        frame = rows.rename(columns={"actor_kind": "kind"})[["actor", "kind"]]
    else:
        rows = mentions[mentions["kind"].isin(ACTOR_KINDS) & (mentions["name"] != "")]
        frame = rows.rename(columns={"name": "actor"})[["actor", "kind"]]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    counts = frame.groupby(["actor", "kind"], sort=False).size().rename("count").reset_index()
    counts = counts.sort_values(["count", "actor"], ascending=[False, True])
    return counts.head(top).reset_index(drop=True)[cols]


def choose_granularity(events: pd.DataFrame) -> Granularity:
    """The finest bin that does not pretend: the coarsest precision present (at most month).

    An event dated "in October" must not appear as a spike on 1 October.
    """
    dated = events[events["date_start"] != ""]
    if dated.empty:
        return "day"
    rank = max(PRECISION_RANK.get(p, 0) for p in dated["date_precision"].unique())
    span = pd.Timestamp(dated["date_start"].max()) - pd.Timestamp(dated["date_start"].min())
    if span.days > 2 * 365:
        rank = max(rank, 2)
    elif span.days > 120:
        rank = max(rank, 1)
    return ("day", "week", "month")[min(rank, 2)]


def period_start(dates: pd.Series, granularity: Granularity) -> pd.Series:
    """The first day of the period each date falls in (weeks start on Monday, as ISO weeks)."""
    ts = pd.to_datetime(dates)
    if granularity == "week":
        return (ts - pd.to_timedelta(ts.dt.day_of_week, unit="D")).dt.normalize()
    if granularity == "month":
        return ts.dt.to_period("M").dt.start_time
    return ts.dt.normalize()


def timeline(events: pd.DataFrame, granularity: Granularity) -> pd.DataFrame:
    """Events per period and status; each event counted once, at the start of its date."""
    cols = ["period", "status", "n_events", "events"]
    per_event = events[events["date_start"] != ""].drop_duplicates("event_id")
    if per_event.empty:
        return pd.DataFrame(columns=cols)
    per_event = per_event.assign(period=period_start(per_event["date_start"], granularity),
                                 label=per_event["event_type"] + " in "
                                 + per_event["place"].replace("", "unknown place"))
    out = (per_event.groupby(["period", "status"])
           .agg(n_events=("event_id", "size"), events=("label", lambda s: "<br>".join(s)))
           .reset_index())
    return out[cols]


def cooccurrence(events: pd.DataFrame, *, top: int = 12) -> pd.DataFrame:
    """Who met whom: a symmetric actor x actor matrix of shared events (diagonal = own count).

    Only the ``top`` most frequent actors are paired, so the self-join stays small.
    """
    rows = events[events["actor"] != ""].drop_duplicates(["event_id", "actor"])
    if rows.empty:
        return pd.DataFrame()
    totals = rows["actor"].value_counts()
    names = sorted(totals.index[:top], key=lambda a: (-totals[a], a))
    rows = rows.loc[rows["actor"].isin(names), ["event_id", "actor"]]
    pairs = rows.merge(rows, on="event_id", suffixes=("_a", "_b"))
    matrix = pd.crosstab(pairs["actor_a"], pairs["actor_b"])
    return matrix.reindex(index=names, columns=names, fill_value=0).astype(int).rename_axis(
        index=None, columns=None)

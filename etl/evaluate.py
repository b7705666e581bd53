"""Score the ETL's tables against the development corpus's gold annotations.

The scoring is a set of pure functions from (gold, tables) to `Scores`, so tests can check it on
hand-made frames; only `main` runs the ETL, reads files and prints. The gold conventions (what
counts as an actor, a place, a date, a held meeting, an event cluster) are documented in
``devset/README.md``.

Held meetings are scored per article, one system *report* (a `report_id`) against one gold
event. Event clusters are scored across the corpus: the gold events matched to reports carry a
gold cluster label, the reports carry the ETL's corpus-level `event_id`, and B-cubed and pairwise
precision and recall compare the two groupings over those matched reports.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from geopy.distance import great_circle

from etl.records import ACTOR_KINDS

ACCURACY_KM = 161.0  # 100 miles: the usual "accuracy@161km" of geoparsing evaluations
MIN_JACCARD = 0.5


class GoldError(ValueError):
    """The gold file is missing or malformed; the message says where."""


class TablesError(ValueError):
    """A tables folder lacks a table or a column the scorer needs."""


# ---------------------------------------------------------------------------------------------
# records


@dataclass(frozen=True)
class GoldEvent:
    """One gold meeting-like event; `actors` are canonical names."""

    type: str
    status: str
    lat: float | None
    lon: float | None
    start: date | None
    end: date | None
    actors: frozenset[str]
    place: str | None = None
    cluster: str | None = None  # events of several articles with one label are one event


@dataclass(frozen=True)
class GoldArticle:
    """The gold annotation of one article (one file, or one record of a JSONL/CSV file)."""

    file: str
    record: int | None = None
    title: str | None = None
    published: str | None = None
    dateline: str | None = None
    actors: tuple[tuple[str, str, tuple[str, ...]], ...] = ()  # (name, kind, aliases)
    places: tuple[tuple[str, float, float, tuple[str, ...]], ...] = ()  # (name, lat, lon, aliases)
    dates: tuple[tuple[str, str, str], ...] = ()  # (start, end, precision)
    events: tuple[GoldEvent, ...] = ()

    @property
    def key(self) -> str:
        """The article's name in reports: the file name, with `#n` for the n-th record."""
        return f"{self.file}#{self.record}" if self.record else self.file


@dataclass
class Tables:
    """The three ETL tables the scorer reads (frames with the public columns)."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    events: pd.DataFrame


@dataclass
class Count:
    """True positives, false positives and false negatives of one category."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def gold(self) -> int:
        return self.tp + self.fn

    @property
    def predicted(self) -> int:
        return self.tp + self.fp

    def add(self, other: Count) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass(frozen=True)
class ClusterItem:
    """One gold event matched to one system report: its gold cluster and the system's event."""

    article: str  # the gold article key
    gold_cluster: str  # the gold label, or a label of its own for an unlabelled event
    event_id: str  # the system's corpus-level event the report belongs to
    report_id: str


@dataclass(frozen=True)
class ClusterScore:
    """Precision and recall of a grouping of matched reports against the gold clusters."""

    precision: float = 0.0
    recall: float = 0.0
    n_items: int = 0
    n_gold: int = 0  # gold clusters among the items
    n_system: int = 0  # system events among the items

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    """Micro-averaged counts per category, place accuracy, metadata accuracy and the misses."""

    actors: Count = field(default_factory=Count)
    places: Count = field(default_factory=Count)
    dates: Count = field(default_factory=Count)
    held_events: Count = field(default_factory=Count)
    places_within: int = 0  # matched places whose coordinates are within ACCURACY_KM of gold
    published_ok: int = 0
    dateline_ok: int = 0
    n_articles: int = 0
    n_unmatched_articles: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)  # article key -> lines
    cluster_items: list[ClusterItem] = field(default_factory=list)  # matched held reports
    planned_items: list[ClusterItem] = field(default_factory=list)  # matched planned reports
    gold_pairs: int = 0  # pairs of held gold events of one cluster, matched or not

    @property
    def place_accuracy(self) -> float:
        """Share of matched places placed within ACCURACY_KM (accuracy@161km)."""
        return self.places_within / self.places.tp if self.places.tp else 0.0

    @property
    def clusters(self) -> ClusterScore:
        """B-cubed scores of the system's event grouping of the matched held reports."""
        return bcubed(self.cluster_items)

    @property
    def cluster_pairs(self) -> Count:
        """Pairwise counts of the same grouping: a pair is two reports of one event."""
        return pairwise(self.cluster_items)

    @property
    def clusters_with_planned(self) -> ClusterScore:
        """B-cubed over matched held and planned reports (previews join their event)."""
        return bcubed(self.cluster_items + self.planned_items)


# ---------------------------------------------------------------------------------------------
# normalisation


def norm_name(name: Any) -> str:
    """Compare names the way a reader would: accents, case, hyphens and spacing do not count."""
    if not isinstance(name, str):
        return ""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2010", "-").replace("-", " ").replace(".", "")
    text = " ".join(text.casefold().split())
    return text.removeprefix("the ")


def to_date(value: Any) -> date | None:
    """A YYYY-MM-DD prefix as a date, or None for empty or unreadable values."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def to_float(value: Any) -> float | None:
    """A coordinate as a float, or None when missing."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if pd.isna(number) else number


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lon) points."""
    return float(great_circle(a, b).km)


# ---------------------------------------------------------------------------------------------
# gold


def parse_gold(data: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> list[GoldArticle]:
    """Gold JSON (the whole document or its `articles` list) as records; raises GoldError."""
    items = data.get("articles") if isinstance(data, Mapping) else data
    if not isinstance(items, Sequence):
        raise GoldError("gold has no 'articles' list")
    return [_gold_article(i, item) for i, item in enumerate(items)]


def load_gold(path: str | Path) -> list[GoldArticle]:
    """Read and parse a gold.json file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise GoldError(f"cannot read gold file {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path} is not valid JSON: {exc}") from exc
    return parse_gold(data)


def _gold_article(index: int, item: Mapping[str, Any]) -> GoldArticle:
    try:
        return GoldArticle(
            file=str(item["file"]),
            record=item.get("record"),
            title=item.get("title"),
            published=item.get("published"),
            dateline=item.get("dateline"),
            actors=tuple((a["name"], a["kind"], tuple(a.get("aliases", ())))
                         for a in item.get("actors", ())),
            places=tuple((p["name"], float(p["lat"]), float(p["lon"]), tuple(p.get("aliases", ())))
                         for p in item.get("places", ())),
            dates=tuple((d["start"], d["end"], d["precision"]) for d in item.get("dates", ())),
            events=tuple(_gold_event(e) for e in item.get("events", ())),
        )
    except (KeyError, TypeError, ValueError) as exc:
        where = item.get("file", f"entry {index}") if isinstance(item, Mapping) else index
        raise GoldError(f"gold entry {where}: missing or bad field {exc}") from exc


def _gold_event(item: Mapping[str, Any]) -> GoldEvent:
    when = item.get("date") or {}
    return GoldEvent(
        type=item["type"],
        status=item["status"],
        place=item.get("place"),
        lat=to_float(item.get("lat")),
        lon=to_float(item.get("lon")),
        start=to_date(when.get("start")),
        end=to_date(when.get("end")),
        actors=frozenset(item["actors"]),
        cluster=_cluster_label(item.get("cluster")),
    )


def _cluster_label(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"cluster label {value!r} is not a non-empty string")
    return value.strip()


# ---------------------------------------------------------------------------------------------
# matching gold articles to table rows

_RECORD_SUFFIX = re.compile(r"^(?P<file>.*?)(?:#(?:L|row|record)?(?P<n>\d+)|\[(?P<m>\d+)\])?$")


def split_path(path: str) -> tuple[str, int | None]:
    """A table `path` as (file name, record number or None): `x/a.jsonl#L2` -> (a.jsonl, 2)."""
    name = re.split(r"[\\/]", str(path))[-1]
    found = _RECORD_SUFFIX.match(name)
    assert found is not None  # the pattern matches any string
    number = found.group("n") or found.group("m")
    return found.group("file"), int(number) if number else None


def match_articles(gold: Sequence[GoldArticle], articles: pd.DataFrame) -> dict[str, str]:
    """Gold key -> article_id, by file name; records of one file by title, then by order."""
    by_file: dict[str, list[tuple[int | None, str, str]]] = {}
    for row in articles.itertuples(index=False):
        name, number = split_path(str(row.path))
        title = str(getattr(row, "title", "") or "")
        by_file.setdefault(name, []).append((number, norm_name(title), str(row.article_id)))
    matched: dict[str, str] = {}
    for name, rows in by_file.items():
        wanted = [g for g in gold if g.file == name]
        rows = sorted(rows, key=lambda r: (r[0] is None, r[0] or 0))
        free = list(rows)
        for g in wanted:  # first the titles that agree
            hit = next((r for r in free if g.title and r[1] == norm_name(g.title)), None)
            if hit:
                matched[g.key] = hit[2]
                free.remove(hit)
        for g in wanted:  # then the rest in file order
            if g.key not in matched and free:
                matched[g.key] = free.pop(0)[2]
    return matched


# ---------------------------------------------------------------------------------------------
# per-category scoring (pure)


def _alias_map(names: Iterable[tuple[str, Iterable[str]]]) -> dict[str, str]:
    """Every normalised spelling -> the normalised canonical name."""
    out: dict[str, str] = {}
    for name, aliases in names:
        canonical = norm_name(name)
        for spelling in (name, *aliases):
            out.setdefault(norm_name(spelling), canonical)
    return out


def score_actors(gold: GoldArticle, mentions: pd.DataFrame) -> tuple[Count, list[str]]:
    """Distinct (name, kind) actors of one article against its gold actors."""
    aliases = _alias_map((name, al) for name, _, al in gold.actors)
    wanted = {(norm_name(name), kind): name for name, kind, _ in gold.actors}
    found: dict[tuple[str, str], str] = {}
    rows = mentions[mentions["kind"].isin(ACTOR_KINDS)] if len(mentions) else mentions
    for row in rows.itertuples(index=False):
        key = norm_name(row.name)
        found.setdefault((aliases.get(key, key), str(row.kind)), str(row.name))
    return _set_count(wanted, found, "actor")


def score_places(gold: GoldArticle, mentions: pd.DataFrame) -> tuple[Count, int, list[str]]:
    """Distinct place names against gold, and how many matched ones lie within ACCURACY_KM."""
    aliases = _alias_map((name, al) for name, _, _, al in gold.places)
    wanted = {(norm_name(name), "place"): name for name, *_ in gold.places}
    points = {norm_name(name): (lat, lon) for name, lat, lon, _ in gold.places}
    found: dict[tuple[str, str], str] = {}
    where: dict[str, tuple[float, float] | None] = {}
    rows = mentions[mentions["kind"] == "place"] if len(mentions) else mentions
    for row in rows.itertuples(index=False):
        key = norm_name(row.name)
        key = aliases.get(key, key)
        found.setdefault((key, "place"), str(row.name))
        lat, lon = to_float(row.lat), to_float(row.lon)
        if where.get(key) is None:
            where[key] = (lat, lon) if lat is not None and lon is not None else None
    count, lines = _set_count(wanted, found, "place")
    within = 0
    for (key, _), name in wanted.items():
        if (key, "place") not in found:
            continue
        point = where.get(key)
        if point is None:
            lines.append(f"place without coordinates: {name}")
            continue
        km = distance_km(points[key], point)
        if km <= ACCURACY_KM:
            within += 1
        else:
            lines.append(f"place {km:,.0f} km off: {name} at {point[0]:.2f},{point[1]:.2f}")
    return count, within, lines


def score_dates(gold: GoldArticle, mentions: pd.DataFrame) -> tuple[Count, list[str]]:
    """Distinct (start, end, precision) dates of one article against gold."""
    wanted = {(str(to_date(s)), str(to_date(e)), p): f"{s}..{e} {p}" for s, e, p in gold.dates}
    found: dict[tuple[str, str, str], str] = {}
    rows = mentions[mentions["kind"] == "date"] if len(mentions) else mentions
    for row in rows.itertuples(index=False):
        start, end = to_date(row.date_start), to_date(row.date_end)
        if start is None:
            continue
        key = (str(start), str(end or start), str(row.date_precision))
        found.setdefault(key, f"{key[0]}..{key[1]} {key[2]} ({row.text!r})")
    return _set_count(wanted, found, "date")


def _set_count(wanted: Mapping[Any, str], found: Mapping[Any, str],
               what: str) -> tuple[Count, list[str]]:
    count = Count(tp=len(wanted.keys() & found.keys()), fp=len(found.keys() - wanted.keys()),
                  fn=len(wanted.keys() - found.keys()))
    lines = [f"missed {what}: {wanted[k]}" for k in wanted if k not in found]
    lines += [f"extra {what}: {found[k]}" for k in found if k not in wanted]
    return count, lines


@dataclass(frozen=True)
class SystemEvent:
    """One predicted event, assembled from its tidy rows."""

    event_id: str
    status: str
    lat: float | None
    lon: float | None
    start: date | None
    end: date | None
    actors: frozenset[str]
    place: str = ""
    report_id: str = ""


def report_keys(events: pd.DataFrame) -> pd.Series:
    """Each row's report: its `report_id`, or its `event_id` in tables written before reports
    had their own id (then every event was one report)."""
    event_ids = events["event_id"].astype(str)
    if "report_id" not in events:
        return event_ids
    reports = events["report_id"].fillna("").astype(str)
    return reports.where(reports.str.strip() != "", event_ids)


def system_events(events: pd.DataFrame) -> list[SystemEvent]:
    """Group the tidy (report, actor) rows of one article into reports, each with the id of
    the corpus-level event it belongs to."""
    out = []
    for report_id, rows in events.groupby(report_keys(events), sort=False):
        first = rows.iloc[0]
        actors = frozenset(str(a) for a in rows["actor"] if isinstance(a, str) and a.strip())
        start = to_date(first["date_start"])
        out.append(SystemEvent(
            event_id=str(first["event_id"]), report_id=str(report_id),
            status=str(first["status"]),
            lat=to_float(first["lat"]), lon=to_float(first["lon"]),
            start=start, end=to_date(first["date_end"]) or start, actors=actors,
            place=str(first["place"]) if isinstance(first["place"], str) else ""))
    return out


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """Overlap of two participant sets (1.0 for two empty sets)."""
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def _point(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    return (lat, lon) if lat is not None and lon is not None else None


def event_similarity(gold: GoldEvent, system: SystemEvent,
                     aliases: Mapping[str, str]) -> float | None:
    """The participant Jaccard when venue and date agree, else None (not a match)."""
    g_point = _point(gold.lat, gold.lon)
    s_point = _point(system.lat, system.lon)
    if (g_point is None) != (s_point is None):
        return None
    if g_point and s_point and distance_km(g_point, s_point) > ACCURACY_KM:
        return None
    if (gold.start is None) != (system.start is None):
        return None
    if gold.start and system.start:
        g_end, s_end = gold.end or gold.start, system.end or system.start
        if system.start > g_end or gold.start > s_end:
            return None

    def canon(names: Iterable[str]) -> set[str]:
        return {aliases.get(norm_name(n), norm_name(n)) for n in names}

    overlap = jaccard(canon(gold.actors), canon(system.actors))
    return overlap if overlap >= MIN_JACCARD else None


@dataclass(frozen=True)
class EventMatch:
    """One article's gold events of one status, its reports of that status, and which gold
    event (index into `wanted`) each matched report (index into `found`) stands for."""

    wanted: tuple[GoldEvent, ...]
    found: tuple[SystemEvent, ...]
    pairs: tuple[tuple[int, int], ...]

    def count(self) -> Count:
        n = len(self.pairs)
        return Count(tp=n, fp=len(self.found) - n, fn=len(self.wanted) - n)


def match_events(gold: GoldArticle, events: pd.DataFrame, status: str = "held") -> EventMatch:
    """Gold events and reports of one status matched one-to-one, best participant overlap
    first, when venue and date agree (see `event_similarity`)."""
    aliases = _alias_map((name, al) for name, _, al in gold.actors)
    wanted = tuple(e for e in gold.events if e.status == status)
    found = tuple(e for e in system_events(events) if e.status == status) if len(events) else ()
    candidates = []
    for i, g in enumerate(wanted):
        for j, s in enumerate(found):
            sim = event_similarity(g, s, aliases)
            if sim is not None:
                candidates.append((-sim, i, j))
    used_g: set[int] = set()
    used_s: set[int] = set()
    pairs = []
    for _, i, j in sorted(candidates):
        if i not in used_g and j not in used_s:
            used_g.add(i)
            used_s.add(j)
            pairs.append((i, j))
    return EventMatch(wanted, found, tuple(pairs))


def score_events(gold: GoldArticle, events: pd.DataFrame) -> tuple[Count, list[str]]:
    """Held events matched one-to-one, best participant overlap first."""
    match = match_events(gold, events, "held")
    return match.count(), _event_misses(match)


def _event_misses(match: EventMatch) -> list[str]:
    used_g = {i for i, _ in match.pairs}
    used_s = {j for _, j in match.pairs}
    lines = [f"missed held event: {_describe(g)}" for i, g in enumerate(match.wanted)
             if i not in used_g]
    lines += [f"extra held event: {_describe(s)}" for j, s in enumerate(match.found)
              if j not in used_s]
    return lines


def cluster_items(gold: GoldArticle, match: EventMatch) -> list[ClusterItem]:
    """The matched reports of one article with their gold cluster and system event. A gold
    event without a label is a cluster of its own, named after its article and position."""
    items = []
    for i, j in match.pairs:
        g, s = match.wanted[i], match.found[j]
        position = next(k for k, e in enumerate(gold.events) if e is g)
        label = g.cluster or f"{gold.key}:{g.status}:{position}"
        items.append(ClusterItem(article=gold.key, gold_cluster=label, event_id=s.event_id,
                                 report_id=s.report_id or s.event_id))
    return items


# ---------------------------------------------------------------------------------------------
# event clusters across articles (pure)


def bcubed(items: Sequence[ClusterItem]) -> ClusterScore:
    """B-cubed precision and recall of the system's events against the gold clusters.

    For each report: precision is the share of the reports in its system event that are in its
    gold cluster, recall the share of its gold cluster that is in its system event; both are
    averaged over the reports. A wrong merge lowers precision, a missed merge lowers recall.
    """
    if not items:
        return ClusterScore()
    both = Counter((it.gold_cluster, it.event_id) for it in items)
    gold = Counter(it.gold_cluster for it in items)
    system = Counter(it.event_id for it in items)
    precision = sum(both[it.gold_cluster, it.event_id] / system[it.event_id] for it in items)
    recall = sum(both[it.gold_cluster, it.event_id] / gold[it.gold_cluster] for it in items)
    n = len(items)
    return ClusterScore(precision=precision / n, recall=recall / n, n_items=n,
                        n_gold=len(gold), n_system=len(system))


def pairwise(items: Sequence[ClusterItem]) -> Count:
    """Pairs of reports: true when both groupings put the two in one event, false positive
    when only the system does, false negative when only the gold does."""

    def pairs(counts: Iterable[int]) -> int:
        return sum(n * (n - 1) // 2 for n in counts)

    both = pairs(Counter((it.gold_cluster, it.event_id) for it in items).values())
    gold = pairs(Counter(it.gold_cluster for it in items).values())
    system = pairs(Counter(it.event_id for it in items).values())
    return Count(tp=both, fp=system - both, fn=gold - both)


def cluster_misses(items: Sequence[ClusterItem]) -> list[str]:
    """Gold clusters the system split, and system events that join several gold clusters."""
    by_gold: dict[str, set[str]] = {}
    by_event: dict[str, set[str]] = {}
    for it in items:
        by_gold.setdefault(it.gold_cluster, set()).add(it.event_id)
        by_event.setdefault(it.event_id, set()).add(it.gold_cluster)
    lines = []
    for label, ids in sorted(by_gold.items()):
        if len(ids) > 1:
            where = sorted(it.article for it in items if it.gold_cluster == label)
            lines.append(f"split: {label} is {len(ids)} events ({', '.join(where)})")
    for event_id, labels in sorted(by_event.items()):
        if len(labels) > 1:
            lines.append(f"wrong merge: event {event_id} joins {', '.join(sorted(labels))}")
    return lines


def _describe(event: GoldEvent | SystemEvent) -> str:
    when = f"{event.start}..{event.end}" if event.start else "no date"
    where = event.place or "no venue"
    return f"{where}, {when}, {sorted(event.actors)}"


def _same_dateline(gold: str | None, system: Any) -> bool:
    g, s = norm_name(gold or ""), norm_name(system if isinstance(system, str) else "")
    return g == s or (bool(g) and s.split(",")[0].strip() == g)


def _by_article(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """One frame per article_id, so each article is looked up once."""
    keys = frame["article_id"].astype(str)
    return {str(key): rows for key, rows in frame.groupby(keys, sort=False)}


def score(gold: Sequence[GoldArticle] | Mapping[str, Any], tables: Tables) -> Scores:
    """Score extracted tables against gold: micro-averaged over all gold articles.

    A gold article with no row in `articles` counts all its items as missed.
    """
    articles = parse_gold(gold) if isinstance(gold, Mapping) else list(gold)
    ids = match_articles(articles, tables.articles)
    meta = tables.articles.drop_duplicates("article_id")
    meta = meta.set_index(meta["article_id"].astype(str))
    mentions, events = _by_article(tables.mentions), _by_article(tables.events)
    empty_m, empty_e = tables.mentions.iloc[0:0], tables.events.iloc[0:0]
    result = Scores(n_articles=len(articles))
    for g in articles:
        article_id = ids.get(g.key)
        if article_id is None:
            result.n_unmatched_articles += 1
        m = mentions.get(article_id, empty_m) if article_id else empty_m
        e = events.get(article_id, empty_e) if article_id else empty_e
        lines = [] if article_id else ["no article row in the tables"]
        for target, (count, more) in (
            (result.actors, score_actors(g, m)),
            (result.dates, score_dates(g, m)),
        ):
            target.add(count)
            lines += more
        held = match_events(g, e, "held")
        result.held_events.add(held.count())
        lines += _event_misses(held)
        result.cluster_items += cluster_items(g, held)
        result.planned_items += cluster_items(g, match_events(g, e, "planned"))
        count, within, more = score_places(g, m)
        result.places.add(count)
        result.places_within += within
        lines += more
        if article_id is not None:
            row = meta.loc[article_id]
            if str(to_date(row.get("published"))) == str(to_date(g.published)):
                result.published_ok += 1
            else:
                lines.append(f"published {row.get('published')!r}, gold {g.published!r}")
            if _same_dateline(g.dateline, row.get("dateline")):
                result.dateline_ok += 1
            else:
                lines.append(f"dateline {row.get('dateline')!r}, gold {g.dateline!r}")
        if lines:
            result.misses[g.key] = lines
    labels = Counter(e.cluster for g in articles for e in g.events
                     if e.status == "held" and e.cluster)
    result.gold_pairs = sum(n * (n - 1) // 2 for n in labels.values())
    clusters = cluster_misses(result.cluster_items)
    if clusters:
        result.misses["event clusters (held reports)"] = clusters
    return result


# ---------------------------------------------------------------------------------------------
# reading tables and reporting

TABLE_NAMES = ("articles", "mentions", "events")


def read_tables(folder: str | Path) -> Tables:
    """The three CSV tables of an ETL run; text columns as strings, coordinates as floats."""
    frames = {}
    for name in TABLE_NAMES:
        path = Path(folder) / f"{name}.csv"
        if not path.exists():
            raise TablesError(f"{path} not found; build the tables first with "
                              f"`python -m etl devset/articles --out {folder}`")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        for column in ("lat", "lon"):
            if column in frame:
                frame[column] = pd.to_numeric(frame[column], errors="coerce")
        frames[name] = frame
    return Tables(**frames)


def format_scores(scores: Scores, *, verbose: bool = False) -> str:
    """The report printed by the command: one line per category, then misses if asked."""
    width = 26
    lines = [f"{'':{width}}{'gold':>6}{'pred':>6}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    pairs = scores.cluster_pairs
    for label, c in (("actors", scores.actors), ("places", scores.places),
                     ("dates", scores.dates), ("held meetings", scores.held_events),
                     ("event clusters (pairwise)", pairs)):
        lines.append(f"{label:{width}}{c.gold:>6}{c.predicted:>6}{c.tp:>6}"
                     f"{c.precision:>8.3f}{c.recall:>8.3f}{c.f1:>8.3f}")
    b3 = scores.clusters
    lines.append(f"{'event clusters (B-cubed)':{width}}{b3.n_gold:>6}{b3.n_system:>6}{'':>6}"
                 f"{b3.precision:>8.3f}{b3.recall:>8.3f}{b3.f1:>8.3f}")
    n = scores.n_articles - scores.n_unmatched_articles
    planned = scores.clusters_with_planned
    lines += [
        "",
        f"places accuracy@{ACCURACY_KM:.0f}km: {scores.place_accuracy:.3f} "
        f"({scores.places_within} of {scores.places.tp} matched places)",
        f"published date correct: {scores.published_ok}/{n}   "
        f"dateline correct: {scores.dateline_ok}/{n}   "
        f"articles found: {n}/{scores.n_articles}",
        f"event clusters: over the {b3.n_items} matched held reports (B-cubed gold/pred: "
        f"clusters/events; pairwise: pairs of reports of one event); {pairs.gold} of the "
        f"gold's {scores.gold_pairs} pairs of held reports have both reports matched",
        f"event clusters with matched planned reports too (B-cubed, {planned.n_items} reports): "
        f"P {planned.precision:.3f}  R {planned.recall:.3f}  F1 {planned.f1:.3f}",
    ]
    if verbose:
        for key, misses in scores.misses.items():
            lines += ["", f"== {key}"] + [f"  {m}" for m in misses]
    return "\n".join(lines)


def article_paths(devset: Path) -> list[Path]:
    """The dev articles in name order (hidden files skipped)."""
    folder = devset / "articles"
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def build_and_read(devset: Path, workers: int = 1) -> Tables:
    """Run the ETL on the dev articles into a temporary folder and read the tables back."""
    from etl.run import build_tables  # imported here: scoring works without the ETL

    with tempfile.TemporaryDirectory(prefix="parley-eval-") as tmp:
        build_tables(article_paths(devset), tmp, geocoder="offline", workers=workers)
        return read_tables(tmp)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m etl.evaluate",
        description="Score the ETL against the dev corpus gold (devset/gold.json): precision, "
                    "recall and F1 of actors, places (with accuracy@161km), dates and held "
                    "meetings, micro-averaged over articles, and of the grouping of reports "
                    "into corpus-level events (B-cubed and pairwise).",
        epilog="examples:\n"
               "  python -m etl.evaluate                       # run the ETL on devset/articles\n"
               "  python -m etl.evaluate --tables data/dev -v  # score tables built before",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--devset", default="devset", type=Path,
                        help="folder holding articles/ and gold.json (default: devset)")
    parser.add_argument("--tables", type=Path,
                        help="score the CSV tables in this folder instead of running the ETL")
    parser.add_argument("--workers", type=int, default=1, help="ETL worker processes")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list each article's misses and extras")
    args = parser.parse_args(argv)
    try:
        gold = load_gold(args.devset / "gold.json")
        tables = read_tables(args.tables) if args.tables else build_and_read(args.devset,
                                                                             args.workers)
    except (GoldError, TablesError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(format_scores(score(gold, tables), verbose=args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Decisions across articles, taken once the per-article rows of a run are in: one name per
actor over the corpus, and one event per meeting however many articles report it.

Per-article rows stay a pure function of their article (so the incremental cache holds), and
this pass runs over the staged tables on every run: it is cheap next to parsing, and it sees
the whole corpus, the user's alias file included.

- People: a short form ("Ghani") in an article that never gives the full name takes the one
  fuller name the corpus uses (etl.actors.link_across); ambiguous forms stay as written.
- Aliases (etl.aliases) override any automatic choice.
- Events: two reports are of the same event when their types are compatible, their date
  ranges overlap, their venues are within 25 km and they share participants; reports linked
  that way, directly or through others, share one `event_id`: the smallest of their report
  ids, so an event keeps its id when later reports join it.

Every row these choices change gets a reason saying why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from geopy.distance import great_circle

from etl.actors import link_across
from etl.aliases import Alias
from etl.lexicon import TYPE_FAMILY
from etl.records import ACTOR_KINDS

MAX_KM = 25.0
MIN_OVERLAP = 0.5  # shared participants / those of the smaller report must exceed this


@dataclass(frozen=True, slots=True)
class Report:
    """One article's account of an event: what merging compares."""

    report_id: str
    article_id: str
    family: str
    status: str
    start: date | None
    end: date | None
    precision: str
    lat: float | None
    lon: float | None
    actors: frozenset[str]
    named: frozenset[str]  # the people and groups among the actors (not countries)


@dataclass(frozen=True, slots=True)
class Merge:
    """Where a report ended up."""

    event_id: str
    n_sources: int
    sources: str  # article ids, sorted, joined by ";"
    reason: str


@dataclass(frozen=True, slots=True)
class Name:
    """What the corpus pass makes of a (name, kind): usually the same kind, a fuller name."""

    name: str
    reason: str
    kind: str


@dataclass
class Decisions:
    """Names and event ids for the whole corpus, applied to the tables batch by batch (Arrow
    tables: only the rows a decision changes go through Python)."""

    names: dict[tuple[str, str], Name] = field(default_factory=dict)
    merges: dict[str, Merge] = field(default_factory=dict)

    def apply_to_mentions(self, table: pa.Table) -> pa.Table:
        return self._rename(table, "name", "kind")[0]

    def apply_to_events(self, table: pa.Table) -> pa.Table:
        """Canonical actors (a report naming one actor twice keeps one row), event ids."""
        table, renamed = self._rename(table, "actor", "actor_kind")
        if renamed is not None:
            table = table.filter(_first_of_each(table, renamed))
        reports, n = table["report_id"], table.num_rows
        rows = _rows_in(reports, self.merges)
        merges = [self.merges[r] for r in reports.take(rows).to_pylist()]
        columns: dict[str, tuple[pa.ChunkedArray | pa.Array, list[object]]] = {
            "event_id": (reports, [m.event_id for m in merges]),
            "n_sources": (pa.repeat(1, n), [m.n_sources for m in merges]),
            "sources": (table["article_id"], [m.sources for m in merges]),
            "merge_reason": (pa.repeat("", n), [m.reason for m in merges]),
        }
        for name, (default, merged) in columns.items():
            table = _replaced(table, name, default, rows, merged)
        return table

    def _rename(self, table: pa.Table, name_col: str, kind_col: str
                ) -> tuple[pa.Table, pa.Array | None]:
        """The table with decided names and their reasons; the rows that changed, if any did.
        Only rows whose name has a decision go through Python."""
        candidates = _rows_in(table[name_col], {n for n, _ in self.names})
        looked = table.take(candidates).select([name_col, kind_col, "reason"]).to_pydict()
        hits = [(i, self.names[key], reason) for i, key, reason in zip(
            candidates.to_pylist(), zip(looked[name_col], looked[kind_col], strict=True),
            looked["reason"], strict=True) if key in self.names]
        if not hits:
            return table, None
        changed = pa.array([i for i, _, _ in hits], type=pa.int64())
        new = {name_col: [d.name for _, d, _ in hits], kind_col: [d.kind for _, d, _ in hits],
               "reason": ["; ".join(r for r in (reason, d.reason) if r) for _, d, reason in hits]}
        for col, values in new.items():
            table = _replaced(table, col, table[col], changed, values)
        return table, changed


def _rows_in(values: pa.ChunkedArray | pa.Array, keys: Iterable[str]) -> pa.Array:
    """Indices of the rows whose value is one of `keys`."""
    value_set = pa.array(sorted(keys), type=values.type)
    if len(value_set) == 0:
        return pa.array([], type=pa.int64())
    return pc.indices_nonzero(pc.fill_null(pc.is_in(values, value_set=value_set), False))


def _put(values: pa.ChunkedArray | pa.Array, rows: pa.Array, new: Sequence[object]) -> pa.Array:
    """`values` with the rows at indices `rows` set to `new`."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    mask = np.zeros(len(values), dtype=bool)
    mask[rows.to_numpy()] = True
    return pc.replace_with_mask(values, pa.array(mask), pa.array(new, type=values.type))


def _first_of_each(table: pa.Table, changed: pa.Array) -> pa.Array:
    """A mask keeping all rows but the repeats of a (report, actor, kind) within a report that
    had a row renamed (only those can have gained a repeat)."""
    touched = _rows_in(table["report_id"],
                       set(table["report_id"].take(changed).to_pylist()))
    keep = np.ones(table.num_rows, dtype=bool)
    seen: set[tuple[str, str, str]] = set()
    columns = [table[c].take(touched).to_pylist() for c in ("report_id", "actor", "actor_kind")]
    for i, key in zip(touched.to_pylist(), zip(*columns, strict=True), strict=True):
        keep[i] = key not in seen
        seen.add(key)
    return pa.array(keep)


def _replaced(table: pa.Table, name: str, values: pa.ChunkedArray | pa.Array,
              rows: pa.Array | None = None, new: Sequence[object] = ()) -> pa.Table:
    """`table` with column `name` set to `values`, and its rows at `rows` to `new`."""
    i = table.schema.get_field_index(name)
    field_ = table.schema.field(i)
    values = values.cast(field_.type)
    if rows is not None and len(rows):
        values = _put(values, rows, new)
    return table.set_column(i, field_, values)


def decide_names(people: dict[str, int], aliases: Iterable[Alias] = (),
                 groups: Iterable[str] = (), person_words: Iterable[str] = ()
                 ) -> dict[tuple[str, str], Name]:
    """(name, kind) → Name for every name the corpus pass changes or explains.

    `people` maps person names to the number of articles naming them. `groups` are
    one-word organization names: one that the corpus also uses for a person (`person_words`:
    the texts of person mentions) and that is the surname of exactly one person there is
    that person, mis-tagged ("Quispe" read as a group in one article).
    """
    by_alias: dict[tuple[str, str], Alias] = {}
    for a in aliases:
        for kind in (a.kind,) if a.kind else ACTOR_KINDS:
            by_alias.setdefault((a.alias, kind), a)

    def aliased(name: str, why: str) -> tuple[str, str]:
        target = by_alias.get((name, "person"))
        return (target.canonical, f"{why}; renamed {name} by {target.where}") if target else (
            name, why)

    used_for_people = set(person_words)
    candidates = {g for g in groups if " " not in g and g in used_for_people and g not in people}
    # One linking pass: a one-word name never changes how the other names link.
    links = link_across({**people, **dict.fromkeys(candidates, 0)})
    names: dict[tuple[str, str], Name] = {}
    for name, (full, why) in links.items():
        if name in people:
            names[(name, "person")] = Name(*aliased(full, why), "person")
    for group in candidates:
        full, why = links.get(group, (group, ""))
        if full != group and full.split()[-1] == group:
            names[(group, "organization")] = Name(*aliased(
                full, f"tagged as a group here, but elsewhere a person: {why}"), "person")
    for key, a in by_alias.items():
        verb = "kept as written" if a.canonical == a.alias else "alias"
        names[key] = Name(a.canonical, f"{verb} by {a.where}", key[1])
    return names


def reports_of(events: pa.Table, names: dict[tuple[str, str], Name]) -> list[Report]:
    """One Report per report_id of an events table (REPORT_COLUMNS), with participants under
    their corpus names."""
    if events.num_rows == 0:
        return []
    table = events.select(REPORT_COLUMNS).sort_by("report_id")
    ids, actors, kinds = (table[c].to_pylist() for c in ("report_id", "actor", "actor_kind"))
    starts = [i for i in range(len(ids)) if i == 0 or ids[i] != ids[i - 1]]
    # A report's own fields are those of its first row; its rows differ only in the actor.
    first = table.take(starts).to_pydict()
    # Reports are held until merging ends: equal values (actors, statuses, dates, articles)
    # share one object, which halves their memory.
    shared: dict[str, str] = {}
    days: dict[str, date | None] = {}

    def one(value: str) -> str:
        return shared.setdefault(value, value)

    reports = []
    for n, (i, stop) in enumerate(zip(starts, [*starts[1:], len(ids)], strict=True)):
        everyone, named = set(), set()
        for actor, kind in zip(actors[i:stop], kinds[i:stop], strict=True):
            if actor:
                decision = names.get((actor, kind))
                if decision is not None:
                    actor, kind = decision.name, decision.kind
                actor = one(actor)
                everyone.add(actor)
                if kind != "country":
                    named.add(actor)
        frozen = frozenset(everyone)
        start, end = (days.setdefault(first[c][n], _day(first[c][n]))
                      for c in ("date_start", "date_end"))
        reports.append(Report(
            ids[i], one(first["article_id"][n]), TYPE_FAMILY.get(first["event_type"][n], "meet"),
            one(first["status"][n]), start, end, one(first["date_precision"][n] or ""),
            _number(first["lat"][n]), _number(first["lon"][n]),
            frozen, frozen if named == everyone else frozenset(named)))
    return reports


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, float) and not math.isnan(value) else None


def km_between(a: Report, b: Report) -> float | None:
    """Great-circle distance of two venues, None when either report has none."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return float(great_circle((a.lat, a.lon), (b.lat, b.lon)).km)


def same_event(a: Report, b: Report) -> str | None:
    """Why two reports tell of the same event, or None when they may not."""
    if a.family != b.family or {a.status, b.status} == {"held", "cancelled"}:
        return None
    if a.start is None or b.start is None or a.end is None or b.end is None:
        return None
    if "year" in (a.precision, b.precision) or a.start > b.end or b.start > a.end:
        return None  # a year overlaps everything that happened in it
    shared = a.actors & b.actors
    if not shared or len(shared) / min(len(a.actors), len(b.actors)) <= MIN_OVERLAP:
        return None
    if not shared & (a.named | b.named) and len(shared) < 2:
        return None  # one shared country is not a shared meeting
    km = km_between(a, b)
    if km is None:
        if len(shared) < 2:
            return None
        venue = "one report names no venue"
    elif km > MAX_KM:
        return None
    else:
        venue = f"venues {km:.0f} km apart"
    overlap = max(a.start, b.start)
    when = overlap.isoformat() if overlap == min(a.end, b.end) else (
        f"{overlap.isoformat()} to {min(a.end, b.end).isoformat()}")
    return f"{venue}, dates overlap ({when}), shared: {', '.join(sorted(shared))}"


def merge_reports(reports: list[Report]) -> dict[str, Merge]:
    """Cluster reports of the same event; only reports that joined others are returned.

    Candidates share a participant, so reports are compared within each participant's list,
    in date order, and only with those whose dates can still overlap: near-linear for the
    usual corpus rather than quadratic.
    """
    parent = list(range(len(reports)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    by_actor: dict[str, list[int]] = {}
    for i, r in enumerate(reports):
        if r.start is None:
            continue
        for actor in r.named or r.actors:
            by_actor.setdefault(actor, []).append(i)
    why: dict[int, tuple[int, int, str]] = {}  # report → (shared actors, its partner, reason)
    checked: set[tuple[int, int]] = set()
    for members in by_actor.values():
        members.sort(key=lambda i: reports[i].start)  # type: ignore[arg-type, return-value]
        active: list[int] = []
        for i in members:
            r = reports[i]
            active = [j for j in active if reports[j].end >= r.start]  # type: ignore[operator]
            for j in active:
                pair = (i, j) if i < j else (j, i)
                if pair in checked:
                    continue
                checked.add(pair)
                reason = same_event(reports[j], r)
                if reason is None:
                    continue
                strength = len(r.actors & reports[j].actors)
                for x, y in ((i, j), (j, i)):  # keep each report's strongest link
                    if x not in why or why[x][0] < strength:
                        why[x] = (strength, y, reason)
                parent[root(i)] = root(j)
            active.append(i)

    clusters: dict[int, list[int]] = {}
    for i in why:
        clusters.setdefault(root(i), []).append(i)
    merges: dict[str, Merge] = {}
    for members in clusters.values():
        event_id = min(reports[i].report_id for i in members)
        articles = sorted({reports[i].article_id for i in members})
        for i in members:
            _, other, reason = why[i]
            merges[reports[i].report_id] = Merge(
                event_id, len(articles), ";".join(articles),
                f"same event as report {reports[other].report_id} of article "
                f"{reports[other].article_id}: {reason}")
    return merges


# What the corpus pass reads of the staged tables (etl.store.TableWriter.staged).
PEOPLE_QUERY = (["article_id", "name", "kind", "text"],
                pc.field("kind").isin(["person", "organization"]))
REPORT_COLUMNS = ["report_id", "article_id", "event_type", "status", "date_start", "date_end",
                  "date_precision", "lat", "lon", "actor", "actor_kind"]


def decide(people: pa.Table, events: pa.Table, aliases: Iterable[Alias] = ()) -> Decisions:
    """The corpus pass: `people` holds PEOPLE_QUERY of the person and organization mentions,
    `events` the REPORT_COLUMNS of the events table."""
    persons = people.filter(pc.equal(people["kind"], "person"))
    # In how many articles each person's name occurs.
    per_article = persons.group_by(["name", "article_id"]).aggregate([])
    counts = per_article.group_by("name").aggregate([("article_id", "count")])
    groups = people.filter(pc.equal(people["kind"], "organization"))["name"]
    names = decide_names(
        dict(zip(counts["name"].to_pylist(), counts["article_id_count"].to_pylist(),
                 strict=True)), aliases,
        groups=set(pc.unique(groups).to_pylist()),
        person_words=set(pc.unique(persons["text"]).to_pylist()))
    return Decisions(names, merge_reports(reports_of(events, names)))

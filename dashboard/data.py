"""Load the ETL's tables (Parquet first, CSV as fallback) into frames the dashboard can trust.

A table is one Parquet file (``events.parquet``, the local ETL) or a folder of parts
(``events/part-*.parquet``, ``python -m etl --engine dask``); both read the same.

The tables are the public contract written by the ETL; this module is the only place that reads
them. Missing columns are added empty and types are normalised once here, so filters and charts
never have to guess whether a blank cell is ``NaN``, ``None`` or ``""``.
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import streamlit as st

from dashboard.detail import surface_forms
from dashboard.geomap import city_names
from dashboard.index import EventIndex, build_index
from dashboard.mapped import (
    MAP_ROWS,
    ColumnScan,
    MappedTable,
    frame_copy,
    mapped_copy,
    n_rows,
)
from etl.records import ARTICLE_COLUMNS, ERROR_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS

COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (*ARTICLE_COLUMNS, "text"),
    "mentions": MENTION_COLUMNS,
    "events": EVENT_COLUMNS,
    "errors": ERROR_COLUMNS,
}
INT_COLUMNS = {"n_sentences", "sentence_id", "start", "end", "n_sources"}
FLOAT_COLUMNS = {"lat", "lon"}
REQUIRED = ("articles", "mentions", "events")
T = TypeVar("T")
# Arrow's default allocator keeps freed memory for reuse; encoding ten million rows left
# hundreds of megabytes held that way. The system allocator gives large blocks back.
pa.set_memory_pool(pa.system_memory_pool())


SNAPSHOT_ATTEMPTS = 8  # re-reads while the ETL commits (milliseconds) before giving up


class InconsistentTablesError(RuntimeError):
    """The folder's tables come from two ETL runs: one stopped between two renames."""


class MissingTablesError(FileNotFoundError):
    """The folder lacks one of the tables the dashboard needs."""


@dataclass(frozen=True)
class Tables:
    """The four ETL tables, normalised; treat the frames as read-only (they may be cached).

    A large Parquet table is mapped from disk (``dashboard.mapped``): its frame then wraps the
    mapped copy, and views read rows through ``take`` and ``articles_of``, which touch only the
    rows they return."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    events: pd.DataFrame
    errors: pd.DataFrame
    mapped: Mapping[str, MappedTable] = field(default_factory=dict)

    def take(self, name: str, positions: np.ndarray) -> pd.DataFrame:
        """The rows of one table at these positions, in this order."""
        if name in self.mapped:
            return self.mapped[name].take(positions)
        return getattr(self, name).iloc[positions]

    def articles_of(self, ids: Iterable[str]) -> pd.DataFrame:
        """The articles with these ids, each once, in the order first asked for."""
        where = self._article_rows.reindex(pd.unique(pd.Series(list(ids), dtype=object)))
        return self.take("articles", where.dropna().to_numpy(dtype=np.int64))

    @cached_property
    def _article_rows(self) -> pd.Series:
        ids = self.articles["article_id"].astype(object)
        first = ~ids.duplicated().to_numpy()
        return pd.Series(np.flatnonzero(first), index=ids[first].to_numpy())

    def article_mentions(self, article_id: str) -> pd.DataFrame:
        """The mentions of one article, in table order."""
        return self.take("mentions", self.index.article_mentions(article_id))

    def scan(self, name: str) -> pd.DataFrame | ColumnScan:
        """One table for a scan of whole columns: a mapped table is read a column at a time."""
        frame = getattr(self, name)
        return ColumnScan(self.mapped[name], frame, self.release) if name in self.mapped else frame

    def _scanned(self, compute: Callable[..., T], *names: str) -> T:
        """``compute`` over whole columns of these tables (``scan``), then ``release``."""
        try:
            return compute(*(self.scan(name) for name in names))
        finally:
            self.release()

    def release(self) -> None:
        """After a scan of whole columns: the mapped pages it read may leave memory, and so
        may the memory its temporaries freed."""
        for table in self.mapped.values():
            table.release()
        pa.default_memory_pool().release_unused()

    @cached_property
    def actor_forms(self) -> pd.DataFrame:
        """Each actor's surface forms (``detail.surface_forms``), gathered once per corpus."""
        return self._scanned(surface_forms, "mentions")

    @cached_property
    def city_names(self) -> dict[tuple[float, float], str]:
        """The city at each pair of coordinates (``geomap.city_names``): a site the ETL put at
        its city is drawn as part of that city."""
        return self._scanned(city_names, "mentions")

    @cached_property
    def index(self) -> EventIndex:
        """The events as codes for fast filtering, built on first use and kept with the
        tables (so a cached ``Tables`` is encoded once, not on every rerun)."""
        return self._scanned(build_index, "events", "articles", "mentions")


def table_path(data_dir: Path, name: str) -> Path | None:
    """What to read for one table: its Parquet file, else its folder of Parquet parts, else its
    CSV file, else None."""
    candidates = (data_dir / f"{name}.parquet", data_dir / name, data_dir / f"{name}.csv")
    for path in candidates:
        if path.is_file() or (path.is_dir() and parts(path)):
            return path
    return None


def parts(folder: Path) -> list[Path]:
    """The parts of a partitioned table, in the order the ETL numbered them (input order)."""
    return sorted(folder.glob("part-*.parquet"))


def signature(data_dir: str | Path) -> tuple[tuple[str, int, int], ...]:
    """(file, mtime, size) of every table file: the cache key that changes when the ETL reruns."""
    data_dir = Path(data_dir)
    out = []
    for name in COLUMNS:
        path = table_path(data_dir, name)
        if path is not None:
            for file in parts(path) if path.is_dir() else [path]:
                stat = file.stat()
                out.append((str(file.relative_to(data_dir)), stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract columns in contract order (extras kept), blanks as "" and numbers typed.

    Text stays in pandas' Arrow-backed ``str`` dtype: a million rows of Python string objects
    took gigabytes, and the dashboard reads text through ``Tables.index`` codes anyway.
    """
    frame = frame.copy(deep=False)  # columns are replaced, never written into
    for col in COLUMNS[name]:
        if col not in frame.columns:
            frame[col] = pd.NA
    for col in frame.columns:
        if col in FLOAT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        elif col in INT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").fillna(-1).astype("int64")
        else:
            frame[col] = frame[col].astype("str").fillna("")
    if name == "events":
        frame = fill_event_levels(frame)
    extras = [c for c in frame.columns if c not in COLUMNS[name]]
    return one_chunk(frame[[*COLUMNS[name], *extras]].reset_index(drop=True))


def fill_event_levels(events: pd.DataFrame) -> pd.DataFrame:
    """Report ids and sources where the table has none (tables written before reports of one
    event were merged across articles): each event is then its own single report, and the CSV
    download still carries both levels. Untouched when the ETL filled them."""
    out = events
    blank = out["report_id"] == ""
    if blank.any():
        out = out.assign(report_id=out["report_id"].where(~blank, out["event_id"]))
    missing_n, missing_sources = out["n_sources"] < 0, out["sources"] == ""
    if missing_n.any() or missing_sources.any():
        pairs = out[["event_id", "article_id"]].drop_duplicates().sort_values("article_id")
        grouped = pairs.groupby("event_id", sort=False)["article_id"]
        n = out["event_id"].map(grouped.size()).fillna(0).astype("int64")
        sources = out["event_id"].map(grouped.agg(";".join)).fillna("").astype("str")
        out = out.assign(n_sources=out["n_sources"].where(~missing_n, n),
                         sources=out["sources"].where(~missing_sources, sources))
    return out


def one_chunk(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with each text column in one Arrow chunk.

    pyarrow's ``take`` on a chunked string column first concatenates all its chunks, so taking
    a page of rows from a table read in row groups (or concatenated) cost a full copy per column.
    """
    out = frame.copy(deep=False)
    for col in frame.columns:
        if frame[col].dtype == "str":
            arrow = pa.array(frame[col])
            if isinstance(arrow, pa.ChunkedArray) and arrow.num_chunks > 1:
                out[col] = pd.array(arrow.combine_chunks(), dtype="str")
    return out


def read_table(data_dir: Path, name: str) -> pd.DataFrame | MappedTable:
    """One table, normalised; an absent optional table (errors) is an empty frame, and a large
    Parquet table is mapped rather than read (``map_table``)."""
    path = table_path(data_dir, name)
    if path is None:
        if name in REQUIRED:
            raise MissingTablesError(
                f"No {name}.parquet or {name}.csv in {data_dir}. "
                "Build the tables with `python -m etl seeds --out data`."
            )
        return normalise(name, pd.DataFrame(columns=list(COLUMNS[name])))
    if path.is_dir() or path.suffix == ".parquet":
        mapped = map_table(name, parts(path) if path.is_dir() else [path])
        if mapped is not None:
            return mapped
    if path.is_dir():
        frame = pa.concat_tables([pq.read_table(p) for p in parts(path)]).to_pandas()
    elif path.suffix == ".parquet":
        with path.open("rb") as f:  # one open: a file replaced meanwhile is not mixed in
            frame = pd.read_parquet(f)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return normalise(name, frame)


def map_table(name: str, files: list[Path]) -> MappedTable | None:
    """The mapped copy of a large Parquet table; None when it is small enough to read whole,
    or when it predates the columns the copy is normalised with batch by batch (an event's
    reports must then be counted over the whole table) or no copy can be written."""
    if n_rows(files) < MAP_ROWS:
        return None
    present = set(pq.read_schema(files[0]).names)
    if name == "events" and not {"report_id", "n_sources", "sources"} <= present:
        return None
    try:
        return MappedTable(mapped_copy(files, lambda frame: normalise(name, frame)))
    except OSError as exc:
        warnings.warn(f"{files[0]}: no mapped copy could be written ({exc}); reading it whole "
                      "into memory instead. Set PARLEY_CACHE_DIR to a writable folder.",
                      stacklevel=2)
        return None


def read_tables(data_dir: str | Path, *, attempts: int = SNAPSHOT_ATTEMPTS) -> Tables:
    """All tables of one ETL run, never a mix of two.

    The ETL renames its tables into place one by one, then writes ``manifest.json`` with their
    row counts and file fingerprints. A read counts only when the manifest is the same before
    and after it and describes the files read; otherwise the ETL was committing meanwhile and
    the read is repeated. A folder without a manifest (tables made by hand) is read as it is.
    """
    data_dir = Path(data_dir)
    for attempt in range(attempts):
        before = read_manifest(data_dir)
        read = {name: read_table(data_dir, name) for name in COLUMNS}
        mapped = {n: t for n, t in read.items() if isinstance(t, MappedTable)}
        tables = Tables(**{n: t.frame() if isinstance(t, MappedTable) else t
                           for n, t in read.items()}, mapped=mapped)
        if before is None or (read_manifest(data_dir) == before
                              and describes(before, data_dir, tables)):
            return tables
        time.sleep(min(0.02 * 2 ** attempt, 0.5))
    raise InconsistentTablesError(
        f"The tables in {data_dir} come from two different ETL runs (one stopped while saving "
        f"them); run the ETL again, e.g. `python -m etl seeds --out {data_dir}`.")


def read_manifest(data_dir: Path) -> dict[str, Any] | None:
    """The ETL's ``manifest.json``, or None when there is none (or it is not JSON)."""
    try:
        manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def describes(manifest: dict[str, Any], data_dir: Path, tables: Tables) -> bool:
    """True when the manifest's row counts and file fingerprints match what is there."""
    rows = manifest.get("rows") or {}
    if any(rows.get(name, len(getattr(tables, name))) != len(getattr(tables, name))
           for name in COLUMNS):
        return False
    for file, mark in (manifest.get("files") or {}).items():
        try:
            info = (data_dir / file).stat()
        except OSError:
            return False
        if [info.st_size, info.st_mtime_ns] != mark:
            return False
    return True


def combine(parts: Iterable[Tables], sources: Iterable[Path] = ()) -> Tables:
    """Several corpora as one; the ETL keys articles by content hash, so duplicates drop out.

    A table mapped in some corpus stays on disk (``combine_mapped``); ``sources`` are the
    corpora's folders, which keep the copies this writes beside it."""
    parts, sources = list(parts), list(sources)
    if len(parts) == 1:
        return parts[0]
    keys = {"articles": ["article_id"], "mentions": ["article_id", "start", "end", "kind"],
            "events": ["report_id", "actor"], "errors": None}
    frames, mapped = {}, {}
    article_ids: list[set[str]] = []  # of each corpus, read once for all its mapped tables
    for name, key in keys.items():
        if any(name in p.mapped for p in parts):
            article_ids = article_ids or [set(p.articles["article_id"]) for p in parts]
            mapped[name] = combine_mapped(name, parts, sources, article_ids)
            frames[name] = mapped[name].frame()
        else:
            frame = pd.concat([getattr(p, name) for p in parts], ignore_index=True)
            frames[name] = one_chunk(frame.drop_duplicates(subset=key).reset_index(drop=True))
    return Tables(**frames, mapped=mapped)


def combine_mapped(name: str, parts: list[Tables], sources: list[Path],
                   article_ids: list[set[str]]) -> MappedTable:
    """One table of several corpora, mapped: the largest mapped copy of it as it is, and beside
    it a copy of each other corpus's rows of articles not already in a corpus before it, so
    that a small upload beside ten million rows costs the upload's size, not a copy of the
    rest."""
    if len(sources) != len(parts):
        raise ValueError("combining a mapped corpus needs each corpus's folder")
    order = sorted(range(len(parts)),
                   key=lambda i: (name not in parts[i].mapped, -len(getattr(parts[i], name))))
    first = parts[order[0]]
    paths = list(first.mapped[name].paths)
    like = first.mapped[name].table.schema
    seen = set(article_ids[order[0]])
    for i in order[1:]:
        frame = getattr(parts[i], name)
        fresh = frame[~frame["article_id"].isin(seen)] if "article_id" in frame else frame
        if len(fresh):
            paths.append(frame_copy(fresh, like, sources[i]))
        seen |= article_ids[i]
    return MappedTable(*paths)


def needs_build(data_dir: str | Path, sources: Iterable[Path]) -> bool:
    """True when a required table is missing or older than any source article."""
    data_dir = Path(data_dir)
    paths = [table_path(data_dir, name) for name in REQUIRED]
    if any(p is None for p in paths):
        return True
    oldest_table = min(p.stat().st_mtime for p in paths if p is not None)
    newest_source = max((s.stat().st_mtime for s in sources), default=0.0)
    return newest_source > oldest_table


@st.cache_resource(max_entries=8,
                   show_spinner="Opening the tables (a large corpus takes a while, once)…")
def load_tables(data_dir: str, key: tuple[tuple[str, int, int], ...]) -> Tables:
    """Cached read, keyed by the files' mtimes; cache_resource avoids a copy per rerun.

    ``key`` is ``signature(data_dir)``: it is unused in the body but makes a rebuilt table a
    new cache entry. The index is built here too, under the spinner.
    """
    del key
    tables = read_tables(data_dir)
    tables.index  # noqa: B018
    return tables

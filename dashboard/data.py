"""Load the ETL's tables (Parquet first, CSV as fallback) into frames the dashboard can trust.

The tables are the public contract written by the ETL; this module is the only place that reads
them. Missing columns are added empty and types are normalised once here, so filters and charts
never have to guess whether a blank cell is ``NaN``, ``None`` or ``""``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st

from etl.records import ARTICLE_COLUMNS, ERROR_COLUMNS, EVENT_COLUMNS, MENTION_COLUMNS

COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": (*ARTICLE_COLUMNS, "text"),
    "mentions": MENTION_COLUMNS,
    "events": EVENT_COLUMNS,
    "errors": ERROR_COLUMNS,
}
INT_COLUMNS = {"n_sentences", "sentence_id", "start", "end"}
FLOAT_COLUMNS = {"lat", "lon"}
REQUIRED = ("articles", "mentions", "events")


class MissingTablesError(FileNotFoundError):
    """The folder lacks one of the tables the dashboard needs."""


@dataclass(frozen=True)
class Tables:
    """The four ETL tables, normalised; treat the frames as read-only (they may be cached)."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    events: pd.DataFrame
    errors: pd.DataFrame


def table_path(data_dir: Path, name: str) -> Path | None:
    """The file to read for one table: Parquet when present, else CSV, else None."""
    for suffix in (".parquet", ".csv"):
        path = data_dir / f"{name}{suffix}"
        if path.is_file():
            return path
    return None


def signature(data_dir: str | Path) -> tuple[tuple[str, int, int], ...]:
    """(file, mtime, size) of every table file: the cache key that changes when the ETL reruns."""
    data_dir = Path(data_dir)
    out = []
    for name in COLUMNS:
        path = table_path(data_dir, name)
        if path is not None:
            stat = path.stat()
            out.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(out)


def normalise(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Contract columns in contract order (extras kept), blanks as "" and numbers typed."""
    frame = frame.copy()
    for col in COLUMNS[name]:
        if col not in frame.columns:
            frame[col] = pd.NA
    for col in frame.columns:
        if col in FLOAT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        elif col in INT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").fillna(-1).astype("int64")
        else:
            frame[col] = frame[col].astype("string").fillna("").astype(object)
    extras = [c for c in frame.columns if c not in COLUMNS[name]]
    return frame[[*COLUMNS[name], *extras]].reset_index(drop=True)


def read_table(data_dir: Path, name: str) -> pd.DataFrame:
    """One table, normalised; an absent optional table (errors) is an empty frame."""
    path = table_path(data_dir, name)
    if path is None:
        if name in REQUIRED:
            raise MissingTablesError(
                f"No {name}.parquet or {name}.csv in {data_dir}. "
                "Build the tables with `python -m etl seeds --out data`."
            )
        return normalise(name, pd.DataFrame(columns=list(COLUMNS[name])))
    if path.suffix == ".parquet":
        frame = pd.read_parquet(path)
    else:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return normalise(name, frame)


def read_tables(data_dir: str | Path) -> Tables:
    """All tables of one ETL output folder."""
    data_dir = Path(data_dir)
    return Tables(*(read_table(data_dir, name) for name in COLUMNS))


def combine(parts: Iterable[Tables]) -> Tables:
    """Several corpora as one; the ETL keys articles by content hash, so duplicates drop out."""
    parts = list(parts)
    if len(parts) == 1:
        return parts[0]

    def cat(name: str, keys: list[str] | None) -> pd.DataFrame:
        frame = pd.concat([getattr(p, name) for p in parts], ignore_index=True)
        return frame.drop_duplicates(subset=keys).reset_index(drop=True)

    return Tables(
        articles=cat("articles", ["article_id"]),
        mentions=cat("mentions", ["article_id", "start", "end", "kind"]),
        events=cat("events", ["event_id", "actor"]),
        errors=cat("errors", None),
    )


def needs_build(data_dir: str | Path, sources: Iterable[Path]) -> bool:
    """True when a required table is missing or older than any source article."""
    data_dir = Path(data_dir)
    paths = [table_path(data_dir, name) for name in REQUIRED]
    if any(p is None for p in paths):
        return True
    oldest_table = min(p.stat().st_mtime for p in paths if p is not None)
    newest_source = max((s.stat().st_mtime for s in sources), default=0.0)
    return newest_source > oldest_table


@st.cache_resource(max_entries=8, show_spinner=False)
def load_tables(data_dir: str, key: tuple[tuple[str, int, int], ...]) -> Tables:
    """Cached read, keyed by the files' mtimes; cache_resource avoids a copy per rerun.

    ``key`` is ``signature(data_dir)``: it is unused in the body but makes a rebuilt table a
    new cache entry.
    """
    del key
    return read_tables(data_dir)

"""The incremental cache: each article's rows, keyed by its content, the pipeline version and
the geocoder, so a re-run over a grown corpus parses only what is new.

Rows live in one SQLite file, ``OUT/.parley-cache.sqlite``, beside the tables. SQLite commits
are atomic, so a crash leaves the cache consistent; an entry is only ever a pure function of
its key, so an entry written by a run that later failed is still correct. A run prunes the
entries it did not use once its tables are committed: the cache mirrors the tables and does
not grow without bound, and a new pipeline version or geocoder starts afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.records import Article

CACHE_FILE = ".parley-cache.sqlite"


def user_cache_dir() -> Path:
    """Where Parley keeps what it builds once per machine rather than per corpus (the
    gazetteer's index, mapped copies of large tables): $PARLEY_CACHE_DIR, else the user's
    cache folder."""
    root = os.environ.get("PARLEY_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "parley")
    return Path(root)


@dataclass(frozen=True, slots=True)
class ArticleRows:
    """What one article contributes to the mention and event tables (its article row is made
    from the Article itself, which also carries the path the cache must not remember)."""

    n_sentences: int
    mentions: list[dict[str, Any]]
    events: list[dict[str, Any]]


def content_key(article: Article, version: str, geocoder: str) -> str:
    """Everything extraction depends on: the text and metadata, not the file's name."""
    fields = [article.text, article.title, article.publisher,
              article.published.isoformat() if article.published else "", article.dateline,
              article.dateline_region, version, geocoder]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode(
        "utf-8", "surrogatepass")).hexdigest()


def _encode(rows: ArticleRows) -> bytes:
    return json.dumps([rows.n_sentences, rows.mentions, rows.events], ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8", "surrogatepass")


def _decode(blob: bytes) -> ArticleRows:
    n, mentions, events = json.loads(blob.decode("utf-8", "surrogatepass"))
    return ArticleRows(n, mentions, events)


class ArticleCache:
    """Rows by content key; `get_many` and `put_many` work a chunk at a time."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("CREATE TABLE IF NOT EXISTS rows (key TEXT PRIMARY KEY, rows BLOB)")
        self.db.execute("CREATE TEMP TABLE used (key TEXT PRIMARY KEY)")
        self.used: list[str] = []  # keys asked for or kept by this run, in bulk at `prune`

    @classmethod
    def in_folder(cls, out_dir: str | Path) -> ArticleCache:
        return cls(Path(out_dir) / CACHE_FILE)

    def get_many(self, keys: list[str]) -> dict[str, ArticleRows]:
        """The cached rows of those keys that are present; marks every key as used."""
        if not keys:
            return {}
        self.keep(keys)
        marks = ",".join("?" * len(keys))
        found = self.db.execute(f"SELECT key, rows FROM rows WHERE key IN ({marks})", keys)
        return {key: _decode(blob) for key, blob in found}

    def keep(self, keys: Iterable[str]) -> None:
        """Mark entries as used without reading them (the rows of an unchanged file)."""
        self.used.extend(keys)

    def put_many(self, items: Iterable[tuple[str, ArticleRows]]) -> None:
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?)",
                                ((k, _encode(r)) for k, r in items))

    def prune(self) -> int:
        """Drop entries this run did not ask for: removed articles, old versions."""
        with self.db:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR IGNORE INTO used VALUES (?)",
                                ((k,) for k in self.used))
            cur = self.db.execute("DELETE FROM rows WHERE key NOT IN (SELECT key FROM used)")
        return cur.rowcount

    def __len__(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM rows").fetchone()[0])

    def close(self) -> None:
        self.db.close()

"""Records → tables on disk (CSV and Parquet), streamed and written atomically.

Rows go to temporary files beside the final ones as they come, so memory stays flat however
large the corpus; `commit` renames every table into place only when the run has finished,
so a crash leaves the previous tables whole. The ETL's CSV files are raw data: a cell that
starts with "=" is written as it is (the dashboard's downloads are the ones made safe for
spreadsheets).
"""

from __future__ import annotations

import contextlib
import csv
import math
import os
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from etl.atomic import temp_beside, write_json_atomic
from etl.records import (
    ARTICLE_COLUMNS,
    ERROR_COLUMNS,
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    Article,
    Extraction,
    InputError,
)

_STR, _INT, _FLOAT = pa.string(), pa.int32(), pa.float64()
SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([(c, _INT if c == "n_sentences" else _STR) for c in ARTICLE_COLUMNS]
                          + [("text", _STR)]),
    "mentions": pa.schema([(c, _INT if c in ("sentence_id", "start", "end") else
                            _FLOAT if c in ("lat", "lon") else _STR) for c in MENTION_COLUMNS]),
    "events": pa.schema([(c, _INT if c == "sentence_id" else
                          _FLOAT if c in ("lat", "lon") else _STR) for c in EVENT_COLUMNS]),
    "errors": pa.schema([(c, _STR) for c in ERROR_COLUMNS]),
}
CSV_COLUMNS = {"articles": ARTICLE_COLUMNS, "mentions": MENTION_COLUMNS,
               "events": EVENT_COLUMNS, "errors": ERROR_COLUMNS}
TABLES = tuple(SCHEMAS)


def article_row(ex: Extraction) -> dict[str, Any]:
    return article_row_for(ex.article, ex.n_sentences)


def article_row_for(a: Article, n_sentences: int) -> dict[str, Any]:
    return {"article_id": a.article_id, "path": a.path, "title": a.title,
            "publisher": a.publisher, "published": a.published.isoformat() if a.published else "",
            "dateline": a.dateline, "n_sentences": n_sentences, "sha256": a.sha256,
            "text": a.text}


def mention_rows(ex: Extraction) -> Iterator[dict[str, Any]]:
    for m in ex.mentions:
        p, d = m.place, m.date
        yield {"article_id": m.article_id, "sentence_id": m.sentence_id, "start": m.start,
               "end": m.end, "text": m.text, "kind": m.kind, "name": m.name,
               "country_code": p.country_code if p else "",
               "lat": p.lat if p else None, "lon": p.lon if p else None,
               "geo_precision": p.precision if p else "",
               "date_start": d.start.isoformat() if d else "",
               "date_end": d.end.isoformat() if d else "",
               "date_precision": d.precision if d else ""}


def event_rows(ex: Extraction) -> Iterator[dict[str, Any]]:
    """Tidy: one row per (event, actor); an event with no known actor keeps one row."""
    for e in ex.events:
        p, d = e.place, e.date
        base = {"event_id": e.event_id, "article_id": e.article_id,
                "sentence_id": e.sentence_id, "event_type": e.event_type, "status": e.status,
                "date_start": d.start.isoformat() if d else "",
                "date_end": d.end.isoformat() if d else "",
                "date_precision": d.precision if d else "",
                "place": p.name if p else "", "country_code": p.country_code if p else "",
                "lat": p.lat if p else None, "lon": p.lon if p else None,
                "geo_precision": p.precision if p else "", "sentence": e.sentence}
        for name, kind in e.actors or [("", "")]:
            yield {**base, "actor": name, "actor_kind": kind}


def error_row(err: InputError) -> dict[str, Any]:
    return {"path": err.path, "error": err.error}


def _csv_cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


@dataclass
class _Table:
    name: str
    csv_tmp: Path
    parquet_tmp: Path
    csv_file: Any
    csv_writer: Any
    parquet: pq.ParquetWriter
    pending: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0


class TableWriter:
    """Streams the four tables of one run into `out_dir`; nothing is visible until `commit`."""

    BATCH = 5000

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tables: dict[str, _Table] = {}
        for name in TABLES:
            csv_tmp = self._tmp(f"{name}.csv")
            parquet_tmp = self._tmp(f"{name}.parquet")
            f = open(csv_tmp, "w", encoding="utf-8", newline="")  # noqa: SIM115 - kept open
            writer = csv.writer(f)
            writer.writerow(CSV_COLUMNS[name])
            self.tables[name] = _Table(name, csv_tmp, parquet_tmp, f, writer,
                                       pq.ParquetWriter(parquet_tmp, SCHEMAS[name]))

    def _tmp(self, final: str) -> Path:
        return temp_beside(self.out_dir / final)

    def add(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        table = self.tables[name]
        columns = CSV_COLUMNS[name]
        for row in rows:
            table.csv_writer.writerow([_csv_cell(row[c]) for c in columns])
            table.pending.append(row)
            table.rows += 1
        if len(table.pending) >= self.BATCH:
            self._flush(table)

    def add_extraction(self, ex: Extraction) -> None:
        self.add("articles", [article_row(ex)])
        self.add("mentions", mention_rows(ex))
        self.add("events", event_rows(ex))

    def add_article(self, article: Article, n_sentences: int,
                    mentions: Iterable[dict[str, Any]], events: Iterable[dict[str, Any]]) -> None:
        """One article's rows as the cache or a worker hands them over (see etl.cache)."""
        self.add("articles", [article_row_for(article, n_sentences)])
        self.add("mentions", mentions)
        self.add("events", events)

    def _flush(self, table: _Table) -> None:
        if table.pending:
            table.parquet.write_batch(
                pa.RecordBatch.from_pylist(table.pending, schema=SCHEMAS[table.name]))
            table.pending.clear()

    def counts(self) -> dict[str, int]:
        return {name: t.rows for name, t in self.tables.items()}

    def commit(self, manifest: dict[str, Any] | None = None) -> None:
        """Close every file, flush it to disk, then rename each into place."""
        for table in self.tables.values():
            self._flush(table)
            table.parquet.close()
            table.csv_file.flush()
            os.fsync(table.csv_file.fileno())
            table.csv_file.close()
        for table in self.tables.values():
            os.replace(table.parquet_tmp, self.out_dir / f"{table.name}.parquet")
            os.replace(table.csv_tmp, self.out_dir / f"{table.name}.csv")
            _drop_partitions(self.out_dir / table.name)
        # Written last; readers check the files against it (dashboard.data.read_tables).
        files = {f"{t.name}{ext}": fingerprint(self.out_dir / f"{t.name}{ext}")
                 for t in self.tables.values() for ext in (".parquet", ".csv")}
        write_json_atomic(self.out_dir / "manifest.json",
                          {**(manifest or {}), "rows": self.counts(), "files": files})

    def abort(self) -> None:
        """Drop the temporary files; the previous tables stay as they were."""
        for table in self.tables.values():
            with contextlib.suppress(OSError, ValueError):
                table.parquet.close()
            table.csv_file.close()
            for path in (table.csv_tmp, table.parquet_tmp):
                path.unlink(missing_ok=True)


def _drop_partitions(folder: Path) -> None:
    """Remove the partitioned copy of a table a Dask run left (etl.engine_dask), so readers
    find one layout; a folder holding anything but parts is left alone."""
    if folder.is_dir() and all(p.name.startswith("part-") and p.suffix == ".parquet"
                               for p in folder.iterdir()):
        shutil.rmtree(folder)


def fingerprint(path: Path) -> list[int]:
    """[size, mtime in ns]: tells one run's file from another's without reading it."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]



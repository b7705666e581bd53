"""Rows → tables on disk (CSV and Parquet), streamed and written atomically.

Rows are staged as they come, one Arrow IPC file per table beside the final ones, so memory
stays flat however large the corpus. `commit` writes the final Parquet and CSV files from the
staging files (mentions and events through the corpus pass) and renames each into place only
when the run has finished, so a crash leaves the previous tables whole. The staging files then
serve the next run (etl.previous). The ETL's CSV files are raw data: a cell that starts with "="
is written as it is (the dashboard's downloads are the ones made safe for spreadsheets).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from etl.atomic import sweep_stale, temp_beside, write_json_atomic
from etl.records import (
    ARTICLE_COLUMNS,
    ERROR_COLUMNS,
    EVENT_COLUMNS,
    MENTION_COLUMNS,
    Article,
)
from etl.rows import article_row_for

_STR, _INT, _FLOAT = pa.string(), pa.int32(), pa.float64()
_INTS = {"n_sentences", "sentence_id", "start", "end", "n_sources"}


def _schema(columns: tuple[str, ...]) -> pa.Schema:
    return pa.schema([(c, _INT if c in _INTS else _FLOAT if c in ("lat", "lon") else _STR)
                      for c in columns])


SCHEMAS: dict[str, pa.Schema] = {
    "articles": _schema((*ARTICLE_COLUMNS, "text")),
    "mentions": _schema(MENTION_COLUMNS),
    "events": _schema(EVENT_COLUMNS),
    "errors": _schema(ERROR_COLUMNS),
}
CSV_COLUMNS = {"articles": ARTICLE_COLUMNS, "mentions": MENTION_COLUMNS,
               "events": EVENT_COLUMNS, "errors": ERROR_COLUMNS}
# Tables the corpus pass (etl.corpus) rewrites → a column whose runs of equal values must stay
# in one batch (a report's rows must meet to be deduplicated).
REWRITTEN = {"mentions": "article_id", "events": "report_id"}
TABLES = tuple(SCHEMAS)
Span = tuple[int, int]  # rows [start, stop) of a table


@dataclass(frozen=True, slots=True)
class Staged:
    """A staged table of a run: its Arrow IPC file and the row count of each record batch."""

    path: Path
    batches: list[int]


class RowSource(Protocol):
    """Staged rows of another run (etl.previous.PreviousRun)."""

    def batches(self, name: str, span: Span) -> Iterator[pa.RecordBatch]: ...


@dataclass
class _Table:
    name: str
    staging: Path  # Arrow IPC: the rows as added, before the corpus pass
    sink: pa.NativeFile | None
    writer: ipc.RecordBatchFileWriter | None
    pending: list[dict[str, Any]] = field(default_factory=list)
    copy: tuple[RowSource, int, int] | None = None  # a span of another run's rows, to copy
    rows: int = 0  # added so far, pending ones included
    batches: list[int] = field(default_factory=list)  # rows of each batch written


Transform = Callable[[pa.Table], pa.Table]


class TableWriter:
    """Stages the four tables of one run in `out_dir`; nothing is visible until `commit`.

    `add` takes rows as dicts; `copy` takes a span of another run's staged rows, and copies of
    adjacent spans go as one. Both return the span the rows take in this run's table.
    """

    BATCH = 5000
    READ_BATCH = 65_536
    WRITE_THREADS = 2

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        sweep_stale(self.out_dir)  # left by a run that was killed
        self.tables: dict[str, _Table] = {}
        self.final_rows: dict[str, int] = {}
        self._extra: list[Path] = []  # temporaries made at commit
        for name in TABLES:
            staging = self._tmp(f"{name}.arrow")
            sink = pa.OSFile(str(staging), "wb")
            self.tables[name] = _Table(name, staging, sink, ipc.new_file(sink, SCHEMAS[name]))

    def _tmp(self, final: str) -> Path:
        return temp_beside(self.out_dir / final)

    def add(self, name: str, rows: Iterable[dict[str, Any]]) -> Span:
        table = self.tables[name]
        if table.copy is not None:
            self._flush(table)
        start, before = table.rows, len(table.pending)
        table.pending.extend(rows)
        table.rows += len(table.pending) - before
        if len(table.pending) >= self.BATCH:
            self._flush(table)
        return start, table.rows

    def copy(self, name: str, source: RowSource, span: Span) -> Span:
        table = self.tables[name]
        start, stop = span
        if table.pending or (table.copy is not None and (table.copy[0] is not source
                                                         or table.copy[2] != start)):
            self._flush(table)
        if stop > start:
            table.copy = (source, table.copy[1] if table.copy else start, stop)
        here = table.rows
        table.rows += stop - start
        return here, table.rows

    def add_error(self, row: dict[str, Any]) -> Span:
        return self.add("errors", [row])

    def add_article(self, article: Article, n_sentences: int, mentions: Iterable[dict[str, Any]],
                    events: Iterable[dict[str, Any]]) -> dict[str, Span]:
        """One article's rows as the cache or a worker hands them over (see etl.cache)."""
        return {"articles": self.add("articles", [article_row_for(article, n_sentences)]),
                "mentions": self.add("mentions", mentions),
                "events": self.add("events", events)}

    def position(self, name: str) -> int:
        return self.tables[name].rows

    def _flush(self, table: _Table) -> None:
        if table.pending:
            schema = SCHEMAS[table.name]  # by column: many times faster than from_pylist
            self._write(table, pa.RecordBatch.from_pydict(
                {c: [row[c] for row in table.pending] for c in schema.names}, schema=schema))
            table.pending.clear()
        if table.copy is not None:
            source, start, stop = table.copy
            table.copy = None
            for batch in source.batches(table.name, (start, stop)):
                self._write(table, batch)

    @staticmethod
    def _write(table: _Table, batch: pa.RecordBatch) -> None:
        assert table.writer is not None
        table.writer.write_batch(batch)
        table.batches.append(batch.num_rows)

    def counts(self) -> dict[str, int]:
        return {name: self.final_rows.get(name, t.rows) for name, t in self.tables.items()}

    def staged(self, name: str, columns: list[str], where: pc.Expression | None = None
               ) -> pa.Table:
        """Columns of a staged table's rows `where` true (for the corpus pass); closes its
        staging file, so call it once all rows are in."""
        table = self.tables[name]
        self._close_staging(table)
        rows = read_ipc(table.staging).select(columns)
        return rows if where is None else rows.filter(where)

    def _close_staging(self, table: _Table) -> None:
        if table.writer is not None and table.sink is not None:
            self._flush(table)
            table.writer.close()
            table.sink.flush()
            os.fsync(table.sink.fileno())
            table.sink.close()
            table.writer = table.sink = None

    def commit(self, manifest: dict[str, Any] | None = None,
               transforms: dict[str, Transform] | None = None,
               keep: Callable[[dict[str, Staged]], None] | None = None) -> None:
        """Write every table out from its staging file (through `transforms`), flush every file
        to disk, then rename each into place; `keep` may then take over the staging files."""
        transforms = transforms or {}
        for table in self.tables.values():
            self._close_staging(table)
        final = {name: (self._tmp(f"{name}.parquet"), self._tmp(f"{name}.csv"))
                 for name in self.tables}
        self._extra += [path for pair in final.values() for path in pair]
        # Arrow's writers release the GIL, so two tables are written side by side: 0.2 s less
        # at 10k articles for about 30 MB; more threads cost more memory and were no faster.
        with ThreadPoolExecutor(self.WRITE_THREADS) as pool:
            rows = pool.map(lambda t: self._write_final(t, transforms.get(t.name),
                                                        *final[t.name]), self.tables.values())
            self.final_rows = dict(zip(self.tables, rows, strict=True))
        for name, (parquet_tmp, csv_tmp) in final.items():
            os.replace(parquet_tmp, self.out_dir / f"{name}.parquet")
            os.replace(csv_tmp, self.out_dir / f"{name}.csv")
            _drop_partitions(self.out_dir / name)
            _drop_partitions(self.out_dir / "csv" / name)
        with contextlib.suppress(OSError):
            (self.out_dir / "csv").rmdir()  # only if the Dask run's CSV parts were all ours
        # Written last; readers check the files against it (dashboard.data.read_tables).
        files = {f"{name}{ext}": fingerprint(self.out_dir / f"{name}{ext}")
                 for name in self.tables for ext in (".parquet", ".csv")}
        write_json_atomic(self.out_dir / "manifest.json",
                          {**(manifest or {}), "rows": self.counts(), "files": files})
        if keep is not None:
            keep({t.name: Staged(t.staging, t.batches) for t in self.tables.values()})
        for table in self.tables.values():
            table.staging.unlink(missing_ok=True)

    def _write_final(self, table: _Table, transform: Transform | None, parquet_tmp: Path,
                     csv_tmp: Path) -> int:
        """The staging file, through `transform` → the final Parquet and CSV temporaries; the
        number of rows written."""
        rows = 0
        with pa.OSFile(str(table.staging)) as source, \
                pq.ParquetWriter(parquet_tmp, SCHEMAS[table.name]) as out, \
                open(csv_tmp, "wb") as csv_out:
            staged = _ipc_batches(ipc.open_file(source))
            if transform is not None:
                staged = (transform(t) for t in _grouped(staged, self.READ_BATCH,
                                                        REWRITTEN[table.name]))
            write_csv_header(table.name, csv_out)
            for batch in staged:
                out.write(batch)
                write_csv_rows(table.name, batch, csv_out)
                rows += batch.num_rows
            csv_out.flush()
            os.fsync(csv_out.fileno())
        return rows

    def abort(self) -> None:
        """Drop the temporary files; the previous tables stay as they were."""
        for table in self.tables.values():
            with contextlib.suppress(OSError, ValueError, pa.ArrowException):
                if table.writer is not None:
                    table.writer.close()
                if table.sink is not None:
                    table.sink.close()
            table.staging.unlink(missing_ok=True)
        for path in self._extra:
            path.unlink(missing_ok=True)


def read_ipc(path: Path) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        return ipc.open_file(source).read_all()


def _ipc_batches(reader: ipc.RecordBatchFileReader) -> Iterator[pa.RecordBatch]:
    for i in range(reader.num_record_batches):
        yield reader.get_batch(i)


_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="needed", eol="\r\n")


def write_csv_header(name: str, sink: Any) -> None:
    """The header line of table `name`'s CSV, as the streamed tables write it."""
    sink.write((",".join(CSV_COLUMNS[name]) + "\r\n").encode())


def write_csv_rows(name: str, rows: pa.Table, sink: Any) -> None:
    """Rows of table `name` as CSV (its CSV columns only: no article text)."""
    pacsv.write_csv(rows.select(list(CSV_COLUMNS[name])), sink, _CSV_OPTIONS)


def _grouped(batches: Iterable[pa.RecordBatch], size: int, group: str) -> Iterator[pa.Table]:
    """Tables of about `size` rows, never splitting a run of equal `group` values (a report's
    rows must meet in one batch to be deduplicated)."""
    held: list[pa.RecordBatch] = []
    n = 0
    for batch in batches:
        held.append(batch)
        n += batch.num_rows
        if n < size:
            continue
        table = pa.Table.from_batches(held)
        values = table[group].to_pylist()
        cut = len(values)
        while cut > 0 and values[cut - 1] == values[-1]:
            cut -= 1
        if cut:
            yield table.slice(0, cut)
        held, n = table.slice(cut).to_batches(), table.num_rows - cut
    if n:
        yield pa.Table.from_batches(held, schema=held[0].schema)


def _drop_partitions(folder: Path) -> None:
    """Remove the partitioned copy of a table a Dask run left (etl.engine_dask), so readers
    find one layout; a folder holding anything but parts is left alone."""
    if folder.is_dir() and all(p.name.startswith("part-") and p.suffix in (".parquet", ".csv")
                               for p in folder.iterdir()):
        shutil.rmtree(folder)


def fingerprint(path: Path) -> list[int]:
    """[size, mtime in ns]: tells one run's file from another's without reading it."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]



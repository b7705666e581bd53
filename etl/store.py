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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
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
# Tables the corpus pass (etl.corpus) rewrites: staged as Parquet, written out at commit.
STAGED = {"mentions": "article_id", "events": "report_id"}  # table → a column whose runs
# of equal values must stay in one batch
TABLES = tuple(SCHEMAS)


def _csv_cell(value: Any) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return value


@dataclass
class _Table:
    name: str
    parquet_tmp: Path  # the final Parquet file's temporary, or the staging file
    parquet: pq.ParquetWriter
    csv_tmp: Path | None = None  # streamed tables only; staged ones get theirs at commit
    csv_file: Any = None
    csv_writer: Any = None
    pending: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0


Transform = Callable[[pa.Table], pa.Table]


class TableWriter:
    """Streams the four tables of one run into `out_dir`; nothing is visible until `commit`.

    Articles and errors stream to their final CSV and Parquet temporaries. Mentions and events
    stream to a staging Parquet file that the corpus pass reads (`staged`), and `commit`
    writes them out through its transforms, a batch at a time.
    """

    BATCH = 5000
    READ_BATCH = 65_536

    def __init__(self, out_dir: str | Path) -> None:
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        sweep_stale(self.out_dir)  # left by a run that was killed
        self.tables: dict[str, _Table] = {}
        self.final_rows: dict[str, int] = {}
        self._extra: list[Path] = []  # temporaries made at commit
        for name in TABLES:
            parquet_tmp = self._tmp(f"{name}.parquet")
            table = _Table(name, parquet_tmp, pq.ParquetWriter(parquet_tmp, SCHEMAS[name]))
            if name not in STAGED:
                table.csv_tmp = self._tmp(f"{name}.csv")
                table.csv_file = open(table.csv_tmp, "w", encoding="utf-8",  # noqa: SIM115
                                      newline="")
                table.csv_writer = csv.writer(table.csv_file)
                table.csv_writer.writerow(CSV_COLUMNS[name])
            self.tables[name] = table

    def _tmp(self, final: str) -> Path:
        return temp_beside(self.out_dir / final)

    def add(self, name: str, rows: Iterable[dict[str, Any]]) -> None:
        table = self.tables[name]
        columns = CSV_COLUMNS[name]
        for row in rows:
            if table.csv_writer is not None:
                table.csv_writer.writerow([_csv_cell(row[c]) for c in columns])
            table.pending.append(row)
            table.rows += 1
        if len(table.pending) >= self.BATCH:
            self._flush(table)

    def add_article(self, article: Article, n_sentences: int,
                    mentions: Iterable[dict[str, Any]], events: Iterable[dict[str, Any]]) -> None:
        """One article's rows as the cache or a worker hands them over (see etl.cache)."""
        self.add("articles", [article_row_for(article, n_sentences)])
        self.add("mentions", mentions)
        self.add("events", events)

    def _flush(self, table: _Table) -> None:
        if table.pending:
            schema = SCHEMAS[table.name]  # by column: many times faster than from_pylist
            table.parquet.write_batch(pa.RecordBatch.from_pydict(
                {c: [row[c] for row in table.pending] for c in schema.names}, schema=schema))
            table.pending.clear()

    def counts(self) -> dict[str, int]:
        return {name: self.final_rows.get(name, t.rows) for name, t in self.tables.items()}

    def staged(self, name: str, columns: list[str], filters: Any = None) -> pa.Table:
        """Columns of a staged table as rows so far (for the corpus pass); closes its staging
        file, so call it once all rows are in."""
        table = self.tables[name]
        self._close_parquet(table)
        return pq.read_table(table.parquet_tmp, columns=columns, filters=filters)

    def _close_parquet(self, table: _Table) -> None:
        if table.parquet is not None:
            self._flush(table)
            table.parquet.close()
            table.parquet = None

    def commit(self, manifest: dict[str, Any] | None = None,
               transforms: dict[str, Transform] | None = None) -> None:
        """Write the staged tables out through `transforms`, flush every file to disk, then
        rename each into place."""
        for table in self.tables.values():
            self._close_parquet(table)
            if table.csv_file is not None:
                table.csv_file.flush()
                os.fsync(table.csv_file.fileno())
                table.csv_file.close()
        final: dict[str, tuple[Path, Path]] = {}
        for table in self.tables.values():
            if table.name in STAGED:
                final[table.name] = self._write_staged(table, (transforms or {}).get(table.name))
            else:
                assert table.csv_tmp is not None
                final[table.name] = (table.parquet_tmp, table.csv_tmp)
        for name, (parquet_tmp, csv_tmp) in final.items():
            os.replace(parquet_tmp, self.out_dir / f"{name}.parquet")
            os.replace(csv_tmp, self.out_dir / f"{name}.csv")
            _drop_partitions(self.out_dir / name)
            _drop_partitions(self.out_dir / "csv" / name)
        with contextlib.suppress(OSError):
            (self.out_dir / "csv").rmdir()  # only if the Dask run's CSV parts were all ours
        for table in self.tables.values():
            if table.name in STAGED:
                table.parquet_tmp.unlink(missing_ok=True)
        # Written last; readers check the files against it (dashboard.data.read_tables).
        files = {f"{name}{ext}": fingerprint(self.out_dir / f"{name}{ext}")
                 for name in self.tables for ext in (".parquet", ".csv")}
        write_json_atomic(self.out_dir / "manifest.json",
                          {**(manifest or {}), "rows": self.counts(), "files": files})

    def _write_staged(self, table: _Table, transform: Transform | None) -> tuple[Path, Path]:
        """The staging file through `transform` → the final Parquet and CSV temporaries."""
        parquet_tmp, csv_tmp = self._tmp(f"{table.name}.parquet"), self._tmp(f"{table.name}.csv")
        self._extra += [parquet_tmp, csv_tmp]
        rows = 0
        with pq.ParquetWriter(parquet_tmp, SCHEMAS[table.name]) as out, \
                open(csv_tmp, "wb") as csv_out:
            write_csv_header(table.name, csv_out)
            for batch in _batches(table.parquet_tmp, self.READ_BATCH, STAGED[table.name]):
                if transform is not None:
                    batch = transform(batch)
                out.write_table(batch)
                write_csv_rows(table.name, batch, csv_out)
                rows += batch.num_rows
            csv_out.flush()
            os.fsync(csv_out.fileno())
        self.final_rows[table.name] = rows
        return parquet_tmp, csv_tmp

    def abort(self) -> None:
        """Drop the temporary files; the previous tables stay as they were."""
        for table in self.tables.values():
            with contextlib.suppress(OSError, ValueError, AttributeError):
                table.parquet.close()
            if table.csv_file is not None:
                table.csv_file.close()
            for path in (table.csv_tmp, table.parquet_tmp):
                if path is not None:
                    path.unlink(missing_ok=True)
        for path in self._extra:
            path.unlink(missing_ok=True)


_CSV_OPTIONS = pacsv.WriteOptions(include_header=False, quoting_style="needed", eol="\r\n")


def write_csv_header(name: str, sink: Any) -> None:
    """The header line of table `name`'s CSV, as the streamed tables write it."""
    sink.write((",".join(CSV_COLUMNS[name]) + "\r\n").encode())


def write_csv_rows(name: str, rows: pa.Table, sink: Any) -> None:
    """Rows of table `name` as CSV (its CSV columns only: no article text)."""
    pacsv.write_csv(rows.select(list(CSV_COLUMNS[name])), sink, _CSV_OPTIONS)


def _batches(path: Path, size: int, group: str) -> Iterator[pa.Table]:
    """Tables of about `size` rows, never splitting a run of equal `group` values (a report's
    rows must meet in one batch to be deduplicated)."""
    carry = None
    for batch in pq.ParquetFile(path).iter_batches(batch_size=size):
        table = pa.Table.from_batches([batch])
        if carry is not None:
            table = pa.concat_tables([carry, table])
        values = table[group].to_pylist()
        cut = len(values)
        while cut > 0 and values[cut - 1] == values[-1]:
            cut -= 1
        carry = table.slice(cut)
        if cut:
            yield table.slice(0, cut)
    if carry is not None and carry.num_rows:
        yield carry


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



"""Large tables read in place: an uncompressed Arrow copy of a Parquet table, mapped from disk.

A Parquet table of ten million rows is gigabytes once decompressed, more than the page may
hold. Its first read therefore writes an Arrow IPC copy into a cache folder, one Parquet row
group at a time, and the page maps that copy: a column scan or a page of rows makes only the
file's pages it touches resident, and the kernel can drop those again (``release``).

The copy is keyed by the source files' names, sizes and modification times, so a rebuilt table
gets a new copy and the old one is removed; copies of tables that no longer exist are removed
whenever a new copy is written, since each can take gigabytes of disk.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from etl.cache import user_cache_dir

MAP_ROWS = 250_000  # Parquet tables of at least this many rows are mapped, not read whole
BATCH_ROWS = 65_536  # rows per batch of the copy: what one ``take`` reads and lets go
FORMAT = "1"  # bump when the copy's layout changes, so that old copies are not read
SOURCE = "source"  # in each table's folder: the path of the first file it copies


def n_rows(files: Sequence[Path]) -> int:
    """Rows of a Parquet table from its footers alone."""
    return sum(pq.ParquetFile(f).metadata.num_rows for f in files)


def copies_folder(root: Path | None = None) -> Path:
    """Where the mapped copies live: ``root``, else the user cache's ``mapped`` folder."""
    return root or user_cache_dir() / "mapped"


def mapped_copy(files: Sequence[Path], normalise: Callable[[pd.DataFrame], pd.DataFrame],
                root: Path | None = None) -> Path:
    """The Arrow copy of a Parquet table (one file or its parts, in order), each batch passed
    through ``normalise``; written once per version of the files, atomically."""
    stamps = [(str(f.resolve()), f.stat().st_mtime_ns, f.stat().st_size) for f in files]
    folder = copies_folder(root) / _digest(
        str(Path(stamps[0][0]).parent) + files[0].name)  # one folder per table
    target = folder / f"{_digest(FORMAT + repr(stamps))}.arrow"
    if not target.is_file():
        batches = (pa.Table.from_pandas(normalise(batch.to_pandas()), preserve_index=False)
                   for file in files
                   for batch in pq.ParquetFile(file).iter_batches(batch_size=BATCH_ROWS))
        _write(batches, target, Path(stamps[0][0]), f"{files[0]} holds no rows")
    return target


def frame_copy(frame: pd.DataFrame, like: pa.Schema, source: Path,
               root: Path | None = None) -> Path:
    """An Arrow copy of a (small) frame with the columns and types of ``like``, to be mapped
    beside a copy of that schema; kept while ``source``, the folder it was read from, exists."""
    frame = frame.reindex(columns=like.names)
    key = hashlib.sha1(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    folder = copies_folder(root) / _digest(f"{source.resolve()}{like}")
    target = folder / f"{_digest(FORMAT + key.hexdigest())}.arrow"
    if not target.is_file():
        batch = pa.Table.from_pandas(frame, preserve_index=False).cast(like)
        _write([batch], target, source.resolve(), f"{source}: no rows to copy")
    return target


def _write(batches: Iterable[pa.Table], target: Path, source: Path, empty: str) -> None:
    """The batches as one Arrow file at ``target``, atomically, text as ``large_string``; the
    folder names its source, and earlier versions in it and orphaned folders beside it go."""
    folder = target.parent
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SOURCE).write_text(str(source), encoding="utf-8")
    unfinished = folder / f".{target.stem}.{os.getpid()}.partial"
    try:
        with pa.OSFile(str(unfinished), "wb") as sink:
            writer, schema = None, None
            for table in batches:
                if writer is None:
                    schema = _large_strings(table.schema)
                    writer = pa.ipc.new_file(sink, schema)
                writer.write_table(table.cast(schema))
            if writer is None:
                raise ValueError(empty)
            writer.close()
        os.replace(unfinished, target)
    finally:
        unfinished.unlink(missing_ok=True)
    for old in folder.glob("*.arrow"):  # earlier versions of the same table
        if old != target:
            old.unlink(missing_ok=True)
    remove_orphans(folder.parent)


def remove_orphans(root: Path) -> None:
    """Remove the copies whose source is gone, and those an earlier version wrote without
    naming their source (such a table is copied again when next opened); a folder with a copy
    being written is left alone. A page still mapping a removed copy keeps reading it: the file
    lives until it is unmapped."""
    for folder in root.iterdir():
        if not folder.is_dir() or any(folder.glob(".*.partial")):
            continue
        try:
            source = Path((folder / SOURCE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            source = None
        if source is None or not source.exists():
            shutil.rmtree(folder, ignore_errors=True)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def _large_strings(schema: pa.Schema) -> pa.Schema:
    """Text as ``large_string``, the layout pandas' ``str`` columns use, so that mapping the
    copy into a frame copies no text."""
    return pa.schema([pa.field(f.name, pa.large_string()) if pa.types.is_string(f.type) else f
                      for f in schema])


def _frame_type(arrow: pa.DataType) -> object:
    """Text as pandas ``str`` and numbers as Arrow-backed columns: both wrap the mapped
    buffers instead of copying them."""
    if pa.types.is_large_string(arrow):
        return pd.StringDtype("pyarrow", na_value=np.nan)
    return pd.ArrowDtype(arrow)


class MappedTable:
    """Mapped copies, one after the other: their rows as a frame for scans, and ``take`` for
    the rows shown. The copies share one schema (a large corpus and one beside it)."""

    def __init__(self, *paths: Path) -> None:
        self.paths = paths
        self._maps: list[mmap.mmap] = []
        tables, sizes, self._spans = [], [], []
        for path in paths:
            with path.open("rb") as f:
                self._maps.append(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
            whole = pa.py_buffer(self._maps[-1])
            reader = pa.ipc.open_file(pa.BufferReader(whole))
            tables.append(reader.read_all())  # zero-copy: the columns point into the map
            for i in range(reader.num_record_batches):
                batch = reader.get_batch(i)
                sizes.append(batch.num_rows)
                self._spans.append((self._maps[-1], *_span(batch, whole.address, whole.size)))
        self.table = pa.concat_tables(tables)  # one chunk a batch, no copy
        self._starts = np.cumsum([0, *sizes])

    def __len__(self) -> int:
        return self.table.num_rows

    def frame(self) -> pd.DataFrame:
        """Every row, without copying: for whole-column scans (then ``release``)."""
        return self.table.to_pandas(types_mapper=_frame_type)

    def take(self, positions: np.ndarray) -> pd.DataFrame:
        """The rows at these positions, in this order, as an ordinary frame.

        Arrow's ``take`` on a column of many chunks first joins the chunks, a copy of the
        whole column; here each batch gives its own rows and only those are joined. Reading a
        row maps the pages around it too (the kernel's fault-around), so a thousand scattered
        rows would map most of the file: each batch's pages are let go once its rows are
        copied."""
        positions = np.asarray(positions, dtype=np.int64)
        if not len(positions):
            return self.table.slice(0, 0).to_pandas()
        order = np.argsort(positions, kind="stable")
        pieces = [self.table.slice(start, length).take(pa.array(local))
                  for start, length, local in self._by_batch(positions[order])]
        back = np.empty_like(order)
        back[order] = np.arange(len(order))
        return pa.concat_tables(pieces).take(pa.array(back)).to_pandas()

    def column_at(self, name: str, positions: np.ndarray) -> pa.ChunkedArray:
        """One column's values at these ascending positions, read a batch at a time and letting
        each batch's pages go: a third of the rows, scattered, lie on most of the file's pages.
        """
        column = self.table.column(name)
        pieces = [column.slice(start, length).chunk(0).take(pa.array(local))
                  for start, length, local in self._by_batch(np.asarray(positions))]
        return pa.chunked_array(pieces, type=column.type)

    def _by_batch(self, ordered: np.ndarray) -> Iterator[tuple[int, int, np.ndarray]]:
        """(first row, rows, positions within it) of each batch holding some of these
        ascending positions; each batch's pages are let go once the caller has copied its
        rows (the kernel maps 64 kB around every row read)."""
        if not len(ordered):
            return
        batch = np.searchsorted(self._starts, ordered, side="right") - 1
        cuts = np.flatnonzero(np.diff(batch)) + 1
        for b, local in zip(batch[np.r_[0, cuts]], np.split(ordered, cuts), strict=True):
            start = int(self._starts[b])
            yield start, int(self._starts[b + 1]) - start, local - start
            self.release(int(b))

    def release(self, batch: int | None = None) -> None:
        """Let the kernel drop the pages read so far (of one batch, or all); they are read
        again when needed."""
        if batch is None:
            for whole in self._maps:
                whole.madvise(mmap.MADV_DONTNEED)
        else:
            held, start, stop = self._spans[batch]
            if stop > start:
                held.madvise(mmap.MADV_DONTNEED, start, stop - start)


def _span(batch: pa.RecordBatch, base: int, size: int) -> tuple[int, int]:
    """The page-aligned byte range of the file that holds one batch's buffers (empty buffers
    may point anywhere, so they are left out)."""
    places = [(buf.address - base, buf.address - base + buf.size)
              for column in batch.columns for buf in column.buffers()
              if buf is not None and buf.size and 0 <= buf.address - base < size]
    if not places:
        return 0, 0
    start = min(a for a, _ in places) // mmap.PAGESIZE * mmap.PAGESIZE
    return start, max(b for _, b in places)


class ColumnScan:
    """A mapped table's frame read one column at a time, as ``build_index`` and the corpus-wide
    groupings read it: each column asked for first lets the pages of the columns read before it
    leave memory, so a scan of ten million rows holds about one column, not the table."""

    def __init__(self, table: MappedTable, frame: pd.DataFrame, release: Callable[[], None]
                 ) -> None:
        """``release`` lets go of what was read before: the tables pass theirs, so a scan of
        one table also drops the pages of another."""
        self._table, self._frame = table, frame
        self._release = release

    @property
    def columns(self) -> pd.Index:
        return self._frame.columns

    def __len__(self) -> int:
        return len(self._frame)

    def __getitem__(self, column: str | list[str]) -> pd.Series | pd.DataFrame:
        self._release()
        return self._frame[column]

    def column_at(self, column: str, positions: np.ndarray) -> pa.ChunkedArray:
        """One column at ascending positions, as Arrow, touching only their pages."""
        self._release()
        return self._table.column_at(column, positions)

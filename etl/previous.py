"""The previous run's rows by input file, so that a file unchanged since then is neither read
nor parsed: its rows are copied, as Arrow, from that run's staged tables.

A file counts as unchanged when its path, size, modification time, change time and inode are
the ones the previous run saw, under the same setup (pipeline version, geocoder, ingest
options), and it was last modified well before that run started: a file written within a
clock tick of the run may have changed again without its time moving. Anything else is read
again, and its articles may still come from the content cache (etl.cache).

The folder ``OUT/.parley-previous`` holds the staged tables (Arrow IPC, one file each, before
the corpus pass), the file list with each file's row spans, and the setup. It is replaced whole,
by renames, after the tables are committed; a damaged or missing folder only means that every
file is read again.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.ipc as ipc

from etl.store import TABLES, Span, Staged, read_ipc

log = logging.getLogger(__name__)

PREVIOUS_DIR = ".parley-previous"
# FAT keeps modification times to 2 s, ext4, APFS and NTFS to far less: a file modified less
# than this before a run started is not trusted to be unchanged on the next.
GRANULARITY_NS = 2_000_000_000


@dataclass(frozen=True, slots=True)
class Stat:
    """What tells a changed file without reading it (as make and git do)."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Stat | None:
        try:
            info = path.stat()
        except OSError:
            return None  # reading it will say why
        return cls(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


@dataclass(slots=True)
class FileRows:
    """One input file's share of a run: its rows' spans in each staged table, the ids of its
    articles (to drop duplicates across files) and their content-cache keys (to keep them)."""

    path: str
    stat: Stat | None
    spans: dict[str, Span] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    n_duplicates: int = 0

    def extend(self, name: str, span: Span) -> None:
        """Take in rows written to table `name` after this file's earlier ones."""
        start = self.spans[name][0] if name in self.spans else span[0]
        self.spans[name] = (start, span[1])

    def span(self, name: str) -> Span:
        return self.spans.get(name, (0, 0))


class PreviousRun:
    """The last run's staged tables and file list, opened for copying spans of rows."""

    def __init__(self, folder: Path, started_ns: int, batches: Mapping[str, list[int]],
                 files: dict[str, FileRows]) -> None:
        self.folder, self.started_ns, self.files = folder, started_ns, files
        self.offsets = {name: [0, *accumulate(sizes)] for name, sizes in batches.items()}
        self.readers: dict[str, ipc.RecordBatchFileReader] = {}
        self.sources: list[pa.NativeFile] = []

    @classmethod
    def open(cls, out_dir: str | Path, setup: Mapping[str, Any]) -> PreviousRun | None:
        """The previous run into `out_dir` if it had the same setup, else None."""
        folder = Path(out_dir) / PREVIOUS_DIR
        if not folder.is_dir():
            return None
        previous = None
        try:
            meta = json.loads((folder / "run.json").read_text(encoding="utf-8"))
            if meta["setup"] != dict(setup):
                return None
            previous = cls(folder, int(meta["started_ns"]), meta["batches"],
                           _read_files(folder / "files.arrow"))
            for name in TABLES:
                if previous._reader(name).num_record_batches != len(meta["batches"][name]):
                    raise ValueError(f"{name}.arrow does not match run.json")
        except (OSError, ValueError, KeyError, TypeError, pa.ArrowException) as exc:
            if previous is not None:
                previous.close()
            log.warning("ignoring the previous run's rows in %s (%s); every input is read "
                        "again", folder, exc)
            return None
        return previous

    def unchanged(self, path: str, stat: Stat | None) -> FileRows | None:
        """The previous run's share of the file at `path` if the file is the same one."""
        before = self.files.get(path)
        if (before is None or stat is None or before.stat != stat or before.n_duplicates
                or stat.mtime_ns + GRANULARITY_NS > self.started_ns):
            return None
        return before

    def batches(self, name: str, span: Span) -> Iterator[pa.RecordBatch]:
        """The rows of `span` of staged table `name`, a record batch at a time."""
        start, stop = span
        offsets = self.offsets[name]
        index = bisect_right(offsets, start) - 1
        while start < stop:
            first = offsets[index]
            batch = self._reader(name).get_batch(index)
            piece = batch.slice(start - first, min(stop, offsets[index + 1]) - start)
            yield piece
            start += piece.num_rows
            index += 1

    def errors(self, span: Span) -> list[dict[str, str]]:
        return [row for batch in self.batches("errors", span) for row in batch.to_pylist()]

    def _reader(self, name: str) -> ipc.RecordBatchFileReader:
        if name not in self.readers:
            source = pa.OSFile(str(self.folder / f"{name}.arrow"))  # read as needed, not mapped
            self.sources.append(source)
            self.readers[name] = ipc.open_file(source)
        return self.readers[name]

    def close(self) -> None:
        for source in self.sources:
            source.close()
        self.readers.clear()
        self.sources.clear()


def save(out_dir: str | Path, staged: Mapping[str, Staged], files: list[FileRows],
         setup: Mapping[str, Any], started_ns: int) -> None:
    """Make this run's staged tables and file list the previous run of the next one.

    Called once this run's tables are committed: a failure here (a full disk, another run
    swapping the folder at the same moment) is logged and only costs the next run a full read.
    """
    out = Path(out_dir)
    old = out / f"{PREVIOUS_DIR}.{os.getpid()}.old.tmp"
    tmp: Path | None = None
    try:
        tmp = Path(tempfile.mkdtemp(dir=out, prefix=f"{PREVIOUS_DIR}.{os.getpid()}.",
                                    suffix=".tmp"))
        for name, table in staged.items():
            os.replace(table.path, tmp / f"{name}.arrow")
        _write_files(tmp / "files.arrow", [f for f in files if f.stat is not None])
        meta = {"setup": dict(setup), "started_ns": started_ns,
                "batches": {name: table.batches for name, table in staged.items()}}
        with open(tmp / "run.json", "w", encoding="utf-8") as f:
            json.dump(meta, f)
            f.flush()
            os.fsync(f.fileno())
        final = out / PREVIOUS_DIR
        if final.exists():
            os.replace(final, old)
        os.replace(tmp, final)
        tmp = None
    except (OSError, pa.ArrowException) as exc:
        log.warning("could not keep this run's rows in %s (%s); the next run will read every "
                    "input again", out / PREVIOUS_DIR, exc)
    finally:
        for leftover in (tmp, old):
            if leftover is not None:
                shutil.rmtree(leftover, ignore_errors=True)


_STAT_FIELDS = ("size", "mtime_ns", "ctime_ns", "inode")


def _write_files(path: Path, files: list[FileRows]) -> None:
    columns: dict[str, list[Any]] = {"path": [f.path for f in files]}
    for stat_field in _STAT_FIELDS:
        columns[stat_field] = [getattr(f.stat, stat_field) for f in files]
    for name in TABLES:
        columns[f"{name}_start"] = [f.span(name)[0] for f in files]
        columns[f"{name}_stop"] = [f.span(name)[1] for f in files]
    columns |= {"ids": [f.ids for f in files], "keys": [f.keys for f in files],
                "n_duplicates": [f.n_duplicates for f in files]}
    table = pa.table(columns)
    with pa.OSFile(str(path), "wb") as sink, ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    with open(path, "rb+") as f:
        os.fsync(f.fileno())


def _read_files(path: Path) -> dict[str, FileRows]:
    columns = read_ipc(path).to_pydict()
    files = {}
    for i, file_path in enumerate(columns["path"]):
        stat = Stat(*(columns[f][i] for f in _STAT_FIELDS))
        spans = {name: (columns[f"{name}_start"][i], columns[f"{name}_stop"][i])
                 for name in TABLES}
        files[file_path] = FileRows(file_path, stat, spans, columns["ids"][i],
                                    columns["keys"][i], columns["n_duplicates"][i])
    return files

"""The same ETL on a Dask cluster, for corpora that outgrow one machine.

The client reads the inputs (as the local run does: errors reported, duplicates dropped) and
sends chunks of articles to the workers; each worker runs the per-article function of the local
run (`etl.run.rows_chunk`, model and gazetteer loaded once per worker process) and writes its
chunk's rows straight to the output as one Parquet part per table, so no table passes through
the client. The corpus pass (etl.corpus) then reads the few columns it needs of the staged
parts, decides on the client, and the workers rewrite their parts with its decisions. Output:
``OUT/<table>/part-NNNNNN.parquet`` and ``OUT/csv/<table>/part-NNNNNN.csv``, numbered in
input order.

Parts go to a staging folder and are moved into place when every chunk is done, so a failed
run leaves the previous tables. On a local or network file system the move is a rename; on
object storage (``s3://``, ``gs://``) it is a copy, so readers may briefly see a mix.
"""

from __future__ import annotations

import contextlib
import json
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from etl import corpus, ingest
from etl.aliases import Alias
from etl.cache import ArticleCache, ArticleRows, content_key
from etl.records import Article
from etl.rows import article_row_for
from etl.run import PIPELINE_VERSION, Progress, RunSummary, chunks, rows_chunk, unique_articles
from etl.store import (
    REWRITTEN,
    SCHEMAS,
    TABLES,
    write_csv_header,
    write_csv_rows,
    write_json_atomic,
)

log = logging.getLogger(__name__)


class DaskUnavailableError(RuntimeError):
    """Dask is not installed, or the scheduler cannot be reached."""


def _filesystem(out: str | Path) -> tuple[pafs.FileSystem, str]:
    """The file system and base path of a local folder or an object-storage URI."""
    text = str(out)
    if "://" in text:
        return pafs.FileSystem.from_uri(text)
    path = Path(text).resolve()
    return pafs.LocalFileSystem(), str(path)


def part_name(index: int) -> str:
    return f"part-{index:06d}.parquet"


def write_part(chunk: list[Article], index: int, staging: str,
               cached: list[ArticleRows | None] | None = None
               ) -> tuple[dict[str, int], list[ArticleRows]]:
    """A Dask task: extract one chunk and write its rows as part `index` of every table.

    `cached` holds the rows the client's incremental cache already has (None where it has
    none); only the other articles are parsed, and their rows go back for the cache.
    """
    fs, base = _filesystem(staging)
    cached = cached or [None] * len(chunk)
    misses = [a for a, c in zip(chunk, cached, strict=True) if c is None]
    fresh = rows_chunk(misses) if misses else []
    new = iter(fresh)
    rows = [c if c is not None else next(new) for c in cached]
    tables: dict[str, list[dict[str, Any]]] = {
        "articles": [article_row_for(a, r.n_sentences) for a, r in zip(chunk, rows, strict=True)],
        "mentions": [m for r in rows for m in r.mentions],
        "events": [e for r in rows for e in r.events],
    }
    for name, table_rows in tables.items():
        table = pa.Table.from_pylist(table_rows, schema=SCHEMAS[name])
        _write(fs, base, name, index, table, csv=name not in REWRITTEN)
    return {name: len(table_rows) for name, table_rows in tables.items()}, fresh


def finish_part(index: int, staging: str, decisions: corpus.Decisions) -> dict[str, int]:
    """A Dask task: rewrite part `index` of the staged tables with the corpus's decisions
    (a report's rows are all in its article's part)."""
    fs, base = _filesystem(staging)
    apply = {"mentions": decisions.apply_to_mentions, "events": decisions.apply_to_events}
    counts = {}
    for name, transform in apply.items():
        path = f"{base}/{name}/{part_name(index)}"
        table = transform(pq.read_table(path, filesystem=fs, schema=SCHEMAS[name]))
        _write(fs, base, name, index, table, csv=True)
        counts[name] = table.num_rows
    return counts


def _write(fs: pafs.FileSystem, base: str, name: str, index: int, table: pa.Table, *,
           csv: bool) -> None:
    """Part `index` of table `name`: Parquet, and the CSV (without the article text)."""
    fs.create_dir(f"{base}/{name}", recursive=True)
    pq.write_table(table, f"{base}/{name}/{part_name(index)}", filesystem=fs)
    if csv:
        fs.create_dir(f"{base}/csv/{name}", recursive=True)
        with fs.open_output_stream(f"{base}/csv/{name}/{csv_part_name(index)}") as out:
            write_csv_header(name, out)
            write_csv_rows(name, table, out)


def csv_part_name(index: int) -> str:
    return f"part-{index:06d}.csv"


def _read(fs: pafs.FileSystem, folder: str, name: str, columns: list[str],
          where: pc.Expression | None = None) -> pa.Table:
    """Columns of a staged, partitioned table; the corpus pass reads nothing more."""
    if fs.get_file_info(folder).type != pafs.FileType.Directory:
        return SCHEMAS[name].empty_table().select(columns)
    return pq.read_table(folder, filesystem=fs, columns=columns, filters=where,
                         schema=SCHEMAS[name])


def connect(scheduler: str | None, workers: int) -> Any:
    """A client of the cluster at `scheduler`, or of a new local cluster of `workers`."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:
        raise DaskUnavailableError(
            "--engine dask needs Dask: `pip install 'parley[dask]'` "
            "(or `pip install 'dask[distributed]'`).") from exc
    if scheduler:
        try:
            return Client(scheduler, timeout="30s")
        except OSError as exc:
            raise DaskUnavailableError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with "
                "`dask scheduler` and workers with `dask worker tcp://HOST:8786`.") from exc
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=logging.ERROR)
    return Client(cluster)


def build_tables_dask(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    client: Any = None,
    scheduler: str | None = None,
    workers: int = 2,
    chunk_size: int = 64,
    progress: Progress | None = None,
    text_column: str | None = None,
    title_column: str | None = None,
    published_column: str | None = None,
    source_column: str | None = None,
    aliases: Sequence[Alias] = (),
    incremental: bool = True,
) -> RunSummary:
    """Run the ETL on a Dask cluster and write partitioned Parquet tables to `out_dir`.

    `out_dir` may be a local folder (shared with the workers on a real cluster) or an
    object-storage URI that the client and every worker can write to. With `incremental` and
    a local `out_dir`, the client keeps the incremental cache there as a local run does, and
    workers parse only the articles it lacks.
    """
    from dask.distributed import as_completed

    own = client is None
    client = connect(scheduler, workers) if own else client
    summary = RunSummary()
    fs, base = _filesystem(out_dir)
    run = f"{base}/.staging-{uuid.uuid4().hex[:12]}"
    staging = run if "://" not in str(out_dir) else f"{str(out_dir).split('://')[0]}://{run}"
    counts = dict.fromkeys(TABLES, 0)
    errors: list[dict[str, Any]] = []
    cache = (ArticleCache.in_folder(base)
             if incremental and isinstance(fs, pafs.LocalFileSystem) else None)
    try:
        stream = ingest.iter_articles(
            paths, text_column=text_column, title_column=title_column,
            published_column=published_column, source_column=source_column)
        articles = unique_articles(stream, summary, errors.append)
        in_flight = as_completed()
        sizes: dict[Any, tuple[int, list[str]]] = {}  # future → (articles, keys to cache)
        n_parts = 0
        limit = 2 * max(1, len(client.scheduler_info().get("workers", {})) or workers)

        def settle(future: Any) -> None:
            part_counts, fresh = future.result()
            for name, n in part_counts.items():
                counts[name] += n
            size, keys = sizes.pop(future)
            if cache is not None and fresh:
                cache.put_many(zip(keys, fresh, strict=True))
            summary.n_articles += size
            if progress:
                progress(summary.n_articles, None)

        for index, chunk in enumerate(chunks(articles, chunk_size)):
            keys = [content_key(a, PIPELINE_VERSION, "offline") for a in chunk]
            hits = cache.get_many(keys) if cache is not None else {}
            cached = [hits.get(k) for k in keys]
            summary.n_reused += len(hits)
            future = client.submit(write_part, chunk, index, staging, cached, pure=False)
            sizes[future] = (len(chunk), [k for k in keys if k not in hits])
            n_parts = index + 1
            in_flight.add(future)
            if in_flight.count() >= limit:  # bounded: the client never holds the corpus
                settle(next(in_flight))
        for future in in_flight:
            settle(future)
        _write(fs, run, "errors", 0, pa.Table.from_pylist(errors, schema=SCHEMAS["errors"]),
               csv=True)
        counts["errors"] = len(errors)
        decisions = corpus.decide(
            _read(fs, f"{run}/mentions", "mentions", *corpus.PEOPLE_QUERY),
            _read(fs, f"{run}/events", "events", corpus.REPORT_COLUMNS), aliases)
        shared = client.scatter(decisions, broadcast=True)
        counts["mentions"] = counts["events"] = 0
        for future in as_completed(client.map(finish_part, range(n_parts), staging=staging,
                                              decisions=shared, pure=False)):
            for name, n in future.result().items():
                counts[name] += n
        summary.n_merged = len(decisions.merges)
        summary.n_mentions, summary.n_events = counts["mentions"], counts["events"]
        _commit(fs, base, run)
        manifest = {"pipeline_version": PIPELINE_VERSION, "engine": "dask",
                    "layout": "partitioned", "rows": counts}
        if isinstance(fs, pafs.LocalFileSystem):
            write_json_atomic(Path(base) / "manifest.json", manifest)
        else:
            with fs.open_output_stream(f"{base}/manifest.json") as f:
                f.write(json.dumps(manifest, indent=1).encode())
        if cache is not None:
            cache.prune()
    except BaseException:
        with contextlib.suppress(OSError):
            fs.delete_dir(run)
        raise
    finally:
        if cache is not None:
            cache.close()
        if own:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()
    return summary


def _commit(fs: pafs.FileSystem, base: str, run: str) -> None:
    """Swap each staged table folder into place; flat files of a local run are removed so
    that readers find one layout."""
    old = f"{run}-old"
    for name in (*TABLES, "csv"):
        final = f"{base}/{name}"
        if fs.get_file_info(final).type == pafs.FileType.Directory:
            fs.create_dir(old, recursive=True)
            fs.move(final, f"{old}/{name}")
        fs.move(f"{run}/{name}", final)
        for suffix in (".parquet", ".csv"):
            flat = f"{base}/{name}{suffix}"
            if fs.get_file_info(flat).type == pafs.FileType.File:
                fs.delete_file(flat)
    for leftover in (old, run):
        if fs.get_file_info(leftover).type == pafs.FileType.Directory:
            fs.delete_dir(leftover)

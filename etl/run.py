"""One ETL run: input paths → tables in a folder, in one process or several.

This is the library entry point that the CLI and the dashboard share. Articles stream through
in chunks; each chunk is parsed and extracted (in worker processes when `workers > 1`, each
loading the model and gazetteer once), and rows stream to the table writer.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from etl import ingest
from etl.nlp import parse, shared_model
from etl.pipeline import extract
from etl.places import CachedOnlineGeocoder, PlaceResolver
from etl.records import Article, Extraction, InputError
from etl.store import TableWriter, error_row

log = logging.getLogger(__name__)

PIPELINE_VERSION = "1"
MAX_CHARS = 1_000_000  # spaCy's default limit; longer articles are reported, not parsed
Progress = Callable[[int, int | None], None]


@dataclass
class RunSummary:
    n_articles: int = 0
    n_mentions: int = 0
    n_events: int = 0
    n_duplicates: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.n_articles} articles, {self.n_mentions} mentions, {self.n_events} event "
                f"rows, {len(self.errors)} skipped" +
                (f", {self.n_duplicates} duplicates" if self.n_duplicates else ""))


def build_tables(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    geocoder: str = "offline",
    workers: int = 1,
    progress: Progress | None = None,
    chunk_size: int = 16,
    text_column: str | None = None,
    title_column: str | None = None,
    published_column: str | None = None,
    source_column: str | None = None,
) -> RunSummary:
    """Run the ETL over `paths` and write articles, mentions, events and errors to `out_dir`.

    The previous tables in `out_dir` are replaced only when the run completes.
    """
    summary = RunSummary()
    files, _ = ingest.find_input_files(paths)
    total = None if any(f.suffix.lower() in (".jsonl", ".csv") for f in files) else len(files)
    online = None
    if geocoder != "offline":
        cache = Path(out_dir) / ".cache" / f"geocode-{geocoder}.json"
        online = CachedOnlineGeocoder(geocoder, cache)
        if workers > 1:
            log.warning("an online geocoder runs in one process; ignoring --workers %d", workers)
            workers = 1
    writer = TableWriter(out_dir)
    try:
        stream = ingest.iter_articles(
            paths, text_column=text_column, title_column=title_column,
            published_column=published_column, source_column=source_column)
        articles = _unique_articles(stream, writer, summary)
        for ex in _extract_all(articles, workers, chunk_size, online):
            writer.add_extraction(ex)
            summary.n_articles += 1
            if progress:
                progress(summary.n_articles, total)
        counts = writer.counts()
        summary.n_mentions, summary.n_events = counts["mentions"], counts["events"]
        writer.commit({"pipeline_version": PIPELINE_VERSION, "geocoder": geocoder})
    except BaseException:
        writer.abort()
        raise
    finally:
        if online is not None:
            online.save()
    return summary


def _unique_articles(stream: Iterable[Article | InputError], writer: TableWriter,
                     summary: RunSummary) -> Iterator[Article]:
    """Report errors as they come and pass on each distinct article once."""
    seen: set[str] = set()
    for item in stream:
        if isinstance(item, InputError):
            _report(item, writer, summary)
        elif len(item.text) > MAX_CHARS:
            _report(InputError(item.path, f"article of {len(item.text):,} characters is longer "
                               f"than {MAX_CHARS:,}; split it into smaller files"), writer, summary)
        elif item.article_id in seen:
            summary.n_duplicates += 1
        else:
            seen.add(item.article_id)
            yield item


def _report(err: InputError, writer: TableWriter, summary: RunSummary) -> None:
    summary.errors.append((err.path, err.error))
    writer.add("errors", [error_row(err)])
    log.warning("skipped %s: %s", err.path, err.error)


def _chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while chunk := list(islice(it, size)):
        yield chunk


def _extract_all(articles: Iterable[Article], workers: int, chunk_size: int,
                 online: CachedOnlineGeocoder | None) -> Iterator[Extraction]:
    if workers <= 1:
        resolver = PlaceResolver(online)
        for chunk in _chunks(articles, chunk_size):
            yield from extract_chunk(chunk, resolver)
        return
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker) as pool:
        # Keep a bounded number of chunks in flight so memory stays flat.
        pending = []
        for chunk in _chunks(articles, chunk_size):
            pending.append(pool.submit(extract_chunk, chunk))
            if len(pending) >= workers * 4:
                yield from pending.pop(0).result()
        for future in pending:
            yield from future.result()


def extract_chunk(chunk: list[Article], resolver: PlaceResolver | None = None) -> list[Extraction]:
    """Parse and extract a chunk of articles: the unit of work of a worker."""
    resolver = resolver or _worker_resolver()
    return [extract(parsed, resolver) for parsed in parse(chunk, shared_model())]


_RESOLVER: PlaceResolver | None = None


def _worker_resolver() -> PlaceResolver:
    global _RESOLVER
    if _RESOLVER is None:
        _RESOLVER = PlaceResolver()
    return _RESOLVER


def _init_worker() -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    shared_model()
    _worker_resolver()

"""One ETL run: input paths → tables in a folder, in one process or several.

This is the library entry point that the CLI and the dashboard share. Articles stream through
in chunks; the rows of articles unchanged since the last run come from the incremental cache
(etl.cache), the others are parsed and extracted (in worker processes when `workers > 1`, each
loading the model and gazetteer once), and rows stream to the table writer in input order.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

from etl import corpus, ingest
from etl.aliases import Alias
from etl.cache import ArticleCache, ArticleRows, content_key
from etl.records import Article, Extraction, InputError
from etl.rows import error_row, event_rows, mention_rows
from etl.store import TableWriter

if TYPE_CHECKING:  # the model and the gazetteer load only when an article needs parsing
    from etl.places import CachedOnlineGeocoder, PlaceResolver

log = logging.getLogger(__name__)

def _pipeline_version() -> str:
    """A digest of the code that turns an article into rows (nlp.py names the model's
    version): any change makes the incremental cache parse every article again."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in sorted(EXTRACTION_MODULES):
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()[:16]


EXTRACTION_MODULES = ("actors", "dates", "events", "gazetteer", "ingest", "lexicon", "metadata",
                      "nlp", "pipeline", "places", "records", "rows", "syntax")
PIPELINE_VERSION = _pipeline_version()
MAX_CHARS = 1_000_000  # spaCy's default limit; longer articles are reported, not parsed
Progress = Callable[[int, int | None], None]


@dataclass
class RunSummary:
    n_articles: int = 0
    n_mentions: int = 0
    n_events: int = 0
    n_duplicates: int = 0
    n_reused: int = 0  # taken from the incremental cache, not parsed again
    n_merged: int = 0  # reports that share their event with other reports (etl.corpus)
    errors: list[tuple[str, str]] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.n_articles} articles, {self.n_mentions} mentions, {self.n_events} event "
                f"rows, {len(self.errors)} skipped" +
                (f", {self.n_duplicates} duplicates" if self.n_duplicates else "") +
                (f", {self.n_reused} unchanged (cached)" if self.n_reused else "") +
                (f", {self.n_merged} reports merged into shared events" if self.n_merged
                 else ""))


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
    incremental: bool = True,
    aliases: Sequence[Alias] = (),
) -> RunSummary:
    """Run the ETL over `paths` and write articles, mentions, events and errors to `out_dir`.

    The previous tables in `out_dir` are replaced only when the run completes. With
    `incremental`, an article whose content, pipeline version and geocoder are unchanged since
    the last run into `out_dir` is taken from the cache there instead of being parsed again;
    the tables are the same either way. The corpus pass (etl.corpus) then links actors and
    merges reports across articles, `aliases` included.
    """
    summary = RunSummary()
    files, _ = ingest.find_input_files(paths)
    total = None if any(f.suffix.lower() in (".jsonl", ".csv") for f in files) else len(files)
    online = None
    if geocoder != "offline":
        from etl.places import CachedOnlineGeocoder

        cache_file = Path(out_dir) / ".cache" / f"geocode-{geocoder}.json"
        online = CachedOnlineGeocoder(geocoder, cache_file)
        if workers > 1:
            log.warning("an online geocoder runs in one process; ignoring --workers %d", workers)
            workers = 1
    writer = TableWriter(out_dir)
    cache = ArticleCache.in_folder(out_dir) if incremental else None
    try:
        stream = ingest.iter_articles(
            paths, text_column=text_column, title_column=title_column,
            published_column=published_column, source_column=source_column)
        articles = unique_articles(stream, summary, lambda row: writer.add("errors", [row]))
        for article, rows, reused in _rows_all(articles, workers, chunk_size, online, cache,
                                               geocoder):
            writer.add_article(article, rows.n_sentences, rows.mentions, rows.events)
            summary.n_articles += 1
            summary.n_reused += reused
            if progress:
                progress(summary.n_articles, total)
        decisions = corpus.decide(writer.staged("mentions", *corpus.PEOPLE_QUERY),
                                  writer.staged("events", corpus.REPORT_COLUMNS), aliases)
        writer.commit({"pipeline_version": PIPELINE_VERSION, "geocoder": geocoder},
                      transforms={"mentions": decisions.apply_to_mentions,
                                  "events": decisions.apply_to_events})
        counts = writer.counts()
        summary.n_mentions, summary.n_events = counts["mentions"], counts["events"]
        summary.n_merged = len(decisions.merges)
        if cache is not None:
            cache.prune()
    except BaseException:
        writer.abort()
        raise
    finally:
        if online is not None:
            online.save()
        if cache is not None:
            cache.close()
    return summary


def unique_articles(stream: Iterable[Article | InputError], summary: RunSummary,
                    on_error: Callable[[dict[str, str]], None]) -> Iterator[Article]:
    """Report errors as they come and pass on each distinct article once."""
    seen: set[str] = set()
    for item in stream:
        if isinstance(item, InputError):
            _report(item, on_error, summary)
        elif len(item.text) > MAX_CHARS:
            _report(InputError(item.path, f"article of {len(item.text):,} characters is longer "
                               f"than {MAX_CHARS:,}; split it into smaller files"), on_error,
                    summary)
        elif item.article_id in seen:
            summary.n_duplicates += 1
        else:
            seen.add(item.article_id)
            yield item


def _report(err: InputError, on_error: Callable[[dict[str, str]], None],
            summary: RunSummary) -> None:
    summary.errors.append((err.path, err.error))
    on_error(error_row(err))
    log.warning("skipped %s: %s", err.path, err.error)


def chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(articles)
    while chunk := list(islice(it, size)):
        yield chunk


class _Extractor:
    """Runs chunks of articles through the pipeline, here or in a pool of worker processes.

    Nothing heavy happens until the first chunk arrives: a run whose articles all come from
    the cache never loads the model or the gazetteer.
    """

    def __init__(self, workers: int, online: CachedOnlineGeocoder | None) -> None:
        self.workers, self.online = workers, online
        self.pool: ProcessPoolExecutor | None = None
        self.resolver: PlaceResolver | None = None
        # Chunks in flight: enough to keep every worker busy, few enough for flat memory.
        self.depth = workers * 4 if workers > 1 else 0

    def submit(self, chunk: list[Article]) -> Future[list[ArticleRows]]:
        if self.workers > 1:
            if self.pool is None:
                self.pool = ProcessPoolExecutor(max_workers=self.workers,
                                                initializer=_init_worker)
            return self.pool.submit(rows_chunk, chunk)
        if self.resolver is None:
            from etl.places import PlaceResolver

            self.resolver = PlaceResolver(self.online)
        done: Future[list[ArticleRows]] = Future()
        done.set_result(rows_chunk(chunk, self.resolver))
        return done

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


# A chunk on its way: its articles, their cache keys, the cached rows, the job for the rest.
_Pending = tuple[list[Article], list[str], dict[str, ArticleRows],
                 "Future[list[ArticleRows]] | None"]


def _rows_all(articles: Iterable[Article], workers: int, chunk_size: int,
              online: CachedOnlineGeocoder | None, cache: ArticleCache | None, geocoder: str
              ) -> Iterator[tuple[Article, ArticleRows, bool]]:
    """(article, its rows, whether they came from the cache), in input order."""
    extractor = _Extractor(workers, online)
    pending: deque[_Pending] = deque()
    try:
        for chunk in chunks(articles, chunk_size):
            keys = [content_key(a, PIPELINE_VERSION, geocoder) for a in chunk]
            hits = cache.get_many(keys) if cache is not None else {}
            misses = [a for a, k in zip(chunk, keys, strict=True) if k not in hits]
            pending.append((chunk, keys, hits, extractor.submit(misses) if misses else None))
            while len(pending) > extractor.depth:
                yield from _settle(pending.popleft(), cache)
        while pending:
            yield from _settle(pending.popleft(), cache)
    finally:
        extractor.close()


def _settle(item: _Pending, cache: ArticleCache | None
            ) -> Iterator[tuple[Article, ArticleRows, bool]]:
    chunk, keys, hits, job = item
    fresh = iter(job.result() if job is not None else ())
    new = []
    for article, key in zip(chunk, keys, strict=True):
        if key in hits:
            yield article, hits[key], True
        else:
            rows = next(fresh)
            new.append((key, rows))
            yield article, rows, False
    if cache is not None and new:
        cache.put_many(new)


def rows_chunk(chunk: list[Article], resolver: PlaceResolver | None = None
               ) -> list[ArticleRows]:
    """The rows of each article of a chunk: the unit of work of a worker (or a Dask task).

    Rows rather than records travel back, so the article text is not pickled twice.
    """
    return [ArticleRows(ex.n_sentences, list(mention_rows(ex)), list(event_rows(ex)))
            for ex in extract_chunk(chunk, resolver)]


def extract_chunk(chunk: list[Article], resolver: PlaceResolver | None = None) -> list[Extraction]:
    """Parse and extract a chunk of articles."""
    from etl.nlp import parse, shared_model
    from etl.pipeline import extract

    resolver = resolver or _worker_resolver()
    return [extract(parsed, resolver) for parsed in parse(chunk, shared_model())]


_RESOLVER: PlaceResolver | None = None


def _worker_resolver() -> PlaceResolver:
    global _RESOLVER
    if _RESOLVER is None:
        from etl.places import PlaceResolver

        _RESOLVER = PlaceResolver()
    return _RESOLVER


def _init_worker() -> None:
    from etl.nlp import shared_model

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    shared_model()
    _worker_resolver()

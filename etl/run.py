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
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from etl import corpus, ingest, previous
from etl.aliases import Alias
from etl.cache import ArticleCache, ArticleRows, content_key
from etl.previous import FileRows, PreviousRun, Stat
from etl.records import Article, Extraction, InputError
from etl.rows import error_row, event_rows, mention_rows
from etl.store import Staged, TableWriter

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
    for rules in sorted([*(here / "rules").glob("*.toml"), *(here / "data").glob("*.csv")]):
        digest.update(rules.read_bytes())
    return digest.hexdigest()[:16]


EXTRACTION_MODULES = ("actors", "dates", "events", "frames", "gazetteer", "ingest", "lexicon",
                      "metadata", "nlp", "pipeline", "places", "records", "rows", "syntax",
                      "toponyms")
PIPELINE_VERSION = _pipeline_version()
# spaCy's default limit. Ingest cuts longer texts into parts; one that still reaches this is
# reported, not parsed.
MAX_CHARS = 1_000_000
# The characters of one chunk, past its first article. The model parses a chunk in one batch
# and holds about 0.8 GB a million characters while it does (etl.ingest.MAX_ARTICLE_CHARS):
# sixteen parts of a long text at once would be gigabytes, one at a time is flat.
CHUNK_CHARS = ingest.MAX_ARTICLE_CHARS
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
    extractor: Extractor | None = None,
    prefer_country: str = "",
) -> RunSummary:
    """Run the ETL over `paths` and write articles, mentions, events and errors to `out_dir`.

    The previous tables in `out_dir` are replaced only when the run completes. With
    `incremental`, a file unchanged since the last run into `out_dir` is not even read: its
    rows are copied from that run (etl.previous); in a file that did change, an article whose
    content, pipeline version and geocoder are unchanged is taken from the cache instead of
    being parsed again (etl.cache). The tables are the same either way. The corpus pass
    (etl.corpus) then links actors and merges reports across articles, `aliases` included.
    `prefer_country` (an ISO code) breaks ties between same-named places that the text leaves
    open.

    An `extractor` made by the caller (Extractor.for_output) outlives the run, so the next run
    finds the model loaded (etl.watch); by default the run makes its own and closes it.
    """
    started_ns = time.time_ns()
    summary = RunSummary()
    columns = ingest.Columns(text_column, title_column, published_column, source_column)
    files, path_errors = ingest.find_input_files(paths)
    many = ("jsonl", "csv")  # files of many records: the count of articles is not known yet
    total = None if any(ingest.SUPPORTED_SUFFIXES.get(f.suffix.lower()) in many
                        for f in files) else len(files)
    own = extractor is None
    if extractor is None:
        extractor = Extractor.for_output(out_dir, geocoder, workers, prefer_country)
    elif (extractor.geocoder, extractor.prefer_country) != (geocoder, prefer_country.upper()):
        raise ValueError(f"the extractor geocodes with {extractor.geocoding}, not {geocoder}")
    # Everything a file's rows depend on besides the file itself.
    setup = {"pipeline_version": PIPELINE_VERSION, "geocoder": extractor.geocoding,
             "max_chars": MAX_CHARS,
             "columns": [text_column, title_column, published_column, source_column]}
    writer = TableWriter(out_dir)
    cache = ArticleCache.in_folder(out_dir) if incremental else None
    before = PreviousRun.open(out_dir, setup) if incremental else None
    # This run's share of each file, for the next run; stat before reading, so that a change
    # made while the file is read shows next time.
    shares = [FileRows(str(path), Stat.of(path)) for path in files]
    try:
        for err in path_errors:
            _report(err, writer.add_error, summary)
        items = _inputs(files, shares, columns, before, writer, summary)
        if _likely_new(shares, before):
            extractor.start()
        for item in _rows_all(items, extractor, chunk_size, cache):
            n, reused = _write(item, writer, before, cache)
            summary.n_articles += n
            summary.n_reused += reused
            if progress and n:
                progress(summary.n_articles, total)
        decisions = corpus.decide(writer.staged("mentions", *corpus.PEOPLE_QUERY),
                                  writer.staged("events", corpus.REPORT_COLUMNS), aliases)

        def keep(staged: dict[str, Staged]) -> None:
            if before is not None:
                before.close()
            previous.save(out_dir, staged, shares, setup, started_ns)

        writer.commit({"pipeline_version": PIPELINE_VERSION, "geocoder": extractor.geocoding},
                      transforms={"mentions": decisions.apply_to_mentions,
                                  "events": decisions.apply_to_events},
                      keep=keep if incremental else None)
        counts = writer.counts()
        summary.n_mentions, summary.n_events = counts["mentions"], counts["events"]
        summary.n_merged = len(decisions.merges)
        if cache is not None:
            cache.prune()
    except BaseException:
        writer.abort()
        raise
    finally:
        if own:
            extractor.close()
        elif extractor.online is not None:
            extractor.online.save()
        if cache is not None:
            cache.close()
        if before is not None:
            before.close()
    return summary


@dataclass(frozen=True, slots=True)
class _Unchanged:
    """An input file unchanged since the previous run: its rows are copied, not made."""

    file: FileRows  # this run's share, filled in as the rows are copied
    before: FileRows  # the previous run's

    def copy_rows(self, writer: TableWriter, source: PreviousRun) -> int:
        """Copy the file's article, mention and event rows (its errors were copied as it was
        met, in input order); the number of articles."""
        for name in ("articles", "mentions", "events"):
            self.file.extend(name, writer.copy(name, source, self.before.span(name)))
        self.file.ids.extend(self.before.ids)
        self.file.keys.extend(self.before.keys)
        return len(self.before.ids)


# An article made or found in the cache: its file, itself, its cache key, its rows, and
# whether they came from the cache.
_Done = tuple[FileRows, Article, str, ArticleRows, bool]


def _write(item: _Done | _Unchanged, writer: TableWriter, before: PreviousRun | None,
           cache: ArticleCache | None) -> tuple[int, int]:
    """Write the rows of an article or an unchanged file: (articles, of which reused)."""
    if isinstance(item, _Unchanged):
        assert before is not None
        if cache is not None:
            cache.keep(item.before.keys)
        n = item.copy_rows(writer, before)
        return n, n
    file, article, key, rows, reused = item
    for name, span in writer.add_article(article, rows.n_sentences, rows.mentions,
                                         rows.events).items():
        file.extend(name, span)
    file.ids.append(article.article_id)
    file.keys.append(key)
    return 1, int(reused)


def _likely_new(shares: list[FileRows], before: PreviousRun | None) -> bool:
    """Whether some file is new or changed size since the previous run: it will most likely
    need the model (a file that was only touched will not)."""
    if before is None:
        return True
    for file in shares:
        old = before.files.get(file.path)
        if old is None or old.stat is None or file.stat is None or old.stat.size != file.stat.size:
            return True
    return False


def _inputs(files: list[Path], shares: list[FileRows], columns: ingest.Columns,
            before: PreviousRun | None, writer: TableWriter, summary: RunSummary
            ) -> Iterator[tuple[FileRows, Article] | _Unchanged]:
    """Each file's articles (with the file's share of this run), or the file as unchanged.

    Errors are written as they are met, so their table stays in input order."""
    seen: set[str] = set()
    for path, file in zip(files, shares, strict=True):
        unchanged = before.unchanged(file.path, file.stat) if before is not None else None
        if unchanged is not None and seen.isdisjoint(unchanged.ids):
            assert before is not None
            seen.update(unchanged.ids)
            file.extend("errors", writer.copy("errors", before, unchanged.span("errors")))
            for row in before.errors(unchanged.span("errors")):
                _note(InputError(row["path"], row["error"]), summary)
            yield _Unchanged(file, unchanged)
            continue
        errors_at, duplicates = writer.position("errors"), summary.n_duplicates
        for article in unique_articles(ingest.read_file(path, columns), summary,
                                       writer.add_error, seen):
            yield file, article
        file.extend("errors", (errors_at, writer.position("errors")))
        file.n_duplicates = summary.n_duplicates - duplicates


def unique_articles(stream: Iterable[Article | InputError], summary: RunSummary,
                    on_error: Callable[[dict[str, str]], object],
                    seen: set[str] | None = None) -> Iterator[Article]:
    """Report errors as they come and pass on each distinct article once (`seen` holds the
    ids already passed on)."""
    seen = set() if seen is None else seen
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


def _report(err: InputError, on_error: Callable[[dict[str, str]], object],
            summary: RunSummary) -> None:
    on_error(error_row(err))
    _note(err, summary)


def _note(err: InputError, summary: RunSummary) -> None:
    summary.errors.append((err.path, err.error))
    log.warning("skipped %s: %s", err.path, err.error)


def chunks(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    """Runs of at most `size` articles and CHUNK_CHARS characters (past the first article),
    so that no batch the model parses is larger than one part of a long text."""
    chunk: list[Article] = []
    for article in articles:
        if chunk and not _fits(chunk, article, size):
            yield chunk
            chunk = []
        chunk.append(article)
    if chunk:
        yield chunk


def _fits(chunk: list[Article], article: Article, size: int) -> bool:
    """Whether `article` may join `chunk` (never empty) within `size` articles and
    CHUNK_CHARS characters."""
    return (len(chunk) < size
            and sum(len(a.text) for a in chunk) + len(article.text) <= CHUNK_CHARS)


class Extractor:
    """Runs chunks of articles through the pipeline, here or in a pool of worker processes.

    Nothing heavy happens until the first chunk arrives (or `warm`): a run whose articles all
    come from the cache never loads the model or the gazetteer. One extractor can serve many
    runs into the same folder, loading them once (etl.watch).
    """

    def __init__(self, workers: int = 1, online: CachedOnlineGeocoder | None = None,
                 prefer_country: str = "") -> None:
        self.workers, self.online = workers, online
        self.geocoder = online.service if online is not None else "offline"
        self.prefer_country = prefer_country.upper()
        # What the places depend on: part of every cached article's key.
        self.geocoding = self.geocoder + (f"; prefer {self.prefer_country}"
                                          if self.prefer_country else "")
        self.pool: ProcessPoolExecutor | None = None
        self.resolver: PlaceResolver | None = None
        # Chunks in flight: enough to keep every worker busy, few enough for flat memory.
        self.depth = workers * 4 if workers > 1 else 0

    @classmethod
    def for_output(cls, out_dir: str | Path, geocoder: str = "offline", workers: int = 1,
                   prefer_country: str = "") -> Extractor:
        """An extractor geocoding with `geocoder` (an online one caches in OUT/.cache)."""
        if geocoder == "offline":
            return cls(workers, prefer_country=prefer_country)
        from etl.places import CachedOnlineGeocoder

        if workers > 1:
            log.warning("an online geocoder runs in one process; ignoring --workers %d", workers)
        cache_file = Path(out_dir) / ".cache" / f"geocode-{geocoder}.json"
        return cls(1, CachedOnlineGeocoder(geocoder, cache_file), prefer_country)

    def start(self) -> None:
        """Start the worker processes, if any: they load the model and the gazetteer while
        the caller goes on."""
        if self.workers > 1 and self.pool is None:
            self.pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                            initargs=(self.prefer_country,))
            for _ in range(self.workers):
                self.pool.submit(int)

    def warm(self) -> None:
        """Have the model and the gazetteer loaded: in the worker processes, or here."""
        if self.workers > 1:
            self.start()
            assert self.pool is not None
            wait([self.pool.submit(int) for _ in range(self.workers)])
        else:
            from etl.nlp import shared_model

            shared_model()
            self._resolver()

    def _resolver(self) -> PlaceResolver:
        if self.resolver is None:
            from etl.places import PlaceResolver

            self.resolver = PlaceResolver(self.online, prefer_country=self.prefer_country)
        return self.resolver

    def submit(self, chunk: list[Article]) -> Future[list[ArticleRows]]:
        if self.workers > 1:
            self.start()
            assert self.pool is not None
            return self.pool.submit(rows_chunk, chunk)
        done: Future[list[ArticleRows]] = Future()
        done.set_result(rows_chunk(chunk, self._resolver()))
        return done

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None
        if self.online is not None:
            self.online.save()

    def __enter__(self) -> Extractor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# A chunk on its way: its articles, their cache keys, the cached rows, the job for the rest.
_Chunk = tuple[list[tuple[FileRows, Article]], list[str], dict[str, ArticleRows],
               "Future[list[ArticleRows]] | None"]


def _rows_all(items: Iterable[tuple[FileRows, Article] | _Unchanged], extractor: Extractor,
              chunk_size: int, cache: ArticleCache | None) -> Iterator[_Done | _Unchanged]:
    """Each article with its rows, or an unchanged file, in input order."""
    pending: deque[_Chunk | _Unchanged] = deque()
    # Chunks among `pending`. An unchanged file costs nothing to hold, so reading runs ahead
    # of it: workers start on the new articles while the unchanged files' rows are copied.
    in_flight = 0
    chunk: list[tuple[FileRows, Article]] = []

    def send() -> None:
        nonlocal in_flight, chunk
        keys = [content_key(a, PIPELINE_VERSION, extractor.geocoding) for _, a in chunk]
        hits = cache.get_many(keys) if cache is not None else {}
        misses = [a for (_, a), k in zip(chunk, keys, strict=True) if k not in hits]
        pending.append((chunk, keys, hits, extractor.submit(misses) if misses else None))
        in_flight += 1
        chunk = []

    try:
        for item in items:
            if isinstance(item, _Unchanged):
                if chunk:
                    send()
                pending.append(item)
            else:
                if chunk and not _fits([a for _, a in chunk], item[1], chunk_size):
                    send()
                chunk.append(item)
                if len(chunk) == chunk_size:
                    send()
            while in_flight > extractor.depth:
                settled = pending.popleft()
                in_flight -= not isinstance(settled, _Unchanged)
                yield from _settle(settled, cache)
        if chunk:
            send()
        while pending:
            yield from _settle(pending.popleft(), cache)
    finally:  # a run that stops early leaves the extractor no work
        for waiting in pending:
            if not isinstance(waiting, _Unchanged):
                _, _, _, job = waiting
                if job is not None:
                    job.cancel()


def _settle(item: _Chunk | _Unchanged, cache: ArticleCache | None
            ) -> Iterator[_Done | _Unchanged]:
    if isinstance(item, _Unchanged):
        yield item
        return
    chunk, keys, hits, job = item
    fresh = iter(job.result() if job is not None else ())
    new = []
    for (file, article), key in zip(chunk, keys, strict=True):
        if key in hits:
            yield file, article, key, hits[key], True
        else:
            rows = next(fresh)
            new.append((key, rows))
            yield file, article, key, rows, False
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


def _worker_resolver(prefer_country: str = "") -> PlaceResolver:
    global _RESOLVER
    if _RESOLVER is None:
        from etl.places import PlaceResolver

        _RESOLVER = PlaceResolver(prefer_country=prefer_country)
    return _RESOLVER


def _init_worker(prefer_country: str = "") -> None:
    from etl.nlp import shared_model

    # Ctrl-C reaches the whole process group, and a service manager's stop may too: the main
    # process handles both and shuts the pool down, so a worker only finishes its chunk.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    shared_model()
    _worker_resolver(prefer_country)

"""The command line: `python -m etl [PATH...] [--out DIR]`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence

from tqdm import tqdm

from etl.aliases import Alias, AliasFileError, read_aliases
from etl.records import GeocoderSetupError, ModelError
from etl.run import Extractor, Progress, RunSummary, build_tables

EXAMPLE = """examples:
  python -m etl                              # seeds/ → data/
  python -m etl ~/news --out ~/news-tables --workers 2
  python -m etl export.csv --text-column story_body
  python -m etl ~/news --out ~/t --aliases aliases.csv  # alias,canonical,kind
  python -m etl ~/news --out ~/t --watch     # keep ~/t up to date as articles arrive
  python -m etl seeds --geocoder nominatim  # online, cached in DIR/.cache, offline fallback
  python -m etl ~/news --out ~/t --engine dask --workers 4          # a local Dask cluster
  python -m etl ~/news --out s3://bucket/t --engine dask --scheduler tcp://HOST:8786
"""


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m etl",
        description="Turn news articles (txt, md, html, jsonl, csv) into tables of actors, "
                    "places, dates and meetings (CSV and Parquet).",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=["seeds"],
                        help="files or folders, read recursively (default: seeds)")
    parser.add_argument("--out", default="data", help="output folder (default: data)")
    parser.add_argument("--geocoder", default="offline",
                        help="offline (GeoNames, default) or a geopy service name such as "
                             "nominatim: one request a second, at most 5 s a request, "
                             "cached, falls back to offline")
    parser.add_argument("--prefer-country", default="", metavar="CC",
                        help="ISO country code whose places win ties the text leaves open "
                             "(e.g. US for American local news); any evidence in the text "
                             "still decides first")
    parser.add_argument("--workers", type=int, default=1,
                        help="processes (default: 1); with --engine dask and no --scheduler, "
                             "the workers of the local cluster")
    parser.add_argument("--no-cache", dest="incremental", action="store_false",
                        help="parse every article again instead of reusing the rows of "
                             "unchanged ones from DIR/.parley-cache.sqlite")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local processes (default), or a Dask cluster writing "
                             "partitioned Parquet (DIR/<table>/part-*.parquet)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="the Dask scheduler to use (default: start a local cluster)")
    parser.add_argument("--aliases", metavar="aliases.csv",
                        help="merge or split actors: a CSV of alias,canonical,kind rows, "
                             "applied across the corpus without parsing again")
    parser.add_argument("--text-column", help="text column of CSV/JSONL input")
    parser.add_argument("--title-column", help="title column of CSV/JSONL input")
    parser.add_argument("--published-column", help="publication date column")
    parser.add_argument("--source-column", help="publisher column")
    parser.add_argument("--watch", action="store_true",
                        help="stay running: update the tables whenever the inputs change, "
                             "with the model kept loaded (Ctrl-C to stop)")
    parser.add_argument("--interval", type=float, default=2.0, metavar="SECONDS",
                        help="with --watch, how often to look for changes (default: 2)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(format="%(message)s", level=logging.WARNING)
    # Skipped files are listed once at the end, not as they happen under the progress bar.
    logging.getLogger("etl.run").setLevel(logging.ERROR)
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    columns = {"text_column": args.text_column, "title_column": args.title_column,
               "published_column": args.published_column, "source_column": args.source_column}
    problem = _option_error(args)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if args.geocoder != "offline" and args.workers > 1:  # etl.run's own warning is muted here
        print(f"warning: an online geocoder runs in one process, to keep its rate limit; "
              f"ignoring --workers {args.workers}", file=sys.stderr)
    aliases: list[Alias] = []
    if args.aliases:
        try:
            aliases, problems = read_aliases(args.aliases)
        except AliasFileError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)

    def run(extractor: Extractor | None = None) -> RunSummary:
        with _progress_bar(args.quiet) as progress:
            if args.engine == "dask":
                from etl.engine_dask import build_tables_dask

                return build_tables_dask(args.paths, args.out, scheduler=args.scheduler,
                                         workers=max(1, args.workers), progress=progress,
                                         aliases=aliases, incremental=args.incremental,
                                         **columns)
            return build_tables(
                args.paths, args.out, geocoder=args.geocoder, workers=max(1, args.workers),
                prefer_country=args.prefer_country,
                progress=progress, incremental=args.incremental, aliases=aliases,
                extractor=extractor, **columns)

    fatal: tuple[type[Exception], ...] = (ModelError, GeocoderSetupError)  # no use retrying
    if args.engine == "dask":
        from etl.engine_dask import DaskUnavailableError

        fatal = (ModelError, GeocoderSetupError, DaskUnavailableError)
    try:
        if args.watch:
            return _watch(args, run)
        summary = run()
    except fatal as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the previous tables are unchanged", file=sys.stderr)
        return 130
    _print_summary(summary, args.out)
    if summary.n_articles == 0:
        print("error: no article could be processed; check the paths and the messages above",
              file=sys.stderr)
        return 1
    return 0


def _option_error(args: argparse.Namespace) -> str:
    """What is wrong with the options together, and how to fix it; empty when nothing is."""
    if args.scheduler and args.engine != "dask":
        return "--scheduler needs --engine dask"
    if args.prefer_country and not (len(args.prefer_country) == 2 and
                                    args.prefer_country.isalpha()):
        return f"--prefer-country {args.prefer_country!r}: give a two-letter ISO code, e.g. US"
    if args.engine == "dask" and args.prefer_country:
        return "--engine dask resolves places without a preference; drop --prefer-country"
    if args.engine == "dask" and args.geocoder != "offline":
        return "--engine dask geocodes offline; drop --geocoder"
    if args.watch and args.engine == "dask":
        return "--watch runs on this machine; drop --engine dask"
    if args.interval <= 0:
        return "--interval must be a positive number of seconds"
    return ""


def _watch(args: argparse.Namespace, run: Callable[[Extractor | None], RunSummary]) -> int:
    """Run, then run again whenever the inputs change, with the model kept loaded."""
    from etl.watch import changes, snapshot

    def fresh() -> Extractor:
        return Extractor.for_output(args.out, args.geocoder, max(1, args.workers),
                                    args.prefer_country)

    signal.signal(signal.SIGTERM, _interrupt)  # a service manager's stop ends it like Ctrl-C
    extractor = fresh()
    told: set[tuple[str, str]] = set()
    try:
        seen = snapshot(args.paths)  # before the run: a change made during it shows next
        _print_summary(run(extractor), args.out, told)
        print(f"watching {', '.join(map(str, args.paths))} for changes (Ctrl-C to stop)",
              file=sys.stderr)
        extractor.warm()
        for _ in changes(args.paths, seen, args.interval):
            try:
                summary = run(extractor)
            except ModelError:
                raise
            except Exception as exc:  # noqa: BLE001 - a watcher outlives one failed update
                print(f"{time.strftime('%H:%M:%S')} update failed, the tables are those of "
                      f"the last update: {exc}; trying again at the next change",
                      file=sys.stderr)
                extractor.close()  # a worker that died takes its pool with it
                extractor = fresh()
                continue
            _print_summary(summary, args.out, told)
    except KeyboardInterrupt:
        print("stopped watching; the tables are those of the last update", file=sys.stderr)
        return 0
    finally:
        extractor.close()
    return 0  # pragma: no cover - changes() never ends


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def _progress_bar(quiet: bool) -> Iterator[Progress]:
    bar = tqdm(desc="articles", unit="art", disable=quiet, file=sys.stderr)

    def progress(done: int, total: int | None) -> None:
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    try:
        yield progress
    finally:
        bar.close()


def _print_summary(summary: RunSummary, out: str,
                   told: set[tuple[str, str]] | None = None) -> None:
    """The skipped files and the summary line; a watcher passes the skips it `told` already
    (each update reports its unchanged files' skips again) and gets its lines timed."""
    for path, error in summary.errors:
        if told is None or (path, error) not in told:
            print(f"skipped {path}: {error}", file=sys.stderr)
    if told is not None:
        told.update(summary.errors)
    stamp = "" if told is None else time.strftime("%H:%M:%S ")
    print(f"{stamp}{summary.line()} → {out}/", flush=True)


if __name__ == "__main__":
    sys.exit(main())

"""One measured step, run in a fresh process so that its time and peak memory are its own.

Prints one JSON line: seconds (the measured call only), the CPU seconds of this process in
that call (steadier than wall time on a shared machine; worker processes not counted), peak
RSS of this process and of its worker processes (MiB), and the step's counts.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def peak_mib(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def _rss_mib() -> float:
    """This process's resident memory now (Linux), where the peak would hide a later step."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 2**20


def etl(args: argparse.Namespace) -> dict[str, object]:
    from etl.run import build_tables

    start, cpu = time.perf_counter(), time.process_time()
    summary = build_tables(args.paths, args.out, workers=args.workers,
                           incremental=not args.no_cache)
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "articles": summary.n_articles,
            "reused": summary.n_reused, "events": summary.n_events}


def resident(args: argparse.Namespace) -> dict[str, object]:
    """An update as `python -m etl --watch` makes it: the model is already loaded, and the
    stored rows are current, when `--grow` new articles arrive; only the update is timed."""
    from bench.corpus import write_corpus
    from etl.run import Extractor, build_tables

    with Extractor(args.workers) as extractor:
        build_tables(args.paths, args.out, extractor=extractor)  # the watcher's last update
        extractor.warm()  # done while the watcher waits
        write_corpus(Path(args.paths[0]), args.grow, args.seed, start=args.start)
        start, cpu = time.perf_counter(), time.process_time()
        summary = build_tables(args.paths, args.out, extractor=extractor)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "articles": summary.n_articles,
            "reused": summary.n_reused, "events": summary.n_events}


def spacy_floor(args: argparse.Namespace) -> dict[str, object]:
    """Bare spaCy: the same model package Parley loads, without Parley's rules, over the same
    article texts (read by Parley's ingest, outside the timing)."""
    from etl import ingest
    from etl.nlp import MODEL_PACKAGES

    texts = [a.text for a in ingest.iter_articles(args.paths) if not hasattr(a, "error")]
    words = sum(len(t.split()) for t in texts)
    import importlib
    import importlib.util

    package = next(p for p in MODEL_PACKAGES if importlib.util.find_spec(p) is not None)
    start, cpu = time.perf_counter(), time.process_time()
    nlp = importlib.import_module(package).load()
    loaded = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    end = time.perf_counter()
    return {"seconds": end - start, "cpu_seconds": time.process_time() - cpu,
            "load_seconds": loaded - start, "articles": len(texts), "words": words}


def startup(args: argparse.Namespace) -> dict[str, object]:
    """The fixed cost a run pays before its first article: the imports, the model and the
    gazetteer (its index already built, as after the first run on a machine), then one
    short article through the pipeline. The gazetteer is timed and measured on its own."""
    start = time.perf_counter()
    from etl.gazetteer import shared_gazetteer
    from etl.nlp import parse, shared_model
    from etl.pipeline import extract
    from etl.places import PlaceResolver
    from etl.records import Article

    imported = time.perf_counter()
    nlp = shared_model()
    loaded = time.perf_counter()
    rss_model = _rss_mib()
    shared_gazetteer()
    resolver = PlaceResolver()
    gazetteer = time.perf_counter()
    text = "Officials met in Paris, Texas, on Monday, and later in Moscow, Idaho."
    for parsed in parse([Article("a", "a.txt", text)], nlp):
        extract(parsed, resolver)
    first = time.perf_counter()
    return {"seconds": first - start, "import_seconds": imported - start,
            "model_seconds": loaded - imported, "gazetteer_seconds": gazetteer - loaded,
            "first_article_seconds": first - gazetteer,
            "gazetteer_rss_mib": _rss_mib() - rss_model}


def read_only(args: argparse.Namespace) -> dict[str, object]:
    """Ingest alone: every record of the inputs read, decoded and cut into articles, none
    parsed (the memory of reading a file of many records)."""
    from etl import ingest

    start, cpu = time.perf_counter(), time.process_time()
    n = sum(1 for item in ingest.iter_articles(args.paths) if not hasattr(item, "error"))
    return {"seconds": time.perf_counter() - start, "cpu_seconds": time.process_time() - cpu,
            "articles": n}


STEPS = {"etl": etl, "resident": resident, "spacy": spacy_floor, "startup": startup,
         "ingest": read_only}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=tuple(STEPS))
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--out")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-cache", action="store_true")
    parser.add_argument("--grow", type=int, default=0, help="resident: new articles")
    parser.add_argument("--start", type=int, default=0, help="resident: the first one's number")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    result = STEPS[args.step](args)
    result["rss_mib"] = peak_mib(resource.RUSAGE_SELF)
    result["rss_workers_mib"] = peak_mib(resource.RUSAGE_CHILDREN)
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()

"""Peak memory on the inputs that used to exhaust it: one very long plain-text article among
ordinary ones, and a JSONL export of many records.

Every figure is the peak RSS of a fresh process (bench.child), so the model, the gazetteer and
the run are all counted; with workers, the largest worker's peak is given beside the main
process's. The limit is per process: 1.5 GB.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from pathlib import Path

from bench.corpus import article, write_corpus
from bench.etl_bench import step

LIMIT_MIB = 1.5e9 / 2**20  # 1.5 GB per process, in the MiB that ru_maxrss gives
MB = 1_000_000


def write_long_text(path: Path, size: int, seed: int = 1) -> int:
    """A plain-text file of about `size` bytes: synthetic articles one after another, as a
    book-length transcript or a pasted archive would arrive. Returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written, i = 0, 0
    with path.open("w", encoding="utf-8") as out:
        while written < size:
            text = article(i, seed) + "\n"
            out.write(text)
            written += len(text.encode("utf-8"))
            i += 1
    return written


def write_records(path: Path, size: int, seed: int = 2) -> int:
    """An export of about `size` bytes, one record per synthetic article: JSONL or CSV by the
    path's suffix. Returns its size."""
    path.parent.mkdir(parents=True, exist_ok=True)
    written, i = 0, 0
    with path.open("w", encoding="utf-8", newline="") as out:
        rows = csv.writer(out) if path.suffix == ".csv" else None
        if rows is not None:
            rows.writerow(["title", "text"])
        while written < size:
            title, text = f"Report {i}", article(i, seed)
            if rows is None:
                out.write(json.dumps({"title": title, "text": text}) + "\n")
            else:
                rows.writerow([title, text])
            written = out.tell()
            i += 1
    return written


def _verdict(*peaks: float) -> str:
    return "under" if max(peaks) < LIMIT_MIB else "OVER"


def long_text(work: Path, mb: int, workers: int, articles: int = 50
              ) -> tuple[str, str, str]:
    """Peak RSS of a run over `articles` ordinary articles and one `mb` MB plain-text file."""
    corpus = work / f"long-{mb}mb"
    write_corpus(corpus / "ordinary", articles)
    big = corpus / "long.txt"
    if not big.exists():
        write_long_text(big, mb * MB)
    out = work / "out" / f"long-{mb}mb-w{workers}"
    shutil.rmtree(out, ignore_errors=True)
    print(f"  {mb} MB text + {articles} articles, {workers} worker(s) ...", file=sys.stderr)
    r = step("etl", str(corpus), "--out", str(out), "--workers", str(workers), "--no-cache")
    figure = f"peak RSS, {mb} MB text among {articles} articles, {workers} worker(s)"
    if workers == 1:
        return (figure, f"{r['rss_mib']:.0f} MiB ({r['seconds']:.0f} s, {r['articles']} "
                        f"articles and parts, {r['events']:,} event rows): "
                        f"{_verdict(r['rss_mib'])} the limit", "< 1430 MiB (1.5 GB)")
    return (figure, f"main {r['rss_mib']:.0f} MiB, largest worker {r['rss_workers_mib']:.0f} MiB "
                    f"({r['seconds']:.0f} s): {_verdict(r['rss_mib'], r['rss_workers_mib'])} "
                    "the limit", "< 1430 MiB (1.5 GB) each")


def records(work: Path, mb: int, suffix: str) -> tuple[str, str, str]:
    """Peak RSS of reading an export of `mb` MB (JSONL or CSV) through ingest, every record
    decoded and cut into articles, without parsing: the file must stream, whatever its size
    (parsing 1 GB of articles would take hours; the rows' memory is the long-text case's)."""
    path = work / f"records-{mb}mb.{suffix}"
    if not path.exists():
        write_records(path, mb * MB)
    print(f"  reading {mb} MB of {suffix.upper()} records ...", file=sys.stderr)
    r = step("ingest", str(path))
    return (f"peak RSS reading a {mb} MB {suffix.upper()} of {r['articles']:,} records",
            f"{r['rss_mib']:.0f} MiB ({r['seconds']:.0f} s): {_verdict(r['rss_mib'])} the limit",
            "flat, < 1430 MiB")

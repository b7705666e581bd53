"""`python -m bench`: Parley's performance figures, printed as one table.

    python -m bench                          # 300 and 1000 articles; dashboard at 1M and 10M rows
    python -m bench --articles 200 --dashboard-rows 100000   # a quick look
    python -m bench --only memory                # a 30 MB text, 1 and 2 workers; 1 GB JSONL, CSV
    python -m bench --only memory --memory-sizes 1000,10000  # flat-memory check (long)
    python -m bench --only incremental --incremental-size 10000  # +1% at scale (long)
    python -m bench --only clicks                # click to idle in Chromium: seed and 1M rows
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench import clicks, dashboard_bench, etl_bench, memory_bench


def table(rows: list[tuple[str, str, str]]) -> str:
    out = ["| figure | measured | target |", "| --- | --- | --- |"]
    out += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", default="300,1000",
                        help="ETL corpus sizes, comma-separated (default 300,1000)")
    parser.add_argument("--dashboard-rows", default="1000000,10000000",
                        help="event rows of the generated dashboard corpora, comma-separated; "
                             "the clicks step uses the first (default 1000000,10000000)")
    parser.add_argument("--memory-sizes", default="",
                        help="extra corpus sizes for peak RSS, e.g. 1000,10000")
    parser.add_argument("--long-text-mb", type=int, default=30,
                        help="memory: the size of the one long plain-text article (default 30)")
    parser.add_argument("--records-mb", type=int, default=1000,
                        help="memory: the size of the JSONL and CSV exports read (default 1000; "
                             "0: none)")
    parser.add_argument("--incremental-size", type=int, default=0,
                        help="also time re-runs against a full run of this many articles")
    parser.add_argument("--incremental-workers", type=int, default=2)
    parser.add_argument("--only", choices=("etl", "dashboard", "memory", "incremental", "clicks"))
    parser.add_argument("--work", type=Path, help="where corpora and tables go (default: a "
                                                  "temporary folder)")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.dashboard_rows.split(",") if s)
    work = args.work or Path(tempfile.mkdtemp(prefix="parley-bench-"))
    rows: list[tuple[str, str, str]] = []
    if args.only in (None, "etl"):
        for n in (int(s) for s in args.articles.split(",") if s):
            rows += etl_bench.run(work, n)
    if args.only in (None, "memory"):
        for workers in (1, 2):
            rows.append(memory_bench.long_text(work, args.long_text_mb, workers))
        for suffix in ("jsonl", "csv") if args.records_mb else ():
            rows.append(memory_bench.records(work, args.records_mb, suffix))
        for n in (int(s) for s in args.memory_sizes.split(",") if s):
            rows.append(etl_bench.memory(work, n))
    if args.only in (None, "incremental") and args.incremental_size:
        rows += etl_bench.incremental(work, args.incremental_size, args.incremental_workers)
    if args.only in (None, "dashboard"):
        rows += dashboard_bench.run(work, sizes)
    if args.only in (None, "clicks"):
        try:
            rows += clicks.run([clicks.seed_tables(work),
                                dashboard_bench.generated(work, sizes[0])])
        except Exception as exc:  # no Chromium here: the other figures still print
            rows.append(("click to idle", f"not measured: {exc}".splitlines()[0],
                         "make browser installs Chromium"))
    print(table(rows))
    print(f"(work folder: {work})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

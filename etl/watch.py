"""Keep a folder of tables up to date with its articles: `python -m etl PATH --out DIR --watch`.

One resident process loads the model and the gazetteer (or starts its worker processes) once.
It then polls the inputs, and when they have changed and settled, runs the ETL again with the
same extractor. An update therefore costs the new articles and one pass over the stored rows
(etl.previous), not a cold start. An open dashboard offers the new tables within seconds
(dashboard.app.offer_newer_tables).

Polling needs no extra dependency and works on network drives; listing a large corpus is not
free, so the poll interval grows to keep polling under a tenth of one core.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from etl import ingest
from etl.previous import Stat

Snapshot = dict[str, Stat | None]
BUSY_SHARE = 0.1  # at most this share of the time goes to listing the inputs


def snapshot(paths: Sequence[str | Path]) -> Snapshot:
    """Every input file and what tells it changed; paths that cannot be listed count too."""
    files, errors = ingest.find_input_files(paths)
    return {**{str(path): Stat.of(path) for path in files},
            **{err.path: None for err in errors}}


def changes(paths: Sequence[str | Path], seen: Snapshot, interval: float,
            sleep: Callable[[float], None] = time.sleep) -> Iterator[Snapshot]:
    """Yield each new state of the inputs, once it differs from `seen` and has stayed the same
    for one poll (a file being copied in is not read half-written)."""
    while True:
        now, took = _timed_snapshot(paths)
        sleep(max(interval, took / BUSY_SHARE))
        if now != seen and _timed_snapshot(paths)[0] == now:
            seen = now
            yield now


def _timed_snapshot(paths: Sequence[str | Path]) -> tuple[Snapshot, float]:
    start = time.perf_counter()
    return snapshot(paths), time.perf_counter() - start

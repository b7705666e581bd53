"""Run the ETL from the dashboard: seed tables on first start, and the user's uploads.

The ETL is imported lazily so the page still explains itself when the ETL is not installed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from dashboard.data import needs_build
from etl.ingest import SUPPORTED_SUFFIXES

# Streamlit runs sessions as threads of one process: two first visitors build once.
_BUILD_LOCK = threading.Lock()


Progress = Callable[[int, int | None], None]  # (done, total); total None when unknown


class EtlUnavailableError(RuntimeError):
    """The ETL package cannot be imported, so tables cannot be built from here."""


def source_files(folder: Path) -> list[Path]:
    """The article files of a corpus folder, in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file()
                  and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("."))


def run_etl(paths: Sequence[Path], out_dir: Path,
            progress: Progress | None = None) -> Any:
    """``etl.run.build_tables`` with a clear error when the ETL is missing."""
    try:
        from etl.run import build_tables
    except ImportError as exc:
        raise EtlUnavailableError(
            f"The ETL could not be imported ({exc}). Install the project with "
            "`pip install -e .` and build tables with `python -m etl seeds --out data`."
        ) from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    return build_tables([str(p) for p in paths], out_dir, progress=progress)


def ensure_tables(data_dir: Path, seeds_dir: Path | None,
                  progress: Progress | None = None) -> bool:
    """Build ``data_dir`` from the seed corpus when tables are missing or stale; True if built."""
    if seeds_dir is None:
        return False
    sources = source_files(seeds_dir)
    if not sources or not needs_build(data_dir, sources):
        return False
    with _BUILD_LOCK:
        if not needs_build(data_dir, sources):  # another session built it meanwhile
            return False
        run_etl(sources, data_dir, progress)
    return True

"""Atomic file writes: a temporary file beside the target, flushed to disk, then renamed.

Every file Parley writes goes through here (tables, manifest, caches), so a crash at any
moment leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

_UMASK = os.umask(0)
os.umask(_UMASK)
FILE_MODE = 0o666 & ~_UMASK  # what a plain open() would give; mkstemp alone gives 0600


def temp_beside(path: Path) -> Path:
    """An empty hidden temporary file in the target's folder (so the rename is atomic),
    named with this process's id so that `sweep_stale` can tell an orphan."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.{os.getpid()}.",
                               suffix=".tmp")
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    return Path(tmp)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_beside(path)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def write_json_atomic(path: Path, data: Any, *, indent: int | None = 1) -> None:
    write_bytes_atomic(path, json.dumps(data, ensure_ascii=False, indent=indent).encode())


def sweep_stale(folder: Path) -> list[Path]:
    """Remove the temporaries of writers that died (SIGKILL, power loss) in `folder`; those of
    live processes, another run's included, are left alone."""
    removed = []
    for tmp in folder.glob(".*.tmp"):
        pid = tmp.name[:-len(".tmp")].split(".")[-2]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                if tmp.is_dir():  # etl.previous builds its folder under such a name
                    shutil.rmtree(tmp)
                else:
                    tmp.unlink()
                removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True

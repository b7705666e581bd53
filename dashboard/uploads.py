"""Accept user-uploaded articles safely before the ETL sees them.

Uploaded names are never used as paths: each file is written under a generated name in a
private temporary folder, keeping only an allowed extension, and oversized files are refused.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Protocol

ALLOWED = ("txt", "md", "html", "htm", "jsonl", "csv")
MAX_FILE_MB = 50
# Markdown that could make a link, an image, HTML or emphasis out of a name ("." stays readable).
_NAME_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#!|~$])")


class Upload(Protocol):
    """What the dashboard needs of Streamlit's ``UploadedFile``."""

    name: str
    size: int

    def getvalue(self) -> bytes: ...


@dataclass(frozen=True)
class Saved:
    """Where an upload was written, and the name the user gave it (for messages only)."""

    path: Path
    original: str


def extension(name: str) -> str | None:
    """The allowed, lower-cased extension of an uploaded name, or None."""
    suffix = PurePath(name.replace("\\", "/")).suffix.lower().lstrip(".")
    return suffix if suffix in ALLOWED else None


def save_uploads(files: Sequence[Upload], *, max_mb: int = MAX_FILE_MB,
                 root: Path | None = None) -> tuple[Path, list[Saved], list[str]]:
    """Write acceptable uploads to a new temp folder: (folder, saved files, problems)."""
    folder = Path(tempfile.mkdtemp(prefix="parley-upload-", dir=root))
    saved: list[Saved] = []
    problems: list[str] = []
    limit = max_mb * 1024 * 1024
    for i, f in enumerate(files):
        ext = extension(f.name)
        if ext is None:
            problems.append(f"{shown(f.name)}: skipped, allowed types are {', '.join(ALLOWED)}.")
            continue
        data = f.getvalue() if f.size <= limit else b""
        if f.size > limit or len(data) > limit:  # the claimed size is the client's word
            problems.append(f"{shown(f.name)}: skipped, larger than {max_mb} MB; split it and "
                            "retry.")
            continue
        path = folder / f"upload_{i:04d}.{ext}"
        path.write_bytes(data)
        saved.append(Saved(path, f.name))
    return folder, saved, problems


def shown(name: str, limit: int = 120) -> str:
    """An uploaded name for a Markdown message: one line, shortened, shown literally."""
    flat = "".join(c if c.isprintable() else " " for c in name)
    flat = flat if len(flat) <= limit else flat[: limit - 1] + "…"
    return _NAME_SPECIALS.sub(r"\\\1", flat)

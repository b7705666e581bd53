"""Atomic writes: the old file or the new one, never half; ordinary permissions."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from etl import atomic


def test_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "cache.json"
    atomic.write_json_atomic(target, {"a": 1})
    atomic.write_json_atomic(target, {"b": 2})
    assert target.read_text() == '{\n "b": 2\n}'
    assert [p.name for p in target.parent.iterdir()] == ["cache.json"]
    assert stat.S_IMODE(target.stat().st_mode) == atomic.FILE_MODE


def test_a_failed_write_keeps_the_old_file(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "cache.bin"
    atomic.write_bytes_atomic(target, b"old")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(OSError):
        atomic.write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.bin"]

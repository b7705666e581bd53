"""`--watch`: a resident process notices new articles once they are fully written, updates the
tables with its model already loaded, and stops cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from etl.run import Extractor, RunSummary, build_tables
from etl.watch import changes, snapshot
from tests.etl.test_incremental import assert_same_tables
from tests.etl.test_previous import old_corpus

ROOT = Path(__file__).resolve().parents[2]


class Stop(Exception):
    """Ends a scripted watch."""


def scripted(*steps: Callable[[], object]) -> tuple[Callable[[float], None], list[float]]:
    """A `sleep` that runs one step of file changes per call, then stops the watch."""
    todo = list(steps)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if not todo:
            raise Stop
        todo.pop(0)()

    return sleep, waits


def test_a_change_is_reported_once_the_file_stops_changing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("one")
    new = tmp_path / "b.txt"
    sleep, waits = scripted(
        lambda: None,  # a quiet poll
        lambda: new.write_text("half"),  # a file arrives...
        lambda: new.write_text("half and the rest"),  # ...still being written
        lambda: None,  # settled
    )
    states = changes([tmp_path], snapshot([tmp_path]), 0.5, sleep)
    state = next(states)
    assert len(waits) == 4
    assert sorted(Path(p).name for p in state) == ["a.txt", "b.txt"]
    stat = state[str(new)]
    assert stat is not None and stat.size == len("half and the rest")
    with pytest.raises(Stop):  # nothing more happens
        next(states)


def test_a_removed_file_is_a_change_and_quiet_inputs_are_not(tmp_path: Path) -> None:
    kept, gone = tmp_path / "a.txt", tmp_path / "b.txt"
    kept.write_text("one")
    gone.write_text("two")
    sleep, _ = scripted(lambda: None, gone.unlink, lambda: None)
    state = next(changes([tmp_path], snapshot([tmp_path]), 0.5, sleep))
    assert list(state) == [str(kept)]
    sleep, _ = scripted(lambda: None, lambda: None)
    with pytest.raises(Stop):
        next(changes([tmp_path], snapshot([tmp_path]), 0.5, sleep))


def test_one_extractor_serves_several_runs_and_the_tables_match_a_fresh_run(
        tmp_path: Path, parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    old_corpus(corpus, 3)
    with Extractor(workers=1) as extractor:
        build_tables([corpus], tmp_path / "out", extractor=extractor)
        resolver = extractor.resolver
        assert resolver is not None
        write_corpus(corpus, 2, start=3)
        parsed.clear()
        summary = build_tables([corpus], tmp_path / "out", extractor=extractor)
        assert extractor.resolver is resolver  # the gazetteer was not loaded again
    assert (summary.n_articles, summary.n_reused, len(parsed)) == (5, 3, 2)
    build_tables([corpus], tmp_path / "fresh", incremental=False)
    assert_same_tables(tmp_path / "out", tmp_path / "fresh")


def test_an_extractor_for_another_geocoder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="geocodes with offline"):
        build_tables([tmp_path], tmp_path / "out", geocoder="nominatim",
                     extractor=Extractor(workers=1))


def articles_in(out: Path) -> int | None:
    try:
        return json.loads((out / "manifest.json").read_text())["rows"]["articles"]
    except (OSError, ValueError, KeyError):
        return None


def wait_for(check: Callable[[], bool], proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 180
    while not check():
        if proc.poll() is not None:
            raise AssertionError(f"the watcher exited before {what}: {proc.communicate()}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"timed out waiting for {what}: {proc.communicate()}")
        time.sleep(0.2)


@pytest.mark.slow
def test_the_watcher_updates_the_tables_and_stops_on_sigterm(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    old_corpus(inbox, 1)
    # The summaries go to a file, unbuffered: the test waits for the last one to be printed
    # (the tables are in place a moment before it, and a SIGTERM then would lose it).
    log = tmp_path / "stdout.txt"
    with log.open("w", encoding="utf-8") as stdout_file:
        proc = subprocess.Popen(
            [sys.executable, "-m", "etl", str(inbox), "--out", str(out), "--watch",
             "--interval", "0.2", "--workers", "2", "-q"], cwd=ROOT, stdout=stdout_file,
            stderr=subprocess.PIPE, text=True, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        wait_for(lambda: articles_in(out) == 1, proc, "the first run")
        write_corpus(inbox, 2, start=1)
        wait_for(lambda: articles_in(out) == 3, proc, "the update")
        (inbox / "article-0-0000000.txt").unlink()
        wait_for(lambda: articles_in(out) == 2, proc, "the removal")
        wait_for(lambda: " 2 articles" in log.read_text(encoding="utf-8"), proc,
                 "the removal's summary")
    finally:  # as a service manager stops it: every process of the group gets SIGTERM
        os.killpg(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    stdout = log.read_text(encoding="utf-8")
    assert proc.returncode == 0, stderr
    assert "stopped watching; the tables are those of the last update" in stderr
    assert "Traceback" not in stderr  # the worker processes leave quietly
    lines = stdout.splitlines()  # one summary per update, each stamped with its time
    assert " 1 articles" in lines[0] and " 2 articles" in lines[-1]
    assert any(" 3 articles" in line and "1 unchanged" in line for line in lines)


def test_a_failed_update_is_reported_and_the_next_change_is_tried_with_a_fresh_extractor(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from etl import __main__ as cli
    from etl import watch

    def three_changes(*args: object) -> Iterator[dict[str, object]]:
        yield {}
        yield {}
        raise KeyboardInterrupt  # the user stops the watcher

    monkeypatch.setattr(watch, "changes", three_changes)
    used: list[Extractor] = []

    def run(extractor: Extractor | None) -> RunSummary:
        assert extractor is not None
        used.append(extractor)
        if len(used) == 2:
            raise OSError("No space left on device")
        return RunSummary(n_articles=len(used), errors=[("bad.txt", "empty file")])

    monkeypatch.setattr(Extractor, "warm", lambda self: None)
    args = cli.parse_args([str(tmp_path), "--out", str(tmp_path / "out"), "--watch"])
    assert cli._watch(args, run) == 0
    assert used[0] is used[1] and used[2] is not used[1]  # a failure may have broken the pool
    out, err = capsys.readouterr()
    assert "update failed, the tables are those of the last update: No space left" in err
    assert "stopped watching" in err
    assert err.count("skipped bad.txt: empty file") == 1  # not again at every update
    assert [line.split(" ", 1)[1].split(",")[0] for line in out.splitlines()] == [
        "1 articles", "3 articles"]

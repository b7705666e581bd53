"""Files unchanged since the previous run are not read at all: their rows are copied from that
run. Whatever changes (content, time, duplicates elsewhere, a damaged copy), the tables stay
exactly those of a full run."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from etl import ingest
from etl.previous import PREVIOUS_DIR
from etl.records import Article, InputError
from etl.run import build_tables
from tests.etl.test_incremental import assert_same_tables, tables

HOUR_NS = 3600 * 10**9


def age(*paths: Path, by_ns: int = HOUR_NS) -> None:
    """Date files back, as files are that were not written in the second before a run."""
    for path in paths:
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns - by_ns, info.st_mtime_ns - by_ns))


def old_corpus(folder: Path, n: int) -> list[Path]:
    """A corpus of `n` articles written an hour ago."""
    paths = write_corpus(folder, n)
    age(*paths)
    return paths


@pytest.fixture
def read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the names of the files the run actually opened."""
    names: list[str] = []
    real = ingest.read_file

    def spy(path: Path, columns: ingest.Columns | None = None) -> object:
        names.append(path.name)
        return real(path, columns)

    monkeypatch.setattr(ingest, "read_file", spy)
    return names


def test_unchanged_files_are_not_read_and_the_tables_are_the_same(
        tmp_path: Path, read: list[str], parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    old_corpus(corpus, 5)
    build_tables([corpus], tmp_path / "out")
    before = tables(tmp_path / "out")
    read.clear()
    parsed.clear()
    again = build_tables([corpus], tmp_path / "out", chunk_size=2)
    assert read == [] and parsed == [] and again.n_reused == 5 and again.n_articles == 5
    after = tables(tmp_path / "out")
    for name in before:
        assert before[name].equals(after[name]), name


def test_a_changed_file_among_unchanged_ones_is_the_only_one_read(
        tmp_path: Path, read: list[str], parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    paths = old_corpus(corpus, 5)
    build_tables([corpus], tmp_path / "inc")
    # New text of the same size, with the old time: the change time still tells.
    text = paths[2].read_text(encoding="utf-8")
    info = paths[2].stat()
    paths[2].write_text(text.replace("met", "saw", 1), encoding="utf-8")
    os.utime(paths[2], ns=(info.st_atime_ns, info.st_mtime_ns))
    touched = paths[3].stat()
    os.utime(paths[3], ns=(touched.st_atime_ns, touched.st_mtime_ns + 10**9))  # same text
    new = write_corpus(corpus, 1, start=5)
    new[0].rename(corpus / "article-0-0000001b.txt")  # sorts among the unchanged files
    read.clear()
    parsed.clear()
    build_tables([corpus], tmp_path / "inc", chunk_size=2)
    assert sorted(read) == sorted([paths[2].name, paths[3].name, "article-0-0000001b.txt"])
    assert len(parsed) == 2  # the touched file's article came from the content cache
    build_tables([corpus], tmp_path / "full", incremental=False)
    assert_same_tables(tmp_path / "inc", tmp_path / "full")


def test_a_file_written_just_before_a_run_is_read_again_next_time(
        tmp_path: Path, read: list[str]) -> None:
    corpus = tmp_path / "corpus"
    (path,) = write_corpus(corpus, 1)  # written now: within a clock tick of the run
    build_tables([corpus], tmp_path / "out")
    read.clear()
    build_tables([corpus], tmp_path / "out")
    assert read == [path.name]


def test_unchanged_files_keep_their_content_cache_entries(
        tmp_path: Path, parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    paths = old_corpus(corpus, 3)
    build_tables([corpus], tmp_path / "out")
    build_tables([corpus], tmp_path / "out")  # copies every file, reads none
    age(*paths)  # now every file looks changed: the content cache must still have them
    parsed.clear()
    assert build_tables([corpus], tmp_path / "out").n_reused == 3
    assert parsed == []


def test_errors_of_an_unchanged_file_are_reported_again(tmp_path: Path,
                                                       read: list[str]) -> None:
    corpus = tmp_path / "corpus"
    (good,) = write_corpus(corpus, 1)
    bad = corpus / "records.jsonl"
    bad.write_text('{"text": "' + good.read_text(encoding="utf-8").replace("\n", " ")
                   + ' Also."}\n{not json\n', encoding="utf-8")
    age(good, bad)
    first = build_tables([corpus], tmp_path / "out")
    read.clear()
    again = build_tables([corpus], tmp_path / "out")
    assert read == [] and again.errors == first.errors and len(first.errors) == 1
    assert again.n_articles == first.n_articles == 2
    build_tables([corpus], tmp_path / "full", incremental=False)
    assert_same_tables(tmp_path / "out", tmp_path / "full")


def test_duplicates_follow_the_files_that_hold_them(tmp_path: Path) -> None:
    """An article in two files belongs to the first; when the first drops it, the second,
    unchanged, gives it; when an earlier file gains an unchanged file's article, it moves."""
    corpus = tmp_path / "corpus"
    one, two = write_corpus(corpus, 2)
    first = corpus / "a-first.txt"
    first.write_bytes(two.read_bytes())
    age(one, two, first)
    assert build_tables([corpus], tmp_path / "inc").n_duplicates == 1
    first.write_bytes(one.read_bytes())  # now it duplicates the other file
    age(first, by_ns=HOUR_NS // 2)
    summary = build_tables([corpus], tmp_path / "inc")
    assert summary.n_duplicates == 1 and summary.n_articles == 2
    build_tables([corpus], tmp_path / "full", incremental=False)
    assert_same_tables(tmp_path / "inc", tmp_path / "full")


def test_a_damaged_previous_run_only_means_reading_again(
        tmp_path: Path, read: list[str], caplog: pytest.LogCaptureFixture) -> None:
    corpus = tmp_path / "corpus"
    paths = old_corpus(corpus, 2)
    build_tables([corpus], tmp_path / "out")
    expected = tables(tmp_path / "out")
    staged = tmp_path / "out" / PREVIOUS_DIR / "mentions.arrow"
    staged.write_bytes(staged.read_bytes()[:100])
    read.clear()
    build_tables([corpus], tmp_path / "out")
    assert sorted(read) == sorted(p.name for p in paths)
    assert "ignoring the previous run's rows" in caplog.text
    for name, frame in tables(tmp_path / "out").items():
        assert expected[name].equals(frame), name


def test_other_ingest_options_read_every_file(tmp_path: Path, read: list[str]) -> None:
    """A named column can change what a JSONL or CSV file yields, so the setup includes it."""
    corpus = tmp_path / "corpus"
    old_corpus(corpus, 2)
    build_tables([corpus], tmp_path / "out")
    read.clear()
    build_tables([corpus], tmp_path / "out", text_column="body")
    assert len(read) == 2
    meta = json.loads((tmp_path / "out" / PREVIOUS_DIR / "run.json").read_text())
    assert meta["setup"]["columns"] == ["body", None, None, None]
    assert meta["started_ns"] <= time.time_ns()


def test_a_run_without_the_cache_neither_reads_nor_writes_a_previous_run(
        tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 1)
    build_tables([corpus], tmp_path / "out", incremental=False)
    assert not (tmp_path / "out" / PREVIOUS_DIR).exists()


def test_read_file_gives_the_articles_iter_articles_gives(tmp_path: Path) -> None:
    paths = write_corpus(tmp_path, 2)
    one_by_one: list[Article | InputError] = [
        item for path in paths for item in ingest.read_file(path)]
    assert one_by_one == list(ingest.iter_articles([tmp_path]))


def test_failing_to_keep_the_rows_costs_only_the_next_run_a_full_read(
        tmp_path: Path, read: list[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    corpus = tmp_path / "corpus"
    paths = old_corpus(corpus, 2)
    build_tables([corpus], tmp_path / "out")
    real_replace = os.replace

    def swap_fails(src: object, dst: object) -> None:
        if Path(str(dst)).name == PREVIOUS_DIR:  # e.g. another run swapped it at this moment
            raise OSError(39, "Directory not empty")
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", swap_fails)
    summary = build_tables([corpus], tmp_path / "out")  # the tables still commit
    monkeypatch.setattr(os, "replace", real_replace)
    assert summary.n_articles == 2 and "could not keep this run's rows" in caplog.text
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]
    read.clear()
    build_tables([corpus], tmp_path / "out")
    assert sorted(read) == sorted(p.name for p in paths)
    build_tables([corpus], tmp_path / "full", incremental=False)
    assert_same_tables(tmp_path / "out", tmp_path / "full")

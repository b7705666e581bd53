"""A messy, hostile corpus through the CLI and through the dashboard's upload path: every good
article is processed, every bad input is reported once by path with its reason, nothing
raises at the user."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from dashboard.build import run_etl
from dashboard.uploads import save_uploads, shown
from etl.__main__ import main
from etl.ingest import MAX_ARTICLE_CHARS, iter_articles, split_long_text
from etl.records import Article, InputError
from tests.reliability.conftest import LOCKED, Corpus, make_bad_corpus, refuse_locked

PART = re.compile(r"#part\d+$")


def base_path(path: str) -> str:
    """A table path without the ``#partN`` suffix of a long article split in parts."""
    return PART.sub("", path)


def test_cli_processes_good_and_reports_each_bad_input_once(
        bad_corpus: Corpus, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main([str(bad_corpus.root), "--out", str(out), "--quiet"])
    stdout, stderr = capsys.readouterr()
    assert code == 0
    assert "Traceback" not in stdout + stderr

    articles = pd.read_parquet(out / "articles.parquet")
    texts: dict[str, str] = {}
    for path, text in zip(articles["path"], articles["text"], strict=True):
        texts[base_path(path)] = texts.get(base_path(path), "") + text
    for path, word in bad_corpus.good.items():
        assert word in texts.get(path, ""), f"good input {path} was not processed"
    assert set(texts) == set(bad_corpus.good), "something bad got through as an article"

    errors = pd.read_csv(out / "errors.csv", dtype=str, keep_default_na=False)
    assert sorted(errors["path"]) == sorted(bad_corpus.bad), "each bad input reported once"
    for path, error in zip(errors["path"], errors["error"], strict=True):
        assert bad_corpus.bad[path] in error, (path, error)
        assert stderr.count(f"skipped {path}: {error}") == 1
    assert pd.read_csv(out / "errors.csv").shape == pd.read_parquet(out / "errors.parquet").shape


def test_undecodable_but_recoverable_text_is_decoded(bad_corpus: Corpus) -> None:
    items = {item.path: item for item in iter_articles(
        [bad_corpus.root / n for n in ("latin1.txt", "utf16.txt", "control.txt")])}
    assert all(isinstance(item, Article) for item in items.values()), items
    latin = items[str(bad_corpus.root / "latin1.txt")]
    assert "Jürg Müller" in latin.text and latin.dateline == "Zürich"
    assert "Gustavo Petro" in items[str(bad_corpus.root / "utf16.txt")].text
    control = items[str(bad_corpus.root / "control.txt")].text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", control)
    assert control.startswith("HAVANA: Cuban Foreign Minister Bruno Rodríguez")


def test_a_long_article_is_split_at_boundaries_and_nothing_is_lost() -> None:
    sentence = "The envoy met the minister in Kabul on Monday. "
    text = ("KABUL: " + sentence * (2 * MAX_ARTICLE_CHARS // len(sentence) + 3)).strip()
    parts = split_long_text(text)
    assert len(parts) == 3
    assert all(0 < len(p) <= MAX_ARTICLE_CHARS for p in parts)
    assert all(p.endswith("Monday.") for p in parts)  # cut after a sentence, not inside one
    assert " ".join(parts) == text
    assert split_long_text("short") == ["short"]
    blob = "x" * (MAX_ARTICLE_CHARS + 10)  # no boundary at all: cut hard, keep every character
    assert "".join(split_long_text(blob)) == blob


@dataclass
class FakeUpload:
    """Streamlit's UploadedFile as far as the dashboard uses it."""

    name: str
    data: bytes
    claimed: int | None = None

    @property
    def size(self) -> int:
        return len(self.data) if self.claimed is None else self.claimed

    def getvalue(self) -> bytes:
        return self.data


def test_upload_path_processes_good_files_and_names_each_bad_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = make_bad_corpus(tmp_path / "corpus", huge=False)
    refuse_locked(monkeypatch)
    names = sorted(p.name for p in corpus.root.iterdir() if p.is_file() and p.name != LOCKED
                   and p.name != "pipe.txt")
    files = [FakeUpload(n, (corpus.root / n).read_bytes()) for n in names]
    files.append(FakeUpload("huge.txt", b"x", claimed=60 * 1024 * 1024))
    files.append(FakeUpload("evil.exe", b"MZ\x90\x00"))
    folder, saved, problems = save_uploads(files, root=tmp_path)
    assert {p.split(":")[0] for p in problems} == {shown("huge.txt"), shown("evil.exe")}
    summary = run_etl([s.path for s in saved], folder / "tables")
    original = {str(s.path): s.original for s in saved}
    reported = [original[base_path(path).split("#")[0]] for path, _ in summary.errors]
    expected_bad = {Path(p.split("#")[0]).name for p in corpus.bad} - {LOCKED, "pipe.txt",
                                                                       "huge.txt"}
    assert set(reported) == expected_bad
    processed = {original[base_path(p).split("#")[0]] for p in pd.read_parquet(
        folder / "tables" / "articles.parquet")["path"]}
    expected_good = {Path(p.split("#")[0]).name for p in corpus.good} - {"tunis.txt"}
    assert processed == expected_good


def test_an_explicitly_named_pipe_or_folder_loop_never_hangs(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir" / "loop").symlink_to(tmp_path / "dir", target_is_directory=True)
    items = list(iter_articles([tmp_path / "fifo.txt", tmp_path / "dir", tmp_path / "dir"]))
    assert items == [InputError(str(tmp_path / "fifo.txt"),
                                "not a regular file (a named pipe); save it as a file first")]


def test_third_party_log_noise_is_not_a_traceback(bad_corpus: Corpus, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        main([str(bad_corpus.root / "scripts_only.html"), str(bad_corpus.root / "mixed.jsonl"),
              "--out", str(tmp_path / "out"), "-q"])
    assert not [r for r in caplog.records if r.exc_info], "a library logged a traceback"

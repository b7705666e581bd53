"""The incremental cache: unchanged articles are not parsed again, yet the tables are exactly
those of a full run; removed articles drop out; a new pipeline version parses everything."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bench.corpus import write_corpus
from etl import run as etl_run
from etl.cache import ArticleCache, content_key
from etl.records import Article
from etl.run import build_tables

TABLES = ("articles", "mentions", "events", "errors")


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    out = {f"{n}.parquet": pd.read_parquet(folder / f"{n}.parquet") for n in TABLES}
    out |= {f"{n}.csv": pd.read_csv(folder / f"{n}.csv", dtype=str, keep_default_na=False)
            for n in TABLES}
    return out


def assert_same_tables(one: Path, two: Path) -> None:
    a, b = tables(one), tables(two)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_second_run_parses_nothing_and_writes_the_same_tables(tmp_path: Path,
                                                              parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 6)
    first = build_tables([corpus], tmp_path / "out")
    assert len(parsed) == 6 and first.n_reused == 0
    before = tables(tmp_path / "out")
    parsed.clear()
    again = build_tables([corpus], tmp_path / "out")
    assert parsed == [] and again.n_reused == 6
    after = tables(tmp_path / "out")
    for name in before:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)


def test_grown_corpus_parses_only_the_new_article_and_matches_a_full_run(
        tmp_path: Path, parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 4)
    build_tables([corpus], tmp_path / "inc")
    new = write_corpus(corpus, 1, start=4)
    # The new file sorts among the old ones, so rows from the cache and fresh rows interleave.
    new[0].rename(corpus / "article-0-0000001b.txt")
    parsed.clear()
    summary = build_tables([corpus], tmp_path / "inc", chunk_size=2)
    assert len(parsed) == 1 and summary.n_reused == 4
    build_tables([corpus], tmp_path / "full", incremental=False)
    assert_same_tables(tmp_path / "inc", tmp_path / "full")


def test_removed_article_disappears_and_its_cache_entry_is_pruned(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, 3)
    build_tables([corpus], tmp_path / "out")
    gone = pd.read_parquet(tmp_path / "out" / "articles.parquet").loc[0, "article_id"]
    paths[0].unlink()
    build_tables([corpus], tmp_path / "out")
    for name in ("articles", "mentions", "events"):
        frame = pd.read_parquet(tmp_path / "out" / f"{name}.parquet")
        assert gone not in set(frame["article_id"]), name
    cache = ArticleCache.in_folder(tmp_path / "out")
    try:
        assert len(cache) == 2
    finally:
        cache.close()


def test_a_new_pipeline_version_parses_again(tmp_path: Path, parsed: list[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 2)
    build_tables([corpus], tmp_path / "out")
    monkeypatch.setattr(etl_run, "PIPELINE_VERSION", "test-next")
    parsed.clear()
    assert build_tables([corpus], tmp_path / "out").n_reused == 0
    assert len(parsed) == 2


def test_renamed_file_keeps_its_rows_but_reports_its_new_path(tmp_path: Path,
                                                              parsed: list[str]) -> None:
    corpus = tmp_path / "corpus"
    (path,) = write_corpus(corpus, 1)
    build_tables([corpus], tmp_path / "out")
    path.rename(corpus / "renamed.txt")
    parsed.clear()
    build_tables([corpus], tmp_path / "out")
    assert parsed == []
    paths = pd.read_parquet(tmp_path / "out" / "articles.parquet")["path"]
    assert list(paths.str.endswith("renamed.txt")) == [True]


def test_key_follows_content_metadata_version_and_geocoder() -> None:
    a = Article("id", "a.txt", "Text.", publisher="Dawn")
    key = content_key(a, "1", "offline")
    assert key == content_key(Article("id", "elsewhere.txt", "Text.", publisher="Dawn"),
                              "1", "offline")
    assert key != content_key(Article("id", "a.txt", "Text.", publisher="Other"), "1", "offline")
    assert key != content_key(a, "2", "offline")
    assert key != content_key(a, "1", "nominatim")

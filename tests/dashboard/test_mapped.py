"""Large tables mapped from disk read exactly as tables read into memory.

The threshold and batch size are lowered so that the hand-made tables are mapped in batches of
a few rows: every scan, row read and view then crosses batch boundaries.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from dashboard import aggregate, data, mapped
from dashboard.filters import Filters, mention_rows, select


@pytest.fixture
def both(frames, tmp_path, table_writer, monkeypatch):
    """(read into memory, mapped in batches of 3 rows) of the same normalised tables."""
    plain = data.read_tables(table_writer(frames, tmp_path / "src"))
    folder = tmp_path / "normalised"
    folder.mkdir()
    for name in data.COLUMNS:
        getattr(plain, name).to_parquet(folder / f"{name}.parquet", index=False)
    before = data.read_tables(folder)
    monkeypatch.setenv("PARLEY_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(data, "MAP_ROWS", 1)
    monkeypatch.setattr(mapped, "BATCH_ROWS", 3)
    return before, data.read_tables(folder)


def same(a: object, b: object) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(
            a, b, equal_nan=a.dtype.kind in "fmM")
    if isinstance(a, pa.Array):
        return a.equals(b)
    if isinstance(a, (pd.Index, pd.Series)):
        return a.equals(b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


def test_large_tables_are_mapped_in_batches(both):
    _, big = both
    assert {"events", "mentions", "articles"} <= set(big.mapped)
    assert len(big.mapped["events"]._starts) > 3  # several batches


def test_the_index_of_a_mapped_corpus_is_the_same(frames, tmp_path, table_writer, both):
    plain = data.read_tables(table_writer(frames, tmp_path / "again"))
    _, big = both
    for field in (f for f in dataclasses.fields(plain.index) if f.compare):
        mine, theirs = getattr(big.index, field.name), getattr(plain.index, field.name)
        assert same(mine, theirs), field.name
    pd.testing.assert_frame_equal(big.actor_forms, plain.actor_forms)
    assert big.city_names == plain.city_names


@pytest.mark.parametrize("name", ["events", "mentions", "articles"])
def test_rows_taken_from_a_map_equal_the_frame(both, name):
    plain, big = both
    n = len(getattr(plain, name))
    positions = np.array([n - 1, 0, 4, 4, n // 2, 1]) % n  # unsorted, repeated, across batches
    expected = getattr(plain, name).iloc[positions].reset_index(drop=True)
    pd.testing.assert_frame_equal(big.take(name, positions), expected)
    big.release()  # pages let go are read again
    pd.testing.assert_frame_equal(big.take(name, positions), expected)
    assert big.take(name, positions[:0]).empty


def test_views_read_the_same_rows(both):
    plain, big = both
    ix = big.index
    for f in (Filters(), Filters(venues=("Kabul (AF)",)), Filters(text="talks")):
        mask = select(ix, f).events
        pd.testing.assert_frame_equal(big.take("events", ix.rows(mask)),
                                      plain.events.iloc[ix.rows(mask)].reset_index(drop=True))
        pd.testing.assert_frame_equal(
            big.take("mentions", mention_rows(ix, mask)),
            plain.mentions.iloc[mention_rows(ix, mask)].reset_index(drop=True))
    for article_id in plain.articles["article_id"]:
        expected = plain.mentions[plain.mentions["article_id"] == article_id]
        pd.testing.assert_frame_equal(big.article_mentions(article_id),
                                      expected.reset_index(drop=True))
    ids = list(plain.articles["article_id"])[::-1]
    pd.testing.assert_frame_equal(big.articles_of(ids + ids[:1] + ["absent"]),
                                  plain.articles.iloc[::-1].reset_index(drop=True))


def test_the_table_page_is_the_representative_report(both):
    plain, big = both
    ix = big.index
    page = aggregate.summary_of(ix, ix.everything())
    first = plain.events.iloc[ix.first_row[page["event_code"].to_numpy()]]
    for column in ("place", "event_type", "status", "sentence", "article_id", "sentence_id",
                   "date_start"):
        assert list(page[column]) == list(first[column]), column


def test_a_rebuilt_table_gets_a_new_copy_and_the_old_goes(tmp_path):
    source = tmp_path / "events.parquet"
    pd.DataFrame({"a": ["x", "y"]}).to_parquet(source)
    first = mapped.mapped_copy([source], lambda f: f, root=tmp_path / "cache")
    assert mapped.mapped_copy([source], lambda f: f, root=tmp_path / "cache") == first
    pd.DataFrame({"a": ["x", "y", "z"]}).to_parquet(source)
    second = mapped.mapped_copy([source], lambda f: f, root=tmp_path / "cache")
    assert second != first and not first.exists()
    assert list(mapped.MappedTable(second).take(np.array([2]))["a"]) == ["z"]
    assert not list(second.parent.glob(".*partial"))


@pytest.mark.parametrize("upload_mapped", [False, True])
def test_an_upload_beside_a_mapped_corpus_stays_mapped(both, frames, tmp_path, table_writer,
                                                      monkeypatch, upload_mapped):
    """Uploads of one article the corpus has and one it has not: combined on disk, the corpus
    reads as the two combined in memory, and the known article is there once."""
    plain, big = both
    known, new = list(frames["articles"]["article_id"])[:2]
    upload = {name: frame[frame["article_id"].isin([known, new])].reset_index(drop=True)
              for name, frame in frames.items() if name != "errors"}
    for frame in upload.values():  # the second article as one the corpus has never seen
        fresh = frame["article_id"] == new
        frame.loc[fresh, "article_id"] = "a-new-one"
        if "report_id" in frame:
            for column in ("event_id", "report_id"):
                frame.loc[fresh, column] = "new-" + frame.loc[fresh, column]
            frame.loc[fresh, ["sources", "n_sources"]] = ["a-new-one", 1]
    folder = table_writer(upload, tmp_path / "upload")
    monkeypatch.setattr(data, "MAP_ROWS", 10**9)
    expected = data.combine([plain, data.read_tables(folder)])  # all in memory
    monkeypatch.setattr(data, "MAP_ROWS", 1 if upload_mapped else 10**9)
    mine = data.read_tables(folder)
    combined = data.combine([big, mine], sources=[tmp_path / "normalised", folder])
    assert {"events", "mentions", "articles"} <= set(combined.mapped)
    for name in ("events", "mentions", "articles"):
        table = getattr(expected, name)
        got = combined.take(name, np.arange(len(table)))
        pd.testing.assert_frame_equal(got, table.reset_index(drop=True), check_dtype=False)
        assert len(getattr(combined, name)) == len(table)
    assert list(combined.articles["article_id"]).count(known) == 1
    for field in (f for f in dataclasses.fields(expected.index) if f.compare):
        assert same(getattr(combined.index, field.name), getattr(expected.index, field.name)), \
            field.name


def test_copies_of_tables_that_are_gone_are_removed(tmp_path):
    cache = tmp_path / "cache"
    kept, gone, new = (tmp_path / n / "events.parquet" for n in ("kept", "gone", "new"))
    for source in (kept, gone, new):
        source.parent.mkdir()
        pd.DataFrame({"a": ["x"]}).to_parquet(source)
    kept_copy = mapped.mapped_copy([kept], lambda f: f, root=cache)
    gone_copy = mapped.mapped_copy([gone], lambda f: f, root=cache)
    unnamed = cache / "written-by-an-earlier-version"  # a copy without its source's name
    unnamed.mkdir()
    (unnamed / "0123.arrow").write_bytes(b"")
    writing = cache / "being-written"  # another process's copy, not finished
    writing.mkdir()
    (writing / ".0123.99.partial").write_bytes(b"")
    gone.unlink()
    assert gone_copy.exists()  # nothing is removed until a copy is written
    mapped.mapped_copy([new], lambda f: f, root=cache)
    assert kept_copy.exists() and writing.exists()
    assert not gone_copy.parent.exists() and not unnamed.exists()
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [kept_copy.parent.name, writing.name, mapped.mapped_copy([new], lambda f: f,
                                                                 root=cache).parent.name])


def test_without_a_writable_cache_the_table_is_read_whole(both, tmp_path, monkeypatch):
    plain, _ = both
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("PARLEY_CACHE_DIR", str(blocker))
    folder = Path(tmp_path / "normalised")
    with pytest.warns(UserWarning, match="PARLEY_CACHE_DIR"):
        tables = data.read_tables(folder)
    assert not tables.mapped
    pd.testing.assert_frame_equal(tables.events, plain.events)

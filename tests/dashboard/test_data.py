"""Loading: Parquet preferred, CSV fallback, contract types, staleness, combining corpora."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from dashboard.data import (
    MissingTablesError,
    combine,
    needs_build,
    read_tables,
    signature,
    table_path,
)
from etl.records import EVENT_COLUMNS


def test_parquet_and_csv_read_the_same(frames, tmp_path, table_writer):
    write_tables = table_writer
    pq = read_tables(write_tables(frames, tmp_path / "pq"))
    only_csv = read_tables(write_tables(frames, tmp_path / "csv", parquet=False))
    pd.testing.assert_frame_equal(pq.events, only_csv.events)
    pd.testing.assert_frame_equal(pq.mentions, only_csv.mentions)
    assert pq.articles.loc[0, "text"].startswith("ISLAMABAD")
    assert only_csv.articles.loc[0, "text"] == ""  # CSV has no text column


def test_types_and_blanks(tables):
    ev = tables.events
    assert list(ev.columns) == list(EVENT_COLUMNS)
    assert ev["lat"].dtype == "float64" and ev["sentence_id"].dtype == "int64"
    cancelled = ev[ev["status"] == "cancelled"].iloc[0]
    assert cancelled["place"] == "" and pd.isna(cancelled["lat"])
    assert cancelled["date_start"] == ""


def test_missing_columns_are_added_and_missing_table_raises(tmp_path):
    pd.DataFrame({"event_id": ["x"], "actor": ["A"]}).to_csv(tmp_path / "events.csv", index=False)
    pd.DataFrame({"article_id": ["a"]}).to_csv(tmp_path / "articles.csv", index=False)
    with pytest.raises(MissingTablesError, match="mentions"):
        read_tables(tmp_path)
    pd.DataFrame({"article_id": []}).to_csv(tmp_path / "mentions.csv", index=False)
    t = read_tables(tmp_path)
    assert list(t.events.columns) == list(EVENT_COLUMNS) and t.events.loc[0, "place"] == ""
    assert t.errors.empty


def test_needs_build_and_signature(frames, tmp_path, table_writer):
    write_tables = table_writer
    source = tmp_path / "a.txt"
    source.write_text("x")
    out = tmp_path / "t"
    assert needs_build(out, [source])
    write_tables(frames, out)
    os.utime(source, (1, 1))
    assert not needs_build(out, [source])
    sig = signature(out)
    os.utime(source, None)
    assert needs_build(out, [source])  # an article newer than the tables
    os.utime(table_path(out, "events"), (5, 5))
    assert signature(out) != sig


def test_combine_drops_duplicate_articles(tables):
    both = combine([tables, tables])
    assert len(both.articles) == len(tables.articles)
    assert len(both.events) == len(tables.events)
    assert combine([tables]) is tables

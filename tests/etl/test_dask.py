"""--engine dask: the same per-article function on a Dask cluster gives the same tables."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from dask import distributed  # in the test extra: missing, this module fails, never skips

from bench.corpus import write_corpus
from dashboard.data import read_tables
from etl.run import build_tables
from tests.etl.test_corpus import REPORTS

pytestmark = pytest.mark.slow  # a two-worker LocalCluster starts in about 5 s


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def read_parts(folder: Path) -> pd.DataFrame:
    parts = sorted(folder.glob("part-*.parquet"))
    return pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True)


def test_dask_run_writes_the_tables_of_the_plain_run(tmp_path: Path, client) -> None:
    from etl.engine_dask import build_tables_dask

    corpus = tmp_path / "corpus"
    write_corpus(corpus, 5)
    (corpus / "copy.txt").write_bytes((corpus / "article-0-0000000.txt").read_bytes())
    (corpus / "empty.txt").write_text("")
    (corpus / "reports.jsonl").write_text("\n".join(json.dumps(r) for r in REPORTS))
    plain = build_tables([corpus], tmp_path / "plain", incremental=False)
    summary = build_tables_dask([corpus], tmp_path / "dask", client=client, chunk_size=2)
    assert (summary.n_articles, summary.n_events, summary.n_duplicates, len(summary.errors)) == \
        (plain.n_articles, plain.n_events, plain.n_duplicates, len(plain.errors)) == \
        (7, plain.n_events, 1, 1)
    assert summary.n_merged == plain.n_merged > 0  # the corpus pass ran on the cluster
    assert len(list((tmp_path / "dask" / "events").glob("part-*.parquet"))) == 4
    for name in ("articles", "mentions", "events", "errors"):
        expected = pd.read_parquet(tmp_path / "plain" / f"{name}.parquet")
        pd.testing.assert_frame_equal(read_parts(tmp_path / "dask" / name), expected, obj=name)
        csv_parts = sorted((tmp_path / "dask" / "csv" / name).glob("part-*.csv"))
        pd.testing.assert_frame_equal(
            pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False) for p in csv_parts],
                      ignore_index=True),
            pd.read_csv(tmp_path / "plain" / f"{name}.csv", dtype=str, keep_default_na=False),
            obj=name)
    # The dashboard reads either layout and sees the same tables.
    flat, parts = read_tables(tmp_path / "plain"), read_tables(tmp_path / "dask")
    pd.testing.assert_frame_equal(flat.events, parts.events)
    assert not list((tmp_path / "dask").glob(".staging-*"))


def test_a_rerun_replaces_the_parts_and_a_local_run_replaces_the_layout(
        tmp_path: Path, client) -> None:
    from etl.engine_dask import build_tables_dask

    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, 3)
    out = tmp_path / "out"
    first = build_tables_dask([corpus], out, client=client, chunk_size=1)
    paths[0].unlink()
    again = build_tables_dask([corpus], out, client=client, chunk_size=1)
    assert (first.n_reused, again.n_reused) == (0, 2)  # the incremental cache, as locally
    assert len(read_parts(out / "articles")) == 2
    assert len(list((out / "articles").glob("part-*.parquet"))) == 2
    build_tables([corpus], out)
    assert not (out / "articles").exists() and (out / "articles.parquet").is_file()

"""Memory bounded by design: a long text reaches the model one part at a time, never in a batch
larger than a part, however many parts it has. The figures (peak RSS of a 30 MB text) come from
`python -m bench --only memory`; these tests check the shape that keeps them flat, on small
limits so that they run in seconds."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from etl import ingest
from etl import run as etl_run
from etl.records import Article
from etl.run import build_tables, chunks

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_0f3ca805edc1ce03.txt"
PART = 3000  # characters of a part in these tests (the real limit is ingest.MAX_ARTICLE_CHARS)


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Small parts and chunks; records the characters of every batch given to the model."""
    monkeypatch.setattr(ingest, "MAX_ARTICLE_CHARS", PART)
    monkeypatch.setattr(etl_run, "CHUNK_CHARS", PART, raising=False)
    sizes: list[int] = []
    real = etl_run.extract_chunk

    def spy(chunk: list[Article], resolver: object = None) -> list:
        sizes.append(sum(len(a.text) for a in chunk))
        return real(chunk, resolver)  # type: ignore[arg-type]

    monkeypatch.setattr(etl_run, "extract_chunk", spy)
    return sizes


def test_a_long_text_is_parsed_one_part_at_a_time(batches: list[int], tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    src = tmp_path / "in"
    src.mkdir()
    body = seed.split("\n", 1)[1]
    copies = [f"Copy {i} of the report follows.\n{body}" for i in range(9)]
    (src / "a-long.txt").write_text("\n\n".join([seed, *copies]), encoding="utf-8")
    (src / "b-seed.txt").write_text(seed, encoding="utf-8")
    summary = build_tables([src], tmp_path / "out", incremental=False)
    articles = pd.read_parquet(tmp_path / "out" / "articles.parquet")
    parts = articles[articles["path"].str.contains("a-long.txt#part")]
    assert len(parts) >= 8 and summary.n_articles == len(parts) + 1
    assert parts["text"].str.len().max() <= PART
    # No batch the model saw was larger than one part: the parts were not all held at once.
    assert batches and max(batches) <= PART, batches
    events = pd.read_parquet(tmp_path / "out" / "events.parquet")
    assert set(parts["article_id"]) & set(events["article_id"])  # the parts' rows are there


def test_a_long_text_is_cut_lazily_and_loses_nothing() -> None:
    text = "KABUL: " + "The envoy met the minister in Kabul on Monday. " * 400
    bounds = ingest.part_bounds(text, 1000)
    assert all(end - start <= 1000 for start, end in bounds)
    assert " ".join(text[a:b] for a, b in bounds) == text
    assert bounds == sorted(bounds) and bounds[0][0] == 0


def article(n: int, chars: int) -> Article:
    return Article(f"a{n}", f"{n}.txt", "x" * chars)


def test_chunks_hold_at_most_size_articles_and_one_parts_worth_of_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(etl_run, "CHUNK_CHARS", 100, raising=False)
    sizes = [10] * 20 + [100, 100, 60, 50, 1]
    got = list(chunks([article(i, c) for i, c in enumerate(sizes)], 4))
    assert [a.article_id for c in got for a in c] == [f"a{i}" for i in range(len(sizes))]
    assert all(len(c) <= 4 for c in got)
    assert all(sum(len(a.text) for a in c) <= 100 for c in got)
    assert [len(c) for c in got[-4:]] == [1, 1, 1, 2]  # 100 | 100 | 60 | 50 + 1

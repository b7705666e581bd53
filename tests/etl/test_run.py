"""The run and the CLI: tables written atomically, bad files reported, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from etl.__main__ import main
from etl.nlp import ModelError, check_meta
from etl.run import build_tables
from etl.store import TableWriter

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
GOOD = ("GENEVA: Iranian Foreign Minister Abbas Araghchi met European Union envoy Enrique Mora "
        "in Geneva on Monday.\nPublished in The Courier, March 4th, 2025\n")


def test_cli_writes_all_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    code = main([str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--quiet"])
    assert code == 0
    out, err = capsys.readouterr()
    assert "1 articles" in out and "1 skipped" in out
    assert "empty.txt" in err
    for name in ("articles", "mentions", "events", "errors"):
        csv = pd.read_csv(tmp_path / "out" / f"{name}.csv", keep_default_na=False)
        parquet = pd.read_parquet(tmp_path / "out" / f"{name}.parquet")
        assert len(csv) == len(parquet)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    assert errors["path"].str.endswith("empty.txt").all() and len(errors) == 1
    events = pd.read_csv(tmp_path / "out" / "events.csv", keep_default_na=False)
    assert set(events["place"]) == {"Geneva"}
    assert {"Abbas Araghchi", "Enrique Mora"} <= set(events["actor"])
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["rows"]["articles"] == 1


def test_cli_fails_when_nothing_could_be_processed(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.txt").write_text("   \n", encoding="utf-8")
    assert main([str(tmp_path / "empty.txt"), "--out", str(tmp_path / "out"), "-q"]) == 1
    assert "no article could be processed" in capsys.readouterr().err


def test_same_article_twice_is_one_article(tmp_path: Path) -> None:
    for name in ("a.txt", "copy.txt"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    summary = build_tables([tmp_path], tmp_path / "out")
    assert summary.n_articles == 1 and summary.n_duplicates == 1


def test_ids_are_stable_across_runs(tmp_path: Path) -> None:
    build_tables([SEEDS], tmp_path / "one")
    build_tables([SEEDS], tmp_path / "two")
    for name in ("articles", "events"):
        one = pd.read_csv(tmp_path / "one" / f"{name}.csv")
        two = pd.read_csv(tmp_path / "two" / f"{name}.csv")
        pd.testing.assert_frame_equal(one, two)


def test_a_failed_run_leaves_the_previous_tables(tmp_path: Path) -> None:
    out = tmp_path / "out"
    build_tables([SEEDS], out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def explode(done: int, total: int | None) -> None:
        raise RuntimeError("crash in the middle of a run")

    with pytest.raises(RuntimeError):
        build_tables([SEEDS], out, progress=explode)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before  # same files, same bytes, no temporary left behind


def test_writer_abort_removes_temporaries(tmp_path: Path) -> None:
    writer = TableWriter(tmp_path)
    writer.add("errors", [{"path": "x", "error": "y"}])
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_two_workers_give_the_same_tables(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "seed.txt").write_bytes(next(SEEDS.glob("*.txt")).read_bytes())
    (src / "b.txt").write_text(GOOD, encoding="utf-8")
    build_tables([src], tmp_path / "one", workers=1, chunk_size=1)
    build_tables([src], tmp_path / "two", workers=2, chunk_size=1)
    for name in ("articles", "mentions", "events"):
        pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "one" / f"{name}.csv"),
                                      pd.read_csv(tmp_path / "two" / f"{name}.csv"))


def test_model_meta_is_checked() -> None:
    check_meta({"lang": "en", "name": "core_web_sm", "version": "3.8.0"}, "en_core_web_sm")
    with pytest.raises(ModelError, match="3.8.0"):
        check_meta({"lang": "en", "name": "core_web_sm", "version": "3.7.1"}, "en_core_web_sm")
    with pytest.raises(ModelError):
        check_meta({"lang": "en", "name": "core_web_lg", "version": "3.8.0"}, "en_core_web_lg")


def test_tables_inside_the_inputs_are_not_read_as_articles(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    build_tables([tmp_path], tmp_path / "out")
    again = build_tables([tmp_path], tmp_path / "out")
    assert again.n_articles == 1 and not again.errors


def test_a_preferred_country_decides_what_the_text_leaves_open(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(
        "The mayor met school board members in Athens on Monday.\n", encoding="utf-8")

    def athens(*options: str) -> str:
        out = tmp_path / ("out" + "".join(options))
        assert main([str(tmp_path / "in"), "--out", str(out), "-q", *options]) == 0
        mentions = pd.read_csv(out / "mentions.csv", keep_default_na=False)
        return str(mentions.loc[mentions["text"] == "Athens", "country_code"].iloc[0])

    assert athens() == "GR"
    assert athens("--prefer-country", "us") == "US"
    assert main([str(tmp_path / "in"), "--out", str(tmp_path / "x"), "--prefer-country",
                 "USA"]) == 2
    assert "two-letter ISO code" in capsys.readouterr().err

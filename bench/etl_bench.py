"""ETL benchmarks on a synthetic corpus: throughput, the ratio to bare spaCy, scaling with
workers, incremental re-runs and peak memory. Every step runs in its own process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd

from bench.corpus import write_corpus


def step(*args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.child", *args], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def etl(corpus: Path, out: Path, workers: int = 1, cache: bool = True) -> dict[str, Any]:
    return step("etl", str(corpus), "--out", str(out), "--workers", str(workers),
                *(() if cache else ("--no-cache",)))


def resident(corpus: Path, out: Path, workers: int, grow: int, start: int, seed: int
             ) -> dict[str, Any]:
    """Add `grow` articles numbered from `start` and time the update of a resident process."""
    return step("resident", str(corpus), "--out", str(out), "--workers", str(workers),
                "--grow", str(grow), "--start", str(start), "--seed", str(seed))


def fresh_corpus(work: Path, n: int, seed: int) -> Path:
    """The deterministic corpus of `n` articles, without what an earlier step added."""
    corpus = work / f"corpus-{n}"
    write_corpus(corpus, n, seed)
    for extra in corpus.glob("*"):  # a corpus grown by an earlier incremental step
        if extra.name > f"article-{seed}-{n - 1:07d}.txt":
            extra.unlink()
    return corpus


def run(work: Path, n: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """All ETL figures for a corpus of `n` articles, as (figure, value, target) rows."""
    shutil.rmtree(work / "out", ignore_errors=True)
    corpus = fresh_corpus(work, n, seed)
    print(f"corpus: {n} articles in {corpus}", file=sys.stderr)
    # The floor is measured before and after Parley and averaged: the machine is shared.
    floor_a = step("spacy", str(corpus))
    print(f"  spaCy floor: {floor_a['seconds']:.1f} s", file=sys.stderr)
    first = etl(corpus, work / "out" / "inc", workers=1)
    print(f"  ETL, 1 worker: {first['seconds']:.1f} s", file=sys.stderr)
    floor_b = step("spacy", str(corpus))
    floor = (floor_a["seconds"] + floor_b["seconds"]) / 2
    floor_cpu = (floor_a["cpu_seconds"] + floor_b["cpu_seconds"]) / 2
    print(f"  spaCy floor again: {floor_b['seconds']:.1f} s", file=sys.stderr)
    two = etl(corpus, work / "out" / "w2", workers=2, cache=False)
    print(f"  ETL, 2 workers: {two['seconds']:.1f} s", file=sys.stderr)
    again = etl(corpus, work / "out" / "inc")
    grow = max(1, n // 100)
    write_corpus(corpus, grow, seed, start=n)
    grown = etl(corpus, work / "out" / "inc")
    watched = resident(corpus, work / "out" / "inc", 1, grow, n + grow, seed)
    victim = sorted(corpus.glob("*.txt"))[0]
    gone_id = pd.read_parquet(work / "out" / "inc" / "articles.parquet")
    gone_id = gone_id.loc[gone_id["path"] == str(victim), "article_id"].iloc[0]
    victim.unlink()
    removed = etl(corpus, work / "out" / "inc")
    events = pd.read_parquet(work / "out" / "inc" / "events.parquet")
    articles = pd.read_parquet(work / "out" / "inc" / "articles.parquet")
    dropped = gone_id not in set(articles["article_id"]) | set(events["article_id"])

    step("startup", str(corpus))  # builds the gazetteer's index if this machine lacks it
    boot = step("startup", str(corpus))

    words = floor_a["words"]
    t1, t2 = first["seconds"], two["seconds"]
    return [
        ("start-up: imports, model, gazetteer, first article",
         f"{boot['seconds']:.2f} s (gazetteer {boot['gazetteer_seconds']:.2f} s, model "
         f"{boot['model_seconds']:.2f} s); peak RSS {boot['rss_mib']:.0f} MiB, the "
         f"gazetteer and first article adding {boot['gazetteer_rss_mib']:.0f} MiB", ""),
        (f"corpus ({n} articles)", f"{words:,} words, {first['events']:,} event rows", ""),
        ("bare spaCy nlp.pipe, same model (load + pipe)",
         f"{floor:.1f} s (runs: {floor_a['seconds']:.1f}, {floor_b['seconds']:.1f})", ""),
        ("Parley ETL, 1 worker", f"{t1:.1f} s: {n / t1:.1f} articles/s, {words / t1:,.0f} words/s",
         ""),
        (f"ratio Parley / bare spaCy at {n} articles", f"{t1 / floor:.2f}", "<= 1.15"),
        ("the same ratio in CPU time (less sensitive to other load on the machine)",
         f"{first['cpu_seconds'] / floor_cpu:.2f} ({first['cpu_seconds']:.1f} s / "
         f"{floor_cpu:.1f} s)", ""),
        ("Parley ETL, 2 workers", f"{t2:.1f} s: {n / t2:.1f} articles/s, {words / t2:,.0f} words/s",
         ""),
        ("speed-up 2 workers / 1", f"{t1 / t2:.2f}x", ">= 1.7x"),
        ("re-run, unchanged corpus",
         f"{again['seconds']:.2f} s = {100 * again['seconds'] / t1:.1f}% of the first run, "
         f"{again['articles'] - again['reused']} parsed", "<= 2%, 0 parsed"),
        (f"re-run, +{grow} new articles ({100 * grow / n:.0f}%)",
         f"{grown['seconds']:.2f} s = {100 * grown['seconds'] / t1:.1f}% of the first run, "
         f"{grown['articles'] - grown['reused']} parsed", "about 1%"),
        (f"the same in a resident process (--watch), +{grow} more",
         f"{watched['seconds']:.2f} s = {100 * watched['seconds'] / t1:.1f}% of the first run, "
         f"{watched['articles'] - watched['reused']} parsed", "about 1%"),
        ("re-run, 1 article removed",
         f"{removed['seconds']:.2f} s; its rows gone: {'yes' if dropped else 'NO'}", "gone"),
        (f"peak RSS at {n} articles, 1 worker", f"{first['rss_mib']:.0f} MiB", "flat"),
        (f"peak RSS at {n} articles, 2 workers",
         f"main {two['rss_mib']:.0f} MiB, each worker <= {two['rss_workers_mib']:.0f} MiB", "flat"),
    ]


def memory(work: Path, n: int, seed: int = 0) -> tuple[str, str, str]:
    """Peak RSS of a 1-worker run over `n` articles (the flat-memory check at several sizes)."""
    corpus = fresh_corpus(work, n, seed)
    result = etl(corpus, work / "out" / f"mem-{n}", cache=False)
    return (f"peak RSS at {n} articles, 1 worker",
            f"{result['rss_mib']:.0f} MiB ({result['seconds']:.0f} s)", "flat")


def incremental(work: Path, n: int, workers: int, seed: int = 0) -> list[tuple[str, str, str]]:
    """Re-runs against a full run of `n` articles with the same workers: a run's fixed costs
    (imports, model, gazetteer, about 2.5 s) weigh less as the corpus grows."""
    corpus = fresh_corpus(work, n, seed)
    out = work / "out" / f"incremental-{n}"
    shutil.rmtree(out, ignore_errors=True)
    full = etl(corpus, out, workers=workers)
    print(f"  {n} articles, {workers} worker(s): {full['seconds']:.0f} s", file=sys.stderr)
    again = etl(corpus, out, workers=workers)
    grow = max(1, n // 100)
    write_corpus(corpus, grow, seed, start=n)
    grown = etl(corpus, out, workers=workers)
    watched = resident(corpus, out, workers, grow, n + grow, seed)
    t = full["seconds"]
    return [
        (f"full run, {n} articles, {workers} worker(s)", f"{t:.0f} s", ""),
        (f"re-run at {n}, unchanged", f"{again['seconds']:.2f} s = "
         f"{100 * again['seconds'] / t:.2f}% of the full run", "<= 2%"),
        (f"re-run at {n}, +{grow} new articles (1%)", f"{grown['seconds']:.2f} s = "
         f"{100 * grown['seconds'] / t:.1f}% of the full run, "
         f"{grown['articles'] - grown['reused']} parsed", "<= 1.5%"),
        (f"the same in a resident process (--watch), +{grow} more", f"{watched['seconds']:.2f} s"
         f" = {100 * watched['seconds'] / t:.1f}% of the full run, "
         f"{watched['articles'] - watched['reused']} parsed", "<= 1.5%"),
    ]

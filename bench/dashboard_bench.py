"""The dashboard's data path at scale: generated corpora (1M event rows in one Parquet file a
table, 10M in a folder of parts a table, as ``--engine dask`` writes), each opened as the
dashboard opens it in a fresh process, then the work of one interaction timed per query kind.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import date
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd

from bench.child import peak_mib
from etl.store import SCHEMAS

# An article's body: about 2,500 characters, its id appended so that no two are equal.
TEXT = ("Envoys met in the capital on Monday to discuss the peace process. " * 38)


def generate(folder: Path, n_rows: int, seed: int = 0) -> None:
    """One Parquet file per table, as the local ETL writes them."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in generate_frames(n_rows, seed).items():
        frame.to_parquet(folder / f"{name}.parquet", schema=SCHEMAS[name], index=False)


def generate_parts(folder: Path, n_rows: int, part_rows: int = 1_000_000, seed: int = 0
                   ) -> None:
    """The same corpus as a folder of Parquet parts per table (``events/part-00000.parquet``,
    as ``--engine dask`` writes), generated one part at a time so that ten million rows never
    sit in memory together. Ids continue across parts; merges stay within a part."""
    reports = articles = 0
    for k, start in enumerate(range(0, n_rows, part_rows)):
        rows = min(part_rows, n_rows - start)
        frames = generate_frames(rows, seed + k, first_report=reports, first_article=articles)
        for name, frame in frames.items():
            if name == "errors" and k:
                continue
            (folder / name).mkdir(parents=True, exist_ok=True)
            frame.to_parquet(folder / name / f"part-{k:05d}.parquet", schema=SCHEMAS[name],
                             index=False)
        reports += rows // 3
        articles += len(frames["articles"])
        del frames


def generate_frames(n_rows: int, seed: int = 0, *, first_report: int = 0,
                    first_article: int = 0) -> dict[str, pd.DataFrame]:
    """Tidy rows (about 3 actors a report, 8 reports an article), their articles with about
    2,500 characters of text each, and as many mention rows as event rows, with the ETL's
    schema; vectorised, so 1M rows take seconds. Ids start at ``first_report`` and
    ``first_article`` so that parts generated one by one make one corpus.

    About one report in five tells an event already reported by an article or two before it,
    so events have one to three reports (``report_id``, ``n_sources``, ``sources``) as the
    ETL's corpus pass writes them."""
    rng = np.random.default_rng(seed)
    n_reports = n_rows // 3
    n_articles = n_reports // 8 + 1
    report = np.sort(rng.integers(0, n_reports, n_rows))
    # A merged report joins the event of a report 1 or 2 articles back (same sentence slot).
    back = np.where(rng.random(n_reports) < 0.2, rng.integers(1, 3, n_reports), 0) * 8
    event_of = np.arange(n_reports) - back
    event_of = np.where(event_of >= 0, event_of, np.arange(n_reports))
    while (event_of[event_of] != event_of).any():  # a chain of merges ends at its first
        event_of = event_of[event_of]
    n_events = n_reports
    article = report // 8
    places = np.array([f"City{i}" for i in range(2000)], dtype=object)
    codes = np.array([f"{chr(65 + i % 26)}{chr(65 + i // 26 % 26)}" for i in range(2000)],
                     dtype=object)
    actors = np.array([f"Person {i}" for i in range(5000)] + ["" for _ in range(50)],
                      dtype=object)
    place_of_event = rng.integers(-200, 2000, n_events)  # negative: no venue
    day_of_event = rng.integers(-300, 3000, n_events)  # negative: undated
    days = pd.to_datetime(date(2018, 1, 1)) + pd.to_timedelta(np.maximum(day_of_event, 0), "D")
    iso = np.where(day_of_event >= 0, days.strftime("%Y-%m-%d").to_numpy(dtype=object), "")
    precision = np.where(day_of_event >= 0, rng.choice(["day", "week", "month"], n_events,
                                                       p=[0.6, 0.2, 0.2]), "")
    event = event_of[report]
    p = place_of_event[event]
    has_place = p >= 0
    ids = np.array([f"{first_report + i:016x}" for i in range(n_events)], dtype=object)
    art_ids = np.array([f"a{first_article + i:015x}" for i in range(n_articles)],
                       dtype=object)
    actor = actors[rng.integers(0, len(actors), n_rows)]
    place = np.where(has_place, places[np.maximum(p, 0)], "")
    pairs = pd.DataFrame({"event": event_of, "article": art_ids[np.arange(n_reports) // 8]})
    grouped = pairs.drop_duplicates().sort_values("article").groupby("event")["article"]
    n_sources, sources = grouped.size(), grouped.agg(";".join)
    merged = back[report] > 0
    events = pd.DataFrame({
        "event_id": ids[event], "report_id": np.char.add("r", ids[report].astype(str)),
        "article_id": art_ids[article],
        "sentence_id": (report % 8).astype("int32"),
        "event_type": rng.choice(["meeting", "talks", "visit", "call", "briefing"],
                                 n_events)[event],
        "status": rng.choice(["held", "planned", "cancelled"], n_events, p=[.7, .2, .1])[event],
        "date_start": iso[event], "date_end": iso[event], "date_precision": precision[event],
        "place": place, "country_code": np.where(has_place, codes[np.maximum(p, 0)], ""),
        "lat": np.where(has_place, (np.maximum(p, 0) % 170) - 85.0, np.nan),
        "lon": np.where(has_place, (np.maximum(p, 0) % 350) - 175.0, np.nan),
        "geo_precision": np.where(has_place, "city", ""), "actor": actor,
        "actor_kind": np.where(actor == "", "", "person"),
    })
    events["sentence"] = ("Talks on the peace process were held in " + events["place"]
                          + " with delegation " + events["report_id"].str[-6:] + ".")
    events["n_sources"] = n_sources.reindex(event).to_numpy()
    events["sources"] = sources.reindex(event).to_numpy()
    events["reason"] = np.where(has_place, "chosen over 2 other place(s) of that name", "")
    events["merge_reason"] = np.where(merged, "venues 0 km apart, dates overlap, 2 shared "
                                      "participants, same type", "")
    articles = pd.DataFrame({
        "article_id": art_ids, "path": [f"corpus/{a}.txt" for a in art_ids],
        "title": "A title", "publisher": rng.choice(["Dawn", "The Courier", ""], n_articles),
        "published": "2019-10-29", "dateline": "", "n_sentences": np.int32(20),
        "sha256": "", "text": TEXT + art_ids})
    short = events["actor"].str.split(" ").str[-1]  # "Person 12" is also called "12"
    mentions = pd.DataFrame({
        "article_id": events["article_id"], "sentence_id": events["sentence_id"],
        "start": np.int32(0), "end": np.int32(5),
        "text": events["actor"].where(rng.random(n_rows) < 0.7, short),
        "kind": "person", "name": events["actor"], "country_code": "", "lat": np.nan,
        "lon": np.nan, "geo_precision": "", "date_start": "", "date_end": "",
        "date_precision": "", "reason": ""})
    return {"events": events, "articles": articles, "mentions": mentions,
            "errors": pd.DataFrame({"path": [], "error": []})}


# What the page computes on every rerun, then what it adds only when asked: the actors list
# while its expander is open, an event's detail while a table row is selected.
KINDS = ("filters", "map venues", "actor ranking", "timeline", "network", "downloads",
         "table page")
ON_REQUEST = ("actors + forms", "event detail")
CASES = {
    "no filter": {},
    "date range + type": {"date_from": date(2019, 1, 1), "date_to": date(2019, 6, 30),
                          "event_types": ("meeting", "talks")},
    "venue clicked": {"venues": ("City7 (HA)",)},
    "actor clicked + text": {"focus_actors": ("Person 12",), "text": "peace"},
}


class Laps:
    """Seconds spent per query kind in one interaction: ``laps("map venues")`` charges the
    time since the previous lap to that kind."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(KINDS + ON_REQUEST, 0.0)
        self._last = time.perf_counter()

    def __call__(self, kind: str) -> None:
        now = time.perf_counter()
        self.seconds[kind] += now - self._last
        self._last = now


def interaction(tables, f, laps: Laps) -> None:  # type: ignore[no-untyped-def]
    """What the page computes on one rerun (dashboard/app.py: main, sidebar options, map,
    actors, timeline, who-met-whom, the download sizes and small CSVs, one page of the table),
    then the actors with their surface forms (the list opened) and the detail of the table's
    first event (its row selected)."""
    from dashboard import aggregate, detail, export, network
    from dashboard.filters import mention_count, mention_rows, row_count, select

    ix = tables.index
    ix.date_bounds(), ix.options(ix.v_actor), ix.options(ix.v_venue), ix.options(ix.v_type)
    chosen = select(ix, f)
    int(chosen.events.sum())
    laps("filters")
    ix.for_mask("venues", chosen.map, aggregate.venues_of)
    laps("map venues")
    ix.for_mask("actors by events", chosen.actors, aggregate.actor_counts_of)
    laps("actor ranking")
    granularity = aggregate.granularity_of(ix, chosen.events)
    ix.for_mask(f"timeline by {granularity}", chosen.events,
                partial(aggregate.timeline_of, granularity=granularity))
    aggregate.undated_by_status_of(ix, chosen.events)
    laps("timeline")
    ix.for_mask("network", chosen.actors, network.network_of)
    laps("network")
    for name, n, rows in (("events", row_count(ix, chosen.events), ix.rows),
                          ("mentions", mention_count(ix, chosen.events),
                           partial(mention_rows, ix))):
        if n <= export.EAGER_CSV_ROWS and name not in tables.mapped:  # else on click
            export.to_csv_bytes(tables.take(name, rows(chosen.events)))
    laps("downloads")
    page = aggregate.summary_of(ix, chosen.events, 0, aggregate.PAGE_ROWS)
    laps("table page")
    detail.actor_table(aggregate.actor_counts_of(ix, chosen.events, top=500),
                       tables.actor_forms)
    laps("actors + forms")
    if len(page):  # a picked row: its reports, reasons and names
        code = int(page["event_code"].iloc[0])
        rows = tables.take("events", ix.event_rows(code))
        one = np.zeros(ix.n_events, dtype=bool)
        one[code] = True
        said = tables.take("mentions", mention_rows(ix, one))
        articles = tables.articles_of(rows["article_id"])
        detail.reports_of(rows, articles)
        detail.reasons_of(rows, said, articles)
        detail.event_forms(rows, tables.actor_forms)
    laps("event detail")


def measure(folder: Path, repeats: int = 5) -> dict[str, object]:
    """In this process: load (read and encode), then each interaction ``repeats`` times; the
    median is kept, per query kind and in total. Each is timed twice: afresh, as for a
    selection nobody has viewed yet, and as a click from the opening view, whose views the
    page keeps (``EventIndex.for_mask``), as it keeps any view already shown."""
    from dashboard.data import read_tables
    from dashboard.filters import Filters

    copies_before = mapped_copies()
    start = time.perf_counter()
    tables = read_tables(folder)
    tables.index  # encoded once per load, with the tables  # noqa: B018
    tables.actor_forms  # surface forms, gathered once per load  # noqa: B018
    load = time.perf_counter() - start
    load_rss = peak_mib()
    cases: dict[str, dict[str, float]] = {}
    for name, choices in CASES.items():
        f = Filters(**choices)
        runs = []
        for _ in range(repeats):
            tables.index.results.clear()
            laps = Laps()
            t = time.perf_counter()
            interaction(tables, f, laps)
            everything = time.perf_counter() - t
            tables.index.results.clear()
            interaction(tables, Filters(), Laps())  # the opening view
            click = Laps()
            t = time.perf_counter()
            interaction(tables, f, click)
            clicked = time.perf_counter() - t
            runs.append({**laps.seconds, "opened": everything,
                         "total": everything - sum(laps.seconds[k] for k in ON_REQUEST),
                         "from the opening view":
                             clicked - sum(click.seconds[k] for k in ON_REQUEST)})
        cases[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
    return {"rows": len(tables.events), "load_seconds": load, "cases": cases,
            "copied": bool(mapped_copies() - copies_before),
            "load_rss_mib": load_rss, "rss_mib": peak_mib(), **memory_now()}


def mapped_copies() -> set[Path]:
    """The mapped copies in the user cache: a load that adds one paid for the one-time copy."""
    from dashboard.mapped import copies_folder

    return set(copies_folder().glob("*/*.arrow"))


def memory_now() -> dict[str, float]:
    """Resident memory now, split as the kernel counts it: private (anonymous) and pages of
    mapped files (which the kernel drops first under pressure)."""
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("RssAnon", "RssFile"):
                fields[key] = int(value.split()[0]) / 1024
    return {"anon_mib": fields.get("RssAnon", 0.0), "file_mib": fields.get("RssFile", 0.0)}


def measured(folder: Path) -> dict:
    """``measure`` in a fresh process, so that its peak RSS is its own."""
    done = subprocess.run([sys.executable, "-m", "bench.dashboard_bench", str(folder)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def generated(work: Path, n_rows: int) -> Path:
    """The folder of generated tables of `n_rows` event rows, made the first time: one file
    per table up to a million rows, a folder of parts per table beyond."""
    if n_rows <= 1_000_000:
        folder = work / f"dashboard-{n_rows}"
        if not (folder / "events.parquet").is_file():
            generate(folder, n_rows)
    else:
        folder = work / f"dashboard-{n_rows}-parts"
        if not (folder / "events").is_dir():
            generate_parts(folder, n_rows)
    return folder


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f} ms"


def run(work: Path, sizes: tuple[int, ...]) -> list[tuple[str, str, str]]:
    """Load and interaction figures per corpus size; per query kind, the slowest case."""
    rows = []
    for n_rows in sizes:
        folder = generated(work, n_rows)
        result = measured(folder)
        size = f"{result['rows']:,} rows"
        if result["copied"]:  # the first opening made the mapped copy: time an opening again
            rows.append((f"dashboard {size}: first load, with the one-time mapped copy",
                         f"{result['load_seconds']:.1f} s", ""))
            result = measured(folder)
        target = "<= 150 ms" if n_rows <= 1_000_000 else "<= 300 ms"
        rows.append((f"dashboard {size}: load", f"{result['load_seconds']:.1f} s (once per "
                     "corpus, cached)", ""))
        for kind in KINDS + ON_REQUEST:
            slowest = max(c[kind] for c in result["cases"].values())
            rows.append((f"dashboard {size}, {kind} (slowest case)", ms(slowest), ""))
        for case, laps in result["cases"].items():
            rows.append((f"dashboard {size} interaction: {case}", f"{ms(laps['total'])}; "
                         f"{ms(laps['opened'])} with the actors list open and a row selected;"
                         f" {ms(laps['from the opening view'])} from the opening view",
                         target))
        rows.append((f"dashboard {size} peak RSS (after load)",
                     f"{result['rss_mib']:.0f} MiB ({result['load_rss_mib']:.0f} MiB); now "
                     f"{result['anon_mib']:.0f} MiB private + {result['file_mib']:.0f} MiB "
                     "of mapped files", "<= 2 GB"))
    return rows


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))

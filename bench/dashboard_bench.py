"""The dashboard's data path at scale: a generated events table of N rows (1,000,000 by
default), loaded as the dashboard loads it, then the work of one interaction timed."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from etl.store import SCHEMAS


def generate(folder: Path, n_rows: int, seed: int = 0) -> None:
    """Tidy rows (about 3 actors a report, 8 reports an article), their articles, and as many
    mention rows as event rows, with the ETL's schema; vectorised, so 1M rows take seconds.

    About one report in five tells an event already reported by an article or two before it,
    so events have one to three reports (``report_id``, ``n_sources``, ``sources``) as the
    ETL's corpus pass writes them."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
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
    ids = np.array([f"{i:016x}" for i in range(n_events)], dtype=object)
    art_ids = np.array([f"a{i:015x}" for i in range(n_articles)], dtype=object)
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
        "sha256": "", "text": ""})
    short = events["actor"].str.split(" ").str[-1]  # "Person 12" is also called "12"
    mentions = pd.DataFrame({
        "article_id": events["article_id"], "sentence_id": events["sentence_id"],
        "start": np.int32(0), "end": np.int32(5),
        "text": events["actor"].where(rng.random(n_rows) < 0.7, short),
        "kind": "person", "name": events["actor"], "country_code": "", "lat": np.nan,
        "lon": np.nan, "geo_precision": "", "date_start": "", "date_end": "",
        "date_precision": "", "reason": ""})
    for name, frame in (("events", events), ("articles", articles), ("mentions", mentions),
                        ("errors", pd.DataFrame({"path": [], "error": []}))):
        frame.to_parquet(folder / f"{name}.parquet", schema=SCHEMAS[name], index=False)


def interaction(tables, f) -> None:  # type: ignore[no-untyped-def]
    """What the page computes on one rerun (dashboard/app.py: main, sidebar options, map,
    actors, timeline, who-met-whom, the download sizes and small CSVs, one page of the table,
    the actors with their surface forms, and the detail of the table's first event).
    """
    import numpy as np

    from dashboard import aggregate, detail, export, network
    from dashboard.filters import mention_rows, select

    ix = tables.index
    ix.date_bounds(), ix.options(ix.v_actor), ix.options(ix.v_venue), ix.options(ix.v_type)
    chosen = select(ix, f)
    int(chosen.events.sum())
    aggregate.venues_of(ix, chosen.map)
    aggregate.actor_counts_of(ix, chosen.actors)
    aggregate.timeline_of(ix, chosen.events, aggregate.granularity_of(ix, chosen.events))
    aggregate.undated_by_status_of(ix, chosen.events)
    network.network_of(ix, chosen.actors)
    for table, rows in ((tables.events, ix.rows(chosen.events)),
                        (tables.mentions, mention_rows(ix, chosen.events))):
        if len(rows) <= export.EAGER_CSV_ROWS:  # larger downloads are built only on click
            export.to_csv_bytes(table.iloc[rows])
    page = aggregate.summary_of(tables.events, ix, chosen.events, 0, aggregate.PAGE_ROWS)
    detail.actor_table(aggregate.actor_counts_of(ix, chosen.events, top=500),
                       tables.actor_forms)
    if len(page):  # a picked row: its reports, reasons and names
        code = int(page["event_code"].iloc[0])
        rows = tables.events.iloc[ix.event_rows(code)]
        one = np.zeros(ix.n_events, dtype=bool)
        one[code] = True
        said = tables.mentions.iloc[mention_rows(ix, one)]
        detail.reports_of(rows, tables.articles)
        detail.reasons_of(rows, said, tables.articles)
        detail.event_forms(rows, tables.actor_forms)


def measure(folder: Path, repeats: int = 3) -> dict[str, object]:
    """In this process: load (read and encode), then each interaction `repeats` times; the
    median is kept. Nothing is cached between repeats: each one filters and counts afresh."""
    import resource

    from dashboard.data import read_tables
    from dashboard.filters import Filters

    start = time.perf_counter()
    tables = read_tables(folder)
    tables.index  # encoded once per load, with the tables  # noqa: B018
    tables.actor_forms  # surface forms, gathered once per load  # noqa: B018
    load = time.perf_counter() - start
    venue = "City7 (HA)"
    cases = {
        "no filter": Filters(),
        "date range + type": Filters(date_from=date(2019, 1, 1), date_to=date(2019, 6, 30),
                                     event_types=("meeting", "talks")),
        "venue clicked": Filters(venues=(venue,)),
        "actor clicked + text": Filters(focus_actors=("Person 12",), text="peace"),
    }
    times = {}
    for name, f in cases.items():
        runs = []
        for _ in range(repeats):
            t = time.perf_counter()
            interaction(tables, f)
            runs.append(time.perf_counter() - t)
        times[name] = statistics.median(runs)
    return {"rows": len(tables.events), "load_seconds": load, "interactions": times,
            "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def generated(work: Path, n_rows: int) -> Path:
    """The folder of generated tables of `n_rows` event rows, made the first time."""
    folder = work / f"dashboard-{n_rows}"
    if not (folder / "events.parquet").is_file():
        generate(folder, n_rows)
    return folder


def run(work: Path, n_rows: int) -> list[tuple[str, str, str]]:
    folder = generated(work, n_rows)
    done = subprocess.run([sys.executable, "-m", "bench.dashboard_bench", str(folder)],
                          check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rows = [(f"dashboard: load {result['rows']:,} event rows", f"{result['load_seconds']:.1f} s "
             "(once; cached across reruns)", "")]
    rows += [(f"dashboard interaction: {name}", f"{1000 * s:.0f} ms", "<= 300 ms")
             for name, s in result["interactions"].items()]
    rows.append(("dashboard peak RSS", f"{result['rss_mib']:.0f} MiB", "<= 2 GB"))
    return rows


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))))

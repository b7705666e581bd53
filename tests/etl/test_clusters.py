"""Event clusters across articles: B-cubed and pairwise scoring on hand-made frames, and the
dev corpus's gold clusters. No ETL run, no model, no network."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from etl.evaluate import (
    ClusterItem,
    GoldError,
    Tables,
    bcubed,
    distance_km,
    format_scores,
    pairwise,
    parse_gold,
    score,
)
from etl.records import ARTICLE_COLUMNS, EVENT_COLUMNS

DOHA = (25.28545, 51.53096)
SHERATON = (25.3186, 51.5325)  # the hotel, 4 km from the city point
KABUL = (34.52813, 69.17233)
SAT, THU = "2025-03-08", "2025-03-13"


def item(gold: str, event: str, report: str | None = None) -> ClusterItem:
    return ClusterItem(article="a.txt", gold_cluster=gold, event_id=event,
                       report_id=report or event)


# ---------------------------------------------------------------------------------------------
# the measures themselves


def test_bcubed_perfect_grouping_scores_one() -> None:
    items = [item("g1", "E1"), item("g1", "E1"), item("g2", "E2")]
    s = bcubed(items)
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)
    assert (s.n_items, s.n_gold, s.n_system) == (3, 2, 2)


def test_bcubed_without_merging_keeps_precision_and_loses_recall() -> None:
    # the baseline of an ETL that never merges: every report is its own event
    items = [item("g1", "R1"), item("g1", "R2"), item("g1", "R3"), item("g2", "R4")]
    s = bcubed(items)
    assert s.precision == 1.0
    assert s.recall == pytest.approx((1 / 3 * 3 + 1) / 4)


def test_bcubed_merging_everything_keeps_recall_and_loses_precision() -> None:
    items = [item("g1", "E"), item("g1", "E"), item("g2", "E")]
    s = bcubed(items)
    assert s.recall == 1.0
    assert s.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)


def test_bcubed_of_nothing_is_zero() -> None:
    assert bcubed([]).f1 == 0.0 and bcubed([]).n_items == 0


def test_pairwise_counts_pairs_of_reports() -> None:
    # gold: {1,2,3} {4}; system: {1,2} {3,4}
    items = [item("g1", "E1"), item("g1", "E1"), item("g1", "E2"), item("g2", "E2")]
    c = pairwise(items)
    assert (c.tp, c.fp, c.fn) == (1, 1, 2)


# ---------------------------------------------------------------------------------------------
# matching gold events to reports, then scoring the grouping


def gold_article(file: str, published: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    return {"file": file, "record": None, "title": None, "published": published,
            "dateline": "", "actors": [{"name": "Thérèse Mbala", "kind": "person"},
                                       {"name": "Olivier Nsengimana", "kind": "person"}],
            "places": [], "dates": [], "events": events}


def gold_event(point: tuple[float, float], day: str, cluster: str | None,
               status: str = "held") -> dict[str, Any]:
    event = {"type": "talks", "status": status, "place": "x", "lat": point[0], "lon": point[1],
             "date": {"start": day, "end": day, "precision": "day"},
             "actors": ["Thérèse Mbala", "Olivier Nsengimana"]}
    if cluster:
        event["cluster"] = cluster
    return event


def story() -> dict[str, Any]:
    """Two reports of the Doha talks, one at the hotel and one in the city, and a third
    article where the same two ministers meet again five days later in Kabul."""
    return {"version": 1, "articles": [
        gold_article("a.txt", "2025-03-09", [gold_event(SHERATON, SAT, "doha")]),
        gold_article("b.txt", "2025-03-11", [gold_event(DOHA, SAT, "doha")]),
        gold_article("c.txt", "2025-03-14", [gold_event(KABUL, THU, None)]),
    ]}


def report(article: str, report_id: str, event_id: str, point: tuple[float, float],
           day: str, status: str = "held") -> list[dict[str, Any]]:
    rows = []
    for actor in ("Thérèse Mbala", "Olivier Nsengimana"):
        row: dict[str, Any] = dict.fromkeys(EVENT_COLUMNS, "")
        row.update(event_id=event_id, report_id=report_id, article_id=article, sentence_id=0,
                   event_type="talks", status=status, actor=actor, actor_kind="person",
                   lat=point[0], lon=point[1], place="x", date_start=day, date_end=day,
                   date_precision="day")
        rows.append(row)
    return rows


def tables(events: list[dict[str, Any]], *, report_column: bool = True) -> Tables:
    articles = [dict.fromkeys(ARTICLE_COLUMNS, "") | {"article_id": a, "path": f"{a.lower()}.txt"}
                for a in ("A", "B", "C")]
    frame = pd.DataFrame(events, columns=list(EVENT_COLUMNS))
    if not report_column:
        frame = frame.drop(columns=["report_id"])
    return Tables(articles=pd.DataFrame(articles, columns=list(ARTICLE_COLUMNS)),
                  mentions=pd.DataFrame(columns=["article_id", "kind", "name"]),
                  events=frame)


def grouped(doha_a: str, doha_b: str, kabul: str) -> Tables:
    return tables([*report("A", "rA", doha_a, SHERATON, SAT),
                   *report("B", "rB", doha_b, DOHA, SAT),
                   *report("C", "rC", kabul, KABUL, THU)])


def test_right_merge_scores_one() -> None:
    s = score(story(), grouped("E1", "E1", "rC"))
    assert s.held_events.f1 == 1.0
    assert (s.clusters.precision, s.clusters.recall) == (1.0, 1.0)
    assert (s.cluster_pairs.tp, s.cluster_pairs.fp, s.cluster_pairs.fn) == (1, 0, 0)
    assert "event clusters (held reports)" not in s.misses


def test_missed_merge_lowers_recall_only() -> None:
    s = score(story(), grouped("rA", "rB", "rC"))
    assert s.clusters.precision == 1.0
    assert s.clusters.recall == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)
    assert (s.cluster_pairs.tp, s.cluster_pairs.fp, s.cluster_pairs.fn) == (0, 0, 1)
    assert any(line.startswith("split: doha is 2 events")
               for line in s.misses["event clusters (held reports)"])


def test_wrong_merge_of_a_later_meeting_lowers_precision_only() -> None:
    # the same two ministers, five days later, 1,800 km away: a different event
    s = score(story(), grouped("E1", "E1", "E1"))
    assert s.clusters.recall == 1.0
    assert s.clusters.precision == pytest.approx((2 / 3 + 2 / 3 + 1 / 3) / 3)
    assert (s.cluster_pairs.tp, s.cluster_pairs.fp, s.cluster_pairs.fn) == (1, 2, 0)
    assert any(line.startswith("wrong merge: event E1")
               for line in s.misses["event clusters (held reports)"])


def test_only_matched_reports_are_clustered() -> None:
    # B's report is on the wrong day, so it matches no gold event and its merge is not scored
    events = [*report("A", "rA", "E1", SHERATON, SAT), *report("B", "rB", "E1", DOHA, THU),
              *report("C", "rC", "rC", KABUL, THU)]
    s = score(story(), tables(events))
    assert (s.held_events.tp, s.held_events.fp, s.held_events.fn) == (2, 1, 1)
    assert s.clusters.n_items == 2
    assert (s.clusters.precision, s.clusters.recall) == (1.0, 1.0)


def test_reports_of_one_event_in_one_article_are_scored_as_reports() -> None:
    # two sentences of A report the same talks: one matches, the other is an extra report,
    # as it was when every report had its own event_id
    events = [*report("A", "rA1", "E1", SHERATON, SAT), *report("A", "rA2", "E1", SHERATON, SAT),
              *report("B", "rB", "E1", DOHA, SAT), *report("C", "rC", "rC", KABUL, THU)]
    s = score(story(), tables(events))
    assert (s.held_events.tp, s.held_events.fp, s.held_events.fn) == (3, 1, 0)
    assert (s.clusters.precision, s.clusters.recall) == (1.0, 1.0)


def test_tables_without_report_ids_are_the_no_merging_baseline() -> None:
    events = [*report("A", "", "rA", SHERATON, SAT), *report("B", "", "rB", DOHA, SAT),
              *report("C", "", "rC", KABUL, THU)]
    for t in (tables(events), tables(events, report_column=False)):
        s = score(story(), t)
        assert s.held_events.f1 == 1.0
        assert s.clusters.precision == 1.0
        assert s.clusters.recall == pytest.approx(2 / 3)


def test_a_preview_joins_its_event_only_in_the_planned_figure() -> None:
    doc = story()
    doc["articles"].append(gold_article("d.txt", "2025-03-05",
                                        [gold_event(DOHA, SAT, "doha", status="planned")]))
    articles = [dict.fromkeys(ARTICLE_COLUMNS, "") | {"article_id": a, "path": f"{a.lower()}.txt"}
                for a in ("A", "B", "C", "D")]
    events = [*report("A", "rA", "E1", SHERATON, SAT), *report("B", "rB", "E1", DOHA, SAT),
              *report("C", "rC", "rC", KABUL, THU),
              *report("D", "rD", "rD", DOHA, SAT, status="planned")]
    t = Tables(articles=pd.DataFrame(articles, columns=list(ARTICLE_COLUMNS)),
               mentions=pd.DataFrame(columns=["article_id", "kind", "name"]),
               events=pd.DataFrame(events, columns=list(EVENT_COLUMNS)))
    s = score(doc, t)
    assert s.clusters.recall == 1.0  # held reports only
    assert s.clusters_with_planned.n_items == 4
    assert s.clusters_with_planned.recall < 1.0  # the preview was left on its own


def test_report_prints_the_cluster_rows() -> None:
    out = format_scores(score(story(), grouped("rA", "rB", "rC")))
    b3 = next(line for line in out.splitlines() if line.startswith("event clusters (B-cubed)"))
    assert b3.split()[-3:] == ["1.000", "0.667", "0.800"]
    assert "event clusters (pairwise)" in out


def test_a_cluster_label_must_be_a_string() -> None:
    doc = story()
    doc["articles"][0]["events"][0]["cluster"] = 7
    with pytest.raises(GoldError, match="a.txt"):
        parse_gold(doc)


# ---------------------------------------------------------------------------------------------
# the dev corpus's gold clusters

DEVSET = Path(__file__).resolve().parents[2] / "devset"
MERGE_KM = 25.0  # the rule: reports of one meeting have venues within 25 km


def devset_gold() -> list[Any]:
    return parse_gold(json.loads((DEVSET / "gold.json").read_text(encoding="utf-8")))


def held_by_cluster() -> dict[str, list[tuple[Any, Any]]]:
    out: dict[str, list[tuple[Any, Any]]] = {}
    for article in devset_gold():
        for event in article.events:
            if event.cluster and event.status == "held":
                out.setdefault(event.cluster, []).append((article, event))
    return out


def test_devset_has_four_stories_told_by_three_reports_from_different_dates() -> None:
    stories = {label: reports for label, reports in held_by_cluster().items()
               if len({a.key for a, _ in reports}) >= 3}
    assert len(stories) >= 4
    for label, reports in stories.items():
        assert len({a.published for a, _ in reports}) == len(reports), label


def test_devset_cluster_labels_occur_once_per_article() -> None:
    for article in devset_gold():
        labels = [e.cluster for e in article.events if e.cluster]
        assert len(labels) == len(set(labels)), article.key


def test_devset_clusters_agree_with_the_merge_rule() -> None:
    """Held reports of one gold cluster are within 25 km and their dates overlap."""
    for label, reports in held_by_cluster().items():
        for (_, a), (_, b) in combinations(reports, 2):
            if a.lat is not None and b.lat is not None:
                assert a.lon is not None and b.lon is not None
                assert distance_km((a.lat, a.lon), (b.lat, b.lon)) <= MERGE_KM, label
            if a.start and b.start:
                assert a.start <= (b.end or b.start) and b.start <= (a.end or a.start), label


def test_devset_has_hard_negatives() -> None:
    """Different gold clusters that share all participants, and different clusters held in
    one city on one day: an ETL that merges on one clue alone loses precision."""
    held = [(label, e) for label, reports in held_by_cluster().items() for _, e in reports]
    same_people = same_place_and_day = False
    for (la, a), (lb, b) in combinations(held, 2):
        if la == lb:
            continue
        same_people |= a.actors == b.actors
        near = (a.lat is not None and b.lat is not None and a.lon is not None
                and b.lon is not None and distance_km((a.lat, a.lon), (b.lat, b.lon)) <= MERGE_KM)
        same_place_and_day |= near and a.start == b.start and not a.actors & b.actors
    assert same_people and same_place_and_day


def test_report_says_how_many_gold_pairs_could_be_scored() -> None:
    events = [*report("A", "rA", "E1", SHERATON, SAT), *report("B", "rB", "E1", DOHA, THU)]
    s = score(story(), tables(events))
    assert (s.cluster_pairs.gold, s.gold_pairs) == (0, 1)
    assert "0 of the gold's 1 pairs" in format_scores(s)

"""The corpus pass: actors linked across articles, the alias file, reports merged into events."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from etl.actors import link_across
from etl.aliases import AliasFileError, read_aliases
from etl.corpus import Name, Report, decide, decide_names, merge_reports, same_event
from etl.records import EVENT_COLUMNS
from etl.run import build_tables
from etl.store import SCHEMAS

DOHA = (25.28545, 51.53096)
AL_WAKRAH = (25.17151, 51.60337)  # 15 km south of Doha
KABUL = (34.52813, 69.17233)


def report(rid: str, article: str, actors: dict[str, str], *, day: str = "2020-02-29",
           end: str | None = None, where: tuple[float, float] | None = DOHA,
           kind: str = "meeting", status: str = "held", precision: str = "day") -> Report:
    start = date.fromisoformat(day)
    return Report(rid, article, {"call": "call"}.get(kind, "meet"), status, start,
                  date.fromisoformat(end) if end else start, precision,
                  where[0] if where else None, where[1] if where else None,
                  frozenset(actors), frozenset(a for a, k in actors.items() if k != "country"))


KHALILZAD_BARADAR = {"Zalmay Khalilzad": "person", "Abdul Ghani Baradar": "person",
                     "United States": "country"}


def test_reports_of_one_meeting_merge_with_a_reason() -> None:
    a = report("r1", "A", KHALILZAD_BARADAR)
    b = report("r2", "B", {"Zalmay Khalilzad": "person", "Abdul Ghani Baradar": "person"},
               where=AL_WAKRAH)
    c = report("r3", "C", {"Abdul Ghani Baradar": "person"}, day="2020-02-01",
               end="2020-02-29", precision="month")
    merges = merge_reports([a, b, c])
    assert {m.event_id for m in merges.values()} == {"r1"}
    assert merges["r2"].n_sources == 3 and merges["r2"].sources == "A;B;C"
    assert "km apart" in merges["r2"].reason and "Zalmay Khalilzad" in merges["r2"].reason


@pytest.mark.parametrize(("other", "why"), [
    (report("r2", "B", KHALILZAD_BARADAR, where=KABUL), "venue 1,600 km away"),
    (report("r2", "B", KHALILZAD_BARADAR, day="2020-03-02"), "another day"),
    (report("r2", "B", {"Mike Pompeo": "person", "Qatar": "country"}), "nobody shared"),
    (report("r2", "B", {"United States": "country", "Qatar": "country"}), "only a country"),
    (report("r2", "B", KHALILZAD_BARADAR, kind="call"), "a call is not a meeting"),
    (report("r2", "B", KHALILZAD_BARADAR, status="cancelled"), "held and cancelled"),
    (report("r2", "B", KHALILZAD_BARADAR, day="2020-01-01", end="2020-12-31",
            precision="year"), "a year overlaps everything"),
    (report("r2", "B", {"Zalmay Khalilzad": "person", "Ashraf Ghani": "person",
                        "Amrullah Saleh": "person"}), "one of three shared"),
])
def test_reports_that_must_stay_apart(other: Report, why: str) -> None:
    assert same_event(report("r1", "A", KHALILZAD_BARADAR), other) is None, why
    assert merge_reports([report("r1", "A", KHALILZAD_BARADAR), other]) == {}


def test_a_report_without_venue_needs_two_shared_participants() -> None:
    lone = {"Zalmay Khalilzad": "person"}
    assert same_event(report("r1", "A", KHALILZAD_BARADAR),
                      report("r2", "B", KHALILZAD_BARADAR, where=None)) is not None
    assert same_event(report("r1", "A", lone), report("r2", "B", lone, where=None)) is None


def test_merging_scales_by_participant_not_by_pairs() -> None:
    """Ten thousand reports of distinct people on distinct days: no pair is even compatible."""
    reports = [report(f"r{i}", f"A{i}", {f"Person {i}": "person", "United States": "country"},
                      day=date.fromordinal(737000 + i).isoformat()) for i in range(10_000)]
    assert merge_reports(reports) == {}


def test_short_forms_link_across_the_corpus_unless_ambiguous() -> None:
    links = link_across({"Ashraf Ghani": 3, "Ghani": 1, "Imran Khan": 2, "Ismail Khan": 1,
                         "Khan": 4, "Zalmay Khalilzad": 5, "Khalilzad": 2, "Karzai": 1})
    assert links["Ghani"] == ("Ashraf Ghani", "short form of Ashraf Ghani, named in full in 3 "
                                              "articles of the corpus")
    assert links["Khan"][0] == "Khan" and "ambiguous" in links["Khan"][1]
    assert links["Khalilzad"][0] == "Zalmay Khalilzad"
    assert "Karzai" not in links and "Ashraf Ghani" not in links


def test_aliases_merge_split_and_report_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "aliases.csv"
    path.write_text("alias,canonical,kind\nMullah Baradar,Abdul Ghani Baradar,person\n"
                    "Ghani,Ghani,person\n,Nobody,\nTaliban,Islamic Emirate,group\n",
                    encoding="utf-8")
    aliases, problems = read_aliases(path)
    assert [a.alias for a in aliases] == ["Mullah Baradar", "Ghani"]
    assert problems == [
        "aliases.csv line 4: needs both an alias and a canonical name; skipped",
        "aliases.csv line 5: kind 'group' is not one of person, organization, country (or "
        "empty for any); skipped"]
    names = decide_names({"Ashraf Ghani": 1, "Ghani": 1, "Mullah Baradar": 1}, aliases)
    assert names[("Mullah Baradar", "person")] == Name("Abdul Ghani Baradar",
                                                       "alias by aliases.csv line 2", "person")
    assert names[("Ghani", "person")] == Name("Ghani", "kept as written by aliases.csv line 3",
                                              "person")
    with pytest.raises(AliasFileError, match="header"):
        (tmp_path / "bad.csv").write_text("Mullah Baradar,Abdul Ghani Baradar\n")
        read_aliases(tmp_path / "bad.csv")


def test_a_surname_tagged_as_a_group_is_the_person_only_if_used_for_one() -> None:
    people = {"Marcela Quispe": 2, "Gerald Ford": 1}
    names = decide_names(people, groups={"Quispe", "Ford", "Reuters"},
                         person_words={"Marcela Quispe", "Quispe", "Gerald Ford"})
    assert names[("Quispe", "organization")].name == "Marcela Quispe"
    assert names[("Quispe", "organization")].kind == "person"
    assert ("Ford", "organization") not in names  # never written alone for the person
    assert ("Reuters", "organization") not in names


def events_table(rows: list[dict[str, object]]) -> pa.Table:
    base = {**dict.fromkeys(EVENT_COLUMNS, ""), "sentence_id": 0}
    return pa.Table.from_pylist([{**base, "lat": DOHA[0], "lon": DOHA[1], "event_type": "meeting",
                          "status": "held", "date_start": "2020-02-29",
                          "date_end": "2020-02-29", "date_precision": "day", "n_sources": 1,
                          "event_id": r["report_id"], "sources": r["article_id"], **r}
                         for r in rows], schema=SCHEMAS["events"])


def test_decisions_rename_dedupe_and_merge_rows() -> None:
    events = events_table([
        {"report_id": "r1", "article_id": "A", "actor": "Zalmay Khalilzad", "actor_kind": "person"},
        {"report_id": "r1", "article_id": "A", "actor": "Abdul Ghani Baradar",
         "actor_kind": "person"},
        {"report_id": "r2", "article_id": "B", "actor": "Khalilzad", "actor_kind": "person"},
        {"report_id": "r2", "article_id": "B", "actor": "Zalmay Khalilzad",
         "actor_kind": "person"},
        {"report_id": "r2", "article_id": "B", "actor": "Baradar", "actor_kind": "person"},
    ])
    people = pa.table({"article_id": ["A", "A", "B", "B"],
                       "name": ["Zalmay Khalilzad", "Abdul Ghani Baradar", "Khalilzad",
                                "Baradar"],
                       "kind": ["person"] * 4,
                       "text": ["Zalmay Khalilzad", "Abdul Ghani Baradar", "Khalilzad",
                                "Baradar"]})
    decisions = decide(people, events)
    out = decisions.apply_to_events(events).to_pandas()
    assert sorted(out.loc[out.report_id == "r2", "actor"]) == ["Abdul Ghani Baradar",
                                                              "Zalmay Khalilzad"]
    assert set(out["event_id"]) == {"r1"} and set(out["n_sources"]) == {2}
    assert set(out["sources"]) == {"A;B"}
    assert out.loc[out.report_id == "r2", "merge_reason"].str.startswith(
        "same event as report r1").all()


REPORTS = [  # one signing told by two outlets; the second gives surnames only
    {"source": "Gulf Wire", "published": "2020-03-01",
     "text": "US envoy Zalmay Khalilzad met Taliban deputy leader Abdul Ghani Baradar in Doha "
             "on Saturday, and the two signed the agreement."},
    {"source": "Kabul Courier", "published": "2020-03-02",
     "text": "Khalilzad met Baradar in Doha on Saturday and the two sides signed a deal, "
             "officials said on Monday."},
]


def test_a_run_links_and_merges_across_articles(tmp_path: Path) -> None:
    src = tmp_path / "reports.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in REPORTS), encoding="utf-8")
    build_tables([src], tmp_path / "out")
    events = pd.read_parquet(tmp_path / "out" / "events.parquet")
    held = events[events.status == "held"]
    b = held[held.article_id != held.article_id.iloc[0]]
    assert "Zalmay Khalilzad" in set(b["actor"]), "the short form took the corpus's full name"
    assert held["event_id"].nunique() < held["report_id"].nunique()
    assert set(held["n_sources"]) == {2}
    mentions = pd.read_parquet(tmp_path / "out" / "mentions.parquet")
    linked = mentions[mentions.text == "Khalilzad"]
    assert (linked["name"] == "Zalmay Khalilzad").all()
    assert linked["reason"].str.contains("named in full in 1 article").all()


def test_the_alias_file_is_applied_on_the_next_run_without_parsing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from etl.__main__ import main

    src = tmp_path / "reports.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in REPORTS), encoding="utf-8")
    out = tmp_path / "out"
    assert main([str(src), "--out", str(out), "-q"]) == 0
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,canonical,kind\nAbdul Ghani Baradar,Mullah Baradar,person\n"
                       "Doha,Doha,place\n", encoding="utf-8")
    assert main([str(src), "--out", str(out), "-q", "--aliases", str(aliases)]) == 0
    printed = capsys.readouterr()
    assert "2 unchanged (cached)" in printed.out  # nothing parsed again
    assert "aliases.csv line 3: kind 'place' is not one of" in printed.err
    events = pd.read_parquet(out / "events.parquet")
    assert "Mullah Baradar" in set(events["actor"])
    assert "Abdul Ghani Baradar" not in set(events["actor"])
    renamed = events[events.actor == "Mullah Baradar"]
    assert renamed["reason"].str.contains("by aliases.csv line 2").all()
    assert main([str(src), "--out", str(out), "--aliases", str(tmp_path / "none.csv")]) == 2
    assert "no such alias file" in capsys.readouterr().err


def test_full_names_and_given_names_are_not_relinked_across_the_corpus() -> None:
    links = link_across({"Omar Omar": 2, "Omar Haddad": 1, "Omar": 1, "Kiri Talos": 1,
                         "Kiri": 1, "Ravi II": 1, "Ravi": 1, "Talos": 1})
    assert "Omar Omar" not in links and "Omar Haddad" not in links  # full names stay
    assert links["Omar"][0] == "Omar"  # ambiguous
    assert links["Kiri"][0] == "Kiri"  # a given name alone is not the person elsewhere
    assert links["Ravi"][0] == "Ravi"  # a regnal name is not a surname
    assert links["Talos"][0] == "Kiri Talos"

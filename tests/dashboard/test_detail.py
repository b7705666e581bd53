"""One event explained: its reports, the reasons behind it, the names its actors go by."""

from __future__ import annotations

import pandas as pd

from dashboard import detail
from dashboard.filters import Filters, filter_events, mentions_for
from tests.dashboard.conftest import COURIER_ID, MERGE_KABUL, WIRE_ID


def event(tables, event_id: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = tables.events[tables.events["event_id"] == event_id]
    return rows, mentions_for(tables.mentions, rows)


def test_reports_of_an_event_one_row_per_article_oldest_first(tables):
    rows, _ = event(tables, "e6")
    reports = detail.reports_of(rows, tables.articles)
    assert list(reports.columns) == detail.REPORT_COLUMNS
    assert list(reports["article_id"]) == [WIRE_ID, COURIER_ID, "a0f3ca805edc1ce03"]
    assert list(reports["publisher"]) == ["Eurasia Wire", "Kabul Courier", "Dawn"]
    wire = reports.iloc[0]
    assert wire["actors"] == "Russia, China, Pakistan, Zalmay Khalilzad"
    assert wire["date"] == "2019-W43" and wire["place"] == "Moscow"
    assert "sat down with" in wire["sentence"] and wire["merge_reason"].startswith("venues")
    assert reports.iloc[2]["merge_reason"] == ""  # the report the others joined
    assert detail.reports_of(rows.iloc[0:0], tables.articles).empty


def test_reports_of_old_tables_without_report_ids(tables):
    rows = tables.events[tables.events["event_id"] == "e1"].drop(
        columns=["report_id", "merge_reason"])
    reports = detail.reports_of(rows, tables.articles)
    assert list(reports["report_id"]) == ["e1"] and reports.iloc[0]["merge_reason"] == ""


def test_reasons_cover_merges_rows_and_the_names_of_actors_and_place(tables):
    rows, mentions = event(tables, "e5")
    reasons = detail.reasons_of(rows, mentions, tables.articles)
    assert list(reasons.columns) == detail.REASON_COLUMNS
    by = {(r.source, r.about, r.as_written): r.reason for r in reasons.itertuples()}
    assert by[("Kabul Courier, 2019-10-27", "merged into this event", "")] == MERGE_KABUL
    assert by[("Dawn, 2019-10-29", "Ashraf Ghani", "Ghani")].startswith("short form of")
    assert by[("Dawn, 2019-10-29", "Kabul", "Kabul")].startswith("Kabul, Kabul (AF)")
    assert by[("Dawn, 2019-10-29", "Zalmay Khalilzad", "")].startswith("'The US special envoy'")
    assert (reasons["reason"] != "").all() and not reasons.duplicated().any()
    # A name in the sentence that is neither an actor nor the place is not explained here.
    assert "Islamabad" not in set(reasons["about"])


def test_reasons_markdown_is_grouped_by_source_and_escaped():
    reasons = pd.DataFrame([
        ("Dawn, 2019-10-29", "Kabul", "KABUL", "in the [dateline](http://x)"),
        ("Dawn, 2019-10-29", "merged into this event", "", "same venue"),
        ("Courier", "A", "A", "alias *file*")], columns=detail.REASON_COLUMNS)
    md = detail.reasons_markdown(reasons)
    assert md.count("*Dawn, 2019\\-10\\-29*") == 1 and "*Courier*" in md
    assert "\\[dateline\\]\\(http" in md and "\\*file\\*" in md
    assert "(“KABUL”)" in md and "**A**:" in md  # the form is shown only when it differs


def test_surface_forms_per_actor_most_frequent_first(tables):
    forms = detail.surface_forms(tables.mentions)
    assert forms.loc["Zalmay Khalilzad", "forms"] == ["Khalilzad", "Zalmay Khalilzad"]
    assert forms.loc["Zalmay Khalilzad", "n_mentions"] == 6
    assert forms.loc["Ashraf Ghani", "forms"] == ["Ashraf Ghani", "Ghani"]
    assert "Kabul" not in forms.index and "2019-10-28" not in forms.index  # places, dates
    assert detail.surface_forms(tables.mentions.iloc[0:0]).empty


def test_event_forms_and_actor_table(tables):
    forms = detail.surface_forms(tables.mentions)
    rows, _ = event(tables, "e5")
    one = detail.event_forms(rows, forms).set_index("actor")
    assert list(one.index) == ["Zalmay Khalilzad", "Ashraf Ghani", "Abdullah Abdullah"]
    assert one.loc["Ashraf Ghani", "forms"] == ["Ashraf Ghani", "Ghani"]
    from dashboard import aggregate

    kabul = filter_events(tables.events, tables.articles, Filters(venues=("Kabul (AF)",)))
    table = detail.actor_table(aggregate.actor_counts(kabul, tables.mentions), forms)
    assert list(table.columns) == ["actor", "kind", "events", "forms", "n_mentions"]
    assert table.set_index("actor").loc["Abdullah Abdullah", "events"] == 1
    unknown = pd.DataFrame({"actor": ["Nobody"], "kind": ["person"], "count": [1]})
    assert detail.actor_table(unknown, forms).iloc[0]["forms"] == []

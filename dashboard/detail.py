"""One event, explained: its reports, why the ETL chose what it chose, and the names it goes by.

An analyst trusts a merged event only when the page shows where each piece came from: which
articles reported it (``reports_of``), why the reports were merged and why each venue, actor and
name was resolved as it was (``reasons_of``), and under which surface forms each actor appears
in the corpus (``surface_forms``). All functions take plain frames (the event's tidy rows, the
mentions of its sentences, the articles) and need neither Streamlit nor the index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.index import ACTOR_KINDS, date_label, report_ids
from dashboard.mapped import ColumnScan
from dashboard.reader import escape_markdown

__all__ = ["REASON_COLUMNS", "REPORT_COLUMNS", "actor_table", "event_forms", "reasons_markdown",
           "reasons_of", "reports_of", "source_label", "surface_forms"]

REPORT_COLUMNS = ["report_id", "article_id", "published", "publisher", "title", "date", "place",
                  "status", "actors", "sentence_id", "sentence", "merge_reason"]
REASON_COLUMNS = ["source", "about", "as_written", "reason"]
FORM_COLUMNS = ["actor", "kind", "forms", "n_mentions"]


def _articles(articles: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """published, publisher and title (the file name when untitled) of each article id."""
    wanted = articles[articles["article_id"].isin(pd.unique(ids.to_numpy()))]
    by_id = wanted.drop_duplicates("article_id").set_index("article_id")
    files = by_id["path"].astype(str).map(lambda p: p.replace("\\", "/").rsplit("/", 1)[-1])
    titles = by_id["title"].astype(str).where(by_id["title"].astype(str) != "", files)
    out = pd.DataFrame({"published": by_id["published"].astype(str),
                        "publisher": by_id["publisher"].astype(str), "title": titles})
    return out.reindex(ids.to_numpy()).fillna("").reset_index(drop=True)


def source_label(publisher: str, published: str, title: str) -> str:
    """How a report is named in the reasons: "Dawn, 2019-10-29" (the title when there is no
    publisher)."""
    return ", ".join(x for x in (publisher or title, published) if x)


def reports_of(rows: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per report of an event (``rows``: its tidy rows), oldest article first: what
    each article said (date, place, status, actors, sentence) and why it joined the event."""
    if rows.empty:
        return pd.DataFrame(columns=REPORT_COLUMNS)
    rows = rows.assign(report_id=report_ids(rows).to_numpy())
    first = rows.drop_duplicates("report_id").reset_index(drop=True)
    actors = (rows[rows["actor"].astype(str) != ""].groupby("report_id", sort=False)["actor"]
              .agg(lambda a: ", ".join(dict.fromkeys(a))))
    info = _articles(articles, first["article_id"])
    out = pd.DataFrame({
        "report_id": first["report_id"], "article_id": first["article_id"],
        "published": info["published"], "publisher": info["publisher"], "title": info["title"],
        "date": [date_label(str(s), str(e), str(p)) or "undated" for s, e, p in zip(
            first["date_start"], first["date_end"], first["date_precision"], strict=True)],
        "place": first["place"].astype(str), "status": first["status"].astype(str),
        "actors": first["report_id"].map(actors).fillna("").astype(str),
        "sentence_id": first["sentence_id"], "sentence": first["sentence"].astype(str),
        "merge_reason": first["merge_reason"].astype(str) if "merge_reason" in first else "",
    })
    return out.iloc[_oldest_first(out["published"])].reset_index(drop=True)[REPORT_COLUMNS]


def _oldest_first(published: pd.Series) -> np.ndarray:
    """Positions ordered by publication date, undated last, ties in table order."""
    days = published.astype(str).to_numpy(dtype=str)
    return np.lexsort((np.arange(len(days)), days, days == ""))


def _text_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A text column, blank when the table predates it."""
    return frame[name].astype(str) if name in frame else pd.Series("", index=frame.index)


def reasons_of(rows: pd.DataFrame, mentions: pd.DataFrame, articles: pd.DataFrame
               ) -> pd.DataFrame:
    """Every recorded reason behind one event, report by report: why it was merged with the
    others, why each row's venue and actor were chosen, and why each name in its sentence
    that became one of its actors or its place resolved as it did.

    ``mentions`` are those of the reports' sentences; mentions of other names (a date, a
    bystander) are left out. Blank reasons are dropped and repeats shown once.
    """
    if rows.empty:
        return pd.DataFrame(columns=REASON_COLUMNS)
    rows = rows.assign(report_id=report_ids(rows).to_numpy())
    info = _articles(articles, rows["article_id"])
    rows = rows.assign(source=[source_label(pub, day, title) for pub, day, title in zip(
        info["publisher"], info["published"], info["title"], strict=True)],
        published=info["published"].to_numpy())
    col = _text_column
    out: list[tuple[str, str, str, str]] = []
    groups = [group for _, group in rows.groupby("report_id", sort=False)]
    published = pd.Series([g["published"].iloc[0] for g in groups], dtype=str)
    for group in (groups[k] for k in _oldest_first(published)):
        source = str(group["source"].iloc[0])
        for merge in dict.fromkeys(col(group, "merge_reason")):
            if merge:
                out.append((source, "merged into this event", "", merge))
        for actor, place, reason in zip(group["actor"].astype(str), group["place"].astype(str),
                                        col(group, "reason"), strict=True):
            if reason:
                out.append((source, actor or place or "the event", "", reason))
        first = group.iloc[0]
        names = {a for a in group["actor"].astype(str) if a} | {str(first["place"])} - {""}
        said = mentions[(mentions["article_id"].astype(str) == str(first["article_id"]))
                        & (mentions["sentence_id"] == first["sentence_id"])
                        & mentions["name"].astype(str).isin(names)]
        for name, text, reason in zip(said["name"].astype(str), said["text"].astype(str),
                                      col(said, "reason"), strict=True):
            if reason:
                out.append((source, name, text, reason))
    return pd.DataFrame(list(dict.fromkeys(out)), columns=REASON_COLUMNS)


def reasons_markdown(reasons: pd.DataFrame) -> str:
    """``reasons_of`` as Markdown, one list per report; all text from the tables escaped, so
    an article cannot inject links or markup."""
    out: list[str] = []
    for source, group in reasons.groupby("source", sort=False):
        out.append(f"*{escape_markdown(str(source))}*")
        for about, written, reason in zip(group["about"], group["as_written"], group["reason"],
                                          strict=True):
            said = f" (“{escape_markdown(written)}”)" if written and written != about else ""
            out.append(f"- **{escape_markdown(about)}**{said}: {escape_markdown(reason)}")
        out.append("")
    return "\n".join(out).strip()


def surface_forms(mentions: pd.DataFrame | ColumnScan) -> pd.DataFrame:
    """Each actor's distinct surface forms in the corpus, most frequent first ("Zalmay
    Khalilzad", "Khalilzad", "Amb Khalilzad"), with its number of mentions; indexed by the
    canonical name. One count over codes of the mentions, done once per corpus: a grouping of
    the text columns of ten million mentions took gigabytes."""
    is_actor = mentions["kind"].isin(ACTOR_KINDS).to_numpy(dtype=bool)
    name_codes, names = pd.factorize(mentions["name"])
    is_actor = is_actor & (name_codes >= 0) & np.asarray(names != "", dtype=bool)[name_codes]
    text_codes, texts = pd.factorize(mentions["text"])
    is_actor = is_actor & (text_codes >= 0)
    if not is_actor.any():
        return pd.DataFrame(columns=["forms", "n_mentions"], index=pd.Index([], name="actor"))
    keys = name_codes[is_actor] * len(texts) + text_codes[is_actor]
    pairs, n = np.unique(keys, return_counts=True)
    counts = pd.DataFrame({"name": np.asarray(names, dtype=object)[pairs // len(texts)],
                           "text": np.asarray(texts, dtype=object)[pairs % len(texts)], "n": n})
    counts = counts.sort_values(["name", "n", "text"], ascending=[True, False, True],
                                kind="stable")
    grouped = counts.groupby("name", sort=False)
    out = pd.DataFrame({"forms": grouped["text"].agg(list), "n_mentions": grouped["n"].sum()})
    out.index = out.index.astype(object)
    out.index.name = "actor"
    return out


def _forms_of(actors: pd.Series, forms: pd.DataFrame) -> tuple[list[list[str]], list[int]]:
    found = forms.reindex(actors.to_numpy())
    lists = [f if isinstance(f, list) else [] for f in found["forms"]]
    return lists, found["n_mentions"].fillna(0).astype(int).tolist()


def event_forms(rows: pd.DataFrame, forms: pd.DataFrame) -> pd.DataFrame:
    """The surface forms of one event's actors (``forms``: ``surface_forms`` of the corpus)."""
    pairs = rows.loc[rows["actor"].astype(str) != "", ["actor", "actor_kind"]].drop_duplicates(
        "actor").reset_index(drop=True)
    lists, n = _forms_of(pairs["actor"], forms)
    return pd.DataFrame({"actor": pairs["actor"].astype(str),
                         "kind": pairs["actor_kind"].astype(str), "forms": lists,
                         "n_mentions": n}, columns=FORM_COLUMNS)


def actor_table(counts: pd.DataFrame, forms: pd.DataFrame) -> pd.DataFrame:
    """Actors of a selection (``aggregate.actor_counts_of``: actor, kind, count of events) with
    their surface forms: name, kind, events, forms, mentions."""
    lists, n = _forms_of(counts["actor"], forms)
    return pd.DataFrame({"actor": counts["actor"].astype(str), "kind": counts["kind"].astype(str),
                         "events": counts["count"].astype(int), "forms": lists,
                         "n_mentions": n})

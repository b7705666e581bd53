"""Records → the rows of the public tables: what one article contributes, as plain dicts.

Kept apart from the writer (etl.store) because these rows are what the incremental cache
stores: a change here is a new pipeline version, a change to how tables are written is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from etl.records import ACTOR_KINDS, Article, Extraction, InputError


def article_row_for(a: Article, n_sentences: int) -> dict[str, Any]:
    return {"article_id": a.article_id, "path": a.path, "title": a.title,
            "publisher": a.publisher, "published": a.published.isoformat() if a.published else "",
            "dateline": a.dateline, "n_sentences": n_sentences, "sha256": a.sha256,
            "text": a.text}


def mention_rows(ex: Extraction) -> Iterator[dict[str, Any]]:
    for m in ex.mentions:
        p, d = m.place, m.date
        yield {"article_id": m.article_id, "sentence_id": m.sentence_id, "start": m.start,
               "end": m.end, "text": m.text, "kind": m.kind, "name": m.name,
               "country_code": p.country_code if p else "",
               "lat": p.lat if p else None, "lon": p.lon if p else None,
               "geo_precision": p.precision if p else "",
               "date_start": d.start.isoformat() if d else "",
               "date_end": d.end.isoformat() if d else "",
               "date_precision": d.precision if d else "", "reason": m.reason}


def event_rows(ex: Extraction) -> Iterator[dict[str, Any]]:
    """Tidy: one row per (report, actor); a report with no known actor keeps one row.

    Each report is its own event here; the corpus pass (etl.corpus) merges them."""
    # How an actor was resolved where the report names it ("the prime minister" → ...).
    why_actor = {(m.sentence_id, m.name): m.reason for m in ex.mentions
                 if m.reason and m.kind in ACTOR_KINDS}
    for e in ex.events:
        p, d = e.place, e.date
        why = [f"trigger {e.reason}" if e.reason else "",
               f"venue: {p.reason}" if p and p.reason else "",
               f"date: {e.date_reason}" if e.date_reason else "",
               f"participants: {e.actors_reason}" if e.actors_reason else ""]
        base = {"event_id": e.report_id, "report_id": e.report_id, "article_id": e.article_id,
                "sentence_id": e.sentence_id, "event_type": e.event_type, "status": e.status,
                "date_start": d.start.isoformat() if d else "",
                "date_end": d.end.isoformat() if d else "",
                "date_precision": d.precision if d else "",
                "place": p.name if p else "", "country_code": p.country_code if p else "",
                "lat": p.lat if p else None, "lon": p.lon if p else None,
                "geo_precision": p.precision if p else "", "sentence": e.sentence,
                "n_sources": 1, "sources": e.article_id, "merge_reason": ""}
        for name, kind in e.actors or [("", "")]:
            actor_why = why_actor.get((e.sentence_id, name), "")
            reason = "; ".join(r for r in (*why, f"{name}: {actor_why}" if actor_why else "")
                               if r)
            yield {**base, "actor": name, "actor_kind": kind, "reason": reason}


def error_row(err: InputError) -> dict[str, Any]:
    return {"path": err.path, "error": err.error}

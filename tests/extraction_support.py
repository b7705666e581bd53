"""One article's text through the whole pipeline, for the tests of its stages."""

from __future__ import annotations

from datetime import date

from etl.nlp import parse
from etl.pipeline import extract
from etl.places import PlaceResolver
from etl.records import Article, Extraction


def extract_text(text: str, resolver: PlaceResolver, *, dateline: str = "",
                 dateline_region: str = "", published: date | None = None) -> Extraction:
    """What Parley extracts from `text` as an article of 'The Daily' with this dateline and
    publication date."""
    article = Article("a1", "test.txt", text, "", "The Daily", published, dateline,
                      dateline_region=dateline_region)
    return extract(next(parse([article])), resolver)

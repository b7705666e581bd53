"""The typed records every stage passes on, and the column order of the public tables.

Stages import these records, the rules (lexicon) and the tree walks (syntax), never each other;
the column tuples below are the public contract documented in the README (CSV and Parquet share
them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ARTICLE_COLUMNS = (
    "article_id", "path", "title", "publisher", "published", "dateline", "n_sentences", "sha256",
)
MENTION_COLUMNS = (
    "article_id", "sentence_id", "start", "end", "text", "kind", "name", "country_code",
    "lat", "lon", "geo_precision", "date_start", "date_end", "date_precision", "reason",
)
# One row per (report, actor). A report is one article's account of an event (a trigger in a
# sentence); reports of the same event across the corpus share an `event_id` (etl.corpus), and
# a report nobody else gave keeps event_id == report_id. `sources` are the article ids of the
# event's reports, sorted and joined by ";"; `merge_reason` says why this report joined them.
EVENT_COLUMNS = (
    "event_id", "report_id", "article_id", "sentence_id", "event_type", "status", "date_start",
    "date_end", "date_precision", "place", "country_code", "lat", "lon", "geo_precision",
    "actor", "actor_kind", "sentence", "n_sources", "sources", "reason", "merge_reason",
)
ERROR_COLUMNS = ("path", "error")

ACTOR_KINDS = ("person", "organization", "country")
# A toponym is a place name in another role (a nationality, a qualifier, part of an
# organisation's name): it has a place but names no venue (etl.toponyms).
MENTION_KINDS = (*ACTOR_KINDS, "place", "date", "toponym")
EVENT_TYPES = ("meeting", "talks", "visit", "call", "briefing", "other")
STATUSES = ("held", "planned", "cancelled")
DATE_PRECISIONS = ("day", "week", "month", "year")
GEO_PRECISIONS = ("city", "region", "country", "continent")  # a continent: toponyms only


@dataclass(frozen=True, slots=True)
class Article:
    """One article as read from a file or a record, before any language processing."""

    article_id: str
    path: str
    text: str
    title: str = ""
    publisher: str = ""
    published: date | None = None
    dateline: str = ""
    sha256: str = ""
    dateline_region: str = ""  # "Idaho" in "MOSCOW, Idaho —": says which Moscow


@dataclass(frozen=True, slots=True)
class DateValue:
    """A normalised date: a closed interval [start, end] and how precise the text was."""

    start: date
    end: date
    precision: str  # one of DATE_PRECISIONS

    @property
    def iso(self) -> str:
        """The canonical name: 2019-10-28, 2019-W43, 2019-09 or 2019."""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        if self.precision == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return str(self.start.year)


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved location; for a country used as a place, the point is its capital."""

    name: str
    country_code: str
    lat: float
    lon: float
    precision: str  # one of GEO_PRECISIONS
    reason: str = ""


@dataclass(slots=True)
class Mention:
    """One entity mention, with its canonical name and, by kind, a place or a date."""

    article_id: str
    sentence_id: int
    start: int
    end: int
    text: str
    kind: str  # one of MENTION_KINDS
    name: str
    place: Place | None = None
    date: DateValue | None = None
    reason: str = ""
    tok_start: int = -1  # token span, for the stages that read the parse
    tok_end: int = -1
    dateline: bool = False  # the dateline: where the report was filed, not what it tells


@dataclass(slots=True)
class Event:
    """A meeting-like event described by one sentence, with its participants."""

    report_id: str  # this article's account; the corpus pass gives reports their event_id
    article_id: str
    sentence_id: int
    event_type: str
    status: str
    sentence: str
    actors: list[tuple[str, str]] = field(default_factory=list)  # (name, kind)
    place: Place | None = None
    date: DateValue | None = None
    reason: str = ""  # the trigger: "'met'", "'talks' governed by 'held'"
    trigger: int = -1  # token of the word naming the event
    anchor: int = -1  # token of the verb whose clause holds it
    remote: bool = False  # a call or a video link: no venue to look for
    date_reason: str = ""  # where a date not in the clause came from (etl.frames)
    actors_reason: str = ""  # where participants not in the clause came from


@dataclass(frozen=True, slots=True)
class InputError:
    """A file or record that could not be read, with a reason a user can act on."""

    path: str
    error: str


class ModelError(RuntimeError):
    """The language model is missing or is not the version Parley was built and tested on.

    Defined here, not in etl.nlp, so that catching it does not import spaCy."""


class GeocoderSetupError(ValueError):
    """``--geocoder NAME`` names no service geopy can build without more settings.

    Defined here, not in etl.places, so that catching it does not import geopy."""


@dataclass(slots=True)
class Extraction:
    """Everything the pipeline extracted from one article."""

    article: Article
    n_sentences: int
    mentions: list[Mention]
    events: list[Event]


@dataclass(slots=True)
class Token:
    """One token of a parsed article: what the stages need of spaCy's analysis.

    Read-only like the other records, but not frozen: one is made for every word of every
    article, and a frozen dataclass's `__init__` (one `object.__setattr__` a field) took
    twice as long as this one's.
    """

    i: int  # index in the article
    idx: int  # character offset in the article text
    text: str
    lemma: str
    pos: str
    dep: str
    head: int  # index of the syntactic head (itself for a root)
    sentence_id: int
    ws: str = " "  # trailing whitespace
    tag: str = ""  # fine-grained part of speech (VBD, VBZ, ...): tells the tense

    @property
    def lower(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class Entity:
    """A named-entity span found by the model or a rule, in tokens and characters."""

    start: int  # first token
    end: int  # one past the last token
    start_char: int
    end_char: int
    label: str  # spaCy label: PERSON, ORG, GPE, LOC, FAC, NORP, DATE, ...
    text: str
    sentence_id: int


@dataclass(frozen=True, slots=True)
class Sentence:
    sentence_id: int
    start: int  # first token
    end: int  # one past the last token
    start_char: int
    end_char: int
    text: str


@dataclass(slots=True)
class ParsedArticle:
    """An article with its sentences, tokens and entities: the one form stages read."""

    article: Article
    tokens: list[Token]
    sentences: list[Sentence]
    entities: list[Entity]

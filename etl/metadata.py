"""Metadata that articles carry in their own text: dateline, publication line, header lines.

Everything here is a pure function over a string that never raises on arbitrary text: ingest
calls it for every file and record, and a bad guess must cost a field, never an article.

What is removed and what stays:

* The header block at the start is not content for extraction: "Title: …", "Source: …",
  "Date: …" lines, bylines ("By …", "By a Staff Correspondent"), publication lines in their many
  newsroom styles ("Published 5:47 PM EDT, March 2, 2021", "Mon 1 Mar 2021 06.00 GMT",
  "OUTLET — Tuesday, Feb. 2, 2021", "Wire | City | March 4, 2021"), a press release's letterhead
  ("REPUBLIC OF …", "PRESS RELEASE", "For Immediate Release", "Victoria, 11 March 2021"),
  Markdown front matter and a leading ``# Title`` heading. A headline (and standfirst) above
  such lines, or above the dateline that opens the story, belongs to the block: the headline
  becomes ``title``.
* Closing lines are not content either: publication, update, print-edition and copyright lines,
  credit lines ("(Reporting by …; Editing by …)"), "Editor: …", end markers ("###", "-ENDS-",
  "Enditem") and the contact or "Issued by:" block after them.
* A dateline ("ISLAMABAD:", "NEW YORK, March 3 (AP) —", "Hanoi (Xinhua) --") is content: it
  stays in the body, and ``Metadata.dateline_span`` points at the place name in it so the
  pipeline can make a place mention of it. A press release's "Place, date" line is removed with
  the header, so its dateline has no span.

``body`` is always one contiguous slice of the input (whole leading and trailing lines are
dropped, Markdown emphasis just before a dateline, a closing "Enditem", then surrounding
whitespace), so offsets into the body are offsets into real text.

Dates: ``published`` is set only from a full day-month-year, or from a dateline's day and month
with the year of another line. Numeric dates are read day-first (12/03/2021 is 12 March 2021, as
in most of the world's press) unless that is impossible (03/25/2021 can only be 25 March 2021).
An "Updated …" date is the publication date only when nothing else gives one.

The word lists (prefixes, letterhead words, end markers, agencies …) live in
``etl/rules/metadata.toml``; the patterns built from them stay here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from etl.dates import (
    MONTH_NAME_RE,
    MONTH_NUMBERS,
    ORDINAL_RE,
    PARTIAL_DATE_RE,
    date_span,
    find_date,
    parse_date,
    valid_date,
)
from etl.lexicon import load_rules

__all__ = [
    "RULES",
    "Dateline",
    "Metadata",
    "find_date",
    "parse_date",
    "parse_dateline",
    "parse_metadata",
    "parse_publication_line",
    "rule",
]

MAX_META_LINE = 200  # longer lines are paragraphs, never header or publication lines
MAX_STANDFIRST = 400  # a standfirst (deck) under a headline; longer is the story itself
MAX_HEADER_LINES = 12
MAX_HEADER_CHARS = 4000  # the header block starts within the text's first characters
MAX_FOOTER_LINES = 6
MAX_FOOTER_BLOCK = 6  # lines from an end marker ("-ENDS-", "___") to the end

RULES = load_rules("metadata")  # etl/rules/metadata.toml: a new prefix is a one-line change


def rule(section: str, key: str) -> tuple[str, ...]:
    """One word list of the rules file (empty when absent)."""
    return tuple(str(w) for w in RULES.get(section, {}).get(key, ()))


def _phrases(words: tuple[str, ...]) -> str:
    """A regex alternation of ``words``, longest first, a space matching any whitespace."""
    escaped = (re.escape(w.strip()).replace(r"\ ", r"\s+") for w in
               sorted(words, key=len, reverse=True) if w.strip())
    return "|".join(escaped) or r"(?!)"


def _folded(section: str, key: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in rule(section, key))


_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline opening the body; ``span`` covers the place name only."""

    place: str  # title case: "New York"
    span: tuple[int, int]  # (start, end) of "NEW YORK" in the body
    region: str = ""  # "Afghanistan" in "KABUL, Afghanistan —"; helps pick the right place
    agency: str = ""  # "Reuters" in "MOSCOW (Reuters) -"
    month_day: tuple[int, int] | None = None  # (3, 4) for "HANOI, March 4 (Xinhua) --"
    year: int | None = None  # 2021 for "Victoria, 4 March 2021 –"


@dataclass(frozen=True, slots=True)
class Metadata:
    """What an article's text says about itself, and the text with the non-content removed."""

    body: str
    title: str = ""
    publisher: str = ""
    published: date | None = None
    author: str = ""
    dateline: str = ""
    dateline_span: tuple[int, int] | None = None  # None also for a removed "Place, date" line
    dateline_region: str = ""


# Times, time zones, weekdays and separators around a date: "Mon", "06.00 BST", "- 01:14 GMT",
# "6:40 p.m.", "[10:00:09]". Checked token by token (no backtracking on long lines).
_FILLER_SPLIT_RE = re.compile(r"[\s,;|·•/()\[\]–—]+|\s-+\s|^-+|-+$")
_FILLER_TOKEN_RE = re.compile(
    r"\d{1,2}(?:[:.h]\d{2}){1,2}(?i:\s*[ap]\.?m\.?)?"  # 14:32, 06.00, 6:47, 10:00:09, 6:40pm
    r"|\d{1,2}(?i:[ap]\.?m\.?)"  # 6pm
    r"|(?i:[ap]\.?m\.?|at|on|klo|hrs?|local\s+time|time)"
    r"|(?:[A-Z]{2,4}|Z)(?:[+-]\d{1,2}(?::?\d{2})?)?"  # ET, EDT, CET, GMT+3 (capitals only)
    r"|[+-]\d{2}:?\d{2}"  # +03:00
    rf"|(?i:{_WEEKDAY})"
)


def _is_filler(text: str) -> bool:
    """Nothing but times, time zones, weekdays and separators (or nothing at all)."""
    return all(not token or _FILLER_TOKEN_RE.fullmatch(token)
               for token in _FILLER_SPLIT_RE.split(text.strip()))


def _date_only(line: str) -> date | None:
    """A line that is nothing but a full date, with its weekday and time if any: "Monday 19
    February 2024", "Feb. 28, 2024 11:02 AM EST", "Mon 15 Jul 2024 06.00 BST", "18.1.2025 14:32",
    "Monday, June 23, 2025 - 01:14 GMT"."""
    found = find_date(line)
    if found is None:
        return None
    value, (start, end) = found
    return value if _is_filler(line[:start]) and _is_filler(line[end:]) else None


# ---------------------------------------------------------------------------------------------
# publication, header and copyright lines


@dataclass(frozen=True, slots=True)
class _LineFields:
    """Fields one metadata line gives; ``updated`` comes from "Updated …" lines, ``year`` from
    a dated line with no full date ("© 2024 Xinhua"), ``place`` from a "Victoria, 11 March 2023"
    line (place and region)."""

    title: str = ""
    publisher: str = ""
    published: date | None = None
    author: str = ""
    updated: date | None = None
    year: int | None = None
    place: tuple[str, str] | None = None


_DATED_PREFIXES = rule("publication", "dated_prefixes")
_UPDATED_PREFIXES = rule("publication", "updated_prefixes")
_PUB_PREFIX_RE = re.compile(
    rf"^(?P<kind>{_phrases(_DATED_PREFIXES + _UPDATED_PREFIXES)})\b\s*(?::\s*)?", re.I
)
_UPDATED_KINDS = _folded("publication", "updated_prefixes")
_PRINT_RE = re.compile(rf"^(?:{_phrases(rule('publication', 'print_prefixes'))})\b", re.I)
_KEY_FIELDS = {
    "title_keys": "title", "publisher_keys": "publisher", "date_keys": "published",
    "updated_keys": "updated", "author_keys": "author", "staff_keys": "staff",
    "ignored_keys": "ignored",
}
_KEY_OF = {
    re.sub(r"\s+", " ", key.casefold()): field
    for rules_key, field in _KEY_FIELDS.items() for key in rule("header", rules_key)
}
_HEADER_RE = re.compile(
    rf"^(?P<key>{_phrases(tuple(_KEY_OF))})\s*:\s*(?P<value>.*)$", re.I
)
_BYLINE_RE = re.compile(r"^(?:By|BY|by)(?::\s*|\s+)(?P<who>\S[^\n]{0,100})$")
_BYLINE_ROLES = _folded("header", "byline_roles")
_PART_SEP_RE = re.compile(r"\s*[|·•]\s*|\s+/\s+|\s+[—–]\s*|\s+--?\s+")
_FILLER_PART_RE = re.compile(
    rf"^(?:\d+\s*)?(?:{_phrases(rule('header', 'filler_parts'))})$", re.I
)
_SECTION_WORDS = _folded("header", "section_words")
_OUTLET_WORDS = _folded("header", "outlet_words")
_LETTERHEAD_RE = re.compile(rf"^(?:{_phrases(rule('header', 'letterhead_starts'))})\b", re.I)
_CREDIT_RE = re.compile(rf"^\(?\s*(?:{_phrases(rule('footer', 'credit_starts'))})\b", re.I)
_COPYRIGHT_RE = re.compile(
    r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*"
    r"(?P<who>[^.\n]{2,80}?)\s*\.?(?:\s*all rights reserved\.?)?$",
    re.I,
)
_SEP_CHARS = " \t,:;|-–—"


def _clean_name(value: str) -> str:
    """Trim separators and a leading "in"/"by"/"on" left around a name by line patterns."""
    value = value.strip(_SEP_CHARS)
    value = re.sub(r"^(?:in|by|on|at)\b\s*", "", value, flags=re.I)
    value = re.sub(r"(?:^|\s+)(?:on|at)$", "", value, flags=re.I)
    value = value.strip(_SEP_CHARS)
    return value[4:] if value.startswith("the ") else value  # "in the Kigali Ledger"


def _looks_like_name(value: str) -> bool:
    """A publisher or author: short, starts with a capital letter or digit, not a sentence."""
    words = value.split()
    return (
        0 < len(words) <= 8
        and (value[0].isupper() or value[0].isdigit())
        and not value.endswith((".", "!", "?"))
    )


def _unwrap(line: str) -> str:
    """Drop Markdown emphasis and quote marks wrapped round a whole line ("*Published in …*")."""
    return line.strip().strip("*_>").strip()


def parse_publication_line(line: str) -> tuple[str, date | None, str] | None:
    """(publisher, published, author) from a publication line, or None if it is not one.

    Recognised: "Published in Dawn, October 29th, 2019", "Published: 3 March 2021",
    "Published 5:47 PM EDT, March 2, 2021", "First published in The Nation on 2021-03-04",
    "Posted on 12/03/2021 by Jane Doe", "Aired March 2, 2021 - 10:00 ET", "Reuters | March 4,
    2021", "March 4, 2021 | Reuters", "OUTLET — Tuesday, Feb. 2, 2021", "Wire | City | date",
    "A version of this article appears in print on …". A line is only taken when it carries a
    date (at least a year), so "Published reports say…" stays content. "Updated …" lines are
    recognised (so they can be removed) but give no publication date here.
    """
    fields = _publication_fields(_unwrap(line))
    if fields is None:
        return None
    return fields.publisher, fields.published, fields.author


def _publication_fields(line: str) -> _LineFields | None:
    if not line or len(line) > MAX_META_LINE:
        return None
    if _PRINT_RE.match(line):
        found = find_date(line)
        return _LineFields(published=found[0]) if found else None
    prefix = _PUB_PREFIX_RE.match(line)
    if prefix:
        return _prefixed_fields(prefix, line[prefix.end():])
    return _parts_fields(line)


def _prefixed_fields(prefix: re.Match[str], rest: str) -> _LineFields | None:
    """ "Published in Dawn, October 29th, 2019", "Posted Apr 8, 2021 6:47 PM CDT by Jane Doe"."""
    found = date_span(rest)
    if found is None:
        return None
    value, (start, end) = found
    before, after = rest[:start], rest[end:].strip(_SEP_CHARS)
    before = "" if _is_filler(before) else _clean_name(before)
    author = ""
    by = re.search(r"\bby\s+(?P<who>.+)$", after, re.I)
    if by and _looks_like_name(by["who"].strip()):
        author = by["who"].strip()
    elif not _is_filler(after):
        return None  # trailing words that are neither a time nor a byline: a sentence
    by_before = re.match(r"by\s+", rest.strip(), re.I) is not None
    if before and not _looks_like_name(before):
        return None
    kind = re.sub(r"\s+", " ", prefix["kind"].casefold())
    publisher = before.split(",")[0].strip() if by_before or not author else ""
    if by_before and kind == "posted":
        publisher, author = "", author or before
    partial = PARTIAL_DATE_RE.search(rest) if value is None else None
    year = int(partial["y"]) if partial else None
    if kind in _UPDATED_KINDS:
        return _LineFields(publisher=publisher, updated=value, author=author, year=year)
    return _LineFields(publisher=publisher, published=value, author=author, year=year)


def _parts_fields(line: str) -> _LineFields | None:
    """A line of parts around one date: "Reuters | March 4, 2021", "OUTLET — Tuesday, Feb. 2,
    2021", "Wire | City | Thursday, October 19, 2023", "Outlet · 23 April 2025 · 3 min read",
    "SECTION · 17.08.2024", "The Courier / 05:14 AM February 11, 2025"."""
    parts = [p.strip() for p in _PART_SEP_RE.split(line) if p.strip()]
    if not 2 <= len(parts) <= 4:
        return None
    dated: _LineFields | None = None
    names: list[str] = []
    for part in parts:
        value = _date_only(part)
        if value is not None and dated is None:
            dated = _LineFields(published=value)
            continue
        prefix = _PUB_PREFIX_RE.match(part)
        if prefix and dated is None:
            dated = _prefixed_fields(prefix, part[prefix.end():])
            if dated is not None and (dated.published or dated.updated):
                continue
            return None
        if _FILLER_PART_RE.match(part) or (_is_filler(part) and any(c.isdigit() for c in part)):
            continue
        if not _looks_like_name(part) or any(c.isdigit() for c in part):
            return None
        names.append(part)
    if dated is None or not names:
        return None
    publisher = next((n for n in names if not _is_section(n)), "")
    return _LineFields(publisher=dated.publisher or publisher, published=dated.published,
                       updated=dated.updated, author=dated.author)


def _is_section(name: str) -> bool:
    """A kicker or section name ("WEEKEND REVIEW", "Comment"), not a publisher."""
    words = re.findall(r"[^\W\d_]+", name.casefold())
    return bool(words) and all(w in _SECTION_WORDS for w in words)


def _byline_fields(line: str) -> _LineFields | None:
    """ "By Jane Doe", "By JANE DOE, Associated Press", "By: Jane Doe - Reporter", "By Jane
    Doe | Dawn", "By a Staff Correspondent", "By our Lagos correspondent"."""
    m = _BYLINE_RE.match(line)
    if not m:
        return None
    who = m["who"].strip()
    words = re.findall(r"[^\W\d_]+", who.casefold())
    if (words and words[0] in ("a", "an", "our", "the")) or who[:1].islower():
        # a byline naming no one: short, and about a role ("By the end of May, …" is content)
        if len(words) <= 5 and any(w in _BYLINE_ROLES for w in words) and not re.search(
                r"[.!?,;]$", who):
            return _LineFields()
        return None
    parts = [p.strip() for p in re.split(r"\s*[|,]\s*|\s+[-–—]\s+", who) if p.strip()]
    if not parts:  # "By ," names no one
        return None
    name, *rest = parts
    if not _looks_like_name(name) or len(name.split()) > 5 or not all(
            w[:1].isupper() or w in _NAME_PARTICLES for w in name.split()):
        return None  # "By Monday the talks had collapsed" is content
    if name.isupper():
        name = name.title()  # "MAREN HOLLIS" → "Maren Hollis"
    outlet = next((p for p in rest if _looks_like_name(p) and not set(
        re.findall(r"[^\W\d_]+", p.casefold())) <= _BYLINE_ROLES), "")
    return _LineFields(author=name, publisher=outlet)


_NAME_PARTICLES = frozenset({"and", "&", "de", "da", "del", "der", "di", "do", "dos", "du",
                             "van", "von", "bin", "binti", "al", "el", "la", "le", "y"})


def _key_fields(line: str) -> _LineFields | None:
    """A "Key: value" line: "Title: …", "Source: Xinhua | 2021-03-04 21:15:40", "Editor: …"."""
    m = _HEADER_RE.match(line)
    if not m:
        return None
    field = _KEY_OF.get(re.sub(r"\s+", " ", m["key"].casefold()), "ignored")
    value = m["value"].strip()
    if field == "title":
        return _LineFields(title=value)
    if field == "publisher":
        parts = _parts_fields(value)
        return parts if parts is not None else _LineFields(publisher=value)
    if field == "author":
        return _LineFields(author=_clean_name(value))
    if field == "published":
        return _LineFields(published=parse_date(value))
    if field == "updated":
        return _LineFields(updated=parse_date(value))
    return _LineFields()  # staff and ignored keys: metadata, no field


def _header_fields(line: str) -> _LineFields | None:
    """Fields from one metadata line (key line, byline, date line, publication line), or None."""
    line = _unwrap(line)
    if not line or len(line) > MAX_META_LINE:
        return None
    for parse in (_key_fields, _byline_fields):
        fields = parse(line)
        if fields is not None:
            return fields
    bare = _date_only(line)
    if bare is not None:
        return _LineFields(published=bare)
    fields = _publication_fields(line)
    if fields is not None:
        return fields
    prefix = _PUB_PREFIX_RE.match(line)
    if prefix and line[prefix.end():].strip() and _is_filler(line[prefix.end():]) and any(
            c.isdigit() for c in line[prefix.end():]):
        return _LineFields()  # "Last updated 17:55 CET": a time but no date
    return _place_date_fields(line)


_PLACE_DATE_RE = re.compile(
    r"^(?P<place>[^\W\d_][^\W\d_'’.-]*(?:[ '’.-]+[^\W\d_]+){0,3})"
    r"(?:,\s*(?P<region>[^\W\d_][^\W\d_'’. -]{1,30}))?,\s+(?P<date>.+)$"
)


def _place_date_fields(line: str) -> _LineFields | None:
    """A press release's "Victoria, 11 March 2023" (or "NAIROBI, Kenya, 3 March 2021") line:
    the place of issue and the publication date."""
    m = _PLACE_DATE_RE.match(line)
    if not m:
        return None
    value = _date_only(m["date"])
    place = m["place"]
    words = place.casefold().split()
    if value is None or not place[0].isupper() or any(w in _OUTLET_WORDS for w in words) or (
            re.fullmatch(_WEEKDAY, words[0]) or re.fullmatch(MONTH_NAME_RE, words[0])
            or _LETTERHEAD_RE.match(place)):
        return None
    if place.isupper():
        place = _title_case(place)
    return _LineFields(published=value, place=(place, (m["region"] or "").strip()))


def _is_headline(line: str) -> bool:
    """An unlabelled headline: a short line of words with no closing punctuation."""
    words = line.split()
    return 2 <= len(words) <= 20 and line[:1].isupper() and not line.rstrip().endswith(
        (".", "!", "?", ":", ";", ",", '"', "”"))


def _is_letterhead(line: str) -> bool:
    """A letterhead or notice line of a header block: "REPUBLIC OF X", "Office of the Press
    Secretary", "For Immediate Release", "THIS IS A RUSH TRANSCRIPT…", "[10:00:09]"."""
    line = _unwrap(line)
    if not line or len(line) > MAX_META_LINE:
        return False
    if _LETTERHEAD_RE.match(line) and len(line.split()) <= 12:
        return True
    if any(c.isdigit() for c in line) and _is_filler(line):
        return True  # a clock time on its own: "[10:00:09]", "08:05 GMT"
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 4 and not any(c.islower() for c in letters)


def _is_credit(line: str) -> bool:
    """ "(Reporting by …; Editing by …)", "Additional reporting by Jane Doe in Paris": who
    wrote, not news. Unbracketed, the phrase must be followed by a name ("Reporting by local
    media suggested …" is content)."""
    line = _unwrap(line)
    m = _CREDIT_RE.match(line)
    if m is None or len(line) > 2 * MAX_META_LINE:
        return False
    rest = line[m.end():].lstrip(" :")
    return (line.startswith("(") and line.endswith(")")) or rest[:1].isupper()


def _footer_fields(line: str) -> _LineFields | None:
    """Fields from a closing line (publication, update, print-edition, copyright, credit,
    "Editor:", "Source: … | date"), or None."""
    line = _unwrap(line)
    if _is_credit(line):
        return _LineFields()
    if not line or len(line) > MAX_META_LINE:
        return None
    fields = _key_fields(line)
    if fields is not None and not fields.title:
        return fields
    fields = _publication_fields(line)
    if fields is not None:
        return fields
    if _date_only(line) is not None:
        return _LineFields(published=_date_only(line))
    m = _COPYRIGHT_RE.match(line)
    if m and _looks_like_name(m["who"].strip()):
        year = PARTIAL_DATE_RE.search(line)
        return _LineFields(publisher=m["who"].strip(), year=int(year["y"]) if year else None)
    return None


# ---------------------------------------------------------------------------------------------
# front matter and headings (Markdown)

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_KEY_RE = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*)$")
_HEADING_RE = re.compile(r"\A#[ \t]+(?P<title>[^\n]+?)[ \t#]*(?:\n|\Z)")
_SETEXT_RE = re.compile(r"\A(?P<title>[^\n]{1,200})\n=+[ \t]*(?:\n|\Z)")


def _front_matter(text: str) -> tuple[_LineFields, int]:
    """Fields of simple ``key: value`` YAML front matter and where the body starts."""
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return _LineFields(), 0
    values: dict[str, str] = {}
    for line in m["yaml"].splitlines():
        kv = _FRONT_KEY_RE.match(line.strip())
        if kv:
            values.setdefault(kv["key"].lower(), kv["value"].strip().strip("'\""))

    def first(*keys: str) -> str:
        return next((values[k] for k in keys if values.get(k)), "")

    published = first("date", "published", "published_at", "pubdate", "publish_date",
                      "date_published")
    fields = _LineFields(
        title=first("title", "headline"),
        publisher=first("publisher", "source", "outlet", "publication", "site"),
        published=parse_date(published),
        author=first("author", "byline", "authors"),
        updated=parse_date(first("updated", "last_modified", "modified")),
    )
    return fields, m.end()


def _heading(text: str, start: int) -> tuple[str, int]:
    """A leading Markdown ``# Title`` (or setext) heading after ``start``, and the body start."""
    rest = text[start:]
    skipped = len(rest) - len(rest.lstrip())
    rest = rest[skipped:]
    m = _HEADING_RE.match(rest) or _SETEXT_RE.match(rest)
    if not m:
        return "", start
    return m["title"].strip(), start + skipped + m.end()


# ---------------------------------------------------------------------------------------------
# datelines

_WORD = r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*"  # KABUL, N'DJAMENA, AL-UDEID, D.C
_SEPARATOR = r"[ ]*(?::[ \t]+|[ ]?[—–][ \t]*|[ ](?:--|-)[ \t]+)(?=\S)"  # not "US-led"
_DATELINE_RE = re.compile(
    r"(?P<lead>[*_]{1,3})?"  # **PARIS, Ky.** — (Markdown emphasis)
    rf"(?P<place>{_WORD}(?:\.?[ ]{_WORD}){{0,3}})"  # 1-4 words: NEW YORK, ST. LOUIS
    r"(?P<parts>(?:,[ ]*\w[\w.'’ -]{0,30}?)*)"  # ", Afghanistan", ", March 3", ", Timor-Leste"
    r"[*_]{0,3}"
    r"(?:[ ]*\((?P<agency>[^()\n]{1,40})\))?"  # (Reuters)
    rf"(?P<sep>{_SEPARATOR}|(?<=\))[ ]+(?=[A-Z]))"  # "(RNS) Pope …": known agencies only
)
_DATELINE_DATE_RE = re.compile(
    rf"^(?:(?P<mon>{MONTH_NAME_RE})\.?\s+(?P<d>\d{{1,2}}){ORDINAL_RE}"
    rf"|(?P<d2>\d{{1,2}}){ORDINAL_RE}\s+(?P<mon2>{MONTH_NAME_RE})\.?)(?:,?\s+(?P<y>\d{{4}}))?$",
    re.I,
)
# All-caps openings that are kickers, organisations or speaker labels, not places.
_NOT_PLACES = frozenset(rule("dateline", "not_places"))
_AGENCIES = frozenset(rule("dateline", "agencies"))
_SMALL_WORDS = frozenset({"de", "da", "del", "di", "do", "dos", "du", "es", "la", "le", "of"})
DATELINE_WINDOW = 200  # a dateline ends within the body's first characters


def _title_case(place: str) -> str:
    """NEW YORK → New York, DAR ES SALAAM → Dar es Salaam."""
    words = place.title().split(" ")
    return " ".join(
        w.lower() if i and w.lower() in _SMALL_WORDS else w for i, w in enumerate(words)
    )


def _is_caps_place(place: str) -> bool:
    letters = [c for c in place if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return False
    # "US:", "UN:", "FBI:" open headlines as kickers; real dateline cities are longer.
    return len(letters) > 3 and place.rstrip(".") not in _NOT_PLACES


def _is_title_place(place: str) -> bool:
    """ "Hanoi", "San José", "Dar es Salaam": capitalised words (small words between)."""
    words = place.split(" ")
    return all(w[:1].isupper() or (i and w in _SMALL_WORDS) for i, w in enumerate(words)) and (
        place.upper() not in _NOT_PLACES) and not _CALENDAR_WORD_RE.fullmatch(words[0])


_CALENDAR_WORD_RE = re.compile(rf"{_WEEKDAY}|{MONTH_NAME_RE}\.?|today|yesterday", re.I)


def _match_dateline(body: str, *, title_case: bool) -> Dateline | None:
    """The dateline at the start of ``body``. All-caps places always; title-case places
    ("Hanoi (Xinhua) --", "Victoria, 11 March 2023 –") only with a known agency or a full date.
    Without a separator after the agency ("ROME (RNS) Pope …") the agency must be known."""
    m = _DATELINE_RE.match(body, 0, DATELINE_WINDOW)  # bounded: a long word backtracks
    if not m:
        return None
    agency = (m["agency"] or "").strip()
    if not m["sep"].strip(" ") and agency not in _AGENCIES:
        return None
    region, month_day, year = "", None, None
    for part in (p.strip() for p in m["parts"].split(",") if p.strip()):
        when = _DATELINE_DATE_RE.match(part)
        if when:
            month = MONTH_NUMBERS[(when["mon"] or when["mon2"])[:3].lower()]
            day = int(when["d"] or when["d2"])
            month_day = (month, day) if valid_date(2000, month, day) else None
            year = int(when["y"]) if when["y"] else year
            continue
        if region or len(part.split()) > 3 or not part[0].isalpha():
            return None  # more than one qualifier, a clause or a number: not a dateline
        region = part
    place = m["place"]
    if not _is_caps_place(place) and not (
            title_case and _is_title_place(place) and (agency in _AGENCIES or year)):
        return None
    start = m.start("place")
    return Dateline(
        place=_title_case(place) if place.isupper() else place,
        span=(start, start + len(place)),
        region=region,
        agency=agency,
        month_day=month_day,
        year=year,
    )


def parse_dateline(body: str) -> Dateline | None:
    """The all-caps dateline opening ``body`` ("KABUL, Afghanistan —"), or None.

    Only the very start of the body is looked at (after Markdown emphasis, "**PARIS, Ky.** —"),
    the place must be all capitals (a sentence starting "NATO said" or "Nato:" is not a
    dateline) and longer than three letters: "US:" and "UN:" open headline kickers far more
    often than they name the place of writing.
    """
    return _match_dateline(body, title_case=False)


def _any_dateline(body: str) -> Dateline | None:
    """A dateline as ``parse_dateline``, or a title-case one with an agency or a full date."""
    return _match_dateline(body, title_case=True)


# ---------------------------------------------------------------------------------------------
# the whole text


_LINE_RE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _lines_with_offsets(text: str, pos: int = 0) -> Iterator[tuple[int, int, str]]:
    """(start, end_including_newline, line) for each line of ``text`` from ``pos``, lazily:
    the header scan reads a dozen lines of what may be a megabyte."""
    for m in _LINE_RE.finditer(text, pos):
        yield m.start(), m.end(), m.group().rstrip("\r\n")


def _merge(base: _LineFields, new: _LineFields) -> _LineFields:
    """Keep the first value found for each field."""
    return _LineFields(
        title=base.title or new.title,
        publisher=base.publisher or new.publisher,
        published=base.published or new.published,
        author=base.author or new.author,
        updated=base.updated or new.updated,
        year=base.year or new.year,
        place=base.place or new.place,
    )


def _strip_header(text: str, start: int) -> tuple[_LineFields, int]:
    """Read the header block from ``start``: its fields and where the content begins.

    The block is a run of at most ``MAX_HEADER_LINES`` short lines: metadata lines, letterhead
    lines, headlines and a standfirst under a headline. Content begins at a dateline that opens
    one of its lines, else after its last metadata line (and the letterhead or clock lines right
    after it); with neither, nothing is removed. Headlines and standfirsts above the cut are
    part of the block, and the first headline becomes the title.
    """
    fields, found_meta, cut = _LineFields(), False, start
    headlines: list[tuple[int, str]] = []  # (line end, headline): title candidates
    prev, seen, standfirsts = "", 0, 0
    for line_start, line_end, line in _lines_with_offsets(text, start):
        if line_start - start > MAX_HEADER_CHARS:
            break
        stripped = line.strip()
        if not stripped:
            continue
        seen += 1
        found = _header_fields(stripped) if len(stripped) <= MAX_META_LINE else None
        if found is not None:
            fields, found_meta, cut, prev = _merge(fields, found), True, line_end, "meta"
        elif _any_dateline(stripped.lstrip("*_")) is not None:
            if prev:  # the story opens here: everything above is header
                cut = line_start + len(line) - len(line.lstrip(" \t*_"))
                found_meta = True
            break
        elif len(stripped) > MAX_STANDFIRST:
            break
        elif _is_letterhead(stripped):
            if prev == "meta":
                cut = line_end  # a notice or clock line right after the date line
            else:
                prev = "letterhead"
            if _is_headline(stripped) and len(stripped.split()) > 4 and not (
                    _LETTERHEAD_RE.match(stripped)):
                headlines.append((line_end, stripped))  # an all-caps headline
        elif _is_headline(stripped) and prev != "standfirst":
            headlines.append((line_end, stripped))
            prev = "headline"
        elif prev in ("headline", "standfirst") and standfirsts < 2:
            prev, standfirsts = "standfirst", standfirsts + 1  # the deck under a headline
        else:
            break
        if seen >= MAX_HEADER_LINES:
            break
    if not found_meta:
        return _LineFields(), start
    if not fields.title:
        above = [h for end, h in headlines if end <= cut]
        title = next((h for h in above if any(c.islower() for c in h)
                      and not _LETTERHEAD_RE.match(h)), above[0] if above else "")
        fields = _merge(fields, _LineFields(title=title))
    return fields, cut


def _is_end_marker(line: str) -> bool:
    """ "###", "-ENDS-", "Enditem", "___" on a line of their own."""
    stripped = line.strip()
    return (stripped.casefold() in _END_MARKERS or _unwrap(line).casefold() in _END_MARKERS
            or re.fullmatch(r"_{3,}", stripped) is not None)  # AP's rule before a note


_END_MARKERS = _folded("footer", "end_markers")
_BLOCK_START_RE = re.compile(rf"^(?:{_phrases(rule('footer', 'block_starts'))})", re.I)
_END_WORD_RE = re.compile(
    rf"\s(?:{'|'.join(re.escape(w) for w in rule('footer', 'end_words')) or '(?!)'})\s*\Z",
    re.I,
)
_TAIL_CHARS = 6000  # the footer is looked for in the article's last characters only


def _strip_footer(text: str, start: int) -> tuple[_LineFields, int]:
    """Remove the closing lines after ``start``: an end marker ("###", "-ENDS-", "___") or an
    "Issued by:" block near the end with everything after it, then publication, update,
    copyright, credit and "Editor:" lines, then a closing "Enditem". Returns their fields and
    the body end."""
    fields, end = _LineFields(), len(text)
    tail_start = max(start, len(text) - _TAIL_CHARS)
    tail = [(s, line) for s, _, line in _lines_with_offsets(text, tail_start) if line.strip()]
    if tail_start > start:
        tail = tail[1:]  # the first line may be cut short
    block = tail[-MAX_FOOTER_BLOCK:]
    for k, (line_start, line) in enumerate(block):
        if (_is_end_marker(line) or _BLOCK_START_RE.match(_unwrap(line))) and all(
                len(later.strip()) <= MAX_STANDFIRST for _, later in block[k + 1:]):
            for _, later in block[k + 1:]:
                found = _footer_fields(later)
                fields = _merge(fields, found) if found is not None else fields
            end = line_start
            break
    for _ in range(MAX_FOOTER_LINES):
        stripped_end = len(text[:end].rstrip())
        line_start = max(text.rfind("\n", start, stripped_end) + 1, start)
        if stripped_end <= start:
            break
        line = text[line_start:stripped_end]
        found = _footer_fields(line)
        if found is None and not _is_end_marker(line):
            break
        fields, end = _merge(fields, found or _LineFields()), line_start
    closing = _END_WORD_RE.search(text, start, len(text[:end].rstrip()))
    if closing is not None:
        end = closing.start()
    return fields, end


def _dateline_date(dateline: Dateline | None, fields: _LineFields) -> date | None:
    """The date of "HANOI, March 3 (Xinhua) --": its day and month, with its own year, else the
    year of an update line (the year before when the day falls after the update), else of a
    copyright or partly dated line. With none of them the date stays unknown: a year is
    never guessed."""
    if dateline is None or dateline.month_day is None:
        return None
    month, day = dateline.month_day
    if dateline.year is not None:
        return valid_date(dateline.year, month, day)
    if fields.updated is not None:
        year = fields.updated.year
        if (month, day) > (fields.updated.month, fields.updated.day):
            year -= 1
        return valid_date(year, month, day)
    return valid_date(fields.year, month, day) if fields.year else None


def parse_metadata(text: str, *, markdown: bool = False) -> Metadata:
    """Split ``text`` into its metadata and the body handed on for extraction.

    ``markdown`` also reads YAML front matter and a leading ``# Title`` heading. Earlier
    sources win: front matter, then heading, then header lines, then closing lines. The
    publication date is a dated line's, else the dateline's day and month, else an update's.
    """
    fields, start = _LineFields(), 0
    if markdown:
        fields, start = _front_matter(text)
        title, start = _heading(text, start)
        fields = _merge(fields, _LineFields(title=title))
    header, start = _strip_header(text, start)
    fields = _merge(fields, header)
    footer, end = _strip_footer(text, start)
    fields = _merge(fields, footer)
    body = text[start:end].strip()
    dateline = _any_dateline(body)
    if dateline is not None and dateline.span[0] > 0:  # "**PARIS, Ky.** —": start at the place
        body = body[dateline.span[0]:]
        dateline = _any_dateline(body)
    span = dateline.span if dateline else None
    place, region = (dateline.place, dateline.region) if dateline else fields.place or ("", "")
    return Metadata(
        body=body,
        title=fields.title,
        publisher=fields.publisher,
        published=fields.published or _dateline_date(dateline, fields) or fields.updated,
        author=fields.author,
        dateline=place,
        dateline_span=span,
        dateline_region=region,
    )

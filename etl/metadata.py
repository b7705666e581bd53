"""Metadata that articles carry in their own text: dateline, publication line, header lines.

Everything here is a pure function over a string that never raises on arbitrary text: ingest
calls it for every file and record, and a bad guess must cost a field, never an article.

What is removed and what stays:

* Header lines at the start ("Title: …", "Source: …", "Date: …", "By …" bylines, a "Reuters |
  March 4, 2021" line), Markdown front matter and a leading ``# Title`` heading, and publication
  or copyright lines at the start or end ("Published in Dawn, October 29th, 2019") are not
  content for extraction: they are removed from ``Metadata.body`` and turned into fields.
* A dateline ("ISLAMABAD:", "NEW YORK, March 3 (AP) —") is content: it stays in the body, and
  ``Metadata.dateline_span`` points at the place name in it so the pipeline can make a place
  mention of it.

``body`` is always one contiguous slice of the input (only whole leading and trailing lines are
dropped, then surrounding whitespace), so offsets into the body are offsets into real text.

Dates: ``published`` is set only from a full day-month-year. Numeric dates are read day-first
(12/03/2021 is 12 March 2021, as in most of the world's press) unless that is impossible
(03/25/2021 can only be 25 March 2021).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

__all__ = [
    "Dateline",
    "Metadata",
    "find_date",
    "parse_dateline",
    "parse_date",
    "parse_metadata",
    "parse_publication_line",
]

MAX_META_LINE = 200  # longer lines are paragraphs, never header or publication lines
MAX_HEADER_LINES = 12
MAX_FOOTER_LINES = 4

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH_NAME = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_MONTH = rf"(?P<mon>{_MONTH_NAME})\.?"
_ORD = r"(?:st|nd|rd|th)?"
_FULL_DATE_RES = (
    # 2019-10-29, 2019/10/29 (also the date part of an ISO timestamp)
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    # 29 October 2019, 29th of Oct. 2019
    re.compile(
        rf"(?<!\w)(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?{_MONTH},?\s+(?P<y>\d{{4}})(?!\d)", re.I
    ),
    # October 29th, 2019
    re.compile(rf"(?<!\w){_MONTH}\s+(?P<d>\d{{1,2}}){_ORD},?\s+(?P<y>\d{{4}})(?!\d)", re.I),
    # 12/03/2021, 12.03.2021, 12-03-2021: day-first unless impossible
    re.compile(r"(?<![\d/.-])(?P<a>\d{1,2})([/.-])(?P<b>\d{1,2})\2(?P<y>\d{4})(?!\d)"),
)
# A year, or a month and year: enough to recognise a publication line, not to date it.
_PARTIAL_DATE_RE = re.compile(rf"(?<!\w)(?:{_MONTH},?\s+)?(?P<y>(?:1[89]|20)\d\d)(?!\d)", re.I)


@dataclass(frozen=True, slots=True)
class Dateline:
    """An all-caps dateline opening the body; ``span`` covers the place name only."""

    place: str  # title case: "New York"
    span: tuple[int, int]  # (start, end) of "NEW YORK" in the body
    region: str = ""  # "Afghanistan" in "KABUL, Afghanistan —"; helps pick the right place
    agency: str = ""  # "Reuters" in "MOSCOW (Reuters) -"


@dataclass(frozen=True, slots=True)
class Metadata:
    """What an article's text says about itself, and the text with the non-content removed."""

    body: str
    title: str = ""
    publisher: str = ""
    published: date | None = None
    author: str = ""
    dateline: str = ""
    dateline_span: tuple[int, int] | None = None
    dateline_region: str = ""


# ---------------------------------------------------------------------------------------------
# dates


def _valid(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _date_from_match(m: re.Match[str]) -> date | None:
    groups = m.groupdict()
    year = int(groups["y"])
    if groups.get("a") is not None:
        first, second = int(groups["a"]), int(groups["b"])
        return _valid(year, second, first) or _valid(year, first, second)
    month = _MONTHS[groups["mon"][:3].lower()] if groups.get("mon") else int(groups["m"])
    return _valid(year, month, int(groups["d"]))


def find_date(text: str) -> tuple[date, tuple[int, int]] | None:
    """The first full day-month-year date in ``text`` and its span, or None.

    A partial date ("March 2021") is not a date here: a day is never invented.
    """
    best: tuple[date, tuple[int, int]] | None = None
    for pattern in _FULL_DATE_RES:
        for m in pattern.finditer(text):
            if best is not None and m.start() >= best[1][0]:
                break
            value = _date_from_match(m)
            if value is not None:
                best = (value, m.span())
                break
    return best


def parse_date(text: str) -> date | None:
    """A full date anywhere in ``text`` (ISO, "29 Oct 2019", "October 29th, 2019", 12/03/2021)."""
    found = find_date(text)
    return found[0] if found else None


def _date_span(text: str) -> tuple[date | None, tuple[int, int]] | None:
    """A full date, else a year or month-and-year, with its span: what marks a dated line."""
    found = find_date(text)
    if found:
        return found
    m = _PARTIAL_DATE_RE.search(text)
    return (None, m.span()) if m else None


# ---------------------------------------------------------------------------------------------
# publication, header and copyright lines


@dataclass(frozen=True, slots=True)
class _LineFields:
    """Fields one metadata line gives; ``dated`` is False for "Updated …" lines."""

    title: str = ""
    publisher: str = ""
    published: date | None = None
    author: str = ""
    dated: bool = True


_PUB_PREFIX_RE = re.compile(
    r"^(?P<kind>(?:first|originally)\s+published|published|posted|"
    r"(?:last\s+)?updated|(?:last\s+)?modified|print\s+edition)\b\s*:?\s*",
    re.I,
)
_HEADER_RE = re.compile(
    r"^(?P<key>title|headline|source|publisher|publication|outlet|date|published|"
    r"published\s+(?:at|on)|pub(?:lication)?\s*date|author|byline|url|link|updated)\s*:\s*(?P<value>.*)$",
    re.I,
)
_BYLINE_RE = re.compile(r"^(?:By|BY|by)[:\s]\s*(?P<who>[A-Z][^\n]{0,80})$")
_PIPE_RE = re.compile(r"^(?P<left>[^|•·]{2,80}?)\s*[|•·]\s*(?P<right>[^|•·]{2,80})$")
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
    return value.strip(_SEP_CHARS)


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
    "First published in The Nation on 2021-03-04", "Posted on 12/03/2021 by Jane Doe",
    "Reuters | March 4, 2021", "March 4, 2021 | Reuters". A line is only taken when it carries
    a date (at least a year), so "Published reports say…" stays content. "Updated …" lines are
    recognised (so they can be removed) but give no publication date.
    """
    fields = _publication_fields(_unwrap(line))
    if fields is None:
        return None
    return fields.publisher, fields.published if fields.dated else None, fields.author


def _publication_fields(line: str) -> _LineFields | None:
    if not line or len(line) > MAX_META_LINE:
        return None
    prefix = _PUB_PREFIX_RE.match(line)
    if prefix:
        rest = line[prefix.end():]
        found = _date_span(rest)
        if found is None:
            return None
        value, (start, end) = found
        before, after = _clean_name(rest[:start]), rest[end:].strip(_SEP_CHARS)
        author = ""
        by = re.search(r"\bby\s+(?P<who>.+)$", after, re.I)
        if by and _looks_like_name(by["who"].strip()):
            author = by["who"].strip()
        elif after and not re.fullmatch(r"[\d:.\s]*(?:[ap]\.?m\.?)?\s*[A-Z]{0,5}", after, re.I):
            return None  # trailing words that are neither a time nor a byline: a sentence
        by_before = re.match(r"by\s+", rest.strip(), re.I) is not None
        if before and not _looks_like_name(before):
            return None
        dated = not prefix["kind"].lower().endswith(("updated", "modified"))
        publisher = before.split(",")[0].strip() if by_before or not author else ""
        if by_before and prefix["kind"].lower() == "posted":
            publisher, author = "", author or before
        return _LineFields(publisher=publisher, published=value, author=author, dated=dated)
    pipe = _PIPE_RE.match(line)
    if pipe:
        for name, when in ((pipe["left"], pipe["right"]), (pipe["right"], pipe["left"])):
            value = parse_date(when)
            name = name.strip()
            if value is not None and _looks_like_name(name) and parse_date(name) is None:
                return _LineFields(publisher=name, published=value)
    return None


def _header_fields(line: str) -> _LineFields | None:
    """Fields from one header line ("Title: …", "By …", a publication line), or None."""
    line = _unwrap(line)
    if not line or len(line) > MAX_META_LINE:
        return None
    m = _HEADER_RE.match(line)
    if m:
        key = re.sub(r"\s+", " ", m["key"].lower())
        value = m["value"].strip()
        if key in ("title", "headline"):
            return _LineFields(title=value)
        if key in ("source", "publisher", "publication", "outlet"):
            return _LineFields(publisher=value)
        if key in ("author", "byline"):
            return _LineFields(author=_clean_name(value))
        if key in ("url", "link"):
            return _LineFields()
        return _LineFields(published=parse_date(value), dated=key != "updated")
    byline = _BYLINE_RE.match(line)
    if byline:
        who, _, outlet = byline["who"].partition("|")  # "By Anwar Iqbal | Dawn"
        if _looks_like_name(who.strip()):
            return _LineFields(author=who.strip(), publisher=outlet.strip())
    bare = _date_only(line)
    if bare is not None:
        return _LineFields(published=bare)
    return _publication_fields(line)


_WEEKDAY_RE = re.compile(
    r"^(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+", re.I)


def _date_only(line: str) -> date | None:
    """A line that is nothing but a full date ("Monday 19 February 2024"): a dated header."""
    rest = _WEEKDAY_RE.sub("", line.strip())
    found = find_date(rest)
    if found is None:
        return None
    value, (start, end) = found
    return value if not rest[:start].strip(_SEP_CHARS) and not rest[end:].strip(_SEP_CHARS) \
        else None


def _is_headline(line: str) -> bool:
    """An unlabelled headline: a short line of words with no closing punctuation."""
    words = line.split()
    return 2 <= len(words) <= 16 and line[:1].isupper() and not line.rstrip().endswith(
        (".", "!", "?", ":", ";", ",", '"', "”"))


def _footer_fields(line: str) -> _LineFields | None:
    """Fields from a closing publication or copyright line, or None."""
    fields = _publication_fields(_unwrap(line))
    if fields is not None:
        return fields
    m = _COPYRIGHT_RE.match(_unwrap(line))
    if m and _looks_like_name(m["who"].strip()):
        return _LineFields(publisher=m["who"].strip(), dated=False)
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

    published = first("date", "published", "published_at", "pubdate", "publish_date")
    fields = _LineFields(
        title=first("title", "headline"),
        publisher=first("publisher", "source", "outlet", "publication", "site"),
        published=parse_date(published),
        author=first("author", "byline", "authors"),
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
_DATELINE_RE = re.compile(
    rf"(?P<place>{_WORD}(?:\.?[ ]{_WORD}){{0,3}})"  # 1-4 words: NEW YORK, ST. LOUIS
    r"(?P<parts>(?:,[ ]*\w[\w.'’ ]{0,30}?)*)"  # ", Afghanistan", ", March 3", ", 3 March"
    r"(?:[ ]*\((?P<agency>[^()\n]{1,40})\))?"  # (Reuters)
    r"[ ]*(?::[ \t]+|[ ]?[—–][ \t]*|[ ](?:--|-)[ \t]+)(?=\S)"  # ":", "—", " - " (not "US-led")
)
_DATELINE_DATE_RE = re.compile(
    rf"^{_MONTH_NAME}\.?\s+\d{{1,2}}{_ORD}$|^\d{{1,2}}\s+{_MONTH_NAME}\.?$", re.I
)
# All-caps openings that are kickers or organisations, not places.
_NOT_PLACES = frozenset({
    "BREAKING", "BREAKING NEWS", "UPDATE", "UPDATED", "EXCLUSIVE", "ANALYSIS", "OPINION",
    "EDITORIAL", "COMMENT", "NOTE", "WATCH", "LIVE", "LIVE UPDATES", "PHOTOS", "VIDEO",
    "CORRECTION", "CLARIFICATION", "FACTBOX", "EXPLAINER", "INTERVIEW", "REVIEW", "URGENT",
    "FLASH", "ALERT", "WARNING", "NATO", "OPEC", "ASEAN", "UNICEF", "UNESCO", "UNHCR", "UNRWA",
    "IAEA", "NASA", "FIFA", "INTERPOL", "EUROPOL", "SAARC", "BRICS",
})
_SMALL_WORDS = frozenset({"de", "da", "del", "di", "do", "dos", "du", "es", "la", "le", "of"})


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


def parse_dateline(body: str) -> Dateline | None:
    """The all-caps dateline opening ``body`` ("KABUL, Afghanistan —"), or None.

    Only the very start of the body is looked at, the place must be all capitals (a sentence
    starting "NATO said" or "Nato:" is not a dateline) and longer than three letters: "US:" and
    "UN:" open headline kickers far more often than they name the place of writing.
    """
    m = _DATELINE_RE.match(body)
    if not m or not _is_caps_place(m["place"]):
        return None
    region = ""
    for part in (p.strip() for p in m["parts"].split(",") if p.strip()):
        if _DATELINE_DATE_RE.match(part):
            continue
        if region or len(part.split()) > 3 or not part[0].isalpha():
            return None  # more than one qualifier, a clause or a number: not a dateline
        region = part
    place = m["place"]
    return Dateline(
        place=_title_case(place),
        span=(m.start("place"), m.start("place") + len(place)),
        region=region,
        agency=(m["agency"] or "").strip(),
    )


# ---------------------------------------------------------------------------------------------
# the whole text


def _lines_with_offsets(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end_including_newline, line) for each line of ``text``."""
    start = 0
    for line in text.splitlines(keepends=True):
        yield start, start + len(line), line.rstrip("\r\n")
        start += len(line)


def _merge(base: _LineFields, new: _LineFields) -> _LineFields:
    """Keep the first value found for each field; only dated lines give ``published``."""
    published = base.published
    if published is None and new.dated:
        published = new.published
    return _LineFields(
        title=base.title or new.title,
        publisher=base.publisher or new.publisher,
        published=published,
        author=base.author or new.author,
    )


def _strip_header(text: str, start: int) -> tuple[_LineFields, int]:
    """Consume header lines from ``start``: returns their fields and where content begins."""
    fields, consumed, body_start = _LineFields(), 0, start
    lines = [(end, line) for _, end, line in _lines_with_offsets(text[start:]) if line.strip()]
    for k, (line_end, line) in enumerate(lines):
        found = _header_fields(line)
        if found is None and k == 0 and len(lines) > 1 and _is_headline(line) and (
                _header_fields(lines[1][1]) is not None):
            found = _LineFields(title=line.strip())  # a headline right above a header line
        if found is None or consumed >= MAX_HEADER_LINES:
            break
        fields, consumed, body_start = _merge(fields, found), consumed + 1, start + line_end
    return fields, body_start


def _strip_footer(text: str, start: int) -> tuple[_LineFields, int]:
    """Consume publication and copyright lines from the end: their fields and the body end."""
    fields, end = _LineFields(), len(text)
    for _ in range(MAX_FOOTER_LINES):
        stripped_end = len(text[:end].rstrip())
        line_start = text.rfind("\n", start, stripped_end) + 1
        line_start = max(line_start, start)
        if stripped_end <= start:
            break
        found = _footer_fields(text[line_start:stripped_end])
        if found is None:
            break
        fields, end = _merge(fields, found), line_start
    return fields, end


def parse_metadata(text: str, *, markdown: bool = False) -> Metadata:
    """Split ``text`` into its metadata and the body handed on for extraction.

    ``markdown`` also reads YAML front matter and a leading ``# Title`` heading. Earlier
    sources win: front matter, then heading, then header lines, then closing lines.
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
    dateline = parse_dateline(body)
    return Metadata(
        body=body,
        title=fields.title,
        publisher=fields.publisher,
        published=fields.published,
        author=fields.author,
        dateline=dateline.place if dateline else "",
        dateline_span=dateline.span if dateline else None,
        dateline_region=dateline.region if dateline else "",
    )
